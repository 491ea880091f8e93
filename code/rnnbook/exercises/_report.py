"""How a checker tells the reader the result (a CheckResult, shown as one ✓/✗ line), and how it runs
the reader's code safely: every exception, odd return value or endless loop becomes a ✗ with a hint."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time

import numpy as np

from rnnbook.i18n import tr

TIME_LIMIT: float | None = 5.0
"""Seconds the reader's code may run in one call before the checker stops it; ``None``: no limit.

The limit uses ``SIGALRM``, so it works only in the main thread of a system that has it (Linux,
macOS, the notebooks' kernels); elsewhere the reader's code runs without one."""

TRAINING_TIME_LIMIT: float | None = 30.0
"""Seconds the reader's code may run in one call that trains a model (or forecasts with it, step by
step), for the exercises that train: longer than :data:`TIME_LIMIT`, and still a bound."""

_REPEAT = 0.25  # after the limit, the alarm repeats, in case the reader's code catches the first one


class CheckResult:
    """What every checker returns: true or false, and shown (in a notebook, or printed) as its line.

    ``if check(...)`` and ``assert check(...)`` work as with a bool; the line says why, in the
    reader's language.
    """

    def __init__(self, ok: bool, message: str):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.message}"

    __str__ = __repr__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def report(ok: bool, message: str) -> CheckResult:
    """The result of a check: ``message`` is already translated (made with :func:`rnnbook.i18n.tr`)."""
    return CheckResult(ok, message)


STRICT_VARIABLE = "RNNBOOK_STRICT"
"""With ``RNNBOOK_STRICT=1`` in the environment, a ✗ result is raised as :class:`CheckFailed` instead
of returned: for a grader (``./book grade``) or a test that runs a notebook and must see a failure."""


class CheckFailed(AssertionError):
    """A ✗ result, raised in strict mode (:data:`STRICT_VARIABLE`); its message is the ✗ line's."""

    def __init__(self, result: CheckResult):
        super().__init__(result.message)
        self.result = result


def _strict() -> bool:
    return os.environ.get(STRICT_VARIABLE, "") == "1"


def _holds_placeholder(value, depth: int = 0) -> bool:
    """True if ``value`` is ``...`` or holds it (in a list, tuple or dict): an answer not yet written."""
    if value is Ellipsis:
        return True
    if depth < 3 and isinstance(value, (list, tuple)):
        return any(_holds_placeholder(v, depth + 1) for v in value)
    if depth < 3 and isinstance(value, dict):
        return any(_holds_placeholder(v, depth + 1) for v in value.values())
    return False


class Rejected(Exception):
    """Raised inside a checker to end it with a ✗ result (see :func:`checker`)."""

    def __init__(self, result: CheckResult):
        super().__init__(result.message)
        self.result = result


def reject(message: str):
    """End the running checker with ✗ and ``message``."""
    raise Rejected(report(False, message))


class _TimeUp(BaseException):
    """The alarm of :func:`time_limit`. Not an ``Exception``, so that ``except Exception`` in the
    reader's code does not swallow it."""


def _timeout_message(seconds) -> str:
    return tr("your code did not finish within {seconds:g} s: is there an endless loop?", seconds=seconds)


def _can_interrupt() -> bool:
    return (
        hasattr(signal, "SIGALRM")
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None  # a handler set outside Python could not be restored
    )


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`_TimeUp` in the block once it has run ``seconds`` (``None``: no limit).

    Only in the main thread and where ``SIGALRM`` exists; elsewhere the block runs without a limit.
    The previous ``SIGALRM`` handler and timer are restored afterwards; a timer that was running
    goes on with the time it had left (at least a millisecond, if it ran out meanwhile).
    """
    if seconds is None or not _can_interrupt():
        yield
        return
    if not seconds > 0:
        raise ValueError(f"the time limit must be a positive number of seconds, got {seconds!r}")
    armed = [True]

    def on_alarm(signum, frame):
        if armed[0]:
            raise _TimeUp

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield
    finally:
        try:
            armed[0] = False  # a _TimeUp raised just before this line still leaves through the cleanup below
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_delay:
                left = previous_delay - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), previous_interval)


def checker(fn):
    """Decorate a checker: a :func:`reject` anywhere inside it becomes its ✗ result, and so does
    anything else that goes wrong with the answer: a checker never raises."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs) -> CheckResult:
        result = judge(*args, **kwargs)
        if not result.ok and _strict():
            raise CheckFailed(result)
        return result

    def judge(*args, **kwargs) -> CheckResult:
        if any(_holds_placeholder(value) for value in (*args, *kwargs.values())):
            # the student notebooks' answer cells start as `answer = ...`
            return report(False, tr("replace ... with your answer, then run the cell again"))
        try:
            return fn(*args, **kwargs)
        except Rejected as rejected:
            return rejected.result
        except _TimeUp:
            return report(False, _timeout_message(TIME_LIMIT))
        except ModuleNotFoundError as exc:  # the checker's own framework is missing, not the answer's fault
            return report(False, short_message(exc))
        except Exception as exc:  # an answer of a form no hint foresaw
            return report(
                False,
                tr(
                    "the checker could not use your answer: {error}: {message}",
                    error=type(exc).__name__,
                    message=short_message(exc),
                ),
            )

    return wrapper


def short_message(exc: BaseException, limit: int = 200) -> str:
    """The first line of an exception's message, cut to ``limit`` characters."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters (an answer may be a huge array)."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_context(context: str, message: str) -> str:
    return tr("{context}: {error}", context=context, error=message) if context else message


_DEFAULT = object()  # the limit of run_reader and call_reader when none is given: TIME_LIMIT, read at the call


def run_reader(thunk, context: str = "", explain=None, subject: str = "function", limit=_DEFAULT, slow=None):
    """Run ``thunk()``, which calls the reader's code, under :data:`TIME_LIMIT`; return its result.

    An exception becomes a ✗ whose hint is ``explain(exc)`` (a translated sentence naming the likely
    mistake, or ``None``) followed by the error; an endless loop becomes a ✗ too. ``subject`` is
    ``"function"`` or ``"cell"``, the word the message uses for the reader's code. ``limit``, in
    seconds (``None``: no limit), replaces :data:`TIME_LIMIT`, e.g. with :data:`TRAINING_TIME_LIMIT`;
    ``slow``, a translated hint, goes before the message of a run that exceeds it.
    """
    seconds = TIME_LIMIT if limit is _DEFAULT else limit
    try:
        with time_limit(seconds):
            return thunk()
    except Rejected:
        raise
    except _TimeUp:
        error = _timeout_message(seconds)
        if slow:
            error = tr("{hint} ({error})", hint=slow, error=error)
        reject(_with_context(context, error))
    except (Exception, SystemExit) as exc:
        values = {"error": type(exc).__name__, "message": short_message(exc)}
        if subject == "cell":
            error = tr("running your cell raised {error}: {message}", **values)
        else:
            error = tr("your function raised {error}: {message}", **values)
        hint = explain(exc) if explain is not None else None
        if hint:
            error = tr("{hint} ({error})", hint=hint, error=error)
        reject(_with_context(context, error))


class Unreadable(Exception):
    """Raised by a ``convert`` function: the reader's result is not of the expected kind.

    ``expected`` is a translated phrase saying what was expected."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def call_reader(fn, signature: str, args, convert=None, context: str = "", explain=None, limit=_DEFAULT, slow=None):
    """Call the reader's ``fn(*args)`` (and ``convert`` its result); reject with a hint if that fails.

    The reader's code may fail in any way, so every exception, a missing ``return`` and an endless
    loop become hints, never a traceback. ``explain(exc)`` may name the likely mistake behind an
    exception; ``convert`` raises :class:`Unreadable` (or any exception) for a result of the wrong kind.
    ``limit`` and ``slow`` are the time limit in seconds and the hint for a call that exceeds it, as
    for :func:`run_reader`.
    """
    if not callable(fn):
        reject(tr("expected a function {signature}, got {type}", signature=signature, type=type(fn).__name__))
    result = run_reader(lambda: fn(*args), context=context, explain=explain, limit=limit, slow=slow)
    if convert is None:
        return result
    if result is None:
        reject(_with_context(context, tr("your function returned None: is the return statement missing?")))
    try:
        return convert(result)
    except Unreadable as exc:
        expected = exc.expected
    except Exception:
        expected = tr("numbers")
    reject(
        _with_context(
            context,
            tr("your function returned {got}; expected {expected}", got=shown(result), expected=expected),
        )
    )


def to_array(result) -> np.ndarray:
    """``convert`` for a result that must be an array of numbers."""
    if isinstance(result, (str, bytes, dict)):
        raise Unreadable(tr("an array of numbers"))
    if getattr(result, "requires_grad", False):
        raise Unreadable(tr("an array, not a torch tensor that requires grad: call .detach() first"))
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Unreadable(tr("an array of numbers")) from None
    return array


def to_number(result) -> float:
    """``convert`` for a result that must be one number (a one-element array counts)."""
    array = to_array(result)
    if array.size != 1:
        raise Unreadable(tr("one number, not an array of shape {shape}", shape=array.shape))
    return float(array.reshape(()))


def to_arrays(result) -> list:
    """``convert`` for a result that must be a list (or tuple) of arrays."""
    if not isinstance(result, (list, tuple)):
        raise Unreadable(tr("a list of arrays"))
    return [to_array(item) for item in result]


def nonzero(rng: np.random.Generator, size) -> np.ndarray:
    """Random values between 0.5 and 1.5 in size, of either sign: a bias that cannot pass for zero."""
    return rng.uniform(0.5, 1.5, size=size) * rng.choice([-1.0, 1.0], size=size)


def close(got, expected, atol: float = 1e-6) -> bool:
    """Same shape and close values (NaN matches NaN, so a broken variant can be recognised)."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(got, expected, rtol=1e-5, atol=atol, equal_nan=True))


def first_match(got, mistakes, atol: float = 1e-6):
    """The hint of the first ``(result, hint)`` in ``mistakes`` whose result ``got`` equals, or None.

    ``result`` may be a function computing it (it is called only when needed)."""
    for result, hint in mistakes:
        if callable(result):
            with np.errstate(all="ignore"):
                result = result()
        if result is not None and close(got, result, atol=atol):
            return hint
    return None
