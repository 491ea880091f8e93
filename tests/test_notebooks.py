"""The generated per-language notebooks: valid, real code cells, translated Markdown, setup cell."""

import json
import re

import jupytext
import nbformat
import pytest

import book
import i18n
from conftest import LANGUAGES, ROOT, SITE, TRANSLATIONS, notebook_pages

SCRIPTS = {"ru": r"[А-Яа-яЁё]", "zh_CN": r"[\u4e00-\u9fff]", "ja": r"[\u3040-\u30ff\u4e00-\u9fff]"}


def load(lang, page):
    path = SITE / lang / "notebooks" / f"{page}.ipynb"
    assert path.exists(), f"{path.relative_to(ROOT)} was not generated: run ./book build"
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", notebook_pages())
def test_notebook_has_the_chapters_code_cells(site, lang, page):
    nb = load(lang, page)
    nbformat.validate(nb)
    source_code = [c.source.strip() for c in jupytext.read(ROOT / f"{page}.md").cells if c.cell_type == "code"]
    code = [c.source.strip() for c in nb.cells if c.cell_type == "code"]
    assert "google.colab" in code[0], "the first cell must be the Colab setup cell"
    assert code[1:] == source_code, "code cells differ from the chapter's (Markdown copies of code?)"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "```{code-cell}" not in markdown and "{glue" not in markdown
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must not be shipped"


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("page", notebook_pages())
def test_notebook_markdown_is_translated(site, lang, page):
    nb = load(lang, page)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    catalog = i18n.read(ROOT / "locales" / lang / "LC_MESSAGES" / f"{page}.po")
    title = jupytext.read(ROOT / f"{page}.md").cells
    h1 = next(
        line[2:].strip()
        for c in title
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("# ")
    )
    assert any(f"# {catalog[h1].string}" in md for md in markdown), f"translated title {catalog[h1].string!r} missing"
    prose = [
        md
        for md in markdown
        if re.search(r"[A-Za-z]{4,}", md) and not md.lstrip().startswith(("<a", "```"))  # anchors, shown code
    ]
    untranslated = [md[:60] for md in prose if not re.search(SCRIPTS[lang], md)]
    assert not untranslated, f"Markdown cells with no {lang} text: {untranslated[:3]}"


def test_setup_cell_pins_the_site_revision(site):
    nb = json.loads((SITE / "en" / "notebooks" / f"{notebook_pages()[0]}.ipynb").read_text(encoding="utf-8"))
    setup = "".join(nb["cells"][0]["source"])
    assert re.search(r"git\+https://github\.com/[\w.-]+/[\w.-]+@[0-9a-f]{7,40}#subdirectory=code", setup), setup


@pytest.mark.parametrize("lang", LANGUAGES)
def test_setup_cell_speaks_and_sets_the_notebooks_language(site, lang):
    """The first thing a Colab reader sees is in their language, and rnnbook prints in it."""
    nb = json.loads((site / lang / "notebooks" / f"{notebook_pages()[0]}.ipynb").read_text(encoding="utf-8"))
    setup = "".join(nb["cells"][0]["source"])
    assert f'os.environ["RNNBOOK_LANG"] = "{lang}"' in setup
    comment = setup.splitlines()[0]
    assert comment.startswith("# ") and comment[2:] == book.language_entry(lang)["setup_comment"]
