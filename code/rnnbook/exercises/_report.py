"""How a checker tells the reader the result: one printed line, ✓ or ✗, and True or False."""

from __future__ import annotations


def report(ok: bool, message: str) -> bool:
    """Print the result of a check and return it as a plain bool."""
    print(f"{'✓' if ok else '✗'} {message}")
    return bool(ok)
