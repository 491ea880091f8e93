"""Checkers for chapter 5, *Forecasting a time series with SimpleRNN, honestly measured*."""

from __future__ import annotations

import numpy as np

from rnnbook.exercises._report import report
from rnnbook.exercises.ch01 import _int_answer
from rnnbook.forecasting import mase, num_windows, recursive_forecast


def check_num_windows(answer, length: int = 100, window: int = 30, horizon: int = 1) -> bool:
    """Exercise 1: how many (window, target) pairs a series gives."""
    value = _int_answer(answer, "number of windows")
    if value is None:
        return False
    expected = num_windows(length, window, horizon)
    if value == expected:
        return report(True, f"{value} windows: T − τ − horizon + 1")
    if abs(value - expected) == 1:
        return report(False, f"{value} is off by one: the last window's target is the last step of the series")
    return report(False, f"{value} is not right: count the possible start positions of window plus target")


def check_mase(fn) -> bool:
    """Exercise 2: ``fn(y_true, y_pred, y_train)`` computes MASE with the one-step naive scale."""
    if not callable(fn):
        return report(False, f"expected a function fn(y_true, y_pred, y_train), got {type(fn).__name__}")
    rng = np.random.default_rng(31)
    y_train = np.cumsum(rng.normal(size=50))
    y_true, y_pred = rng.normal(size=10), rng.normal(size=10)
    try:
        got = float(fn(y_true.copy(), y_pred.copy(), y_train.copy()))
    except Exception as exc:  # the reader's code may fail in any way
        return report(False, f"your function raised {type(exc).__name__}: {exc}")
    expected = mase(y_true, y_pred, y_train)
    if np.isclose(got, expected):
        return report(True, "MAE divided by the naive forecast's in-sample MAE")
    if np.isclose(got, expected * np.mean(np.abs(np.diff(y_train))) / np.mean(np.abs(np.diff(y_true)))):
        return report(False, "scale by the naive error on the training series, not on the test series")
    return report(False, "MASE = mean|y − ŷ| / mean|y_train[t] − y_train[t−1]|")


def check_recursive(fn) -> bool:
    """Exercise 3: ``fn(predict_one, window, steps)`` forecasts by feeding predictions back."""
    if not callable(fn):
        return report(False, f"expected a function fn(predict_one, window, steps), got {type(fn).__name__}")

    def predict_one(batch):  # a linear rule that depends on the last two inputs
        return 1.5 * batch[:, -1, 0] - 0.7 * batch[:, -2, 0] + 0.1

    window = np.array([0.0, 0.5, 1.0, 0.8])
    try:
        got = np.asarray(fn(predict_one, window.copy(), 6), dtype=float).reshape(-1)
    except Exception as exc:
        return report(False, f"your function raised {type(exc).__name__}: {exc}")
    expected = recursive_forecast(predict_one, window, 6)
    if got.shape == expected.shape and np.allclose(got, expected):
        return report(True, "each prediction becomes the newest input of the next step")
    if got.shape == expected.shape and np.allclose(got, np.repeat(expected[0], 6)):
        return report(False, "you repeated the first prediction: feed each prediction back into the window")
    return report(False, f"expected {np.round(expected, 3)}, got {np.round(got, 3)}")


def check_scaling(fn) -> bool:
    """Exercise 4: ``fn(series, cut)`` standardizes with the mean and std of ``series[:cut]`` only."""
    if not callable(fn):
        return report(False, f"expected a function fn(series, cut), got {type(fn).__name__}")
    series = 0.05 * np.arange(200.0) + np.sin(np.arange(200.0))
    try:
        got = np.asarray(fn(series.copy(), 140), dtype=float)
    except Exception as exc:
        return report(False, f"your function raised {type(exc).__name__}: {exc}")
    train = series[:140]
    if got.shape == series.shape and np.allclose(got, (series - train.mean()) / train.std()):
        return report(True, "mean and standard deviation come from the training part only")
    if got.shape == series.shape and np.allclose(got, (series - series.mean()) / series.std()):
        return report(False, "leakage: the statistics include the validation and test parts")
    return report(False, "scale the whole series with (x − mean) / std of series[:cut]")
