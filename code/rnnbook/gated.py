"""NumPy GRU and LSTM that reproduce Keras 3's ``keras.layers.GRU`` and ``keras.layers.LSTM``.

Row convention and notation as in :mod:`rnnbook.rnn`: a batch ``X`` is ``(batch n, time T, features d)``,
the step's input ``X_t`` is ``(n, d)``, a state ``H_t`` is ``(n, h)`` for ``h`` hidden units, and a
layer computes ``X_t W + H_{t-1} W' + b`` with the weights on the right. σ is the logistic sigmoid
``1 / (1 + e^{-z})`` (Keras 3's default ``recurrent_activation="sigmoid"``, the standard one, not
``hard_sigmoid``, the default of Keras before TensorFlow 2.0), and ⊙ the elementwise product.

Keras 3 keeps each layer's gates side by side in three arrays (``layer.get_weights()``):

GRU, gate order ``z, r, h`` (:data:`KERAS_GRU_GATES`: update gate, reset gate, candidate):
    ``kernel: (d, 3h) = [W_xz | W_xr | W_xh]``, ``recurrent_kernel: (h, 3h) = [W_hz | W_hr | W_hh]``,
    ``bias: (2, 3h)`` with ``reset_after=True`` (Keras' default: row 0 the input bias, row 1 the
    recurrent bias) or ``(3h,)`` with ``reset_after=False`` (one bias per gate unit).
LSTM, gate order ``i, f, c, o`` (:data:`KERAS_LSTM_GATES`: input, forget, candidate cell, output):
    ``kernel: (d, 4h)``, ``recurrent_kernel: (h, 4h)``, ``bias: (4h,)``. ``unit_forget_bias=True``
    (the default) only *initialises* the forget gate's part of the bias to 1; the computation is the same.

A layer built with ``use_bias=False`` has no bias: pass ``bias=None``.

PyTorch's ``nn.GRU`` and ``nn.LSTM`` compute the same functions with the weights transposed and
stacked in rows, ``weight_ih_l0: (3h or 4h, d)`` and ``weight_hh_l0: (3h or 4h, h)``, with two
biases ``bias_ih_l0`` and ``bias_hh_l0``, and the GRU's gates in another order ``r, z, n``
(:data:`TORCH_GRU_GATES`; the LSTM's ``i, f, g, o`` is Keras' order). :func:`keras_gru_to_torch`,
:func:`torch_gru_to_keras`, :func:`keras_lstm_to_torch` and :func:`torch_lstm_to_keras` convert the
arrays; the ``*_param_count`` functions give each framework's parameter count.
"""

from __future__ import annotations

import numpy as np

from rnnbook._validate import as_array, positive_int
from rnnbook.i18n import tr

KERAS_GRU_GATES = ("z", "r", "h")
"""Keras' GRU blocks, left to right: update gate z, reset gate r, candidate state h̃."""
TORCH_GRU_GATES = ("r", "z", "n")
"""torch's GRU blocks, top to bottom: reset gate r, update gate z, candidate ("new gate") n = Keras' h."""
KERAS_LSTM_GATES = ("i", "f", "c", "o")
"""Keras' LSTM blocks: input gate i, forget gate f, candidate cell c̃, output gate o."""
TORCH_LSTM_GATES = ("i", "f", "g", "o")
"""torch's LSTM blocks: the same order, the candidate cell named g."""

_SAME_GATE = {"n": "h", "g": "c"}  # torch's name of a block → Keras' name of the same block
_GRU = {"layer": "GRU", "keras": KERAS_GRU_GATES, "torch": TORCH_GRU_GATES, "port": "torch_gru_to_keras"}
_LSTM = {"layer": "LSTM", "keras": KERAS_LSTM_GATES, "torch": TORCH_LSTM_GATES, "port": "torch_lstm_to_keras"}


def _sigmoid(Z):
    """σ(z) = 1 / (1 + e^{-z}), written so that no exponential overflows."""
    return np.exp(-np.logaddexp(0.0, -Z))


def _order(gates) -> str:
    return ", ".join(gates)


# --------------------------------------------------------------------------- checks


def _check_keras_weights(kernel, recurrent_kernel, spec):
    """kernel (d, g·h) and recurrent_kernel (h, g·h) for a layer with g gate blocks; returns them and h."""
    g = len(spec["keras"])
    other = _LSTM if spec is _GRU else _GRU
    recurrent_kernel = as_array(recurrent_kernel, "recurrent_kernel", ndim=2, axes=f"(hiddens, {g}·hiddens)")
    rows, columns = recurrent_kernel.shape
    if rows == 0 or columns != g * rows:
        if rows and rows == g * columns:
            fix = tr(
                "; this is torch's layout (gates stacked in rows, in torch's order {torch_order}): "
                "convert torch's weights with {function}",
                torch_order=_order(spec["torch"]),
                function=spec["port"],
            )
        elif rows and columns == len(other["keras"]) * rows:
            fix = tr(
                "; {columns} = {other_gates}·{rows} columns is the layout of {other_layer} weights "
                "({other_order}): are these another layer's weights?",
                columns=columns,
                other_gates=len(other["keras"]),
                rows=rows,
                other_layer=other["layer"],
                other_order=_order(other["keras"]),
            )
        else:
            fix = ""
        raise ValueError(
            tr(
                "the {layer}'s recurrent_kernel must be (hiddens, {gates}·hiddens): one block of hiddens "
                "columns per gate, in Keras' order {order}; got shape {shape}{fix}",
                layer=spec["layer"],
                gates=g,
                order=_order(spec["keras"]),
                shape=recurrent_kernel.shape,
                fix=fix,
            )
        )
    h = rows
    kernel = as_array(kernel, "kernel", ndim=2, axes=f"(features, {g}·hiddens)")
    if kernel.shape[1] != g * h:
        fix = ""
        if kernel.shape[0] == g * h:
            fix = tr(
                "; this is torch's layout (gates stacked in rows, in torch's order {torch_order}): "
                "convert torch's weights with {function}",
                torch_order=_order(spec["torch"]),
                function=spec["port"],
            )
        raise ValueError(
            tr(
                "the {layer}'s kernel must be (features, {width}): {gates} gates ({order}) × {hiddens} "
                "hidden units, as recurrent_kernel {recurrent_shape} says; got shape {shape}{fix}",
                layer=spec["layer"],
                width=g * h,
                gates=g,
                order=_order(spec["keras"]),
                hiddens=h,
                recurrent_shape=recurrent_kernel.shape,
                shape=kernel.shape,
                fix=fix,
            )
        )
    return kernel, recurrent_kernel, h


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(tr("{name} must be True or False, got {value!r}", name=name, value=value))
    return bool(value)


def _check_gru_bias(bias, h: int, reset_after: bool):
    """Keras' GRU bias split into (input bias, recurrent bias); (None, None) without bias."""
    if bias is None:
        return None, None
    bias = as_array(bias, "bias", ndim=(1, 2), axes=((3 * h,), (2, 3 * h)))
    expected = (2, 3 * h) if reset_after else (3 * h,)
    if bias.shape == expected:
        return (bias[0], bias[1]) if reset_after else (bias, None)
    if reset_after and bias.shape == (3 * h,):
        message = tr(
            "with reset_after=True (Keras' default) the GRU bias is (2, {width}): row 0 the input bias, "
            "row 1 the recurrent bias; got shape {shape}, the bias of a layer built with reset_after=False. "
            "Pass reset_after=False, as that layer was built",
            width=3 * h,
            shape=bias.shape,
        )
    elif not reset_after and bias.shape == (2, 3 * h):
        message = tr(
            "with reset_after=False the GRU bias is ({width},), one entry per gate unit; got shape {shape}, "
            "the bias of a layer built with reset_after=True (Keras' default). Pass reset_after=True",
            width=3 * h,
            shape=bias.shape,
        )
    else:
        message = tr(
            "the GRU bias must have shape {expected} for {hiddens} hidden units with reset_after={reset_after}, "
            "got {shape}",
            expected=expected,
            hiddens=h,
            reset_after=reset_after,
            shape=bias.shape,
        )
    raise ValueError(message)


def _check_lstm_bias(bias, h: int):
    if bias is None:
        return None
    bias = as_array(bias, "bias", ndim=1, axes=f"({4 * h},)")
    if bias.shape != (4 * h,):
        raise ValueError(
            tr(
                "the LSTM bias must have shape ({width},): one entry per unit of each gate {order}, got {shape}; "
                "torch keeps two biases: pass bias_ih_l0 + bias_hh_l0, or convert with torch_lstm_to_keras",
                width=4 * h,
                order=_order(KERAS_LSTM_GATES),
                shape=bias.shape,
            )
        )
    return bias


def _check_features(d: int, kernel, what: str) -> None:
    if kernel.shape[0] != d:
        fix = ""
        if what == "X":
            fix = tr("; if X is (batch, features, time), transpose it with X.transpose(0, 2, 1)")
        raise ValueError(
            tr(
                "{what} has {features} features but kernel has {rows} rows (shape {shape}): kernel must be "
                "(features, {width}), Keras' layout{fix}",
                what=what,
                features=d,
                rows=kernel.shape[0],
                shape=kernel.shape,
                width=kernel.shape[1],
                fix=fix,
            )
        )


def _check_state(S, name: str, batch: int, hiddens: int, dtype=None) -> np.ndarray:
    """A state ``(batch, hiddens)``; ``None`` gives zeros where ``dtype`` is given (H0, C0), else an error."""
    if S is None:
        if dtype is not None:
            return np.zeros((batch, hiddens), dtype=dtype)
        raise ValueError(
            tr(
                "{name} is None; pass the previous state, np.zeros(({batch}, {hiddens})) at the first step",
                name=name,
                batch=batch,
                hiddens=hiddens,
            )
        )
    S = as_array(S, name)
    expected = (batch, hiddens)
    if S.shape == expected:
        return S
    if S.shape == (hiddens,):
        fix = tr(
            "; to give every sequence this one state, repeat it: np.tile({name}, ({batch}, 1))",
            name=name,
            batch=batch,
        )
    elif S.shape == (hiddens, batch):
        fix = tr("; {name} is transposed: pass {name}.T", name=name)
    else:
        fix = ""
    raise ValueError(
        tr(
            "{name} must have shape {expected} (batch, hiddens), one row per sequence and one column per "
            "hidden unit, got shape {shape}{fix}",
            name=name,
            expected=expected,
            shape=S.shape,
            fix=fix,
        )
    )


def _check_sequences(X):
    X = as_array(X, "X", ndim=3, axes="(batch, time, features)")
    if X.shape[1] == 0:
        raise ValueError(tr("X has no time steps (shape has time = 0); a sequence needs at least one step"))
    return X


# --------------------------------------------------------------------------- GRU


def _gru_cell(X_t, H_prev, kernel, recurrent_kernel, b_x, b_h, reset_after):
    h = H_prev.shape[1]
    gates_x = X_t @ kernel
    if b_x is not None:
        gates_x = gates_x + b_x
    if reset_after:
        gates_h = H_prev @ recurrent_kernel  # all three blocks at once: the reset gate comes after
        if b_h is not None:
            gates_h = gates_h + b_h
    else:
        gates_h = H_prev @ recurrent_kernel[:, : 2 * h]
    Z = _sigmoid(gates_x[:, :h] + gates_h[:, :h])
    R = _sigmoid(gates_x[:, h : 2 * h] + gates_h[:, h : 2 * h])
    if reset_after:
        H_tilde = np.tanh(gates_x[:, 2 * h :] + R * gates_h[:, 2 * h :])
    else:
        H_tilde = np.tanh(gates_x[:, 2 * h :] + (R * H_prev) @ recurrent_kernel[:, 2 * h :])
    return Z * H_prev + (1.0 - Z) * H_tilde


def gru_step(X_t, H_prev, kernel, recurrent_kernel, bias=None, reset_after: bool = True):
    """One step of Keras' GRU. X_t: (n, d); H_prev: (n, h). Returns H_t: (n, h).

    With ``kernel = [W_xz | W_xr | W_xh]``, ``recurrent_kernel = [W_hz | W_hr | W_hh]`` and the
    bias blocks ``b_z, b_r, b_h`` (see the module's docstring for the layouts)::

        Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)                 update gate
        R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r)                 reset gate
        H̃_t = tanh(X_t W_xh + R_t ⊙ (H_{t-1} W_hh + b'_h) + b_h)   reset_after=True (default)
        H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)          reset_after=False
        H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t

    With ``reset_after=True`` the reset gate multiplies the recurrent product *after* the matrix
    product, recurrent bias ``b'_h`` (row 1 of ``bias``) included; ``b_h`` is row 0, and ``b_z``,
    ``b_r`` are the sums of the two rows' blocks. This is the cuDNN and torch formula. With
    ``reset_after=False`` (one bias row) it resets the state before the product, as in the final
    version of Cho et al. (2014, arXiv:1406.1078v3) and in d2l. (Keras' GRU docstring still calls
    "before" the default variant; the default has been ``reset_after=True`` since TensorFlow 2.0.)

    The update gate weighs the *old* state: Z_t near 1 keeps H_{t-1}, near 0 takes the candidate.
    Keras, torch and d2l all write it this way; some texts swap Z_t and 1 − Z_t, which learns the
    same functions with the gate's meaning flipped.
    """
    reset_after = _check_flag(reset_after, "reset_after")
    X_t = as_array(X_t, "X_t", ndim=2, axes="(batch, features)")
    kernel, recurrent_kernel, h = _check_keras_weights(kernel, recurrent_kernel, _GRU)
    _check_features(X_t.shape[1], kernel, "X_t")
    b_x, b_h = _check_gru_bias(bias, h, reset_after)
    H_prev = _check_state(H_prev, "H_prev", X_t.shape[0], h)
    return _gru_cell(X_t, H_prev, kernel, recurrent_kernel, b_x, b_h, reset_after)


def gru_forward(X, kernel, recurrent_kernel, bias=None, H0=None, reset_after: bool = True):
    """Run Keras' GRU (:func:`gru_step`) over every step of ``X: (n, T, d)``.

    ``kernel, recurrent_kernel, bias`` are ``keras.layers.GRU``'s ``get_weights()`` (``bias=None`` for
    ``use_bias=False``), ``reset_after`` the layer's setting; ``H0: (n, h)`` the initial state, like
    Keras' ``initial_state=[H0]``, or None for zeros. Returns all states ``(n, T, h)``, which is the
    layer's output with ``return_sequences=True``; the last state is ``states[:, -1]``.
    """
    reset_after = _check_flag(reset_after, "reset_after")
    X = _check_sequences(X)
    n, T, d = X.shape
    kernel, recurrent_kernel, h = _check_keras_weights(kernel, recurrent_kernel, _GRU)
    _check_features(d, kernel, "X")
    b_x, b_h = _check_gru_bias(bias, h, reset_after)
    H_t = _check_state(H0, "H0", n, h, np.result_type(X, kernel))
    states = []
    for t in range(T):
        H_t = _gru_cell(X[:, t, :], H_t, kernel, recurrent_kernel, b_x, b_h, reset_after)
        states.append(H_t)
    return np.stack(states, axis=1)


# --------------------------------------------------------------------------- LSTM


def _lstm_cell(X_t, H_prev, C_prev, kernel, recurrent_kernel, bias):
    h = H_prev.shape[1]
    G = X_t @ kernel + H_prev @ recurrent_kernel
    if bias is not None:
        G = G + bias
    I = _sigmoid(G[:, :h])
    F = _sigmoid(G[:, h : 2 * h])
    C_tilde = np.tanh(G[:, 2 * h : 3 * h])
    O = _sigmoid(G[:, 3 * h :])
    C_t = F * C_prev + I * C_tilde
    return O * np.tanh(C_t), C_t


def lstm_step(X_t, H_prev, C_prev, kernel, recurrent_kernel, bias=None):
    """One step of Keras' LSTM. X_t: (n, d); H_prev, C_prev: (n, h). Returns ``(H_t, C_t)``.

    With ``kernel = [W_xi | W_xf | W_xc | W_xo]``, ``recurrent_kernel = [W_hi | W_hf | W_hc | W_ho]``
    and ``bias = [b_i | b_f | b_c | b_o]``::

        I_t = σ(X_t W_xi + H_{t-1} W_hi + b_i)       input gate
        F_t = σ(X_t W_xf + H_{t-1} W_hf + b_f)       forget gate
        O_t = σ(X_t W_xo + H_{t-1} W_ho + b_o)       output gate
        C̃_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)    candidate cell
        C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t              cell state
        H_t = O_t ⊙ tanh(C_t)                        hidden state

    The cell state is updated by an addition, not by a matrix product: along that path the
    gradient is only scaled by the forget gate.
    """
    X_t = as_array(X_t, "X_t", ndim=2, axes="(batch, features)")
    kernel, recurrent_kernel, h = _check_keras_weights(kernel, recurrent_kernel, _LSTM)
    _check_features(X_t.shape[1], kernel, "X_t")
    bias = _check_lstm_bias(bias, h)
    H_prev = _check_state(H_prev, "H_prev", X_t.shape[0], h)
    C_prev = _check_state(C_prev, "C_prev", X_t.shape[0], h)
    return _lstm_cell(X_t, H_prev, C_prev, kernel, recurrent_kernel, bias)


def lstm_forward(X, kernel, recurrent_kernel, bias=None, H0=None, C0=None):
    """Run Keras' LSTM (:func:`lstm_step`) over every step of ``X: (n, T, d)``.

    ``kernel, recurrent_kernel, bias`` are ``keras.layers.LSTM``'s ``get_weights()``; ``H0, C0: (n, h)``
    the initial hidden and cell states, like Keras' ``initial_state=[H0, C0]``, or None for zeros.
    Returns ``(states, C_T)``: all hidden states ``(n, T, h)`` (the output with
    ``return_sequences=True``) and the last cell state ``(n, h)``. With ``return_state=True`` Keras
    returns ``[output, H_T, C_T]``, where ``H_T = states[:, -1]``.
    """
    X = _check_sequences(X)
    n, T, d = X.shape
    kernel, recurrent_kernel, h = _check_keras_weights(kernel, recurrent_kernel, _LSTM)
    _check_features(d, kernel, "X")
    bias = _check_lstm_bias(bias, h)
    dtype = np.result_type(X, kernel)
    H_t = _check_state(H0, "H0", n, h, dtype)
    C_t = _check_state(C0, "C0", n, h, dtype)
    states = []
    for t in range(T):
        H_t, C_t = _lstm_cell(X[:, t, :], H_t, C_t, kernel, recurrent_kernel, bias)
        states.append(H_t)
    return np.stack(states, axis=1), C_t


# --------------------------------------------------------------------------- parameter counts


def keras_gru_param_count(input_dim: int, units: int, reset_after: bool = True, use_bias: bool = True) -> int:
    """Keras GRU: ``3h(d + h + 2)`` with ``reset_after=True`` (two bias rows), ``3h(d + h + 1)`` without,
    ``3h(d + h)`` with ``use_bias=False``; d = ``input_dim``, h = ``units``."""
    d = positive_int(input_dim, "input_dim")
    h = positive_int(units, "units")
    biases = (2 if _check_flag(reset_after, "reset_after") else 1) if _check_flag(use_bias, "use_bias") else 0
    return 3 * h * (d + h + biases)


def keras_lstm_param_count(input_dim: int, units: int, use_bias: bool = True) -> int:
    """Keras LSTM: ``4h(d + h + 1)``, or ``4h(d + h)`` with ``use_bias=False``."""
    d = positive_int(input_dim, "input_dim")
    h = positive_int(units, "units")
    return 4 * h * (d + h + (1 if _check_flag(use_bias, "use_bias") else 0))


def _torch_count(gates, input_size, hidden_size, num_layers, bidirectional, bias) -> int:
    d = positive_int(input_size, "input_size")
    h = positive_int(hidden_size, "hidden_size")
    layers = positive_int(num_layers, "num_layers")
    directions = 2 if _check_flag(bidirectional, "bidirectional") else 1
    biases = 2 if _check_flag(bias, "bias") else 0
    total = 0
    for layer in range(layers):
        inputs = d if layer == 0 else h * directions
        total += directions * gates * h * (inputs + h + biases)
    return total


def torch_gru_param_count(
    input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False, bias: bool = True
) -> int:
    """torch.nn.GRU: ``3h(d + h + 2)`` per layer and direction (two bias vectors per gate).

    Layers above the first read the layer below, ``h`` wide (``2h`` if bidirectional).
    """
    return _torch_count(3, input_size, hidden_size, num_layers, bidirectional, bias)


def torch_lstm_param_count(
    input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False, bias: bool = True
) -> int:
    """torch.nn.LSTM (without ``proj_size``): ``4h(d + h + 2)`` per layer and direction."""
    return _torch_count(4, input_size, hidden_size, num_layers, bidirectional, bias)


# --------------------------------------------------------------------------- porting


def _blocks(A, source, target, axis):
    """``A``'s gate blocks along ``axis``, rearranged from the order ``source`` to ``target``."""
    names = [_SAME_GATE.get(gate, gate) for gate in source]
    blocks = np.split(A, len(source), axis=axis)
    return np.concatenate([blocks[names.index(_SAME_GATE.get(gate, gate))] for gate in target], axis=axis)


def _to_torch(A, spec, axis):
    return _blocks(A, spec["keras"], spec["torch"], axis)


def _to_keras(A, spec, axis):
    return _blocks(A, spec["torch"], spec["keras"], axis)


def _check_torch_weights(weight_ih, weight_hh, bias_ih, bias_hh, spec):
    g = len(spec["keras"])
    layer = spec["layer"]
    weight_hh = as_array(weight_hh, "weight_hh", ndim=2, axes=f"({g}·hidden_size, hidden_size)")
    rows, h = weight_hh.shape
    if h == 0 or rows != g * h:
        fix = ""
        if rows and h == g * rows:
            fix = tr("; this is Keras' layout (hiddens, {gates}·hiddens): is it a recurrent_kernel?", gates=g)
        raise ValueError(
            tr(
                "torch's {layer} weight_hh_l0 is ({gates}·hidden_size, hidden_size): one block of rows per gate, "
                "in torch's order {order}; got shape {shape}{fix}",
                layer=layer,
                gates=g,
                order=_order(spec["torch"]),
                shape=weight_hh.shape,
                fix=fix,
            )
        )
    weight_ih = as_array(weight_ih, "weight_ih", ndim=2, axes=f"({g}·hidden_size, input_size)")
    if weight_ih.shape[0] != g * h:
        raise ValueError(
            tr(
                "torch's {layer} weight_ih_l0 must have {rows} rows, {gates} gates × hidden_size = {hiddens} "
                "as weight_hh_l0 {recurrent_shape} says; got shape {shape}",
                layer=layer,
                rows=g * h,
                gates=g,
                hiddens=h,
                recurrent_shape=weight_hh.shape,
                shape=weight_ih.shape,
            )
        )
    if (bias_ih is None) != (bias_hh is None):
        raise ValueError(
            tr("pass both bias_ih and bias_hh, or neither (a torch layer built with bias=False has no biases)")
        )
    biases = []
    for value, name in ((bias_ih, "bias_ih"), (bias_hh, "bias_hh")):
        if value is not None:
            value = as_array(value, name, ndim=1, axes=f"({g * h},)")
            if value.shape != (g * h,):
                raise ValueError(
                    tr(
                        "{name} must have shape ({rows},), one entry per unit of each gate {order}, got {shape}",
                        name=name,
                        rows=g * h,
                        order=_order(spec["torch"]),
                        shape=value.shape,
                    )
                )
        biases.append(value)
    return weight_ih, weight_hh, biases[0], biases[1]


def keras_gru_to_torch(kernel, recurrent_kernel, bias) -> dict:
    """Keras GRU weights (``reset_after=True``) as torch ``nn.GRU``'s ``state_dict`` of NumPy arrays.

    Returns ``{"weight_ih_l0": (3h, d), "weight_hh_l0": (3h, h), "bias_ih_l0": (3h,), "bias_hh_l0": (3h,)}``
    in torch's gate order ``r, z, n``: the Keras blocks ``z, r, h`` swapped to ``r, z, h`` and transposed;
    bias row 0 becomes ``bias_ih_l0``, row 1 ``bias_hh_l0``. Load it with
    ``gru.load_state_dict({k: torch.from_numpy(v) for k, v in keras_gru_to_torch(*weights).items()})``
    into ``nn.GRU(d, h, batch_first=True)``.

    torch computes ``n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))``, Keras' ``reset_after=True``
    formula; a layer built with ``reset_after=False`` (bias ``(3h,)``) has no torch equivalent.
    ``bias=None`` (``use_bias=False``) gives the weights of ``nn.GRU(..., bias=False)``, and is
    right only for a layer with ``reset_after=True``.
    """
    kernel, recurrent_kernel, h = _check_keras_weights(kernel, recurrent_kernel, _GRU)
    if bias is not None:
        bias = as_array(bias, "bias", ndim=(1, 2), axes=((3 * h,), (2, 3 * h)))
        if bias.shape == (3 * h,):
            raise ValueError(
                tr(
                    "a GRU bias of shape ({width},) comes from a layer built with reset_after=False, which has no "
                    "torch equivalent: torch's nn.GRU applies the reset gate after the matrix product, like "
                    "Keras' reset_after=True (the default, bias (2, {width})). Build and train the Keras layer "
                    "with reset_after=True to port it",
                    width=3 * h,
                )
            )
    b_x, b_h = _check_gru_bias(bias, h, True)
    state = {
        "weight_ih_l0": np.ascontiguousarray(_to_torch(kernel, _GRU, axis=1).T),
        "weight_hh_l0": np.ascontiguousarray(_to_torch(recurrent_kernel, _GRU, axis=1).T),
    }
    if bias is not None:
        state["bias_ih_l0"] = _to_torch(b_x, _GRU, axis=0)
        state["bias_hh_l0"] = _to_torch(b_h, _GRU, axis=0)
    return state


def torch_gru_to_keras(weight_ih, weight_hh, bias_ih=None, bias_hh=None) -> list:
    """torch ``nn.GRU``'s layer-0 weights as Keras GRU weights ``[kernel, recurrent_kernel, bias]``.

    The inverse of :func:`keras_gru_to_torch`: gate order ``r, z, n`` → ``z, r, h``, transposed, and
    ``bias = np.stack([bias_ih, bias_hh])`` of shape ``(2, 3h)``, for
    ``keras.layers.GRU(h, reset_after=True).set_weights(...)``. Without biases (``bias=False``)
    returns ``[kernel, recurrent_kernel]``, for ``use_bias=False``.
    """
    weight_ih, weight_hh, bias_ih, bias_hh = _check_torch_weights(weight_ih, weight_hh, bias_ih, bias_hh, _GRU)
    weights = [
        np.ascontiguousarray(_to_keras(weight_ih, _GRU, axis=0).T),
        np.ascontiguousarray(_to_keras(weight_hh, _GRU, axis=0).T),
    ]
    if bias_ih is not None:
        weights.append(np.stack([_to_keras(bias_ih, _GRU, axis=0), _to_keras(bias_hh, _GRU, axis=0)]))
    return weights


def keras_lstm_to_torch(kernel, recurrent_kernel, bias) -> dict:
    """Keras LSTM weights as torch ``nn.LSTM``'s ``state_dict`` of NumPy arrays.

    torch's gate order ``i, f, g, o`` is Keras' ``i, f, c, o``: the weights are only transposed,
    ``weight_ih_l0 = kernel.T: (4h, d)``, ``weight_hh_l0 = recurrent_kernel.T: (4h, h)``. torch adds
    its two biases, so Keras' one bias goes into ``bias_ih_l0`` and ``bias_hh_l0`` is zero; any split
    with the same sum computes the same function. ``bias=None`` (``use_bias=False``) gives the weights
    of ``nn.LSTM(..., bias=False)``.
    """
    kernel, recurrent_kernel, h = _check_keras_weights(kernel, recurrent_kernel, _LSTM)
    bias = _check_lstm_bias(bias, h)
    state = {
        "weight_ih_l0": np.ascontiguousarray(_to_torch(kernel, _LSTM, axis=1).T),
        "weight_hh_l0": np.ascontiguousarray(_to_torch(recurrent_kernel, _LSTM, axis=1).T),
    }
    if bias is not None:
        state["bias_ih_l0"] = _to_torch(bias, _LSTM, axis=0)
        state["bias_hh_l0"] = np.zeros_like(state["bias_ih_l0"])
    return state


def torch_lstm_to_keras(weight_ih, weight_hh, bias_ih=None, bias_hh=None) -> list:
    """torch ``nn.LSTM``'s layer-0 weights as Keras LSTM weights ``[kernel, recurrent_kernel, bias]``.

    The weights are transposed; Keras has one bias, ``bias_ih + bias_hh`` (only the sum enters the
    computation). Without biases returns ``[kernel, recurrent_kernel]``, for ``use_bias=False``.
    """
    weight_ih, weight_hh, bias_ih, bias_hh = _check_torch_weights(weight_ih, weight_hh, bias_ih, bias_hh, _LSTM)
    weights = [
        np.ascontiguousarray(_to_keras(weight_ih, _LSTM, axis=0).T),
        np.ascontiguousarray(_to_keras(weight_hh, _LSTM, axis=0).T),
    ]
    if bias_ih is not None:
        weights.append(_to_keras(bias_ih + bias_hh, _LSTM, axis=0))
    return weights


__all__ = [
    "KERAS_GRU_GATES",
    "KERAS_LSTM_GATES",
    "TORCH_GRU_GATES",
    "TORCH_LSTM_GATES",
    "gru_forward",
    "gru_step",
    "keras_gru_param_count",
    "keras_gru_to_torch",
    "keras_lstm_param_count",
    "keras_lstm_to_torch",
    "lstm_forward",
    "lstm_step",
    "torch_gru_param_count",
    "torch_gru_to_keras",
    "torch_lstm_param_count",
    "torch_lstm_to_keras",
]
