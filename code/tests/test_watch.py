"""rnnbook.exercises._watch: which reference implementations a student's answer calls (for ./book grade)."""

import importlib
import inspect
import sys

import numpy as np
import pytest

import rnnbook.exercises
from conftest import needs
from rnnbook.exercises import _watch


@pytest.fixture
def watched():
    namespace = {}
    _watch.install(namespace)
    _watch.report("")  # start afresh
    yield namespace
    _watch.uninstall(namespace)
    for name in [m for m in sys.modules if m.startswith("rnnbook.exercises.ch")]:
        importlib.reload(sys.modules[name])


def test_every_checker_names_its_references_and_every_name_exists():
    needs("torch", "keras")  # rnnbook.ensemble and rnnbook.memory import them
    checkers = {
        f"{module}.{name}"
        for module in ("ch01", "ch02", "ch03", "ch04", "ch05", "ch06")
        for name, _ in inspect.getmembers(getattr(rnnbook.exercises, module), inspect.isfunction)
        if name.startswith("check_")
    }
    assert set(_watch.REFERENCES) == checkers
    for check, names in _watch.REFERENCES.items():
        for name in names:
            module, attr = name.rsplit(".", 1)
            assert module in _watch.MODULES, (check, name)
            assert callable(getattr(importlib.import_module(module), attr)), (check, name)


def test_a_call_from_the_students_code_is_recorded_and_reported_for_its_exercise_only(watched, capsys):
    from rnnbook.mlp import softmax  # bound after install: the wrapper, as in a notebook cell

    def student_softmax(z):
        return softmax(z)

    student_softmax(np.array([[1.0, 2.0]]))
    assert _watch.report("ch01.check_mlp_param_count") == ""  # softmax is not that exercise's answer
    student_softmax(np.array([[1.0, 2.0]]))
    assert _watch.report("ch01.check_softmax") == f"{_watch.MARKER}: rnnbook.mlp.softmax"
    assert capsys.readouterr().out == f"{_watch.MARKER}: rnnbook.mlp.softmax\n"
    assert _watch.report("ch01.check_softmax") == ""  # each report starts afresh


def test_the_checkers_own_calls_are_not_recorded(watched):
    from rnnbook.exercises import ch01

    importlib.reload(ch01)  # as the grader reloads the checkers before each check: they see the wrappers

    def honest(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    assert ch01.check_softmax(honest)
    assert _watch.report("ch01.check_softmax") == ""

    def delegating(z):
        return sys.modules["rnnbook.mlp"].softmax(z)

    assert ch01.check_softmax(delegating)  # the answer passes: flagging is for the instructor
    assert _watch.report("ch01.check_softmax").endswith("rnnbook.mlp.softmax")


def test_names_bound_before_install_and_classes_are_watched_too():
    from rnnbook.forecasting import StandardScaler

    namespace = {"StandardScaler": StandardScaler}
    _watch.install(namespace)
    try:
        _watch.install(namespace)  # a second install wraps nothing twice
        assert namespace["StandardScaler"].__hs_watched__ is StandardScaler
        scaler = namespace["StandardScaler"]()
        assert isinstance(scaler, StandardScaler)
        assert _watch.report("ch05.check_scaling").endswith("rnnbook.forecasting.StandardScaler")
    finally:
        _watch.uninstall(namespace)
    assert namespace["StandardScaler"] is StandardScaler
    assert sys.modules["rnnbook.forecasting"].StandardScaler is StandardScaler


def test_only_the_answer_cell_and_the_check_count_in_a_notebook(watched):
    """In a kernel, IPython's pre_run_cell counts cells: the chapter's own code, run cells before the
    exercise, may call the reference implementations without flagging the student's answer."""
    from rnnbook.params import rnn_param_count

    _watch._count_cell()  # a cell of the chapter
    rnn_param_count(3, 4)
    _watch._count_cell()  # the answer cell
    _watch._count_cell()  # the check cell
    assert _watch.report("ch02.check_rnn_param_count") == ""
    _watch._count_cell()  # the next answer cell calls it
    rnn_param_count(8, 32)
    _watch._count_cell()  # its check
    assert _watch.report("ch02.check_rnn_param_count").endswith("rnnbook.params.rnn_param_count")
