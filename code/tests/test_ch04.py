"""Chapter 4's checkers accept right answers and reject typical wrong ones with a useful hint."""

import numpy as np

from conftest import needs
from rnnbook.exercises import ch04
from rnnbook.exercises._report import CheckResult

# every checker of chapter 4 runs real Keras or PyTorch layers
needs("torch")
keras = needs("keras")

RIGHT_SHAPES = {"a": (32, 8), "b": (32, 10, 8), "c": [(32, 8), (32, 8)], "d": (32, 10, 16), "e": (32, 8)}


def _line(result) -> str:
    """The ✓/✗ line a notebook shows for a checker's result."""
    assert isinstance(result, CheckResult), result
    return str(result)


def test_output_shapes_right_answer():
    result = ch04.check_output_shapes(RIGHT_SHAPES)
    assert bool(result) is True
    assert _line(result).startswith("✓")
    assert repr(result).startswith("✓")
    # lists instead of tuples are fine
    assert ch04.check_output_shapes({k: list(v) if isinstance(v, tuple) else v for k, v in RIGHT_SHAPES.items()})
    # other sizes are recomputed, not stored
    other = {"a": (4, 3), "b": (4, 7, 3), "c": [(4, 3), (4, 3)], "d": (4, 7, 6), "e": (4, 3)}
    assert ch04.check_output_shapes(other, units=3, shape=(4, 7, 2))


def test_output_shapes_typical_mistakes():
    cases = [
        ({"a": (32, 10, 8)}, "time axis disappears"),
        ({"b": (32, 8)}, "keeps the time axis"),
        ({"c": (32, 8)}, "returns a list"),
        ({"d": (32, 10, 8)}, "side by side"),
        ({"e": (32, 16)}, "width stays"),
        ({"a": (8, 32)}, "(batch, time, units)"),
        ({"c": [(32, 8)]}, "output and final state"),
    ]
    for change, hint in cases:
        result = ch04.check_output_shapes({**RIGHT_SHAPES, **change})
        assert bool(result) is False
        line = _line(result)
        assert line.startswith("✗") and hint in line, (change, line)
    answers = dict(RIGHT_SHAPES)
    del answers["e"]
    result = ch04.check_output_shapes(answers)
    assert not result
    assert "missing for e" in _line(result)
    result = ch04.check_output_shapes([(32, 8)])
    assert not result
    assert "dict" in _line(result)
    assert repr(result).startswith("✗")
    result = ch04.check_output_shapes({**RIGHT_SHAPES, "a": "32x8"})
    assert not result
    assert "tuple of ints" in _line(result)


def test_dropout_scale():
    result = ch04.check_dropout_scale(1.25)
    assert bool(result) is True
    assert "1.25" in _line(result)
    assert ch04.check_dropout_scale(2.0, rate=0.5)
    for wrong, hint in [(0.8, "inverted dropout"), (1.0, "scaled at training time"), (0.2, "dropout rate")]:
        result = ch04.check_dropout_scale(wrong)
        assert bool(result) is False
        assert hint in _line(result)
    assert not ch04.check_dropout_scale(1.5)
    result = ch04.check_dropout_scale("a lot")
    assert not result
    assert "expected a number" in _line(result)


def _make_cell(update):
    class Cell(keras.layers.Layer):
        def __init__(self, units, alpha=0.5, **kwargs):
            super().__init__(**kwargs)
            self.units, self.alpha, self.state_size = units, alpha, units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal")
            self.bias = self.add_weight(shape=(self.units,), initializer="random_normal")

        def call(self, inputs, states):
            h_prev = states[0]
            z = keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(h_prev, self.recurrent_kernel) + self.bias
            h = update(self.alpha, h_prev, keras.ops.tanh(z))
            return h, [h]

    return Cell


def test_leaky_cell():
    right = _make_cell(lambda a, h, new: (1 - a) * h + a * new)
    result = ch04.check_leaky_cell(right)
    assert bool(result) is True
    assert _line(result).startswith("✓")
    assert ch04.check_leaky_cell(right, alpha=0.8)

    plain = _make_cell(lambda a, h, new: new)
    result = ch04.check_leaky_cell(plain)
    assert bool(result) is False
    assert "plain SimpleRNN" in _line(result)
    swapped = _make_cell(lambda a, h, new: a * h + (1 - a) * new)
    result = ch04.check_leaky_cell(swapped)
    assert bool(result) is False
    assert "swapped" in _line(result)
    no_tanh = _make_cell(lambda a, h, new: (1 - a) * h + a * keras.ops.arctanh(keras.ops.clip(new, -0.99, 0.99)))
    result = ch04.check_leaky_cell(no_tanh)
    assert bool(result) is False
    assert "values differ" in _line(result)


def test_leaky_cell_broken_classes():
    class NoStateSize(keras.layers.Layer):
        def __init__(self, units, alpha=0.5, **kwargs):
            super().__init__(**kwargs)

        def call(self, inputs, states):
            return inputs, states

    result = ch04.check_leaky_cell(NoStateSize)
    assert bool(result) is False
    line = _line(result)
    assert "raised" in line and "state_size" in line

    class WrongOrder(_make_cell(lambda a, h, new: (1 - a) * h + a * new)):
        def build(self, input_shape):
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros")
            super().build(input_shape)

    result = ch04.check_leaky_cell(WrongOrder)
    assert bool(result) is False
    assert "in this order" in _line(result)
    result = ch04.check_leaky_cell(42)
    assert bool(result) is False
    assert "cell class" in _line(result)


def test_torch_shapes():
    result = ch04.check_torch_shapes((4, 32, 16), (32, 10, 32), (4, 32, 16))
    assert bool(result) is True
    assert "(4, 32, 16)" in _line(result)
    assert ch04.check_torch_shapes([4, 8, 16], [8, 3, 32], [4, 8, 16], batch=8, steps=3)
    cases = [
        (((32, 4, 16), (32, 10, 32), (4, 32, 16)), "batch_first does not apply to h0"),
        (((2, 32, 16), (32, 10, 32), (2, 32, 16)), "direction"),
        (((32, 16), (32, 10, 32), (4, 32, 16)), "leading axis"),
        (((4, 32, 16), (32, 10, 16), (4, 32, 16)), "concatenates both directions"),
        (((4, 32, 16), (10, 32, 32), (4, 32, 16)), "batch_first=True"),
        (((4, 32, 16), (32, 10, 32), (32, 4, 16)), "same shape as h0"),
    ]
    for answer, hint in cases:
        result = ch04.check_torch_shapes(*answer)
        assert bool(result) is False
        line = _line(result)
        assert line.startswith("✗") and hint in line, (answer, line)
    result = ch04.check_torch_shapes("4, 32, 16", (32, 10, 32), (4, 32, 16))
    assert not result
    assert "tuple of ints" in _line(result)


def test_checkers_return_results_and_print_nothing(capsys):
    results = [
        ch04.check_output_shapes(RIGHT_SHAPES),
        ch04.check_dropout_scale(0.8),
        ch04.check_torch_shapes((4, 32, 16), (32, 10, 32), (4, 32, 16)),
        ch04.check_leaky_cell(42),
    ]
    assert all(isinstance(r, CheckResult) for r in results)
    assert np.array_equal([bool(r) for r in results], [True, False, True, False])
    assert [repr(r)[0] for r in results] == ["✓", "✗", "✓", "✗"]
    assert capsys.readouterr().out == ""
