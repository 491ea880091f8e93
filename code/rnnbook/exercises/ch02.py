"""Checkers for chapter 2, *Hidden state: the recurrence, unrolling and shared weights*."""

from __future__ import annotations

import numpy as np

from rnnbook.exercises._report import (
    call_reader,
    checker,
    close,
    first_match,
    nonzero,
    reject,
    report,
    shown,
    to_array,
)
from rnnbook.exercises.ch01 import _int_answer, _known_mistake
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
    hint = _known_mistake(
        value,
        expected,
        [
            (d * h + h, tr("{value} leaves out W_hh, the h·h recurrent weights", value=value)),
            (d * h + h * h, tr("{value} leaves out the bias b_h, h values", value=value)),
            (h * h + h, tr("{value} leaves out W_xh, the d·h input weights", value=value)),
            (
                d * h + h * h + 2 * h,
                tr(
                    "{value} counts two bias vectors; the recurrence has one, b_h (torch's nn.RNN has two)", value=value
                ),
            ),
        ],
    )
    if hint is None and value > expected and value % expected == 0:
        hint = tr("{value} is a multiple of the answer: the weights are shared, not copied per step", value=value)
    return report(False, hint or tr("{value} is not right: count W_xh (d·h), W_hh (h·h) and b_h (h)", value=value))


def _explain_shapes(exc: Exception) -> str | None:
    message = str(exc)
    if isinstance(exc, ValueError) and ("broadcast" in message or "mismatch" in message or "shape" in message):
        return tr("the shapes do not fit: X_t (n, d) @ W_xh (d, h) and H_prev (n, h) @ W_hh (h, h); use @, not *")
    return None


def _step_mistakes(X, H, W_xh, W_hh, b):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    z = X @ W_xh + H @ W_hh + b
    mistakes = [
        (np.tanh(X @ W_xh + H @ W_hh), tr("the bias b_h is never added")),
        (np.tanh(X @ W_xh + H @ W_hh.T + b), tr("close: multiply H_prev by W_hh, not by its transpose")),
        (np.tanh(X @ W_xh + b), tr("H_prev W_hh is missing: the previous hidden state never enters the step")),
        (np.tanh(H @ W_hh + b), tr("X_t W_xh is missing: the input never enters the step")),
        (z, tr("the activation is missing: apply tanh to X_t W_xh + H_prev W_hh + b_h")),
        (np.maximum(z, 0), tr("this is ReLU: the recurrence of this exercise uses tanh")),
        (sigmoid(z), tr("this is the sigmoid: the recurrence of this exercise uses tanh")),
        (np.tanh(X @ W_xh) + H @ W_hh + b, tr("apply tanh to the whole sum X_t W_xh + H_prev W_hh + b_h")),
    ]
    if W_xh.shape == W_hh.shape:  # only then do the swapped products fit
        mistakes += [
            (np.tanh(X @ W_hh + H @ W_xh + b), tr("W_xh and W_hh are swapped: X_t goes with W_xh, H_prev with W_hh")),
            (np.tanh(X @ W_xh.T + H @ W_hh + b), tr("multiply X_t by W_xh, not by its transpose")),
        ]
    return mistakes


@checker
def check_rnn_step(fn):
    """Exercise 2: ``fn(X_t, H_prev, W_xh, W_hh, b_h)`` computes one tanh step of the recurrence."""
    rng = np.random.default_rng(3)
    signature = "rnn_step(X_t, H_prev, W_xh, W_hh, b_h)"
    for n, d, h in ((3, 2, 4), (1, 5, 3), (4, 3, 3)):
        name = tr("n = {n}, d = {d}, h = {h}", n=n, d=d, h=h)
        args = (
            rng.normal(size=(n, d)),
            rng.normal(size=(n, h)),
            rng.normal(scale=0.7, size=(d, h)),
            rng.normal(scale=0.7, size=(h, h)),
            nonzero(rng, h),
        )
        got = call_reader(
            fn, signature, [a.copy() for a in args], convert=to_array, context=name, explain=_explain_shapes
        )
        expected = rnn_step(*args)
        if got.shape != expected.shape:
            return report(
                False,
                tr(
                    "{case}: expected H_t with shape {expected} (batch, hiddens), got {got}",
                    case=name,
                    expected=expected.shape,
                    got=got.shape,
                ),
            )
        if close(got, expected):
            continue
        hint = first_match(got, _step_mistakes(*args))
        return report(
            False,
            tr("{case}: {hint}", case=name, hint=hint or tr("values differ from tanh(X_t W_xh + H_prev W_hh + b_h)")),
        )
    return report(True, tr("H_t = tanh(X_t W_xh + H_prev W_hh + b_h)"))


@checker
def check_counter(W_xh, W_hh, b_h):
    """Exercise 3: a 1-unit ReLU RNN whose state counts the +1 inputs of a ±1 sequence."""
    try:
        if any(w is None or isinstance(w, (str, bytes)) for w in (W_xh, W_hh, b_h)):
            raise TypeError(tr("got {values}", values=shown((W_xh, W_hh, b_h))))
        values = [np.asarray(w, dtype=float) for w in (W_xh, W_hh, b_h)]
        if any(v.size != 1 for v in values):
            raise ValueError(tr("got sizes {sizes}", sizes=[int(v.size) for v in values]))
        w_xh, w_hh, b = (float(v.reshape(())) for v in values)
    except (TypeError, ValueError) as exc:
        reject(tr("expected three numbers (or arrays of shape (1, 1), (1, 1), (1,)): {error}", error=exc))
    if not all(np.isfinite([w_xh, w_hh, b])):
        reject(tr("expected three finite numbers, got {values}", values=(w_xh, w_hh, b)))
    rng = np.random.default_rng(4)
    for batch, steps in ((50, 20), (10, 60), (5, 7)):
        X = rng.choice([-1.0, 1.0], size=(batch, steps, 1))
        with np.errstate(all="ignore"):
            H, _ = rnn_forward(X, [[w_xh]], [[w_hh]], [b], activation="relu")
        if not np.allclose(H[:, :, 0], np.cumsum(X[:, :, 0] > 0, axis=1)):
            break
    else:
        return report(True, tr("h_t counts the +1 inputs seen so far"))
    up, down = w_xh + b, -w_xh + b
    if not np.isclose(w_hh, 1.0):
        hint = tr("w_hh = {w_hh:g} (the second number): to keep the whole count, w_hh must be 1", w_hh=w_hh)
    elif not np.isclose(up, 1.0):
        hint = tr("a +1 input must add exactly 1, but w_xh·(+1) + b_h = {up:g}", up=up)
    elif not np.isclose(down, 0.0):
        hint = tr("a −1 input must add nothing, but w_xh·(−1) + b_h = {down:g}", down=down)
    else:
        hint = tr(
            "h_t should grow by 1 for each +1 input and stay put for each -1: try W_hh = 1 and choose W_xh and b_h so that W_xh·x + b_h is 1 or 0"  # noqa: E501
        )
    return report(False, hint)


def _explain_stack(exc: Exception) -> str | None:
    if isinstance(exc, ValueError):
        return tr("W_xh is (d, h) and W_hh is (h, h): join their rows with np.concatenate([W_xh, W_hh], axis=0)")
    return None


@checker
def check_stacked_weights(fn):
    """Exercise 4: ``fn(W_xh, W_hh)`` returns W with ``[X, H] W = X W_xh + H W_hh``."""
    rng = np.random.default_rng(5)
    for d, h in ((1, 4), (3, 2), (2, 2)):
        name = tr("d = {d}, h = {h}", d=d, h=h)
        X, H = rng.normal(size=(d + h + 2, d)), rng.normal(size=(d + h + 2, h))  # more rows than d + h: W is unique
        W_xh, W_hh = rng.normal(size=(d, h)), rng.normal(size=(h, h))
        W = call_reader(
            fn, "stack(W_xh, W_hh)", (W_xh.copy(), W_hh.copy()), convert=to_array, context=name, explain=_explain_stack
        )
        if W.shape != (d + h, h):
            if W.shape == (h, d + h):
                hint = tr("W has the transposed shape: it needs d + h rows, one per column of [X, H], and h columns")
            elif W.ndim == 2 and W.shape[1] == 2 * h:
                hint = tr("you put the matrices side by side (axis=1): stack them on top of each other (axis=0)")
            elif W.shape in ((h, h), (d, h)):
                hint = tr("W needs d + h rows, one per column of [X, H]: stack W_xh above W_hh instead of adding them")
            else:
                hint = tr(
                    "expected W with shape (d + h, h) = {expected}, got {got}: stack the rows",
                    expected=(d + h, h),
                    got=W.shape,
                )
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        if close(np.concatenate([X, H], axis=1) @ W, X @ W_xh + H @ W_hh):
            continue
        hint = first_match(
            W,
            [
                (np.concatenate([W_hh, W_xh]), tr("the product differs: put W_xh above W_hh, in the order of [X, H]")),
                (np.concatenate([W_xh, W_hh.T]), tr("W_hh is transposed: stack it as it is")),
                (np.concatenate([W_xh.T, W_hh]) if d == h else None, tr("W_xh is transposed: stack it as it is")),
            ],
        )
        return report(
            False,
            tr("{case}: {hint}", case=name, hint=hint or tr("the product differs: stack W_xh above W_hh, unchanged")),
        )
    return report(True, tr("[X, H] [W_xh; W_hh] = X W_xh + H W_hh"))
