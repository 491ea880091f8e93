"""NumPy reference for the multilayer perceptron of chapter 1.

Row convention, as in Keras and the book: a minibatch ``X`` has shape ``(n, d)`` (examples in
rows), a layer computes ``X @ W + b`` with ``W: (d, h)`` and ``b: (h,)`` broadcast over the rows.
"""

from __future__ import annotations

import numpy as np

from rnnbook._validate import as_array, check_choice
from rnnbook.i18n import tr

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def relu(Z):
    """Elementwise max(z, 0)."""
    return np.maximum(as_array(Z, "Z"), 0.0)


def _activate(Z: np.ndarray, activation: str) -> np.ndarray:
    check_choice(activation, "activation", ACTIVATIONS)
    if activation == "relu":
        return np.maximum(Z, 0.0)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-Z))
    return Z


def softmax(O, axis: int = -1):
    """Softmax along ``axis``, stable for large logits (the row maximum is subtracted first)."""
    O = as_array(O, "O")
    if O.ndim == 0:
        raise ValueError(tr("expected O with at least 1 axis (the classes), got a scalar"))
    shifted = O - O.max(axis=axis, keepdims=True)
    E = np.exp(shifted)
    return E / E.sum(axis=axis, keepdims=True)


def dense_forward(X, W, b=None, activation: str = "linear"):
    """One fully connected layer, ``φ(X W + b)``.

    X: (n, d) minibatch; W: (d, h); b: (h,) or None. Returns (n, h).
    """
    X = as_array(X, "X", ndim=2, axes="(batch, features)")
    W = as_array(W, "W", ndim=2, axes="(in_features, out_features)")
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            tr(
                "X has {features} features but W expects {expected} (W has shape {shape}); "
                "W must have shape (features, units), i.e. Keras' kernel layout. "
                "A torch nn.Linear weight is stored as (units, features): pass weight.T",
                features=X.shape[1],
                expected=W.shape[0],
                shape=W.shape,
            )
        )
    Z = X @ W
    if b is not None:
        b = as_array(b, "b", ndim=1, axes="(units,)")
        if b.shape[0] != W.shape[1]:
            raise ValueError(
                tr(
                    "b has {entries} entries but W has {units} units; expected b: ({units},)",
                    entries=b.shape[0],
                    units=W.shape[1],
                )
            )
        Z = Z + b  # broadcast: the same bias row is added to every example
    return _activate(Z, activation)


def mlp_forward(X, W_xh, b_h, W_hq, b_q, activation: str = "relu"):
    """A one-hidden-layer MLP: ``H = φ(X W_xh + b_h)``, ``O = H W_hq + b_q``.

    X: (n, d); W_xh: (d, h); b_h: (h,); W_hq: (h, q); b_q: (q,). Returns the logits O: (n, q).
    """
    H = dense_forward(X, W_xh, b_h, activation=activation)
    return dense_forward(H, W_hq, b_q, activation="linear")
