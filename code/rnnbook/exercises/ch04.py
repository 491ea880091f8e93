"""Checkers for chapter 4, *The Keras RNN API, argument by argument, with PyTorch equivalents*."""

from __future__ import annotations

import collections
import functools
import math
import numbers
import operator

import numpy as np

from rnnbook._validate import require
from rnnbook.exercises._report import (
    checker,
    close,
    first_match,
    nonzero,
    reject,
    report,
    run_reader,
    shown,
)
from rnnbook.exercises.ch03 import (
    _SEQUENCES,
    GOOD_R2,
    _call_trainer,
    _explain_length,
    _last_step_only,
    _predictions,
    _r2,
    _score_on,
    _Teacher,
    _weak_fit_hint,
)
from rnnbook.i18n import tr

_LAYERS = {
    "a": "SimpleRNN(8)",
    "b": "SimpleRNN(8, return_sequences=True)",
    "c": "SimpleRNN(8, return_state=True)",
    "d": "Bidirectional(SimpleRNN(8, return_sequences=True))",
    "e": 'Bidirectional(SimpleRNN(8), merge_mode="sum")',
}


def _shape_answer(answer):
    """A tuple of ints, or a list of such tuples; None if the answer has another form."""
    if isinstance(answer, (str, bytes)) or answer is None:
        return None
    try:
        if isinstance(answer, (list, tuple)) and answer and isinstance(answer[0], (list, tuple)):
            return [tuple(operator.index(n) for n in shape) for shape in answer]
        return tuple(operator.index(n) for n in answer)
    except (TypeError, ValueError):
        return None


def _shapes(result):
    if isinstance(result, (list, tuple)):
        return [tuple(int(n) for n in r.shape) for r in result]
    return tuple(int(n) for n in result.shape)


def _expected_shapes(units: int, shape: tuple[int, int, int]) -> dict:
    keras = require("keras", "check_output_shapes", package="Keras", install="keras tensorflow")

    def rnn(**kwargs):  # constant weights: only the shapes matter, and no random state is used
        return keras.layers.SimpleRNN(units, kernel_initializer="zeros", recurrent_initializer="zeros", **kwargs)

    layers = {
        "a": rnn(),
        "b": rnn(return_sequences=True),
        "c": rnn(return_state=True),
        "d": keras.layers.Bidirectional(rnn(return_sequences=True)),
        "e": keras.layers.Bidirectional(rnn(), merge_mode="sum"),
    }
    x = np.zeros(shape, dtype="float32")
    return {key: _shapes(layer(x)) for key, layer in layers.items()}


def _shape_hint(key: str, got, expected, units: int) -> str:
    """A translated clause saying what is wrong with the shape ``got``."""
    if isinstance(expected, list) and not isinstance(got, list):
        return tr("return_state=True returns a list: the output, then the final state")
    if isinstance(got, list) and not isinstance(expected, list):
        return tr("this layer returns a single array, not a list")
    if isinstance(got, list):
        return tr("{count} arrays, each (batch, units) for SimpleRNN: output and final state", count=len(expected))
    if len(got) == 3 and len(expected) == 2:
        return tr("without return_sequences the time axis disappears: (batch, units)")
    if len(got) == 2 and len(expected) == 3:
        return tr("return_sequences=True keeps the time axis: (batch, time, units)")
    if got[-1] == units and expected[-1] == 2 * units:
        return tr("merge_mode='concat' (the default) puts both directions side by side")
    if got[-1] == 2 * units and expected[-1] == units:
        return tr("merge_mode='sum' adds the two directions, so the width stays units")
    return tr("the axes are (batch, time, units); batch and units never swap places")


@checker
def check_output_shapes(answers, units: int = 8, shape=(32, 10, 5)):
    """Exercise 1: a dict from "a" … "e" to the shape (or list of shapes) each layer returns."""
    if not isinstance(answers, dict):
        reject(tr('expected a dict {{"a": shape, …, "e": shape}}, got {type}', type=type(answers).__name__))
    missing = sorted(set(_LAYERS) - set(answers))
    if missing:
        reject(tr("answers missing for {keys}", keys=", ".join(missing)))
    expected = _expected_shapes(units, tuple(shape))
    for key, layer in _LAYERS.items():
        got = _shape_answer(answers[key])
        if got is None:
            return report(
                False, tr("({key}): write a shape as a tuple of ints, e.g. (32, 8), or a list of them", key=key)
            )
        if got != expected[key]:
            hint = _shape_hint(key, got, expected[key], units)
            return report(
                False, tr("({key}) {layer}: {got} is not right; {hint}", key=key, layer=layer, got=got, hint=hint)
            )
    return report(True, tr("all five shapes match what Keras returns"))


@checker
def check_dropout_scale(answer, rate: float = 0.2):
    """Exercise 2: the value a kept input of 1.0 has after Keras' dropout, at training time."""
    keras = require("keras", "check_dropout_scale", package="Keras", install="keras tensorflow")

    if isinstance(answer, (bool, str, bytes)) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
        reject(tr("expected a number, got {answer}", answer=shown(answer)))
    value = float(answer)
    features = 64
    layer = keras.layers.SimpleRNN(
        features,
        dropout=rate,
        activation=None,
        use_bias=False,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
        seed=7,
    )
    out = keras.ops.convert_to_numpy(layer(np.ones((4, 3, features), dtype="float32"), training=True))
    kept = out[out != 0]
    expected = float(kept[0])
    if np.isclose(value, expected, rtol=1e-4):
        return report(
            True,
            tr(
                "1 / (1 − {rate}) = {scale:.4g}: the expected value of an input stays 1",
                rate=rate,
                scale=expected,
            ),
        )
    if np.isclose(value, 1 - rate):
        return report(
            False,
            tr("{value:g} is the probability of keeping it; Keras divides by it (inverted dropout)", value=value),
        )
    if np.isclose(value, 1.0):
        return report(False, tr("kept values are scaled at training time, so that nothing changes at inference"))
    if np.isclose(value, rate):
        return report(False, tr("{value:g} is the dropout rate, the probability of dropping an entry", value=value))
    if np.isclose(value, 1 / rate):
        return report(
            False, tr("{value:g} is 1 / rate: Keras divides by the probability of keeping, 1 − rate", value=value)
        )
    if np.isclose(value, 1 + rate):
        return report(False, tr("{value:g} is 1 + rate: the scale is 1 / (1 − rate), not 1 + rate", value=value))
    if np.isclose(value, 100 * expected, rtol=1e-4):
        return report(False, tr("{value:g} looks like a percentage: give the factor itself", value=value))
    return report(
        False, tr("{value:g} is not right; what must a kept value become for the mean to stay 1?", value=value)
    )


def _leaky_reference(x, kernel, recurrent_kernel, bias, alpha, swapped=False, activation=np.tanh, bias_outside=False):
    """Every state of the leaky cell in NumPy, with the knobs that reproduce typical mistakes."""
    h = np.zeros((x.shape[0], kernel.shape[1]))
    states = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + (0 if bias_outside else bias)
        new = activation(z) + (bias if bias_outside else 0)
        h = alpha * h + (1 - alpha) * new if swapped else (1 - alpha) * h + alpha * new
        states.append(h)
    return np.stack(states, axis=1)


def _leaky_mistakes(x, kernel, recurrent_kernel, bias, alpha, other_alphas):
    mistakes = [
        (
            lambda: _leaky_reference(x, kernel, recurrent_kernel, bias, 1.0),
            tr("this is plain SimpleRNN: mix the new value with the previous state using alpha"),
        ),
        (
            lambda: _leaky_reference(x, kernel, recurrent_kernel, bias, alpha, swapped=True),
            tr("alpha and 1 − alpha are swapped: alpha weighs the new tanh(…) value"),
        ),
        (
            lambda: _leaky_reference(x, kernel, recurrent_kernel, np.zeros_like(bias), alpha),
            tr("the bias is never added: put + self.bias inside tanh(…)"),
        ),
        (
            lambda: _leaky_reference(x, kernel, recurrent_kernel, bias, alpha, bias_outside=True),
            tr("the bias belongs inside tanh(…), with x W_xh and h_prev W_hh"),
        ),
        (
            lambda: _leaky_reference(x, kernel, recurrent_kernel.T, bias, alpha),
            tr("use h_prev @ recurrent_kernel, not its transpose"),
        ),
        (
            lambda: _leaky_reference(x, kernel, np.zeros_like(recurrent_kernel), bias, alpha),
            tr("h_prev W_hh is missing inside tanh(…): the new value depends on the previous state too"),
        ),
        (
            lambda: _leaky_reference(x, kernel, recurrent_kernel, bias, alpha, activation=lambda z: z),
            tr("values differ: apply tanh to x W_xh + h_prev W_hh + b before mixing it with h_prev"),
        ),
    ]
    for used in other_alphas:
        mistakes.append(
            (
                lambda used=used: _leaky_reference(x, kernel, recurrent_kernel, bias, used),
                tr("your cell ignores the alpha it is given: it computes with alpha = {used:g}", used=used),
            )
        )
    return mistakes


def _explain_cell(exc: Exception) -> str | None:
    if "state_size" in str(exc):
        return tr("a cell needs a state_size attribute")
    return None


def _run_cell(keras, cell_class, units, alpha, x):
    """Build ``cell_class(units, alpha=alpha)`` inside a return_sequences RNN layer and run it once."""
    layer = keras.layers.RNN(cell_class(units, alpha=alpha), return_sequences=True)
    layer(x)
    return layer


@checker
def check_leaky_cell(cell_class, alpha: float = 0.3):
    """Exercise 3: ``cell_class(units, alpha)`` is a Keras cell computing the leaky update."""
    keras = require("keras", "check_leaky_cell", package="Keras", install="keras tensorflow")

    if not callable(cell_class):
        reject(tr("expected a cell class LeakyCell(units, alpha), got {type}", type=type(cell_class).__name__))
    rng = np.random.default_rng(41)
    other = 0.75 if abs(alpha - 0.75) > 0.1 else 0.4  # a second alpha: the cell must use the one it is given
    cases = (((2, 6, 3, 4), alpha), ((3, 5, 2, 3), alpha), ((2, 4, 4, 4), other))
    for (batch, steps, features, units), a in cases:
        name = tr("{units} units, {features} features, alpha = {alpha:g}", units=units, features=features, alpha=a)
        x = rng.normal(size=(batch, steps, features)).astype("float32")
        layer = run_reader(
            lambda: _run_cell(keras, cell_class, units, a, x),  # noqa: B023
            context=name,
            explain=_explain_cell,
            subject="cell",
        )
        shapes = [tuple(np.shape(w)) for w in layer.get_weights()]
        want = [(features, units), (units, units), (units,)]
        if shapes != want:
            if not collections.Counter(want) - collections.Counter(
                shapes
            ):  # all there, in another order or with extras
                hint = tr(
                    "expected weights of shapes {expected} in this order, got {shapes}", expected=want, shapes=shapes
                )
            elif (units,) not in shapes:
                hint = tr("your cell has no bias of shape (units,): create it in build, after the two kernels")
            else:
                hint = tr(
                    "expected three weights of shapes {expected} (kernel, recurrent kernel, bias), got {shapes}",
                    expected=want,
                    shapes=shapes,
                )
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        weights = [
            rng.normal(scale=0.6, size=(features, units)),
            rng.normal(scale=0.6, size=(units, units)),
            nonzero(rng, units),
        ]
        layer.set_weights([w.astype("float32") for w in weights])  # a bias that cannot pass for zero
        out = run_reader(
            lambda: np.asarray(keras.ops.convert_to_numpy(layer(x)), dtype=float),  # noqa: B023
            context=name,
            explain=_explain_cell,
            subject="cell",
        )
        weights = [np.asarray(w, dtype=float) for w in layer.get_weights()]
        expected = _leaky_reference(x, *weights, a)
        if out.shape != expected.shape:
            return report(
                False,
                tr(
                    "{case}: the layer returned shape {shape}; return h_t as the output of the step",
                    case=name,
                    shape=out.shape,
                ),
            )
        if close(out, expected, atol=1e-5):
            continue
        others = [o for o in (0.5, alpha, other) if not np.isclose(o, a)]
        hint = first_match(out, _leaky_mistakes(x.astype(float), *weights, a, others), atol=1e-5)
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint or tr("values differ: h = (1 − alpha)·h_prev + alpha·tanh(x W_xh + h_prev W_hh + b)"),
            ),
        )
    return report(True, tr("your cell computes h = (1 − α)·h_prev + α·tanh(…)"))


@checker
def check_torch_shapes(h0, output, h_n, batch: int = 32, steps: int = 10):
    """Exercise 4: shapes of h0, output and h_n for nn.RNN(5, 16, 2 layers, bidirectional, batch_first)."""
    torch = require("torch", "check_torch_shapes", package="PyTorch")

    answers = [_shape_answer(a) for a in (h0, output, h_n)]
    if any(a is None or isinstance(a, list) for a in answers):
        reject(tr("write each shape as a tuple of ints, e.g. (1, 32, 16)"))
    h0_value, output_value, h_n_value = answers
    input_size, hidden, layers = 5, 16, 2
    with torch.random.fork_rng(devices=[]):  # leave the reader's random state alone
        rnn = torch.nn.RNN(input_size, hidden, num_layers=layers, bidirectional=True, batch_first=True)
    with torch.no_grad():
        out, last = rnn(torch.zeros(batch, steps, input_size))
    expected_out, expected_h = tuple(out.shape), tuple(last.shape)
    if h0_value != expected_h:
        if h0_value == (batch, expected_h[0], hidden):
            return report(
                False, tr("h0: batch_first does not apply to h0, it stays (layers·directions, batch, hidden)")
            )
        if h0_value == (layers, batch, hidden):
            return report(False, tr("h0: one row per layer *and* direction: bidirectional doubles it"))
        if h0_value == (batch, hidden):
            return report(False, tr("h0 has a leading axis for layers·directions, even for one layer"))
        if h0_value == (layers, batch, 2 * hidden):
            return report(False, tr("h0: each direction has its own row, so the last axis stays hidden, not 2·hidden"))
        return report(False, tr("h0: {got} is not right; think (layers·directions, batch, hidden)", got=h0_value))
    if h_n_value != expected_h:
        return report(False, tr("h_n has the same shape as h0"))
    if output_value != expected_out:
        if output_value == (batch, steps, hidden):
            return report(False, tr("output: a bidirectional RNN concatenates both directions, 2·hidden wide"))
        if output_value == (steps, batch, 2 * hidden):
            return report(False, tr("output: batch_first=True makes it (batch, time, features)"))
        if output_value == (batch, steps, 2 * layers * hidden):
            return report(
                False, tr("output: it holds the last layer only, so it is 2·hidden wide, not 2·layers·hidden")
            )
        return report(False, tr("output: {got} is not right; it holds every step of the last layer", got=output_value))
    return report(True, tr("h0 and h_n {hidden}, output {output}", hidden=expected_h, output=expected_out))


# --- Exercise 5: train on padded sequences, evaluated on sequences it never saw ---------------------


def _padded(rng: np.random.Generator, features: int, longest: int, width: int, shortest: int = 3):
    """``_SEQUENCES`` random sequences of ``shortest`` to ``longest`` steps, zero-padded at the end to ``width``
    steps: (batch, width, features) as float32, and the lengths."""
    lengths = rng.integers(shortest, longest + 1, size=_SEQUENCES)
    x = rng.normal(size=(_SEQUENCES, width, features))
    x[np.arange(width)[None, :] >= lengths[:, None]] = 0.0
    return x.astype(np.float32), lengths


@checker
def check_padded_training(fit, seed: int | None = None, longest: int = 12, padded_to: int = 20):
    """Exercise 5: ``fit(x, y)`` trains on zero-padded sequences and returns ``predict(x)`` (or the model).

    The target of a sequence is the output of an unknown SimpleRNN + Dense after the sequence's last
    real step; the checker draws its weights afresh at every call (``seed=None``: from the operating
    system's entropy). The reader's network is judged only on sequences drawn after its training ended:
    padded to ``longest`` and to ``padded_to`` steps, they must get the same predictions (the padding
    is masked), with R² ≥ :data:`GOOD_R2`.
    """
    rng = np.random.default_rng(seed)
    scores = []
    for features, outputs in ((2, 1), (3, 2)):
        case = tr("{features} features, {outputs} outputs", features=features, outputs=outputs)
        teacher = _Teacher(rng, features, outputs)
        x, lengths = _padded(rng, features, longest, longest)
        y = teacher(x, lengths).astype(np.float32)
        predict = _call_trainer(fit, "fit_padded(x, y)", (x.copy(), y.copy()), context=case)
        fresh, fresh_lengths = _padded(rng, features, longest, padded_to)
        expected = teacher(fresh, fresh_lengths)
        got = _predictions(predict, fresh[:, :longest], outputs, case)
        more_padding = _predictions(predict, fresh, outputs, case, _explain_length(longest))
        gap = float(np.abs(more_padding - got).max())
        if gap > 1e-3 * expected.std():
            return report(
                False,
                tr(
                    "{case}: the same sequences padded to {longest} and to {padded_to} steps get different"
                    " predictions (up to {gap:.3g} apart): your model reads the padding as input. Mask it:"
                    " keras.layers.Masking(mask_value=0.0) before the SimpleRNN, or pack_padded_sequence in PyTorch",
                    case=case,
                    longest=longest,
                    padded_to=padded_to,
                    gap=gap,
                ),
            )
        score = _r2(expected, got)
        if score < GOOD_R2:
            hint = _weak_fit_hint(
                got,
                expected,
                score,
                functools.partial(_score_on, predict, x, y, outputs, case),
                functools.partial(_last_step_only, predict, fresh[:, :longest], got, outputs, case, rng, fresh_lengths),
            )
            return report(False, tr("{case}: {hint}", case=case, hint=hint))
        scores.append(score)
    return report(
        True,
        tr(
            "R² ≥ {score:.3f} on fresh sequences, and the same predictions whether they are padded to {longest}"
            " or to {padded_to} steps: the mask works",
            score=min(scores),
            longest=longest,
            padded_to=padded_to,
        ),
    )
