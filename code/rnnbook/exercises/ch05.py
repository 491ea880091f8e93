"""Checkers for chapter 5, *Forecasting a time series with SimpleRNN, honestly measured*."""

from __future__ import annotations

import numpy as np

from rnnbook.exercises._report import call_reader, checker, report
from rnnbook.exercises.ch01 import _int_answer
from rnnbook.forecasting import mase, num_windows, recursive_forecast
from rnnbook.i18n import tr


@checker
def check_num_windows(answer, length: int = 100, window: int = 30, horizon: int = 1):
    """Exercise 1: how many (window, target) pairs a series gives."""
    value = _int_answer(answer, tr("number of windows"))
    expected = num_windows(length, window, horizon)
    if value == expected:
        return report(True, tr("{value} windows: T − τ − horizon + 1", value=value))
    if abs(value - expected) == 1:
        return report(
            False, tr("{value} is off by one: the last window's target is the last step of the series", value=value)
        )
    return report(
        False, tr("{value} is not right: count the possible start positions of window plus target", value=value)
    )


@checker
def check_mase(fn):
    """Exercise 2: ``fn(y_true, y_pred, y_train)`` computes MASE with the one-step naive scale."""
    rng = np.random.default_rng(31)
    y_train = np.cumsum(rng.normal(size=50))
    y_true, y_pred = rng.normal(size=10), rng.normal(size=10)
    args = (y_true.copy(), y_pred.copy(), y_train.copy())
    got = call_reader(fn, "fn(y_true, y_pred, y_train)", args, convert=float)
    expected = mase(y_true, y_pred, y_train)
    if np.isclose(got, expected):
        return report(True, tr("MAE divided by the naive forecast's in-sample MAE"))
    if np.isclose(got, expected * np.mean(np.abs(np.diff(y_train))) / np.mean(np.abs(np.diff(y_true)))):
        return report(False, tr("scale by the naive error on the training series, not on the test series"))
    return report(False, tr("MASE = mean|y − ŷ| / mean|y_train[t] − y_train[t−1]|"))


@checker
def check_recursive(fn):
    """Exercise 3: ``fn(predict_one, window, steps)`` forecasts by feeding predictions back."""

    def predict_one(batch):  # a linear rule that depends on the last two inputs
        return 1.5 * batch[:, -1, 0] - 0.7 * batch[:, -2, 0] + 0.1

    window = np.array([0.0, 0.5, 1.0, 0.8])
    got = call_reader(
        fn,
        "fn(predict_one, window, steps)",
        (predict_one, window.copy(), 6),
        convert=lambda r: np.asarray(r, dtype=float).reshape(-1),
    )
    expected = recursive_forecast(predict_one, window, 6)
    if got.shape == expected.shape and np.allclose(got, expected):
        return report(True, tr("each prediction becomes the newest input of the next step"))
    if got.shape == expected.shape and np.allclose(got, np.repeat(expected[0], 6)):
        return report(False, tr("you repeated the first prediction: feed each prediction back into the window"))
    return report(False, tr("expected {expected}, got {got}", expected=np.round(expected, 3), got=np.round(got, 3)))


@checker
def check_scaling(fn):
    """Exercise 4: ``fn(series, cut)`` standardizes with the mean and std of ``series[:cut]`` only."""
    series = 0.05 * np.arange(200.0) + np.sin(np.arange(200.0))
    got = call_reader(fn, "fn(series, cut)", (series.copy(), 140), convert=lambda r: np.asarray(r, dtype=float))
    train = series[:140]
    if got.shape == series.shape and np.allclose(got, (series - train.mean()) / train.std()):
        return report(True, tr("mean and standard deviation come from the training part only"))
    if got.shape == series.shape and np.allclose(got, (series - series.mean()) / series.std()):
        return report(False, tr("leakage: the statistics include the validation and test parts"))
    return report(False, tr("scale the whole series with (x − mean) / std of series[:cut]"))
