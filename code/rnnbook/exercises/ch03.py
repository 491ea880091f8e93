"""Checkers for chapter 3, *SimpleRNN from scratch, in Keras and in PyTorch*."""

from __future__ import annotations

import math

import numpy as np

from rnnbook.exercises._report import call_reader, checker, report
from rnnbook.exercises.ch01 import _int_answer
from rnnbook.i18n import tr
from rnnbook.params import keras_simple_rnn_param_count, torch_rnn_param_count


@checker
def check_param_counts(keras_answer, torch_answer, features: int = 8, units: int = 16):
    """Exercise 1: parameters of Keras ``SimpleRNN(units)`` and ``torch.nn.RNN(features, units)``."""
    keras_value = _int_answer(keras_answer, tr("Keras count"))
    torch_value = _int_answer(torch_answer, tr("torch count"))
    keras_expected = keras_simple_rnn_param_count(features, units)
    torch_expected = torch_rnn_param_count(features, units)
    if keras_value != keras_expected:
        if keras_value % keras_expected == 0:
            return report(
                False,
                tr(
                    "Keras: {value} is not right (time steps never count); use units·(input_dim + units + 1)",
                    value=keras_value,
                ),
            )
        return report(False, tr("Keras: {value} is not right; use units·(input_dim + units + 1)", value=keras_value))
    if torch_value == keras_expected:
        return report(False, tr("torch: it has two bias vectors, bias_ih_l0 and bias_hh_l0"))
    if torch_value != torch_expected:
        return report(False, tr("torch: {value} is not right; use hidden·(input + hidden + 2)", value=torch_value))
    return report(
        True,
        tr(
            "Keras {keras}, torch {torch}: torch's second bias adds {units}",
            keras=keras_value,
            torch=torch_value,
            units=units,
        ),
    )


@checker
def check_forward(fn):
    """Exercise 2: ``fn(x, kernel, recurrent_kernel, bias)`` returns SimpleRNN's last output."""
    import keras

    rng = np.random.default_rng(21)
    layer = keras.layers.SimpleRNN(4)
    layer.build((None, None, 3))
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(layer(x))
    signature = "fn(x, kernel, recurrent_kernel, bias)"
    got = call_reader(fn, signature, (x, *layer.get_weights()), convert=lambda r: np.asarray(r, dtype=float))
    if got.shape == (2, 6, 4) and np.allclose(got[:, -1], expected, atol=1e-5):
        return report(False, tr("you returned every step; SimpleRNN returns only the last one by default"))
    if got.shape != expected.shape:
        return report(
            False, tr("expected shape {expected} (batch, units), got {got}", expected=expected.shape, got=got.shape)
        )
    if np.allclose(got, expected, atol=1e-5):
        return report(True, tr("your loop reproduces keras.layers.SimpleRNN"))
    return report(False, tr("values differ: h = tanh(x_t @ kernel + h @ recurrent_kernel + bias), from h = 0"))


@checker
def check_torch_to_keras_weights(fn):
    """Exercise 3: ``fn(rnn)`` returns ``[kernel, recurrent_kernel, bias]`` for Keras from a torch nn.RNN."""
    import keras
    import torch

    torch.manual_seed(3)
    rnn = torch.nn.RNN(3, 4, batch_first=True)
    weights = call_reader(fn, "fn(rnn)", (rnn,), convert=lambda r: [np.asarray(w, dtype="float32") for w in r])
    shapes = [w.shape for w in weights]
    if shapes != [(3, 4), (4, 4), (4,)]:
        return report(False, tr("expected shapes [(3, 4), (4, 4), (4,)], got {shapes}", shapes=shapes))
    layer = keras.layers.SimpleRNN(4, return_sequences=True)
    layer.build((None, None, 3))
    layer.set_weights(weights)
    x = np.random.default_rng(4).normal(size=(2, 5, 3)).astype("float32")
    with torch.no_grad():
        expected = rnn(torch.from_numpy(x))[0].numpy()
    got = keras.ops.convert_to_numpy(layer(x))
    if np.allclose(got, expected, atol=1e-5):
        return report(True, tr("Keras now computes what torch computes"))
    if np.allclose(weights[2], rnn.bias_ih_l0.detach().numpy()):
        return report(False, tr("close: Keras' one bias is the sum bias_ih_l0 + bias_hh_l0"))
    return report(False, tr("outputs differ: kernel = weight_ih_l0.T, recurrent_kernel = weight_hh_l0.T"))


@checker
def check_steps_to_vanish(answer, a: float = 0.9, threshold: float = 0.01):
    """Exercise 4: smallest T with a**T < threshold, the norm of ∂h_T/∂h_0 for W_hh = a·I, linear."""
    value = _int_answer(answer, tr("number of steps"))
    expected = math.floor(math.log(threshold) / math.log(a)) + 1
    if value == expected:
        return report(
            True,
            tr(
                "{a}^{value} = {power:.4f} < {threshold}, while {a}^{previous} = {previous_power:.4f}",
                a=a,
                value=value,
                power=a**value,
                threshold=threshold,
                previous=value - 1,
                previous_power=a ** (value - 1),
            ),
        )
    if a**value < threshold:
        return report(
            False,
            tr(
                "{a}^{value} is below {threshold}, but so is an earlier power: find the first one",
                a=a,
                value=value,
                threshold=threshold,
            ),
        )
    return report(
        False,
        tr(
            "{a}^{value} = {power:.3f} is still above {threshold}",
            a=a,
            value=value,
            power=a**value,
            threshold=threshold,
        ),
    )
