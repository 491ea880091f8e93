"""Input checks shared by the public functions: fail early with a message that teaches."""

from __future__ import annotations

import importlib
import numbers

import numpy as np

from rnnbook.i18n import tr


def either(options) -> str:
    """``options`` as one alternative for a message: "1 or 2", "(time,) or (time, features)"."""
    options = [str(option) for option in options]
    text = options[-1]
    for option in reversed(options[:-1]):
        text = tr("{first} or {second}", first=option, second=text)
    return text


def as_array(x, name: str, ndim: int | tuple[int, ...] | None = None, axes: str | tuple[str, ...] = "") -> np.ndarray:
    """Return ``x`` as a float ndarray, checking its rank and that it holds no NaN or inf.

    ``axes`` names the expected axes, e.g. ``"(batch, features)"``, or gives a tuple of alternatives.
    """
    try:
        arr = np.asarray(x, dtype=np.float64) if not _is_float(x) else np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            tr("{name} must be an array of numbers, got {type}: {error}", name=name, type=type(x).__name__, error=exc)
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            ranks = either(allowed)
            fix = ""
            if arr.ndim == 1 and 2 in allowed:
                fix = tr("; for a single example add a batch axis with {name}[None]", name=name)
            elif arr.ndim == 2 and 3 in allowed:
                fix = tr(
                    "; for one sequence add a batch axis with {name}[None], for a batch of "
                    "single-feature sequences add a feature axis with {name}[..., None]",
                    name=name,
                )
            if axes:
                axes = axes if isinstance(axes, str) else either(axes)
                message = tr(
                    "expected {name} with {ranks} axes {axes}, got shape {shape}{fix}",
                    name=name,
                    ranks=ranks,
                    axes=axes,
                    shape=arr.shape,
                    fix=fix,
                )
            else:
                message = tr(
                    "expected {name} with {ranks} axes, got shape {shape}{fix}",
                    name=name,
                    ranks=ranks,
                    shape=arr.shape,
                    fix=fix,
                )
            raise ValueError(message)
    if not np.all(np.isfinite(arr)):
        raise ValueError(tr("{name} contains NaN or inf; clean or impute the data before calling this", name=name))
    return arr


def _is_float(x) -> bool:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def positive_int(value, name: str) -> int:
    """Return ``value`` as an int, requiring a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(tr("{name} must be a whole number >= 1, got {value!r}", name=name, value=value))
    return int(value)


def whole_number(value) -> bool:
    """Whether ``value`` is a whole number (Python's or NumPy's integers, not booleans)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def seed_value(seed) -> int:
    """Return ``seed`` as an int, requiring a whole number >= 0."""
    if not whole_number(seed) or seed < 0:
        raise ValueError(tr("seed must be a whole number >= 0, got {seed!r}", seed=seed))
    return int(seed)


def learning_rate(lr) -> float:
    """Return ``lr`` as a float, requiring a finite number > 0."""
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(tr("lr must be a positive number, got {value!r}", value=lr))
    return float(lr)


def check_choice(value, name: str, choices) -> str:
    """Require ``value`` to be one of ``choices``."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(tr("{name} must be one of {choices}, got {value!r}", name=name, choices=listed, value=value))
    return value


def require(module: str, user: str, package: str | None = None, install: str | None = None):
    """Import and return ``module``, an optional dependency that ``user`` (a function's name) needs.

    rnnbook itself needs NumPy and Matplotlib only; Keras, TensorFlow, PyTorch and statsmodels are
    imported by the functions that use them, through this helper. Where the package is missing it
    raises :class:`ModuleNotFoundError` (an ``ImportError``) whose message, in the reader's language,
    names ``package`` (the name a reader knows, e.g. ``"PyTorch"``; by default the module's) and the
    command that installs it, ``pip install {install}`` (by default the module's top-level name).
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.partition(".")[0] != top:
            raise  # the package is there, but a module *it* imports is missing: Python's message names it
        raise ModuleNotFoundError(
            tr(
                "{user} needs {package}, which is not installed: pip install {install}",
                user=user,
                package=package or top,
                install=install or top,
            ),
            name=top,
        ) from exc
