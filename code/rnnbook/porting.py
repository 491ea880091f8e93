"""Copy weights between Keras and PyTorch layers, with the transposes made explicit.

Keras ``Dense`` stores ``kernel: (in_features, units)`` and computes ``x @ kernel + bias``.
PyTorch ``nn.Linear`` stores ``weight: (out_features, in_features)`` and computes
``x @ weight.T + bias``. So ``weight = kernel.T``.
"""

from __future__ import annotations

import numpy as np

from rnnbook._validate import require
from rnnbook.i18n import tr


def _dense_weights(dense):
    if not getattr(dense, "built", False):
        raise ValueError(
            tr(
                "the Keras layer has no weights yet; build it first, e.g. call it on an input "
                "or put it in a model with keras.Input((features,))"
            )
        )
    weights = dense.get_weights()
    kernel = weights[0]
    bias = weights[1] if len(weights) > 1 else None
    return kernel, bias


def keras_dense_to_torch_linear(dense, linear) -> None:
    """Copy a built Keras ``Dense`` into a torch ``nn.Linear`` of matching size (in place)."""
    torch = require("torch", "keras_dense_to_torch_linear", package="PyTorch")

    kernel, bias = _dense_weights(dense)
    expected = (kernel.shape[1], kernel.shape[0])
    if tuple(linear.weight.shape) != expected:
        raise ValueError(
            tr(
                "Dense kernel {kernel_shape} needs nn.Linear({in_features}, {out_features}) "
                "whose weight is {expected}, got weight {weight_shape}",
                kernel_shape=kernel.shape,
                in_features=kernel.shape[0],
                out_features=kernel.shape[1],
                expected=expected,
                weight_shape=tuple(linear.weight.shape),
            )
        )
    if (bias is None) != (linear.bias is None):
        raise ValueError(tr("one layer has a bias and the other not: use use_bias= / bias= alike on both"))
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
            tr(
                "nn.Linear weight {weight_shape} transposes to {transposed_shape}, "
                "but the Dense kernel is {kernel_shape}",
                weight_shape=weight.shape,
                transposed_shape=weight.T.shape,
                kernel_shape=kernel.shape,
            )
        )
    if (bias is None) != (linear.bias is None):
        raise ValueError(tr("one layer has a bias and the other not: use use_bias= / bias= alike on both"))
    new = [weight.T.astype(kernel.dtype)]
    if bias is not None:
        new.append(linear.bias.detach().cpu().numpy().astype(bias.dtype))
    dense.set_weights(new)


def keras_simple_rnn_to_torch_rnn(layer, rnn) -> None:
    """Copy a built Keras ``SimpleRNN`` into a one-layer, unidirectional ``torch.nn.RNN`` (in place).

    torch computes ``x W_ihᵀ + b_ih + h W_hhᵀ + b_hh``: its weights are the transposes of Keras'
    kernels, and Keras' single bias goes into ``bias_ih_l0`` with ``bias_hh_l0`` set to zero.
    """
    torch = require("torch", "keras_simple_rnn_to_torch_rnn", package="PyTorch")

    if not getattr(layer, "built", False):
        raise ValueError(tr("the Keras layer has no weights yet; call it on an input or build it first"))
    if rnn.num_layers != 1 or rnn.bidirectional:
        raise ValueError(tr("a Keras SimpleRNN corresponds to nn.RNN(num_layers=1, bidirectional=False)"))
    weights = layer.get_weights()
    kernel, recurrent = weights[0], weights[1]
    bias = weights[2] if len(weights) > 2 else None
    if tuple(rnn.weight_ih_l0.shape) != kernel.T.shape:
        raise ValueError(
            tr(
                "SimpleRNN kernel {kernel_shape} needs nn.RNN({input_size}, {hidden_size}), "
                "got weight_ih_l0 {weight_shape}",
                kernel_shape=kernel.shape,
                input_size=kernel.shape[0],
                hidden_size=kernel.shape[1],
                weight_shape=tuple(rnn.weight_ih_l0.shape),
            )
        )
    if (bias is None) != (not rnn.bias):
        raise ValueError(tr("use_bias=False in Keras corresponds to bias=False in torch; make them agree"))
    expected_nonlinearity = {"tanh": "tanh", "relu": "relu"}.get(layer.activation.__name__)
    if expected_nonlinearity != rnn.nonlinearity:
        raise ValueError(
            tr(
                "the Keras layer uses activation={activation!r} but nn.RNN has "
                "nonlinearity={nonlinearity!r}; torch offers only 'tanh' and 'relu'",
                activation=layer.activation.__name__,
                nonlinearity=rnn.nonlinearity,
            )
        )
    dtype = rnn.weight_ih_l0.dtype
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.as_tensor(kernel.T, dtype=dtype))
        rnn.weight_hh_l0.copy_(torch.as_tensor(recurrent.T, dtype=dtype))
        if bias is not None:
            rnn.bias_ih_l0.copy_(torch.as_tensor(bias, dtype=dtype))
            rnn.bias_hh_l0.zero_()


def torch_rnn_to_keras_simple_rnn(rnn, layer) -> None:
    """Copy a one-layer ``torch.nn.RNN`` into a built Keras ``SimpleRNN`` (in place).

    The two torch biases are added: only their sum ever enters the computation.
    """
    if not getattr(layer, "built", False):
        raise ValueError(tr("the Keras layer has no weights yet; call it on an input or build it first"))
    if rnn.num_layers != 1 or rnn.bidirectional:
        raise ValueError(tr("only nn.RNN(num_layers=1, bidirectional=False) maps onto one SimpleRNN"))
    current = layer.get_weights()
    kernel = rnn.weight_ih_l0.detach().cpu().numpy().T
    if kernel.shape != current[0].shape:
        raise ValueError(
            tr(
                "nn.RNN weight_ih_l0ᵀ is {transposed_shape} but the SimpleRNN kernel is {kernel_shape}",
                transposed_shape=kernel.shape,
                kernel_shape=current[0].shape,
            )
        )
    if (len(current) > 2) != bool(rnn.bias):
        raise ValueError(tr("use_bias=False in Keras corresponds to bias=False in torch; make them agree"))
    new = [kernel, rnn.weight_hh_l0.detach().cpu().numpy().T]
    if rnn.bias:
        new.append((rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().cpu().numpy())
    layer.set_weights([w.astype(c.dtype) for w, c in zip(new, current, strict=True)])
