"""How a checker tells the reader the result: one printed line, ✓ or ✗, and True or False."""

from __future__ import annotations


def report(ok: bool, message: str) -> bool:
    """Print the result of a check and return it as a plain bool."""
    print(f"{'✓' if ok else '✗'} {message}")
    return bool(ok)


FAILED = object()  # what call_reader returns when the reader's function could not be used


def call_reader(fn, signature: str, args, convert=None, context: str = ""):
    """Call the reader's ``fn(*args)`` (and ``convert`` its result), or print ✗ and return FAILED.

    The reader's code may fail in any way, so every exception becomes a hint, never a traceback.
    """
    if not callable(fn):
        report(False, f"expected a function {signature}, got {type(fn).__name__}")
        return FAILED
    try:
        result = fn(*args)
        return convert(result) if convert is not None else result
    except Exception as exc:
        where = f"{context}: " if context else ""
        report(False, f"{where}your function raised {type(exc).__name__}: {exc}")
        return FAILED
