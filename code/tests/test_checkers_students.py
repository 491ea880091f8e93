"""The checkers against what students really write.

For every checker: at least three plausible wrong answers it must reject, each with a hint that names
the mistake (checked by a characteristic word of the English hint), and at least two right answers
written differently that it must accept. Then the official solutions of the chapters (extracted from
the chapters themselves), answers of the wrong kind, functions that raise or never finish, and the
time limit's own behaviour (handler and timer restored, no limit outside the main thread).
"""

from __future__ import annotations

import ast
import collections
import importlib
import itertools
import math
import re
import signal
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from conftest import needs

# The students' answers use the real frameworks: without them (RNNBOOK_TESTS_FRAMEWORKS=optional)
# this file is skipped; by default a missing one fails.
keras = needs("keras")
torch = needs("torch")
needs("scipy")
import scipy.special  # noqa: E402

import rnnbook  # noqa: E402
from rnnbook.ensemble import RNNEnsemble, train_ensemble  # noqa: E402
from rnnbook.ensemble import predict as ensemble_predict  # noqa: E402
from rnnbook.exercises import _report, ch01, ch02, ch03, ch04, ch05, ch06  # noqa: E402
from rnnbook.exercises._report import CheckResult  # noqa: E402
from rnnbook.forecasting import mase as book_mase  # noqa: E402
from rnnbook.gated import gru_step as book_gru_step  # noqa: E402
from rnnbook.gated import torch_lstm_to_keras  # noqa: E402
from rnnbook.memory import memory_targets  # noqa: E402
from rnnbook.simple_rnn import simple_rnn_forward  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# every chapter's checker module, as rnnbook.exercises lists them: a new chapter's is covered too
MODULES = tuple(
    importlib.import_module(f"rnnbook.exercises.{name}")
    for name in rnnbook.exercises.__all__
    if re.fullmatch(r"ch\d\d", name)
)
CHECKERS = {
    f"{m.__name__.rsplit('.', 1)[1]}.{name}": getattr(m, name)
    for m in MODULES
    for name in dir(m)
    if name.startswith("check_")
}


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Hints are compared with their English text."""
    monkeypatch.delenv("RNNBOOK_ALL_LANGUAGES", raising=False)
    rnnbook.set_language("en")
    yield
    rnnbook.set_language("en")


def run(checker, answer) -> CheckResult:
    """Call ``checker`` on ``answer`` (a tuple is several arguments); it must return, never raise."""
    args = answer if isinstance(answer, tuple) else (answer,)
    with np.errstate(all="ignore"):
        result = checker(*args)
    assert isinstance(result, CheckResult), result
    assert str(result)[0] in "✓✗"
    return result


# --- chapter 1 ---------------------------------------------------------------------------------


def softmax_official(O):
    E = np.exp(O - O.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_logsumexp(O):
    m = np.max(O, axis=1, keepdims=True)
    return np.exp(O - m - np.log(np.sum(np.exp(O - m), axis=1, keepdims=True)))


def softmax_torch(O):
    return torch.softmax(torch.from_numpy(O), dim=-1)


def softmax_overflows(O):
    return np.exp(O) / np.exp(O).sum(axis=-1, keepdims=True)


def softmax_global_max(O):
    E = np.exp(O - O.max())
    return E / E.sum(axis=-1, keepdims=True)


def softmax_columns(O):
    E = np.exp(O - O.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_no_keepdims(O):
    E = np.exp(O - O.max(axis=-1))
    return E / E.sum(axis=-1)


def softmax_not_normalised(O):
    return np.exp(O - O.max(axis=-1, keepdims=True))


def softmax_total_sum(O):
    E = np.exp(O - O.max(axis=-1, keepdims=True))
    return E / E.sum()


def softmax_sigmoid(O):
    return 1 / (1 + np.exp(-np.clip(O, -500, 500)))


def port_official(linear, dense):
    kernel = linear.weight.detach().numpy().T
    bias = linear.bias.detach().numpy()
    dense.set_weights([kernel, bias])


def port_assign(linear, dense):
    dense.kernel.assign(linear.weight.detach().numpy().T)
    dense.bias.assign(linear.bias.detach().cpu().numpy())


def port_state_dict(linear, dense):
    state = linear.state_dict()
    dense.set_weights([state["weight"].numpy().transpose(), state["bias"].numpy()])


def port_reshape(linear, dense):
    w = linear.weight.detach().numpy()
    dense.set_weights([w.reshape(dense.get_weights()[0].shape), linear.bias.detach().numpy()])


def port_no_transpose(linear, dense):
    dense.set_weights([linear.weight.detach().numpy(), linear.bias.detach().numpy()])


def port_no_bias(linear, dense):
    dense.kernel.assign(linear.weight.detach().numpy().T)


def port_new_layer(linear, dense):
    fresh = keras.layers.Dense(linear.out_features)
    fresh.build((None, linear.in_features))
    fresh.set_weights([linear.weight.detach().numpy().T, linear.bias.detach().numpy()])
    return fresh


def port_not_detached(linear, dense):
    dense.set_weights([linear.weight.T, linear.bias])


# --- chapter 2 ---------------------------------------------------------------------------------


def step_official(X_t, H_prev, W_xh, W_hh, b_h):
    return np.tanh(X_t @ W_xh + H_prev @ W_hh + b_h)


def step_concatenated(X_t, H_prev, W_xh, W_hh, b_h):
    return np.tanh(np.concatenate([X_t, H_prev], axis=1) @ np.concatenate([W_xh, W_hh]) + b_h)


def step_no_bias(X_t, H_prev, W_xh, W_hh, b_h):
    return np.tanh(X_t @ W_xh + H_prev @ W_hh)


def step_transposed(X_t, H_prev, W_xh, W_hh, b_h):
    return np.tanh(X_t @ W_xh + H_prev @ W_hh.T + b_h)


def step_relu(X_t, H_prev, W_xh, W_hh, b_h):
    return np.maximum(X_t @ W_xh + H_prev @ W_hh + b_h, 0)


def step_linear(X_t, H_prev, W_xh, W_hh, b_h):
    return X_t @ W_xh + H_prev @ W_hh + b_h


def step_no_state(X_t, H_prev, W_xh, W_hh, b_h):
    return np.tanh(X_t @ W_xh + b_h)


def step_elementwise(X_t, H_prev, W_xh, W_hh, b_h):
    return np.tanh(X_t * W_xh + H_prev * W_hh + b_h)


def stack_reversed(W_xh, W_hh):
    return np.vstack([W_hh, W_xh])


def stack_side_by_side(W_xh, W_hh):
    return np.hstack([W_xh, W_hh])


def stack_transposed(W_xh, W_hh):
    return np.vstack([W_xh, W_hh]).T


def stack_added(W_xh, W_hh):
    return W_xh + W_hh


def stack_hh_transposed(W_xh, W_hh):
    return np.vstack([W_xh, W_hh.T])


# --- chapter 3 ---------------------------------------------------------------------------------


def forward_official(x, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], kernel.shape[1]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t, :] @ kernel + h @ recurrent_kernel + bias)
    return h


def forward_time_major(x, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]), dtype=x.dtype)
    for x_t in np.swapaxes(x, 0, 1):
        h = np.tanh(x_t @ kernel + np.dot(h, recurrent_kernel) + bias)
    return h


def forward_book(x, kernel, recurrent_kernel, bias):
    return simple_rnn_forward(x, kernel, recurrent_kernel, bias)


def _forward(x, kernel, recurrent_kernel, bias, steps=None, act=np.tanh, h=None, carry=True, every=False):
    h = np.zeros((x.shape[0], kernel.shape[1])) if h is None else h
    out = []
    for t in range(x.shape[1]) if steps is None else steps(x.shape[1]):
        h = act(x[:, t] @ kernel + (h if carry else 0 * h) @ recurrent_kernel + bias)
        out.append(h)
    return np.stack(out, axis=1) if every else h


def forward_every_step(x, k, r, b):
    return _forward(x, k, r, b, every=True)


def forward_no_bias(x, k, r, b):
    return _forward(x, k, r, 0 * b)


def forward_transposed(x, k, r, b):
    return _forward(x, k, r.T, b)


def forward_one_step_short(x, k, r, b):
    return _forward(x, k, r, b, steps=lambda T: range(T - 1))


def forward_backwards(x, k, r, b):
    return _forward(x, k, r, b, steps=lambda T: reversed(range(T)))


def forward_relu(x, k, r, b):
    return _forward(x, k, r, b, act=lambda z: np.maximum(z, 0))


def forward_not_carried(x, k, r, b):
    return _forward(x, k, r, b, carry=False)


def forward_starts_at_one(x, k, r, b):
    return _forward(x, k, r, b, h=np.ones((x.shape[0], k.shape[1])))


def forward_batch_index(x, k, r, b):
    h = np.zeros((x.shape[0], k.shape[1]))
    for t in range(x.shape[1]):
        h = np.tanh(x[t] @ k + h @ r + b)
    return h


def torch_official(rnn):
    kernel = rnn.weight_ih_l0.detach().numpy().T
    recurrent_kernel = rnn.weight_hh_l0.detach().numpy().T
    bias = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    return [kernel, recurrent_kernel, bias]


def torch_state_dict(rnn):
    s = rnn.state_dict()
    return (s["weight_ih_l0"].T, s["weight_hh_l0"].T, s["bias_ih_l0"] + s["bias_hh_l0"])


def torch_one_bias(rnn):
    kernel, recurrent_kernel, _ = torch_official(rnn)
    return [kernel, recurrent_kernel, rnn.bias_ih_l0.detach().numpy()]


def torch_no_transpose(rnn):
    return [rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy(), torch_official(rnn)[2]]


def torch_joined_biases(rnn):
    kernel, recurrent_kernel, _ = torch_official(rnn)
    return [
        kernel,
        recurrent_kernel,
        np.concatenate([rnn.bias_ih_l0.detach().numpy(), rnn.bias_hh_l0.detach().numpy()]),
    ]


def torch_averaged_biases(rnn):
    kernel, recurrent_kernel, bias = torch_official(rnn)
    return [kernel, recurrent_kernel, bias / 2]


def torch_recurrent_not_transposed(rnn):
    kernel, _, bias = torch_official(rnn)
    return [kernel, rnn.weight_hh_l0.detach().numpy(), bias]


def torch_not_detached(rnn):
    return [rnn.weight_ih_l0.T, rnn.weight_hh_l0.T, rnn.bias_ih_l0 + rnn.bias_hh_l0]


def torch_dict(rnn):
    return dict(zip(["kernel", "recurrent_kernel", "bias"], torch_official(rnn), strict=True))


# --- chapter 4 ---------------------------------------------------------------------------------


def make_cell(update=None, *, bias=True, bias_inside=True, alpha_used=None, recurrent="plain", activation=None):
    """A LeakyCell as a student would write it, with one knob per typical mistake."""
    activation = activation or keras.ops.tanh

    class Cell(keras.layers.Layer):
        def __init__(self, units, alpha=0.5, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.alpha = alpha if alpha_used is None else alpha_used
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal")
            if bias:
                self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs, states):
            h_prev = states[0]
            w = self.recurrent_kernel if recurrent == "plain" else keras.ops.transpose(self.recurrent_kernel)
            z = keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(h_prev, w)
            if bias and bias_inside:
                z = z + self.bias
            new = activation(z)
            if bias and not bias_inside:
                new = new + self.bias
            a = self.alpha
            h = update(a, h_prev, new) if update else (1 - a) * h_prev + a * new
            return h, [h]

    return Cell


class LeakyCellOfficial(keras.layers.Layer):
    def __init__(self, units, alpha=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.alpha = units, alpha
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="orthogonal")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs, states):
        h_prev = states[0]
        z = keras.ops.matmul(inputs, self.kernel)
        z = z + keras.ops.matmul(h_prev, self.recurrent_kernel) + self.bias
        h = (1 - self.alpha) * h_prev + self.alpha * keras.ops.tanh(z)
        return h, [h]


class LeakyCellInterpolated(keras.layers.Layer):
    """Right, written differently: state_size as a list, h_prev + α·(new − h_prev), a tensor as state."""

    def __init__(self, units, alpha=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.alpha, self.state_size = units, float(alpha), [units]

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="ones", name="bias")

    def call(self, inputs, states):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        new = keras.ops.tanh(inputs @ self.kernel + h_prev @ self.recurrent_kernel + self.bias)
        h = h_prev + self.alpha * (new - h_prev)
        return h, h


class LeakyCellBiasFirst(LeakyCellOfficial):
    def build(self, input_shape):
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units))


class LeakyCellNoStateSize(keras.layers.Layer):
    def __init__(self, units, alpha=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.alpha = units, alpha

    def call(self, inputs, states):
        return inputs, states


class LeakyCellForever(LeakyCellOfficial):
    def call(self, inputs, states):
        while True:
            pass


# --- chapter 5 ---------------------------------------------------------------------------------


def mase_official(y_true, y_pred, y_train):
    return np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(np.diff(y_train)))


def mase_array(y_true, y_pred, y_train):
    error = np.abs(np.asarray(y_true) - np.asarray(y_pred)).mean()
    return np.array([error / np.abs(y_train[1:] - y_train[:-1]).mean()])


def mase_test_scale(y_true, y_pred, y_train):
    return np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(np.diff(y_true)))


def mase_unscaled(y_true, y_pred, y_train):
    return np.mean(np.abs(y_true - y_pred))


def mase_upside_down(y_true, y_pred, y_train):
    return 1 / mase_official(y_true, y_pred, y_train)


def mase_level_scale(y_true, y_pred, y_train):
    return np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(y_train))


def mase_squared(y_true, y_pred, y_train):
    return np.mean((y_true - y_pred) ** 2) / np.mean(np.diff(y_train) ** 2)


def mase_divides_by_T(y_true, y_pred, y_train):
    return np.mean(np.abs(y_true - y_pred)) / (np.sum(np.abs(np.diff(y_train))) / len(y_train))


def mase_per_point(y_true, y_pred, y_train):
    return np.abs(y_true - y_pred) / np.mean(np.abs(np.diff(y_train)))


def recursive_official(predict_one, window, steps):
    window, forecasts = window.copy(), []
    for _ in range(steps):
        next_value = float(np.ravel(predict_one(window[None, :, None]))[0])
        forecasts.append(next_value)
        window = np.roll(window, -1)
        window[-1] = next_value
    return np.array(forecasts)


def recursive_list(predict_one, window, steps):
    buffer, out = list(window), []
    for _ in range(steps):
        out.append(predict_one(np.array(buffer).reshape(1, -1, 1)).item())
        buffer = [*buffer[1:], out[-1]]
    return np.array(out)[:, None]  # a column is fine too


def _feed(update, window, predict_one, steps):
    window, out = np.array(window, dtype=float), []
    for _ in range(steps):
        out.append(float(predict_one(window[None, :, None])[0]))
        window = update(window, out[-1])
    return out


def recursive_growing(predict_one, window, steps):
    return _feed(np.append, window, predict_one, steps)


def recursive_first_only(predict_one, window, steps):
    return np.repeat(float(predict_one(window[None, :, None])[0]), steps)


def recursive_roll_only(predict_one, window, steps):
    return _feed(lambda w, v: np.roll(w, -1), window, predict_one, steps)


def _overwrite(w, v):
    w = w.copy()
    w[-1] = v
    return w


def recursive_overwrites(predict_one, window, steps):
    return _feed(_overwrite, window, predict_one, steps)


def recursive_prepends(predict_one, window, steps):
    return _feed(lambda w, v: np.concatenate([[v], w[:-1]]), window, predict_one, steps)


def recursive_no_batch_axis(predict_one, window, steps):
    window, out = window.copy(), []
    for _ in range(steps):
        out.append(float(np.ravel(predict_one(window[None, :]))[0]))
        window = np.append(window[1:], out[-1])
    return out


def recursive_one_short(predict_one, window, steps):
    return recursive_official(predict_one, window, steps - 1)


def recursive_in_place(predict_one, window, steps):
    out = []
    for _ in range(steps):
        out.append(float(predict_one(window[None, :, None])[0]))
        window[:-1] = window[1:]
        window[-1] = out[-1]
    return out


def scaling_official(series, cut):
    train = series[:cut]
    return (series - train.mean()) / train.std()


def scaling_sample_std(series, cut):
    return (series - np.mean(series[:cut])) / np.std(series[:cut], ddof=1)


def scaling_book_scaler(series, cut):
    return rnnbook.forecasting.StandardScaler().fit(series[:cut]).transform(series)


def scaling_leaky(series, cut):
    return (series - series.mean()) / series.std()


def scaling_leaky_sample(series, cut):
    return (series - series.mean()) / series.std(ddof=1)


def scaling_leaky_mean(series, cut):
    return (series - series.mean()) / series[:cut].std()


def scaling_leaky_std(series, cut):
    return (series - series[:cut].mean()) / series.std()


def scaling_one_too_many(series, cut):
    return scaling_official(series, cut + 1)


def scaling_variance(series, cut):
    return (series - series[:cut].mean()) / series[:cut].var()


def scaling_train_only(series, cut):
    train = series[:cut]
    return (train - train.mean()) / train.std()


def scaling_in_place(series, cut):
    series -= series[:cut].mean()
    series /= series[:cut].std()
    return series


def scaling_min_max(series, cut):
    train = series[:cut]
    return (series - train.min()) / (train.max() - train.min())


def scaling_no_centering(series, cut):
    return series / series[:cut].std()


# --- chapter 6 ---------------------------------------------------------------------------------


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gru_official(x_t, h_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[1]
    from_x = x_t @ kernel + bias[0]
    from_h = h_prev @ recurrent_kernel + bias[1]
    z = _sigmoid(from_x[:, :units] + from_h[:, :units])
    r = _sigmoid(from_x[:, units : 2 * units] + from_h[:, units : 2 * units])
    h_tilde = np.tanh(from_x[:, 2 * units :] + r * from_h[:, 2 * units :])
    return z * h_prev + (1 - z) * h_tilde


def gru_split(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Right, written differently: the blocks split into named matrices, scipy's expit."""
    W_xz, W_xr, W_xh = np.split(kernel, 3, axis=1)
    W_hz, W_hr, W_hh = np.split(recurrent_kernel, 3, axis=1)
    b_x, b_h = bias
    b_xz, b_xr, b_xh = np.split(b_x, 3)
    b_hz, b_hr, b_hh = np.split(b_h, 3)
    z = scipy.special.expit(x_t @ W_xz + b_xz + h_prev @ W_hz + b_hz)
    r = scipy.special.expit(x_t @ W_xr + b_xr + h_prev @ W_hr + b_hr)
    candidate = np.tanh(x_t @ W_xh + b_xh + r * (h_prev @ W_hh + b_hh))
    return h_prev + (1 - z) * (candidate - h_prev)


def gru_keras_cell(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Right, by Keras itself: a GRUCell given the weights."""
    cell = keras.layers.GRUCell(h_prev.shape[1])
    cell.build((None, x_t.shape[1]))
    cell.set_weights([kernel, recurrent_kernel, bias])
    h, _ = cell(x_t.astype("float32"), [h_prev.astype("float32")])
    return keras.ops.convert_to_numpy(h)


def gru_torch_order(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Reads the blocks as r, z, h: torch's order."""
    units = h_prev.shape[1]
    from_x = x_t @ kernel + bias[0]
    from_h = h_prev @ recurrent_kernel + bias[1]
    r = _sigmoid(from_x[:, :units] + from_h[:, :units])
    z = _sigmoid(from_x[:, units : 2 * units] + from_h[:, units : 2 * units])
    h_tilde = np.tanh(from_x[:, 2 * units :] + r * from_h[:, 2 * units :])
    return z * h_prev + (1 - z) * h_tilde


def gru_reversed(x_t, h_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[1]
    from_x = x_t @ kernel + bias[0]
    from_h = h_prev @ recurrent_kernel + bias[1]
    z = _sigmoid(from_x[:, :units] + from_h[:, :units])
    r = _sigmoid(from_x[:, units : 2 * units] + from_h[:, units : 2 * units])
    h_tilde = np.tanh(from_x[:, 2 * units :] + r * from_h[:, 2 * units :])
    return (1 - z) * h_prev + z * h_tilde


def gru_reset_before(x_t, h_prev, kernel, recurrent_kernel, bias):
    """d2l's formula: the reset gate applied to h_prev before the product."""
    units = h_prev.shape[1]
    W_xz, W_xr, W_xh = np.split(kernel, 3, axis=1)
    W_hz, W_hr, W_hh = np.split(recurrent_kernel, 3, axis=1)
    b_z, b_r, b_h = np.split(bias[0] + bias[1], 3)
    z = _sigmoid(x_t @ W_xz + h_prev @ W_hz + b_z)
    r = _sigmoid(x_t @ W_xr + h_prev @ W_hr + b_r)
    assert W_hh.shape == (units, units)
    h_tilde = np.tanh(x_t @ W_xh + (r * h_prev) @ W_hh + b_h)
    return z * h_prev + (1 - z) * h_tilde


def gru_input_bias_only(x_t, h_prev, kernel, recurrent_kernel, bias):
    return gru_official(x_t, h_prev, kernel, recurrent_kernel, np.stack([bias[0], 0 * bias[1]]))


def gru_summed_bias(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Both rows added to the input part: the candidate's recurrent bias escapes the reset gate."""
    units = h_prev.shape[1]
    from_x = x_t @ kernel + bias.sum(axis=0)
    from_h = h_prev @ recurrent_kernel
    z = _sigmoid(from_x[:, :units] + from_h[:, :units])
    r = _sigmoid(from_x[:, units : 2 * units] + from_h[:, units : 2 * units])
    h_tilde = np.tanh(from_x[:, 2 * units :] + r * from_h[:, 2 * units :])
    return z * h_prev + (1 - z) * h_tilde


def gru_flat_bias(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Treats the bias as one vector (3·units,), as in reset_after=False: it does not broadcast."""
    units = h_prev.shape[1]
    from_x = x_t @ kernel + bias
    from_h = h_prev @ recurrent_kernel
    z = _sigmoid(from_x[:, :units] + from_h[:, :units])
    return z * h_prev


def gru_activations_swapped(x_t, h_prev, kernel, recurrent_kernel, bias):
    units = h_prev.shape[1]
    from_x = x_t @ kernel + bias[0]
    from_h = h_prev @ recurrent_kernel + bias[1]
    z = np.tanh(from_x[:, :units] + from_h[:, :units])
    r = np.tanh(from_x[:, units : 2 * units] + from_h[:, units : 2 * units])
    h_tilde = _sigmoid(from_x[:, 2 * units :] + r * from_h[:, 2 * units :])
    return z * h_prev + (1 - z) * h_tilde


def gru_transposed(x_t, h_prev, kernel, recurrent_kernel, bias):
    return gru_official(x_t, h_prev, kernel, recurrent_kernel, bias).T


def gru_all_blocks(x_t, h_prev, kernel, recurrent_kernel, bias):
    return _sigmoid(x_t @ kernel + bias[0] + h_prev @ recurrent_kernel + bias[1])


def lstm_official(lstm):
    kernel = lstm.weight_ih_l0.detach().numpy().T
    recurrent_kernel = lstm.weight_hh_l0.detach().numpy().T
    bias = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    return [kernel, recurrent_kernel, bias]


def lstm_state_dict(lstm):
    s = lstm.state_dict()
    return (s["weight_ih_l0"].T, s["weight_hh_l0"].T, s["bias_ih_l0"] + s["bias_hh_l0"])


def lstm_book(lstm):
    return torch_lstm_to_keras(*[p.detach().numpy() for p in lstm.parameters()])


def lstm_no_transpose(lstm):
    kernel, recurrent_kernel, bias = lstm_official(lstm)
    return [kernel.T, recurrent_kernel.T, bias]


def lstm_recurrent_not_transposed(lstm):
    kernel, recurrent_kernel, bias = lstm_official(lstm)
    return [kernel, recurrent_kernel.T, bias]


def lstm_only_bias_ih(lstm):
    kernel, recurrent_kernel, _ = lstm_official(lstm)
    return [kernel, recurrent_kernel, lstm.bias_ih_l0.detach().numpy()]


def lstm_only_bias_hh(lstm):
    kernel, recurrent_kernel, _ = lstm_official(lstm)
    return [kernel, recurrent_kernel, lstm.bias_hh_l0.detach().numpy()]


def _reordered(order):
    """Reorders the four gate blocks of every array, as if torch's order differed from Keras'."""

    def port(lstm):
        return [np.concatenate([np.split(w, 4, axis=-1)[i] for i in order], axis=-1) for w in lstm_official(lstm)]

    port.__name__ = "lstm_reordered_" + "".join("ifgo"[i] for i in order)
    return port


def lstm_gru_style(lstm):
    """Swaps the first two blocks, as torch_gru_to_keras does for a GRU's r, z."""
    weights = []
    for w in lstm_official(lstm):
        i, f, g, o = np.split(w, 4, axis=-1)
        weights.append(np.concatenate([f, i, g, o], axis=-1))
    return weights


def lstm_four_arrays(lstm):
    return [p.detach().numpy().T for p in lstm.parameters()]


def lstm_joined_biases(lstm):
    kernel, recurrent_kernel, _ = lstm_official(lstm)
    biases = [lstm.bias_ih_l0.detach().numpy(), lstm.bias_hh_l0.detach().numpy()]
    return [kernel, recurrent_kernel, np.concatenate(biases)]


def lstm_reshaped(lstm):
    w_ih, w_hh = lstm.weight_ih_l0.detach().numpy(), lstm.weight_hh_l0.detach().numpy()
    bias = lstm_official(lstm)[2]
    return [w_ih.reshape(w_ih.shape[1], -1), w_hh.reshape(w_hh.shape[1], -1), bias]


def lstm_not_detached(lstm):
    return [lstm.weight_ih_l0.T, lstm.weight_hh_l0.T, lstm.bias_ih_l0 + lstm.bias_hh_l0]


def targets_official(X, delay):
    steps = X.shape[1]
    return (X[:, steps - 1 - delay] > 0).astype(np.float32)


def targets_booleans(X, delay):
    """Right: booleans equal the 0/1 targets."""
    return X[:, -1 - delay] > 0


def targets_where(X, delay):
    return np.where(X[:, X.shape[1] - delay - 1, 0] > 0, 1.0, 0.0).reshape(-1, 1)


def targets_torch(X, delay):
    return (torch.from_numpy(X)[:, -(delay + 1)] > 0).float()


def targets_book(X, delay):
    return memory_targets(X, [delay])


def targets_minus_delay(X, delay):
    return (X[:, -delay] > 0).astype(np.float32)


def targets_steps_minus_delay(X, delay):
    return (X[:, X.shape[1] - delay] > 0).astype(np.float32)


def targets_one_early(X, delay):
    return (X[:, X.shape[1] - 2 - delay] > 0).astype(np.float32)


def targets_at_least_zero(X, delay):
    return (X[:, -1 - delay] >= 0).astype(np.float32)


def targets_flat(X, delay):
    return (X[:, -1 - delay, 0] > 0).astype(np.float32)


def targets_from_start(X, delay):
    return (X[:, delay] > 0).astype(np.float32)


def targets_values(X, delay):
    return X[:, -1 - delay]


def targets_sign(X, delay):
    return np.sign(X[:, -1 - delay])


def targets_last_step(X, delay):
    return (X[:, -1] > 0).astype(np.float32)


def targets_every_step(X, delay):
    return (X > 0).astype(np.float32)


def targets_negative(X, delay):
    return (X[:, -1 - delay] < 0).astype(np.float32)


# --- the exercises that train: chapters 3, 4 and 5 ---------------------------------------------


def _train_torch(x, y, forward_of, units=16, epochs=200, lr=0.02, scale=True):
    """A torch.nn.RNN + Linear trained full-batch on (x, y); ``forward_of(rnn, dense)`` reads a batch."""
    torch.manual_seed(0)
    mean, std = (y.mean(axis=0), y.std(axis=0)) if scale else (0.0, 1.0)
    rnn = torch.nn.RNN(x.shape[2], units, batch_first=True)
    dense = torch.nn.Linear(units, y.shape[1])
    forward = forward_of(rnn, dense)
    optimizer = torch.optim.Adam([*rnn.parameters(), *dense.parameters()], lr=lr)
    target = torch.from_numpy(((y - mean) / std).astype(np.float32))
    for _ in range(epochs):
        optimizer.zero_grad()
        ((forward(x) - target) ** 2).mean().backward()
        optimizer.step()

    def predict(x):
        with torch.no_grad():
            return forward(x).numpy() * std + mean

    return predict


def _last_state(rnn, dense):
    return lambda x: dense(rnn(torch.from_numpy(x))[0][:, -1])


def _train_keras(x, y, mask=None, epochs=20):
    keras.utils.set_random_seed(0)
    mean, std = y.mean(axis=0), y.std(axis=0)
    masking = [] if mask is None else [keras.layers.Masking(mask_value=mask)]
    model = keras.Sequential(
        [keras.Input((None, x.shape[2])), *masking, keras.layers.SimpleRNN(16), keras.layers.Dense(y.shape[1])]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    model.fit(x, (y - mean) / std, epochs=epochs, batch_size=64, verbose=0)
    return lambda x: keras.ops.convert_to_numpy(model(x)) * std + mean


def fit_rnn_torch(x, y):
    return _train_torch(x, y, _last_state)


def fit_rnn_torch_module(x, y):
    """Right, returning the trained torch module itself: the checker calls it on a float32 tensor."""

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = torch.nn.RNN(x.shape[2], 16, batch_first=True)
            self.dense = torch.nn.Linear(16, y.shape[1])
            self.mean, self.std = torch.from_numpy(y.mean(axis=0)), torch.from_numpy(y.std(axis=0))

        def forward(self, x):
            return self.dense(self.rnn(x)[1][0]) * self.std + self.mean

    torch.manual_seed(1)
    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.02)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(250):
        optimizer.zero_grad()
        (((net(X) - Y) / net.std) ** 2).mean().backward()
        optimizer.step()
    return net


def fit_rnn_keras(x, y):
    return _train_keras(x, y)


def fit_rnn_no_dense(x, y):
    """SimpleRNN(outputs) trained directly on the targets: its output is its tanh state."""
    torch.manual_seed(0)
    rnn = torch.nn.RNN(x.shape[2], y.shape[1], batch_first=True)
    optimizer = torch.optim.Adam(rnn.parameters(), lr=0.02)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(100):
        optimizer.zero_grad()
        ((rnn(X)[1][0] - Y) ** 2).mean().backward()
        optimizer.step()
    return lambda x: rnn(torch.from_numpy(x))[1][0].detach().numpy()


def fit_rnn_few_epochs(x, y):
    return _train_torch(x, y, _last_state, epochs=5)


def fit_rnn_mean(x, y):
    return lambda x: np.tile(y.mean(axis=0), (len(x), 1))


def fit_rnn_returns_targets(x, y):
    """Returns the training targets whatever it is asked: right on the training set, of the right shape."""
    return lambda x: y


def fit_rnn_lookup(x, y):
    table = {seq.tobytes(): target for seq, target in zip(x, y, strict=True)}
    return lambda xs: np.array([table.get(seq.tobytes(), y.mean(axis=0)) for seq in xs])


def _least_squares(features, x, y):
    beta, *_ = np.linalg.lstsq(features(x), y, rcond=None)
    return lambda xs: features(xs) @ beta


def fit_rnn_flattened(x, y):
    """Linear regression on the flattened window: it cannot read a longer sequence."""
    return _least_squares(lambda xs: np.c_[xs.reshape(len(xs), -1), np.ones(len(xs))], x, y)


def fit_rnn_last_step(x, y):
    return _least_squares(lambda xs: np.c_[xs[:, -1], np.ones(len(xs))], x, y)


def fit_rnn_every_step(x, y):
    trained = _train_torch(x, y, _last_state, epochs=5)
    return lambda xs: np.repeat(trained(xs)[:, None], xs.shape[1], axis=1)


def fit_rnn_slow(x, y):
    time.sleep(60)


def _real_lengths(x):
    return (x != 0).any(axis=2).sum(axis=1)


def _packed(rnn, dense):
    def forward(x):
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            torch.from_numpy(x), torch.from_numpy(_real_lengths(x)), batch_first=True, enforce_sorted=False
        )
        return dense(rnn(packed)[1][0])

    return forward


def _gathered(rnn, dense):
    def forward(x):
        states = rnn(torch.from_numpy(x))[0]
        return dense(states[torch.arange(len(x)), torch.from_numpy(_real_lengths(x)) - 1])

    return forward


def fit_padded_packed(x, y):
    return _train_torch(x, y, _packed)


def fit_padded_gathered(x, y):
    """Right: the output at each sequence's last real step; padding after it cannot reach it."""
    return _train_torch(x, y, _gathered)


def fit_padded_keras_masking(x, y):
    return _train_keras(x, y, mask=0.0)


def fit_padded_unmasked(x, y):
    return _train_torch(x, y, _last_state)


def fit_padded_keras_unmasked(x, y):
    return _train_keras(x, y, epochs=3)


def fit_padded_wrong_mask_value(x, y):
    return _train_keras(x, y, mask=-1.0, epochs=3)


def fit_padded_last_real_step(x, y):
    def features(xs):
        return np.c_[xs[np.arange(len(xs)), _real_lengths(xs) - 1], np.ones(len(xs))]

    return _least_squares(features, x, y)


def fit_padded_few_epochs(x, y):
    return _train_torch(x, y, _packed, epochs=5)


def fit_padded_flattened(x, y):
    return fit_rnn_flattened(x, y)


def forecaster_official(train, window=24):
    scaler = rnnbook.forecasting.StandardScaler().fit(train)
    X, y = rnnbook.forecasting.make_windows(scaler.transform(train), window)
    models = RNNEnsemble(members=5, units=16, seed=0)
    train_ensemble(models, X.astype("float32"), y.astype("float32"), epochs=150, lr=0.01)

    def forecast(history):
        x = scaler.transform(history[-window:]).astype("float32")[None, :, None]
        return scaler.inverse_transform(ensemble_predict(models, x).mean())

    return forecast


def forecaster_linear(train, window=24):
    model = rnnbook.forecasting.LinearWindowModel().fit(*rnnbook.forecasting.make_windows(train, window))
    return lambda history: model.predict(history[None, -window:])[0]  # an array of one number


def forecaster_keras(train, window=24):
    keras.utils.set_random_seed(0)
    mean, std = train.mean(), train.std()
    X, y = rnnbook.forecasting.make_windows((train - mean) / std, window)
    model = keras.Sequential([keras.Input((window, 1)), keras.layers.SimpleRNN(16), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(X, y, epochs=20, batch_size=64, verbose=0)

    def forecast(history):
        x = ((history[-window:] - mean) / std).reshape(1, window, 1).astype("float32")
        return float(model.predict_on_batch(x)[0, 0]) * std + mean

    return forecast


def forecaster_naive(train):
    return lambda history: history[-1]


def forecaster_seasonal_naive(train):
    return lambda history: history[-12]


def forecaster_unscaled(train, window=24):
    """A tanh RNN trained on the raw values, around a level of 20 to 80: it saturates."""
    torch.manual_seed(0)
    X, y = rnnbook.forecasting.make_windows(train, window)
    rnn, dense = torch.nn.RNN(1, 16, batch_first=True), torch.nn.Linear(16, 1)
    optimizer = torch.optim.Adam([*rnn.parameters(), *dense.parameters()], lr=0.01)
    X, y = torch.from_numpy(X.astype("float32")), torch.from_numpy(y.astype("float32"))
    for _ in range(100):
        optimizer.zero_grad()
        ((dense(rnn(X)[1][0]) - y) ** 2).mean().backward()
        optimizer.step()
    return lambda history: dense(rnn(torch.tensor(history[None, -window:, None], dtype=torch.float32))[1][0]).item()


def forecaster_not_scaled_back(train, window=24):
    scaler = rnnbook.forecasting.StandardScaler().fit(train)
    X, y = rnnbook.forecasting.make_windows(scaler.transform(train), window)
    models = RNNEnsemble(members=1, units=16, seed=0)
    train_ensemble(models, X.astype("float32"), y.astype("float32"), epochs=150, lr=0.01)
    return lambda history: ensemble_predict(models, scaler.transform(history[-window:])[None, :, None]).item()


def forecaster_training_mean(train):
    return lambda history: train.mean()


def forecaster_two_values(train):
    return lambda history: history[-12:-10]


def forecaster_not_detached(train):
    weight = torch.ones(1, requires_grad=True)
    return lambda history: weight * float(history[-12])


def forecaster_book_series(train):
    """A cheat: rebuild the checker's series from a guessed seed, and read the next value from it."""
    guessed = ch05._seasonal_series(np.random.default_rng(0), 540)
    return lambda history: guessed[len(history)]


def forecaster_retrains_every_call(train):
    return lambda history: forecaster_official(history)(history)


# --- the tables --------------------------------------------------------------------------------

RIGHT = [
    ("ch01.check_mlp_param_count", 20 * 64 + 64 + 64 * 10 + 10),
    ("ch01.check_mlp_param_count", np.float64(1994.0)),
    ("ch01.check_mlp_param_count", np.int64(1994)),
    ("ch01.check_window_param_count", 10 * 3 * 16 + 16),
    ("ch01.check_window_param_count", rnnbook.dense_param_count(30, 16)),
    ("ch01.check_softmax", softmax_official),
    ("ch01.check_softmax", softmax_logsumexp),
    ("ch01.check_softmax", lambda O: scipy.special.softmax(O, axis=1)),
    ("ch01.check_softmax", softmax_torch),
    ("ch01.check_linear_port", port_official),
    ("ch01.check_linear_port", port_assign),
    ("ch01.check_linear_port", port_state_dict),
    ("ch02.check_rnn_param_count", 8 * 32 + 32 * 32 + 32),
    ("ch02.check_rnn_param_count", 1312.0),
    ("ch02.check_rnn_step", step_official),
    ("ch02.check_rnn_step", step_concatenated),
    ("ch02.check_rnn_step", rnnbook.rnn_step),
    ("ch02.check_counter", (0.5, 1.0, 0.5)),
    ("ch02.check_counter", (np.array([[0.5]]), np.array([[1]]), np.array([0.5]))),
    ("ch02.check_counter", (Fraction(1, 2), 1, Fraction(1, 2))),
    ("ch02.check_stacked_weights", lambda W_xh, W_hh: np.concatenate([W_xh, W_hh], axis=0)),
    ("ch02.check_stacked_weights", lambda W_xh, W_hh: np.r_[W_xh, W_hh]),
    ("ch02.check_stacked_weights", lambda W_xh, W_hh: torch.cat([torch.tensor(W_xh), torch.tensor(W_hh)])),
    ("ch03.check_param_counts", (16 * (8 + 16 + 1), 16 * (8 + 16 + 2))),
    ("ch03.check_param_counts", (np.int64(400), 416.0)),
    ("ch03.check_forward", forward_official),
    ("ch03.check_forward", forward_time_major),
    ("ch03.check_forward", forward_book),
    ("ch03.check_torch_to_keras_weights", torch_official),
    ("ch03.check_torch_to_keras_weights", torch_state_dict),
    ("ch03.check_steps_to_vanish", 44),
    ("ch03.check_steps_to_vanish", np.ceil(np.log(0.01) / np.log(0.9))),
    ("ch03.check_steps_to_vanish", math.floor(math.log(0.01) / math.log(0.9)) + 1),
    (
        "ch04.check_output_shapes",
        {"a": (32, 8), "b": (32, 10, 8), "c": [(32, 8), (32, 8)], "d": (32, 10, 16), "e": (32, 8)},
    ),
    (
        "ch04.check_output_shapes",
        {
            "a": [32, 8],
            "b": torch.Size([32, 10, 8]),
            "c": ((32, 8), (32, 8)),
            "d": np.array([32, 10, 16]),
            "e": (32, 8),
        },
    ),
    ("ch04.check_dropout_scale", 1 / (1 - 0.2)),
    ("ch04.check_dropout_scale", np.float32(1.25)),
    ("ch04.check_leaky_cell", LeakyCellOfficial),
    ("ch04.check_leaky_cell", LeakyCellInterpolated),
    ("ch04.check_torch_shapes", ((4, 32, 16), (32, 10, 32), (4, 32, 16))),
    ("ch04.check_torch_shapes", (torch.Size([4, 32, 16]), [32, 10, 32], np.array([4, 32, 16]))),
    ("ch05.check_num_windows", 100 - 30 - 1 + 1),
    ("ch05.check_num_windows", 70.0),
    ("ch05.check_mase", mase_official),
    ("ch05.check_mase", mase_array),
    ("ch05.check_mase", book_mase),
    ("ch05.check_recursive", recursive_official),
    ("ch05.check_recursive", recursive_list),
    ("ch05.check_recursive", rnnbook.forecasting.recursive_forecast),
    ("ch05.check_scaling", scaling_official),
    ("ch05.check_scaling", scaling_sample_std),
    ("ch05.check_scaling", scaling_book_scaler),
    ("ch06.check_lstm_param_counts", (4 * 16 * (8 + 16 + 1), 4 * 16 * (8 + 16 + 2))),
    ("ch06.check_lstm_param_counts", (np.int64(1600), 1664.0)),
    ("ch06.check_lstm_param_counts", (4 * (16 * 8 + 16 * 16 + 16), 4 * (16 * 8 + 16 * 16 + 2 * 16))),
    ("ch06.check_gru_step", gru_official),
    ("ch06.check_gru_step", gru_split),
    ("ch06.check_gru_step", gru_keras_cell),
    ("ch06.check_gru_step", book_gru_step),
    ("ch06.check_torch_lstm_to_keras", lstm_official),
    ("ch06.check_torch_lstm_to_keras", lstm_state_dict),
    ("ch06.check_torch_lstm_to_keras", lstm_book),
    ("ch06.check_delay_targets", targets_official),
    ("ch06.check_delay_targets", targets_booleans),
    ("ch06.check_delay_targets", targets_where),
    ("ch06.check_delay_targets", targets_torch),
    ("ch06.check_delay_targets", targets_book),
    ("ch03.check_trained_rnn", fit_rnn_torch),
    ("ch03.check_trained_rnn", fit_rnn_torch_module),
    ("ch03.check_trained_rnn", fit_rnn_keras),
    ("ch04.check_padded_training", fit_padded_packed),
    ("ch04.check_padded_training", fit_padded_gathered),
    ("ch04.check_padded_training", fit_padded_keras_masking),
    ("ch05.check_forecaster", forecaster_official),
    ("ch05.check_forecaster", forecaster_linear),
    ("ch05.check_forecaster", forecaster_keras),
]

# (checker, wrong answer, a word of the hint that names the mistake)
WRONG = [
    ("ch01.check_mlp_param_count", 20 * 64 + 64, "only the hidden layer"),
    ("ch01.check_mlp_param_count", 20 * 64 + 64 * 10, "leaves out the biases"),
    ("ch01.check_mlp_param_count", 20 * 64 + 64 + 64 * 10, "output layer's bias"),
    ("ch01.check_mlp_param_count", 20 * 64 * 10, "multiplies"),
    ("ch01.check_mlp_param_count", "1994", "whole number"),
    ("ch01.check_window_param_count", 3 * 16 + 16, "one time step"),
    ("ch01.check_window_param_count", 10 * 3 * 16, "leaves out the bias"),
    ("ch01.check_window_param_count", 10 * 16 + 16, "features of each step"),
    ("ch01.check_window_param_count", 10 * (3 * 16 + 16), "a layer per time step"),
    ("ch01.check_softmax", softmax_overflows, "overflows"),
    ("ch01.check_softmax", softmax_global_max, "maximum of the whole array"),
    ("ch01.check_softmax", softmax_columns, "each column sums to 1"),
    ("ch01.check_softmax", softmax_no_keepdims, "keepdims"),
    ("ch01.check_softmax", softmax_not_normalised, "do not sum to 1"),
    ("ch01.check_softmax", softmax_total_sum, "sum of the whole array"),
    ("ch01.check_softmax", softmax_sigmoid, "do not sum to 1"),
    ("ch01.check_linear_port", port_reshape, "reshape"),
    ("ch01.check_linear_port", port_no_transpose, "transpose"),
    ("ch01.check_linear_port", port_no_bias, "bias"),
    ("ch01.check_linear_port", port_new_layer, "still has its own weights"),
    ("ch01.check_linear_port", port_not_detached, "detach"),
    ("ch02.check_rnn_param_count", 0, "at least 1"),
    ("ch02.check_rnn_param_count", 8 * 32 + 32, "leaves out W_hh"),
    ("ch02.check_rnn_param_count", 8 * 32 + 32 * 32, "leaves out the bias"),
    ("ch02.check_rnn_param_count", 10 * (8 * 32 + 32 * 32 + 32), "shared"),
    ("ch02.check_rnn_param_count", 8 * 32 + 32 * 32 + 64, "two bias vectors"),
    ("ch02.check_rnn_step", step_no_bias, "bias b_h is never added"),
    ("ch02.check_rnn_step", step_transposed, "not by its transpose"),
    ("ch02.check_rnn_step", step_relu, "ReLU"),
    ("ch02.check_rnn_step", step_linear, "activation is missing"),
    ("ch02.check_rnn_step", step_no_state, "previous hidden state"),
    ("ch02.check_rnn_step", step_elementwise, "use @, not *"),
    ("ch02.check_counter", (1.0, 1.0, 0.0), "must add nothing"),
    ("ch02.check_counter", (0.5, 0.5, 0.5), "w_hh must be 1"),
    ("ch02.check_counter", (1.0, 0.5, 0.5), "w_hh must be 1"),
    ("ch02.check_counter", (0.5, 1.0, 1.0), "exactly 1"),
    ("ch02.check_counter", (None, 1.0, 0.5), "three numbers"),
    ("ch02.check_counter", (np.nan, 1.0, 0.5), "finite"),
    ("ch02.check_stacked_weights", stack_reversed, "put W_xh above W_hh"),
    ("ch02.check_stacked_weights", stack_side_by_side, "axis=0"),
    ("ch02.check_stacked_weights", stack_transposed, "transposed shape"),
    ("ch02.check_stacked_weights", stack_added, "instead of adding"),
    ("ch02.check_stacked_weights", stack_hh_transposed, "W_hh is transposed"),
    ("ch03.check_param_counts", (400, 400), "two bias vectors"),
    ("ch03.check_param_counts", (10 * 400, 416), "time steps never count"),
    ("ch03.check_param_counts", (416, 400), "swapped"),
    ("ch03.check_param_counts", (16 * (8 + 16), 416), "leaves out the bias"),
    ("ch03.check_param_counts", (400, 16 * (8 + 16)), "leaves out both biases"),
    ("ch03.check_param_counts", (400, 16 * (8 + 2)), "leaves out weight_hh_l0"),
    ("ch03.check_forward", forward_every_step, "last one"),
    ("ch03.check_forward", forward_no_bias, "bias is never added"),
    ("ch03.check_forward", forward_transposed, "not its transpose"),
    ("ch03.check_forward", forward_one_step_short, "one step early"),
    ("ch03.check_forward", forward_backwards, "backwards"),
    ("ch03.check_forward", forward_relu, "ReLU"),
    ("ch03.check_forward", forward_not_carried, "not carried over"),
    ("ch03.check_forward", forward_starts_at_one, "start at zero"),
    ("ch03.check_forward", forward_batch_index, "x[:, t, :]"),
    ("ch03.check_torch_to_keras_weights", torch_one_bias, "sum bias_ih_l0 + bias_hh_l0"),
    ("ch03.check_torch_to_keras_weights", torch_no_transpose, "transpose weight_ih_l0"),
    ("ch03.check_torch_to_keras_weights", torch_joined_biases, "end to end"),
    ("ch03.check_torch_to_keras_weights", torch_averaged_biases, "averaged"),
    ("ch03.check_torch_to_keras_weights", torch_recurrent_not_transposed, "transpose it too"),
    ("ch03.check_torch_to_keras_weights", torch_not_detached, "detach"),
    ("ch03.check_torch_to_keras_weights", torch_dict, "a list of arrays"),
    ("ch03.check_steps_to_vanish", 43, "up, not down"),
    ("ch03.check_steps_to_vanish", 45, "earlier power"),
    ("ch03.check_steps_to_vanish", math.log(0.01) / math.log(0.9), "round it up"),
    ("ch03.check_steps_to_vanish", 22, "still above"),
    (
        "ch04.check_output_shapes",
        {"a": (32, 10, 8), "b": (32, 10, 8), "c": [(32, 8), (32, 8)], "d": (32, 10, 16), "e": (32, 8)},
        "time axis disappears",
    ),
    (
        "ch04.check_output_shapes",
        {"a": (32, 8), "b": (32, 10, 8), "c": (32, 8), "d": (32, 10, 16), "e": (32, 8)},
        "returns a list",
    ),
    (
        "ch04.check_output_shapes",
        {"a": (32, 8), "b": (32, 10, 8), "c": [(32, 8), (32, 8)], "d": (32, 10, 8), "e": (32, 8)},
        "side by side",
    ),
    (
        "ch04.check_output_shapes",
        {"a": (32, 8), "b": (32, 10, 8), "c": [(32, 8), (32, 8)], "d": (32, 10, 16), "e": (32, 16)},
        "width stays",
    ),
    (
        "ch04.check_output_shapes",
        {"a": "(32, 8)", "b": (32, 10, 8), "c": [(32, 8), (32, 8)], "d": (32, 10, 16), "e": (32, 8)},
        "tuple of ints",
    ),
    ("ch04.check_dropout_scale", 0.8, "inverted dropout"),
    ("ch04.check_dropout_scale", 1.0, "scaled at training time"),
    ("ch04.check_dropout_scale", 0.2, "dropout rate"),
    ("ch04.check_dropout_scale", 5.0, "1 / rate"),
    ("ch04.check_dropout_scale", 1.2, "1 + rate"),
    ("ch04.check_dropout_scale", 125, "percentage"),
    ("ch04.check_leaky_cell", make_cell(lambda a, h, new: new), "plain SimpleRNN"),
    ("ch04.check_leaky_cell", make_cell(lambda a, h, new: a * h + (1 - a) * new), "swapped"),
    ("ch04.check_leaky_cell", make_cell(bias_inside=False), "inside tanh"),
    ("ch04.check_leaky_cell", make_cell(bias=False), "no bias"),
    ("ch04.check_leaky_cell", make_cell(activation=lambda z: z), "apply tanh"),
    ("ch04.check_leaky_cell", make_cell(alpha_used=0.5), "ignores the alpha"),
    ("ch04.check_leaky_cell", make_cell(recurrent="transposed"), "not its transpose"),
    ("ch04.check_leaky_cell", LeakyCellBiasFirst, "in this order"),
    ("ch04.check_leaky_cell", LeakyCellNoStateSize, "state_size"),
    ("ch04.check_torch_shapes", ((32, 4, 16), (32, 10, 32), (4, 32, 16)), "batch_first does not apply to h0"),
    ("ch04.check_torch_shapes", ((2, 32, 16), (32, 10, 32), (2, 32, 16)), "direction"),
    ("ch04.check_torch_shapes", ((4, 32, 16), (32, 10, 16), (4, 32, 16)), "concatenates both directions"),
    ("ch04.check_torch_shapes", ((4, 32, 16), (32, 10, 64), (4, 32, 16)), "last layer only"),
    ("ch04.check_torch_shapes", ((4, 32, 16), (32, 10, 32), (32, 4, 16)), "same shape as h0"),
    ("ch05.check_num_windows", 69, "off by one"),
    ("ch05.check_num_windows", 71, "off by one"),
    ("ch05.check_num_windows", 100 // 30, "do not overlap"),
    ("ch05.check_num_windows", 100, "length of the series"),
    ("ch05.check_mase", mase_test_scale, "not on the test series"),
    ("ch05.check_mase", mase_unscaled, "you returned the MAE"),
    ("ch05.check_mase", mase_upside_down, "upside down"),
    ("ch05.check_mase", mase_level_scale, "not the mean of |y_train|"),
    ("ch05.check_mase", mase_squared, "not squared"),
    ("ch05.check_mase", mase_divides_by_T, "T − 1 differences"),
    ("ch05.check_mase", mase_per_point, "one number"),
    ("ch05.check_recursive", recursive_growing, "the window grows"),
    ("ch05.check_recursive", recursive_first_only, "repeated the first prediction"),
    ("ch05.check_recursive", recursive_roll_only, "never put the prediction"),
    ("ch05.check_recursive", recursive_overwrites, "instead of dropping the oldest"),
    ("ch05.check_recursive", recursive_prepends, "at the end of the window"),
    ("ch05.check_recursive", recursive_no_batch_axis, "(1, τ, 1)"),
    ("ch05.check_recursive", recursive_one_short, "one per step"),
    ("ch05.check_recursive", recursive_in_place, "changed the window"),
    ("ch05.check_scaling", scaling_leaky, "leakage: the statistics include"),
    ("ch05.check_scaling", scaling_leaky_sample, "leakage: the statistics include"),
    ("ch05.check_scaling", scaling_leaky_mean, "the mean comes from the whole series"),
    ("ch05.check_scaling", scaling_leaky_std, "standard deviation comes from the whole series"),
    ("ch05.check_scaling", scaling_one_too_many, "one value of the validation part"),
    ("ch05.check_scaling", scaling_variance, "not by the variance"),
    ("ch05.check_scaling", scaling_train_only, "only the training part"),
    ("ch05.check_scaling", scaling_in_place, "changed the series"),
    ("ch05.check_scaling", scaling_min_max, "min–max"),
    ("ch05.check_scaling", scaling_no_centering, "subtract the training mean"),
    ("ch06.check_lstm_param_counts", (4 * 16 * (8 + 16), 4 * 16 * (8 + 16)), "leaves out the bias, 4·units"),
    ("ch06.check_lstm_param_counts", (4 * 16 * (8 + 16) + 16, 1664), "one per unit of each gate"),
    ("ch06.check_lstm_param_counts", (1600, 1600), "two bias vectors"),
    ("ch06.check_lstm_param_counts", (1664, 1664), "counts two biases"),
    ("ch06.check_lstm_param_counts", (1664, 1600), "swapped"),
    ("ch06.check_lstm_param_counts", (3 * 16 * (8 + 16 + 2), 3 * 16 * (8 + 16 + 2)), "three gate blocks"),
    ("ch06.check_lstm_param_counts", (3 * 16 * (8 + 16 + 1), 1664), "three gate blocks"),
    ("ch06.check_lstm_param_counts", (1600, 3 * 16 * (8 + 16 + 2)), "three gate blocks"),
    ("ch06.check_lstm_param_counts", (16 * (8 + 16 + 1), 16 * (8 + 16 + 2)), "a SimpleRNN's count"),
    ("ch06.check_lstm_param_counts", (1600, 16 * (8 + 16 + 2)), "an nn.RNN's count"),
    ("ch06.check_lstm_param_counts", (10 * 1600, 1664), "time steps never count"),
    ("ch06.check_lstm_param_counts", (1600, 10 * 1664), "time steps never count"),
    ("ch06.check_lstm_param_counts", (1600, 4 * 16 * (8 + 16)), "leaves out both biases"),
    ("ch06.check_gru_step", gru_torch_order, "z and r blocks are swapped"),
    ("ch06.check_gru_step", gru_reversed, "z weighs the old state"),
    ("ch06.check_gru_step", gru_reset_before, "resets after the product"),
    ("ch06.check_gru_step", gru_input_bias_only, "add row 1, the recurrent bias"),
    ("ch06.check_gru_step", gru_summed_bias, "goes inside the reset"),
    ("ch06.check_gru_step", gru_flat_bias, "row 0 the input bias, row 1 the recurrent bias"),
    ("ch06.check_gru_step", gru_activations_swapped, "use the sigmoid σ"),
    ("ch06.check_gru_step", gru_transposed, "transposed"),
    ("ch06.check_gru_step", gru_all_blocks, "all three blocks"),
    ("ch06.check_torch_lstm_to_keras", lstm_no_transpose, "transpose weight_ih_l0"),
    ("ch06.check_torch_lstm_to_keras", lstm_recurrent_not_transposed, "transpose weight_hh_l0"),
    ("ch06.check_torch_lstm_to_keras", lstm_only_bias_ih, "only bias_ih_l0"),
    ("ch06.check_torch_lstm_to_keras", lstm_only_bias_hh, "only bias_hh_l0"),
    ("ch06.check_torch_lstm_to_keras", _reordered((0, 2, 1, 3)), "reordered the gate blocks to i, g, f, o"),
    ("ch06.check_torch_lstm_to_keras", lstm_gru_style, "reordered the gate blocks to f, i, g, o"),
    ("ch06.check_torch_lstm_to_keras", _reordered((0, 3, 1, 2)), "reordered the gate blocks to i, o, f, g"),
    ("ch06.check_torch_lstm_to_keras", lstm_four_arrays, "one bias: return three arrays"),
    ("ch06.check_torch_lstm_to_keras", lstm_joined_biases, "end to end"),
    ("ch06.check_torch_lstm_to_keras", lstm_reshaped, "transpose it with .T"),
    ("ch06.check_torch_lstm_to_keras", lstm_not_detached, "detach"),
    ("ch06.check_delay_targets", targets_minus_delay, "off by one: you read the step after"),
    ("ch06.check_delay_targets", targets_steps_minus_delay, "off by one: you read the step after"),
    ("ch06.check_delay_targets", targets_one_early, "off by one: you read the step before"),
    ("ch06.check_delay_targets", targets_at_least_zero, "exactly 0 is not positive"),
    ("ch06.check_delay_targets", targets_flat, "return shape (n, 1)"),
    ("ch06.check_delay_targets", targets_from_start, "from the start"),
    ("ch06.check_delay_targets", targets_values, "not the input itself"),
    ("ch06.check_delay_targets", targets_sign, "np.sign"),
    ("ch06.check_delay_targets", targets_last_step, "ignore delay"),
    ("ch06.check_delay_targets", targets_every_step, "a target for every step"),
    ("ch06.check_delay_targets", targets_negative, "not negative"),
    ("ch03.check_trained_rnn", fit_rnn_no_dense, "put a Dense layer on top"),
    ("ch03.check_trained_rnn", fit_rnn_few_epochs, "train longer"),
    ("ch03.check_trained_rnn", fit_rnn_mean, "hardly vary"),
    ("ch03.check_trained_rnn", fit_rnn_returns_targets, "memorised the training set"),
    ("ch03.check_trained_rnn", fit_rnn_lookup, "memorised the training set"),
    ("ch03.check_trained_rnn", fit_rnn_flattened, "accepts only sequences of 10 steps"),
    ("ch03.check_trained_rnn", fit_rnn_last_step, "depend on the last step only"),
    ("ch03.check_trained_rnn", fit_rnn_every_step, "every time step"),
    ("ch04.check_padded_training", fit_padded_unmasked, "reads the padding as input"),
    ("ch04.check_padded_training", fit_padded_keras_unmasked, "reads the padding as input"),
    ("ch04.check_padded_training", fit_padded_wrong_mask_value, "reads the padding as input"),
    ("ch04.check_padded_training", fit_padded_last_real_step, "depend on the last step only"),
    ("ch04.check_padded_training", fit_padded_few_epochs, "train longer"),
    ("ch04.check_padded_training", fit_padded_flattened, "accepts only sequences of 12 steps"),
    ("ch04.check_padded_training", fit_rnn_returns_targets, "memorised the training set"),
    ("ch05.check_forecaster", forecaster_naive, "repeat the last value"),
    ("ch05.check_forecaster", forecaster_seasonal_naive, "the seasonal naive forecasts themselves"),
    ("ch05.check_forecaster", forecaster_unscaled, "the training part's mean and standard deviation"),
    ("ch05.check_forecaster", forecaster_not_scaled_back, "scale the forecast back"),
    ("ch05.check_forecaster", forecaster_training_mean, "hardly change"),
    ("ch05.check_forecaster", forecaster_two_values, "one number"),
    ("ch05.check_forecaster", forecaster_not_detached, "detach"),
    ("ch05.check_forecaster", forecaster_book_series, "not below the seasonal naive"),
]


def _id(name, answer) -> str:
    label = getattr(answer, "__name__", None) or getattr(answer, "__qualname__", None) or repr(answer)
    return f"{name}:{label}"[:90]


def test_every_checker_has_three_wrong_and_two_right_answers():
    assert {m.__name__.rsplit(".", 1)[1] for m in MODULES} >= {"ch01", "ch02", "ch03", "ch04", "ch05"}
    assert all(any(n.startswith(m.__name__.rsplit(".", 1)[1] + ".") for n in CHECKERS) for m in MODULES)
    wrong = collections.Counter(name for name, _, _ in WRONG)
    right = collections.Counter(name for name, _ in RIGHT)
    for name in CHECKERS:
        assert wrong[name] >= 3, f"{name}: only {wrong[name]} wrong answers"
        assert right[name] >= 2, f"{name}: only {right[name]} right answers"


@pytest.mark.parametrize(("name", "answer"), RIGHT, ids=[_id(n, a) for n, a in RIGHT])
def test_right_answers_are_accepted(name, answer):
    result = run(CHECKERS[name], answer)
    assert result, result
    assert str(result).startswith("✓")


@pytest.mark.parametrize(("name", "answer", "hint"), WRONG, ids=[_id(n, a) for n, a, _ in WRONG])
def test_wrong_answers_are_rejected_with_a_hint_naming_the_mistake(name, answer, hint):
    result = run(CHECKERS[name], answer)
    assert not result, f"{name} accepted a wrong answer: {result}"
    assert str(result).startswith("✗")
    assert hint in result.message, f"expected a hint with {hint!r}, got: {result.message}"


# --- the four fooled checkers, stated on their own -------------------------------------


def test_softmax_with_the_global_maximum_is_rejected_because_a_low_row_becomes_nan():
    O = np.array([[1500.0, 1501.0], [-1500.0, -1499.0]])
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(softmax_global_max(O)))  # the mistake is real
    result = run(ch01.check_softmax, softmax_global_max)
    assert not result and "whole array, not of each row" in result.message


def test_forward_without_bias_is_rejected():
    result = run(ch03.check_forward, forward_no_bias)
    assert not result and "bias" in result.message


def test_leaky_cell_that_creates_a_bias_and_never_adds_it_is_rejected():
    class NeverAddsBias(LeakyCellOfficial):
        def call(self, inputs, states):
            h_prev = states[0]
            z = keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(h_prev, self.recurrent_kernel)
            h = (1 - self.alpha) * h_prev + self.alpha * keras.ops.tanh(z)
            return h, [h]

    result = run(ch04.check_leaky_cell, NeverAddsBias)
    assert not result and "bias is never added" in result.message


def test_recursive_forecast_with_a_growing_window_is_rejected():
    result = run(ch05.check_recursive, recursive_growing)
    assert not result and "grows" in result.message and "drop the oldest value" in result.message


def test_scaling_accepts_the_sample_standard_deviation_and_rejects_leaks_in_either_form():
    assert run(ch05.check_scaling, scaling_sample_std)
    assert run(ch05.check_scaling, lambda s, cut: (s - s[:cut].mean()) / s[:cut].std(ddof=0))
    for leaky in (scaling_leaky, scaling_leaky_sample):
        result = run(ch05.check_scaling, leaky)
        assert not result and "leakage" in result.message


def test_rnn_param_count_of_zero_gets_a_sensible_hint():
    result = run(ch02.check_rnn_param_count, 0)
    assert not result
    assert "multiple" not in result.message and "at least 1" in result.message


def test_delay_cases_hold_exact_zeros_and_reach_both_ends():
    """Every case can tell > 0 from >= 0, and the delays include 0 and steps − 1."""
    delays = set()
    for _, X, delay in ch06._delay_cases():
        steps = X.shape[1]
        assert X.dtype == np.float32 and X.shape[2] == 1
        assert np.any(X[:, steps - 1 - delay] == 0), (X.shape, delay)
        delays.add((delay, steps))
    assert any(delay == 0 for delay, _ in delays)
    assert any(delay == steps - 1 for delay, steps in delays)


def test_delay_targets_as_booleans_pass_with_a_note_about_floats():
    result = run(ch06.check_delay_targets, targets_booleans)
    assert result and ".astype(np.float32)" in result.message
    assert "booleans" not in run(ch06.check_delay_targets, targets_official).message


def test_gru_step_mistakes_start_from_the_reference():
    """The checker's mistake model, without a mistake, is rnnbook.gated.gru_step (hence Keras' GRU)."""
    rng = np.random.default_rng(0)
    x, h = rng.normal(size=(3, 2)), rng.uniform(-1, 1, size=(3, 4))
    kernel, recurrent_kernel = rng.normal(size=(2, 12)), rng.normal(size=(4, 12))
    bias = _report.nonzero(rng, (2, 12))
    assert np.allclose(
        ch06._gru(x, h, kernel, recurrent_kernel, bias), book_gru_step(x, h, kernel, recurrent_kernel, bias)
    )


# --- the official solutions, taken from the chapters -------------------------------------------

SOLUTION = re.compile(r"```\{solution-start\}.*?```\{solution-end\}", re.S)
CODE_CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)\n```", re.S)


def _cell_code(source: str) -> str:
    """A code cell's code, without its options (``:tags: …`` lines or a ``---`` block) and magics."""
    lines = source.splitlines()
    if lines and lines[0].strip() == "---":
        lines = lines[lines.index("---", 1) + 1 :]
    while lines and lines[0].startswith(":"):
        lines = lines[1:]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))


def _solutions() -> dict[str, tuple[str, list[str]]]:
    """Chapter → (its setup cell, the code cells of its solutions, in order)."""
    found = {}
    for path in sorted((ROOT / "chapters").glob("0*.md")):
        text = path.read_text(encoding="utf-8")
        setup = _cell_code(CODE_CELL.search(text).group(1))
        cells = [_cell_code(code) for block in SOLUTION.findall(text) for code in CODE_CELL.findall(block)]
        found[path.stem] = (setup, cells)
    return found


SOLUTIONS = _solutions()


def _run_cell(namespace: dict, code: str):
    """Run a notebook cell: its statements, then its last expression, whose value is returned."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


def test_every_checker_is_called_by_an_official_solution():
    assert set(SOLUTIONS) == {path.stem for path in (ROOT / "chapters").glob("0*.md")}
    code = "\n".join(cell for _, cells in SOLUTIONS.values() for cell in cells)
    called = set(re.findall(r"\b(ch0\d\.check_\w+)\(", code))
    assert called == set(CHECKERS), set(CHECKERS) ^ called


@pytest.mark.parametrize("chapter", sorted(SOLUTIONS))
def test_official_solutions_pass_their_checkers(chapter, capsys):
    """Run the chapter's setup cell, then its solution cells in order, as a reader would."""
    setup, cells = SOLUTIONS[chapter]
    expected = 5 if "03" <= chapter < "06" else 4  # chapters 3 to 5 have a fifth, training a network
    assert len(cells) == expected, f"{chapter}: expected {expected} solution cells, found {len(cells)}"
    namespace: dict = {}
    _run_cell(namespace, setup)
    for code in cells:
        result = _run_cell(namespace, code)
        assert isinstance(result, CheckResult), f"the solution cell must end with its checker call:\n{code}"
        assert result, f"the checker rejects the official solution: {result}\n{code}"


# --- answers of the wrong kind never raise -----------------------------------------------------

FUNCTION_CHECKERS = [
    name
    for name in CHECKERS
    if name.split(".")[1]
    in {
        "check_softmax",
        "check_linear_port",
        "check_rnn_step",
        "check_stacked_weights",
        "check_forward",
        "check_torch_to_keras_weights",
        "check_mase",
        "check_recursive",
        "check_scaling",
        "check_trained_rnn",
        "check_padded_training",
        "check_forecaster",
        "check_gru_step",
        "check_torch_lstm_to_keras",
        "check_delay_targets",
    }
]
VALUE_CHECKERS = [name for name in CHECKERS if name not in FUNCTION_CHECKERS and name != "ch04.check_leaky_cell"]


def _raises(*args):
    raise RuntimeError("boom")


def _returns_none(*args):
    return None


def _returns_text(*args):
    return "forty-two"


def _returns_object(*args):
    return object()


@pytest.mark.parametrize("name", FUNCTION_CHECKERS)
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (None, "expected a function"),
        (42, "expected a function"),
        (_raises, "your function raised RuntimeError: boom"),
        (_returns_none, "returned None"),
        (_returns_text, "your function returned"),
        (_returns_object, "your function returned"),
    ],
    ids=["None", "int", "raises", "returns-None", "returns-text", "returns-object"],
)
def test_function_checkers_turn_bad_answers_into_hints(name, answer, hint):
    if name == "ch01.check_linear_port" and answer in (_returns_none, _returns_text, _returns_object):
        # its function returns nothing: what counts is the Dense layer it leaves behind
        hint = "still has its own weights"
    result = run(CHECKERS[name], answer)
    assert not result
    assert hint in result.message, result.message


@pytest.mark.parametrize("name", VALUE_CHECKERS)
@pytest.mark.parametrize(
    "answer",
    [None, "many", [1, 2], float("nan"), float("inf"), -3, object()],
    ids=["None", "text", "list", "nan", "inf", "negative", "object"],
)
def test_value_checkers_turn_bad_answers_into_hints(name, answer):
    checker = CHECKERS[name]
    arity = {
        "ch02.check_counter": 3,
        "ch03.check_param_counts": 2,
        "ch04.check_torch_shapes": 3,
        "ch06.check_lstm_param_counts": 2,
    }.get(name, 1)
    result = run(checker, (answer,) * arity)
    assert not result
    assert result.message and "Traceback" not in result.message


@pytest.mark.parametrize(
    "answer",
    [None, 42, "LeakyCell", lambda units, alpha: None, _raises],
    ids=["None", "int", "text", "returns-None", "raises"],
)
def test_leaky_cell_checker_turns_bad_answers_into_hints(answer):
    result = run(ch04.check_leaky_cell, answer)
    assert not result
    assert "cell" in result.message, result.message


# --- endless loops and the time limit ----------------------------------------------------------


def _forever(*args):
    while True:
        pass


def _forever_despite_except(*args):
    while True:
        try:
            time.sleep(0.001)
        except Exception:
            pass


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setattr(_report, "TIME_LIMIT", 0.3)
    monkeypatch.setattr(_report, "TRAINING_TIME_LIMIT", 0.3)
    return 0.3


@pytest.mark.parametrize("name", [*FUNCTION_CHECKERS, "ch04.check_leaky_cell"])
def test_an_endless_loop_becomes_a_hint_quickly(name, short_limit):
    answer = LeakyCellForever if name == "ch04.check_leaky_cell" else _forever
    started = time.monotonic()
    result = run(CHECKERS[name], answer)
    elapsed = time.monotonic() - started
    assert not result
    assert "did not finish within 0.3 s" in result.message and "endless loop" in result.message
    assert elapsed < short_limit + 5, elapsed  # the checker's own work (Keras, torch) included


def test_an_endless_loop_that_catches_exceptions_is_stopped_too(short_limit):
    result = run(ch01.check_softmax, _forever_despite_except)
    assert not result and "endless loop" in result.message


def test_the_default_limit_is_a_few_seconds():
    assert 10 <= _report.TRAINING_TIME_LIMIT <= 60  # for the exercises that train a network
    limit = _report.TIME_LIMIT
    assert 1 <= limit <= 10
    started = time.monotonic()
    result = run(ch05.check_mase, _forever)
    assert not result and f"within {limit:g} s" in result.message
    assert time.monotonic() - started < limit + 3


def test_the_previous_handler_and_timer_are_restored(short_limit):
    calls = []

    def handler(signum, frame):
        calls.append(signum)

    original = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 100.0)
        assert not run(ch01.check_softmax, _forever)
        assert signal.getsignal(signal.SIGALRM) is handler
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 90 < left <= 100, left  # the outer timer goes on with the time it had left
        assert calls == []  # our alarms never reached the outer handler

        signal.setitimer(signal.ITIMER_REAL, 0.05)  # an outer timer that runs out during the check
        assert not run(ch01.check_softmax, _forever)
        deadline = time.monotonic() + 2
        while not calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert calls == [signal.SIGALRM]  # it still fires, once the check is over
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, original)


def test_no_timer_is_left_running_after_a_check(short_limit):
    original = signal.getsignal(signal.SIGALRM)
    assert run(ch01.check_softmax, softmax_official)
    assert not run(ch01.check_softmax, _forever)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is original


def test_outside_the_main_thread_checkers_run_without_a_limit(short_limit):
    results = {}

    def work():
        results["right"] = ch01.check_softmax(softmax_official)
        results["slow"] = ch01.check_softmax(lambda O: (time.sleep(0.5), softmax_official(O))[1])
        results["raises"] = ch01.check_softmax(_raises)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    assert results["right"] and results["slow"]  # slower than the limit, yet not stopped: no limit here
    assert not results["raises"] and "RuntimeError" in results["raises"].message


# --- deterministic, and leaving the reader's state alone ----------------------------------------


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("ch01.check_softmax", softmax_columns),
        ("ch02.check_rnn_step", step_no_bias),
        ("ch03.check_forward", forward_relu),
        ("ch04.check_leaky_cell", make_cell(bias=True, bias_inside=False)),
        ("ch05.check_scaling", scaling_leaky_mean),
        ("ch06.check_gru_step", gru_reversed),
        ("ch06.check_torch_lstm_to_keras", lstm_gru_style),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_checkers_are_deterministic(name, answer):
    first, second = run(CHECKERS[name], answer), run(CHECKERS[name], answer)
    assert first.message == second.message


def test_checkers_leave_the_random_state_alone():
    np.random.seed(123)
    torch.manual_seed(123)
    numpy_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state().clone()
    assert run(ch01.check_linear_port, port_official)
    assert run(ch03.check_torch_to_keras_weights, torch_official)
    assert run(ch04.check_torch_shapes, ((4, 32, 16), (32, 10, 32), (4, 32, 16)))
    assert run(ch06.check_torch_lstm_to_keras, lstm_official)
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_checkers_use_random_nonzero_biases():
    """A student who leaves the bias out is caught in every case, not just in one lucky one."""
    rng = np.random.default_rng(0)
    biases = _report.nonzero(rng, 1000)
    assert np.all(np.abs(biases) >= 0.5) and np.all(np.abs(biases) <= 1.5)
    assert 0.4 < np.mean(biases > 0) < 0.6


# --- hints reach the reader in the reader's language --------------------------------------------


@pytest.mark.parametrize(
    ("lang", "script"), [("ru", r"[а-яё]"), ("zh_CN", r"[\u4e00-\u9fff]"), ("ja", r"[\u3040-\u30ff\u4e00-\u9fff]")]
)
@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("ch01.check_softmax", softmax_global_max),
        ("ch03.check_forward", forward_no_bias),
        ("ch05.check_recursive", recursive_growing),
        ("ch05.check_scaling", scaling_leaky),
        ("ch02.check_rnn_param_count", 0),
        ("ch05.check_mase", _forever),
        ("ch03.check_trained_rnn", fit_rnn_mean),
        ("ch04.check_padded_training", fit_padded_last_real_step),
        ("ch05.check_forecaster", forecaster_naive),
        ("ch06.check_lstm_param_counts", (1248, 1248)),
        ("ch06.check_gru_step", gru_reset_before),
        ("ch06.check_torch_lstm_to_keras", lstm_only_bias_hh),
        ("ch06.check_delay_targets", targets_at_least_zero),
        ("ch06.check_delay_targets", targets_booleans),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_hints_are_translated(name, answer, lang, script, short_limit):
    rnnbook.set_language(lang)
    message = run(CHECKERS[name], answer).message
    assert re.search(script, message, re.I), message


# --- the exercises that train: judged only on data the answer never saw -------------------------


def test_a_trained_network_is_judged_on_sequences_drawn_after_training():
    seen = {"fit": [], "predict": []}

    def spy(x, y):
        seen["fit"].append((x.copy(), y.copy()))
        predict = fit_rnn_torch(x, y)

        def spying(xs):
            seen["predict"].append(xs.copy())
            return predict(xs)

        return spying

    assert run(ch03.check_trained_rnn, spy)
    assert [x.shape for x, _ in seen["fit"]] == [(512, 10, 2), (512, 10, 3)]
    assert [y.shape for _, y in seen["fit"]] == [(512, 1), (512, 2)]
    assert all(x.dtype == np.float32 and y.dtype == np.float32 for x, y in seen["fit"])
    assert sorted(x.shape[1] for x in seen["predict"]) == [10, 10, 25, 25]
    trained_on = [x for x, _ in seen["fit"]]
    assert not any(np.array_equal(x, t) for x in seen["predict"] for t in trained_on)


def test_padded_sequences_are_padded_at_the_end_and_judged_with_more_padding():
    seen = []

    def spy(x, y):
        real = (x != 0).any(axis=2)
        lengths = real.sum(axis=1)
        assert np.array_equal(real, np.arange(x.shape[1]) < lengths[:, None])  # zeros only after the end
        assert lengths.min() >= 3 and lengths.max() == 12 == x.shape[1]
        predict = fit_padded_packed(x, y)
        return lambda xs: (seen.append(xs.shape), predict(xs))[1]

    assert run(ch04.check_padded_training, spy)
    assert sorted({shape[1] for shape in seen}) == [12, 20]


def test_a_forecaster_sees_only_the_values_before_the_one_it_forecasts():
    calls = []

    def spy(train):
        calls.append(train.copy())
        linear = forecaster_linear(train)

        def forecast(history):
            calls.append(history.copy())
            value = linear(history)
            history[:] = 0  # vandalism: the checker's own series must not change
            return value

        return forecast

    result = run(ch05.check_forecaster, spy)
    assert result, result
    train, histories = calls[0], calls[1:]
    assert train.shape == (300,)
    assert [len(h) for h in histories] == list(range(300, 540))
    assert np.array_equal(histories[0], train)
    for before, after in itertools.pairwise(histories):
        assert np.array_equal(after[:-1], before)  # each call adds one value: the one just forecast
    clean = run(ch05.check_forecaster, (forecaster_linear, 7))
    vandal = run(ch05.check_forecaster, (spy, 7))
    assert clean.message == vandal.message


def test_every_check_draws_new_data_unless_given_a_seed():
    trains = []

    def spy(train):
        trains.append(train.copy())
        return forecaster_linear(train)

    for seed in (None, None, 3, 3):
        run(ch05.check_forecaster, (spy, seed))
    assert not np.array_equal(trains[0], trains[1])
    assert np.array_equal(trains[2], trains[3])
    for name, answer in (
        ("ch03.check_trained_rnn", fit_rnn_last_step),
        ("ch04.check_padded_training", fit_padded_last_real_step),
        ("ch05.check_forecaster", forecaster_linear),
    ):
        first, second = run(CHECKERS[name], (answer, 11)), run(CHECKERS[name], (answer, 11))
        assert first.message == second.message


def test_a_cheat_that_guesses_the_seed_passes_only_with_that_seed():
    """Rebuilding the checker's series works only if the series is known: with seed=None it is not."""
    assert run(ch05.check_forecaster, (forecaster_book_series, 0))  # the cheat is real
    result = run(ch05.check_forecaster, forecaster_book_series)
    assert not result and "not below the seasonal naive" in result.message


@pytest.mark.parametrize(
    ("name", "answer", "hint"),
    [
        ("ch03.check_trained_rnn", fit_rnn_slow, "fewer epochs"),
        ("ch04.check_padded_training", fit_rnn_slow, "fewer epochs"),
        ("ch05.check_forecaster", fit_rnn_slow, "fewer epochs"),
        ("ch05.check_forecaster", forecaster_retrains_every_call, "train once, in make_forecaster"),
    ],
    ids=["ch03", "ch04", "ch05", "ch05-retrains"],
)
def test_training_beyond_the_limit_is_stopped_with_a_hint(name, answer, hint, short_limit):
    if answer is fit_rnn_slow and name == "ch05.check_forecaster":
        answer = lambda train: fit_rnn_slow(train, None)  # noqa: E731
    started = time.monotonic()
    result = run(CHECKERS[name], answer)
    assert not result
    assert "did not finish within 0.3 s" in result.message and hint in result.message, result.message
    assert time.monotonic() - started < 10


def test_training_checkers_leave_the_random_state_alone():
    np.random.seed(7)
    torch.manual_seed(7)
    numpy_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state().clone()
    assert not run(ch03.check_trained_rnn, fit_rnn_last_step)
    assert not run(ch04.check_padded_training, fit_padded_last_real_step)
    assert run(ch05.check_forecaster, forecaster_linear)
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


# --- the student notebooks' stubs, and strict mode for graders ---------------------------------


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_an_answer_still_left_as_ellipsis_gets_a_hint_saying_so(name):
    """The answer cells of the student notebooks start as `answer = ...`: every checker says so."""
    import inspect

    checker = CHECKERS[name]
    required = [p for p in inspect.signature(checker).parameters.values() if p.default is inspect.Parameter.empty]
    result = checker(*[...] * len(required))
    assert not result and "replace ..." in result.message, result


def test_a_placeholder_inside_an_answer_counts_too():
    result = ch04.check_output_shapes({"a": ..., "b": (32, 10, 8)})
    assert not result and "replace ..." in result.message, result


def test_in_strict_mode_a_wrong_answer_raises_check_failed_with_its_hint(monkeypatch):
    from rnnbook.exercises import STRICT_VARIABLE, CheckFailed

    monkeypatch.setenv(STRICT_VARIABLE, "1")
    with pytest.raises(CheckFailed, match=r"replace \.\.\.") as failed:
        ch03.check_steps_to_vanish(...)
    assert isinstance(failed.value, AssertionError) and not failed.value.result
    with pytest.raises(CheckFailed) as failed:
        ch03.check_steps_to_vanish(3)
    assert failed.value.result.message == str(failed.value)
    assert ch03.check_steps_to_vanish(44)  # a right answer still returns its ✓
    monkeypatch.setenv(STRICT_VARIABLE, "0")
    assert not ch03.check_steps_to_vanish(3)  # anything but "1": the reader's mode, never raises
