"""Copy weights between Keras and PyTorch layers, with the transposes made explicit.

Keras ``Dense`` stores ``kernel: (in_features, units)`` and computes ``x @ kernel + bias``.
PyTorch ``nn.Linear`` stores ``weight: (out_features, in_features)`` and computes
``x @ weight.T + bias``. So ``weight = kernel.T``.
"""

from __future__ import annotations

import numpy as np


def _dense_weights(dense):
    if not getattr(dense, "built", False):
        raise ValueError(
            "the Keras layer has no weights yet; build it first, e.g. call it on an input "
            "or put it in a model with keras.Input((features,))"
        )
    weights = dense.get_weights()
    kernel = weights[0]
    bias = weights[1] if len(weights) > 1 else None
    return kernel, bias


def keras_dense_to_torch_linear(dense, linear) -> None:
    """Copy a built Keras ``Dense`` into a torch ``nn.Linear`` of matching size (in place)."""
    import torch

    kernel, bias = _dense_weights(dense)
    expected = (kernel.shape[1], kernel.shape[0])
    if tuple(linear.weight.shape) != expected:
        raise ValueError(
            f"Dense kernel {kernel.shape} needs nn.Linear({kernel.shape[0]}, {kernel.shape[1]}) "
            f"whose weight is {expected}, got weight {tuple(linear.weight.shape)}"
        )
    if (bias is None) != (linear.bias is None):
        raise ValueError("one layer has a bias and the other not: use use_bias= / bias= alike on both")
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.T)))
        if bias is not None:
            linear.bias.copy_(torch.from_numpy(bias))


def torch_linear_to_keras_dense(linear, dense) -> None:
    """Copy a torch ``nn.Linear`` into a built Keras ``Dense`` of matching size (in place)."""
    kernel, bias = _dense_weights(dense)
    weight = linear.weight.detach().cpu().numpy()
    if weight.T.shape != kernel.shape:
        raise ValueError(
            f"nn.Linear weight {weight.shape} transposes to {weight.T.shape}, but the Dense kernel is {kernel.shape}"
        )
    if (bias is None) != (linear.bias is None):
        raise ValueError("one layer has a bias and the other not: use use_bias= / bias= alike on both")
    new = [weight.T.astype(kernel.dtype)]
    if bias is not None:
        new.append(linear.bias.detach().cpu().numpy().astype(bias.dtype))
    dense.set_weights(new)
