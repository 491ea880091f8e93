"""Checkers for the book's exercises: call one on your answer; it returns a result shown as ✓ or ✗ with a hint.

The result is true or false (``if check(...)``, ``assert check(...)``) and, instead of printing, shows
its one line, in the reader's language, when a notebook displays it or ``print`` is called on it.

Each checker recomputes the answer independently (with the formulas in :mod:`rnnbook.params`
or with a real framework) and compares; it never stores the expected number. A checker of a function
tries it on several seeded cases (random shapes, biases that are never zero) and, when it fails,
names the likely mistake. It never raises: an answer of the wrong type or shape, an exception in
the reader's code, or an endless loop (stopped after :data:`_report.TIME_LIMIT` seconds) becomes a ✗.
An answer still ``...`` (as the student notebooks' answer cells start) gets a ✗ that says so.

For grading, ``RNNBOOK_STRICT=1`` in the environment turns every ✗ into a raised :class:`CheckFailed`
(an ``AssertionError`` with the ✗ line's message), which graders such as nbgrader count as a failed test.
"""

from rnnbook.exercises import ch01, ch02, ch03, ch04, ch05, ch06
from rnnbook.exercises._report import STRICT_VARIABLE, CheckFailed, CheckResult

__all__ = ["STRICT_VARIABLE", "CheckFailed", "CheckResult", "ch01", "ch02", "ch03", "ch04", "ch05", "ch06"]
