"""Many small PyTorch SimpleRNN forecasters trained at once (chapter 5).

A result from one random seed is an anecdote: chapter 5 reports every RNN score as a mean and a
standard deviation over several seeds, and retrains at several forecast origins. Trained one after
the other, that is dozens of tiny networks; :class:`RNNEnsemble` holds them as stacked weight
tensors and runs them in one batched loop over time, so that training them all costs about as much
as training one. Member ``k`` is exactly ``torch.nn.RNN`` + ``torch.nn.Linear`` (see
:meth:`RNNEnsemble.member`), initialised as PyTorch initialises them with ``torch.manual_seed(seed + k)``.

Its members are independent: the loss is the *sum* of the members' losses, so each member's gradient
is that of its own loss, and Adam adapts each weight separately.
"""

from __future__ import annotations

import numpy as np

from rnnbook._validate import as_array, learning_rate, positive_int, require
from rnnbook.i18n import tr


def _torch():
    return require("torch", "rnnbook.ensemble", package="PyTorch")


def _torch_module_base():
    return _torch().nn.Module


class RNNEnsemble(_torch_module_base()):
    """``members`` independent forecasters ``x → SimpleRNN(units) → last state → Linear(outputs)``.

    ``forward(x)`` takes windows ``(batch, time, features)`` shared by all members, or one batch per
    member ``(members, batch, time, features)``, and returns ``(members, batch, outputs)``.
    """

    def __init__(
        self,
        members: int,
        units: int,
        features: int = 1,
        outputs: int = 1,
        nonlinearity: str = "relu",
        seed: int = 0,
    ):
        super().__init__()
        torch = _torch()
        members, units = positive_int(members, "members"), positive_int(units, "units")
        features, outputs = positive_int(features, "features"), positive_int(outputs, "outputs")
        if nonlinearity not in ("relu", "tanh"):
            raise ValueError(
                tr("nonlinearity must be 'relu' or 'tanh' (as in torch.nn.RNN), got {value!r}", value=nonlinearity)
            )
        self.nonlinearity, self.seed = nonlinearity, int(seed)
        weights = {name: [] for name in ("W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out")}
        for k in range(members):
            torch.manual_seed(self.seed + k)
            rnn = torch.nn.RNN(features, units, nonlinearity=nonlinearity, batch_first=True)
            out = torch.nn.Linear(units, outputs)
            tensors = (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, out.weight, out.bias)
            for name, tensor in zip(weights, tensors, strict=True):
                weights[name].append(tensor.detach())
        for name, tensors in weights.items():
            setattr(self, name, torch.nn.Parameter(torch.stack(tensors)))

    @property
    def members(self) -> int:
        return self.W_ih.shape[0]

    def forward(self, x):
        torch = _torch()
        S, units, features = self.W_ih.shape
        if x.dim() == 3:
            x = x.expand(S, *x.shape)
        if x.dim() != 4 or x.shape[0] != S or x.shape[-1] != features:
            raise ValueError(
                tr(
                    "expected windows (batch, time, {features}) or ({members}, batch, time, {features}), "
                    "got shape {shape}",
                    features=features,
                    members=S,
                    shape=tuple(x.shape),
                )
            )
        act = torch.relu if self.nonlinearity == "relu" else torch.tanh
        # The input part of every step at once: (S, batch, time, units).
        inputs = torch.einsum("sbtf,suf->sbtu", x, self.W_ih) + (self.b_ih + self.b_hh)[:, None, None, :]
        h = inputs.new_zeros(S, x.shape[1], units)
        W_hh_T = self.W_hh.transpose(1, 2)
        for step in inputs.unbind(2):  # unbind, not inputs[:, :, t]: its backward is one stack
            h = act(step + torch.bmm(h, W_hh_T))
        return torch.bmm(h, self.W_out.transpose(1, 2)) + self.b_out[:, None, :]

    def member(self, k: int):
        """Member ``k`` as a plain ``torch.nn.Module``: ``torch.nn.RNN`` + ``torch.nn.Linear`` with its weights."""
        torch = _torch()
        if not (isinstance(k, (int, np.integer)) and 0 <= k < self.members):
            raise ValueError(tr("member must be an index in 0..{last}, got {k!r}", last=self.members - 1, k=k))
        _, units, features = self.W_ih.shape
        rnn = torch.nn.RNN(features, units, nonlinearity=self.nonlinearity, batch_first=True)
        out = torch.nn.Linear(units, self.W_out.shape[1])
        with torch.no_grad():
            for target, source in (
                (rnn.weight_ih_l0, self.W_ih),
                (rnn.weight_hh_l0, self.W_hh),
                (rnn.bias_ih_l0, self.b_ih),
                (rnn.bias_hh_l0, self.b_hh),
                (out.weight, self.W_out),
                (out.bias, self.b_out),
            ):
                target.copy_(source[k])

        class Forecaster(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn, self.out = rnn, out

            def forward(self, x):
                states, _ = self.rnn(x)
                return self.out(states[:, -1])

        return Forecaster()


def _as_tensor(values, name: str, ndim):
    torch = _torch()
    if isinstance(values, torch.Tensor):
        values = values.detach().numpy()
    return torch.from_numpy(as_array(values, name, ndim=ndim).astype(np.float32))


def _one_target_per_window(X, y) -> None:
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            tr("X has {windows} windows but y has {targets} targets", windows=X.shape[0], targets=y.shape[0])
        )


def train_ensemble(
    model: RNNEnsemble,
    X,
    y,
    *,
    epochs: int,
    lr: float = 0.01,
    X_val=None,
    y_val=None,
    mask=None,
) -> dict:
    """Full-batch Adam on every member at once, for ``epochs`` epochs.

    X: (batch, time, features), y: (batch, outputs), shared by the members. ``mask`` (members, batch)
    of 0/1 selects each member's own training windows (e.g. one forecast origin per member); without
    it every member trains on all windows. With validation data, each member keeps the weights of
    its own best validation epoch (early stopping with ``restore_best_weights``, per member); the
    validation windows go through the same forward pass as the training windows.
    Returns ``{"best_epoch": (members,), "val_loss": (members,), "history": (epochs + 1, members)}``,
    where ``history[e]`` is the validation MSE after ``e`` updates and ``best_epoch`` its argmin
    (only with validation data).
    """
    torch = _torch()
    if not isinstance(model, RNNEnsemble):
        raise ValueError(tr("model must be an RNNEnsemble, got {type}", type=type(model).__name__))
    epochs = positive_int(epochs, "epochs")
    lr = learning_rate(lr)
    X, y = _as_tensor(X, "X", 3), _as_tensor(y, "y", 2)
    _one_target_per_window(X, y)
    S = model.members
    if mask is None:
        weight = torch.full((S, X.shape[0]), 1.0 / X.shape[0])
    else:
        mask = _as_tensor(mask, "mask", 2)
        if tuple(mask.shape) != (S, X.shape[0]):
            raise ValueError(
                tr(
                    "mask must have shape (members, batch) = {expected}, got {shape}",
                    expected=(S, X.shape[0]),
                    shape=tuple(mask.shape),
                )
            )
        counts = mask.sum(dim=1, keepdim=True)
        if bool((counts == 0).any()):
            raise ValueError(tr("every member needs at least one training window in mask"))
        weight = mask / counts
    validate = X_val is not None
    n = X.shape[0]
    if validate:
        X_val, y_val = _as_tensor(X_val, "X_val", 3), _as_tensor(y_val, "y_val", 2)
        if X_val.shape[0] != y_val.shape[0] or X_val.shape[1:] != X.shape[1:] or y_val.shape[1] != y.shape[1]:
            raise ValueError(
                tr(
                    "validation windows {X_val} and targets {y_val} do not match the training ones {X} and {y}",
                    X_val=tuple(X_val.shape),
                    y_val=tuple(y_val.shape),
                    X=tuple(X.shape),
                    y=tuple(y.shape),
                )
            )
        X = torch.cat([X, X_val])  # one forward pass computes both
        best_loss = torch.full((S,), float("inf"))
        best_epoch = torch.zeros(S, dtype=torch.long)
        best = [p.detach().clone() for p in model.parameters()]
        history = []

    def keep_if_better(val, epoch):
        """Remember each member's weights when its validation error is its lowest so far."""
        nonlocal best_loss, best_epoch
        history.append(val.numpy().copy())
        better = val < best_loss
        best_loss = torch.where(better, val, best_loss)
        best_epoch = torch.where(better, torch.full_like(best_epoch, epoch), best_epoch)
        for kept, p in zip(best, model.parameters(), strict=True):
            kept.copy_(torch.where(better.view(-1, *[1] * (p.dim() - 1)), p, kept))

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        out = model(X)
        errors = ((out[:, :n] - y) ** 2).mean(dim=2)  # (members, batch)
        if validate:  # the weights after `epoch` updates, before this one
            with torch.no_grad():
                keep_if_better(((out[:, n:] - y_val) ** 2).mean(dim=(1, 2)), epoch)
        (errors * weight).sum().backward()  # the sum of the members' own losses
        optimizer.step()
    result = {}
    if validate:
        with torch.no_grad():
            keep_if_better(((model(X_val) - y_val) ** 2).mean(dim=(1, 2)), epochs)
            for kept, p in zip(best, model.parameters(), strict=True):
                p.copy_(kept)
        result = {"best_epoch": best_epoch.numpy(), "val_loss": best_loss.numpy(), "history": np.array(history)}
    return result


def predict(model: RNNEnsemble, X) -> np.ndarray:
    """Every member's forecasts for windows X (batch, time, features): (members, batch, outputs)."""
    torch = _torch()
    with torch.no_grad():
        return model(_as_tensor(X, "X", (3, 4))).numpy()


# --- The same in Keras: one SimpleRNN layer with block-diagonal weights ---------------------------


def _keras(user: str):
    return require("keras", user, package="Keras", install="keras tensorflow")


def _owners(members: int, units: int, features: int, outputs: int) -> list[np.ndarray]:
    """For each weight of the Keras ensemble, which member owns each entry (-1: none, kept at 0)."""
    unit_owner = np.repeat(np.arange(members), units)
    out_owner = np.repeat(np.arange(members), outputs)
    block = np.where(unit_owner[:, None] == unit_owner[None, :], unit_owner[:, None], -1)
    dense = np.where(unit_owner[:, None] == out_owner[None, :], unit_owner[:, None], -1)
    return [np.tile(unit_owner, (features, 1)), block, unit_owner, dense, out_owner]


def keras_ensemble(members: int, units: int, window: int, features: int = 1, outputs: int = 1, seed: int = 0):
    """``members`` independent ``SimpleRNN(units, activation="relu")`` + ``Dense(outputs)`` forecasters
    as one Keras model: a ``SimpleRNN(members * units)`` whose recurrent kernel is block-diagonal and a
    ``Dense(members * outputs)`` whose kernel is block-diagonal, kept so by a constraint.

    Block ``k`` of the weights is member ``k`` (see :func:`keras_member`); a zero block between two
    members means neither ever sees the other's state, so they are independent networks that share
    one loop over time, which Keras runs much faster than ``members`` separate layers. Each block is
    initialised as Keras initialises a lone ``SimpleRNN(units)``: Glorot uniform kernel, orthogonal
    recurrent kernel, zero bias. Output: ``(batch, members * outputs)``, member ``k`` in columns
    ``k*outputs … (k+1)*outputs − 1``.
    """
    keras = _keras("keras_ensemble")
    members, units = positive_int(members, "members"), positive_int(units, "units")
    window, features = positive_int(window, "window"), positive_int(features, "features")
    outputs = positive_int(outputs, "outputs")
    owners = _owners(members, units, features, outputs)

    class KeepBlocks(keras.constraints.Constraint):
        """Zero every entry that no member owns, after each update."""

        def __init__(self, owner):
            self.mask = (owner >= 0).astype("float32")

        def __call__(self, w):
            return w * self.mask

    def blocks(make, owner):
        """Fill each member's block with its own draw of a Keras initializer."""
        values = np.zeros(owner.shape, dtype="float32")
        for k in range(members):
            where = owner == k
            shape = (int(where.any(axis=1).sum()), int(where.any(axis=0).sum())) if owner.ndim == 2 else None
            values[where] = keras.ops.convert_to_numpy(make(seed * 1000 + k)(shape)).reshape(-1)
        return values

    kernel = blocks(lambda s: keras.initializers.GlorotUniform(seed=s), owners[0])
    recurrent = blocks(lambda s: keras.initializers.Orthogonal(seed=s), owners[1])
    dense = blocks(lambda s: keras.initializers.GlorotUniform(seed=s), owners[3])
    inputs = keras.Input((window, features))
    rnn = keras.layers.SimpleRNN(
        members * units,
        activation="relu",
        kernel_initializer=keras.initializers.Constant(kernel),
        recurrent_initializer=keras.initializers.Constant(recurrent),
        recurrent_constraint=KeepBlocks(owners[1]),
    )
    head = keras.layers.Dense(
        members * outputs,
        kernel_initializer=keras.initializers.Constant(dense),
        kernel_constraint=KeepBlocks(owners[3]),
    )
    model = keras.Model(inputs, head(rnn(inputs)))
    model.ensemble = {"members": members, "units": units, "outputs": outputs, "owners": owners}
    return model


def _check_keras_ensemble(model):
    if not hasattr(model, "ensemble"):
        raise ValueError(
            tr("expected a model made by rnnbook.ensemble.keras_ensemble, got {type}", type=type(model).__name__)
        )
    return model.ensemble


def keras_member(model, k: int) -> list[np.ndarray]:
    """Member ``k``'s weights, in the order of ``SimpleRNN(units)`` + ``Dense(outputs)``'s ``get_weights()``."""
    info = _check_keras_ensemble(model)
    if not (isinstance(k, (int, np.integer)) and 0 <= k < info["members"]):
        raise ValueError(tr("member must be an index in 0..{last}, got {k!r}", last=info["members"] - 1, k=k))
    units, outputs = (
        slice(k * info["units"], (k + 1) * info["units"]),
        slice(k * info["outputs"], (k + 1) * info["outputs"]),
    )
    kernel, recurrent, bias, dense, dense_bias = model.get_weights()
    return [kernel[:, units], recurrent[units, units], bias[units], dense[units, outputs], dense_bias[outputs]]


def keras_predict(model, X) -> np.ndarray:
    """Every member's forecasts for windows X (batch, time, features): (members, batch, outputs)."""
    keras = _keras("keras_predict")
    info = _check_keras_ensemble(model)
    X = as_array(X, "X", ndim=3, axes="(batch, time, features)").astype("float32")
    out = keras.ops.convert_to_numpy(model(X))
    return out.reshape(len(X), info["members"], info["outputs"]).transpose(1, 0, 2)


def fit_keras_ensemble(model, X, y, X_val, y_val, *, epochs: int, lr: float = 0.01, every: int = 10) -> dict:
    """Full-batch Adam on every member at once, each keeping the weights of its best validation check.

    The loss is the sum of the members' mean squared errors, so each member follows its own gradient.
    Keras' work around an epoch costs more than the epoch itself for models this small, so the data
    go in as a repeating ``tf.data`` dataset and ``steps_per_execution=every`` runs ``every`` passes
    per call; validation (and the choice of each member's best weights) follows every ``every`` passes.
    Returns ``{"best_epoch": (members,), "val_loss": (members,)}``.
    """
    keras = _keras("fit_keras_ensemble")
    tf = require("tensorflow", "fit_keras_ensemble", package="TensorFlow")

    info = _check_keras_ensemble(model)
    S, outputs = info["members"], info["outputs"]
    epochs, every = positive_int(epochs, "epochs"), positive_int(every, "every")
    lr = learning_rate(lr)
    arrays = []
    for name, values, ndim in (("X", X, 3), ("y", y, 2), ("X_val", X_val, 3), ("y_val", y_val, 2)):
        arrays.append(as_array(values, name, ndim=ndim).astype("float32"))
    X, y, X_val, y_val = arrays
    _one_target_per_window(X, y)
    _one_target_per_window(X_val, y_val)
    if y.shape[1] != outputs:
        raise ValueError(
            tr("y must have {outputs} columns, one per output, got {shape}", outputs=outputs, shape=y.shape)
        )

    def summed_mse(y_true, y_pred):
        return keras.ops.sum(keras.ops.square(y_true - y_pred), axis=-1) / outputs

    def member_mse(k):
        def mse(y_true, y_pred):
            part = slice(k * outputs, (k + 1) * outputs)
            return keras.ops.mean(keras.ops.square(y_true[:, part] - y_pred[:, part]), axis=-1)

        return keras.metrics.MeanMetricWrapper(mse, name=f"member_{k}")

    owners = info["owners"]

    class BestPerMember(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.best = np.full(S, np.inf)
            self.best_epoch = np.zeros(S, dtype=int)
            self.kept = model.get_weights()

        def on_epoch_end(self, epoch, logs=None):
            weights = None
            for k in range(S):
                loss = logs[f"val_member_{k}"]
                if loss < self.best[k]:
                    self.best[k], self.best_epoch[k] = loss, (epoch + 1) * every
                    weights = model.get_weights() if weights is None else weights
                    for kept, w, owner in zip(self.kept, weights, owners, strict=True):
                        kept[owner == k] = w[owner == k]

        def on_train_end(self, logs=None):
            model.set_weights(self.kept)

    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss=summed_mse,
        metrics=[member_mse(k) for k in range(S)],
        steps_per_execution=every,
    )
    keep = BestPerMember()
    model.fit(
        tf.data.Dataset.from_tensors((X, np.tile(y, S))).repeat(),
        steps_per_epoch=every,
        validation_data=tf.data.Dataset.from_tensors((X_val, np.tile(y_val, S))),
        epochs=max(1, epochs // every),
        shuffle=False,
        verbose=0,
        callbacks=[keep],
    )
    return {"best_epoch": keep.best_epoch, "val_loss": keep.best}
