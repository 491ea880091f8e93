"""Without an optional framework (statsmodels, PyTorch, Keras, TensorFlow), the function that needs it
raises ModuleNotFoundError, an ImportError, that names the package and the pip command, in the
reader's language. The missing module is simulated with ``sys.modules[name] = None``."""

import re
import sys

import numpy as np
import pytest

import rnnbook
from conftest import needs
from rnnbook import i18n
from rnnbook._validate import require


@pytest.fixture
def missing(monkeypatch):
    """``missing("torch")``: importing torch (or any of its modules) fails as if it were not installed."""
    monkeypatch.delenv(i18n.ALL_LANGUAGES_VARIABLE, raising=False)

    def hide(name):
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            monkeypatch.setitem(sys.modules, loaded, None)
        monkeypatch.setitem(sys.modules, name, None)

    yield hide
    rnnbook.set_language("en")


def _sunspots():
    from rnnbook.datasets import load_sunspots

    return load_sunspots()


def _ensemble_torch():
    from rnnbook import ensemble

    return ensemble.predict(None, np.ones((1, 3, 1)))


def _ensemble_keras():
    from rnnbook import ensemble

    return ensemble.keras_ensemble(2, 3, 4)


def _ensemble_tensorflow():
    from rnnbook import ensemble

    return ensemble.fit_keras_ensemble(None, None, None, None, None, epochs=1)


def _porting_torch():
    from rnnbook.porting import keras_dense_to_torch_linear

    return keras_dense_to_torch_linear(None, None)


CASES = [
    ("statsmodels", _sunspots, "load_sunspots needs statsmodels", "pip install statsmodels"),
    ("torch", _ensemble_torch, "rnnbook.ensemble needs PyTorch", "pip install torch"),
    ("keras", _ensemble_keras, "keras_ensemble needs Keras", "pip install keras tensorflow"),
    ("tensorflow", _ensemble_tensorflow, "fit_keras_ensemble needs TensorFlow", "pip install tensorflow"),
    ("torch", _porting_torch, "keras_dense_to_torch_linear needs PyTorch", "pip install torch"),
]
IDS = ["load_sunspots", "ensemble-torch", "ensemble-keras", "ensemble-tensorflow", "porting-torch"]


@pytest.mark.parametrize(("module", "call", "names", "install"), CASES, ids=IDS)
def test_a_missing_package_raises_module_not_found_with_the_pip_command(missing, module, call, names, install):
    if call is not _sunspots:
        needs("torch")  # rnnbook.ensemble's model is a torch.nn.Module: import it before torch goes missing
        import rnnbook.ensemble  # noqa: F401
    if module == "tensorflow":
        needs("keras")  # Keras is there, its backend is not
    missing(module)
    with pytest.raises(ModuleNotFoundError) as caught:
        call()
    error = caught.value
    assert isinstance(error, ImportError) and not isinstance(error, ValueError)
    assert error.name == module
    assert str(error) == f"{names}, which is not installed: {install}"


@pytest.mark.parametrize(
    ("lang", "script"), [("ru", r"[а-яё]"), ("zh_CN", r"[\u4e00-\u9fff]"), ("ja", r"[\u3040-\u30ff]")]
)
def test_the_missing_package_message_is_translated(missing, lang, script):
    missing("statsmodels")
    rnnbook.set_language(lang)
    with pytest.raises(ModuleNotFoundError) as caught:
        _sunspots()
    message = str(caught.value)
    assert re.search(script, message, re.I), message
    assert "load_sunspots" in message and "statsmodels" in message and "pip install statsmodels" in message


def test_a_checker_without_its_framework_says_what_to_install(missing, monkeypatch):
    """A checker never raises: a missing Keras is a ✗ that says so, not a complaint about the answer."""
    from rnnbook.exercises import ch04

    monkeypatch.delenv("RNNBOOK_STRICT", raising=False)
    missing("keras")
    result = ch04.check_dropout_scale(1.25)
    assert not result
    assert str(result) == "✗ check_dropout_scale needs Keras, which is not installed: pip install keras tensorflow"


def test_a_dependency_of_an_installed_package_is_reported_as_python_reports_it(tmp_path, monkeypatch):
    """The package is there but cannot import a module of its own: the message names that module."""
    package = tmp_path / "rnnbook_fake_package"
    package.mkdir()
    (package / "__init__.py").write_text("import rnnbook_missing_dependency\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as caught:
        require("rnnbook_fake_package", "some_function")
    assert caught.value.name == "rnnbook_missing_dependency"
    assert "rnnbook_missing_dependency" in str(caught.value) and "pip install" not in str(caught.value)
    monkeypatch.delitem(sys.modules, "rnnbook_fake_package", raising=False)


def test_require_returns_an_installed_module():
    assert require("numpy.linalg", "some_function") is np.linalg
