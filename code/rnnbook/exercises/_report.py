"""How a checker tells the reader the result: a CheckResult, true or false, shown as one ✓/✗ line."""

from __future__ import annotations

import functools

from rnnbook.i18n import tr


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


class Rejected(Exception):
    """Raised inside a checker to end it with a ✗ result (see :func:`checker`)."""

    def __init__(self, result: CheckResult):
        super().__init__(result.message)
        self.result = result


def reject(message: str):
    """End the running checker with ✗ and ``message``."""
    raise Rejected(report(False, message))


def checker(fn):
    """Decorate a checker: a :func:`reject` anywhere inside it becomes its ✗ result."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs) -> CheckResult:
        try:
            return fn(*args, **kwargs)
        except Rejected as rejected:
            return rejected.result

    return wrapper


def call_reader(fn, signature: str, args, convert=None, context: str = ""):
    """Call the reader's ``fn(*args)`` (and ``convert`` its result); reject with a hint if that fails.

    The reader's code may fail in any way, so every exception becomes a hint, never a traceback.
    """
    if not callable(fn):
        reject(tr("expected a function {signature}, got {type}", signature=signature, type=type(fn).__name__))
    try:
        result = fn(*args)
        return convert(result) if convert is not None else result
    except Exception as exc:
        error = tr("your function raised {error}: {message}", error=type(exc).__name__, message=exc)
        reject(tr("{context}: {error}", context=context, error=error) if context else error)
