"""Checkers for chapter 5, *Forecasting a time series with SimpleRNN, honestly measured*."""

from __future__ import annotations

import numpy as np

from rnnbook.exercises import _report
from rnnbook.exercises._report import (
    Rejected,
    Unreadable,
    call_reader,
    checker,
    close,
    first_match,
    reject,
    report,
    run_reader,
    shown,
    to_array,
    to_number,
)
from rnnbook.exercises.ch01 import _int_answer, _known_mistake
from rnnbook.exercises.ch03 import _call_trainer
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
    hint = _known_mistake(
        value,
        expected,
        [
            (
                length // window,
                tr(
                    "{value} counts windows that do not overlap: a sliding window moves one step at a time", value=value
                ),
            ),
            (
                length // (window + horizon),
                tr(
                    "{value} counts windows that do not overlap: a sliding window moves one step at a time", value=value
                ),
            ),
            (length, tr("{value} is the length of the series: a window needs τ steps plus its target", value=value)),
        ],
    )
    return report(
        False,
        hint or tr("{value} is not right: count the possible start positions of window plus target", value=value),
    )


def _mase_cases():
    rng = np.random.default_rng(31)
    for train, test in ((50, 10), (80, 12), (30, 7)):
        series = np.cumsum(rng.normal(size=train + test)) + 0.3 * np.arange(train + test)
        y_train, y_true = series[:train], series[train:]
        yield (
            tr("{train} training values, {test} test values", train=train, test=test),
            (
                y_true,
                y_true + rng.normal(scale=1.5, size=test),
                y_train,
            ),
        )


def _mase_mistakes(y_true, y_pred, y_train):
    error = np.mean(np.abs(y_true - y_pred))
    naive = np.mean(np.abs(np.diff(y_train)))
    return [
        (
            error / np.mean(np.abs(np.diff(y_true))),
            tr("scale by the naive error on the training series, not on the test series"),
        ),
        (error, tr("you returned the MAE: divide it by the naive forecast's MAE on the training series")),
        (naive / error, tr("the ratio is upside down: MASE = forecast MAE / naive MAE")),
        (
            error / np.mean(np.abs(y_train)),
            tr("the scale is the mean absolute change of y_train (np.diff), not the mean of |y_train|"),
        ),
        (
            np.mean((y_true - y_pred) ** 2) / np.mean(np.diff(y_train) ** 2),
            tr("use absolute errors, not squared ones"),
        ),
        (
            error / (np.sum(np.abs(np.diff(y_train))) / len(y_train)),
            tr("average over the T − 1 differences: np.mean(np.abs(np.diff(y_train)))"),
        ),
    ]


@checker
def check_mase(fn):
    """Exercise 2: ``fn(y_true, y_pred, y_train)`` computes MASE with the one-step naive scale."""
    for name, args in _mase_cases():
        got = call_reader(fn, "fn(y_true, y_pred, y_train)", [a.copy() for a in args], convert=to_number, context=name)
        expected = mase(*args)
        if np.isclose(got, expected):
            continue
        hint = first_match(got, _mase_mistakes(*args))
        if hint is None and not np.isfinite(got):
            hint = tr("your function returned {value}: the naive scale must not be zero", value=got)
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint or tr("MASE = mean|y − ŷ| / mean|y_train[t] − y_train[t−1]|"),
            ),
        )
    return report(True, tr("MAE divided by the naive forecast's in-sample MAE"))


def _feedback_mistakes(predict, window: np.ndarray, steps: int):
    """(forecasts, hint) of the usual wrong ways to feed predictions back."""

    def run(update):
        w, out = window.copy(), []
        for _ in range(steps):
            nxt = float(predict(w))
            out.append(nxt)
            w = update(w, nxt)
        return np.array(out)

    def rolled(w, nxt):
        return np.roll(w, -1)

    def overwritten(w, nxt):
        w = w.copy()
        w[-1] = nxt
        return w

    def prepended(w, nxt):
        w = np.roll(w, 1)
        w[0] = nxt
        return w

    def rolled_right(w, nxt):
        w = np.roll(w, 1)
        w[-1] = nxt
        return w

    first = float(predict(window))
    return [
        (
            np.repeat(first, steps),
            tr("you repeated the first prediction: feed each prediction back into the window"),
        ),
        (
            lambda: run(rolled),
            tr("you rolled the window but never put the prediction in it: set window[-1] to it"),
        ),
        (
            lambda: run(overwritten),
            tr("you overwrote the newest value instead of dropping the oldest: np.roll(window, -1) first"),
        ),
        (
            lambda: run(prepended),
            tr("the prediction goes at the end of the window, as the newest value, not at the start"),
        ),
        (
            lambda: run(rolled_right),
            tr("np.roll(window, 1) shifts the wrong way: np.roll(window, -1) drops the oldest value"),
        ),
    ]


def _model(tau: int, weights: np.ndarray, intercept: float, name: str):
    """The model the reader's function calls, ``predict_one``: a batch (1, τ, 1) of windows → (1,) next
    values, a linear rule in which every position counts; and the list of problems it noticed in its input.

    A window of the wrong shape ends the check (and is remembered, in case the reader's code catches that).
    """
    problems = []

    def predict_one(batch):
        shape = tuple(np.shape(batch))
        sliding = len(shape) == 3 and shape[0] == 1 and shape[2] == 1
        if sliding and shape[1] > tau:
            problems.append(
                tr("the window grows: after appending a prediction, drop the oldest value to keep τ = {tau}", tau=tau)
            )
        elif sliding and shape[1] < tau:
            problems.append(tr("the window shrinks: it must keep τ = {tau} values", tau=tau))
        elif shape != (1, tau, 1):
            problems.append(
                tr(
                    "predict_one takes a batch of windows of shape (1, τ, 1) = {expected}, got {got}:"
                    " pass window[None, :, None]",
                    expected=(1, tau, 1),
                    got=shape,
                )
            )
        if problems:
            reject(tr("{case}: {hint}", case=name, hint=problems[0]))
        return np.asarray(batch, dtype=float)[:, :, 0] @ weights + intercept

    return predict_one, problems


@checker
def check_recursive(fn):
    """Exercise 3: ``fn(predict_one, window, steps)`` forecasts by feeding predictions back."""
    rng = np.random.default_rng(53)
    for tau, steps in ((4, 6), (6, 5), (3, 8)):
        name = tr("τ = {tau}, {steps} steps", tau=tau, steps=steps)
        weights = rng.normal(size=tau)
        weights *= 0.9 / np.abs(weights).sum()  # every position counts, and the forecasts stay bounded
        intercept = float(rng.normal())
        window = rng.normal(size=tau)
        predict_one, problems = _model(tau, weights, intercept, name)

        def predict(w, weights=weights, intercept=intercept):  # one window of τ values → the next value
            return float(np.asarray(w) @ weights + intercept)

        given = window.copy()
        try:
            got = call_reader(
                fn,
                "fn(predict_one, window, steps)",
                (predict_one, given, steps),
                convert=lambda r: to_array(r).reshape(-1),
                context=name,
            )
        except Rejected:
            if not problems:
                raise
        if problems:  # predict_one's own verdict, even if the reader's code caught it and went on
            return report(False, tr("{case}: {hint}", case=name, hint=problems[0]))
        if got.size != steps:
            return report(
                False,
                tr(
                    "{case}: expected {steps} forecasts, one per step, got {count}",
                    case=name,
                    steps=steps,
                    count=got.size,
                ),
            )
        if not np.array_equal(given, window):
            return report(
                False,
                tr("{case}: your function changed the window it was given: work on window.copy()", case=name),
            )
        expected = recursive_forecast(predict_one, window, steps)
        if close(got, expected):
            continue
        hint = first_match(got, _feedback_mistakes(predict, window, steps))
        if hint is None:
            hint = tr("expected {expected}, got {got}", expected=np.round(expected, 3), got=np.round(got, 3))
        return report(False, tr("{case}: {hint}", case=name, hint=hint))
    return report(True, tr("each prediction becomes the newest input of the next step"))


def _scaling_cases():
    rng = np.random.default_rng(71)
    for length, cut in ((200, 140), (150, 100), (90, 60)):
        t = np.arange(float(length))
        level, slope = rng.uniform(2.0, 5.0), rng.uniform(0.03, 0.08)
        series = level + slope * t + np.sin(t * rng.uniform(0.3, 0.6)) + rng.normal(scale=0.2, size=length)
        yield tr("{length} values, cut = {cut}", length=length, cut=cut), series, cut


def _scaling_mistakes(series, cut):
    train, test = series[:cut], series[cut:]
    mistakes = []
    for ddof in (0, 1):  # the sample standard deviation is as good as the population one
        std = train.std(ddof=ddof)
        mistakes += [
            (
                (series - series.mean()) / series.std(ddof=ddof),
                tr("leakage: the statistics include the validation and test parts"),
            ),
            (
                (series - series.mean()) / std,
                tr("leakage: the mean comes from the whole series; take it from series[:cut]"),
            ),
            (
                (series - train.mean()) / series.std(ddof=ddof),
                tr("leakage: the standard deviation comes from the whole series; take it from series[:cut]"),
            ),
            (
                (series - series[: cut + 1].mean()) / series[: cut + 1].std(ddof=ddof),
                tr("series[:cut + 1] takes one value of the validation part: the training part is series[:cut]"),
            ),
            (
                (series - series[: cut - 1].mean()) / series[: cut - 1].std(ddof=ddof),
                tr("series[:cut - 1] leaves out the last training value: use series[:cut]"),
            ),
            (
                (series - test.mean()) / test.std(ddof=ddof),
                tr("the statistics come from series[cut:]; take them from the training part, series[:cut]"),
            ),
            (series / std, tr("subtract the training mean before dividing by the standard deviation")),
            (
                (series - train.mean()) / train.var(ddof=ddof),
                tr("divide by the standard deviation, not by the variance"),
            ),
        ]
    mistakes.append(
        (
            (series - train.min()) / (train.max() - train.min()),
            tr("this is min–max scaling: standardize with (x − mean) / std"),
        )
    )
    return mistakes


@checker
def check_scaling(fn):
    """Exercise 4: ``fn(series, cut)`` standardizes with the mean and std of ``series[:cut]`` only.

    The population (``ddof=0``) and the sample (``ddof=1``) standard deviation are both right."""
    for name, series, cut in _scaling_cases():
        given = series.copy()
        got = call_reader(fn, "fn(series, cut)", (given, cut), convert=to_array, context=name)
        if not np.array_equal(given, series):
            return report(False, tr("{case}: your function changed the series it was given: work on a copy", case=name))
        if got.shape != series.shape:
            if got.shape == (cut,):
                hint = tr("you returned only the training part: scale the whole series with its statistics")
            elif got.shape == (len(series) - cut,):
                hint = tr("you returned only the part after cut: scale the whole series")
            else:
                hint = tr(
                    "expected the whole series scaled, shape {expected}, got {got}",
                    expected=series.shape,
                    got=got.shape,
                )
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        train = series[:cut]
        if any(close(got, (series - train.mean()) / train.std(ddof=ddof)) for ddof in (0, 1)):
            continue
        hint = first_match(got, _scaling_mistakes(series, cut))
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint or tr("scale the whole series with (x − mean) / std of series[:cut]"),
            ),
        )
    return report(True, tr("mean and standard deviation come from the training part only"))


# --- Exercise 5: a forecaster that beats the seasonal naive forecast on values it never saw ---------

SEASON = 12
"""The season of the exercise's series: monthly values with a yearly cycle."""


def _seasonal_series(rng: np.random.Generator, length: int) -> np.ndarray:
    """A monthly series: a level, a yearly cycle with its second harmonic, and AR(1) noise.

    Every parameter is drawn from ``rng``. The cycle is strong enough that repeating the last value
    is clearly worse than repeating the value a season ago; the AR(1) noise is what a model can forecast
    and the seasonal naive forecast cannot.
    """
    t = np.arange(length)
    level = rng.uniform(20.0, 80.0)
    cycle = rng.uniform(10.0, 15.0) * np.sin(2 * np.pi * t / SEASON + rng.uniform(0, 2 * np.pi))
    cycle += rng.uniform(1.0, 3.0) * np.sin(4 * np.pi * t / SEASON + rng.uniform(0, 2 * np.pi))
    rho, sigma = rng.uniform(0.6, 0.8), rng.uniform(0.8, 1.2)
    shocks = rng.normal(scale=sigma, size=length)
    noise = np.empty(length)
    noise[0] = shocks[0] / np.sqrt(1 - rho**2)
    for i in range(1, length):
        noise[i] = rho * noise[i - 1] + shocks[i]
    return level + cycle + noise


def _to_forecaster(result):
    """``convert`` for the result of ``make_forecaster``: a function ``forecast(history)``."""
    if callable(result):
        return result
    raise Unreadable(tr("a function forecast(history) that returns the next value"))


def _explain_forecast(exc: Exception) -> str:
    return tr(
        "history is a 1-D array of every value known so far, the training part first:"
        " take the window as history[-window:] and reshape it to (1, window, 1) for the model"
    )


def _forecast_each_step(forecast, series: np.ndarray, start: int) -> list:
    """Call ``forecast`` once per held-out value, with the values before it, in time order."""
    return [forecast(series[:t].copy()) for t in range(start, len(series))]


@checker
def check_forecaster(make_forecaster, seed: int | None = None, train: int = 300, held_out: int = 240):
    """Exercise 5: ``make_forecaster(train)`` trains on a series and returns ``forecast(history)``, the
    next value after ``history``; it must beat the seasonal naive forecast's MASE on the values after
    the training part.

    The series is drawn afresh at every call (``seed=None``: from the operating system's entropy), so
    that no answer can know it in advance. ``forecast`` is called once per held-out value, in time order,
    with a copy of the values before it only: it never sees the value it forecasts, nor any later one.
    """
    rng = np.random.default_rng(seed)
    series = _seasonal_series(rng, train + held_out)
    forecast = _call_trainer(make_forecaster, "make_forecaster(train)", (series[:train].copy(),), _to_forecaster)
    context = tr("forecasting the {count} values after the training part", count=held_out)
    values = run_reader(
        lambda: _forecast_each_step(forecast, series, train),
        context=context,
        explain=_explain_forecast,
        limit=_report.TRAINING_TIME_LIMIT,
        slow=tr(
            "forecast(history) is called once for each of the {count} values: train once, in make_forecaster,"
            " and only predict in forecast",
            count=held_out,
        ),
    )
    got = np.empty(held_out)
    for i, value in enumerate(values):
        try:
            got[i] = to_number(value)
        except Exception as exc:
            expected = exc.expected if isinstance(exc, Unreadable) else tr("one number")
            reject(
                tr(
                    "{case}: forecast(history) returned {got}; expected {expected}",
                    case=context,
                    got=shown(value),
                    expected=expected,
                )
            )
    if not np.all(np.isfinite(got)):
        reject(tr("{case}: some forecasts are NaN or infinite: did the training diverge?", case=context))
    truth, history = series[train:], series[:train]
    naive = series[train - 1 : -1]
    seasonal = series[train - SEASON : len(series) - SEASON]
    yours, baseline = mase(truth, got, history), mase(truth, seasonal, history)
    scores = {"yours": yours, "baseline": baseline, "count": held_out}
    if yours < baseline:
        return report(
            True,
            tr(
                "MASE {yours:.3f} on the {count} values after the training part, below the seasonal naive"
                " forecast's {baseline:.3f}",
                **scores,
            ),
        )
    if close(got, seasonal, atol=1e-6):
        hint = tr("these are the seasonal naive forecasts themselves: the task is to beat them")
    elif close(got, naive, atol=1e-6):
        hint = tr("your forecasts repeat the last value, the naive forecast, which ignores the season")
    elif abs(np.mean(got) - np.mean(history)) > 2 * np.std(history):
        hint = tr(
            "your forecasts lie far from the level of the series (mean {got:.1f} against {level:.1f}): train on"
            " values scaled with the training part's mean and standard deviation, and scale the forecast back",
            got=float(np.mean(got)),
            level=float(np.mean(history)),
        )
    elif np.std(got) < 0.1 * np.std(truth):
        hint = tr(
            "your forecasts hardly change: the model predicts about a constant. Did it train? Scale the series"
            " with the training part's mean and standard deviation, and train longer"
        )
    else:
        hint = tr(
            "give the model windows of at least one season ({season} values), scale the series with the"
            " training part's statistics, and train until the error stops falling",
            season=SEASON,
        )
    return report(
        False,
        tr(
            "MASE {yours:.3f}, not below the seasonal naive forecast's {baseline:.3f}: {hint}",
            hint=hint,
            **scores,
        ),
    )
