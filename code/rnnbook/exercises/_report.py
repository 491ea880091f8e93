"""How a checker tells the reader the result."""

from __future__ import annotations


class CheckResult:
    """Truthy when the answer is right; ``message`` says why not."""

    def __init__(self, ok: bool, message: str):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.message}"


def report(ok: bool, message: str) -> CheckResult:
    """Print and return the result of a check."""
    result = CheckResult(ok, message)
    print(repr(result))
    return result
