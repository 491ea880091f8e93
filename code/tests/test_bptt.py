"""BPTT in NumPy against finite differences, torch autograd and Keras (TensorFlow's GradientTape)."""

import numpy as np
import pytest

import rnnbook
import rnnbook.i18n
from conftest import framework
from rnnbook.bptt import (
    PARAMETERS,
    backward,
    clip_by_global_norm,
    forward,
    loss_value,
    numerical_gradients,
    relative_error,
    truncation_errors,
)
from rnnbook.rnn import rnn_forward, scaled_recurrent_matrix

keras = framework("keras")
tf = framework("tensorflow")
torch = framework("torch")

# batch, time, features, hiddens, outputs: all different, so that a transposed weight fails
N, T, D, H, Q = 3, 6, 2, 5, 4
ACTIVATIONS = ["tanh", "relu", "linear"]
LOSSES = ["mse", "cross_entropy"]


def make_case(seed, activation="tanh", loss="mse", radius=0.8, n=N, steps=T, d=D, h=H, q=Q):
    """Random inputs, targets, an initial state and non-zero weights (W_hh of the given spectral radius)."""
    rng = np.random.default_rng(seed)
    weights = {
        "W_xh": rng.normal(size=(d, h)) * 0.6,
        "W_hh": scaled_recurrent_matrix(h, radius, seed=seed),
        "b_h": rng.normal(size=h) * 0.5,
        "W_hq": rng.normal(size=(h, q)) * 0.6,
        "b_q": rng.normal(size=q) * 0.5,
    }
    X = rng.normal(size=(n, steps, d))
    H0 = rng.normal(size=(n, h)) * 0.5
    y = rng.normal(size=(n, q)) if loss == "mse" else rng.integers(0, q, size=n)
    return {"X": X, "y": y, "H0": H0, "activation": activation, "loss": loss, **weights}


def pre_activations(case):
    """z_1..z_T of a case, from the states forward() returns: (n, T, h)."""
    states, _ = forward(case["X"], *(case[p] for p in PARAMETERS), H0=case["H0"], activation=case["activation"])
    H0 = np.zeros_like(states[:, 0]) if case["H0"] is None else case["H0"]
    previous = np.concatenate([H0[:, None], states[:, :-1]], axis=1)
    return case["X"] @ case["W_xh"] + previous @ case["W_hh"] + case["b_h"]


def away_from_the_relu_kink(case, margin):
    Z = pre_activations(case)
    assert np.abs(Z).min() > margin, "choose another seed: a pre-activation sits at relu's kink"
    assert (Z < 0).any() and (Z > 0).any()  # both branches of relu' are exercised


# --- against finite differences -----------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_matches_finite_differences(activation, loss):
    case = make_case(11, activation, loss)
    if activation == "relu":
        away_from_the_relu_kink(case, margin=1e-4)
    weights = {p: case[p].copy() for p in PARAMETERS}
    grads = backward(**case)
    numerical = numerical_gradients(**case)
    for name in PARAMETERS:
        np.testing.assert_array_equal(case[name], weights[name])  # perturbed copies, not the caller's arrays
    assert set(grads) == {"loss", *PARAMETERS}
    for name in PARAMETERS:
        assert grads[name].shape == case[name].shape
    assert relative_error(grads, numerical) <= 1e-6
    assert grads["loss"] == numerical["loss"]
    _, Y_hat = forward(case["X"], *(case[p] for p in PARAMETERS), H0=case["H0"], activation=activation)
    assert grads["loss"] == loss_value(Y_hat, case["y"], loss)


def test_forward_runs_the_chapter_2_recurrence_then_the_head():
    case = make_case(3, "relu")
    states, Y_hat = forward(case["X"], *(case[p] for p in PARAMETERS), H0=case["H0"], activation="relu")
    expected, last = rnn_forward(case["X"], case["W_xh"], case["W_hh"], case["b_h"], H0=case["H0"], activation="relu")
    np.testing.assert_allclose(states, expected, rtol=1e-14)
    np.testing.assert_allclose(Y_hat, last @ case["W_hq"] + case["b_q"], rtol=1e-14)


# --- against torch autograd ---------------------------------------------------------------------


def torch_model(case, activation, bias_hh_trainable=True):
    """nn.RNN + nn.Linear in float64 with the case's weights; b_h is split between the two biases."""
    d, h = case["W_xh"].shape
    rnn = torch.nn.RNN(d, h, nonlinearity=activation, batch_first=True).double()
    head = torch.nn.Linear(h, case["W_hq"].shape[1]).double()
    split = np.random.default_rng(0).normal(size=h) if bias_hh_trainable else np.zeros(h)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(case["W_xh"].T))
        rnn.weight_hh_l0.copy_(torch.from_numpy(case["W_hh"].T))
        rnn.bias_ih_l0.copy_(torch.from_numpy(case["b_h"] - split))
        rnn.bias_hh_l0.copy_(torch.from_numpy(split))
        head.weight.copy_(torch.from_numpy(case["W_hq"].T))
        head.bias.copy_(torch.from_numpy(case["b_q"]))
    rnn.bias_hh_l0.requires_grad_(bias_hh_trainable)
    return rnn, head


def torch_loss(Y_hat, y, loss):
    if loss == "mse":
        return torch.nn.functional.mse_loss(Y_hat, torch.from_numpy(y))
    return torch.nn.functional.cross_entropy(Y_hat, torch.from_numpy(y))


def torch_gradients(rnn, head):
    """The five gradients of a torch model, in the book's layout."""
    return {
        "W_xh": rnn.weight_ih_l0.grad.numpy().T,
        "W_hh": rnn.weight_hh_l0.grad.numpy().T,
        "b_h": rnn.bias_ih_l0.grad.numpy(),
        "W_hq": head.weight.grad.numpy().T,
        "b_q": head.bias.grad.numpy(),
    }


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ["tanh", "relu"])  # nn.RNN has no linear nonlinearity
def test_backward_matches_torch_autograd(activation, loss):
    case = make_case(5, activation, loss)
    rnn, head = torch_model(case, activation)
    _, h_n = rnn(torch.from_numpy(case["X"]), torch.from_numpy(case["H0"])[None])
    L = torch_loss(head(h_n[0]), case["y"], loss)
    L.backward()
    grads = backward(**case)
    assert grads["loss"] == pytest.approx(L.item(), rel=1e-13)
    assert relative_error(grads, torch_gradients(rnn, head)) <= 1e-12
    # the book's single b_h is torch's bias_ih + bias_hh: each receives the whole gradient of b_h
    assert relative_error(rnn.bias_hh_l0.grad.numpy(), grads["b_h"]) <= 1e-12


# --- against Keras ------------------------------------------------------------------------------


def keras_model(case, activation):
    d, h = case["W_xh"].shape
    steps = case["X"].shape[1]
    model = keras.Sequential(
        [
            keras.Input((steps, d)),
            keras.layers.SimpleRNN(h, activation=activation),
            keras.layers.Dense(case["W_hq"].shape[1]),
        ]
    )
    model.set_weights([case[p].astype("float32") for p in PARAMETERS])
    return model


def keras_loss(loss):
    if loss == "mse":
        return keras.losses.MeanSquaredError()
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@pytest.mark.parametrize("activation, loss", [("tanh", "mse"), ("relu", "cross_entropy"), ("linear", "mse")])
def test_backward_matches_keras_gradient_tape(activation, loss):
    case = make_case(7, activation, loss)
    case["H0"] = None  # a Sequential SimpleRNN starts from zeros
    if activation == "relu":
        away_from_the_relu_kink(case, margin=1e-3)
    model = keras_model(case, activation)
    X32 = case["X"].astype("float32")
    with tf.GradientTape() as tape:
        Y_keras = model(X32)
        L = keras_loss(loss)(case["y"], Y_keras)
    keras_grads = dict(zip(PARAMETERS, (g.numpy() for g in tape.gradient(L, model.trainable_weights)), strict=True))
    # the NumPy reference, in float64 from the very float32 weights and inputs Keras used
    weights64 = {p: w.astype(np.float64) for p, w in zip(PARAMETERS, model.get_weights(), strict=True)}
    reference = backward(X32.astype(np.float64), case["y"], **weights64, activation=activation, loss=loss)
    _, Y_hat = forward(X32.astype(np.float64), *weights64.values(), activation=activation)
    np.testing.assert_allclose(Y_hat, keras.ops.convert_to_numpy(Y_keras), rtol=1e-5, atol=1e-6)
    assert reference["loss"] == pytest.approx(float(L), rel=1e-5)
    for name in PARAMETERS:
        assert keras_grads[name].shape == reference[name].shape
    assert relative_error(reference, keras_grads) <= 1e-5


# --- truncated BPTT -----------------------------------------------------------------------------


def test_truncating_at_or_beyond_T_is_full_bptt():
    case = make_case(2, "tanh", "cross_entropy")
    full = backward(**case)
    for k in (T, T + 1, 100):
        truncated = backward(**case, truncate=k)
        for name in PARAMETERS:
            np.testing.assert_array_equal(truncated[name], full[name])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_truncate_one_keeps_the_last_step_alone(activation):
    case = make_case(4, activation, "mse")
    grads = backward(**case, truncate=1)
    # by hand: ŷ = h_T W_hq + b_q, L = mean (ŷ − y)², one step back through z_T
    states, Y_hat = forward(case["X"], *(case[p] for p in PARAMETERS), H0=case["H0"], activation=activation)
    dY = 2 * (Y_hat - case["y"]) / Y_hat.size
    h_before = states[:, -2]  # h_{T-1}
    x_T = case["X"][:, -1]
    z_T = x_T @ case["W_xh"] + h_before @ case["W_hh"] + case["b_h"]
    slope = {"tanh": 1 - np.tanh(z_T) ** 2, "relu": (z_T > 0) * 1.0, "linear": np.ones_like(z_T)}[activation]
    dz_T = (dY @ case["W_hq"].T) * slope
    np.testing.assert_allclose(grads["W_xh"], x_T.T @ dz_T, rtol=1e-12)
    np.testing.assert_allclose(grads["W_hh"], h_before.T @ dz_T, rtol=1e-12)
    np.testing.assert_allclose(grads["b_h"], dz_T.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(grads["W_hq"], states[:, -1].T @ dY, rtol=1e-12)
    np.testing.assert_allclose(grads["b_q"], dY.sum(axis=0), rtol=1e-12)


def test_truncation_error_shrinks_as_k_grows_on_a_contracting_W_hh():
    steps = 12
    case = make_case(8, "tanh", "mse", radius=0.5, steps=steps)
    full = backward(**case)
    errors = truncation_errors(**case)
    assert errors.shape == (steps,)
    assert errors[0] > 1e-2  # one step leaves out a visible part of the gradient
    assert errors[-1] == 0.0
    assert np.all(np.diff(errors) <= 1e-15)
    assert errors[-4] < 1e-3 * errors[0]  # far steps contribute little: ‖W_hh‖ < 1 contracts
    for k in range(1, steps + 1):
        truncated = backward(**case, truncate=k)
        assert relative_error(truncated["W_hh"], full["W_hh"]) == pytest.approx(errors[k - 1], rel=1e-12, abs=1e-18)
        np.testing.assert_array_equal(truncated["W_hq"], full["W_hq"])  # the head is never truncated
        np.testing.assert_array_equal(truncated["b_q"], full["b_q"])
        assert truncated["loss"] == full["loss"]
    np.testing.assert_array_equal(truncation_errors(**case, ks=[3, 1, 50]), errors[[2, 0, -1]])


@pytest.mark.parametrize("k", [1, 3, T])
def test_truncated_bptt_matches_torch_with_the_state_detached_k_steps_back(k):
    case = make_case(9, "tanh", "cross_entropy")
    rnn, head = torch_model(case, "tanh")
    X = torch.from_numpy(case["X"])
    h_cut = torch.from_numpy(case["H0"])[None]
    if k < T:
        _, h_cut = rnn(X[:, : T - k], h_cut)
    _, h_n = rnn(X[:, T - k :], h_cut.detach())  # no gradient flows into h_{T-k}
    torch_loss(head(h_n[0]), case["y"], "cross_entropy").backward()
    assert relative_error(backward(**case, truncate=k), torch_gradients(rnn, head)) <= 1e-12


# --- clipping -----------------------------------------------------------------------------------


def exploding_case():
    """relu with W_hh of spectral radius 3 over 20 steps: the gradient's norm explodes (to ~4e8;
    with "mse" it would reach ~2e19, whose square overflows float32 in Keras' global norm)."""
    case = make_case(1, "relu", "cross_entropy", radius=3.0, n=4, steps=20, d=3, h=6, q=2)
    case["X"] *= 0.1
    return case


@pytest.mark.parametrize("max_norm", [1.0, 1e30])
def test_clip_by_global_norm_matches_torch_clip_grad_norm(max_norm):
    grads = backward(**exploding_case())
    clipped, norm = clip_by_global_norm(grads, max_norm)
    assert norm == pytest.approx(np.sqrt(sum(np.sum(grads[p] ** 2) for p in PARAMETERS)), rel=1e-12)
    tensors = []
    for name in PARAMETERS:
        tensor = torch.zeros(grads[name].shape, dtype=torch.float64, requires_grad=True)
        tensor.grad = torch.from_numpy(grads[name].copy())
        tensors.append(tensor)
    torch_norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm).item()
    assert torch_norm == pytest.approx(norm, rel=1e-12)
    torch_clipped = {name: t.grad.numpy() for name, t in zip(PARAMETERS, tensors, strict=True)}
    assert clipped["loss"] == grads["loss"]
    if norm > max_norm:
        assert norm > 100 * max_norm  # the exploding case does explode
        clipped_norm = np.sqrt(sum(np.sum(clipped[p] ** 2) for p in PARAMETERS))
        assert clipped_norm == pytest.approx(max_norm, rel=1e-12)
        # torch divides by ‖g‖ + 1e-6: its clipped norm is θ‖g‖ / (‖g‖ + 1e-6), a hair below θ
        torch_clipped_norm = np.sqrt(sum(np.sum(torch_clipped[p] ** 2) for p in PARAMETERS))
        assert torch_clipped_norm == pytest.approx(max_norm * norm / (norm + 1e-6), rel=1e-12)
        assert relative_error(clipped, torch_clipped) <= 1e-9
    else:  # below the threshold nothing changes
        for name in PARAMETERS:
            np.testing.assert_array_equal(clipped[name], grads[name])
            np.testing.assert_array_equal(torch_clipped[name], grads[name])


def test_one_clipped_sgd_step_matches_keras_global_clipnorm_and_torch():
    case, lr, max_norm = exploding_case(), 0.1, 1.0
    grads = backward(**case)
    clipped, norm = clip_by_global_norm(grads, max_norm)
    assert norm > 1e3 * max_norm
    expected = {p: case[p] - lr * clipped[p] for p in PARAMETERS}

    # Keras: the NumPy gradients through SGD(global_clipnorm=θ)
    model = keras_model(case, "relu")
    before = model.get_weights()
    optimizer = keras.optimizers.SGD(learning_rate=lr, global_clipnorm=max_norm)
    optimizer.apply_gradients(
        zip([grads[p].astype("float32") for p in PARAMETERS], model.trainable_weights, strict=True)
    )
    after = dict(zip(PARAMETERS, model.get_weights(), strict=True))
    for name in PARAMETERS:
        np.testing.assert_allclose(after[name], expected[name], rtol=1e-5, atol=1e-6)
    # the step itself, all weights together (float32 weights: a tiny step of one weight is rounded)
    step = np.concatenate([((w - after[p]) / lr).ravel() for p, w in zip(PARAMETERS, before, strict=True)])
    assert relative_error(step, np.concatenate([clipped[p].ravel() for p in PARAMETERS])) <= 1e-5

    # torch: its own autograd gradients, clip_grad_norm_, then SGD; bias_hh frozen at 0 so that
    # the model's parameters are exactly the book's five (see the next test for why)
    rnn, head = torch_model(case, "relu", bias_hh_trainable=False)
    parameters = [p for p in [*rnn.parameters(), *head.parameters()] if p.requires_grad]
    _, h_n = rnn(torch.from_numpy(case["X"]), torch.from_numpy(case["H0"])[None])
    torch_loss(head(h_n[0]), case["y"], case["loss"]).backward()
    assert relative_error(grads, torch_gradients(rnn, head)) <= 1e-12
    torch_norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm).item()
    torch.optim.SGD(parameters, lr=lr).step()
    assert torch_norm == pytest.approx(norm, rel=1e-12)
    updated = {
        "W_xh": rnn.weight_ih_l0.detach().numpy().T,
        "W_hh": rnn.weight_hh_l0.detach().numpy().T,
        "b_h": rnn.bias_ih_l0.detach().numpy(),
        "W_hq": head.weight.detach().numpy().T,
        "b_q": head.bias.detach().numpy(),
    }
    for name in PARAMETERS:
        np.testing.assert_allclose(updated[name], expected[name], rtol=1e-5, atol=1e-12)
        assert relative_error((case[name] - updated[name]) / lr, clipped[name]) <= 1e-6


def test_torch_counts_the_two_rnn_biases_in_the_global_norm():
    case = exploding_case()
    grads = backward(**case)
    _, norm = clip_by_global_norm(grads, 1.0)
    rnn, head = torch_model(case, "relu")  # bias_ih and bias_hh both trainable, as by default
    _, h_n = rnn(torch.from_numpy(case["X"]), torch.from_numpy(case["H0"])[None])
    torch_loss(head(h_n[0]), case["y"], case["loss"]).backward()
    torch_norm = torch.nn.utils.clip_grad_norm_([*rnn.parameters(), *head.parameters()], 1.0).item()
    assert np.sum(grads["b_h"] ** 2) > 1e-6 * norm**2  # so the difference shows
    assert torch_norm == pytest.approx(np.sqrt(norm**2 + np.sum(grads["b_h"] ** 2)), rel=1e-12)


def test_clip_by_global_norm_measures_float32_gradients_in_float64():
    grads = {"W_hh": np.full((4, 4), 3e19, dtype=np.float32), "b_h": np.ones(4, dtype=np.float32)}
    clipped, norm = clip_by_global_norm(grads, 2.0)
    assert norm == pytest.approx(4 * 3e19, rel=1e-6)  # its square, 1.4e40, overflows float32
    assert clipped["W_hh"].dtype == np.float32
    np.testing.assert_allclose(clipped["W_hh"], 0.5, rtol=1e-6)
    np.testing.assert_allclose(clipped["b_h"], 2.0 / (4 * 3e19), rtol=1e-6)


# --- errors -------------------------------------------------------------------------------------


def call(function=backward, **changes):
    case = make_case(0, "tanh", changes.pop("loss", "mse"))
    if function is loss_value:
        return loss_value(np.zeros((N, Q)), changes.pop("y", case["y"]), case["loss"], **changes)
    if function in (clip_by_global_norm, relative_error):
        return function(**changes)
    if function is forward:
        del case["y"], case["loss"]
    return function(**{**case, **changes})


BAD = [
    (dict(X=np.ones((N, T))), r"expected X with 3 axes \(batch, time, features\)"),
    (dict(X=np.ones((N, 0, D))), "X has no time steps"),
    (dict(X=np.ones((0, T, D)), H0=None), "X holds no sequences"),
    (dict(X=np.full((N, T, D), np.nan)), "X contains NaN"),
    (dict(W_xh=np.ones((D + 1, H))), "input has 2 features but W_xh has 3 rows"),
    (dict(W_hh=np.ones((H, H - 1))), r"W_hh must be \(5, 5\)"),
    (dict(b_h=np.ones(H + 1)), r"b_h must have shape \(5,\)"),
    (dict(W_hq=np.ones((H + 1, Q))), "W_hq must have 5 rows"),
    (dict(W_hq=np.ones((Q, H))), r"W_hq.*pass weight\.T"),
    (dict(W_hq=np.ones(H)), "expected W_hq with 2 axes"),
    (dict(b_q=np.ones(Q + 1)), r"b_q must have shape \(4,\)"),
    (dict(H0=np.ones((H, N))), "H0 is transposed"),
    (dict(y=np.ones(N)), r"for loss='mse' y must have the shape of Y_hat, \(3, 4\)"),
    (dict(y=np.ones((Q, N))), r"y is transposed"),
    (dict(y=np.ones((N, Q)), loss="cross_entropy"), r"y must hold one integer class label.*y\.argmax"),
    (dict(y=np.array([0, 1, 4]), loss="cross_entropy"), r"labels in y must lie in 0, 1, …, 3.*from 0 to 4"),
    (dict(y=np.array([-1, 1, 2]), loss="cross_entropy"), r"labels in y must lie in .*from -1 to 2"),
    (dict(y=np.array([0, 1.5, 2]), loss="cross_entropy"), "y must hold whole-number class labels"),
    (dict(activation="sigmoid"), "activation must be one of 'tanh', 'relu', 'linear'"),
    (dict(loss="mae"), "loss must be one of 'mse', 'cross_entropy'"),
    (dict(truncate=0), "truncate must be None .* got 0"),
    (dict(truncate=-1), "truncate must be None .* got -1"),
    (dict(truncate=1.5), r"truncate must be None .* got 1\.5"),
    (dict(truncate=True), "truncate must be None .* got True"),
    (dict(function=numerical_gradients, eps=0.0), "eps must be a positive number"),
    (dict(function=truncation_errors, ks=[2, 0]), "ks must be a non-empty list"),
    (dict(function=truncation_errors, ks=3), "ks must be a non-empty list"),
    (dict(function=truncation_errors, ks=[]), "ks must be a non-empty list"),
    (dict(function=forward, X=np.ones((N, T, D + 1))), "input has 3 features but W_xh has 2 rows"),
    (dict(function=loss_value, y=np.ones(N)), "y must have the shape of Y_hat"),
    (dict(function=clip_by_global_norm, grads=[np.ones(3)], max_norm=1.0), "grads must be a dict"),
    (dict(function=clip_by_global_norm, grads={"loss": 1.0}, max_norm=1.0), "grads must be a dict"),
    (dict(function=clip_by_global_norm, grads={"W_hh": np.ones(3)}, max_norm=0), "max_norm must be a positive"),
    (dict(function=clip_by_global_norm, grads={"W_hh": np.ones(3)}, max_norm=np.nan), "max_norm must be"),
    (dict(function=clip_by_global_norm, grads={"W_hh": np.array([np.nan])}, max_norm=1.0), r"grads\['W_hh'\]"),
    (dict(function=relative_error, a=np.ones((2, 3)), b=np.ones((3, 2))), "a and b must have the same shape"),
    (dict(function=relative_error, a={"W_hh": 1.0}, b={"W_xh": 1.0}), "must hold the same weights"),
    (dict(function=relative_error, a={"W_hh": 1.0}, b=np.ones(1)), "two arrays or two dicts"),
]


@pytest.mark.parametrize("changes, message", BAD, ids=[m for _, m in BAD])
def test_bad_input_raises_a_value_error_naming_the_argument(changes, message):
    with pytest.raises(ValueError, match=message):
        call(**changes)


def test_a_mse_target_without_its_output_axis_gets_the_fix():
    case = make_case(0, "tanh", "mse", q=1)
    case["y"] = case["y"][:, 0]
    with pytest.raises(ValueError, match=r"y\[:, None\]"):
        backward(**case)


def test_errors_reach_the_reader_in_russian(monkeypatch):
    monkeypatch.delenv(rnnbook.i18n.ALL_LANGUAGES_VARIABLE, raising=False)
    rnnbook.set_language("ru")
    try:
        with pytest.raises(ValueError) as info:
            call(truncate=0)
    finally:
        rnnbook.set_language("en")
    msgid = "truncate must be None (full BPTT) or a whole number of steps back >= 1, got {value!r}"
    translated = rnnbook.i18n.catalogue("ru").get(msgid)
    assert translated is not None and str(info.value) == translated.format(value=0)
