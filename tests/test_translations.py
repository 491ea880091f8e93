"""The translation gate: every page in every language complete, nothing fuzzy, markup intact,
and the catalogues in step with the English source."""

import subprocess
import sys

import pytest

import book
import i18n
from conftest import ROOT, TRANSLATIONS, source_pages


@pytest.fixture(scope="module")
def english_messages(tmp_path_factory):
    """The messages of the current English source, extracted afresh with Sphinx gettext."""
    out = tmp_path_factory.mktemp("gettext")
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "gettext",
        "-q",
        "-D",
        "nb_execution_mode=off",
        "-D",
        "suppress_warnings=mystnb.glue",
        "-d",
        str(out / ".doctrees"),
        ".",
        str(out),
    ]
    subprocess.run(cmd, cwd=ROOT, check=True, env=book.environment())
    return {page: {m.id for m in i18n.messages(i18n.read(out / f"{page}.pot"))} for page in source_pages()}


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("page", source_pages())
def test_page_is_fully_translated(lang, page, english_messages):
    po = ROOT / "locales" / lang / "LC_MESSAGES" / f"{page}.po"
    assert po.exists(), f"{po.relative_to(ROOT)} is missing: run ./book i18n-update and translate it"
    catalog = {m.id: m for m in i18n.messages(i18n.read(po))}
    stale = sorted(english_messages[page] - set(catalog))
    assert not stale, f"{len(stale)} English message(s) not in the catalogue (run ./book i18n-update): {stale[:3]}"
    untranslated = [mid[:50] for mid in english_messages[page] if not catalog[mid].string]
    fuzzy = [mid[:50] for mid in english_messages[page] if catalog[mid].fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"
    broken = {mid[:50]: i18n.missing_markup(mid, catalog[mid].string) for mid in english_messages[page]}
    broken = {k: v for k, v in broken.items() if v}
    assert not broken, f"markup changed in translation: {broken}"


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


def test_the_whole_translation_gate_passes():
    """What ./book i18n-check applies: pages, the interface (sphinx.po) and rnnbook's messages."""
    problems = i18n.problems(ROOT / "locales", TRANSLATIONS)
    assert not problems, problems[:5]


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
