"""rnnbook's error messages go through tr(), so they reach the reader in the chosen language."""

import numpy as np
import pytest

import rnnbook
import rnnbook.i18n

SHAPE = "expected {name} with {ranks} axes {axes}, got shape {shape}{fix}"
FIX = (
    "; for one sequence add a batch axis with {name}[None], for a batch of "
    "single-feature sequences add a feature axis with {name}[..., None]"
)


@pytest.fixture
def russian(monkeypatch):
    monkeypatch.delenv(rnnbook.i18n.ALL_LANGUAGES_VARIABLE, raising=False)
    fake = {SHAPE: "ПЕРЕВЕДЕНО {name}: {ranks} {axes} {shape}{fix}", FIX: "; ДОБАВЬТЕ {name}[None]"}
    monkeypatch.setattr(rnnbook.i18n, "catalogue", lambda lang: fake if lang == "ru" else {})
    rnnbook.set_language("ru")
    yield
    rnnbook.set_language("en")


def test_error_message_is_translated(russian):
    with pytest.raises(ValueError) as info:
        rnnbook.rnn_forward(np.ones((5, 3)), np.ones((3, 4)), np.ones((4, 4)))
    assert str(info.value) == "ПЕРЕВЕДЕНО X: 3 (batch, time, features) (5, 3); ДОБАВЬТЕ X[None]"


def test_untranslated_message_falls_back_to_english(russian):
    with pytest.raises(ValueError, match=r"^radius must be a positive number, got -1\.0$"):
        rnnbook.scaled_recurrent_matrix(4, -1.0)
