"""rnnbook.ensemble against real PyTorch: each member is torch.nn.RNN + torch.nn.Linear, and
training members together is training each of them alone."""

import numpy as np
import pytest

from conftest import needs

torch = needs("torch")

from rnnbook.ensemble import RNNEnsemble, predict, train_ensemble  # noqa: E402


class Alone(torch.nn.Module):
    """One forecaster built the way a reader builds it (chapter 5's Forecaster)."""

    def __init__(self, features, units, outputs, nonlinearity):
        super().__init__()
        self.rnn = torch.nn.RNN(features, units, nonlinearity=nonlinearity, batch_first=True)
        self.out = torch.nn.Linear(units, outputs)

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.out(states[:, -1])


def data(n=40, steps=7, features=2, outputs=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps, features)).astype("float32")
    y = rng.normal(size=(n, outputs)).astype("float32")
    return X, y


@pytest.mark.parametrize("nonlinearity", ["relu", "tanh"])
def test_each_member_is_torch_rnn_initialised_with_its_seed(nonlinearity):
    X, _ = data()
    ensemble = RNNEnsemble(members=3, units=5, features=2, outputs=3, nonlinearity=nonlinearity, seed=7)
    out = predict(ensemble, X)
    assert out.shape == (3, 40, 3)
    for k in range(3):
        torch.manual_seed(7 + k)
        alone = Alone(2, 5, 3, nonlinearity)
        with torch.no_grad():
            expected = alone(torch.from_numpy(X)).numpy()
            np.testing.assert_allclose(out[k], expected, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(ensemble.member(k)(torch.from_numpy(X)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_members_trained_together_match_each_trained_alone():
    X, y = data()
    ensemble = RNNEnsemble(members=3, units=6, features=2, outputs=3, seed=0)
    train_ensemble(ensemble, X, y, epochs=25, lr=0.01)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for k in range(3):
        torch.manual_seed(k)
        alone = Alone(2, 6, 3, "relu")
        optimizer = torch.optim.Adam(alone.parameters(), lr=0.01)
        for _ in range(25):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(alone(Xt), yt).backward()
            optimizer.step()
        with torch.no_grad():
            np.testing.assert_allclose(predict(ensemble, X)[k], alone(Xt).numpy(), rtol=1e-4, atol=1e-5)


def test_a_mask_gives_each_member_only_its_own_windows():
    X, y = data()
    mask = np.zeros((2, 40))
    mask[0, :10] = 1  # member 0: the first 10 windows only
    mask[1, :] = 1
    ensemble = RNNEnsemble(members=2, units=4, features=2, outputs=3, seed=3)
    train_ensemble(ensemble, X, y, epochs=15, lr=0.02, mask=mask)
    torch.manual_seed(3)
    alone = Alone(2, 4, 3, "relu")
    optimizer = torch.optim.Adam(alone.parameters(), lr=0.02)
    Xt, yt = torch.from_numpy(X[:10]), torch.from_numpy(y[:10])
    for _ in range(15):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(alone(Xt), yt).backward()
        optimizer.step()
    with torch.no_grad():
        np.testing.assert_allclose(predict(ensemble, X)[0], alone(torch.from_numpy(X)).numpy(), rtol=1e-4, atol=1e-5)


def test_each_member_keeps_its_own_best_validation_epoch():
    X, y = data(n=60)
    ensemble = RNNEnsemble(members=4, units=8, features=2, outputs=3, seed=0)
    fit = train_ensemble(ensemble, X[:40], y[:40], X_val=X[40:], y_val=y[40:], epochs=60, lr=0.05)
    history = fit["history"]
    assert history.shape == (61, 4)  # after 0, 1, ..., 60 updates
    np.testing.assert_array_equal(fit["best_epoch"], history.argmin(axis=0))
    np.testing.assert_allclose(fit["val_loss"], history.min(axis=0), rtol=1e-6)
    restored = ((predict(ensemble, X[40:]) - y[40:]) ** 2).mean(axis=(1, 2))
    np.testing.assert_allclose(restored, fit["val_loss"], rtol=1e-5)
    assert len(set(fit["best_epoch"])) > 1 or fit["best_epoch"][0] < 60  # the members stop on their own


one = data(features=1, outputs=1)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: RNNEnsemble(members=0, units=3), "members"),
        (lambda: RNNEnsemble(members=2, units=3, nonlinearity="sigmoid"), "nonlinearity"),
        (lambda: RNNEnsemble(members=2, units=3).member(2), "0..1"),
        (lambda: train_ensemble(RNNEnsemble(2, 3), *data(features=1, outputs=1), epochs=0), "epochs"),
        (lambda: train_ensemble(RNNEnsemble(2, 3), *data(features=1, outputs=1), epochs=2, lr=-1), "lr"),
        (
            lambda: train_ensemble(RNNEnsemble(2, 3), *one, epochs=2, mask=np.ones((3, 40))),
            "mask",
        ),
        (
            lambda: train_ensemble(RNNEnsemble(2, 3), *one, epochs=2, mask=np.zeros((2, 40))),
            "mask",
        ),
        (lambda: train_ensemble(RNNEnsemble(2, 3), data(features=1)[0], data(n=30, outputs=1)[1], epochs=2), "windows"),
        (lambda: train_ensemble(RNNEnsemble(2, 3), np.full((4, 3, 1), np.nan), np.zeros((4, 1)), epochs=2), "NaN"),
        (lambda: predict(RNNEnsemble(2, 3, features=1), data(features=2)[0]), "(batch, time, 1)"),
        (lambda: train_ensemble("not a model", *data(features=1, outputs=1), epochs=2), "RNNEnsemble"),
        (lambda: train_ensemble(RNNEnsemble(2, 3), *one, epochs=2, X_val=one[0][:, :3], y_val=one[1]), "validation"),
    ],
)
def test_bad_input_is_refused_with_a_message_that_says_what_to_do(make, words):
    with pytest.raises(ValueError, match=None) as caught:
        make()
    assert words in str(caught.value)


# --- Keras: one SimpleRNN with block-diagonal weights is several independent SimpleRNNs -----------


def lone_keras(weights, window, features, units, outputs):
    import keras

    model = keras.Sequential(
        [
            keras.Input((window, features)),
            keras.layers.SimpleRNN(units, activation="relu"),
            keras.layers.Dense(outputs),
        ]
    )
    model.set_weights(weights)
    return model


def test_keras_members_are_lone_simple_rnns_initialised_as_keras_does():
    keras = needs("keras")
    from rnnbook.ensemble import keras_ensemble, keras_member, keras_predict

    X, _ = data(n=20, steps=6, features=2)
    model = keras_ensemble(members=3, units=4, window=6, features=2, outputs=3, seed=1)
    out = keras_predict(model, X)
    assert out.shape == (3, 20, 3)
    for k in range(3):
        kernel, recurrent, bias, _, dense_bias = keras_member(model, k)
        np.testing.assert_allclose(recurrent.T @ recurrent, np.eye(4), atol=1e-5)  # orthogonal
        assert not bias.any() and not dense_bias.any()
        assert np.abs(kernel).max() <= np.sqrt(6 / (2 + 4)) + 1e-6  # Glorot uniform limit
        lone = lone_keras(keras_member(model, k), 6, 2, 4, 3)
        np.testing.assert_allclose(out[k], keras.ops.convert_to_numpy(lone(X)), rtol=1e-5, atol=1e-6)
    assert not np.allclose(keras_member(model, 0)[1], keras_member(model, 1)[1])  # own draws


def test_keras_members_trained_together_match_each_trained_alone():
    keras = needs("keras")
    from rnnbook.ensemble import fit_keras_ensemble, keras_ensemble, keras_member, keras_predict

    X, y = data(n=40, steps=6, features=2)
    model = keras_ensemble(members=3, units=4, window=6, features=2, outputs=3, seed=0)
    start = [keras_member(model, k) for k in range(3)]
    fit = fit_keras_ensemble(model, X[:30], y[:30], X[30:], y[30:], epochs=40, lr=0.01, every=10)
    assert set(fit["best_epoch"]) <= {10, 20, 30, 40}
    recurrent = model.get_weights()[1]
    assert np.count_nonzero(recurrent) <= 3 * 4 * 4  # the blocks between members stayed zero
    for k in range(3):
        lone = lone_keras(start[k], 6, 2, 4, 3)
        lone.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        lone.fit(X[:30], y[:30], epochs=int(fit["best_epoch"][k]), batch_size=30, shuffle=False, verbose=0)
        np.testing.assert_allclose(
            keras_predict(model, X)[k], keras.ops.convert_to_numpy(lone(X)), rtol=1e-4, atol=1e-5
        )
        val = float(np.mean((keras_predict(model, X[30:])[k] - y[30:]) ** 2))
        np.testing.assert_allclose(val, fit["val_loss"][k], rtol=1e-4)


def test_keras_ensemble_refuses_bad_input():
    needs("keras")
    from rnnbook.ensemble import fit_keras_ensemble, keras_ensemble, keras_member, keras_predict

    model = keras_ensemble(members=2, units=3, window=5)
    X, y = data(n=10, steps=5, features=1, outputs=1)
    cases = [
        (lambda: keras_ensemble(members=0, units=3, window=5), "members"),
        (lambda: keras_member(model, 2), "0..1"),
        (lambda: keras_predict("model", X), "keras_ensemble"),
        (lambda: keras_predict(model, X[0]), "(batch, time, features)"),
        (lambda: fit_keras_ensemble(model, X, y[:5], X, y, epochs=10), "windows"),
        (lambda: fit_keras_ensemble(model, X, np.hstack([y, y]), X, y, epochs=10), "columns"),
        (lambda: fit_keras_ensemble(model, X, y, X, y, epochs=10, lr=0), "lr"),
    ]
    for make, words in cases:
        with pytest.raises(ValueError) as caught:
            make()
        assert words in str(caught.value)
