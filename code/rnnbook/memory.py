"""The delay-k recall task: how far back can a recurrent network remember?

Each sequence ``x_1, …, x_T`` is ``T = steps`` i.i.d. standard normal values, and the network, after
reading the whole sequence, must recall ``x_{T−k}``, the input ``k = delay`` steps before the last
one. With ``delay = 1`` this is chapter 1's task, asked at the last step: output the *previous*
value ``x_{t−1}`` at step ``t = T``; ``delay = 0`` asks for the current input, which needs no memory.
A network that keeps nothing from the past scores chance whenever ``delay >= 1``.

With ``kind="sign"`` (the default) the target is 1 where that input was positive and 0 otherwise,
as in chapter 1, scored with :func:`delay_accuracy`; with ``kind="value"`` it is the value itself.

How memory fades with ``k`` is a question about many networks: three cells, several delays, several
seeds each. Trained one after the other they would cost minutes; trained as one *memory ensemble*
they cost about as much as one network. The ensemble's members all read the same sequences, and
member ``j`` has its own targets, column ``j`` of the matrix :func:`memory_targets` makes (member
``j`` learns ``delays[j // seeds]``). In Keras (:func:`keras_memory_ensemble`) the members are one
``SimpleRNN``/``GRU``/``LSTM`` layer of ``members * units`` units whose recurrent kernel is
block-diagonal in every gate, so that no member ever reads another's hidden state, and a
block-diagonal ``Dense`` head that gives one logit per member; in PyTorch
(:func:`torch_memory_ensemble`) the same with ``nn.RNN``/``nn.GRU``/``nn.LSTM``. The loss is the sum
of the members' binary cross-entropies, so each member follows the gradient of its own loss and,
Adam adapting each weight on its own, trains exactly as it would alone
(:func:`fit_memory_ensemble`, :func:`train_memory_ensemble`).
"""

from __future__ import annotations

import numbers
import sys

import numpy as np

from rnnbook._validate import (
    as_array,
    check_choice,
    learning_rate,
    positive_int,
    require,
    seed_value,
    whole_number,
)
from rnnbook.i18n import tr

KINDS = ("sign", "value")
CELLS = ("simple_rnn", "gru", "lstm")
"""The memory ensemble's cells: Keras' SimpleRNN, GRU and LSTM, torch's nn.RNN, nn.GRU and nn.LSTM."""
GATES = {"simple_rnn": 1, "gru": 3, "lstm": 4}
"""Blocks of units per cell: Keras' kernels have ``GATES[cell] * units`` columns (GRU z|r|h, LSTM
i|f|c|o), torch's weights as many rows (GRU r|z|n, LSTM i|f|g|o)."""


def delay_task(num_sequences: int, steps: int, delay: int, seed: int = 0, kind: str = "sign"):
    """Data of the delay-k recall task: ``(X, y)``, both float32.

    X: ``(num_sequences, steps, 1)``, i.i.d. standard normal (one feature per step). y:
    ``(num_sequences, 1)``, read from the input ``delay`` steps before the last step,
    ``X[:, steps - 1 - delay, 0]``: that value for ``kind="value"``, and for ``kind="sign"`` 1.0 where
    it is positive, 0.0 otherwise (about half the targets each). ``0 <= delay < steps``. The same
    ``seed`` gives the same data, another seed other data.
    """
    n = positive_int(num_sequences, "num_sequences")
    T = positive_int(steps, "steps")
    if not whole_number(delay) or delay < 0:
        raise ValueError(
            tr(
                "delay must be a whole number >= 0 (0 = the last input itself, 1 = the one before it), got {delay!r}",
                delay=delay,
            )
        )
    if delay >= T:
        raise ValueError(
            tr(
                "delay = {delay} does not fit in a sequence of {steps} steps: the target, {delay} steps before "
                "the last, would come before the first step; use steps >= {needed} or a smaller delay",
                delay=delay,
                steps=T,
                needed=delay + 1,
            )
        )
    seed = seed_value(seed)
    check_choice(kind, "kind", KINDS)
    X = np.random.default_rng(int(seed)).standard_normal((n, T, 1)).astype(np.float32)
    target = X[:, T - 1 - int(delay), :].copy()  # (n, 1)
    if kind == "sign":
        target = (target > 0).astype(np.float32)
    return X, target


def delay_accuracy(predictions, y, threshold: float = 0.0) -> float:
    """Fraction of sequences whose sign ``delay_task(kind="sign")`` predicts correctly.

    ``predictions`` are logits, the output of a final ``Dense(1)`` without activation: a prediction
    above ``threshold = 0`` means "positive" (target 1), anything else 0. For probabilities (a final
    sigmoid) pass ``threshold=0.5``. predictions and y: ``(n, 1)`` or ``(n,)``, y holding 0/1.
    """
    predictions = as_array(predictions, "predictions", ndim=(1, 2), axes=("(n,)", "(n, 1)"))
    y = as_array(y, "y", ndim=(1, 2), axes=("(n,)", "(n, 1)"))
    if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool) or not np.isfinite(threshold):
        raise ValueError(
            tr(
                "threshold must be a finite number: 0 for logits, 0.5 for probabilities; got {threshold!r}",
                threshold=threshold,
            )
        )
    columns_ok = all(a.ndim == 1 or a.shape[1] == 1 for a in (predictions, y))
    if not columns_ok or predictions.size != y.size:
        raise ValueError(
            tr(
                "predictions and y must hold one value per sequence, (n, 1) or (n,), the same n; "
                "got shapes {predictions_shape} and {y_shape}",
                predictions_shape=predictions.shape,
                y_shape=y.shape,
            )
        )
    if y.size == 0:
        raise ValueError(tr("predictions and y are empty: there is nothing to score"))
    y = y.reshape(-1)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(
            tr(
                'y must hold 0/1 targets, as delay_task(kind="sign") makes them; got other values. '
                'For kind="value" measure an error instead, e.g. the mean squared error'
            )
        )
    return float(np.mean((predictions.reshape(-1) > threshold) == (y == 1.0)))


# --------------------------------------------------------------------------- many delays at once


def _sequences(X, name: str = "X") -> np.ndarray:
    """X as float32 ``(sequences, steps, features)`` with at least one sequence and one step."""
    X = as_array(X, name, ndim=3, axes="(sequences, steps, features)")
    if 0 in X.shape:
        raise ValueError(
            tr(
                "{name} is empty (shape {shape}): it needs at least one sequence of at least one step "
                "of at least one feature",
                name=name,
                shape=X.shape,
            )
        )
    return X.astype(np.float32)


def memory_targets(X, delays, seeds: int = 1) -> np.ndarray:
    """The targets of a memory ensemble that learns every delay in ``delays``, ``seeds`` times each.

    X: ``(sequences, steps, 1)``, e.g. from :func:`delay_task` (whose inputs do not depend on its
    delay). Returns float32 ``(sequences, len(delays) * seeds)``: column ``j`` is member ``j``'s
    target, 1.0 where the input ``delays[j // seeds]`` steps before the last one was positive, 0.0
    otherwise, as ``delay_task(kind="sign")`` makes it. The members are ordered delay by delay:
    ``Y.reshape(sequences, len(delays), seeds)[:, i, r]`` is the target of the ``r``-th member that
    learns ``delays[i]``, member ``j = i * seeds + r``. The ``seeds`` members of one delay see the
    same data and differ only in their initial weights (an ensemble built with ``seed`` starts
    member ``j`` from ``seed + j``), so their spread is the spread over seeds.
    """
    X = _sequences(X)
    steps = X.shape[1]
    if X.shape[2] != 1:
        raise ValueError(
            tr(
                "X must have one feature per step, (sequences, steps, 1), as delay_task makes it; got shape "
                "{shape}. The target is the sign of that one input",
                shape=X.shape,
            )
        )
    values = np.asarray(delays, dtype=object) if not isinstance(delays, (str, bytes)) else None
    if values is None or values.ndim != 1 or values.size == 0 or not all(whole_number(k) and k >= 0 for k in values):
        raise ValueError(
            tr(
                "delays must be a non-empty list of whole numbers >= 0, e.g. [1, 2, 4, 8], got {delays!r}",
                delays=delays,
            )
        )
    for k in values:
        if k >= steps:
            raise ValueError(
                tr(
                    "delay = {delay} does not fit in a sequence of {steps} steps: the target, {delay} steps before "
                    "the last, would come before the first step; use steps >= {needed} or a smaller delay",
                    delay=int(k),
                    steps=steps,
                    needed=int(k) + 1,
                )
            )
    seeds = positive_int(seeds, "seeds")
    inputs = X[:, [steps - 1 - int(k) for k in values], 0]  # (sequences, delays)
    return np.repeat((inputs > 0).astype(np.float32), seeds, axis=1)


def _targets(Y, members: int, sequences: int, name: str = "X") -> np.ndarray:
    """Y as float32 ``(sequences, members)`` 0/1 targets, one column per member; ``name`` holds the sequences."""
    Y = as_array(Y, "Y", ndim=2, axes="(sequences, members)")
    if Y.shape[1] != members:
        raise ValueError(
            tr(
                "Y must have one column per member, (sequences, {members}) for this ensemble of {members} "
                "members; got shape {shape}. memory_targets(X, delays, seeds) makes len(delays) * seeds columns: "
                "build the ensemble with members = len(delays) * seeds",
                members=members,
                shape=Y.shape,
            )
        )
    if Y.shape[0] != sequences:
        raise ValueError(
            tr(
                "{name} has {sequences} sequences but Y has {rows} rows: Y needs one row of targets per sequence",
                name=name,
                sequences=sequences,
                rows=Y.shape[0],
            )
        )
    if not np.isin(Y, (0.0, 1.0)).all():
        raise ValueError(
            tr("Y must hold 0/1 targets, the sign of an earlier input as memory_targets makes them; got other values")
        )
    return Y.astype(np.float32)


def member_accuracy(logits, Y) -> np.ndarray:
    """Each member's fraction of correct signs: ``(members,)``.

    logits: ``(sequences, members)``, e.g. from :func:`memory_logits` (a logit above 0 means
    "positive"); Y: the same shape, 0/1, from :func:`memory_targets`. Column ``j`` of both is member
    ``j``; :func:`delay_accuracy` scores one column.
    """
    logits = as_array(logits, "logits", ndim=2, axes="(sequences, members)")
    Y = _targets(Y, logits.shape[1], logits.shape[0], name="logits")
    if Y.size == 0:
        raise ValueError(tr("logits and Y are empty: there is nothing to score"))
    return np.mean((logits > 0) == (Y == 1.0), axis=0)


def _orders(sequences: int, epochs: int, seed: int) -> np.ndarray:
    """The order in which each epoch visits the sequences, ``(epochs, sequences)``: Keras and torch
    training with the same seed see the same mini-batches."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(sequences) for _ in range(epochs)]).astype(np.int64)


def _member_index(k, members: int) -> int:
    if not (whole_number(k) and 0 <= k < members):
        raise ValueError(tr("member must be an index in 0..{last}, got {k!r}", last=members - 1, k=k))
    return int(k)


def _gate_units(gates: int, members: int, units: int, m: int) -> np.ndarray:
    """Member m's positions along a gate-stacked axis (Keras' columns, torch's rows): the axis holds
    ``gates`` chunks of ``members * units``, and member m owns units ``m*units … (m+1)*units − 1`` of each."""
    width = members * units
    return (np.arange(gates)[:, None] * width + m * units + np.arange(units)[None, :]).reshape(-1)


def _check_cell(cell) -> str:
    return check_choice(cell, "cell", CELLS)


# --------------------------------------------------------------------------- Keras


_KERAS_LAYERS = {"simple_rnn": "SimpleRNN", "gru": "GRU", "lstm": "LSTM"}


def _keras(user: str):
    return require("keras", user, package="Keras", install="keras tensorflow")


def _lone_keras_initial(keras, cell: str, units: int, features: int, seed: int):
    """The initial kernel, recurrent kernel and Dense kernel of the lone model that
    ``keras.utils.set_random_seed(seed)`` followed by
    ``keras.Sequential([keras.Input((steps, features)), CELL(units), keras.layers.Dense(1)])`` builds.

    Creating the layers draws each initializer's seed from Python's ``random``, in this order; the
    drawn values then depend on that seed alone, so calling the initializers gives the very weights
    that building the layers would, without building a model."""
    keras.utils.set_random_seed(seed)
    rnn = getattr(keras.layers, _KERAS_LAYERS[cell])(units)
    head = keras.layers.Dense(1)
    width = GATES[cell] * units
    return [
        keras.ops.convert_to_numpy(make(shape, dtype="float32"))
        for make, shape in (
            (rnn.cell.kernel_initializer, (features, width)),
            (rnn.cell.recurrent_initializer, (units, width)),
            (head.kernel_initializer, (units, 1)),
        )
    ]


def keras_memory_ensemble(cell: str, members: int, units: int, steps: int, seed: int = 0, features: int = 1):
    """``members`` independent delay-task networks ``CELL(units)`` + ``Dense(1)`` as one Keras model.

    cell: ``"simple_rnn"``, ``"gru"`` or ``"lstm"`` (Keras' ``SimpleRNN`` with its default tanh,
    ``GRU``, ``LSTM``, default arguments). The model is ``keras.Input((steps, features))`` →
    ``CELL(members * units)`` → ``Dense(members)``, one logit per member (column ``m`` = member
    ``m``). Keras lays each gate out as a chunk of ``members * units`` columns (GRU z|r|h, LSTM
    i|f|c|o; see :mod:`rnnbook.gated`); member ``m`` owns units ``m*units … (m+1)*units − 1`` of
    every chunk, and the recurrent kernel is block-diagonal in every chunk, as is the head's kernel:
    a zero block between two members means neither ever reads the other's state. A constraint
    zeroes those blocks again after each update. The input kernel needs no mask: every input feeds
    every member.

    Member ``m`` starts as the lone model ``keras.Sequential([keras.Input((steps, features)),
    CELL(units), keras.layers.Dense(1)])`` built right after ``keras.utils.set_random_seed(seed +
    m)``: Glorot uniform kernel, orthogonal recurrent kernel (one ``(units, gates·units)`` draw, as
    the lone layer makes it), zero biases, except the LSTM's forget-gate bias 1 (``unit_forget_bias``)
    and the GRU's two bias rows (``reset_after=True``). Building the ensemble therefore also leaves
    Keras' random seed set, to ``seed + members − 1``. :func:`keras_memory_member` reads a member's weights.
    """
    cell = _check_cell(cell)
    members, units = positive_int(members, "members"), positive_int(units, "units")
    steps, features = positive_int(steps, "steps"), positive_int(features, "features")
    seed = seed_value(seed)
    keras = _keras("keras_memory_ensemble")
    gates, width = GATES[cell], members * units
    kernel = np.zeros((features, gates * width), dtype=np.float32)
    recurrent = np.zeros((width, gates * width), dtype=np.float32)
    dense = np.zeros((width, members), dtype=np.float32)
    for m in range(members):
        lone_kernel, lone_recurrent, lone_dense = _lone_keras_initial(keras, cell, units, features, seed + m)
        columns, rows = _gate_units(gates, members, units, m), slice(m * units, (m + 1) * units)
        kernel[:, columns] = lone_kernel
        recurrent[rows, columns] = lone_recurrent
        dense[rows, m] = lone_dense[:, 0]

    class KeepBlocks(keras.constraints.Constraint):
        """Zero, after each update, every weight that joins two members."""

        def __init__(self, mask):
            self.mask = mask

        def __call__(self, w):
            return w * self.mask

    rnn = getattr(keras.layers, _KERAS_LAYERS[cell])(
        width,
        kernel_initializer=keras.initializers.Constant(kernel),
        recurrent_initializer=keras.initializers.Constant(recurrent),
        recurrent_constraint=KeepBlocks((recurrent != 0).astype(np.float32)),
    )
    head = keras.layers.Dense(
        members,
        kernel_initializer=keras.initializers.Constant(dense),
        kernel_constraint=KeepBlocks((dense != 0).astype(np.float32)),
    )
    inputs = keras.Input((steps, features))
    model = keras.Model(inputs, head(rnn(inputs)), name=f"{cell}_memory_ensemble")
    model.memory = {"cell": cell, "members": members, "units": units, "steps": steps, "features": features}
    return model


def _keras_memory_info(model) -> dict:
    info = getattr(model, "memory", None)
    if not isinstance(info, dict):
        raise ValueError(
            tr(
                "model must be a Keras model made by keras_memory_ensemble or join_memory_ensembles, got {type}",
                type=type(model).__name__,
            )
        )
    return info


def join_memory_ensembles(models):
    """Several :func:`keras_memory_ensemble` models as one Keras model, to train them in one call.

    models: a list of ensembles built for the same ``steps`` and ``features``, e.g. one per cell.
    The joined model feeds the same input to each and puts their logits side by side, ``(batch,
    total members)``: the first model's members first, then the second's, and so on. It shares
    their layers, so training it trains them: afterwards each part is still a model of its own
    (:func:`keras_memory_member` reads a member from the part or from the joined model). Keras then
    traces one training step instead of one per model, and TensorFlow runs the parts' loops over
    time side by side, on two cores about twice as fast as one after the other; each member still
    trains exactly as it would alone.
    """
    keras = _keras("join_memory_ensembles")
    if isinstance(models, (str, bytes)) or not hasattr(models, "__len__") or len(models) == 0:
        raise ValueError(
            tr(
                "models must be a non-empty list of models made by keras_memory_ensemble, got {value!r}",
                value=models,
            )
        )
    infos = [_keras_memory_info(model) for model in models]
    for model, info in zip(models, infos, strict=True):
        if "parts" in info:
            raise ValueError(tr("join the ensembles themselves, not a model that join_memory_ensembles made"))
        if sum(other is model for other in models) > 1:
            raise ValueError(tr("models lists the same ensemble twice: build a second one, with another seed"))
        if (info["steps"], info["features"]) != (infos[0]["steps"], infos[0]["features"]):
            raise ValueError(
                tr(
                    "the ensembles must read the same sequences, but one expects {steps} steps of {features} "
                    "features and another {first_steps} steps of {first_features}: build them with the same "
                    "steps and features",
                    steps=info["steps"],
                    features=info["features"],
                    first_steps=infos[0]["steps"],
                    first_features=infos[0]["features"],
                )
            )
    inputs = keras.Input((infos[0]["steps"], infos[0]["features"]))
    outputs = [model(inputs) for model in models]
    joined = keras.Model(inputs, keras.layers.Concatenate()(outputs) if len(outputs) > 1 else outputs[0])
    joined.memory = {
        "members": sum(info["members"] for info in infos),
        "steps": infos[0]["steps"],
        "features": infos[0]["features"],
        "parts": list(models),
    }
    return joined


def _keras_sequences(info: dict, X) -> np.ndarray:
    X = _sequences(X)
    if X.shape[1:] != (info["steps"], info["features"]):
        raise ValueError(
            tr(
                "X must be (sequences, {steps}, {features}), the steps and features this ensemble was built for; "
                "got shape {shape}. Build the ensemble with steps={got_steps}, features={got_features}",
                steps=info["steps"],
                features=info["features"],
                shape=X.shape,
                got_steps=X.shape[1],
                got_features=X.shape[2],
            )
        )
    return X


def keras_memory_member(model, m: int) -> list[np.ndarray]:
    """Member ``m``'s weights, in the order of the lone model's ``get_weights()``:
    ``keras.Sequential([keras.Input((steps, features)), CELL(units), keras.layers.Dense(1)])``,
    i.e. kernel ``(features, gates·units)``, recurrent kernel ``(units, gates·units)``, bias
    (``(2, 3·units)`` for the GRU), Dense kernel ``(units, 1)``, Dense bias ``(1,)``. Pass them to the
    lone model's ``set_weights`` and it computes member ``m``'s logit. For a joined model
    (:func:`join_memory_ensembles`) ``m`` counts the members of all its parts, in order."""
    info = _keras_memory_info(model)
    m = _member_index(m, info["members"])
    for part in info.get("parts", ()):
        if m < part.memory["members"]:
            return keras_memory_member(part, m)
        m -= part.memory["members"]
    units = info["units"]
    columns = _gate_units(GATES[info["cell"]], info["members"], units, m)
    rows = slice(m * units, (m + 1) * units)
    kernel, recurrent, bias, dense, dense_bias = model.get_weights()
    return [
        kernel[:, columns],
        recurrent[rows][:, columns],
        bias[..., columns],
        dense[rows, m : m + 1],
        dense_bias[m : m + 1],
    ]


def fit_memory_ensemble(
    model,
    X,
    Y,
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 0.01,
    seed: int = 0,
    jit_compile: bool = False,
) -> dict:
    """Train every member of a :func:`keras_memory_ensemble` (or :func:`join_memory_ensembles`) at
    once: Adam on mini-batches.

    X: ``(sequences, steps, features)``, shared by the members; Y: ``(sequences, members)`` 0/1, column
    ``m`` member ``m``'s targets (:func:`memory_targets`). The loss of a batch is the *sum* over
    members of each member's binary cross-entropy from its logit, averaged over the batch, so member
    ``m``'s weights get the gradient of member ``m``'s own loss, the gradient a lone model compiled
    with ``loss=keras.losses.BinaryCrossentropy(from_logits=True)`` and ``Adam(lr)`` gets. (Keras'
    ``BinaryCrossentropy`` would *average* over the members' columns, dividing every gradient by
    ``members``: Adam, which divides each gradient by its running size, would hardly notice, but
    plain SGD would take ``members`` times smaller steps.)

    Each epoch visits the sequences in an order drawn from ``seed`` (the same as
    :func:`train_memory_ensemble`'s), in batches of ``batch_size``, the last one smaller if
    ``batch_size`` does not divide ``sequences``; the same model, data and seed give the same
    training. One call compiles the model once and runs one epoch per Keras step
    (``steps_per_execution``); each call starts a fresh Adam. ``jit_compile=True`` asks TensorFlow
    to compile the training step with XLA: on a CPU it costs more to compile than it saves.

    Returns ``{"loss": (epochs, members)}``: each member's mean training loss over each epoch.
    """
    keras = _keras("fit_memory_ensemble")
    tf = require("tensorflow", "fit_memory_ensemble", package="TensorFlow")
    info = _keras_memory_info(model)
    members = info["members"]
    X = _keras_sequences(info, X)
    Y = _targets(Y, members, len(X))
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    lr, seed = learning_rate(lr), seed_value(seed)
    if not isinstance(jit_compile, (bool, np.bool_)):
        raise ValueError(tr("{name} must be True or False, got {value!r}", name="jit_compile", value=jit_compile))

    class MemberLoss(keras.metrics.Metric):
        """Each member's mean loss over the epoch: a vector, one entry per member."""

        def __init__(self):
            super().__init__(name="member_loss")
            self.total = self.add_variable(shape=(members,), initializer="zeros", name="total")
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            losses = keras.ops.binary_crossentropy(y_true, y_pred, from_logits=True)
            self.total.assign_add(keras.ops.sum(losses, axis=0))
            self.count.assign_add(keras.ops.cast(keras.ops.shape(y_true)[0], "float32"))

        def result(self):
            return self.total / self.count

    def summed_loss(y_true, y_pred):  # per sequence; Keras then averages over the batch
        return keras.ops.sum(keras.ops.binary_crossentropy(y_true, y_pred, from_logits=True), axis=-1)

    per_epoch = -(-len(X) // batch_size)
    X_all, Y_all = tf.constant(X), tf.constant(Y)
    data = (
        tf.data.Dataset.from_tensor_slices(_orders(len(X), epochs, seed))
        .flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
        .map(lambda batch: (tf.gather(X_all, batch), tf.gather(Y_all, batch)))
        .prefetch(tf.data.AUTOTUNE)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss=summed_loss,
        metrics=[MemberLoss()],
        steps_per_execution=per_epoch,
        jit_compile=bool(jit_compile),
    )
    history = model.fit(data, epochs=epochs, steps_per_epoch=per_epoch, shuffle=False, verbose=0)
    return {"loss": np.array(history.history["member_loss"], dtype=np.float64).reshape(epochs, members)}


# --------------------------------------------------------------------------- PyTorch


_TORCH_LAYERS = {"simple_rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def _torch(user: str):
    return require("torch", user, package="PyTorch")


_TORCH_CLASSES: dict = {}


def _torch_classes():
    """The torch modules, defined on first use: rnnbook.memory imports without PyTorch."""
    if _TORCH_CLASSES:
        return _TORCH_CLASSES["lone"], _TORCH_CLASSES["ensemble"]
    torch = _torch("torch_memory_ensemble")

    class LoneRecall(torch.nn.Module):
        """One delay-task network: ``nn.RNN|GRU|LSTM(features, units, batch_first=True)``, its last
        state, ``nn.Linear(units, 1)``: a logit ``(batch, 1)``."""

        def __init__(self, cell: str, units: int, features: int = 1):
            super().__init__()
            self.cell = cell
            self.rnn = getattr(torch.nn, _TORCH_LAYERS[cell])(features, units, batch_first=True)
            self.out = torch.nn.Linear(units, 1)

        def forward(self, x):
            states, _ = self.rnn(x)
            return self.out(states[:, -1])

    class MemoryEnsemble(torch.nn.Module):
        """``members`` delay-task networks in one ``nn.RNN|GRU|LSTM(features, members * units)`` whose
        ``weight_hh_l0`` is block-diagonal in every gate, and a per-member head: ``forward(x)`` takes
        ``(batch, steps, features)`` and returns the logits ``(batch, members)``."""

        def __init__(self, cell: str, members: int, units: int, features: int = 1, seed: int = 0):
            super().__init__()
            self.cell, self.members, self.units, self.features = cell, members, units, features
            gates, width = GATES[cell], members * units
            Layer = getattr(torch.nn, _TORCH_LAYERS[cell])
            self.rnn = Layer(features, width, batch_first=True)
            self.weight = torch.nn.Parameter(torch.zeros(members, units))  # member m's Linear weight: row m
            self.bias = torch.nn.Parameter(torch.zeros(members))
            mask = torch.zeros(gates * width, width)
            with torch.no_grad():
                self.rnn.weight_hh_l0.zero_()
                for m in range(members):
                    torch.manual_seed(seed + m)
                    lone = LoneRecall(cell, units, features)
                    rows = torch.from_numpy(_gate_units(gates, members, units, m))
                    columns = slice(m * units, (m + 1) * units)
                    self.rnn.weight_ih_l0[rows] = lone.rnn.weight_ih_l0
                    self.rnn.weight_hh_l0[rows, columns] = lone.rnn.weight_hh_l0
                    self.rnn.bias_ih_l0[rows] = lone.rnn.bias_ih_l0
                    self.rnn.bias_hh_l0[rows] = lone.rnn.bias_hh_l0
                    mask[rows, columns] = 1.0
                    self.weight[m] = lone.out.weight[0]
                    self.bias[m] = lone.out.bias[0]
            self.register_buffer("hh_mask", mask)

        def forward(self, x):
            states, _ = self.rnn(x)
            last = states[:, -1].reshape(x.shape[0], self.members, self.units)
            return torch.einsum("bmu,mu->bm", last, self.weight) + self.bias

        def member(self, m: int):
            """Member ``m`` as a lone module (``.rnn``, ``.out``) with its current weights."""
            m = _member_index(m, self.members)
            gates, units = GATES[self.cell], self.units
            rows = torch.from_numpy(_gate_units(gates, self.members, units, m))
            columns = slice(m * units, (m + 1) * units)
            with torch.random.fork_rng(devices=[]):  # creating the lone layers draws numbers: leave torch's seed be
                lone = LoneRecall(self.cell, units, self.features)
            with torch.no_grad():
                lone.rnn.weight_ih_l0.copy_(self.rnn.weight_ih_l0[rows])
                lone.rnn.weight_hh_l0.copy_(self.rnn.weight_hh_l0[rows, columns])
                lone.rnn.bias_ih_l0.copy_(self.rnn.bias_ih_l0[rows])
                lone.rnn.bias_hh_l0.copy_(self.rnn.bias_hh_l0[rows])
                lone.out.weight.copy_(self.weight[m : m + 1])
                lone.out.bias.copy_(self.bias[m : m + 1])
            return lone

    _TORCH_CLASSES.update(lone=LoneRecall, ensemble=MemoryEnsemble)
    return LoneRecall, MemoryEnsemble


def torch_memory_ensemble(cell: str, members: int, units: int, seed: int = 0, features: int = 1):
    """``members`` independent delay-task networks as one PyTorch module (the torch twin of
    :func:`keras_memory_ensemble`).

    cell: ``"simple_rnn"`` (``nn.RNN``, tanh), ``"gru"`` or ``"lstm"``. One
    ``nn.RNN|GRU|LSTM(features, members * units, batch_first=True)``: torch stacks the gates as
    chunks of ``members * units`` rows of ``weight_ih_l0`` ``(gates·members·units, features)`` and
    ``weight_hh_l0`` ``(gates·members·units, members·units)`` (GRU r|z|n, LSTM i|f|g|o); member
    ``m`` owns units ``m*units … (m+1)*units − 1`` of every chunk, and ``weight_hh_l0`` is
    block-diagonal in every chunk (its ``hh_mask`` buffer marks the blocks;
    :func:`train_memory_ensemble` masks the gradient with it). The head is a weight ``(members,
    units)`` and a bias ``(members,)``: member ``m``'s logit is its last state · ``weight[m]`` +
    ``bias[m]``. ``forward(x)``: ``(batch, steps, features)`` → ``(batch, members)``.

    Member ``m`` starts as the lone network that ``torch.manual_seed(seed + m)`` followed by
    ``nn.GRU(features, units, batch_first=True)`` (or ``nn.RNN``, ``nn.LSTM``) and
    ``nn.Linear(units, 1)`` creates: every weight and bias of the recurrent layer uniform in
    ``±1/√units`` (the lone layer's ``units``, not ``members * units``), the Linear layer as torch
    makes it. ``model.member(m)`` returns member ``m`` as such a lone module, with ``.rnn`` and ``.out``.
    Building it leaves torch's random seed set, to ``seed + members − 1``.
    """
    cell = _check_cell(cell)
    members, units = positive_int(members, "members"), positive_int(units, "units")
    features, seed = positive_int(features, "features"), seed_value(seed)
    _, MemoryEnsemble = _torch_classes()
    return MemoryEnsemble(cell, members, units, features, seed)


def _torch_memory_model(model):
    torch = _torch("train_memory_ensemble")
    if not isinstance(model, _torch_classes()[1]):
        raise ValueError(
            tr(
                "model must be a torch module made by torch_memory_ensemble, got {type}",
                type=type(model).__name__,
            )
        )
    return torch


def _torch_sequences(model, X) -> np.ndarray:
    X = _sequences(X)
    if X.shape[2] != model.features:
        raise ValueError(
            tr(
                "X must have {features} features per step, as the ensemble was built; got shape {shape}",
                features=model.features,
                shape=X.shape,
            )
        )
    return X


def train_memory_ensemble(model, X, Y, *, epochs: int, batch_size: int = 128, lr: float = 0.01, seed: int = 0) -> dict:
    """Train every member of a :func:`torch_memory_ensemble` at once: Adam on mini-batches.

    The torch twin of :func:`fit_memory_ensemble`, with the same arguments, the same batches for the
    same ``seed``, and the same loss: the sum over members of each member's mean binary cross-entropy
    from logits (``binary_cross_entropy_with_logits``), so that each member gets the gradient of its
    own loss. Before each step the gradient of ``weight_hh_l0`` is multiplied by ``hh_mask``: the
    weights between members get no gradient, and Adam, whose step for a weight whose gradients were
    all 0 is 0, leaves them exactly 0. Each call starts a fresh Adam.
    Returns ``{"loss": (epochs, members)}``: each member's mean training loss over each epoch.
    """
    torch = _torch_memory_model(model)
    X = _torch_sequences(model, X)
    Y = _targets(Y, model.members, len(X))
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    lr, seed = learning_rate(lr), seed_value(seed)
    X_all, Y_all = torch.from_numpy(X), torch.from_numpy(Y)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = np.zeros((epochs, model.members))
    model.train()
    for epoch, order in enumerate(_orders(len(X), epochs, seed)):
        total = torch.zeros(model.members)
        for start in range(0, len(X), batch_size):
            batch = torch.from_numpy(order[start : start + batch_size])
            optimizer.zero_grad()
            losses = torch.nn.functional.binary_cross_entropy_with_logits(
                model(X_all[batch]), Y_all[batch], reduction="none"
            )
            losses.mean(dim=0).sum().backward()
            model.rnn.weight_hh_l0.grad.mul_(model.hh_mask)
            optimizer.step()
            total += losses.detach().sum(dim=0)
        history[epoch] = total.numpy() / len(X)
    return {"loss": history}


# --------------------------------------------------------------------------- both


def memory_logits(model, X) -> np.ndarray:
    """Every member's logits for sequences X ``(sequences, steps, features)``: ``(sequences, members)``,
    from a :func:`keras_memory_ensemble` or a :func:`torch_memory_ensemble`."""
    if isinstance(getattr(model, "memory", None), dict):
        keras = _keras("memory_logits")
        X = _keras_sequences(model.memory, X)
        return keras.ops.convert_to_numpy(model(X, training=False))
    if "torch" in sys.modules and isinstance(model, _torch_classes()[1]):
        torch = sys.modules["torch"]
        X = _torch_sequences(model, X)
        with torch.no_grad():
            return model(torch.from_numpy(X)).numpy()
    raise ValueError(
        tr(
            "model must be a memory ensemble made by keras_memory_ensemble, join_memory_ensembles or "
            "torch_memory_ensemble, got {type}",
            type=type(model).__name__,
        )
    )


__all__ = [
    "CELLS",
    "GATES",
    "KINDS",
    "delay_accuracy",
    "delay_task",
    "fit_memory_ensemble",
    "join_memory_ensembles",
    "keras_memory_ensemble",
    "keras_memory_member",
    "member_accuracy",
    "memory_logits",
    "memory_targets",
    "torch_memory_ensemble",
    "train_memory_ensemble",
]
