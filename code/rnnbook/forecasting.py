"""Time-series forecasting done honestly (chapter 5): windows, a chronological split, scaling fitted
on the training part only, baselines, metrics and multi-step strategies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnbook._validate import as_array, positive_int
from rnnbook.i18n import tr


def _series(series) -> np.ndarray:
    arr = as_array(series, "series", ndim=(1, 2), axes=("(time,)", "(time, features)"))
    return arr[:, None] if arr.ndim == 1 else arr


def num_windows(length: int, window: int, horizon: int = 1) -> int:
    """How many (input, target) pairs a series of ``length`` steps gives: ``length − window − horizon + 1``."""
    return positive_int(length, "length") - positive_int(window, "window") - positive_int(horizon, "horizon") + 1


def make_windows(series, window: int, horizon: int = 1, target=None):
    """Cut a series into sliding windows.

    series: (T,) or (T, n_i). Returns ``X: (M, window, n_i)`` and ``y: (M, horizon)`` for a 1-D series
    (or ``(M, horizon, n_i)`` for a multivariate one; pass ``target=j`` to forecast feature j only,
    giving ``(M, horizon)``), with ``M = T − window − horizon + 1``. Window m holds steps
    ``m … m+window−1``; its targets are the next ``horizon`` steps.
    """
    data = _series(series)
    T = data.shape[0]
    window, horizon = positive_int(window, "window"), positive_int(horizon, "horizon")
    if window + horizon > T:
        raise ValueError(
            tr(
                "a window of {window} steps plus a horizon of {horizon} needs at least {needed} "
                "steps, but the series has {length}; shorten the window or use a longer series",
                window=window,
                horizon=horizon,
                needed=window + horizon,
                length=T,
            )
        )
    M = T - window - horizon + 1
    starts = np.arange(M)[:, None]
    X = data[starts + np.arange(window)]
    y = data[starts + window + np.arange(horizon)]
    if target is not None:
        if not 0 <= target < data.shape[1]:
            raise ValueError(
                tr(
                    "target must be a feature index in 0..{last}, got {target!r}",
                    last=data.shape[1] - 1,
                    target=target,
                )
            )
        y = y[:, :, target]
    elif data.shape[1] == 1 and np.ndim(series) == 1:
        y = y[:, :, 0]
    return X, y


@dataclass
class Split:
    """Windows of one part of a chronological split, with the steps their targets cover."""

    X: np.ndarray
    y: np.ndarray
    first_target: np.ndarray  # index in the series of each window's first target


def chronological_split(series, window: int, horizon: int = 1, train: float = 0.7, validation: float = 0.15):
    """Windows for training, validation and test, in time order and without leakage.

    The series is divided at two time points. A window belongs to the part in which *all* its
    targets lie; windows whose targets straddle a boundary are dropped. Inputs may reach back into
    the previous part: that is the past, known at forecast time, so it is not leakage.
    Returns a dict ``{"train": Split, "validation": Split, "test": Split}`` and the two boundaries.
    """
    data = _series(series)
    T = data.shape[0]
    if not (0 < train < 1 and 0 <= validation < 1 and train + validation < 1):
        raise ValueError(
            tr(
                "need 0 < train, 0 <= validation and train + validation < 1, got {train}, {validation}",
                train=train,
                validation=validation,
            )
        )
    X, y = make_windows(series, window, horizon)
    first = np.arange(X.shape[0]) + window
    last = first + horizon - 1
    cut1, cut2 = round(T * train), round(T * (train + validation))
    parts = {
        "train": last < cut1,
        "validation": (first >= cut1) & (last < cut2),
        "test": first >= cut2,
    }
    out = {}
    for name, keep in parts.items():
        if not keep.any() and (name != "validation" or validation > 0):
            raise ValueError(
                tr(
                    "the {part} part has no complete window (series of {length} steps, window {window}, "
                    "horizon {horizon}); use a longer series or a shorter window",
                    part=name,
                    length=T,
                    window=window,
                    horizon=horizon,
                )
            )
        out[name] = Split(X[keep], y[keep], first[keep])
    return out, (cut1, cut2)


class StandardScaler:
    """``(x − mean) / std``, with mean and std taken from the training data only.

    Unlike scikit-learn's ``StandardScaler``, whose name it borrows, it is by default a *global*
    scaler: :meth:`fit` computes ONE mean and ONE standard deviation over every value it is given,
    whatever its shape, and :meth:`transform` applies those two numbers to every value, so
    ``mean_`` and ``std_`` are floats. scikit-learn's keeps one mean and one std per column of a 2-D
    ``(samples, features)`` array: fitted on two features of different scales, the two scalers differ.

    The book works this way because its chapters scale a univariate series: the series ``(time,)``,
    its windows ``X: (batch, time, 1)`` and their targets ``y: (batch, horizon)`` must all be scaled
    with the same statistics, those of the training part of the series, and one mean and one std
    apply to arrays of any of these shapes. (scikit-learn's needs 2-D input, and given windows of
    shape ``(batch, time)`` it would scale each step of a window with statistics of its own.)

    For a multivariate series whose features have different units, pass ``per_feature=True``: the
    last axis is then the feature axis, ``fit`` keeps one mean and one std per feature (``mean_`` and
    ``std_`` are arrays of shape ``(features,)``, computed over all other axes), and ``transform``
    scales each feature of a ``(time, features)`` series or of ``(batch, time, features)`` windows
    with its own statistics.
    """

    def __init__(self, *, per_feature: bool = False):
        self.per_feature = bool(per_feature)

    def fit(self, values):
        values = as_array(values, "values")
        if getattr(self, "per_feature", False):
            return self._fit_per_feature(values)
        self.mean_ = float(values.mean())
        self.std_ = float(values.std())
        if self.std_ == 0:
            raise ValueError(tr("the training values are constant; scaling by their standard deviation is undefined"))
        return self

    def _fit_per_feature(self, values):
        if values.ndim < 2:
            raise ValueError(
                tr(
                    "with per_feature=True the last axis holds the features, e.g. (time, features), "
                    "got shape {shape}; for a single series of shape (time,) pass values[:, None]",
                    shape=values.shape,
                )
            )
        rows = values.reshape(-1, values.shape[-1])
        mean, std = rows.mean(axis=0), rows.std(axis=0)
        constant = np.flatnonzero(std == 0)
        if constant.size:
            raise ValueError(
                tr(
                    "feature {feature} of the training values is constant; scaling it by its standard "
                    "deviation is undefined",
                    feature=int(constant[0]),
                )
            )
        self.mean_, self.std_ = mean, std
        return self

    def _check(self):
        if not hasattr(self, "mean_"):
            raise ValueError(tr("fit the scaler on the training data first: StandardScaler().fit(train_values)"))

    def _values(self, values):
        self._check()
        values = as_array(values, "values")
        features = np.size(self.mean_)
        if np.ndim(self.mean_) and features > 1 and (values.ndim == 0 or values.shape[-1] != features):
            raise ValueError(
                tr(
                    "the scaler was fitted on {features} features (the last axis), but values have shape "
                    "{shape}; pass values whose last axis holds the same {features} features",
                    features=features,
                    shape=values.shape,
                )
            )
        return values

    def transform(self, values):
        return (self._values(values) - self.mean_) / self.std_

    def inverse_transform(self, values):
        return self._values(values) * self.std_ + self.mean_


def _windows(X) -> np.ndarray:
    X = as_array(X, "X", ndim=(2, 3), axes=("(M, window)", "(M, window, features)"))
    return X[..., 0] if X.ndim == 3 else X


def naive_forecast(X, horizon: int = 1):
    """Repeat the last value of each window: ``ŷ_{t+k} = x_t``. X: (M, window[, 1]) → (M, horizon)."""
    W = _windows(X)
    return np.repeat(W[:, -1:], positive_int(horizon, "horizon"), axis=1)


def seasonal_naive_forecast(X, season: int, horizon: int = 1):
    """Repeat the value one season earlier: ``ŷ_{t+k} = x_{t+k−season}`` (needs window ≥ season)."""
    W = _windows(X)
    season, horizon = positive_int(season, "season"), positive_int(horizon, "horizon")
    if W.shape[1] < season:
        raise ValueError(
            tr("a seasonal naive forecast with season {season} needs windows of at least {season} steps", season=season)
        )
    idx = W.shape[1] - season + (np.arange(horizon) % season)
    return W[:, idx]


class LinearWindowModel:
    """Least squares on the window: ``ŷ = [x_{t−τ+1} … x_t, 1] β``, one β per forecast step."""

    def fit(self, X, y):
        W = _windows(X)
        y = as_array(y, "y", ndim=(1, 2), axes=("(M,)", "(M, horizon)"))
        if y.shape[0] != W.shape[0]:
            raise ValueError(
                tr("X has {windows} windows but y has {targets} targets", windows=W.shape[0], targets=y.shape[0])
            )
        design = np.hstack([W, np.ones((W.shape[0], 1))])
        self.coef_, *_ = np.linalg.lstsq(design, y.reshape(y.shape[0], -1), rcond=None)
        self.window_ = W.shape[1]
        return self

    def predict(self, X):
        if not hasattr(self, "coef_"):
            raise ValueError(tr("fit the model first: LinearWindowModel().fit(X_train, y_train)"))
        W = _windows(X)
        if W.shape[1] != self.window_:
            raise ValueError(
                tr(
                    "the model was fitted on windows of {fitted} steps, got {window}",
                    fitted=self.window_,
                    window=W.shape[1],
                )
            )
        return np.hstack([W, np.ones((W.shape[0], 1))]) @ self.coef_


def _pair(y_true, y_pred):
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            tr(
                "y_true has shape {true_shape} but y_pred has {pred_shape}; "
                "reshape the predictions, e.g. y_pred.reshape(y_true.shape)",
                true_shape=y_true.shape,
                pred_shape=y_pred.shape,
            )
        )
    return y_true, y_pred


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mase(y_true, y_pred, y_train, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler, 2006): the MAE divided by the MAE that the
    one-step (seasonal) naive forecast achieves *in-sample*, on the training series ``y_train``.

    Below 1, the forecast's errors are smaller than those of that in-sample naive forecast; this is
    not the same as beating the naive forecast on the test data, whose error may be larger or smaller.
    """
    y_train = as_array(y_train, "y_train", ndim=1, axes="(time,)")
    season = positive_int(season, "season")
    if y_train.shape[0] <= season:
        raise ValueError(tr("the training series needs more than season = {season} steps", season=season))
    scale = np.mean(np.abs(y_train[season:] - y_train[:-season]))
    if scale == 0:
        raise ValueError(tr("the training series is constant at this lag; MASE is undefined"))
    return mae(y_true, y_pred) / float(scale)


def recursive_forecast(predict_one, window, steps: int):
    """Forecast ``steps`` ahead by feeding each prediction back as the newest input.

    predict_one: maps a batch of windows (n, τ, 1) to next values (n,) or (n, 1).
    window: (τ,) or (n, τ) or (n, τ, 1). Returns (n, steps) — or (steps,) for a single 1-D window.
    This is the classic ``np.roll`` loop: drop the oldest value, append the prediction.
    """
    single = np.ndim(window) == 1
    W = as_array(window, "window", ndim=(1, 2, 3), axes=("(τ,)", "(n, τ)", "(n, τ, 1)"))
    W = W.reshape(1, -1) if W.ndim == 1 else (W[..., 0] if W.ndim == 3 else W)
    W = W.copy()
    out = []
    for _ in range(positive_int(steps, "steps")):
        nxt = np.asarray(predict_one(W[:, :, None]), dtype=float).reshape(W.shape[0])
        out.append(nxt)
        W = np.roll(W, -1, axis=1)
        W[:, -1] = nxt
    result = np.stack(out, axis=1)
    return result[0] if single else result
