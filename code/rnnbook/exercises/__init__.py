"""Checkers for the book's exercises: call one on your answer; it prints ✓ or ✗ with a hint and returns True or False.

Each checker recomputes the answer independently (with the formulas in :mod:`rnnbook.params`
or with a real framework) and compares; it never stores the expected number.
"""

from rnnbook.exercises import ch01, ch02, ch03, ch04, ch05

__all__ = ["ch01", "ch02", "ch03", "ch04", "ch05"]
