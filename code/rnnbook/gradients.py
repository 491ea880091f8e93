"""Backpropagation through time, measured: how ∂h_t/∂h_0 shrinks or grows with t (chapter 3)."""

from __future__ import annotations

import numpy as np

from rnnbook._validate import as_array, check_choice, positive_int
from rnnbook.i18n import tr


def _derivative(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if activation == "relu":
        return (z > 0).astype(z.dtype)
    return np.ones_like(z)


def state_jacobians(x, W_xh, W_hh, b_h=None, h0=None, activation: str = "tanh"):
    """Jacobians ``∂h_t/∂h_0`` for t = 1..T of one sequence, by the chain rule.

    x: (time, features); W_xh: (features, hiddens); W_hh: (hiddens, hiddens); h0: (hiddens,).
    Row convention ``h_t = φ(x_t W_xh + h_{t-1} W_hh + b_h)``, so one step contributes
    ``∂h_t/∂h_{t-1} = diag(φ'(z_t)) W_hhᵀ``. Returns an array (time, hiddens, hiddens).
    """
    check_choice(activation, "activation", ("tanh", "relu", "linear"))
    x = as_array(x, "x", ndim=2, axes="(time, features)")
    W_xh = as_array(W_xh, "W_xh", ndim=2, axes="(features, hiddens)")
    W_hh = as_array(W_hh, "W_hh", ndim=2, axes="(hiddens, hiddens)")
    h = W_hh.shape[0]
    if W_xh.shape != (x.shape[1], h) or W_hh.shape != (h, h):
        raise ValueError(
            tr(
                "expected W_xh: ({features}, h) and W_hh: (h, h) with the same h; "
                "got W_xh {W_xh_shape}, W_hh {W_hh_shape}",
                features=x.shape[1],
                W_xh_shape=W_xh.shape,
                W_hh_shape=W_hh.shape,
            )
        )
    b_h = np.zeros(h) if b_h is None else as_array(b_h, "b_h", ndim=1)
    state = np.zeros(h) if h0 is None else as_array(h0, "h0", ndim=1)
    J = np.eye(h)
    out = []
    for x_t in x:
        z = x_t @ W_xh + state @ W_hh + b_h
        J = (_derivative(z, activation)[:, None] * W_hh.T) @ J
        state = np.maximum(z, 0.0) if activation == "relu" else (np.tanh(z) if activation == "tanh" else z)
        out.append(J)
    return np.stack(out)


def jacobian_norms(W_hh, num_steps: int, activation: str = "tanh", input_scale: float = 1.0, seed: int = 0):
    """Spectral norm of ``∂h_t/∂h_0`` for t = 1..num_steps, on a random input sequence."""
    W_hh = as_array(W_hh, "W_hh", ndim=2, axes="(hiddens, hiddens)")
    T = positive_int(num_steps, "num_steps")
    h = W_hh.shape[0]
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=input_scale, size=(T, h))
    J = state_jacobians(x, np.eye(h), W_hh, activation=activation)
    return np.linalg.norm(J, ord=2, axis=(1, 2))
