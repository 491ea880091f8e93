"""The NumPy MLP against real Keras Dense and torch nn.Linear layers."""

import json

import numpy as np
import pytest

import rnnbook
from conftest import framework, needs
from rnnbook.porting import keras_dense_to_torch_linear, torch_linear_to_keras_dense

keras = framework("keras")
torch = framework("torch")


@pytest.fixture
def rng():
    return np.random.default_rng(123)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("shape", [(1, 1, 1), (7, 3, 5), (16, 12, 2)])
def test_dense_forward_matches_keras(rng, activation, shape):
    n, d, h = shape
    layer = keras.layers.Dense(h, activation=activation)
    layer.build((None, d))
    layer.set_weights([rng.normal(size=(d, h)).astype("float32"), rng.normal(size=h).astype("float32")])
    X = rng.normal(size=(n, d)).astype("float32")
    kernel, bias = layer.get_weights()
    expected = keras.ops.convert_to_numpy(layer(X))
    np.testing.assert_allclose(rnnbook.dense_forward(X, kernel, bias, activation), expected, rtol=1e-5, atol=1e-6)


def test_mlp_forward_matches_torch(rng):
    d, h, q = 4, 6, 3
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Linear(h, q)).double()
    X = rng.normal(size=(9, d))
    with torch.no_grad():
        expected = net(torch.from_numpy(X)).numpy()
    params = [p.detach().numpy() for p in net.parameters()]
    got = rnnbook.mlp_forward(X, params[0].T, params[1], params[2].T, params[3])
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_softmax_matches_torch_and_handles_large_logits(rng):
    O = rng.normal(scale=50, size=(5, 7)) + 1000
    expected = torch.softmax(torch.from_numpy(O), dim=-1).numpy()
    np.testing.assert_allclose(rnnbook.softmax(O), expected, rtol=1e-10)
    assert np.all(np.isfinite(rnnbook.softmax(np.array([[1e4, -1e4]]))))


def test_param_counts_match_frameworks():
    for d, h, q in [(1, 1, 1), (3, 5, 2), (20, 64, 10)]:
        model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(h), keras.layers.Dense(q)])
        net = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Linear(h, q))
        assert rnnbook.mlp_param_count(d, h, q) == model.count_params()
        assert rnnbook.mlp_param_count(d, h, q) == sum(p.numel() for p in net.parameters())
    no_bias = keras.layers.Dense(4, use_bias=False)
    no_bias.build((None, 3))
    assert rnnbook.dense_param_count(3, 4, use_bias=False) == no_bias.count_params()


def test_porting_both_ways(rng):
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    linear = torch.nn.Linear(5, 3)
    keras_dense_to_torch_linear(dense, linear)
    X = rng.normal(size=(4, 5)).astype("float32")
    with torch.no_grad():
        from_torch = linear(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(from_torch, keras.ops.convert_to_numpy(dense(X)), rtol=1e-6, atol=1e-6)

    fresh = torch.nn.Linear(5, 3)
    torch_linear_to_keras_dense(fresh, dense)
    with torch.no_grad():
        expected = fresh(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dense(X)), expected, rtol=1e-6, atol=1e-6)


def test_porting_rejects_mismatched_layers():
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    with pytest.raises(ValueError, match=r"nn.Linear\(5, 3\)"):
        keras_dense_to_torch_linear(dense, torch.nn.Linear(3, 5))
    with pytest.raises(ValueError, match="bias"):
        keras_dense_to_torch_linear(dense, torch.nn.Linear(5, 3, bias=False))
    with pytest.raises(ValueError, match="build it first"):
        keras_dense_to_torch_linear(keras.layers.Dense(3), torch.nn.Linear(5, 3))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: rnnbook.dense_forward(np.ones(3), np.ones((3, 2))), r"expected X with 2 axes.*X\[None\]"),
        (lambda: rnnbook.dense_forward(np.ones((4, 3)), np.ones((2, 3))), "W must have shape .*weight.T"),
        (lambda: rnnbook.dense_forward(np.ones((4, 3)), np.ones((3, 2)), np.ones(3)), r"expected b: \(2,\)"),
        (lambda: rnnbook.dense_forward(np.full((2, 3), np.nan), np.ones((3, 2))), "NaN"),
        (lambda: rnnbook.dense_forward(np.ones((2, 3)), np.ones((3, 2)), activation="gelu"), "activation must be"),
        (lambda: rnnbook.dense_forward([["a", "b"]], np.ones((2, 2))), "array of numbers"),
        (lambda: rnnbook.softmax(np.float64(1.0)), "at least 1 axis"),
        (lambda: rnnbook.dense_param_count(0, 3), "whole number >= 1"),
        (lambda: rnnbook.dense_param_count(2.5, 3), "whole number >= 1"),
        (lambda: rnnbook.seed_everything(-1), "seed"),
        (lambda: rnnbook.glue("", 1), "non-empty"),
    ],
)
def test_bad_input_is_rejected_with_a_teaching_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_seed_everything_makes_keras_and_torch_repeatable():
    """As in a notebook: a fresh process (a kernel) seeds and draws, then runs the same cell again.

    In a fresh process, because this test process has drawn from Keras' global seed generator before
    (other tests), which a reader's kernel has not."""
    needs("keras")
    needs("torch")
    import subprocess
    import sys

    code = (
        "import json, keras, numpy as np, torch, rnnbook\n"
        "def draw():\n"
        "    rnnbook.seed_everything(7)\n"
        "    layer = keras.layers.Dense(2)\n"
        "    layer.build((None, 3))\n"
        "    arrays = (layer.get_weights()[0], torch.nn.Linear(3, 2).weight.detach().numpy(), np.random.rand(2))\n"
        "    return [a.tolist() for a in arrays]\n"
        "print(json.dumps([draw(), draw()]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    first, second = json.loads(out.strip().splitlines()[-1])
    assert first == second, "the same cell run twice after seed_everything drew different numbers"


def test_seed_everything_seeds_random_and_numpy_and_leaves_pythonhashseed_alone(monkeypatch):
    """PYTHONHASHSEED acts only when Python starts: setting it at run time changed nothing but the
    environment of the process and of its children. seed_everything no longer touches it."""
    import os
    import random
    import sys

    for name in ("keras", "tensorflow", "torch"):  # seed Python and NumPy only, as without frameworks
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    rnnbook.seed_everything(3)
    first = (random.random(), np.random.rand())
    rnnbook.seed_everything(3)
    assert (random.random(), np.random.rand()) == first
    assert "PYTHONHASHSEED" not in os.environ
    monkeypatch.setenv("PYTHONHASHSEED", "0")  # set by whoever started Python, e.g. the book's build
    rnnbook.seed_everything(5)
    assert os.environ["PYTHONHASHSEED"] == "0"
    doc = " ".join(rnnbook.seed_everything.__doc__.split())
    for seeded in ("random.seed", "np.random.seed", "keras.utils.set_random_seed", "torch.manual_seed"):
        assert seeded in doc
    assert "PYTHONHASHSEED" in doc and "before Python" in doc


def test_seed_everything_turns_on_torchs_deterministic_algorithms_without_loading_its_compiler():
    """The switch torch.use_deterministic_algorithms throws, without the 2 s import of TorchInductor."""
    needs("torch")
    import subprocess
    import sys

    code = (
        "import sys, torch, rnnbook\n"
        "assert not torch.are_deterministic_algorithms_enabled()\n"
        "rnnbook.seed_everything(0)\n"
        "print(torch.are_deterministic_algorithms_enabled(), 'torch._inductor' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"], out


@pytest.mark.parametrize("building", [False, True])
def test_glue_figure_shows_the_figure_everywhere_but_in_the_books_build(monkeypatch, building):
    """A reader's Jupyter may have myst-nb installed: the figure must still appear under the cell."""
    myst_nb = needs("myst_nb")
    import IPython.display
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    glued, shown = [], []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.append((name, display)))
    monkeypatch.setattr(IPython.display, "display", lambda value: shown.append(value))
    if building:
        monkeypatch.setenv("RNNBOOK_BUILD", "1")
    else:
        monkeypatch.delenv("RNNBOOK_BUILD", raising=False)
    fig, _ = plt.subplots()
    rnnbook.glue_figure("fig_x", fig)
    assert (glued, shown) == (([("fig_x", False)], []) if building else ([], [fig]))
    assert not plt.fignum_exists(fig.number), "the figure must be closed, or the inline backend shows it again"


def test_glue_stores_numpy_scalars_as_plain_numbers(monkeypatch):
    myst_nb = needs("myst_nb")
    stored = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.update({name: value}))
    rnnbook.glue("x", np.float64(0.25))
    assert type(stored["x"]) is float and repr(stored["x"]) == "0.25"


def test_glue_pastes_a_sentence_as_itself_not_as_its_quoted_repr():
    """myst-nb pastes a glued value's text/plain; for a str that would be 'the repr', in quotes,
    with the packed translations' control characters escaped beyond recognition."""
    myst_nb = needs("myst_nb")
    PlainTextFormatter = needs("IPython.core.formatters").PlainTextFormatter

    stored = {}
    original = myst_nb.glue
    try:
        myst_nb.glue = lambda name, value, display: stored.update({name: value})
        rnnbook.glue("sentence", "It's \x02packed\x03.")
    finally:
        myst_nb.glue = original
    assert PlainTextFormatter()(stored["sentence"]) == "It's \x02packed\x03."
    assert PlainTextFormatter()("It's") != "It's"  # what a plain str would have given
