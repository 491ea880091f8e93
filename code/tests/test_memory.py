"""The delay-k recall task: its data and its score."""

import numpy as np
import pytest

from rnnbook.memory import delay_accuracy, delay_task


@pytest.mark.parametrize("kind", ["sign", "value"])
def test_shapes_and_dtype(kind):
    X, y = delay_task(7, 11, 3, kind=kind)
    assert X.shape == (7, 11, 1) and y.shape == (7, 1)
    assert X.dtype == np.float32 and y.dtype == np.float32


@pytest.mark.parametrize("delay", [0, 1, 2, 5, 9])
def test_target_is_the_input_delay_steps_before_the_last(delay):
    steps = 10
    X, values = delay_task(50, steps, delay, seed=3, kind="value")
    np.testing.assert_array_equal(values[:, 0], X[:, steps - 1 - delay, 0])
    for other in range(steps):  # and no other step's input
        if other != steps - 1 - delay:
            assert np.any(values[:, 0] != X[:, other, 0])
    X_sign, signs = delay_task(50, steps, delay, seed=3, kind="sign")
    np.testing.assert_array_equal(X_sign, X)  # the inputs depend on the seed only
    np.testing.assert_array_equal(signs[:, 0], (X[:, steps - 1 - delay, 0] > 0).astype(np.float32))
    assert set(np.unique(signs)) == {0.0, 1.0}


def test_delay_one_is_chapter_one_task():
    """delay = 1: the target is the sign of the previous value x_{t-1}, at the last step t = T."""
    X, y = delay_task(20, 2, 1, seed=1)
    np.testing.assert_array_equal(y[:, 0], (X[:, 0, 0] > 0).astype(np.float32))


def test_inputs_are_standard_normal_and_signs_balanced():
    X, y = delay_task(4000, 6, 2, seed=0)
    assert abs(float(X.mean())) < 0.02 and abs(float(X.std()) - 1) < 0.02
    assert 0.47 < float(y.mean()) < 0.53


def test_seed_decides_the_data():
    a, b = delay_task(30, 8, 2, seed=5), delay_task(30, 8, 2, seed=5)
    for first, second in zip(a, b, strict=True):
        np.testing.assert_array_equal(first, second)
    c = delay_task(30, 8, 2, seed=6)
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[1], c[1])


def test_accuracy_of_perfect_wrong_and_memoryless_predictions():
    steps, delay = 8, 3
    X, y = delay_task(4000, steps, delay, seed=2)
    remembered = X[:, steps - 1 - delay]  # a logit with the right sign
    assert delay_accuracy(remembered, y) == 1.0
    assert delay_accuracy(-remembered, y) == 0.0
    assert delay_accuracy(remembered[:, 0], y[:, 0]) == delay_accuracy(remembered[:, 0], y) == 1.0
    probabilities = 1 / (1 + np.exp(-remembered))
    assert delay_accuracy(probabilities, y, threshold=0.5) == 1.0
    assert delay_accuracy(probabilities, y) < 0.6  # probabilities scored as logits: almost all "positive"
    last_only = X[:, -1]  # a network without memory sees only the last input: chance
    assert 0.47 < delay_accuracy(last_only, y) < 0.53
    X0, y0 = delay_task(4000, steps, 0, seed=2)
    assert delay_accuracy(X0[:, -1], y0) == 1.0  # delay 0 needs no memory


def test_accuracy_counts_each_sequence():
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    assert delay_accuracy(np.array([[2.0], [-1.0], [-0.5], [0.0]]), y) == 0.75  # 0 is not "positive"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: delay_task(10, 5, 5), r"delay = 5 does not fit in a sequence of 5 steps.*steps >= 6"),
        (lambda: delay_task(10, 5, 7), r"delay = 7"),
        (lambda: delay_task(10, 5, -1), r"delay must be a whole number >= 0.*-1"),
        (lambda: delay_task(10, 5, 1.5), r"delay must be a whole number"),
        (lambda: delay_task(10, 5, True), r"delay must be a whole number"),
        (lambda: delay_task(10, 0, 0), r"steps must be a whole number >= 1"),
        (lambda: delay_task(0, 5, 1), r"num_sequences must be a whole number >= 1"),
        (lambda: delay_task(10, 5.0, 1), r"steps must be a whole number >= 1"),
        (lambda: delay_task(10, 5, 1, kind="parity"), r"kind must be one of 'sign', 'value'"),
        (lambda: delay_task(10, 5, 1, seed=-3), r"seed must be a whole number >= 0"),
        (lambda: delay_accuracy(np.array([[np.nan], [1.0]]), np.array([[1.0], [0.0]])), "predictions contains NaN"),
        (lambda: delay_accuracy(np.ones((4, 1)), np.ones((3, 1))), r"same n.*\(4, 1\) and \(3, 1\)"),
        (lambda: delay_accuracy(np.ones((4, 2)), np.ones((4, 2))), r"one value per sequence"),
        (lambda: delay_accuracy(np.ones((4, 1, 1)), np.ones((4, 1))), r"predictions with 1 or 2 axes"),
        (lambda: delay_accuracy(np.ones((4, 1)), np.full((4, 1), 0.3)), r"0/1 targets.*mean squared error"),
        (lambda: delay_accuracy(np.ones((0, 1)), np.ones((0, 1))), r"empty"),
        (lambda: delay_accuracy(np.ones((2, 1)), np.ones((2, 1)), threshold=np.nan), r"threshold must be a finite"),
    ],
)
def test_mistakes_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- memory ensembles: many delay-task networks trained as one ------------------------------------

from conftest import needs  # noqa: E402
from rnnbook.memory import (  # noqa: E402
    CELLS,
    GATES,
    fit_memory_ensemble,
    join_memory_ensembles,
    keras_memory_ensemble,
    keras_memory_member,
    member_accuracy,
    memory_logits,
    memory_targets,
    torch_memory_ensemble,
    train_memory_ensemble,
)

KERAS_LAYERS = {"simple_rnn": "SimpleRNN", "gru": "GRU", "lstm": "LSTM"}
TORCH_LAYERS = {"simple_rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def member_units(cell, members, units, m):
    """The documented layout: member m owns units m*units … (m+1)*units − 1 of every gate's chunk."""
    return [g * members * units + m * units + i for g in range(GATES[cell]) for i in range(units)]


def off_blocks(cell, members, units):
    """True where the recurrent kernel (Keras' layout, (members·units, gates·members·units)) joins two members."""
    joins = np.ones((members * units, GATES[cell] * members * units), dtype=bool)
    for m in range(members):
        joins[np.ix_(range(m * units, (m + 1) * units), member_units(cell, members, units, m))] = False
    return joins


def test_targets_put_each_delay_in_its_members_columns():
    X, _ = delay_task(40, 9, 0, seed=2)
    Y = memory_targets(X, [0, 3, 8], seeds=2)
    assert Y.shape == (40, 6) and Y.dtype == np.float32
    for j in range(6):
        delay = [0, 3, 8][j // 2]  # member j learns delays[j // seeds]
        np.testing.assert_array_equal(Y[:, j : j + 1], delay_task(40, 9, delay, seed=2)[1])
    assert not np.array_equal(Y[:, 0], Y[:, 2])
    np.testing.assert_array_equal(Y.reshape(40, 3, 2)[:, :, 0], Y.reshape(40, 3, 2)[:, :, 1])


def test_member_accuracy_scores_each_column():
    Y = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    logits = np.array([[2.0, 1.0], [-1.0, -3.0], [0.5, -1.0], [-0.1, -2.0]])
    np.testing.assert_array_equal(member_accuracy(logits, Y), [1.0, 0.25])


def lone_keras(cell, units, steps, seed=None, weights=None):
    """The lone network a member stands for, built the documented way."""
    keras = needs("keras")
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((steps, 1)), getattr(keras.layers, KERAS_LAYERS[cell])(units), keras.layers.Dense(1)]
    )
    if weights is not None:
        model.set_weights(weights)
    return model


@pytest.mark.parametrize("cell", CELLS)
def test_keras_members_start_as_lone_models_and_compute_what_they_compute(cell):
    keras = needs("keras")
    members, units, steps = 3, 4, 6
    X, _ = delay_task(32, steps, 1, seed=4)
    model = keras_memory_ensemble(cell, members, units, steps, seed=7)
    logits = memory_logits(model, X)
    assert logits.shape == (32, members)
    kernel, recurrent, bias, dense, dense_bias = model.get_weights()
    assert kernel.shape == (1, GATES[cell] * members * units)
    assert not recurrent[off_blocks(cell, members, units)].any()  # block-diagonal in every gate
    for m in range(members):
        weights = keras_memory_member(model, m)
        lone = lone_keras(cell, units, steps, seed=7 + m)  # set_random_seed(seed + m), then the lone model
        for mine, its in zip(weights, lone.get_weights(), strict=True):
            assert mine.shape == its.shape
            np.testing.assert_array_equal(mine, its)
        np.testing.assert_allclose(logits[:, m], keras.ops.convert_to_numpy(lone(X))[:, 0], atol=1e-5)
        lone_recurrent = weights[1]  # Keras' Orthogonal: one (units, gates·units) draw, orthonormal rows
        np.testing.assert_allclose(lone_recurrent @ lone_recurrent.T, np.eye(units), atol=1e-5)
        expected_bias = np.zeros_like(weights[2])
        if cell == "lstm":
            expected_bias[units : 2 * units] = 1.0  # unit_forget_bias
        np.testing.assert_array_equal(weights[2], expected_bias)
    assert bias.shape == ((2, 3 * members * units) if cell == "gru" else (GATES[cell] * members * units,))
    assert not np.array_equal(keras_memory_member(model, 0)[1], keras_memory_member(model, 1)[1])
    assert np.count_nonzero(dense) == members * units and not dense_bias.any()


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_keras_members_are_independent(cell):
    needs("keras")
    members, units, steps = 3, 2, 5
    X, _ = delay_task(16, steps, 1, seed=0)
    model = keras_memory_ensemble(cell, members, units, steps, seed=1)
    before = memory_logits(model, X)
    kernel, recurrent, *rest = model.get_weights()
    own = member_units(cell, members, units, 0)
    changed = kernel.copy()
    changed[:, own] += 0.5  # member 0's input weights, in every gate
    mine = recurrent.copy()
    mine[np.ix_(range(units), own)] *= -1.0  # member 0's recurrent block
    model.set_weights([changed, mine, *rest])
    after = memory_logits(model, X)
    assert np.abs(after[:, 0] - before[:, 0]).max() > 1e-3
    np.testing.assert_array_equal(after[:, 1:], before[:, 1:])
    coupled = recurrent.copy()
    coupled[0, member_units(cell, members, units, 1)] = 0.5  # member 0's state into member 1's gates
    model.set_weights([kernel, coupled, *rest])
    assert np.abs(memory_logits(model, X)[:, 1] - before[:, 1]).max() > 1e-4  # the check sees a coupling


def test_keras_members_trained_together_match_each_trained_alone():
    """Three ensembles (one per cell) joined into one model, trained full-batch: each member ends
    where the same lone model does, trained alone on its own targets with the same Adam."""
    keras = needs("keras")
    members, units, steps, n, epochs, lr = 2, 3, 6, 48, 6, 0.02
    X, _ = delay_task(n, steps, 1, seed=3)
    Y = memory_targets(X, [1, 3], seeds=1)
    parts = [keras_memory_ensemble(cell, members, units, steps, seed=10 * i) for i, cell in enumerate(CELLS)]
    start = [[keras_memory_member(part, m) for m in range(members)] for part in parts]
    joined = join_memory_ensembles(parts)
    before = memory_logits(joined, X)
    for i, part in enumerate(parts):
        np.testing.assert_array_equal(before[:, i * members : (i + 1) * members], memory_logits(part, X))
    fit = fit_memory_ensemble(joined, X, np.tile(Y, 3), epochs=epochs, batch_size=n, lr=lr, seed=5)
    assert fit["loss"].shape == (epochs, 3 * members)
    for i, (cell, part) in enumerate(zip(CELLS, parts, strict=True)):
        _, recurrent, _, dense, _ = part.get_weights()
        assert np.count_nonzero(recurrent) == members * units * GATES[cell] * units  # still block-diagonal
        assert not recurrent[off_blocks(cell, members, units)].any()
        assert np.count_nonzero(dense) == members * units
        m = 1
        lone = lone_keras(cell, units, steps, weights=start[i][m])
        lone.compile(optimizer=keras.optimizers.Adam(lr), loss=keras.losses.BinaryCrossentropy(from_logits=True))
        history = lone.fit(X, Y[:, m], epochs=epochs, batch_size=n, shuffle=False, verbose=0)
        trained = keras_memory_member(joined, i * members + m)
        for mine, its in zip(trained, lone.get_weights(), strict=True):
            np.testing.assert_allclose(mine, its, atol=1e-4)
        assert np.abs(trained[1] - start[i][m][1]).max() > 1e-3  # it did train
        np.testing.assert_allclose(fit["loss"][:, i * members + m], history.history["loss"], rtol=1e-4)


def test_keras_gru_learns_delay_one_and_the_same_seed_gives_the_same_training():
    needs("keras")
    X, _ = delay_task(1024, 8, 1, seed=0)
    X_val, _ = delay_task(1024, 8, 1, seed=1)
    Y, Y_val = memory_targets(X, [1], seeds=2), memory_targets(X_val, [1], seeds=2)
    runs = []
    for _ in range(2):
        model = keras_memory_ensemble("gru", 2, 8, 8, seed=0)
        runs.append(fit_memory_ensemble(model, X, Y, epochs=8, batch_size=128, lr=0.01, seed=0)["loss"])
    np.testing.assert_array_equal(runs[0], runs[1])
    assert (runs[0][-1] < runs[0][0]).all()
    assert (member_accuracy(memory_logits(model, X_val), Y_val) > 0.9).all()


# --- the same in PyTorch ---------------------------------------------------------------------------


def lone_torch(cell, units, seed):
    torch = needs("torch")
    torch.manual_seed(seed)
    return getattr(torch.nn, TORCH_LAYERS[cell])(1, units, batch_first=True), torch.nn.Linear(units, 1)


def torch_logits(rnn, out, X):
    torch = needs("torch")
    with torch.no_grad():
        states, _ = rnn(torch.from_numpy(X))
        return out(states[:, -1]).numpy()


@pytest.mark.parametrize("cell", CELLS)
def test_torch_members_start_as_lone_layers_and_compute_what_they_compute(cell):
    torch = needs("torch")
    members, units = 3, 4
    X, _ = delay_task(32, 6, 2, seed=4)
    model = torch_memory_ensemble(cell, members, units, seed=7)
    logits = memory_logits(model, X)
    assert logits.shape == (32, members)
    G = GATES[cell]
    assert tuple(model.rnn.weight_hh_l0.shape) == (G * members * units, members * units)
    for m in range(members):
        rnn, out = lone_torch(cell, units, seed=7 + m)  # torch.manual_seed(seed + m), then the lone layers
        state = torch.get_rng_state()
        member = model.member(m)
        assert torch.equal(torch.get_rng_state(), state)  # taking a member out draws no random numbers
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            np.testing.assert_array_equal(
                getattr(member.rnn, name).detach().numpy(), getattr(rnn, name).detach().numpy()
            )
        np.testing.assert_array_equal(member.out.weight.detach().numpy(), out.weight.detach().numpy())
        np.testing.assert_array_equal(member.out.bias.detach().numpy(), out.bias.detach().numpy())
        assert np.abs(rnn.weight_hh_l0.detach().numpy()).max() <= 1 / np.sqrt(units)  # the lone layer's bound
        np.testing.assert_allclose(logits[:, m], torch_logits(rnn, out, X)[:, 0], atol=1e-5)
        rows = member_units(cell, members, units, m)  # torch's rows: the same layout along its gate axis
        block = model.rnn.weight_hh_l0.detach().numpy()[rows]
        others = np.delete(block, range(m * units, (m + 1) * units), axis=1)
        assert not others.any()


def test_torch_members_trained_together_match_each_trained_alone():
    torch = needs("torch")
    members, units, n, epochs, lr = 3, 4, 48, 6, 0.02
    X, _ = delay_task(n, 6, 1, seed=3)
    Y = memory_targets(X, [1, 2, 4], seeds=1)
    for cell in CELLS:
        model = torch_memory_ensemble(cell, members, units, seed=2)
        fit = train_memory_ensemble(model, X, Y, epochs=epochs, batch_size=n, lr=lr, seed=1)
        assert fit["loss"].shape == (epochs, members)
        mask = model.hh_mask.numpy().astype(bool)
        assert not model.rnn.weight_hh_l0.detach().numpy()[~mask].any()  # the blocks between members stayed 0
        for m in (0, 2):
            rnn, out = lone_torch(cell, units, seed=2 + m)
            optimizer = torch.optim.Adam([*rnn.parameters(), *out.parameters()], lr=lr)
            losses = []
            for _ in range(epochs):
                optimizer.zero_grad()
                states, _ = rnn(torch.from_numpy(X))
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    out(states[:, -1]), torch.from_numpy(Y[:, m : m + 1])
                )
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            member = model.member(m)
            for mine, its in zip(member.parameters(), [*rnn.parameters(), *out.parameters()], strict=True):
                np.testing.assert_allclose(mine.detach().numpy(), its.detach().numpy(), atol=1e-4)
            np.testing.assert_allclose(fit["loss"][:, m], losses, rtol=1e-4)


def test_torch_gru_learns_delay_one_deterministically():
    needs("torch")
    X, _ = delay_task(1024, 8, 1, seed=0)
    X_val, _ = delay_task(1024, 8, 1, seed=1)
    Y, Y_val = memory_targets(X, [0, 1], seeds=1), memory_targets(X_val, [0, 1], seeds=1)
    runs = [
        train_memory_ensemble(torch_memory_ensemble("gru", 2, 8, seed=0), X, Y, epochs=8, lr=0.02, seed=3)["loss"]
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])
    model = torch_memory_ensemble("gru", 2, 8, seed=0)
    train_memory_ensemble(model, X, Y, epochs=8, lr=0.02, seed=3)
    assert (member_accuracy(memory_logits(model, X_val), Y_val) > 0.9).all()


# --- mistakes ----------------------------------------------------------------------------------------

X_SMALL, _ = delay_task(10, 5, 1, seed=0)
Y_SMALL = memory_targets(X_SMALL, [1, 2], seeds=1)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: memory_targets(X_SMALL, [1, 5]), r"delay = 5 does not fit in a sequence of 5 steps.*steps >= 6"),
        (lambda: memory_targets(X_SMALL, []), r"delays must be a non-empty list"),
        (lambda: memory_targets(X_SMALL, 2), r"delays must be a non-empty list.*\[1, 2, 4, 8\]"),
        (lambda: memory_targets(X_SMALL, [1, -1]), r"delays must be a non-empty list of whole numbers >= 0"),
        (lambda: memory_targets(X_SMALL, [1.5]), r"delays must be"),
        (lambda: memory_targets(X_SMALL, [1], seeds=0), r"seeds must be a whole number >= 1"),
        (lambda: memory_targets(np.ones((4, 5, 2)), [1]), r"one feature per step.*\(4, 5, 2\)"),
        (lambda: memory_targets(X_SMALL[..., 0], [1]), r"expected X with 3 axes.*X\[\.\.\., None\]"),
        (lambda: memory_targets(np.ones((0, 5, 1)), [1]), r"X is empty"),
        (lambda: member_accuracy(np.ones((10, 3)), Y_SMALL), r"one column per member.*\(sequences, 3\)"),
        (lambda: member_accuracy(np.ones((4, 2)), Y_SMALL), r"logits has 4 sequences but Y has 10 rows"),
        (lambda: member_accuracy(np.ones((10, 2)), Y_SMALL * 0.5), r"Y must hold 0/1 targets"),
        (lambda: member_accuracy(np.ones((0, 2)), np.ones((0, 2))), r"logits and Y are empty"),
        (lambda: keras_memory_ensemble("rnn", 2, 3, 5), r"cell must be one of 'simple_rnn', 'gru', 'lstm'"),
        (lambda: keras_memory_ensemble("gru", 0, 3, 5), r"members must be a whole number >= 1"),
        (lambda: keras_memory_ensemble("gru", 2, 0, 5), r"units must be a whole number >= 1"),
        (lambda: keras_memory_ensemble("gru", 2, 3, 5, seed=-1), r"seed must be a whole number >= 0"),
        (lambda: torch_memory_ensemble("transformer", 2, 3), r"cell must be one of"),
        (lambda: torch_memory_ensemble("lstm", 2, 2.5), r"units must be a whole number >= 1"),
        (lambda: memory_logits("a model", X_SMALL), r"keras_memory_ensemble, join_memory_ensembles or torch"),
    ],
)
def test_memory_ensemble_mistakes_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_keras_memory_ensemble_refuses_bad_input():
    needs("keras")
    model = keras_memory_ensemble("gru", 2, 3, 5)
    other = keras_memory_ensemble("lstm", 2, 3, 6)
    cases = [
        (lambda: fit_memory_ensemble(model, X_SMALL, Y_SMALL[:, :1], epochs=1), r"one column per member.*\(10, 1\)"),
        (lambda: fit_memory_ensemble(model, X_SMALL, Y_SMALL[:5], epochs=1), r"10 sequences but Y has 5 rows"),
        (lambda: fit_memory_ensemble(model, X_SMALL[:, :4], Y_SMALL, epochs=1), r"\(sequences, 5, 1\).*steps=4"),
        (lambda: fit_memory_ensemble(model, X_SMALL, Y_SMALL, epochs=0), r"epochs must be a whole number >= 1"),
        (lambda: fit_memory_ensemble(model, X_SMALL, Y_SMALL, epochs=1, batch_size=0), r"batch_size must be"),
        (lambda: fit_memory_ensemble(model, X_SMALL, Y_SMALL, epochs=1, lr=0), r"lr must be a positive number"),
        (lambda: fit_memory_ensemble(model, X_SMALL, Y_SMALL, epochs=1, jit_compile="yes"), r"jit_compile must"),
        (lambda: fit_memory_ensemble("model", X_SMALL, Y_SMALL, epochs=1), r"made by keras_memory_ensemble"),
        (lambda: keras_memory_member(model, 2), r"member must be an index in 0\.\.1, got 2"),
        (lambda: join_memory_ensembles([model, other]), r"same steps and features"),
        (lambda: join_memory_ensembles([model, model]), r"the same ensemble twice"),
        (lambda: join_memory_ensembles([join_memory_ensembles([model])]), r"not a model that join_memory"),
        (lambda: join_memory_ensembles([]), r"models must be a non-empty list"),
        (lambda: memory_logits(model, X_SMALL[:, :, [0, 0]]), r"\(sequences, 5, 1\).*features=2"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


def test_torch_memory_ensemble_refuses_bad_input():
    needs("torch")
    model = torch_memory_ensemble("gru", 2, 3)
    cases = [
        (lambda: train_memory_ensemble(model, X_SMALL, np.hstack([Y_SMALL, Y_SMALL]), epochs=1), r"one column per"),
        (lambda: train_memory_ensemble(model, X_SMALL[:, :, [0, 0]], Y_SMALL, epochs=1), r"1 features per step"),
        (lambda: train_memory_ensemble(model, X_SMALL, Y_SMALL, epochs=1, seed=1.5), r"seed must be"),
        (lambda: train_memory_ensemble(model, X_SMALL, Y_SMALL, epochs=1, lr=-0.1), r"lr must be"),
        (lambda: train_memory_ensemble("model", X_SMALL, Y_SMALL, epochs=1), r"made by torch_memory_ensemble"),
        (lambda: model.member(-1), r"member must be an index in 0\.\.1"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
