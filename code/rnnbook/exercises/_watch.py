"""Which of rnnbook's reference implementations a student's answer calls: for graders, not students.

Almost every exercise has a ready-made equivalent in rnnbook (``softmax``, the porting helpers,
``rnn_step``, the parameter counts, ``StandardScaler``…), and the chapters import several of them.
An answer that only calls one passes its checker without showing any understanding. ``./book grade``
starts each kernel with :func:`install`, which wraps every function and class of rnnbook's reference
modules so that a call from code outside rnnbook (the student's cells) is recorded; the checkers'
own calls are not. After each check, :func:`report` prints one line naming the exercise's reference
implementations that the answer called, in its cell or while the checker ran it, and the grader
flags the exercise in its report. The points are not changed: the instructor decides.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = "[hidden-state] answer calls"  # the line report() prints; scripts/grade.py reads it

# Modules whose functions and classes are reference implementations of some exercise.
MODULES = (
    "rnnbook.mlp",
    "rnnbook.rnn",
    "rnnbook.simple_rnn",
    "rnnbook.params",
    "rnnbook.porting",
    "rnnbook.gradients",
    "rnnbook.bptt",
    "rnnbook.forecasting",
    "rnnbook.ensemble",
    "rnnbook.gated",
    "rnnbook.memory",
)

_PARAMS = "rnnbook.params."
# For each checker, the reference implementations that answer its exercise outright.
REFERENCES: dict[str, tuple[str, ...]] = {
    "ch01.check_mlp_param_count": (_PARAMS + "mlp_param_count", _PARAMS + "dense_param_count"),
    "ch01.check_window_param_count": (_PARAMS + "mlp_param_count",),  # a layer's count is a fair step
    "ch01.check_softmax": ("rnnbook.mlp.softmax",),
    "ch01.check_linear_port": (
        "rnnbook.porting.torch_linear_to_keras_dense",
        "rnnbook.porting.keras_dense_to_torch_linear",
    ),
    "ch02.check_rnn_param_count": (
        _PARAMS + "rnn_param_count",
        _PARAMS + "keras_simple_rnn_param_count",
        _PARAMS + "torch_rnn_param_count",
    ),
    "ch02.check_rnn_step": ("rnnbook.rnn.rnn_step", "rnnbook.rnn.rnn_forward", "rnnbook.simple_rnn.simple_rnn_forward"),
    "ch02.check_counter": (),
    "ch02.check_stacked_weights": (),
    "ch03.check_param_counts": (
        _PARAMS + "keras_simple_rnn_param_count",
        _PARAMS + "torch_rnn_param_count",
        _PARAMS + "rnn_param_count",
    ),
    "ch03.check_forward": ("rnnbook.simple_rnn.simple_rnn_forward", "rnnbook.rnn.rnn_forward", "rnnbook.rnn.rnn_step"),
    "ch03.check_torch_to_keras_weights": (
        "rnnbook.porting.torch_rnn_to_keras_simple_rnn",
        "rnnbook.porting.keras_simple_rnn_to_torch_rnn",
    ),
    "ch03.check_steps_to_vanish": ("rnnbook.gradients.jacobian_norms", "rnnbook.gradients.state_jacobians"),
    "ch03.check_trained_rnn": (),
    "ch04.check_output_shapes": (),
    "ch04.check_dropout_scale": (),
    "ch04.check_leaky_cell": (),
    "ch04.check_torch_shapes": (),
    "ch04.check_padded_training": (),
    "ch05.check_num_windows": ("rnnbook.forecasting.num_windows", "rnnbook.forecasting.make_windows"),
    "ch05.check_mase": ("rnnbook.forecasting.mase",),
    "ch05.check_recursive": ("rnnbook.forecasting.recursive_forecast",),
    "ch05.check_scaling": ("rnnbook.forecasting.StandardScaler",),
    "ch05.check_forecaster": (),  # training the book's models with its helpers is the exercise
    "ch06.check_lstm_param_counts": (
        "rnnbook.gated.keras_lstm_param_count",
        "rnnbook.gated.torch_lstm_param_count",
        "rnnbook.gated.keras_gru_param_count",
        "rnnbook.gated.torch_gru_param_count",
    ),
    "ch06.check_gru_step": ("rnnbook.gated.gru_step", "rnnbook.gated.gru_forward"),
    "ch06.check_torch_lstm_to_keras": ("rnnbook.gated.torch_lstm_to_keras", "rnnbook.gated.keras_lstm_to_torch"),
    "ch06.check_delay_targets": ("rnnbook.memory.memory_targets",),
}

_calls: list[tuple[str, int]] = []  # (reference, number of the notebook cell that called it)
_cell = [0]  # cells run so far in the kernel (IPython's pre_run_cell event), 0 outside IPython


def _count_cell(*args) -> None:
    _cell[0] += 1


def _from_outside(frame) -> bool:
    """Whether the frame's code lies outside the rnnbook package (a notebook cell, the student's module)."""
    return not os.path.abspath(frame.f_code.co_filename).startswith(PACKAGE_DIR + os.sep)


def _watched(name: str, obj):
    if isinstance(obj, type):

        def __init__(self, *args, **kwargs):
            if _from_outside(sys._getframe(1)):
                _calls.append((name, _cell[0]))
            obj.__init__(self, *args, **kwargs)

        watched = type(obj.__name__, (obj,), {"__init__": __init__, "__module__": obj.__module__})
        watched.__qualname__ = obj.__qualname__
        watched.__doc__ = obj.__doc__
    else:

        @functools.wraps(obj)
        def watched(*args, **kwargs):
            if _from_outside(sys._getframe(1)):
                _calls.append((name, _cell[0]))
            return obj(*args, **kwargs)

    watched.__hs_watched__ = obj
    return watched


def install(namespace: dict | None = None) -> list[str]:
    """Wrap every public function and class defined in :data:`MODULES`; return their names.

    Names already bound to them in ``namespace`` (a notebook's globals) and in rnnbook's other
    modules are rebound to the wrappers too. In an IPython kernel, cells are counted, so that a
    report covers only the answer cell and the check cell. Installing twice changes nothing."""
    _count_cells()
    wrapped: dict[int, object] = {}
    names = []
    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # needs a framework this Python lacks: no answer can call it either
            continue
        for attr, obj in list(vars(module).items()):
            if (
                attr.startswith("_")
                or getattr(obj, "__module__", None) != module_name
                or hasattr(obj, "__hs_watched__")
            ):
                continue
            if not callable(obj):
                continue
            watched = _watched(f"{module_name}.{attr}", obj)
            setattr(module, attr, watched)
            wrapped[id(obj)] = watched
            names.append(f"{module_name}.{attr}")
    spaces = [vars(m) for name, m in list(sys.modules.items()) if name.startswith("rnnbook") and m is not None]
    for space in [*spaces, *([namespace] if namespace is not None else [])]:
        for attr, obj in list(space.items()):
            if id(obj) in wrapped:
                space[attr] = wrapped[id(obj)]
    return names


def _count_cells() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _count_cell not in shell.events.callbacks["pre_run_cell"]:
        shell.events.register("pre_run_cell", _count_cell)


def uninstall(namespace: dict | None = None) -> None:
    """Put the original functions and classes back (in rnnbook's modules and in ``namespace``)."""
    spaces = [vars(m) for name, m in list(sys.modules.items()) if name.startswith("rnnbook") and m is not None]
    for space in [*spaces, *([namespace] if namespace is not None else [])]:
        for attr, obj in list(space.items()):
            original = getattr(obj, "__hs_watched__", None) if not isinstance(obj, type(sys)) else None
            if original is not None:
                space[attr] = original
    _calls.clear()


def report(check: str) -> str:
    """Print and return the line naming the exercise's reference implementations that the answer
    called, in the check cell or in the cell run just before it (the answer cell), or, outside
    IPython, since the previous report ("" when none); then start afresh."""
    recent = {name for name, cell in _calls if cell >= _cell[0] - 1}
    used = sorted(recent & set(REFERENCES.get(check, ())))
    _calls.clear()
    if not used:
        return ""
    line = f"{MARKER}: {', '.join(used)}"
    print(line)
    return line
