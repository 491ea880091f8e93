"""The NumPy recurrence against real Keras SimpleRNN and torch nn.RNN layers."""

import re

import numpy as np
import pytest

import rnnbook
from conftest import framework
from rnnbook.plotting import draw_unrolled_rnn, plot_forgetting

keras = framework("keras")
torch = framework("torch")


def random_weights(rng, d, h):
    return rng.normal(size=(d, h)) * 0.5, rng.normal(size=(h, h)) * 0.3, rng.normal(size=h) * 0.1


@pytest.mark.parametrize("n, T, d, h", [(1, 1, 1, 1), (2, 5, 3, 4), (4, 12, 1, 7)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_rnn_forward_matches_keras_simple_rnn(n, T, d, h, activation):
    rng = np.random.default_rng(n * 100 + T)
    W_xh, W_hh, b_h = random_weights(rng, d, h)
    X = rng.normal(size=(n, T, d)).astype("float32")
    layer = keras.layers.SimpleRNN(h, activation=activation, return_sequences=True, return_state=True)
    layer.build((None, T, d))
    layer.set_weights([W_xh, W_hh, b_h])
    seq, last = (keras.ops.convert_to_numpy(a) for a in layer(X))
    H, H_T = rnnbook.rnn_forward(X, W_xh, W_hh, b_h, activation=activation)
    np.testing.assert_allclose(H, seq, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(H_T, last, rtol=1e-5, atol=1e-6)


def test_rnn_forward_matches_torch_rnn_with_initial_state():
    rng = np.random.default_rng(0)
    n, T, d, h = 3, 6, 2, 5
    W_xh, W_hh, b_h = random_weights(rng, d, h)
    X, H0 = rng.normal(size=(n, T, d)), rng.normal(size=(n, h))
    rnn = torch.nn.RNN(d, h, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_xh.T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_hh.T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_h))
        rnn.bias_hh_l0.zero_()
        out, h_n = rnn(torch.from_numpy(X), torch.from_numpy(H0)[None])
    H, H_T = rnnbook.rnn_forward(X, W_xh, W_hh, b_h, H0=H0)
    np.testing.assert_allclose(H, out.numpy(), rtol=1e-12)
    np.testing.assert_allclose(H_T, h_n[0].numpy(), rtol=1e-12)


def test_rnn_param_count_matches_frameworks_for_any_length():
    for T in (5, 50, 500):
        model = keras.Sequential([keras.Input((T, 3)), keras.layers.SimpleRNN(4), keras.layers.Dense(2)])
        assert model.count_params() == rnnbook.rnn_param_count(3, 4, 2)
    torch_rnn = torch.nn.RNN(3, 4)
    # torch keeps two bias vectors, bias_ih and bias_hh: h more parameters than the book's b_h
    assert sum(p.numel() for p in torch_rnn.parameters()) == rnnbook.rnn_param_count(3, 4) + 4


def test_spectral_radius_and_scaling():
    W = rnnbook.scaled_recurrent_matrix(16, 0.9, seed=1)
    assert rnnbook.spectral_radius(W) == pytest.approx(0.9)
    torch_radius = torch.linalg.eigvals(torch.from_numpy(W)).abs().max().item()
    assert torch_radius == pytest.approx(0.9)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: rnnbook.rnn_forward(np.ones((5, 2)), np.ones((2, 3)), np.ones((3, 3))), r"3 axes \(batch, time"),
        (lambda: rnnbook.rnn_forward(np.ones((1, 5, 2)), np.ones((3, 3)), np.ones((3, 3))), "weight_ih_l0.T"),
        (lambda: rnnbook.rnn_forward(np.ones((1, 5, 2)), np.ones((2, 3)), np.ones((2, 2))), r"W_hh must be \(3, 3\)"),
        (lambda: rnnbook.rnn_forward(np.ones((1, 5, 2)), np.ones((2, 3)), np.ones((3, 3)), np.ones(2)), "b_h"),
        (lambda: rnnbook.rnn_forward(np.ones((1, 0, 2)), np.ones((2, 3)), np.ones((3, 3))), "no time steps"),
        (
            lambda: rnnbook.rnn_forward(np.ones((2, 5, 2)), np.ones((2, 3)), np.ones((3, 3)), H0=np.ones((1, 3))),
            r"H0 must have shape \(2, 3\)",
        ),
        (
            lambda: rnnbook.rnn_step(
                np.ones((2, 2)), np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 3)), activation="x"
            ),
            "activation",
        ),
        (lambda: rnnbook.spectral_radius(np.ones((2, 3))), "square"),
        (lambda: rnnbook.scaled_recurrent_matrix(4, -1.0), "positive"),
        (lambda: rnnbook.rnn_param_count(3, 0), "whole number"),
        (lambda: draw_unrolled_rnn(20), "at most 8"),
        (lambda: plot_forgetting([1, 2], {}), "empty"),
    ],
)
def test_bad_input_is_rejected_with_a_teaching_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("H0", "fix", "fixed"),
    [
        (np.ones(3), r"np\.tile\(H0, \(2, 1\)\)", lambda H0: np.tile(H0, (2, 1))),
        (np.ones((3, 2)), r"H0 is transposed: pass H0\.T", lambda H0: H0.T),
        (np.ones((1, 3)), r"X holds 2 sequences and W_hh has 3 hidden units.*H0=None", None),
        (np.ones((2, 4)), r"needs 2 rows of 3 values", None),
        (np.ones((2, 3, 1)), r"H0=None to start from zeros", None),
    ],
    ids=["one-state", "transposed", "too-few-rows", "too-many-units", "three-axes"],
)
def test_a_badly_shaped_H0_is_named_with_its_expected_shape_and_a_fix(H0, fix, fixed):
    """rnn_forward's initial state is H0 to the caller: the error names it, not rnn_step's H_prev."""
    X, W_xh, W_hh = np.ones((2, 5, 2)), np.ones((2, 3)), np.full((3, 3), 0.1)
    with pytest.raises(ValueError) as caught:
        rnnbook.rnn_forward(X, W_xh, W_hh, H0=H0)
    message = str(caught.value)
    expected = "H0 must have shape (2, 3) (batch, hiddens), one initial hidden state per sequence of X"
    assert message.startswith(f"{expected}, got shape {H0.shape}; "), message
    assert "H_prev" not in message
    assert re.search(fix, message), message
    if fixed is not None:  # the fix the message suggests works
        H, H_T = rnnbook.rnn_forward(X, W_xh, W_hh, H0=fixed(H0))
        assert H.shape == (2, 5, 3) and H_T.shape == (2, 3)


def test_rnn_forward_starts_from_the_given_H0():
    rng = np.random.default_rng(0)
    X, W_xh, W_hh = rng.normal(size=(2, 4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(5, 5)) * 0.3
    H0 = rng.normal(size=(2, 5))
    H, _ = rnnbook.rnn_forward(X, W_xh, W_hh, H0=H0.tolist())  # a nested list is fine, as for X
    np.testing.assert_allclose(H[:, 0], np.tanh(X[:, 0] @ W_xh + H0 @ W_hh))
    with pytest.raises(ValueError, match="H0 contains NaN"):
        rnnbook.rnn_forward(X, W_xh, W_hh, H0=np.full((2, 5), np.nan))


def test_figures_draw(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    ax = draw_unrolled_rnn(4)
    labels = {t.get_text() for t in ax.texts}
    assert {r"$\mathbf{x}_1$", r"$\mathbf{h}_4$", r"$W_{hh}$"} <= labels
    assert sum(label == r"$W_{xh}$" for label in (t.get_text() for t in ax.texts)) == 4
    ax.figure.savefig(tmp_path / "unrolled.png")
    ax2 = plot_forgetting(np.arange(3), {r"$\rho = 0.5$": [1.0, 0.5, 0.25]})
    assert ax2.get_yscale() == "log"
