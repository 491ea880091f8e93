"""The NumPy GRU and LSTM against Keras 3's layers and torch's, their parameter counts and weight ports."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from conftest import framework
from rnnbook.gated import (
    KERAS_GRU_GATES,
    KERAS_LSTM_GATES,
    TORCH_GRU_GATES,
    TORCH_LSTM_GATES,
    gru_forward,
    gru_step,
    keras_gru_param_count,
    keras_gru_to_torch,
    keras_lstm_param_count,
    keras_lstm_to_torch,
    lstm_forward,
    lstm_step,
    torch_gru_param_count,
    torch_gru_to_keras,
    torch_lstm_param_count,
    torch_lstm_to_keras,
)

keras = framework("keras")
torch = framework("torch")

TOL = 1e-6  # float64 NumPy on the float32 weights vs Keras' float32 computation
PORT_TOL = 1e-5  # torch and Keras, both float32


def f64(arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def randomise_keras(layer, rng, features):
    """Random nonzero weights (biases included) for a Keras recurrent layer; returns them (float32)."""
    layer.build((None, None, features))
    weights = [(rng.normal(size=w.shape) * 0.6).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return layer.get_weights()


def randomise_torch(module, rng):
    """Random nonzero weights for a torch module, both biases included."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy((rng.normal(size=tuple(p.shape)) * 0.6).astype("float32")))
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def numpy_out(outputs):
    if isinstance(outputs, (list, tuple)):
        return [keras.ops.convert_to_numpy(o) for o in outputs]
    return keras.ops.convert_to_numpy(outputs)


def torch_state(arrays):
    return {k: torch.from_numpy(v) for k, v in arrays.items()}


def max_error(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


# --------------------------------------------------------------------------- against Keras


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("use_bias", [True, False])
def test_gru_forward_matches_keras(reset_after, with_h0, use_bias):
    rng = np.random.default_rng([int(reset_after), int(with_h0), int(use_bias)])
    n, T, d, h = 3, 9, 4, 5
    layer = keras.layers.GRU(h, return_sequences=True, reset_after=reset_after, use_bias=use_bias)
    weights = randomise_keras(layer, rng, d)
    if use_bias:
        assert weights[2].shape == ((2, 3 * h) if reset_after else (3 * h,))
        assert np.all(weights[2] != 0)
    X = rng.normal(size=(n, T, d)).astype("float32")
    H0 = rng.normal(size=(n, h)).astype("float32") if with_h0 else None
    expected = numpy_out(layer(X, initial_state=[H0]) if with_h0 else layer(X))
    H0_64 = None if H0 is None else H0.astype(np.float64)
    states = gru_forward(X.astype(np.float64), *f64(weights), H0=H0_64, reset_after=reset_after)
    assert states.shape == (n, T, h)
    np.testing.assert_allclose(states, expected, rtol=0, atol=TOL)
    # in float32 it stays float32 and as close
    states32 = gru_forward(X, *weights, H0=H0, reset_after=reset_after)
    assert states32.dtype == np.float32
    np.testing.assert_allclose(states32, expected, rtol=0, atol=TOL)


def test_gru_reset_after_is_a_different_function():
    """The same kernels with reset_after True and False (recurrent bias zero) give different states."""
    rng = np.random.default_rng(5)
    n, T, d, h = 2, 6, 3, 4
    kernel, recurrent = rng.normal(size=(d, 3 * h)), rng.normal(size=(h, 3 * h))
    b = rng.normal(size=3 * h)
    X = rng.normal(size=(n, T, d))
    after = gru_forward(X, kernel, recurrent, np.stack([b, np.zeros(3 * h)]), reset_after=True)
    before = gru_forward(X, kernel, recurrent, b, reset_after=False)
    assert max_error(after, before) > 1e-2
    # with a zero reset path (no candidate weights on h) the two conventions agree
    recurrent[:, 2 * h :] = 0
    after = gru_forward(X, kernel, recurrent, np.stack([b, np.zeros(3 * h)]), reset_after=True)
    before = gru_forward(X, kernel, recurrent, b, reset_after=False)
    np.testing.assert_allclose(after, before, atol=1e-12)


@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("use_bias", [True, False])
def test_lstm_forward_matches_keras(with_state, use_bias):
    rng = np.random.default_rng([7, int(with_state), int(use_bias)])
    n, T, d, h = 3, 9, 4, 5
    layer = keras.layers.LSTM(h, return_sequences=True, return_state=True, use_bias=use_bias)
    weights = randomise_keras(layer, rng, d)
    if use_bias:
        assert weights[2].shape == (4 * h,) and np.all(weights[2] != 0)
    X = rng.normal(size=(n, T, d)).astype("float32")
    H0, C0 = (rng.normal(size=(n, h)).astype("float32") for _ in range(2))
    if with_state:
        seq, H_T, C_T = numpy_out(layer(X, initial_state=[H0, C0]))
        states, C_last = lstm_forward(X.astype(np.float64), *f64(weights), H0=f64([H0])[0], C0=f64([C0])[0])
    else:
        seq, H_T, C_T = numpy_out(layer(X))
        states, C_last = lstm_forward(X.astype(np.float64), *f64(weights))
    assert states.shape == (n, T, h) and C_last.shape == (n, h)
    np.testing.assert_allclose(states, seq, rtol=0, atol=TOL)
    np.testing.assert_allclose(states[:, -1], H_T, rtol=0, atol=TOL)
    np.testing.assert_allclose(C_last, C_T, rtol=0, atol=TOL)
    assert max_error(C_last, states[:, -1]) > 1e-2  # the cell state is not the hidden state


def test_steps_chain_into_forward():
    rng = np.random.default_rng(3)
    n, T, d, h = 2, 5, 3, 4
    X = rng.normal(size=(n, T, d))
    kernel, recurrent, bias = rng.normal(size=(d, 3 * h)), rng.normal(size=(h, 3 * h)), rng.normal(size=(2, 3 * h))
    H = np.zeros((n, h))
    for t in range(T):
        H = gru_step(X[:, t], H, kernel, recurrent, bias)
    np.testing.assert_allclose(H, gru_forward(X, kernel, recurrent, bias)[:, -1], rtol=0, atol=1e-14)

    kernel, recurrent, bias = rng.normal(size=(d, 4 * h)), rng.normal(size=(h, 4 * h)), rng.normal(size=4 * h)
    H, C = np.zeros((n, h)), np.zeros((n, h))
    for t in range(T):
        H, C = lstm_step(X[:, t], H, C, kernel, recurrent, bias)
    states, C_T = lstm_forward(X, kernel, recurrent, bias)
    np.testing.assert_allclose(H, states[:, -1], rtol=0, atol=1e-14)
    np.testing.assert_allclose(C, C_T, rtol=0, atol=1e-14)


def test_lstm_forget_gate_keeps_the_cell_state():
    """With the forget gate saturated open and the input gate shut, the cell state passes unchanged."""
    rng = np.random.default_rng(4)
    n, T, d, h = 2, 30, 3, 4
    kernel, recurrent = rng.normal(size=(d, 4 * h)) * 0.1, rng.normal(size=(h, 4 * h)) * 0.1
    bias = np.zeros(4 * h)
    bias[:h], bias[h : 2 * h] = -40.0, 40.0  # i ≈ 0, f ≈ 1
    C0 = rng.normal(size=(n, h))
    _, C_T = lstm_forward(rng.normal(size=(n, T, d)), kernel, recurrent, bias, C0=C0)
    np.testing.assert_allclose(C_T, C0, atol=1e-12)


# --------------------------------------------------------------------------- parameter counts

SIZES = [(1, 1), (3, 5), (8, 2), (20, 16)]


@pytest.mark.parametrize("d, h", SIZES)
def test_keras_param_counts(d, h):
    def count(layer):
        return keras.Sequential([keras.Input((None, d)), layer]).count_params()

    assert count(keras.layers.GRU(h)) == keras_gru_param_count(d, h) == 3 * h * (d + h + 2)
    assert count(keras.layers.GRU(h, reset_after=False)) == keras_gru_param_count(d, h, reset_after=False)
    assert keras_gru_param_count(d, h, reset_after=False) == 3 * h * (d + h + 1)
    assert count(keras.layers.GRU(h, use_bias=False)) == keras_gru_param_count(d, h, use_bias=False)
    assert count(keras.layers.LSTM(h)) == keras_lstm_param_count(d, h) == 4 * h * (d + h + 1)
    assert count(keras.layers.LSTM(h, use_bias=False)) == keras_lstm_param_count(d, h, use_bias=False)


@pytest.mark.parametrize("d, h", SIZES)
@pytest.mark.parametrize(
    "layers, bidirectional, bias", [(1, False, True), (2, False, True), (3, True, True), (2, True, False)]
)
def test_torch_param_counts(d, h, layers, bidirectional, bias):
    def count(module):
        return sum(p.numel() for p in module.parameters())

    options = dict(num_layers=layers, bidirectional=bidirectional, bias=bias)
    assert count(torch.nn.GRU(d, h, **options)) == torch_gru_param_count(d, h, **options)
    assert count(torch.nn.LSTM(d, h, **options)) == torch_lstm_param_count(d, h, **options)
    if (layers, bidirectional, bias) == (1, False, True):
        assert torch_gru_param_count(d, h) == 3 * h * (d + h + 2)
        assert torch_lstm_param_count(d, h) == 4 * h * (d + h + 2)


# --------------------------------------------------------------------------- porting


def test_gate_orders():
    assert KERAS_GRU_GATES == ("z", "r", "h") and TORCH_GRU_GATES == ("r", "z", "n")
    assert KERAS_LSTM_GATES == ("i", "f", "c", "o") and TORCH_LSTM_GATES == ("i", "f", "g", "o")


@pytest.mark.parametrize("use_bias", [True, False])
def test_keras_gru_runs_in_torch(use_bias):
    rng = np.random.default_rng([11, int(use_bias)])
    n, T, d, h = 3, 8, 4, 5
    layer = keras.layers.GRU(h, return_sequences=True, use_bias=use_bias)
    weights = randomise_keras(layer, rng, d)
    ported = keras_gru_to_torch(*weights) if use_bias else keras_gru_to_torch(*weights, None)
    gru = torch.nn.GRU(d, h, batch_first=True, bias=use_bias)
    assert {k: tuple(v.shape) for k, v in gru.state_dict().items()} == {k: v.shape for k, v in ported.items()}
    gru.load_state_dict(torch_state(ported))
    X = rng.normal(size=(n, T, d)).astype("float32")
    H0 = rng.normal(size=(n, h)).astype("float32")
    with torch.no_grad():
        out, last = gru(torch.from_numpy(X), torch.from_numpy(H0[None]))
    expected = numpy_out(layer(X, initial_state=[H0]))
    np.testing.assert_allclose(out.numpy(), expected, rtol=0, atol=PORT_TOL)
    np.testing.assert_allclose(last.numpy()[0], expected[:, -1], rtol=0, atol=PORT_TOL)


@pytest.mark.parametrize("use_bias", [True, False])
def test_torch_gru_runs_in_keras_and_round_trips_exactly(use_bias):
    rng = np.random.default_rng([12, int(use_bias)])
    n, T, d, h = 3, 8, 4, 5
    gru = torch.nn.GRU(d, h, batch_first=True, bias=use_bias)
    state = randomise_torch(gru, rng)
    if use_bias:
        assert np.all(state["bias_hh_l0"] != 0)  # the recurrent bias must survive the port
    weights = torch_gru_to_keras(*state.values())
    layer = keras.layers.GRU(h, return_sequences=True, use_bias=use_bias)
    layer.build((None, None, d))
    layer.set_weights(weights)
    X = rng.normal(size=(n, T, d)).astype("float32")
    with torch.no_grad():
        expected = gru(torch.from_numpy(X))[0].numpy()
    np.testing.assert_allclose(numpy_out(layer(X)), expected, rtol=0, atol=PORT_TOL)
    np.testing.assert_allclose(gru_forward(X, *weights), expected, rtol=0, atol=PORT_TOL)
    # torch → Keras → torch, through the layer's own get_weights(), gives back the same bits
    back = keras_gru_to_torch(*layer.get_weights()) if use_bias else keras_gru_to_torch(*layer.get_weights(), None)
    assert back.keys() == state.keys()
    for name in state:
        np.testing.assert_array_equal(back[name], state[name])
    # and Keras → torch → Keras too
    again = torch_gru_to_keras(*back.values())
    for a, b in zip(again, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_gru_gate_order_matters():
    """torch's weights read in torch's own order r, z, n as if it were Keras' z, r, h: wrong outputs."""
    rng = np.random.default_rng(13)
    n, T, d, h = 3, 8, 4, 5
    gru = torch.nn.GRU(d, h, batch_first=True)
    state = randomise_torch(gru, rng)
    X = rng.normal(size=(n, T, d)).astype("float32")
    with torch.no_grad():
        expected = gru(torch.from_numpy(X))[0].numpy()
    unordered = [state["weight_ih_l0"].T, state["weight_hh_l0"].T, np.stack([state["bias_ih_l0"], state["bias_hh_l0"]])]
    reordered = torch_gru_to_keras(*state.values())
    assert max_error(gru_forward(X, *unordered), expected) > 0.05
    assert max_error(gru_forward(X, *reordered), expected) < PORT_TOL
    # the port moves whole blocks: Keras' z block is torch's second block, its r block torch's first
    np.testing.assert_array_equal(reordered[0][:, :h], state["weight_ih_l0"][h : 2 * h].T)
    np.testing.assert_array_equal(reordered[0][:, h : 2 * h], state["weight_ih_l0"][:h].T)


def test_lstm_gate_order_matters():
    """Swapping the input and forget gates' blocks changes the LSTM's outputs."""
    rng = np.random.default_rng(14)
    n, T, d, h = 3, 8, 4, 5
    kernel, recurrent, bias = rng.normal(size=(d, 4 * h)), rng.normal(size=(h, 4 * h)), rng.normal(size=4 * h)
    X = rng.normal(size=(n, T, d))

    def swap(a):
        return np.concatenate([a[..., h : 2 * h], a[..., :h], a[..., 2 * h :]], axis=-1)

    states, _ = lstm_forward(X, kernel, recurrent, bias)
    assert max_error(lstm_forward(X, swap(kernel), swap(recurrent), swap(bias))[0], states) > 0.05


def test_keras_lstm_runs_in_torch():
    rng = np.random.default_rng(15)
    n, T, d, h = 3, 8, 4, 5
    layer = keras.layers.LSTM(h, return_sequences=True, return_state=True)
    weights = randomise_keras(layer, rng, d)
    ported = keras_lstm_to_torch(*weights)
    np.testing.assert_array_equal(ported["bias_hh_l0"], 0)
    lstm = torch.nn.LSTM(d, h, batch_first=True)
    lstm.load_state_dict(torch_state(ported))
    X = rng.normal(size=(n, T, d)).astype("float32")
    H0, C0 = (rng.normal(size=(n, h)).astype("float32") for _ in range(2))
    with torch.no_grad():
        out, (h_n, c_n) = lstm(torch.from_numpy(X), (torch.from_numpy(H0[None]), torch.from_numpy(C0[None])))
    seq, H_T, C_T = numpy_out(layer(X, initial_state=[H0, C0]))
    np.testing.assert_allclose(out.numpy(), seq, rtol=0, atol=PORT_TOL)
    np.testing.assert_allclose(h_n.numpy()[0], H_T, rtol=0, atol=PORT_TOL)
    np.testing.assert_allclose(c_n.numpy()[0], C_T, rtol=0, atol=PORT_TOL)
    # Keras → torch → Keras is exact (the bias comes back as bias + 0)
    for a, b in zip(torch_lstm_to_keras(*ported.values()), weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_torch_lstm_runs_in_keras():
    rng = np.random.default_rng(16)
    n, T, d, h = 3, 8, 4, 5
    lstm = torch.nn.LSTM(d, h, batch_first=True)
    state = randomise_torch(lstm, rng)
    assert np.all(state["bias_hh_l0"] != 0)
    weights = torch_lstm_to_keras(*state.values())
    layer = keras.layers.LSTM(h, return_sequences=True, return_state=True)
    layer.build((None, None, d))
    layer.set_weights(weights)
    X = rng.normal(size=(n, T, d)).astype("float32")
    with torch.no_grad():
        out, (_, c_n) = lstm(torch.from_numpy(X))
    seq, _, C_T = numpy_out(layer(X))
    np.testing.assert_allclose(seq, out.numpy(), rtol=0, atol=PORT_TOL)
    np.testing.assert_allclose(C_T, c_n.numpy()[0], rtol=0, atol=PORT_TOL)
    states, C_last = lstm_forward(X, *weights)
    np.testing.assert_allclose(states, out.numpy(), rtol=0, atol=PORT_TOL)
    np.testing.assert_allclose(C_last, c_n.numpy()[0], rtol=0, atol=PORT_TOL)
    # torch → Keras → torch: the weights come back exactly, the biases as another split of the same sum
    back = keras_lstm_to_torch(*layer.get_weights())
    for name in ("weight_ih_l0", "weight_hh_l0"):
        np.testing.assert_array_equal(back[name], state[name])
    np.testing.assert_array_equal(back["bias_ih_l0"] + back["bias_hh_l0"], state["bias_ih_l0"] + state["bias_hh_l0"])
    assert max_error(back["bias_ih_l0"], state["bias_ih_l0"]) > 0


def test_lstm_port_without_bias():
    rng = np.random.default_rng(17)
    lstm = torch.nn.LSTM(3, 4, batch_first=True, bias=False)
    state = randomise_torch(lstm, rng)
    weights = torch_lstm_to_keras(*state.values())
    assert len(weights) == 2
    X = rng.normal(size=(2, 5, 3)).astype("float32")
    with torch.no_grad():
        expected = lstm(torch.from_numpy(X))[0].numpy()
    np.testing.assert_allclose(lstm_forward(X, *weights)[0], expected, rtol=0, atol=PORT_TOL)
    assert keras_lstm_to_torch(*weights, None).keys() == state.keys()


# --------------------------------------------------------------------------- mistakes

d, h = 3, 4
GRU_W = [np.ones((d, 3 * h)), np.ones((h, 3 * h)), np.ones((2, 3 * h))]
LSTM_W = [np.ones((d, 4 * h)), np.ones((h, 4 * h)), np.ones(4 * h)]
X = np.ones((2, 5, d))
NAN_X = np.where(np.arange(5)[None, :, None] == 2, np.nan, X)
NAN_KERNEL = np.where(np.eye(d, 3 * h) == 1, np.nan, 1.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: gru_forward(np.ones((5, d)), *GRU_W), r"3 axes \(batch, time, features\).*X\[None\]"),
        (lambda: gru_forward(np.ones((2, 0, d)), *GRU_W), "no time steps"),
        (lambda: gru_forward(np.ones((2, d, 5)), *GRU_W), r"X has 5 features.*transpose"),
        (lambda: gru_forward(NAN_X, *GRU_W), "X contains NaN"),
        (lambda: gru_forward(X, NAN_KERNEL, *GRU_W[1:]), "kernel contains NaN"),
        (lambda: gru_forward(X, np.ones((d, 4 * h)), *GRU_W[1:]), r"kernel must be \(features, 12\)"),
        (lambda: gru_forward(X, np.ones(3 * h), *GRU_W[1:]), r"kernel with 2 axes"),
        (lambda: gru_forward(X, GRU_W[0], np.ones((h, h)), GRU_W[2]), r"recurrent_kernel must be \(hiddens, 3"),
        (lambda: gru_forward(X, GRU_W[0], np.ones((h, 4 * h)), GRU_W[2]), r"LSTM weights"),
        (lambda: gru_forward(X, GRU_W[0], np.ones((3 * h, h)), GRU_W[2]), r"torch's layout.*torch_gru_to_keras"),
        (lambda: gru_forward(X, GRU_W[0], np.ones((h, 3 * h, 1)), GRU_W[2]), r"recurrent_kernel with 2 axes"),
        (lambda: gru_forward(X, *GRU_W[:2], np.ones(3 * h)), r"reset_after=True.*\(2, 12\).*reset_after=False"),
        (lambda: gru_forward(X, *GRU_W[:2], np.ones((2, 3 * h)), reset_after=False), r"\(12,\).*reset_after=True"),
        (lambda: gru_forward(X, *GRU_W[:2], np.ones((2, 3 * h + 1))), r"GRU bias must have shape \(2, 12\)"),
        (lambda: gru_forward(X, *GRU_W[:2], np.ones((2, 2, 3 * h))), "bias with 1 or 2 axes"),
        (lambda: gru_forward(X, *GRU_W, reset_after="yes"), "reset_after must be True or False"),
        (lambda: gru_forward(X, *GRU_W, H0=np.ones(h)), r"H0 must have shape \(2, 4\).*np.tile"),
        (lambda: gru_forward(X, *GRU_W, H0=np.ones((h, 2))), r"H0.T"),
        (lambda: gru_forward(X, *GRU_W, H0=np.full((2, h), np.nan)), "H0 contains NaN"),
        (lambda: gru_step(np.ones(d), np.zeros((1, h)), *GRU_W), r"X_t\[None\]"),
        (lambda: gru_step(np.ones((2, d)), None, *GRU_W), r"H_prev is None.*np.zeros\(\(2, 4\)\)"),
        (lambda: gru_step(np.ones((2, d)), np.zeros((3, h)), *GRU_W), r"H_prev must have shape \(2, 4\)"),
        (lambda: gru_step(np.ones((2, d + 1)), np.zeros((2, h)), *GRU_W), r"X_t has 4 features"),
        (lambda: lstm_forward(X, np.ones((d, 3 * h)), *LSTM_W[1:]), r"LSTM's kernel must be \(features, 16\)"),
        (lambda: lstm_forward(X, LSTM_W[0], np.ones((h, 3 * h)), LSTM_W[2]), r"GRU weights"),
        (lambda: lstm_forward(X, LSTM_W[0], np.ones((4 * h, h)), LSTM_W[2]), r"torch_lstm_to_keras"),
        (lambda: lstm_forward(X, *LSTM_W[:2], np.ones((2, 4 * h))), r"bias with 1 axes"),
        (lambda: lstm_forward(X, *LSTM_W[:2], np.ones(3 * h)), r"LSTM bias must have shape \(16,\)"),
        (lambda: lstm_forward(X, *LSTM_W, C0=np.ones((3, h))), r"C0 must have shape \(2, 4\)"),
        (lambda: lstm_forward(X, *LSTM_W, H0=np.ones(h)), r"np.tile\(H0, \(2, 1\)\)"),
        (lambda: lstm_forward(NAN_X, *LSTM_W), "X contains NaN"),
        (lambda: lstm_step(np.ones((2, d)), np.zeros((2, h)), None, *LSTM_W), "C_prev is None"),
        (lambda: lstm_step(np.ones((2, d)), np.zeros((2, h)), np.zeros((h, 2)), *LSTM_W), r"C_prev.T"),
        (lambda: keras_gru_to_torch(*GRU_W[:2], np.ones(3 * h)), r"reset_after=False.*no torch equivalent"),
        (lambda: keras_gru_to_torch(np.ones((3 * h, d)), *GRU_W[1:]), r"torch's layout"),
        (lambda: keras_lstm_to_torch(*LSTM_W[:2], np.ones(3 * h)), r"LSTM bias must have shape"),
        (lambda: torch_gru_to_keras(np.ones((3 * h, d)), np.ones((h, 3 * h))), r"Keras' layout.*recurrent_kernel"),
        (lambda: torch_gru_to_keras(np.ones((3 * h, d)), np.ones((3 * h, h)), np.ones(3 * h)), "both bias_ih and"),
        (lambda: torch_gru_to_keras(np.ones((2 * h, d)), np.ones((3 * h, h))), r"weight_ih_l0 must have 12 rows"),
        (lambda: torch_lstm_to_keras(np.ones((4 * h, d)), np.ones((4 * h, h)), np.ones(4 * h), np.ones(3)), "bias_hh"),
        (lambda: torch_lstm_to_keras(np.ones((4 * h, d)), np.ones((3 * h, h))), r"LSTM weight_hh_l0 is \(4"),
        (lambda: torch_lstm_to_keras(np.ones((4 * h, d)), np.full((4 * h, h), np.inf)), "weight_hh contains NaN"),
        (lambda: keras_gru_param_count(0, 3), "input_dim"),
        (lambda: keras_gru_param_count(2, 3, reset_after="no"), "reset_after must be True or False"),
        (lambda: keras_lstm_param_count(2, 2.5), "units"),
        (lambda: torch_gru_param_count(3, 4, num_layers=0), "num_layers"),
        (lambda: torch_lstm_param_count(3, 4, bidirectional=2), "bidirectional must be True or False"),
    ],
)
def test_classic_mistakes_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
