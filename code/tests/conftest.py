"""Silence TensorFlow before any test imports Keras; import the frameworks the tests compare with.

rnnbook itself needs NumPy and Matplotlib only. Its tests also compare it with Keras, PyTorch,
statsmodels and myst-nb, imported through ``framework()``. By default a missing one fails the test
(the book's own run must not skip them); with ``RNNBOOK_TESTS_FRAMEWORKS=optional`` the tests that
need it are skipped and the rest run, as the book's tests do for rnnbook alone on another Python.
"""

import importlib
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

OPTIONAL = os.environ.get("RNNBOOK_TESTS_FRAMEWORKS") == "optional"


def needs(*names):
    """Import frameworks now: the test is skipped without one when they are optional, fails otherwise.
    Returns the (last) module."""
    for name in names:
        module = pytest.importorskip(name) if OPTIONAL else importlib.import_module(name)
    return module


class _Framework:
    """A module imported on first use, so that one test's need does not skip its whole file."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        if attribute.startswith("_"):  # pytest looking for markers and fixtures while collecting
            raise AttributeError(attribute)
        return getattr(needs(self._name), attribute)


def framework(name):
    """``keras = framework("keras")`` at the top of a test file, instead of ``import keras``."""
    return _Framework(name)
