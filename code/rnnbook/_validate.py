"""Input checks shared by the public functions: fail early with a message that teaches."""

from __future__ import annotations

import numbers

import numpy as np


def as_array(x, name: str, ndim: int | tuple[int, ...] | None = None, axes: str = "") -> np.ndarray:
    """Return ``x`` as a float ndarray, checking its rank and that it holds no NaN or inf."""
    try:
        arr = np.asarray(x, dtype=np.float64) if not _is_float(x) else np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers, got {type(x).__name__}: {exc}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            ranks = " or ".join(str(r) for r in allowed)
            hint = f" {axes}" if axes else ""
            fix = ""
            if arr.ndim == 1 and 2 in allowed:
                fix = f"; for a single example add a batch axis with {name}[None]"
            elif arr.ndim == 2 and 3 in allowed:
                fix = (
                    f"; for one sequence add a batch axis with {name}[None], for a batch of "
                    f"single-feature sequences add a feature axis with {name}[..., None]"
                )
            raise ValueError(f"expected {name} with {ranks} axes{hint}, got shape {arr.shape}{fix}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; clean or impute the data before calling this")
    return arr


def _is_float(x) -> bool:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def positive_int(value, name: str) -> int:
    """Return ``value`` as an int, requiring a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def check_choice(value, name: str, choices) -> str:
    """Require ``value`` to be one of ``choices``."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value
