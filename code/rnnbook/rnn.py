"""NumPy reference for the recurrence of chapter 2.

Row convention, as in Keras: a batch of sequences ``X`` has shape ``(batch, time, features)``;
at step t, ``H_t = φ(X_t W_xh + H_{t-1} W_hh + b_h)`` with ``X_t: (n, d)``, ``H_t: (n, h)``,
``W_xh: (d, h)``, ``W_hh: (h, h)``, ``b_h: (h,)``.
"""

from __future__ import annotations

import numpy as np

from rnnbook._validate import as_array, positive_int
from rnnbook.i18n import tr
from rnnbook.mlp import _activate


def _check_weights(d: int, W_xh, W_hh, b_h):
    W_xh = as_array(W_xh, "W_xh", ndim=2, axes="(features, hiddens)")
    W_hh = as_array(W_hh, "W_hh", ndim=2, axes="(hiddens, hiddens)")
    if W_xh.shape[0] != d:
        raise ValueError(
            tr(
                "the input has {features} features but W_xh has {rows} rows (shape {shape}); "
                "W_xh must be (features, hiddens), Keras' kernel layout. A torch weight_ih_l0 is "
                "(hiddens, features): pass weight_ih_l0.T",
                features=d,
                rows=W_xh.shape[0],
                shape=W_xh.shape,
            )
        )
    h = W_xh.shape[1]
    if W_hh.shape != (h, h):
        raise ValueError(
            tr(
                "W_hh must be ({hiddens}, {hiddens}) to match W_xh's {hiddens} hidden units, got {shape}",
                hiddens=h,
                shape=W_hh.shape,
            )
        )
    if b_h is not None:
        b_h = as_array(b_h, "b_h", ndim=1, axes="(hiddens,)")
        if b_h.shape != (h,):
            raise ValueError(tr("b_h must have shape ({hiddens},), got {shape}", hiddens=h, shape=b_h.shape))
    return W_xh, W_hh, b_h


def rnn_step(X_t, H_prev, W_xh, W_hh, b_h=None, activation: str = "tanh"):
    """One step of the recurrence: ``φ(X_t W_xh + H_prev W_hh + b_h)``.

    X_t: (n, d); H_prev: (n, h). Returns H_t: (n, h).
    """
    X_t = as_array(X_t, "X_t", ndim=2, axes="(batch, features)")
    W_xh, W_hh, b_h = _check_weights(X_t.shape[1], W_xh, W_hh, b_h)
    H_prev = as_array(H_prev, "H_prev", ndim=2, axes="(batch, hiddens)")
    if H_prev.shape != (X_t.shape[0], W_hh.shape[0]):
        raise ValueError(
            tr(
                "H_prev must have shape {expected} (batch, hiddens), got {shape}",
                expected=(X_t.shape[0], W_hh.shape[0]),
                shape=H_prev.shape,
            )
        )
    Z = X_t @ W_xh + H_prev @ W_hh
    if b_h is not None:
        Z = Z + b_h
    return _activate(Z, activation)


def _initial_state(H0, batch: int, hiddens: int) -> np.ndarray:
    """``H0`` checked against ``(batch, hiddens)``, with an error that names H0 and the fix."""
    H0 = as_array(H0, "H0")
    expected = (batch, hiddens)
    if H0.shape == expected:
        return H0
    if H0.shape == (hiddens,):
        fix = tr(
            "to start every sequence from this one state, repeat it: np.tile(H0, ({batch}, 1))",
            batch=batch,
        )
    elif H0.shape == (hiddens, batch):
        fix = tr("H0 is transposed: pass H0.T")
    else:
        fix = tr(
            "X holds {batch} sequences and W_hh has {hiddens} hidden units, so H0 needs {batch} rows "
            "of {hiddens} values; or pass H0=None to start from zeros",
            batch=batch,
            hiddens=hiddens,
        )
    raise ValueError(
        tr(
            "H0 must have shape {expected} (batch, hiddens), one initial hidden state per sequence of X, "
            "got shape {shape}; {fix}",
            expected=expected,
            shape=H0.shape,
            fix=fix,
        )
    )


def rnn_forward(X, W_xh, W_hh, b_h=None, H0=None, activation: str = "tanh"):
    """Run the recurrence over every time step.

    X: (batch, time, features); H0: (batch, hiddens) or None for zeros.
    Returns ``(H, H_T)``: all states ``(batch, time, hiddens)`` and the last one ``(batch, hiddens)``.
    """
    X = as_array(X, "X", ndim=3, axes="(batch, time, features)")
    n, T, d = X.shape
    if T == 0:
        raise ValueError(tr("X has no time steps (shape has time = 0); a sequence needs at least one step"))
    W_xh, W_hh, b_h = _check_weights(d, W_xh, W_hh, b_h)
    h = W_hh.shape[0]
    H_t = np.zeros((n, h), dtype=np.result_type(X, W_xh)) if H0 is None else _initial_state(H0, n, h)
    states = []
    for t in range(T):
        H_t = rnn_step(X[:, t, :], H_t, W_xh, W_hh, b_h, activation)
        states.append(H_t)
    return np.stack(states, axis=1), H_t


def spectral_radius(W) -> float:
    """Largest absolute eigenvalue of a square matrix."""
    W = as_array(W, "W", ndim=2, axes="(h, h)")
    if W.shape[0] != W.shape[1]:
        raise ValueError(tr("the spectral radius needs a square matrix, got shape {shape}", shape=W.shape))
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def scaled_recurrent_matrix(num_hiddens: int, radius: float, seed: int = 0):
    """A random ``(h, h)`` matrix rescaled to the given spectral radius."""

    h = positive_int(num_hiddens, "num_hiddens")
    if not np.isfinite(radius) or radius <= 0:
        raise ValueError(tr("radius must be a positive number, got {radius!r}", radius=radius))
    W = np.random.default_rng(seed).normal(size=(h, h))
    return W * (radius / spectral_radius(W))
