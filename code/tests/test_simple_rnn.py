"""The NumPy SimpleRNN against real Keras 3 SimpleRNN and torch.nn.RNN, ports and counts."""

import itertools
import zlib

import numpy as np
import pytest

from conftest import framework
from rnnbook.gradients import jacobian_norms, state_jacobians
from rnnbook.params import keras_simple_rnn_param_count, torch_rnn_param_count
from rnnbook.porting import keras_simple_rnn_to_torch_rnn, torch_rnn_to_keras_simple_rnn
from rnnbook.simple_rnn import simple_rnn_forward

keras = framework("keras")
torch = framework("torch")


def keras_layer(rng, features, units, activation="tanh", use_bias=True, **options):
    layer = keras.layers.SimpleRNN(units, activation=activation, use_bias=use_bias, **options)
    layer.build((None, None, features))
    weights = [rng.normal(size=(features, units)), rng.normal(size=(units, units)) * 0.4]
    if use_bias:
        weights.append(rng.normal(size=units))
    layer.set_weights([w.astype("float32") for w in weights])
    return layer, layer.get_weights()


def run_keras(layer, x, **call):
    out = layer(x, **call)
    if isinstance(out, (list, tuple)):
        return [keras.ops.convert_to_numpy(o) for o in out]
    return keras.ops.convert_to_numpy(out)


CASES = list(itertools.product(["tanh", "relu", "linear"], [True, False], [True, False], [True, False]))


@pytest.mark.parametrize("activation, use_bias, return_sequences, go_backwards", CASES)
def test_matches_keras_on_random_shapes(activation, use_bias, return_sequences, go_backwards):
    rng = np.random.default_rng(zlib.crc32(repr((activation, use_bias, return_sequences, go_backwards)).encode()))
    batch, time, features, units = (int(rng.integers(1, n)) for n in (5, 9, 6, 7))
    options = dict(return_sequences=return_sequences, return_state=True, go_backwards=go_backwards)
    layer, weights = keras_layer(rng, features, units, activation, use_bias, **options)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    expected_out, expected_state = run_keras(layer, x)
    out, state = simple_rnn_forward(x, *weights, activation=activation, **options)
    np.testing.assert_allclose(out, expected_out, atol=1e-6, rtol=1e-6)
    np.testing.assert_allclose(state, expected_state, atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_matches_keras_with_initial_state_and_mask(go_backwards):
    rng = np.random.default_rng(7)
    batch, time, features, units = 4, 7, 3, 5
    options = dict(return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer, weights = keras_layer(rng, features, units, **options)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    h0 = rng.normal(size=(batch, units)).astype("float32")
    mask = rng.random((batch, time)) > 0.35
    mask[0, 0] = False  # a masked first step: output starts from zeros, the state from h0
    expected_seq, expected_state = run_keras(layer, x, initial_state=[h0], mask=mask)
    seq, state = simple_rnn_forward(x, *weights, initial_state=[h0], mask=mask, **options)
    np.testing.assert_allclose(seq, expected_seq, atol=1e-6, rtol=1e-6)
    np.testing.assert_allclose(state, expected_state, atol=1e-6, rtol=1e-6)


def test_matches_keras_zero_output_for_mask():
    rng = np.random.default_rng(8)
    layer, weights = keras_layer(rng, 2, 3, return_sequences=True, zero_output_for_mask=True)
    x = rng.normal(size=(2, 6, 2)).astype("float32")
    mask = np.array([[True, False, True, True, False, True], [False, True, True, False, True, True]])
    expected = run_keras(layer, x, mask=mask)
    got = simple_rnn_forward(x, *weights, return_sequences=True, mask=mask, zero_output_for_mask=True)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_output_is_the_state():
    rng = np.random.default_rng(9)
    layer, _ = keras_layer(rng, 3, 4, return_state=True)
    output, state = run_keras(layer, rng.normal(size=(2, 5, 3)).astype("float32"))
    np.testing.assert_array_equal(output, state)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_porting_both_ways_gives_equal_outputs(activation, use_bias):
    rng = np.random.default_rng(10)
    layer, _ = keras_layer(rng, 3, 4, activation, use_bias, return_sequences=True)
    rnn = torch.nn.RNN(3, 4, nonlinearity=activation, bias=use_bias, batch_first=True)
    keras_simple_rnn_to_torch_rnn(layer, rnn)
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    with torch.no_grad():
        torch_out = rnn(torch.from_numpy(x))[0].numpy()
    np.testing.assert_allclose(torch_out, run_keras(layer, x), atol=1e-5)

    fresh = torch.nn.RNN(3, 4, nonlinearity=activation, bias=use_bias, batch_first=True)  # two nonzero biases
    torch_rnn_to_keras_simple_rnn(fresh, layer)
    with torch.no_grad():
        expected = fresh(torch.from_numpy(x))[0].numpy()
    np.testing.assert_allclose(run_keras(layer, x), expected, atol=1e-5)


def test_porting_rejects_mismatches():
    rng = np.random.default_rng(11)
    layer, _ = keras_layer(rng, 3, 4)
    with pytest.raises(ValueError, match=r"nn.RNN\(3, 4\)"):
        keras_simple_rnn_to_torch_rnn(layer, torch.nn.RNN(4, 3))
    with pytest.raises(ValueError, match="nonlinearity"):
        keras_simple_rnn_to_torch_rnn(layer, torch.nn.RNN(3, 4, nonlinearity="relu"))
    with pytest.raises(ValueError, match="num_layers=1"):
        keras_simple_rnn_to_torch_rnn(layer, torch.nn.RNN(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="bias"):
        torch_rnn_to_keras_simple_rnn(torch.nn.RNN(3, 4, bias=False), layer)


@pytest.mark.parametrize("features, units, use_bias", [(1, 1, True), (2, 3, False), (7, 10, True), (30, 1, True)])
def test_keras_param_count(features, units, use_bias):
    model = keras.Sequential([keras.Input((None, features)), keras.layers.SimpleRNN(units, use_bias=use_bias)])
    assert model.count_params() == keras_simple_rnn_param_count(features, units, use_bias)


@pytest.mark.parametrize(
    "size, hidden, layers, bidirectional, bias",
    [(1, 1, 1, False, True), (3, 5, 2, False, True), (4, 6, 3, True, True), (2, 3, 2, True, False)],
)
def test_torch_param_count(size, hidden, layers, bidirectional, bias):
    rnn = torch.nn.RNN(size, hidden, num_layers=layers, bidirectional=bidirectional, bias=bias)
    assert sum(p.numel() for p in rnn.parameters()) == torch_rnn_param_count(size, hidden, layers, bidirectional, bias)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda w: simple_rnn_forward(np.ones((5, 3)), *w), r"3 axes \(batch, time, features\).*x\[None\]"),
        (lambda w: simple_rnn_forward(np.ones((2, 3, 5)), *w), r"swap the time and feature"),
        (lambda w: simple_rnn_forward(np.ones((2, 5, 3)), *w, mask=np.ones((2, 5, 3), bool)), r"mask must have shape"),
        (lambda w: simple_rnn_forward(np.ones((2, 5, 3)), *w, mask=np.full((2, 5), 2)), "boolean"),
        (lambda w: simple_rnn_forward(np.ones((2, 5, 3)), *w, initial_state=np.ones((3, 4))), "initial_state"),
        (lambda w: simple_rnn_forward(np.ones((2, 5, 3)), w[0], w[1], w[2][:2]), r"bias must have shape \(4,\)"),
        (lambda w: simple_rnn_forward(np.ones((2, 5, 3)), w[0], w[1][:2]), "recurrent_kernel must be"),
        (lambda w: simple_rnn_forward(np.full((2, 5, 3), np.nan), *w), "NaN"),
        (lambda w: simple_rnn_forward(np.ones((2, 5, 3)), *w, activation="gelu"), "activation"),
        (lambda w: torch_rnn_param_count(3, 4, num_layers=0), "num_layers"),
    ],
)
def test_classic_mistakes_are_explained(call, message):
    weights = [np.ones((3, 4)), np.ones((4, 4)), np.ones(4)]
    with pytest.raises(ValueError, match=message):
        call(weights)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_state_jacobians_match_torch_autograd(activation):
    rng = np.random.default_rng(12)
    T, d, h = 6, 2, 4
    x, W_xh, W_hh, b = (
        rng.normal(size=(T, d)),
        rng.normal(size=(d, h)),
        rng.normal(size=(h, h)) * 0.5,
        rng.normal(size=h),
    )
    h0 = rng.normal(size=h)
    act = torch.tanh if activation == "tanh" else torch.relu

    def final_state(start):
        state = start
        for x_t in torch.from_numpy(x):
            state = act(x_t @ torch.from_numpy(W_xh) + state @ torch.from_numpy(W_hh) + torch.from_numpy(b))
        return state

    expected = torch.autograd.functional.jacobian(final_state, torch.from_numpy(h0)).numpy()
    got = state_jacobians(x, W_xh, W_hh, b, h0, activation)[-1]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_jacobian_norms_vanish_and_explode():
    from rnnbook.rnn import scaled_recurrent_matrix

    small = jacobian_norms(scaled_recurrent_matrix(16, 0.5, seed=0), 30, activation="linear")
    large = jacobian_norms(scaled_recurrent_matrix(16, 1.5, seed=0), 30, activation="linear")
    assert small[-1] < 1e-6 < 1e3 < large[-1]
