"""Checkers for chapter 1, *Networks without memory: the multilayer perceptron*."""

from __future__ import annotations

import numbers

import numpy as np

from rnnbook.exercises._report import call_reader, checker, reject, report
from rnnbook.i18n import tr
from rnnbook.mlp import softmax as _reference_softmax
from rnnbook.params import dense_param_count, mlp_param_count


def _int_answer(answer, what: str) -> int:
    """The answer as an int; rejects it with a hint if it is not a whole number (``what`` is translated)."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        reject(tr("{what}: expected a whole number, got {answer}", what=what, answer=repr(answer)))
    return int(answer)


@checker
def check_mlp_param_count(answer, in_features: int = 20, num_hiddens: int = 64, num_outputs: int = 10):
    """Exercise 1: parameters of the MLP d → h → q (defaults: 20 → 64 → 10)."""
    value = _int_answer(answer, tr("parameter count"))
    expected = mlp_param_count(in_features, num_hiddens, num_outputs)
    if value == expected:
        return report(True, tr("{value} parameters: d·h + h + h·q + q", value=value))
    hidden = dense_param_count(in_features, num_hiddens)
    if value in (hidden, in_features * num_hiddens + num_hiddens * num_outputs):
        return report(False, tr("{value} is too small: count both layers, each with its bias", value=value))
    return report(False, tr("{value} is not right: count d·h + h for the hidden layer, then h·q + q", value=value))


@checker
def check_window_param_count(answer, window: int = 10, in_features: int = 3, num_hiddens: int = 16):
    """Exercise 4: hidden-layer parameters of an MLP fed a flattened window of τ steps."""
    value = _int_answer(answer, tr("parameter count"))
    expected = dense_param_count(window * in_features, num_hiddens)
    if value == expected:
        return report(
            True,
            tr(
                "{value} parameters: the input has τ·d = {features} features",
                value=value,
                features=window * in_features,
            ),
        )
    if value == dense_param_count(in_features, num_hiddens):
        return report(False, tr("{value} counts one time step only: the flattened window has τ·d inputs", value=value))
    return report(False, tr("{value} is not right: the hidden layer sees τ·d inputs", value=value))


@checker
def check_softmax(fn):
    """Exercise 2: a numerically stable softmax over the last axis of an (n, q) array."""
    rng = np.random.default_rng(0)
    cases = {
        tr("random logits"): rng.normal(size=(4, 5)),
        tr("large logits (1000 and more)"): np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]),
        tr("equal logits"): np.zeros((2, 3)),
    }
    for name, O in cases.items():
        as_float = lambda r: np.asarray(r, dtype=np.float64)  # noqa: E731
        got = call_reader(fn, "softmax(O)", (O.copy(),), convert=as_float, context=name)
        if got.shape != O.shape:
            return report(
                False, tr("{case}: expected shape {expected}, got {got}", case=name, expected=O.shape, got=got.shape)
            )
        if not np.all(np.isfinite(got)):
            return report(False, tr("{case}: got NaN or inf; subtract the row maximum before exp", case=name))
        if not np.allclose(got, _reference_softmax(O), atol=1e-9):
            return report(False, tr("{case}: values differ from softmax along the last axis", case=name))
    return report(True, tr("rows sum to 1 and large logits do not overflow"))


@checker
def check_linear_port(fn):
    """Exercise 3: ``fn(linear, dense)`` copies a torch nn.Linear into a built Keras Dense."""
    import keras
    import torch

    torch.manual_seed(1)
    linear = torch.nn.Linear(5, 3)
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    call_reader(fn, "fn(linear, dense)", (linear, dense))
    x = np.random.default_rng(2).normal(size=(4, 5)).astype("float32")
    with torch.no_grad():
        expected = linear(torch.from_numpy(x)).numpy()
    got = keras.ops.convert_to_numpy(dense(x))
    if np.allclose(got, expected, atol=1e-5):
        return report(True, tr("Dense and nn.Linear now compute the same outputs"))
    kernel = dense.get_weights()[0]
    weight = linear.weight.detach().numpy()
    if np.allclose(kernel, weight.reshape(kernel.shape)):
        return report(False, tr("outputs differ: reshape keeps the memory order; use weight.T (kernel = weight.T)"))
    return report(False, tr("outputs differ: copy kernel = weight.T and bias = bias"))
