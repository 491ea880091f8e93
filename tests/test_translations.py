"""The translation gate: every page in every language complete, nothing fuzzy, markup intact,
and the catalogues in step with the English source."""

import shutil

import pytest

import book
import i18n
from conftest import ROOT, TRANSLATIONS, source_pages


@pytest.fixture(scope="module")
def english_messages(tmp_path_factory):
    """The messages of the current English source, extracted afresh with Sphinx gettext."""
    return i18n.english_messages(ROOT, book.environment(), tmp_path_factory.mktemp("gettext"))


def test_every_page_has_english_messages(english_messages):
    assert set(english_messages) == set(source_pages())


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translation_gate(lang, english_messages):
    """./book i18n-check's gate: every page's catalogue in step with the English source, every
    message translated and not fuzzy, the markup kept; the interface and rnnbook's catalogues too."""
    problems = i18n.problems(ROOT / "locales", [lang], english_messages)
    assert not problems, f"{len(problems)} problem(s), e.g. {problems[:5]}"


def test_the_gate_finds_a_stale_or_missing_catalogue(tmp_path, english_messages):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales" / "ru", locales / "ru")
    (locales / "ru" / "LC_MESSAGES" / "intro.po").unlink()
    page = "chapters/01-mlp"
    po = locales / "ru" / "LC_MESSAGES" / f"{page}.po"
    catalog = i18n.read(po)
    dropped = next(m for m in i18n.messages(catalog) if len(m.id) > 40).id
    del catalog[dropped]
    i18n.write(po, catalog)
    problems = i18n.problems(locales, ["ru"], english_messages)
    assert any("intro.po: missing" in p for p in problems), problems
    assert any("01-mlp.po: not in the catalogue" in p and dropped[:30] in p for p in problems), problems


@pytest.mark.parametrize(
    "msgid, msgstr, ok",
    [
        ("Compute $x^2$ with `np.square`.", "Вычислите $x^2$ с помощью `np.square`.", True),
        ("Compute $x^2$ with `np.square`.", "Вычислите $x^3$ с помощью `np.square`.", False),
        ("See {ref}`chap-mlp`.", "См. {ref}`chap-mlp`.", True),
        ("See {ref}`chap-mlp`.", "См. {ref}`chap-rnn`.", False),
        ("A {ref}`glossary <chap-glossary>`.", "{ref}`用語集 <chap-glossary>`。", True),
        ("Go [here](https://keras.io).", "Перейдите [сюда](https://keras.io).", True),
        ("Go [here](https://keras.io).", "Перейдите [сюда](https://keras.ru).", False),
        ("Value {glue:text}`acc:.1%`.", "值为 {glue:text}`acc:.1%`。", True),
        ("$$\nO = H W\n$$", "$$\nO = HW\n$$", False),
    ],
)
def test_markup_gate_detects_changes(msgid, msgstr, ok):
    assert (not i18n.missing_markup(msgid, msgstr)) is ok


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_rnnbook_catalogue_is_in_step_with_the_code(lang):
    """Every message rnnbook and the chapters' code show (tr/say/N_) is in the language's catalogue,
    and the catalogue holds no message the code no longer uses."""
    in_code = {m.id for m in i18n.extract_rnnbook(ROOT) if m.id}
    po = i18n.rnnbook_catalogue_path(ROOT, lang)
    in_catalogue = {m.id for m in i18n.messages(i18n.read(po))}
    assert not in_code - in_catalogue, f"run ./book i18n-update: {sorted(in_code - in_catalogue)[:3]}"
    assert not in_catalogue - in_code, f"run ./book i18n-update: {sorted(in_catalogue - in_code)[:3]}"


@pytest.mark.parametrize(
    "msgid, msgstr, ok",
    [
        ("stopped after {epochs} epochs", "остановлено после эпохи {epochs}", True),
        ("{acc:.1%} right", "верно {acc:.1%}", True),
        ("{acc:.1%} right", "верно {acc}", False),
        ("{a} and {b}", "{b} と {a}", True),
        ("{a} and {b}", "{a}", False),
    ],
)
def test_rnnbook_field_gate_detects_changes(msgid, msgstr, ok):
    assert (not i18n.placeholder_problems(msgid, msgstr)) is ok
