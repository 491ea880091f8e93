"""Windows, split, scaling, baselines, metrics and strategies, checked against independent
computations (a plain loop, statsmodels' AR model) and on a real series that ships with statsmodels."""

import numpy as np
import pytest

from conftest import needs
from rnnbook.datasets import load_sunspots
from rnnbook.forecasting import (
    LinearWindowModel,
    StandardScaler,
    chronological_split,
    mae,
    make_windows,
    mase,
    naive_forecast,
    num_windows,
    recursive_forecast,
    rmse,
    seasonal_naive_forecast,
)


def loop_windows(series, window, horizon):
    X, y = [], []
    for start in range(len(series) - window - horizon + 1):
        X.append(series[start : start + window])
        y.append(series[start + window : start + window + horizon])
    return np.array(X), np.array(y)


@pytest.mark.parametrize("T, window, horizon", [(100, 30, 1), (10, 3, 4), (7, 6, 1), (50, 1, 1)])
def test_windows_match_a_plain_loop(T, window, horizon):
    series = np.arange(T, dtype=float) ** 1.5
    X, y = make_windows(series, window, horizon)
    X_loop, y_loop = loop_windows(series, window, horizon)
    np.testing.assert_array_equal(X[..., 0], X_loop)
    np.testing.assert_array_equal(y, y_loop)
    assert X.shape == (num_windows(T, window, horizon), window, 1)


def test_multivariate_windows():
    series = np.stack([np.arange(20.0), -np.arange(20.0)], axis=1)
    X, y = make_windows(series, 5, 2)
    assert X.shape == (14, 5, 2) and y.shape == (14, 2, 2)
    _, y0 = make_windows(series, 5, 2, target=1)
    np.testing.assert_array_equal(y0, -(np.arange(14)[:, None] + np.array([5, 6])))


def test_split_is_chronological_and_has_no_target_leakage():
    series = np.arange(200.0)
    parts, (cut1, cut2) = chronological_split(series, window=10, horizon=3, train=0.6, validation=0.2)
    assert (cut1, cut2) == (120, 160)
    assert parts["train"].y.max() < cut1 <= parts["validation"].y.min()
    assert parts["validation"].y.max() < cut2 <= parts["test"].y.min()
    for part in parts.values():  # targets really follow their windows
        np.testing.assert_array_equal(part.y[:, 0], part.X[:, -1, 0] + 1)
    total = sum(len(p.y) for p in parts.values())
    assert total == num_windows(200, 10, 3) - 2 * (3 - 1)  # windows straddling a boundary are dropped


def test_scaler_uses_training_statistics_only():
    train, test = np.array([1.0, 2.0, 3.0]), np.array([10.0])
    scaler = StandardScaler().fit(train)
    assert scaler.transform(test)[0] == pytest.approx((10 - 2) / np.std(train))
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(test)), test)


def test_scaler_is_global_by_default_unlike_scikit_learns():
    """One mean and one std over every value, whatever the shape: the series and its windows agree."""
    two_scales = np.c_[np.arange(10.0), 100 * np.arange(10.0)]
    scaler = StandardScaler().fit(two_scales)
    assert isinstance(scaler.mean_, float) and isinstance(scaler.std_, float)
    assert scaler.mean_ == pytest.approx(two_scales.mean()) and scaler.std_ == pytest.approx(two_scales.std())
    scaled = scaler.transform(two_scales)
    assert scaled.std(axis=0)[1] == pytest.approx(100 * scaled.std(axis=0)[0])  # columns keep their ratio
    series = np.sin(np.arange(40.0)) + 2
    X, y = make_windows(series, 5)
    scaler = StandardScaler().fit(series)
    np.testing.assert_allclose(scaler.transform(X)[:, :, 0], make_windows(scaler.transform(series), 5)[0][:, :, 0])
    np.testing.assert_allclose(scaler.transform(y), make_windows(scaler.transform(series), 5)[1])
    doc = " ".join(StandardScaler.__doc__.split())
    assert "ONE mean and ONE standard deviation" in doc and "scikit-learn" in doc and "per_feature=True" in doc


def test_scaler_per_feature_keeps_one_mean_and_std_per_last_axis_feature():
    rng = np.random.default_rng(0)
    train = np.c_[rng.normal(5, 2, 200), rng.normal(-300, 50, 200)]
    scaler = StandardScaler(per_feature=True).fit(train)
    np.testing.assert_allclose(scaler.mean_, train.mean(axis=0))
    np.testing.assert_allclose(scaler.std_, train.std(axis=0))
    scaled = scaler.transform(train)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), 1)
    X, _ = make_windows(train, 7)  # windows (batch, time, features) take each feature's statistics
    np.testing.assert_allclose(scaler.transform(X), make_windows(scaled, 7)[0])
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X)
    windows_fit = StandardScaler(per_feature=True).fit(X[::7])  # fit on windows too: all but the last axis
    np.testing.assert_allclose(windows_fit.mean_, X[::7].reshape(-1, 2).mean(axis=0))
    with pytest.raises(ValueError, match=r"fitted on 2 features.*\(4, 7, 1\)"):
        scaler.transform(np.ones((4, 7, 1)))
    with pytest.raises(ValueError, match=r"values\[:, None\]"):
        StandardScaler(per_feature=True).fit(np.arange(5.0))
    with pytest.raises(ValueError, match="feature 1 of the training values is constant"):
        StandardScaler(per_feature=True).fit(np.c_[np.arange(5.0), np.ones(5)])
    with pytest.raises(TypeError):
        StandardScaler(True)  # keyword only: StandardScaler() keeps meaning the global scaler


def test_baselines():
    X = np.array([[1.0, 2, 3, 4, 5, 6]])
    np.testing.assert_array_equal(naive_forecast(X, 3), [[6, 6, 6]])
    np.testing.assert_array_equal(seasonal_naive_forecast(X, season=4, horizon=6), [[3, 4, 5, 6, 3, 4]])
    t = np.arange(300.0)
    series = 0.1 * t + np.sin(t)  # satisfies a linear recurrence: the window model is exact
    X, y = make_windows(series, 10, 2)
    model = LinearWindowModel().fit(X[:200], y[:200])
    np.testing.assert_allclose(model.predict(X[200:]), y[200:], atol=1e-8)


def test_linear_window_model_agrees_with_statsmodels_autoreg():
    AutoReg = needs("statsmodels.tsa.ar_model").AutoReg

    rng = np.random.default_rng(0)
    series = np.zeros(400)
    for t in range(2, 400):
        series[t] = 0.6 * series[t - 1] - 0.3 * series[t - 2] + rng.normal()
    X, y = make_windows(series, 2, 1)
    ours = LinearWindowModel().fit(X, y).coef_[:, 0]
    theirs = AutoReg(series, lags=2, trend="c").fit().params  # const, lag1, lag2
    np.testing.assert_allclose(ours, [theirs[2], theirs[1], theirs[0]], rtol=1e-8, atol=1e-10)


def test_metrics():
    y, y_hat = np.array([1.0, 2, 3]), np.array([1.0, 2, 5])
    assert mae(y, y_hat) == pytest.approx(2 / 3)
    assert rmse(y, y_hat) == pytest.approx(np.sqrt(4 / 3))
    train = np.array([0.0, 1, 3, 6])  # naive in-sample errors 1, 2, 3: scale 2
    assert mase(y, y_hat, train) == pytest.approx((2 / 3) / 2)
    assert mase(y, y_hat, train, season=2) == pytest.approx((2 / 3) / 4)


def test_recursive_forecast_is_the_np_roll_loop():
    def predict_one(batch):
        return batch[:, -1, 0] + batch[:, -2, 0]  # Fibonacci

    np.testing.assert_array_equal(recursive_forecast(predict_one, np.array([1.0, 1.0]), 5), [2, 3, 5, 8, 13])
    batch = recursive_forecast(predict_one, np.array([[1.0, 1.0], [0.0, 2.0]]), 3)
    np.testing.assert_array_equal(batch, [[2, 3, 5], [2, 4, 6]])


def test_sunspots_ship_with_statsmodels():
    needs("statsmodels")
    years, values = load_sunspots()
    assert years[0] == 1700 and len(years) == len(values) and len(values) > 300
    assert np.all(np.diff(years) == 1) and np.all(values >= 0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_windows(np.arange(10.0), 8, 3), "at least 11 steps"),
        (lambda: make_windows(np.arange(10.0), 0), "whole number"),
        (lambda: make_windows(np.ones((2, 3, 4)), 1), r"1 or 2 axes"),
        (lambda: make_windows([1.0, np.nan, 3.0, 4.0], 2), "NaN"),
        (lambda: make_windows(np.ones((10, 2)), 2, target=5), "feature index"),
        (lambda: chronological_split(np.arange(100.0), 10, train=0.9, validation=0.2), "train"),
        (lambda: chronological_split(np.arange(30.0), 20, train=0.5, validation=0.3), "no complete window"),
        (lambda: StandardScaler().transform([1.0]), "fit the scaler"),
        (lambda: StandardScaler().fit([2.0, 2.0]), "constant"),
        (lambda: seasonal_naive_forecast(np.ones((1, 5)), season=11), "at least 11"),
        (lambda: LinearWindowModel().predict(np.ones((1, 5))), "fit the model"),
        (lambda: mae(np.ones(3), np.ones((3, 1))), "reshape"),
        (lambda: mase(np.ones(3), np.ones(3), np.ones(5)), "constant"),
        (lambda: recursive_forecast(lambda b: b[:, -1, 0], np.ones(3), 0), "whole number"),
    ],
)
def test_bad_input_is_rejected_with_a_teaching_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
