"""Checkers for chapter 1, *Networks without memory: the multilayer perceptron*."""

from __future__ import annotations

import numbers

import numpy as np

from rnnbook._validate import require
from rnnbook.exercises._report import (
    call_reader,
    checker,
    close,
    first_match,
    nonzero,
    reject,
    report,
    short_message,
    shown,
    to_array,
)
from rnnbook.i18n import tr
from rnnbook.mlp import softmax as _reference_softmax
from rnnbook.params import dense_param_count, mlp_param_count


def _int_answer(answer, what: str, minimum: int = 1) -> int:
    """The answer as an int (a float such as 44.0 counts); rejects it with a hint if it is not a whole
    number of at least ``minimum`` (``what`` is translated)."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not float(answer).is_integer():
        reject(tr("{what}: expected a whole number, got {answer}", what=what, answer=shown(answer)))
    value = int(answer)
    if value < minimum:
        reject(
            tr(
                "{what}: {value} cannot be right, a count is at least {minimum}",
                what=what,
                value=value,
                minimum=minimum,
            )
        )
    return value


def _known_mistake(value: int, expected: int, mistakes) -> str | None:
    """The hint of the first ``(wrong value, hint)`` that ``value`` equals (never the right answer)."""
    for wrong, hint in mistakes:
        if value == wrong and wrong != expected:
            return hint
    return None


@checker
def check_mlp_param_count(answer, in_features: int = 20, num_hiddens: int = 64, num_outputs: int = 10):
    """Exercise 1: parameters of the MLP d → h → q (defaults: 20 → 64 → 10)."""
    value = _int_answer(answer, tr("parameter count"))
    d, h, q = in_features, num_hiddens, num_outputs
    expected = mlp_param_count(d, h, q)
    if value == expected:
        return report(True, tr("{value} parameters: d·h + h + h·q + q", value=value))
    hint = _known_mistake(
        value,
        expected,
        [
            (
                dense_param_count(d, h),
                tr("{value} counts only the hidden layer: add the output layer, h·q + q", value=value),
            ),
            (
                dense_param_count(h, q),
                tr("{value} counts only the output layer: add the hidden layer, d·h + h", value=value),
            ),
            (
                d * h + h * q,
                tr("{value} leaves out the biases: each layer has one per unit, h + q in all", value=value),
            ),
            (d * h + h + h * q, tr("{value} leaves out the output layer's bias, q values", value=value)),
            (d * h + h * q + q, tr("{value} leaves out the hidden layer's bias, h values", value=value)),
            (d * h * q, tr("{value} multiplies the layer sizes: add the two layers' counts instead", value=value)),
            (d + h + q, tr("{value} counts units, not parameters: every weight joins two units", value=value)),
        ],
    )
    return report(
        False, hint or tr("{value} is not right: count d·h + h for the hidden layer, then h·q + q", value=value)
    )


@checker
def check_window_param_count(answer, window: int = 10, in_features: int = 3, num_hiddens: int = 16):
    """Exercise 4: hidden-layer parameters of an MLP fed a flattened window of τ steps."""
    value = _int_answer(answer, tr("parameter count"))
    tau, d, h = window, in_features, num_hiddens
    expected = dense_param_count(tau * d, h)
    if value == expected:
        return report(
            True,
            tr("{value} parameters: the input has τ·d = {features} features", value=value, features=tau * d),
        )
    hint = _known_mistake(
        value,
        expected,
        [
            (
                dense_param_count(d, h),
                tr("{value} counts one time step only: the flattened window has τ·d inputs", value=value),
            ),
            (tau * d * h, tr("{value} leaves out the bias: add one per hidden unit, h", value=value)),
            (
                dense_param_count(tau, h),
                tr("{value} leaves out the d features of each step: the window has τ·d inputs", value=value),
            ),
            (
                tau * dense_param_count(d, h),
                tr("{value} counts a layer per time step: one layer sees all τ·d inputs and has one bias", value=value),
            ),
            (
                tau * d * h + tau * d,
                tr("{value} counts a bias per input: the bias has one entry per hidden unit, h", value=value),
            ),
        ],
    )
    return report(False, hint or tr("{value} is not right: the hidden layer sees τ·d inputs", value=value))


def _softmax_cases():
    """(name, logits) pairs: random shapes (one square), huge logits, rows whose maxima lie far apart."""
    rng = np.random.default_rng(0)
    cases = [
        (tr("random logits of shape {shape}", shape=shape), rng.normal(scale=3.0, size=shape))
        for shape in ((4, 5), (3, 3), (1, 7), (6, 2))
    ]
    cases.append((tr("large logits (1000 and more)"), np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])))
    offsets = np.array([[1500.0], [0.0], [-1500.0], [800.0]])
    cases.append((tr("rows far apart (row maxima from −1500 to 1500)"), rng.normal(size=(4, 6)) + offsets))
    cases.append((tr("equal logits"), np.zeros((2, 3))))
    return cases


def _softmax_mistakes(O: np.ndarray):
    """(result, hint) for the usual wrong softmaxes of ``O``; computed lazily, overflow allowed."""

    def normalised(E, axis=-1):
        return E / E.sum(axis=axis, keepdims=True)

    row_max = O.max(axis=-1, keepdims=True)
    mistakes = [
        (
            lambda: normalised(np.exp(O - O.max())),
            tr("you subtracted the maximum of the whole array, not of each row: use O.max(axis=-1, keepdims=True)"),
        ),
        (
            lambda: normalised(np.exp(O)),
            tr("exp overflows for large logits: subtract each row's maximum before exp"),
        ),
        (
            lambda: _reference_softmax(O, axis=0),
            tr("each column sums to 1: take the softmax along the last axis (axis=-1), one row at a time"),
        ),
        (
            lambda: np.exp(O - row_max) / np.exp(O - row_max).sum(),
            tr("you divided by the sum of the whole array: divide by each row's sum (keepdims=True)"),
        ),
        (
            lambda: np.exp(O - row_max),
            tr("the rows do not sum to 1: divide by each row's sum"),
        ),
    ]
    if O.shape[0] == O.shape[-1]:  # without keepdims a square array broadcasts silently, the wrong way
        no_keepdims = tr(
            "without keepdims=True the row maxima and sums line up with the columns: keep the reduced axis"
        )
        mistakes += [
            (lambda: normalised(np.exp(O - O.max(axis=-1))), no_keepdims),
            (lambda: np.exp(O - row_max) / np.exp(O - row_max).sum(axis=-1), no_keepdims),
            (lambda: np.exp(O - O.max(axis=-1)) / np.exp(O - O.max(axis=-1)).sum(axis=-1), no_keepdims),
        ]
    return mistakes


def _explain_softmax(exc: Exception) -> str | None:
    if isinstance(exc, ValueError) and "broadcast" in str(exc):
        return tr("the shapes do not broadcast: keep the reduced axis with keepdims=True")
    return None


@checker
def check_softmax(fn):
    """Exercise 2: a numerically stable softmax over the last axis of an (n, q) array."""
    for name, O in _softmax_cases():
        got = call_reader(fn, "softmax(O)", (O.copy(),), convert=to_array, context=name, explain=_explain_softmax)
        if got.shape != O.shape:
            if got.shape == O.shape[::-1]:
                return report(False, tr("{case}: you returned the transpose, shape {got}", case=name, got=got.shape))
            return report(
                False, tr("{case}: expected shape {expected}, got {got}", case=name, expected=O.shape, got=got.shape)
            )
        if close(got, _reference_softmax(O)):
            continue
        hint = first_match(got, _softmax_mistakes(O))
        if hint:
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        if not np.all(np.isfinite(got)):
            return report(False, tr("{case}: got NaN or inf; subtract the row maximum before exp", case=name))
        if not np.allclose(got.sum(axis=-1), 1.0):
            hint = tr("the rows do not sum to 1: divide by each row's sum")
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        return report(False, tr("{case}: values differ from softmax along the last axis", case=name))
    return report(True, tr("rows sum to 1 and large logits do not overflow"))


def _explain_port(exc: Exception) -> str | None:
    message = str(exc)
    if "requires grad" in message:
        return tr("detach the torch parameters first: linear.weight.detach().numpy()")
    if "shape" in message:
        return tr("Dense's kernel is (in, out), the transpose of nn.Linear's weight (out, in)")
    return None


def _port_hint(dense, linear, start) -> str:
    """What is wrong with the weights the reader's function left in ``dense``."""
    weight = linear.weight.detach().numpy()
    current = [np.asarray(w) for w in dense.get_weights()]
    if len(current) != 2:
        return tr("outputs differ: copy kernel = weight.T and bias = bias")
    kernel, dense_bias = current
    if close(kernel, start[0], atol=1e-5) and close(dense_bias, start[1], atol=1e-5):
        return tr("the Dense layer still has its own weights: change them with dense.set_weights([kernel, bias])")
    if close(kernel, weight.T, atol=1e-5):
        return tr("the kernel is right, but the bias is not nn.Linear's: copy bias = linear.bias too")
    if close(kernel, weight, atol=1e-5):
        return tr("kernel = weight without transposing: nn.Linear stores (out, in), Dense (in, out); use weight.T")
    if kernel.size == weight.size and close(kernel, weight.reshape(kernel.shape), atol=1e-5):
        return tr("outputs differ: reshape keeps the memory order; use weight.T (kernel = weight.T)")
    return tr("outputs differ: copy kernel = weight.T and bias = bias")


@checker
def check_linear_port(fn):
    """Exercise 3: ``fn(linear, dense)`` copies a torch nn.Linear into a built Keras Dense."""
    keras = require("keras", "check_linear_port", package="Keras", install="keras tensorflow")
    torch = require("torch", "check_linear_port", package="PyTorch")

    rng = np.random.default_rng(1)
    for inputs, outputs in ((5, 3), (4, 4), (2, 6)):
        name = tr("nn.Linear({inputs}, {outputs})", inputs=inputs, outputs=outputs)
        with torch.random.fork_rng(devices=[]):  # leave the reader's random state alone
            linear = torch.nn.Linear(inputs, outputs)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(rng.normal(size=(outputs, inputs))))
            linear.bias.copy_(torch.from_numpy(nonzero(rng, outputs)))
        dense = keras.layers.Dense(outputs, kernel_initializer="zeros", name="dense")  # same name, same hints
        dense.build((None, inputs))
        start = [rng.normal(size=(inputs, outputs)).astype("float32"), nonzero(rng, outputs).astype("float32")]
        dense.set_weights(start)
        call_reader(fn, "fn(linear, dense)", (linear, dense), context=name, explain=_explain_port)
        x = rng.normal(size=(4, inputs)).astype("float32")
        with torch.no_grad():
            expected = linear(torch.from_numpy(x)).numpy()
        try:
            got = keras.ops.convert_to_numpy(dense(x))
        except Exception as exc:  # the reader's function may leave the layer unusable
            return report(
                False,
                tr(
                    "{case}: after your function the Dense layer fails: {error}: {message}",
                    case=name,
                    error=type(exc).__name__,
                    message=short_message(exc),
                ),
            )
        if close(got, expected, atol=1e-5):
            continue
        return report(False, tr("{case}: {hint}", case=name, hint=_port_hint(dense, linear, start)))
    return report(True, tr("Dense and nn.Linear now compute the same outputs"))
