"""Checkers for chapter 6, *How far back can it remember?*."""

from __future__ import annotations

import itertools

import numpy as np

from rnnbook import gated
from rnnbook._validate import require
from rnnbook.exercises._report import (
    call_reader,
    checker,
    close,
    first_match,
    nonzero,
    report,
    to_array,
    to_arrays,
)
from rnnbook.exercises.ch01 import _int_answer, _known_mistake
from rnnbook.i18n import tr
from rnnbook.params import keras_simple_rnn_param_count, torch_rnn_param_count


@checker
def check_lstm_param_counts(keras_answer, torch_answer, features: int = 8, units: int = 16):
    """Exercise 1: parameters of Keras ``LSTM(units)`` and ``torch.nn.LSTM(features, units)``."""
    keras_value = _int_answer(keras_answer, tr("Keras count"))
    torch_value = _int_answer(torch_answer, tr("torch count"))
    d, h = features, units
    keras_expected = gated.keras_lstm_param_count(d, h)
    torch_expected = gated.torch_lstm_param_count(d, h)
    if (keras_value, torch_value) == (torch_expected, keras_expected):
        return report(False, tr("the two counts are swapped: Keras has one bias vector, torch two"))
    if keras_value != keras_expected:
        gru = tr("Keras: {value} counts three gate blocks, a GRU's; an LSTM has four: i, f, c, o", value=keras_value)
        hint = _known_mistake(
            keras_value,
            keras_expected,
            [
                (4 * h * (d + h), tr("Keras: {value} leaves out the bias, 4·units values", value=keras_value)),
                (
                    4 * h * (d + h) + h,
                    tr(
                        "Keras: {value} counts one bias value per unit; the bias has one per unit of each gate, "
                        "4·units",
                        value=keras_value,
                    ),
                ),
                (torch_expected, tr("Keras: {value} counts two biases; Keras' LSTM has one", value=keras_value)),
                (gated.keras_gru_param_count(d, h), gru),
                (gated.keras_gru_param_count(d, h, reset_after=False), gru),
                (
                    keras_simple_rnn_param_count(d, h),
                    tr(
                        "Keras: {value} is a SimpleRNN's count, one block; an LSTM has four gate blocks "
                        "(i, f, c, o) of that size",
                        value=keras_value,
                    ),
                ),
                (
                    4 * h * (d + 1),
                    tr("Keras: {value} leaves out the recurrent kernel, units·4·units", value=keras_value),
                ),
                (4 * h * (h + 1), tr("Keras: {value} leaves out the kernel, input_dim·4·units", value=keras_value)),
            ],
        )
        if hint is None and keras_value > keras_expected and keras_value % keras_expected == 0:
            hint = tr("Keras: {value} is a multiple of the answer: time steps never count", value=keras_value)
        return report(
            False,
            hint or tr("Keras: {value} is not right; use 4·units·(input_dim + units + 1)", value=keras_value),
        )
    if torch_value == keras_expected:
        return report(False, tr("torch: it has two bias vectors, bias_ih_l0 and bias_hh_l0, of 4·hidden values each"))
    if torch_value != torch_expected:
        gru = tr("torch: {value} counts three gate blocks, a GRU's; an LSTM has four: i, f, g, o", value=torch_value)
        hint = _known_mistake(
            torch_value,
            torch_expected,
            [
                (
                    4 * h * (d + h),
                    tr("torch: {value} leaves out both biases, bias_ih_l0 and bias_hh_l0", value=torch_value),
                ),
                (gated.torch_gru_param_count(d, h), gru),
                (
                    torch_rnn_param_count(d, h),
                    tr(
                        "torch: {value} is an nn.RNN's count, one block; an LSTM has four gate blocks "
                        "(i, f, g, o) of that size",
                        value=torch_value,
                    ),
                ),
                (
                    4 * h * (d + 2),
                    tr("torch: {value} leaves out weight_hh_l0, 4·hidden·hidden", value=torch_value),
                ),
                (
                    4 * h * (h + 2),
                    tr("torch: {value} leaves out weight_ih_l0, 4·hidden·input", value=torch_value),
                ),
            ],
        )
        if hint is None and torch_value > torch_expected and torch_value % torch_expected == 0:
            hint = tr("torch: {value} is a multiple of the answer: time steps never count", value=torch_value)
        return report(
            False, hint or tr("torch: {value} is not right; use 4·hidden·(input + hidden + 2)", value=torch_value)
        )
    return report(
        True,
        tr(
            "Keras {keras}, torch {torch}: four gate blocks of a SimpleRNN's size; torch's second bias adds"
            " 4·{units} = {extra}",
            keras=keras_value,
            torch=torch_value,
            units=units,
            extra=torch_value - keras_value,
        ),
    )


# --- Exercise 2: one step of Keras' GRU ---------------------------------------------------------


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _hard_sigmoid(z):
    """The default ``recurrent_activation`` of Keras before TensorFlow 2.0 (Keras 3's ``hard_sigmoid``)."""
    return np.clip(z / 6 + 0.5, 0.0, 1.0)


def _gru(
    x,
    h_prev,
    kernel,
    recurrent_kernel,
    bias,
    *,
    order="zr",
    reversed_update=False,
    reset="after",
    rows=(0, 1),
    gate=_sigmoid,
    candidate=np.tanh,
):
    """One GRU step in NumPy with the knobs that reproduce typical mistakes; the defaults give Keras'.

    ``order="rz"`` reads the first block as r (torch's order); ``reset`` is ``"after"`` (Keras'
    default), ``"before"`` (``(r ⊙ h_prev) @ W_hh``, recurrent bias added after the product),
    ``"before_no_bias"`` (the same without it) or ``"bias_outside"`` (the candidate's recurrent bias
    added outside the reset); ``rows`` are the bias rows added."""
    h = h_prev.shape[1]
    b_x = bias[0] if 0 in rows else np.zeros(3 * h)
    b_h = bias[1] if 1 in rows else np.zeros(3 * h)
    gates_x = x @ kernel + b_x
    product = h_prev @ recurrent_kernel
    gates_h = product + b_h
    first, second = slice(0, h), slice(h, 2 * h)
    z_part, r_part = (first, second) if order == "zr" else (second, first)
    z = gate(gates_x[:, z_part] + gates_h[:, z_part])
    r = gate(gates_x[:, r_part] + gates_h[:, r_part])
    if reset == "after":
        inner = r * gates_h[:, 2 * h :]
    elif reset == "bias_outside":
        inner = r * product[:, 2 * h :] + b_h[2 * h :]
    else:
        inner = (r * h_prev) @ recurrent_kernel[:, 2 * h :]
        if reset == "before":
            inner = inner + b_h[2 * h :]
    h_tilde = candidate(gates_x[:, 2 * h :] + inner)
    return (1 - z) * h_prev + z * h_tilde if reversed_update else z * h_prev + (1 - z) * h_tilde


def _gru_mistakes(x, h_prev, kernel, recurrent_kernel, bias):
    args = (x, h_prev, kernel, recurrent_kernel, bias)
    before = tr(
        "Keras' default GRU (reset_after=True) resets after the product: h̃ = tanh(x_t W_xh + b_h +"
        " r ⊙ (h_prev W_hh + b'_h)); r ⊙ h_prev before it is reset_after=False"
    )
    activations = tr("the gates z and r use the sigmoid σ, the candidate h̃ uses tanh")
    return [
        (
            lambda: _gru(*args, order="rz"),
            tr(
                "the z and r blocks are swapped: Keras' blocks are z, r, h (update gate first);"
                " r, z, n is torch's order"
            ),
        ),
        (
            lambda: _gru(*args, reversed_update=True),
            tr("z weighs the old state: h = z ⊙ h_prev + (1 − z) ⊙ h̃, not (1 − z) ⊙ h_prev + z ⊙ h̃"),
        ),
        (lambda: _gru(*args, reset="before"), before),
        (lambda: _gru(*args, reset="before_no_bias"), before),
        (
            lambda: _gru(*args, reset="bias_outside"),
            tr(
                "the candidate's recurrent bias goes inside the reset: r ⊙ (h_prev W_hh + b'_h),"
                " with b'_h = bias[1, 2·units:]"
            ),
        ),
        (
            lambda: _gru(*args, rows=(0,)),
            tr("bias is (2, 3·units): you added row 0, the input bias; add row 1, the recurrent bias, too"),
        ),
        (
            lambda: _gru(*args, rows=(1,)),
            tr("bias is (2, 3·units): you added row 1, the recurrent bias; add row 0, the input bias, too"),
        ),
        (lambda: _gru(*args, rows=()), tr("the bias is never added")),
        (lambda: _gru(*args, gate=np.tanh, candidate=_sigmoid), activations),
        (lambda: _gru(*args, gate=np.tanh), activations),
        (lambda: _gru(*args, candidate=_sigmoid), activations),
        (
            lambda: _gru(*args, gate=_hard_sigmoid),
            tr("σ is the logistic sigmoid 1 / (1 + e^(−z)), Keras 3's default, not hard_sigmoid"),
        ),
    ]


def _explain_gru(exc: Exception) -> str | None:
    text = str(exc)
    if isinstance(exc, ValueError) and "broadcast" in text:
        return tr(
            "bias is (2, 3·units): row 0 the input bias, row 1 the recurrent bias;"
            " add bias[0] to x_t @ kernel and bias[1] to h_prev @ recurrent_kernel"
        )
    if isinstance(exc, ValueError):
        return tr(
            "the shapes do not fit: x_t (batch, features) @ kernel (features, 3·units),"
            " h_prev (batch, units) @ recurrent_kernel (units, 3·units)"
        )
    return None


@checker
def check_gru_step(fn):
    """Exercise 2: ``fn(x_t, h_prev, kernel, recurrent_kernel, bias)`` is one step of Keras' default GRU.

    Default GRU: ``reset_after=True``, bias ``(2, 3·units)`` (input row, recurrent row), blocks in the
    order z, r, h. The reference is :func:`rnnbook.gated.gru_step`, which reproduces ``keras.layers.GRU``.
    """
    rng = np.random.default_rng(61)
    signature = "fn(x_t, h_prev, kernel, recurrent_kernel, bias)"
    for batch, features, units in ((4, 3, 5), (2, 6, 3), (3, 4, 4)):
        name = tr("x_t of shape {shape}, {units} units", shape=(batch, features), units=units)
        x = rng.normal(size=(batch, features))
        h_prev = rng.uniform(-0.9, 0.9, size=(batch, units))
        kernel = rng.normal(scale=0.6, size=(features, 3 * units))
        recurrent_kernel = rng.normal(scale=0.6, size=(units, 3 * units))
        bias = nonzero(rng, (2, 3 * units))
        args = (x, h_prev, kernel, recurrent_kernel, bias)
        expected = gated.gru_step(*args)
        got = call_reader(fn, signature, [a.copy() for a in args], convert=to_array, context=name, explain=_explain_gru)
        if got.shape != expected.shape:
            if got.shape == expected.T.shape:
                hint = tr(
                    "your result is transposed: return the new state as (batch, units) = {shape}", shape=expected.shape
                )
            elif got.shape == (batch, 3 * units):
                hint = tr(
                    "you returned all three blocks, (batch, 3·units): the new state h is (batch, units) = {shape}",
                    shape=expected.shape,
                )
            else:
                hint = tr("expected shape {expected} (batch, units), got {got}", expected=expected.shape, got=got.shape)
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        if close(got, expected):
            continue
        hint = first_match(got, _gru_mistakes(*args))
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint
                or tr(
                    "values differ: z = σ(x_t W_xz + h_prev W_hz + b_z), r likewise, h̃ = tanh(x_t W_xh + b_h +"
                    " r ⊙ (h_prev W_hh + b'_h)), h = z ⊙ h_prev + (1 − z) ⊙ h̃"
                ),
            ),
        )
    return report(True, tr("your step reproduces Keras' GRU: gates z, r, h, reset after the product"))


# --- Exercise 3: a torch LSTM's weights for Keras -----------------------------------------------

_TORCH_LSTM_GATES = gated.TORCH_LSTM_GATES


def _blocks(a: np.ndarray, order, axis: int) -> np.ndarray:
    """``a``'s four gate blocks along ``axis``, in the order ``order`` (indices of the blocks)."""
    parts = np.split(a, 4, axis=axis)
    return np.concatenate([parts[i] for i in order], axis=axis)


def _explain_lstm_port(exc: Exception) -> str | None:
    if "requires grad" in str(exc):
        return tr("detach the torch parameters first: lstm.weight_ih_l0.detach().numpy()")
    return None


def _lstm_shape_hint(shapes, inputs, hidden) -> str:
    expected = [(inputs, 4 * hidden), (hidden, 4 * hidden), (4 * hidden,)]
    if len(shapes) == 4:
        return tr("Keras' LSTM has one bias: return three arrays, with bias = bias_ih_l0 + bias_hh_l0")
    if len(shapes) != 3:
        return tr("expected shapes {expected}, got {shapes}", expected=expected, shapes=shapes)
    if shapes[0] == (4 * hidden, inputs):
        return tr("the kernel must be (input, 4·hidden): transpose weight_ih_l0 (kernel = weight_ih_l0.T)")
    if shapes[1] == (4 * hidden, hidden):
        return tr(
            "the recurrent kernel must be (hidden, 4·hidden): transpose weight_hh_l0"
            " (recurrent_kernel = weight_hh_l0.T)"
        )
    if shapes[2] == (8 * hidden,):
        return tr(
            "you joined the two biases end to end: Keras' one bias is their sum, shape {shape}", shape=(4 * hidden,)
        )
    if shapes[2] == (2, 4 * hidden):
        return tr(
            "you stacked the two biases, like a GRU's bias with reset_after=True; an LSTM's one bias is"
            " their sum, shape {shape}",
            shape=(4 * hidden,),
        )
    return tr("expected shapes {expected}, got {shapes}", expected=expected, shapes=shapes)


def _lstm_port_hint(weights, params, inputs, hidden) -> str | None:
    """The likely mistake behind weights of the right shapes that do not compute torch's LSTM."""
    kernel, recurrent_kernel, bias = weights
    w_ih, w_hh = params["weight_ih_l0"], params["weight_hh_l0"]
    b_ih, b_hh = params["bias_ih_l0"], params["bias_hh_l0"]
    right = (w_ih.T, w_hh.T, b_ih + b_hh)
    hint = first_match(
        bias,
        [
            (
                b_ih,
                tr(
                    "you used only {name}: Keras' one bias is the sum bias_ih_l0 + bias_hh_l0, as torch adds both",
                    name="bias_ih_l0",
                ),
            ),
            (
                b_hh,
                tr(
                    "you used only {name}: Keras' one bias is the sum bias_ih_l0 + bias_hh_l0, as torch adds both",
                    name="bias_hh_l0",
                ),
            ),
            ((b_ih + b_hh) / 2, tr("you averaged the two biases: Keras' one bias is their sum")),
        ],
    )
    if hint is not None:
        return hint
    for order in itertools.permutations(range(4)):
        if order == (0, 1, 2, 3):
            continue
        if any(close(got, _blocks(want, order, axis=-1)) for got, want in zip(weights, right, strict=True)):
            return tr(
                "you reordered the gate blocks to {order}: torch's LSTM order i, f, g, o is Keras' i, f, c, o"
                " (only the GRU's order differs), so transpose without reordering",
                order=", ".join(_TORCH_LSTM_GATES[i] for i in order),
            )
    if close(kernel, w_ih.reshape(inputs, 4 * hidden)) or close(recurrent_kernel, w_hh.reshape(hidden, 4 * hidden)):
        return tr("you reshaped a torch matrix: reshape keeps the order of the numbers; transpose it with .T")
    if inputs == hidden and close(kernel, w_hh.T):
        return tr("the kernel comes from weight_ih_l0, the recurrent kernel from weight_hh_l0")
    return None


@checker
def check_torch_lstm_to_keras(fn):
    """Exercise 3: ``fn(lstm)`` returns ``[kernel, recurrent_kernel, bias]`` for ``keras.layers.LSTM``
    from a one-layer ``torch.nn.LSTM(d, h, batch_first=True)``.

    Judged by running Keras' LSTM with those weights and torch's on the same random sequences. As in
    chapter 3, the arrays may be NumPy arrays or torch tensors that do not require grad; a tensor that
    still requires grad is refused with the hint to call ``.detach()``.
    """
    keras = require("keras", "check_torch_lstm_to_keras", package="Keras", install="keras tensorflow")
    torch = require("torch", "check_torch_lstm_to_keras", package="PyTorch")

    rng = np.random.default_rng(66)
    for inputs, hidden in ((3, 4), (5, 2), (4, 4)):
        name = tr("nn.LSTM({inputs}, {hidden})", inputs=inputs, hidden=hidden)
        with torch.random.fork_rng(devices=[]):  # leave the reader's random state alone
            lstm = torch.nn.LSTM(inputs, hidden, batch_first=True)
        with torch.no_grad():
            for param, size in (
                (lstm.weight_ih_l0, (4 * hidden, inputs)),
                (lstm.weight_hh_l0, (4 * hidden, hidden)),
            ):
                param.copy_(torch.from_numpy(rng.normal(scale=0.6, size=size)))
            lstm.bias_ih_l0.copy_(torch.from_numpy(nonzero(rng, 4 * hidden)))
            lstm.bias_hh_l0.copy_(torch.from_numpy(nonzero(rng, 4 * hidden)))
        params = {n: p.detach().numpy().copy() for n, p in lstm.named_parameters()}
        x = rng.normal(size=(2, 5, inputs)).astype("float32")
        with torch.no_grad():
            expected = lstm(torch.from_numpy(x))[0].numpy()
        weights = call_reader(fn, "fn(lstm)", (lstm,), convert=to_arrays, context=name, explain=_explain_lstm_port)
        shapes = [w.shape for w in weights]
        if shapes != [(inputs, 4 * hidden), (hidden, 4 * hidden), (4 * hidden,)]:
            return report(False, tr("{case}: {hint}", case=name, hint=_lstm_shape_hint(shapes, inputs, hidden)))
        layer = keras.layers.LSTM(
            hidden, return_sequences=True, kernel_initializer="zeros", recurrent_initializer="zeros"
        )
        layer.build((None, None, inputs))
        layer.set_weights([w.astype("float32") for w in weights])
        got = keras.ops.convert_to_numpy(layer(x))
        if close(got, expected, atol=1e-5):
            continue
        hint = _lstm_port_hint(weights, params, inputs, hidden)
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint
                or tr(
                    "outputs differ: kernel = weight_ih_l0.T, recurrent_kernel = weight_hh_l0.T,"
                    " bias = bias_ih_l0 + bias_hh_l0"
                ),
            ),
        )
    return report(True, tr("Keras' LSTM now computes what torch's computes: same gate order, transposed, one bias"))


# --- Exercise 4: the targets of the delay-k recall task -----------------------------------------


def _delay_cases():
    """(name, X, delay): X ``(n, steps, 1)`` float32 with a fifth of its inputs exactly 0, so that
    ``>= 0`` and ``> 0`` give different targets; the delays include 0 and ``steps − 1``."""
    rng = np.random.default_rng(64)
    for n, steps, delay in ((50, 8, 2), (50, 8, 0), (50, 8, 7), (40, 5, 1), (40, 9, 3)):
        X = rng.normal(size=(n, steps, 1)).astype(np.float32)
        X[rng.random(X.shape) < 0.2] = 0.0
        yield tr("X of shape {shape}, delay = {delay}", shape=X.shape, delay=delay), X, delay


def _delay_mistakes(X: np.ndarray, delay: int):
    """(targets, hint) of the usual wrong ways to read the input ``delay`` steps before the last."""
    steps = X.shape[1]
    right = steps - 1 - delay

    def above(i):
        return (X[:, i] > 0).astype(float)

    def at_least(i):
        return (X[:, i] >= 0).astype(float)

    indices = []
    if delay == 0:
        indices.append(
            (0, tr("off by one: delay = 0 asks for the last step, X[:, -1]; X[:, -0] is X[:, 0], the first step"))
        )
    else:
        indices.append(
            (
                steps - delay,
                tr(
                    "off by one: you read the step after the right one; the last step is X[:, -1], so the input"
                    " delay steps before it is X[:, -1 - delay] = X[:, steps - 1 - delay]"
                ),
            )
        )
    if right >= 1:
        indices.append(
            (
                right - 1,
                tr(
                    "off by one: you read the step before the right one, X[:, steps - 1 - delay], the input delay"
                    " steps before the last"
                ),
            )
        )
    if delay != right:
        indices.append(
            (
                delay,
                tr(
                    "you counted delay steps from the start: count them back from the last step,"
                    " X[:, steps - 1 - delay]"
                ),
            )
        )
    if delay != 0:
        indices.append((steps - 1, tr("your targets ignore delay: they always read the last step")))
    mistakes = [
        (X[:, right].astype(float), tr("return 0/1 targets, 1.0 where the input was > 0, not the input itself")),
        (
            np.sign(X[:, right]).astype(float),
            tr("np.sign gives −1, 0 and 1: the target is 1.0 where the input was > 0, 0.0 otherwise"),
        ),
        (at_least(right), tr("an input of exactly 0 is not positive: use > 0, not >= 0")),
        ((X[:, right] < 0).astype(float), tr("the target is 1 where the input was positive, not negative")),
        ((X[:, right] <= 0).astype(float), tr("the target is 1 where the input was positive, not negative")),
    ]
    for index, hint in indices:
        mistakes += [(above(index), hint), (at_least(index), hint)]
    return mistakes


def _explain_delay(steps: int, delay: int):
    def explain(exc: Exception) -> str | None:
        if isinstance(exc, IndexError) and delay == 0:
            return tr(
                "off by one: delay = 0 asks for the last step, X[:, steps - 1]; X[:, steps - delay] is past the end"
            )
        if isinstance(exc, IndexError):
            return tr(
                "X is (n, steps, 1) with steps = {steps}: the input delay steps before the last is"
                " X[:, steps - 1 - delay]",
                steps=steps,
            )
        return None

    return explain


def _booleans(result) -> bool:
    """Whether the reader's targets are booleans (NumPy's ``bool`` or torch's ``torch.bool``)."""
    return str(getattr(result, "dtype", "")).endswith("bool")


@checker
def check_delay_targets(fn):
    """Exercise 4: ``fn(X, delay)`` returns the delay task's targets ``(n, 1)``: 1.0 where
    ``X[:, steps - 1 - delay, 0] > 0``, 0.0 otherwise, as :func:`rnnbook.memory.delay_task` makes them.

    Judged on sequences with exact zeros (0 is not positive) and delays from 0 to ``steps − 1``.
    Any numbers or booleans equal to those 0/1 targets are right (float32, float64, int, bool, a
    torch tensor without grad); for booleans the ✓ line adds that a loss wants floats.
    """
    booleans = False
    delays = []
    for name, X, delay in _delay_cases():
        n, steps = X.shape[:2]
        expected = (X[:, steps - 1 - delay] > 0).astype(float)
        kinds = []

        def convert(result, kinds=kinds):
            kinds.append(_booleans(result))
            return to_array(result)

        got = call_reader(
            fn, "fn(X, delay)", (X.copy(), delay), convert=convert, context=name, explain=_explain_delay(steps, delay)
        )
        booleans = booleans or any(kinds)
        if got.shape != expected.shape:
            if got.shape == (n,):
                hint = tr(
                    "return shape (n, 1) = {shape}, one column as delay_task makes it, not (n,):"
                    " X[:, t] keeps the feature axis, X[:, t, 0] drops it",
                    shape=expected.shape,
                )
            elif got.shape[:2] == (n, steps):
                hint = tr(
                    "you returned a target for every step; the task has one per sequence, shape (n, 1) = {shape}",
                    shape=expected.shape,
                )
            else:
                hint = tr(
                    "expected shape {expected}, one target per sequence, got {got}",
                    expected=expected.shape,
                    got=got.shape,
                )
            return report(False, tr("{case}: {hint}", case=name, hint=hint))
        if close(got, expected):
            delays.append(delay)
            continue
        hint = first_match(got, _delay_mistakes(X, delay))
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint or tr("the target is 1.0 where X[:, steps - 1 - delay] > 0, 0.0 otherwise"),
            ),
        )
    message = tr(
        "1.0 where X[:, steps − 1 − delay] > 0, else 0.0: right for delays {delays}, exact zeros included",
        delays=", ".join(str(k) for k in sorted(set(delays))),
    )
    if booleans:
        message = tr(
            "{message}; your targets are booleans: convert them with .astype(np.float32) before a loss uses them",
            message=message,
        )
    return report(True, message)
