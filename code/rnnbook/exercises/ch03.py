"""Checkers for chapter 3, *SimpleRNN from scratch, in Keras and in PyTorch*."""

from __future__ import annotations

import functools
import math
import numbers
import sys

import numpy as np

from rnnbook._validate import require
from rnnbook.exercises import _report
from rnnbook.exercises._report import (
    Unreadable,
    call_reader,
    checker,
    close,
    first_match,
    nonzero,
    reject,
    report,
    to_array,
    to_arrays,
)
from rnnbook.exercises.ch01 import _int_answer, _known_mistake
from rnnbook.i18n import tr
from rnnbook.params import keras_simple_rnn_param_count, torch_rnn_param_count


@checker
def check_param_counts(keras_answer, torch_answer, features: int = 8, units: int = 16):
    """Exercise 1: parameters of Keras ``SimpleRNN(units)`` and ``torch.nn.RNN(features, units)``."""
    keras_value = _int_answer(keras_answer, tr("Keras count"))
    torch_value = _int_answer(torch_answer, tr("torch count"))
    d, h = features, units
    keras_expected = keras_simple_rnn_param_count(d, h)
    torch_expected = torch_rnn_param_count(d, h)
    if (keras_value, torch_value) == (torch_expected, keras_expected):
        return report(False, tr("the two counts are swapped: Keras has one bias vector, torch two"))
    if keras_value != keras_expected:
        hint = _known_mistake(
            keras_value,
            keras_expected,
            [
                (h * (d + h), tr("Keras: {value} leaves out the bias, units values", value=keras_value)),
                (h * (d + 1), tr("Keras: {value} leaves out the recurrent kernel, units·units", value=keras_value)),
                (h * (h + 1), tr("Keras: {value} leaves out the kernel, input_dim·units", value=keras_value)),
                (torch_expected, tr("Keras: {value} counts two biases; SimpleRNN has one", value=keras_value)),
            ],
        )
        if hint is None and keras_value > keras_expected and keras_value % keras_expected == 0:
            hint = tr(
                "Keras: {value} is not right (time steps never count); use units·(input_dim + units + 1)",
                value=keras_value,
            )
        return report(
            False,
            hint or tr("Keras: {value} is not right; use units·(input_dim + units + 1)", value=keras_value),
        )
    if torch_value == keras_expected:
        return report(False, tr("torch: it has two bias vectors, bias_ih_l0 and bias_hh_l0"))
    if torch_value != torch_expected:
        hint = _known_mistake(
            torch_value,
            torch_expected,
            [
                (
                    h * (d + h),
                    tr("torch: {value} leaves out both biases, bias_ih_l0 and bias_hh_l0", value=torch_value),
                ),
                (h * (d + 2), tr("torch: {value} leaves out weight_hh_l0, hidden·hidden", value=torch_value)),
                (h * (h + 2), tr("torch: {value} leaves out weight_ih_l0, hidden·input", value=torch_value)),
            ],
        )
        if hint is None and torch_value > torch_expected and torch_value % torch_expected == 0:
            hint = tr("torch: {value} is a multiple of the answer: time steps never count", value=torch_value)
        return report(
            False, hint or tr("torch: {value} is not right; use hidden·(input + hidden + 2)", value=torch_value)
        )
    return report(
        True,
        tr(
            "Keras {keras}, torch {torch}: torch's second bias adds {units}",
            keras=keras_value,
            torch=torch_value,
            units=units,
        ),
    )


def _simple_rnn(x, kernel, recurrent_kernel, bias, activation=np.tanh, h0=None, steps=None, carry=True):
    """The last state of a SimpleRNN loop in NumPy, with the knobs that reproduce typical mistakes."""
    h = np.zeros((x.shape[0], kernel.shape[1])) if h0 is None else h0
    for t in range(x.shape[1]) if steps is None else steps:
        previous = h if carry else np.zeros_like(h)
        h = activation(x[:, t] @ kernel + previous @ recurrent_kernel + bias)
    return h


def _forward_mistakes(x, kernel, recurrent_kernel, bias):
    steps = x.shape[1]
    zero_bias = np.zeros_like(bias)
    mistakes = [
        (_simple_rnn(x, kernel, recurrent_kernel, zero_bias), tr("the bias is never added")),
        (
            _simple_rnn(x, kernel, recurrent_kernel.T, bias),
            tr("use h @ recurrent_kernel, not its transpose"),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, steps=range(steps - 1)),
            tr("your loop stops one step early: run it over all {steps} time steps", steps=steps),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, steps=range(1, steps)),
            tr("your loop skips the first time step: t runs from 0 to {last}", last=steps - 1),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, steps=range(steps - 1, -1, -1)),
            tr("you ran the sequence backwards: t goes from 0 to T − 1"),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, carry=False),
            tr("the state is not carried over: each step must use the previous h"),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, h0=np.ones((x.shape[0], kernel.shape[1]))),
            tr("the state must start at zero: h = np.zeros((batch, units))"),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, activation=lambda z: z),
            tr("the activation is missing: SimpleRNN applies tanh at every step"),
        ),
        (
            _simple_rnn(x, kernel, recurrent_kernel, bias, activation=lambda z: np.maximum(z, 0)),
            tr("this is ReLU: SimpleRNN's default activation is tanh"),
        ),
    ]
    if kernel.shape == recurrent_kernel.shape:
        mistakes.append(
            (
                _simple_rnn(x, recurrent_kernel, kernel, bias),
                tr("kernel and recurrent_kernel are swapped: x_t @ kernel, h @ recurrent_kernel"),
            )
        )
    return mistakes


def _explain_forward(exc: Exception) -> str | None:
    if isinstance(exc, IndexError):
        return tr("x is (batch, time, features): the input of step t is x[:, t, :]")
    if isinstance(exc, ValueError):
        return tr(
            "the shapes do not fit: x[:, t, :] (batch, features) @ kernel (features, units), "
            "h (batch, units) @ recurrent_kernel (units, units)"
        )
    return None


@checker
def check_forward(fn):
    """Exercise 2: ``fn(x, kernel, recurrent_kernel, bias)`` returns SimpleRNN's last output."""
    keras = require("keras", "check_forward", package="Keras", install="keras tensorflow")

    rng = np.random.default_rng(21)
    signature = "fn(x, kernel, recurrent_kernel, bias)"
    for batch, steps, features, units in ((2, 6, 3, 4), (3, 4, 2, 5), (1, 7, 4, 4)):
        name = tr("x of shape {shape}, {units} units", shape=(batch, steps, features), units=units)
        layer = keras.layers.SimpleRNN(units, kernel_initializer="zeros", recurrent_initializer="zeros")
        layer.build((None, None, features))
        layer.set_weights(
            [
                rng.normal(scale=0.6, size=(features, units)),
                rng.normal(scale=0.6, size=(units, units)),
                nonzero(rng, units),
            ]
        )
        weights = [np.asarray(w) for w in layer.get_weights()]
        x = rng.normal(size=(batch, steps, features)).astype("float32")
        expected = keras.ops.convert_to_numpy(layer(x))
        got = call_reader(
            fn,
            signature,
            (x.copy(), *[w.copy() for w in weights]),
            convert=to_array,
            context=name,
            explain=_explain_forward,
        )
        if got.shape == (batch, steps, units) and close(got[:, -1], expected, atol=1e-5):
            return report(False, tr("you returned every step; SimpleRNN returns only the last one by default"))
        if got.shape != expected.shape:
            return report(
                False,
                tr(
                    "{case}: expected shape {expected} (batch, units), got {got}",
                    case=name,
                    expected=expected.shape,
                    got=got.shape,
                ),
            )
        if close(got, expected, atol=1e-5):
            continue
        hint = first_match(got, _forward_mistakes(x.astype(float), *weights), atol=1e-5)
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint or tr("values differ: h = tanh(x_t @ kernel + h @ recurrent_kernel + bias), from h = 0"),
            ),
        )
    return report(True, tr("your loop reproduces keras.layers.SimpleRNN"))


def _explain_torch(exc: Exception) -> str | None:
    if "requires grad" in str(exc):
        return tr("detach the torch parameters first: rnn.weight_ih_l0.detach().numpy()")
    return None


def _torch_shape_hint(shapes, inputs, hidden) -> str:
    expected = [(inputs, hidden), (hidden, hidden), (hidden,)]
    if len(shapes) == 4:
        return tr("Keras has one bias: return three arrays, with bias = bias_ih_l0 + bias_hh_l0")
    if len(shapes) == 3 and shapes[2] == (2 * hidden,):
        return tr("you joined the two biases end to end: Keras' one bias is their sum, shape {shape}", shape=(hidden,))
    if len(shapes) == 3 and shapes[0] == (hidden, inputs) and inputs != hidden:
        return tr("the kernel must be (input, hidden): transpose weight_ih_l0 (kernel = weight_ih_l0.T)")
    return tr("expected shapes {expected}, got {shapes}", expected=expected, shapes=shapes)


@checker
def check_torch_to_keras_weights(fn):
    """Exercise 3: ``fn(rnn)`` returns ``[kernel, recurrent_kernel, bias]`` for Keras from a torch nn.RNN."""
    keras = require("keras", "check_torch_to_keras_weights", package="Keras", install="keras tensorflow")
    torch = require("torch", "check_torch_to_keras_weights", package="PyTorch")

    rng = np.random.default_rng(3)
    for inputs, hidden in ((3, 4), (5, 2), (4, 4)):
        name = tr("nn.RNN({inputs}, {hidden})", inputs=inputs, hidden=hidden)
        with torch.random.fork_rng(devices=[]):  # leave the reader's random state alone
            rnn = torch.nn.RNN(inputs, hidden, batch_first=True)
        with torch.no_grad():
            for param, size in (
                (rnn.weight_ih_l0, (hidden, inputs)),
                (rnn.weight_hh_l0, (hidden, hidden)),
            ):
                param.copy_(torch.from_numpy(rng.normal(scale=0.6, size=size)))
            rnn.bias_ih_l0.copy_(torch.from_numpy(nonzero(rng, hidden)))
            rnn.bias_hh_l0.copy_(torch.from_numpy(nonzero(rng, hidden)))
        params = {n: p.detach().numpy().copy() for n, p in rnn.named_parameters()}
        weights = call_reader(fn, "fn(rnn)", (rnn,), convert=to_arrays, context=name, explain=_explain_torch)
        shapes = [w.shape for w in weights]
        if shapes != [(inputs, hidden), (hidden, hidden), (hidden,)]:
            return report(False, tr("{case}: {hint}", case=name, hint=_torch_shape_hint(shapes, inputs, hidden)))
        layer = keras.layers.SimpleRNN(
            hidden, return_sequences=True, kernel_initializer="zeros", recurrent_initializer="zeros"
        )
        layer.build((None, None, inputs))
        layer.set_weights([w.astype("float32") for w in weights])
        x = rng.normal(size=(2, 5, inputs)).astype("float32")
        with torch.no_grad():
            expected = rnn(torch.from_numpy(x))[0].numpy()
        got = keras.ops.convert_to_numpy(layer(x))
        if close(got, expected, atol=1e-5):
            continue
        kernel, recurrent_kernel, bias = weights
        w_ih, w_hh = params["weight_ih_l0"], params["weight_hh_l0"]
        b_ih, b_hh = params["bias_ih_l0"], params["bias_hh_l0"]
        transpose = tr("transpose both matrices: kernel = weight_ih_l0.T, recurrent_kernel = weight_hh_l0.T")
        hint = first_match(
            bias,
            [
                (b_ih, tr("close: Keras' one bias is the sum bias_ih_l0 + bias_hh_l0")),
                (b_hh, tr("close: Keras' one bias is the sum bias_ih_l0 + bias_hh_l0")),
                ((b_ih + b_hh) / 2, tr("you averaged the two biases: Keras' one bias is their sum")),
            ],
        )
        if hint is None and close(kernel, w_ih.T) and close(recurrent_kernel, w_hh):
            hint = tr("recurrent_kernel = weight_hh_l0.T: transpose it too")
        if hint is None and inputs == hidden:
            hint = first_match(
                kernel,
                [
                    (w_ih, transpose),
                    (w_hh.T, tr("the kernel comes from weight_ih_l0, the recurrent kernel from weight_hh_l0")),
                ],
            )
        return report(
            False,
            tr(
                "{case}: {hint}",
                case=name,
                hint=hint or tr("outputs differ: kernel = weight_ih_l0.T, recurrent_kernel = weight_hh_l0.T"),
            ),
        )
    return report(True, tr("Keras now computes what torch computes"))


@checker
def check_steps_to_vanish(answer, a: float = 0.9, threshold: float = 0.01):
    """Exercise 4: smallest T with a**T < threshold, the norm of ∂h_T/∂h_0 for W_hh = a·I, linear."""
    exact = math.log(threshold) / math.log(a)
    expected = math.floor(exact) + 1
    if (
        isinstance(answer, numbers.Real)
        and not isinstance(answer, bool)
        and math.isfinite(answer)
        and not float(answer).is_integer()
        and math.ceil(answer) == expected
    ):
        return report(
            False,
            tr(
                "{answer:.4g} solves {a}^T = {threshold} exactly; T counts steps: round it up to a whole number",
                answer=float(answer),
                a=a,
                threshold=threshold,
            ),
        )
    value = _int_answer(answer, tr("number of steps"))
    if value == expected:
        return report(
            True,
            tr(
                "{a}^{value} = {power:.4f} < {threshold}, while {a}^{previous} = {previous_power:.4f}",
                a=a,
                value=value,
                power=a**value,
                threshold=threshold,
                previous=value - 1,
                previous_power=a ** (value - 1),
            ),
        )
    if a**value < threshold:
        return report(
            False,
            tr(
                "{a}^{value} is below {threshold}, but so is an earlier power: find the first one",
                a=a,
                value=value,
                threshold=threshold,
            ),
        )
    if value == math.floor(exact):
        return report(
            False,
            tr(
                "{a}^{value} = {power:.4f} is still above {threshold}: round {exact:.4g} up, not down",
                a=a,
                value=value,
                power=a**value,
                threshold=threshold,
                exact=exact,
            ),
        )
    return report(
        False,
        tr(
            "{a}^{value} = {power:.3f} is still above {threshold}",
            a=a,
            value=value,
            power=a**value,
            threshold=threshold,
        ),
    )


# --- Exercise 5: train a network, evaluated on sequences it never saw ------------------------------

GOOD_R2 = 0.9
"""The R² a trained network must reach on fresh sequences (the official solutions reach 0.98 to 0.999)."""

_SEQUENCES = 512  # in the training set, and in each set of fresh sequences


class _Teacher:
    """The unknown rule behind the targets: a ``SimpleRNN(units)`` with a ``Dense(outputs)`` on top, in NumPy.

    Its weights are drawn from the checker's generator: a recurrent matrix 0.9 times an orthogonal
    one, so that the state neither explodes nor forgets at once; biases that are never zero; and a
    Dense layer whose outputs reach well beyond (−1, 1), the range of a SimpleRNN's own output.
    """

    def __init__(self, rng: np.random.Generator, features: int, outputs: int, units: int = 4):
        self.kernel = rng.normal(size=(features, units)) / np.sqrt(features)
        orthogonal, _ = np.linalg.qr(rng.normal(size=(units, units)))
        self.recurrent_kernel = 0.9 * orthogonal
        self.bias = 0.3 * nonzero(rng, units)
        self.dense = rng.uniform(1.0, 3.0, size=(units, outputs)) * rng.choice([-1.0, 1.0], size=(units, outputs))
        self.dense_bias = 2.5 * nonzero(rng, outputs)

    def __call__(self, x: np.ndarray, lengths=None) -> np.ndarray:
        """The targets for ``x`` (batch, time, features); with ``lengths``, each sequence ends there
        (the steps after it are padding, over which the state is carried, as a mask does)."""
        h = np.zeros((x.shape[0], self.kernel.shape[1]))
        for t in range(x.shape[1]):
            new = np.tanh(x[:, t] @ self.kernel + h @ self.recurrent_kernel + self.bias)
            h = new if lengths is None else np.where((t < lengths)[:, None], new, h)
        return h @ self.dense + self.dense_bias


def _r2(y: np.ndarray, predicted: np.ndarray) -> float:
    """The coefficient of determination: 1 − squared error / squared deviation from each output's mean."""
    return float(1 - np.sum((y - predicted) ** 2) / np.sum((y - y.mean(axis=0)) ** 2))


def _to_predictor(result):
    """``convert`` for the result of a training function: a function ``predict(x)``, or a model.

    A ``torch.nn.Module`` is called on a float32 tensor, without gradients; anything else that can be
    called (a Keras model, a function) is called on the NumPy array itself."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(result, torch.nn.Module):
        module = result

        def predict(x):
            with torch.no_grad():
                return module(torch.from_numpy(np.asarray(x, dtype=np.float32)))

        return predict
    if callable(result):
        return result
    raise Unreadable(tr("a function predict(x) (or a trained model) that returns the predictions for x"))


def _too_slow() -> str:
    """The hint for a training function that exceeds :data:`_report.TRAINING_TIME_LIMIT`."""
    return tr("the training must end within the time limit: fewer epochs, larger batches or a smaller network")


def _call_trainer(fit, signature: str, args, convert=None, context: str = ""):
    """Call the reader's training function as every training checker does: under
    :data:`_report.TRAINING_TIME_LIMIT`, with the hint for a slow one and the float32 hint for an error;
    its result goes through ``convert`` (default: :func:`_to_predictor`)."""
    return call_reader(
        fit,
        signature,
        args,
        convert=convert or _to_predictor,
        context=context,
        explain=_explain_training,
        limit=_report.TRAINING_TIME_LIMIT,
        slow=_too_slow(),
    )


def _explain_training(exc: Exception) -> str | None:
    text = str(exc)
    if "Double" in text or "dtype" in text:
        return tr("x and y are float32 arrays: keep every tensor float32, e.g. torch.from_numpy(x)")
    return None


def _predictions(predict, x: np.ndarray, outputs: int, context: str, explain=None) -> np.ndarray:
    """The reader's ``predict(x)``, checked: finite numbers of shape (batch, outputs)."""
    got = call_reader(predict, "predict(x)", (x.copy(),), convert=to_array, context=context, explain=explain)
    batch, steps = x.shape[:2]
    if got.ndim == 3 and got.shape[:2] == (batch, steps):
        reject(
            tr(
                "{case}: predict(x) returned an output for every time step, shape {shape}; the target belongs to"
                " the whole sequence: return the last step's only, shape (batch, outputs)",
                case=context,
                shape=got.shape,
            )
        )
    if got.shape != (batch, outputs):
        if got.size == batch * outputs and got.ndim >= 1 and got.shape[0] == batch:
            got = got.reshape(batch, outputs)  # (batch,) for one output, or (batch, outputs, 1): the same numbers
        else:
            reject(
                tr(
                    "{case}: predict(x) must return shape (batch, outputs) = {expected}, got {shape}",
                    case=context,
                    expected=(batch, outputs),
                    shape=got.shape,
                )
            )
    if not np.all(np.isfinite(got)):
        reject(
            tr(
                "{case}: the predictions contain NaN or infinity: the training diverged;"
                " scale the targets or lower the learning rate",
                case=context,
            )
        )
    return got


def _weak_fit_hint(got, y, score: float, train_score, last_step_only) -> str:
    """Why predictions ``got`` of targets ``y`` reach only R² = ``score`` (a translated clause).

    ``train_score()`` is the R² on the training sequences, ``last_step_only()`` whether the
    predictions stay the same when every step but the last changes; both are called only when needed."""
    on_training = train_score()
    if on_training >= GOOD_R2 and score < on_training - 0.1:
        return tr(
            "R² = {train:.3f} on the training sequences but {score:.3f} on fresh ones: the model memorised the"
            " training set instead of learning the rule",
            train=on_training,
            score=score,
        )
    top = float(np.abs(y).max())
    if np.abs(got).max() <= 1 + 1e-6 and top > 1.5 and np.ptp(got) > 1e-6:  # a constant comes next
        return tr(
            "your predictions stay within [−1, 1], while the targets reach {top:.1f}: a SimpleRNN's output is its"
            " tanh state; put a Dense layer on top of it",
            top=top,
        )
    if np.all(got.std(axis=0) < 0.1 * y.std(axis=0)):
        return tr(
            "your predictions hardly vary (R² = {score:.3f}): the model predicts about the mean target. Did it"
            " train? Scale the targets, train longer or with a larger learning rate",
            score=score,
        )
    if last_step_only():
        return tr(
            "R² = {score:.3f}: your predictions depend on the last step only, while the target depends on the"
            " whole sequence; let a recurrent layer read every step and carry its state",
            score=score,
        )
    return tr(
        "R² = {score:.3f} on fresh sequences; it must reach {good}: train longer, scale the targets with their"
        " mean and standard deviation, or give the network more units",
        score=score,
        good=GOOD_R2,
    )


def _score_on(predict, x: np.ndarray, y: np.ndarray, outputs: int, context: str) -> float:
    """The R² of ``predict`` on sequences ``x`` with targets ``y`` (the training set, for a diagnosis)."""
    return _r2(y, _predictions(predict, x, outputs, context))


def _last_step_only(predict, x: np.ndarray, got: np.ndarray, outputs: int, context: str, rng, lengths=None) -> bool:
    """Whether ``predict`` gives the same ``got`` when every step of ``x`` but the last (real) one is redrawn."""
    last = np.full(x.shape[0], x.shape[1]) if lengths is None else lengths
    before = np.arange(x.shape[1])[None, :] < (last - 1)[:, None]
    changed = x.copy()
    changed[before] = rng.normal(size=changed[before].shape)
    return close(_predictions(predict, changed, outputs, context), got, atol=1e-4)


def _explain_length(steps: int):
    def explain(exc: Exception) -> str:
        return tr(
            "your model accepts only sequences of {steps} steps: an RNN applies the same weights at every step,"
            " so declare the time axis as None, keras.Input((None, features)), and never flatten it",
            steps=steps,
        )

    return explain


@checker
def check_trained_rnn(fit, seed: int | None = None, steps: int = 10, longer: int = 25):
    """Exercise 5: ``fit(x, y)`` trains a network on sequences and returns ``predict(x)`` (or the model).

    The targets come from a SimpleRNN + Dense whose weights the checker draws afresh at every call
    (``seed=None``: from the operating system's entropy), so that no answer can know them in advance.
    The reader's network is judged only on sequences drawn after its training ended, of the training
    length and longer: R² ≥ :data:`GOOD_R2` on both.
    """
    rng = np.random.default_rng(seed)
    scores = []
    for features, outputs in ((2, 1), (3, 2)):
        case = tr("{features} features, {outputs} outputs", features=features, outputs=outputs)
        teacher = _Teacher(rng, features, outputs)
        x = rng.normal(size=(_SEQUENCES, steps, features)).astype(np.float32)
        y = teacher(x).astype(np.float32)
        predict = _call_trainer(fit, "fit_rnn(x, y)", (x.copy(), y.copy()), context=case)
        fresh = rng.normal(size=(_SEQUENCES, steps, features)).astype(np.float32)
        long_x = rng.normal(size=(_SEQUENCES, longer, features)).astype(np.float32)
        expected = teacher(fresh)
        got = _predictions(predict, fresh, outputs, case)
        long_got = _predictions(predict, long_x, outputs, case, _explain_length(steps))
        score, long_score = _r2(expected, got), _r2(teacher(long_x), long_got)
        if score < GOOD_R2:
            hint = _weak_fit_hint(
                got,
                expected,
                score,
                functools.partial(_score_on, predict, x, y, outputs, case),
                functools.partial(_last_step_only, predict, fresh, got, outputs, case, rng),
            )
            return report(False, tr("{case}: {hint}", case=case, hint=hint))
        if long_score < GOOD_R2:
            return report(
                False,
                tr(
                    "{case}: R² = {score:.3f} on fresh sequences of {steps} steps, but {long_score:.3f} on sequences"
                    " of {longer} steps: the weights must serve every step, as in a SimpleRNN, whatever the length",
                    case=case,
                    score=score,
                    steps=steps,
                    long_score=long_score,
                    longer=longer,
                ),
            )
        scores += [score, long_score]
    return report(
        True,
        tr(
            "R² ≥ {score:.3f} on fresh sequences of {steps} and {longer} steps: your network has learned the"
            " unknown SimpleRNN",
            score=min(scores),
            steps=steps,
            longer=longer,
        ),
    )
