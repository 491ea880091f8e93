"""Checkers for chapter 4, *The Keras RNN API, argument by argument, with PyTorch equivalents*."""

from __future__ import annotations

import numpy as np

from rnnbook.exercises._report import checker, reject, report
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
    try:
        if isinstance(answer, (list, tuple)) and answer and isinstance(answer[0], (list, tuple)):
            return [tuple(int(n) for n in shape) for shape in answer]
        return tuple(int(n) for n in answer)
    except (TypeError, ValueError):
        return None


def _shapes(result):
    if isinstance(result, (list, tuple)):
        return [tuple(int(n) for n in r.shape) for r in result]
    return tuple(int(n) for n in result.shape)


def _expected_shapes(units: int, shape: tuple[int, int, int]) -> dict:
    import keras

    layers = {
        "a": keras.layers.SimpleRNN(units),
        "b": keras.layers.SimpleRNN(units, return_sequences=True),
        "c": keras.layers.SimpleRNN(units, return_state=True),
        "d": keras.layers.Bidirectional(keras.layers.SimpleRNN(units, return_sequences=True)),
        "e": keras.layers.Bidirectional(keras.layers.SimpleRNN(units), merge_mode="sum"),
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
    import keras

    try:
        value = float(answer)
    except (TypeError, ValueError):
        reject(tr("expected a number, got {answer}", answer=repr(answer)))
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
    return report(
        False, tr("{value:g} is not right; what must a kept value become for the mean to stay 1?", value=value)
    )


def _leaky_reference(x, kernel, recurrent_kernel, bias, alpha, swapped=False):
    h = np.zeros((x.shape[0], kernel.shape[1]))
    states = []
    for t in range(x.shape[1]):
        new = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        h = alpha * h + (1 - alpha) * new if swapped else (1 - alpha) * h + alpha * new
        states.append(h)
    return np.stack(states, axis=1)


@checker
def check_leaky_cell(cell_class, alpha: float = 0.3):
    """Exercise 3: ``cell_class(units, alpha)`` is a Keras cell computing the leaky update."""
    import keras

    if not callable(cell_class):
        reject(tr("expected a cell class LeakyCell(units, alpha), got {type}", type=type(cell_class).__name__))
    units, features = 4, 3
    x = np.random.default_rng(41).normal(size=(2, 6, features)).astype("float32")
    try:
        cell = cell_class(units, alpha=alpha)
        layer = keras.layers.RNN(cell, return_sequences=True)
        out = keras.ops.convert_to_numpy(layer(x))
    except Exception as exc:  # the reader's code may fail in any way
        if "state_size" in str(exc):
            return report(
                False,
                tr(
                    "running your cell raised {error}: {message} (a cell needs a state_size attribute)",
                    error=type(exc).__name__,
                    message=exc,
                ),
            )
        return report(False, tr("running your cell raised {error}: {message}", error=type(exc).__name__, message=exc))
    weights = [np.asarray(w, dtype=float) for w in layer.get_weights()]
    shapes = [w.shape for w in weights]
    if shapes != [(features, units), (units, units), (units,)]:
        return report(
            False, tr("expected weights of shapes [(3, 4), (4, 4), (4,)] in this order, got {shapes}", shapes=shapes)
        )
    expected = _leaky_reference(x, *weights, alpha)
    if out.shape != expected.shape:
        return report(
            False, tr("the layer returned shape {shape}; return h_t as the output of the step", shape=out.shape)
        )
    if np.allclose(out, expected, atol=1e-5):
        return report(True, tr("your cell computes h = (1 − α)·h_prev + α·tanh(…)"))
    if np.allclose(out, _leaky_reference(x, *weights, 1.0), atol=1e-5):
        return report(False, tr("this is plain SimpleRNN: mix the new value with the previous state using alpha"))
    if np.allclose(out, _leaky_reference(x, *weights, alpha, swapped=True), atol=1e-5):
        return report(False, tr("alpha and 1 − alpha are swapped: alpha weighs the new tanh(…) value"))
    return report(False, tr("values differ: h = (1 − alpha)·h_prev + alpha·tanh(x W_xh + h_prev W_hh + b)"))


@checker
def check_torch_shapes(h0, output, h_n, batch: int = 32, steps: int = 10):
    """Exercise 4: shapes of h0, output and h_n for nn.RNN(5, 16, 2 layers, bidirectional, batch_first)."""
    import torch

    answers = [_shape_answer(a) for a in (h0, output, h_n)]
    if any(a is None or isinstance(a, list) for a in answers):
        reject(tr("write each shape as a tuple of ints, e.g. (1, 32, 16)"))
    h0_value, output_value, h_n_value = answers
    input_size, hidden, layers = 5, 16, 2
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
        return report(False, tr("h0: {got} is not right; think (layers·directions, batch, hidden)", got=h0_value))
    if h_n_value != expected_h:
        return report(False, tr("h_n has the same shape as h0"))
    if output_value != expected_out:
        if output_value == (batch, steps, hidden):
            return report(False, tr("output: a bidirectional RNN concatenates both directions, 2·hidden wide"))
        if output_value == (steps, batch, 2 * hidden):
            return report(False, tr("output: batch_first=True makes it (batch, time, features)"))
        return report(False, tr("output: {got} is not right; it holds every step of the last layer", got=output_value))
    return report(True, tr("h0 and h_n {hidden}, output {output}", hidden=expected_h, output=expected_out))
