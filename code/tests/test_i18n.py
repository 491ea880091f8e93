"""rnnbook speaks four languages: choosing one, the shipped catalogues, and the build's packing."""

import re

import pytest

import rnnbook
from rnnbook import i18n
from rnnbook.exercises import ch01


@pytest.fixture
def language():
    yield rnnbook.set_language
    rnnbook.set_language("en")


def test_english_is_the_default(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    monkeypatch.delenv(i18n.LANGUAGE_VARIABLE, raising=False)
    assert rnnbook.get_language() == "en"
    assert i18n.tr("stopped after {epochs} epochs", epochs=3) == "stopped after 3 epochs"


def test_unknown_language_lists_the_known_ones(language):
    with pytest.raises(ValueError, match="en, ru, zh_CN, ja"):
        language("fr")


def test_environment_variable_chooses_the_language(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)  # no set_language() call: the variable decides
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "ja")
    assert rnnbook.get_language() == "ja"
    line = str(ch01.check_mlp_param_count(20 * 64 + 64 + 64 * 10 + 10))
    assert line.startswith("✓") and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line), line


@pytest.mark.parametrize(
    ("lang", "script"), [("ru", r"[а-яё]"), ("zh_CN", r"[\u4e00-\u9fff]"), ("ja", r"[\u3040-\u30ff]")]
)
def test_checker_lines_and_errors_in_each_language(language, lang, script):
    language(lang)
    wrong = str(ch01.check_mlp_param_count(20 * 64 + 64))
    assert wrong.startswith("✗") and re.search(script, wrong, re.I), wrong
    with pytest.raises(ValueError) as caught:
        rnnbook.rnn_forward([[1.0, 2.0]], [[1.0]], [[1.0]], [0.0])
    assert re.search(script, str(caught.value), re.I), caught.value


@pytest.mark.parametrize("lang", ["ru", "zh_CN", "ja"])
def test_catalogue_is_complete_and_keeps_every_field(lang):
    catalogue = i18n.catalogue(lang)
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "rnnbook.po"
    text = path.read_text(encoding="utf-8")
    msgids = [m for m in re.findall(r'^msgid "(.*)"$', text, re.M) if m]
    assert msgids, f"{path} has no messages"
    assert len(catalogue) == len(msgids), f"{len(msgids) - len(catalogue)} messages untranslated or fuzzy"
    for msgid, msgstr in catalogue.items():
        assert sorted(i18n.fields(msgid)) == sorted(i18n.fields(msgstr)), (msgid, msgstr)
        dummy = {re.split(r"[!:}]", f[1:])[0]: 1.5 for f in i18n.fields(msgid)}
        msgstr.format(**{k: v if not re.search(rf"{{{k}![rs]", msgid) else "x" for k, v in dummy.items()})


def test_packed_messages_carry_every_language_and_resolve(monkeypatch):
    monkeypatch.setenv(i18n.ALL_LANGUAGES_VARIABLE, "1")
    line = str(ch01.check_mlp_param_count(3))
    assert line.startswith("✗ \x02")
    texts = {lang: i18n.resolve(line, lang) for lang in i18n.LANGUAGES}
    assert "\x02" not in "".join(texts.values())
    assert len(set(texts.values())) == 4, texts
    monkeypatch.delenv(i18n.ALL_LANGUAGES_VARIABLE)
    assert texts["en"] == str(ch01.check_mlp_param_count(3))


def test_table_aligns_chinese_and_japanese_by_display_width(language):
    language("ja")
    text = i18n.table(["forecast", "MAE"], [["naive", 0.5], ["linear window", 0.25]], ["{}", "{:.2f}"])
    lines = text.splitlines()
    assert len(lines) == 3
    assert len({i18n.width(line) for line in lines}) == 1, lines
    with pytest.raises(ValueError, match="one per column"):
        i18n.table(["a", "b"], [[1]])


def test_parse_po_skips_fuzzy_and_untranslated(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: ru\\n"\n\n'
        'msgid "a {n}"\nmsgstr "б {n}"\n\n'
        '#, fuzzy\nmsgid "c"\nmsgstr "г"\n\n'
        'msgid "d"\nmsgstr ""\n\n'
        'msgid ""\n"long "\n"line"\nmsgstr ""\n"длинная "\n"строка"\n',
        encoding="utf-8",
    )
    assert i18n.parse_po(po) == {"a {n}": "б {n}", "long line": "длинная строка"}


def test_a_packed_message_survives_smartquotes():
    """A glued sentence is pasted into prose, where Sphinx's smartquotes make its JSON typographic."""
    import os

    from rnnbook import i18n

    os.environ["RNNBOOK_ALL_LANGUAGES"] = "1"
    try:
        packed = i18n.tr("{first} or {second}", first="a", second="b")
    finally:
        del os.environ["RNNBOOK_ALL_LANGUAGES"]
    smart = packed.replace('{"', "{“").replace('": "', "”: “").replace('", "', "”, “").replace('"}', "”}")
    assert smart != packed
    assert i18n.resolve(smart, "ru") == i18n.resolve(packed, "ru") != i18n.resolve(packed, "en")
