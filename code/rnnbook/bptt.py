"""Backpropagation through time for the weights of a SimpleRNN with a Dense head (chapter 3).

The book's notation, row convention (as in Keras), batch first. A batch ``X`` has shape
``(n, T, d)``; ``x_t = X[:, t-1]`` is its step t (t = 1..T) and

    z_t = x_t W_xh + h_{t-1} W_hh + b_h,    h_t = φ(z_t),    h_0 = H0 (or zeros)
    ŷ   = h_T W_hq + b_q                    (the output reads the LAST state only)

with ``W_xh: (d, h)``, ``W_hh: (h, h)``, ``b_h: (h,)``, ``W_hq: (h, q)``, ``b_q: (q,)`` and
φ = tanh, relu or linear. In Keras these are SimpleRNN's ``kernel``, ``recurrent_kernel``,
``bias`` and Dense's ``kernel``, ``bias``; torch's ``nn.RNN`` stores ``weight_ih_l0 = W_xhᵀ``,
``weight_hh_l0 = W_hhᵀ`` and two biases with ``bias_ih_l0 + bias_hh_l0 = b_h``, its
``nn.Linear`` ``weight = W_hqᵀ`` and ``bias = b_q``.

:func:`backward` computes the five gradients by BPTT, written out step by step;
:func:`numerical_gradients` gets them by finite differences to check it; :func:`relative_error`
compares two gradients; :func:`clip_by_global_norm` rescales exploding ones;
:func:`truncation_errors` measures what truncated BPTT leaves out.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from rnnbook._validate import as_array, check_choice
from rnnbook.gradients import _derivative
from rnnbook.i18n import tr
from rnnbook.rnn import _check_weights, _initial_state

PARAMETERS = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
ACTIVATIONS = ("tanh", "relu", "linear")
LOSSES = ("mse", "cross_entropy")


# --- checks -------------------------------------------------------------------------------------


def _checked(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation):
    """The inputs of the forward pass as arrays of one float dtype, or a ValueError that teaches."""
    check_choice(activation, "activation", ACTIVATIONS)
    X = as_array(X, "X", ndim=3, axes="(batch, time, features)")
    n, T, d = X.shape
    if T == 0:
        raise ValueError(tr("X has no time steps (shape has time = 0); a sequence needs at least one step"))
    if n == 0:
        raise ValueError(tr("X holds no sequences (shape has batch = 0); the loss is a mean over at least one"))
    W_xh, W_hh, b_h = _check_weights(d, W_xh, W_hh, b_h)
    h = W_hh.shape[0]
    if b_h is None:
        b_h = np.zeros(h, dtype=W_xh.dtype)
    W_hq = as_array(W_hq, "W_hq", ndim=2, axes="(hiddens, outputs)")
    if W_hq.shape[0] != h:
        raise ValueError(
            tr(
                "W_hq must have {hiddens} rows, one per hidden unit: shape (hiddens, outputs), Keras' Dense "
                "kernel layout; got shape {shape}. A torch nn.Linear weight is (outputs, hiddens): pass weight.T",
                hiddens=h,
                shape=W_hq.shape,
            )
        )
    q = W_hq.shape[1]
    if b_q is None:
        b_q = np.zeros(q, dtype=W_hq.dtype)
    b_q = as_array(b_q, "b_q", ndim=1, axes="(outputs,)")
    if b_q.shape != (q,):
        raise ValueError(
            tr(
                "b_q must have shape ({outputs},), one bias per output (column of W_hq), got {shape}",
                outputs=q,
                shape=b_q.shape,
            )
        )
    H0 = np.zeros((n, h), dtype=W_hh.dtype) if H0 is None else _initial_state(H0, n, h)
    dtype = np.result_type(X, W_xh, W_hh, b_h, W_hq, b_q, H0)
    return tuple(a.astype(dtype, copy=False) for a in (X, W_xh, W_hh, b_h, W_hq, b_q, H0))


def _targets(y, loss: str, batch: int, outputs: int) -> np.ndarray:
    """``y`` checked against the loss: ``(n, q)`` targets for "mse", ``(n,)`` class labels otherwise."""
    check_choice(loss, "loss", LOSSES)
    if loss == "mse":
        y = as_array(y, "y")
        expected = (batch, outputs)
        if y.shape == expected:
            return y
        fix = ""
        if y.shape == (batch,) and outputs == 1:
            fix = tr("; add an output axis: y[:, None]")
        elif y.shape == (batch,):
            fix = tr("; if y holds class labels, use loss='cross_entropy'")
        elif y.shape == (outputs, batch):
            fix = tr("; {name} is transposed: pass {name}.T", name="y")
        raise ValueError(
            tr(
                "for loss='mse' y must have the shape of Y_hat, {expected} (batch, outputs), got shape {shape}{fix}",
                expected=expected,
                shape=y.shape,
                fix=fix,
            )
        )
    labels = as_array(y, "y")
    if labels.shape != (batch,):
        fix = tr("; for one-hot rows pass y.argmax(axis=1)") if labels.shape == (batch, outputs) else ""
        raise ValueError(
            tr(
                "for loss='cross_entropy' y must hold one integer class label per sequence, shape ({batch},), "
                "got shape {shape}{fix}",
                batch=batch,
                shape=labels.shape,
                fix=fix,
            )
        )
    fractional = labels[labels != np.round(labels)]
    if fractional.size:
        raise ValueError(
            tr(
                "for loss='cross_entropy' y must hold whole-number class labels 0, 1, …, {last}, "
                "got {value!r}; for one-hot or probability targets pass y.argmax(axis=1)",
                last=outputs - 1,
                value=float(fractional[0]),
            )
        )
    if labels.min() < 0 or labels.max() > outputs - 1:
        raise ValueError(
            tr(
                "for loss='cross_entropy' the class labels in y must lie in 0, 1, …, {last} (W_hq has {classes} "
                "outputs, one logit per class), got labels from {low} to {high}",
                last=outputs - 1,
                classes=outputs,
                low=int(labels.min()),
                high=int(labels.max()),
            )
        )
    return labels.astype(np.int64)


def _truncation(truncate) -> int | None:
    if truncate is None:
        return None
    if not _steps(truncate):
        raise ValueError(
            tr("truncate must be None (full BPTT) or a whole number of steps back >= 1, got {value!r}", value=truncate)
        )
    return int(truncate)


def _steps(k) -> bool:
    return not isinstance(k, bool) and isinstance(k, numbers.Integral) and k >= 1


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(tr("{name} must be a positive number, got {value!r}", name=name, value=value))
    return float(value)


# --- forward pass and loss ----------------------------------------------------------------------


def _run(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation):
    """Forward pass on checked arrays: Z (n, T, h) with Z[:, t-1] = z_t, H (n, T+1, h) with
    H[:, t] = h_t (so H[:, 0] = h_0), and Ŷ (n, q)."""
    n, T, _ = X.shape
    Z = np.empty((n, T, W_hh.shape[0]), dtype=X.dtype)
    H = np.empty((n, T + 1, W_hh.shape[0]), dtype=X.dtype)
    H[:, 0] = H0
    for t in range(1, T + 1):
        Z[:, t - 1] = X[:, t - 1] @ W_xh + H[:, t - 1] @ W_hh + b_h  # z_t = x_t W_xh + h_{t-1} W_hh + b_h
        H[:, t] = _phi(Z[:, t - 1], activation)  # h_t = φ(z_t)
    Y_hat = H[:, T] @ W_hq + b_q  # ŷ = h_T W_hq + b_q
    return Z, H, Y_hat


def _phi(Z, activation):
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return np.maximum(Z, 0.0)
    return Z


def _loss_and_gradient(Y_hat, y, loss):
    """The loss L and ∂L/∂ŷ, both averaged over the batch."""
    n = Y_hat.shape[0]
    if loss == "mse":
        diff = Y_hat - y
        return float(np.mean(diff**2)), 2.0 * diff / diff.size  # L = mean (ŷ − y)²
    # stable log-softmax: log p = ŷ − max ŷ − log Σ exp(ŷ − max ŷ)
    shifted = Y_hat - Y_hat.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    dY = np.exp(log_p)  # softmax(ŷ) − onehot(y), over n
    dY[rows, y] -= 1.0
    return float(-np.mean(log_p[rows, y])), dY / n


def forward(X, W_xh, W_hh, b_h, W_hq, b_q, H0=None, activation: str = "tanh"):
    """The SimpleRNN and its Dense head on a batch: returns ``(H, Y_hat)``.

    X: (n, T, d); H0: (n, h) or None for zeros; activation "tanh", "relu" or "linear".
    ``H`` (n, T, h) holds the states h_1..h_T, ``Y_hat`` (n, q) = h_T W_hq + b_q.
    """
    _, H, Y_hat = _run(*_checked(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation), activation)
    return H[:, 1:], Y_hat


def loss_value(Y_hat, y, loss: str = "mse") -> float:
    """The loss of predictions ``Y_hat`` (n, q) against ``y``, as a float.

    "mse": the mean over the batch and the outputs of (ŷ − y)², y of shape (n, q).
    "cross_entropy": the mean over the batch of −log softmax(ŷ)[y], y integer class labels (n,),
    the q columns of ``Y_hat`` being logits (Keras' ``from_logits=True``, torch's ``cross_entropy``).
    """
    Y_hat = as_array(Y_hat, "Y_hat", ndim=2, axes="(batch, outputs)")
    y = _targets(y, loss, *Y_hat.shape)
    return _loss_and_gradient(Y_hat, y, loss)[0]


# --- backward pass ------------------------------------------------------------------------------


def _bptt(X, y, W_xh, W_hh, b_h, W_hq, b_q, H0, activation, loss, truncate, partial=None):
    Z, H, Y_hat = _run(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation)
    L, dY = _loss_and_gradient(Y_hat, y, loss)  # dY = ∂L/∂ŷ, (n, q)
    T = X.shape[1]
    # the head: ŷ = h_T W_hq + b_q
    grads = {"W_hq": H[:, T].T @ dY, "b_q": dY.sum(axis=0)}
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros_like(b_h)
    delta = dY @ W_hq.T  # δ_T = ∂L/∂h_T = ∂L/∂ŷ W_hqᵀ
    steps = T if truncate is None else min(truncate, T)
    for t in range(T, T - steps, -1):  # t = T, T−1, …, T − steps + 1
        dz = delta * _derivative(Z[:, t - 1], activation)  # δz_t = δ_t ⊙ φ'(z_t)
        dW_xh += X[:, t - 1].T @ dz  # ∂L/∂W_xh += x_tᵀ δz_t
        dW_hh += H[:, t - 1].T @ dz  # ∂L/∂W_hh += h_{t-1}ᵀ δz_t
        db_h += dz.sum(axis=0)  # ∂L/∂b_h += Σ_batch δz_t
        delta = dz @ W_hh.T  # δ_{t-1} = δz_t W_hhᵀ
        if partial is not None:
            partial.append(dW_hh.copy())  # the W_hh gradient truncated after this step
    grads.update(W_xh=dW_xh, W_hh=dW_hh, b_h=db_h)
    return {"loss": L, **{name: grads[name] for name in PARAMETERS}}


def backward(X, y, W_xh, W_hh, b_h, W_hq, b_q, H0=None, activation: str = "tanh", loss: str = "mse", truncate=None):
    """The loss and its gradients with respect to the five weights, by backpropagation through time.

    Returns ``{"loss": float, "W_xh": …, "W_hh": …, "b_h": …, "W_hq": …, "b_q": …}``, each gradient
    of its weight's shape. ``truncate=k`` (a whole number >= 1) is truncated BPTT: the loop stops
    after k steps back from T, so only t = T, …, T−k+1 contribute to W_xh, W_hh and b_h (the head's
    gradients are unchanged); ``None`` or k >= T gives the full gradient.
    """
    X, W_xh, W_hh, b_h, W_hq, b_q, H0 = _checked(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation)
    y = _targets(y, loss, X.shape[0], W_hq.shape[1])
    return _bptt(X, y, W_xh, W_hh, b_h, W_hq, b_q, H0, activation, loss, _truncation(truncate))


def numerical_gradients(
    X, y, W_xh, W_hh, b_h, W_hq, b_q, H0=None, activation: str = "tanh", loss: str = "mse", eps: float = 1e-6
):
    """The same dict as :func:`backward`, by central differences (L(w + ε) − L(w − ε)) / 2ε.

    Computed in float64, one weight entry at a time: two forward passes per entry, so keep the
    sizes small. It checks :func:`backward`; with relu, keep the pre-activations z_t away from 0
    (within ε of the kink the difference quotient is not the derivative).
    """
    eps = _positive(eps, "eps")
    arrays = [a.astype(np.float64) for a in _checked(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation)]
    X, *weights, H0 = arrays
    y = _targets(y, loss, X.shape[0], weights[3].shape[1])

    def loss_at():
        return _loss_and_gradient(_run(X, *weights, H0, activation)[2], y, loss)[0]

    result = {"loss": loss_at()}
    for name, w in zip(PARAMETERS, weights, strict=True):
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            saved = w[index]
            w[index] = saved + eps
            up = loss_at()
            w[index] = saved - eps
            down = loss_at()
            w[index] = saved
            grad[index] = (up - down) / (2 * eps)
        result[name] = grad
    return result


# --- comparing and clipping gradients -----------------------------------------------------------


def _array_error(a, b, first: str, second: str) -> float:
    a, b = as_array(a, first), as_array(b, second)
    if a.shape != b.shape:
        raise ValueError(
            tr(
                "{first} and {second} must have the same shape to be compared, got {first_shape} and "
                "{second_shape}; a torch weight may need .T",
                first=first,
                second=second,
                first_shape=a.shape,
                second_shape=b.shape,
            )
        )
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    scale = max(np.linalg.norm(a) + np.linalg.norm(b), np.finfo(np.float64).tiny)
    return float(np.linalg.norm(a - b) / scale)


def _gradient_names(grads: Mapping) -> list:
    return [name for name in grads if name != "loss"]


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖): 0 for equal arrays, 1 at most (for a = −b), scale-free.

    ``a`` and ``b`` are two arrays of one shape, or two dicts of gradients such as :func:`backward`
    and :func:`numerical_gradients` return: then the largest error over their weights (the "loss"
    entry is ignored). Two zero arrays give 0.
    """
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        names_a, names_b = _gradient_names(a), _gradient_names(b)
        if set(names_a) != set(names_b) or not names_a:
            raise ValueError(
                tr(
                    "the two dicts of gradients must hold the same weights; the first has {first}, the second {second}",
                    first=sorted(names_a),
                    second=sorted(names_b),
                )
            )
        return max(_array_error(a[name], b[name], f"a[{name!r}]", f"b[{name!r}]") for name in names_a)
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        raise ValueError(
            tr(
                "relative_error compares two arrays or two dicts of gradients, got {first} and {second}",
                first=type(a).__name__,
                second=type(b).__name__,
            )
        )
    return _array_error(a, b, "a", "b")


def clip_by_global_norm(grads: Mapping, max_norm: float):
    """Rescale all the gradients together so that their global norm is at most ``max_norm`` (θ).

    ``‖g‖ = sqrt(Σ over the weights of Σ g²)`` and every gradient becomes ``g · min(1, θ / ‖g‖)``:
    the direction is kept, only the step shrinks. Returns ``(clipped, ‖g‖)``, the norm measured
    before clipping; a "loss" entry is passed through and not counted. This is Keras'
    ``global_clipnorm=θ`` exactly; torch's ``clip_grad_norm_`` divides by ``‖g‖ + 1e-6`` instead,
    so its clipped norm is slightly below θ (by a relative 1e-6 / ‖g‖). Note that torch's nn.RNN
    has two bias vectors, each with the gradient of b_h: over ``model.parameters()`` torch counts
    ‖∂L/∂b_h‖² twice.
    """
    if not isinstance(grads, Mapping) or not _gradient_names(grads):
        raise ValueError(
            tr(
                "grads must be a dict of gradients, weight name → array, such as backward() returns; got {value}",
                value=type(grads).__name__ if not isinstance(grads, Mapping) else dict(grads),
            )
        )
    max_norm = _positive(max_norm, "max_norm")
    arrays = {name: as_array(grads[name], f"grads[{name!r}]") for name in _gradient_names(grads)}
    norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in arrays.values())))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    clipped = {name: (grads[name] if name == "loss" else arrays[name] * scale) for name in grads}
    return clipped, norm


def truncation_errors(
    X, y, W_xh, W_hh, b_h, W_hq, b_q, H0=None, activation: str = "tanh", loss: str = "mse", ks=None
) -> np.ndarray:
    """For each k in ``ks`` (default 1..T), the relative error of the W_hh gradient of truncated
    BPTT with ``truncate=k`` against the full one: what the steps further back than k contribute.

    One backward pass gives every k. Returns an array of floats, one per k (0 for k >= T).
    """
    X, W_xh, W_hh, b_h, W_hq, b_q, H0 = _checked(X, W_xh, W_hh, b_h, W_hq, b_q, H0, activation)
    y = _targets(y, loss, X.shape[0], W_hq.shape[1])
    T = X.shape[1]
    if ks is None:
        ks = range(1, T + 1)
    ks = list(ks) if isinstance(ks, (list, tuple, range, np.ndarray)) else ks
    if not isinstance(ks, list) or not ks or not all(_steps(k) for k in ks):
        raise ValueError(tr("ks must be a non-empty list of whole numbers of steps back >= 1, got {value!r}", value=ks))
    partial = []
    _bptt(X, y, W_xh, W_hh, b_h, W_hq, b_q, H0, activation, loss, None, partial)
    return np.array([_array_error(partial[min(k, T) - 1], partial[-1], "truncated", "full") for k in ks])


__all__ = [
    "backward",
    "clip_by_global_norm",
    "forward",
    "loss_value",
    "numerical_gradients",
    "relative_error",
    "truncation_errors",
]
