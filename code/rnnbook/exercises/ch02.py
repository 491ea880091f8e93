"""Checkers for chapter 2, *Hidden state: the recurrence, unrolling and shared weights*."""

from __future__ import annotations

import numpy as np

from rnnbook.exercises._report import call_reader, checker, report
from rnnbook.exercises.ch01 import _int_answer
from rnnbook.i18n import tr
from rnnbook.params import rnn_param_count
from rnnbook.rnn import rnn_forward, rnn_step


@checker
def check_rnn_param_count(answer, in_features: int = 8, num_hiddens: int = 32):
    """Exercise 1: parameters of the recurrence with d inputs and h hidden units, for any T."""
    value = _int_answer(answer, tr("parameter count"))
    d, h = in_features, num_hiddens
    expected = rnn_param_count(d, h)
    if value == expected:
        return report(True, tr("{value} parameters: d·h + h·h + h, whatever the number of time steps", value=value))
    if value == d * h + h:
        return report(False, tr("{value} leaves out W_hh, the h·h recurrent weights", value=value))
    if value % expected == 0:
        return report(
            False, tr("{value} is a multiple of the answer: the weights are shared, not copied per step", value=value)
        )
    return report(False, tr("{value} is not right: count W_xh (d·h), W_hh (h·h) and b_h (h)", value=value))


@checker
def check_rnn_step(fn):
    """Exercise 2: ``fn(X_t, H_prev, W_xh, W_hh, b_h)`` computes one tanh step of the recurrence."""
    rng = np.random.default_rng(3)
    n, d, h = 3, 2, 4
    args = (
        rng.normal(size=(n, d)),
        rng.normal(size=(n, h)),
        rng.normal(size=(d, h)),
        rng.normal(size=(h, h)),
        rng.normal(size=h),
    )
    signature = "rnn_step(X_t, H_prev, W_xh, W_hh, b_h)"
    got = call_reader(fn, signature, [a.copy() for a in args], convert=lambda r: np.asarray(r, dtype=float))
    expected = rnn_step(*args)
    if got.shape != expected.shape:
        return report(
            False,
            tr(
                "expected H_t with shape {expected} (batch, hiddens), got {got}", expected=expected.shape, got=got.shape
            ),
        )
    if np.allclose(got, expected):
        return report(True, tr("H_t = tanh(X_t W_xh + H_prev W_hh + b_h)"))
    if np.allclose(got, np.tanh(args[0] @ args[2] + args[1] @ args[3].T + args[4])):
        return report(False, tr("close: multiply H_prev by W_hh, not by its transpose"))
    return report(False, tr("values differ from tanh(X_t W_xh + H_prev W_hh + b_h)"))


@checker
def check_counter(W_xh, W_hh, b_h):
    """Exercise 3: a 1-unit ReLU RNN whose state counts the +1 inputs of a ±1 sequence."""
    try:
        W_xh, W_hh, b_h = (
            np.asarray(w, dtype=float).reshape(shape) for w, shape in ((W_xh, (1, 1)), (W_hh, (1, 1)), (b_h, (1,)))
        )
    except (TypeError, ValueError) as exc:
        return report(False, tr("expected three numbers (or arrays of shape (1, 1), (1, 1), (1,)): {error}", error=exc))
    rng = np.random.default_rng(4)
    X = rng.choice([-1.0, 1.0], size=(50, 20, 1))
    H, _ = rnn_forward(X, W_xh, W_hh, b_h, activation="relu")
    counts = np.cumsum(X[:, :, 0] > 0, axis=1)
    if np.allclose(H[:, :, 0], counts):
        return report(True, tr("h_t counts the +1 inputs seen so far"))
    return report(
        False,
        tr(
            "h_t should grow by 1 for each +1 input and stay put for each -1: try W_hh = 1 and choose W_xh and b_h so that W_xh·x + b_h is 1 or 0"  # noqa: E501
        ),
    )


@checker
def check_stacked_weights(fn):
    """Exercise 4: ``fn(W_xh, W_hh)`` returns W with ``[X, H] W = X W_xh + H W_hh``."""
    rng = np.random.default_rng(5)
    X, H = rng.normal(size=(3, 1)), rng.normal(size=(3, 4))
    W_xh, W_hh = rng.normal(size=(1, 4)), rng.normal(size=(4, 4))
    W = call_reader(fn, "stack(W_xh, W_hh)", (W_xh.copy(), W_hh.copy()), convert=lambda r: np.asarray(r, dtype=float))
    if W.shape != (5, 4):
        return report(False, tr("expected W with shape (d + h, h) = (5, 4), got {got}: stack the rows", got=W.shape))
    if np.allclose(np.concatenate([X, H], axis=1) @ W, X @ W_xh + H @ W_hh):
        return report(True, tr("[X, H] [W_xh; W_hh] = X W_xh + H W_hh"))
    return report(False, tr("the product differs: put W_xh above W_hh, in the order of [X, H]"))
