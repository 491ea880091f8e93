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
    assert "rnnbook" in code[0] and "pip" in code[0], "the first cell must be the setup cell"
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


def test_setup_cell_pins_the_site_revision_and_the_editions_rnnbook(site):
    nb = json.loads((SITE / "en" / "notebooks" / f"{notebook_pages()[0]}.ipynb").read_text(encoding="utf-8"))
    setup = "".join(nb["cells"][0]["source"])
    if book.is_release():
        assert book.wheel_url() in setup, setup
    else:
        assert re.search(r"git\+https://github\.com/[\w.-]+/[\w.-]+@[0-9a-f]{7,40}#subdirectory=code", setup), setup
    # installed wherever rnnbook is missing or another version, not only in Colab
    assert "google.colab" not in setup
    assert f'importlib.metadata.version("rnnbook") != "{book.rnnbook_version()}"' in setup


def test_rnnbook_version_is_the_editions():
    import rnnbook

    assert book.rnnbook_version() == rnnbook.__version__ == f"{book.edition()}.0"
    assert book.edition() in book.editions() or not book.editions() or book.editions()[0] < book.edition()


# --- links: every link of every generated notebook resolves, in every language -------------------

LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def anchors_in_notebook(nb) -> set[str]:
    """Targets a link into the notebook can reach: the explicit anchors tojupyter writes for labels."""
    text = "\n".join(source(c) for c in nb.cells if c.cell_type == "markdown")
    return set(re.findall(r"<a id=['\"]([^'\"]+)['\"]", text))


def ids_in_page(path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_link_in_every_notebook_resolves(site, lang):
    """Links between chapters stay notebook to notebook; a page without a notebook (an appendix) is
    linked on the site, in the notebook's language; every anchor exists where the link points."""
    folder = SITE / lang / "notebooks"
    base = book.site_base(book.is_release()) + f"{lang}/"
    broken, checked = [], 0
    for path in sorted(folder.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for target in LINK.findall(source(cell)):
                checked += 1
                address, _, anchor = target.partition("#")
                if address.startswith(base):
                    page = SITE / lang / address.removeprefix(base)
                    ok = page.exists() and (not anchor or anchor in ids_in_page(page))
                elif address.startswith(("http://", "https://", "mailto:")):
                    ok = not address.startswith(book.site_url())  # another site's page, or another language's
                elif address == "":
                    ok = anchor in anchors_in_notebook(nb) or anchor in {
                        re.sub(r"[^\w-]", "", h.replace(" ", "-")) for h in re.findall(r"^#+ (.+)$", source(cell), re.M)
                    }
                else:
                    linked = path.parent / address
                    ok = address.endswith(".ipynb") and linked.exists()
                    ok = ok and (not anchor or anchor in anchors_in_notebook(nbformat.read(linked, as_version=4)))
                if not ok:
                    broken.append(f"{path.relative_to(SITE)}: {target}")
    assert checked > 100, "too few links checked: did the notebooks change shape?"
    assert not broken, f"{len(broken)} links do not resolve, e.g. {broken[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_setup_cell_speaks_and_sets_the_notebooks_language(site, lang):
    """The first thing a Colab reader sees is in their language, and rnnbook prints in it."""
    nb = json.loads((site / lang / "notebooks" / f"{notebook_pages()[0]}.ipynb").read_text(encoding="utf-8"))
    setup = "".join(nb["cells"][0]["source"])
    assert f'os.environ["RNNBOOK_LANG"] = "{lang}"' in setup
    comment = setup.splitlines()[0]
    assert comment.startswith("# ") and comment[2:] == book.language_entry(lang)["setup_comment"]


# --- the full notebook (solutions collapsed) and the student notebook (no solutions) -------------

ANSWER_LINE = re.compile(
    r"(|\.\.\.|\w+( = \w+)* = \.\.\.|\w+ = \{|    \"\w+\": \.\.\.,|\}"  # answers still to write
    r"|(async )?def \w+\(.*\):|class \w+(\(.*\))?:|    def \w+\(.*\):|        \.\.\.|    \.\.\.)"  # signatures
)
CHECK_LINE = re.compile(r"(|from rnnbook\.exercises import ch\d\d|ch\d\d\.check_\w+\((\w+(, \w+)*)?\))")


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def load_kind(lang, page, kind):
    suffix = "-exercises" if kind == "exercises" else ""
    path = SITE / lang / "notebooks" / f"{page}{suffix}.ipynb"
    assert path.exists(), f"{path.relative_to(ROOT)} was not generated: run ./book build"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.hidden_state == {"lang": lang, "page": page, "kind": kind}
    return nb


def exercise_count(page) -> int:
    return (ROOT / f"{page}.md").read_text(encoding="utf-8").count("```{exercise}")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", notebook_pages())
def test_full_notebook_opens_with_every_solution_collapsed(site, lang, page):
    nb = load_kind(lang, page, "full")
    entry = book.language_entry(lang)
    markdown = [source(c) for c in nb.cells if c.cell_type == "markdown"]
    assert not [m for m in markdown if re.match(r"#+ \[", m)], "a heading that is a broken Markdown link"
    exercises = [m for m in markdown if re.match("### " + re.escape(entry["exercise"]).replace("%s", r"\d+\.\d+"), m)]
    headings = [c for c in nb.cells if "solution" in c.metadata.get("tags", []) and source(c).startswith("#### ")]
    assert len(exercises) == len(headings) == exercise_count(page) > 0
    assert nb.metadata.colab.collapsed_sections == [c.id for c in headings], "Colab would show the solutions"
    for heading in headings:
        assert heading.metadata["jp-MarkdownHeadingCollapsed"] is True, "JupyterLab would show the solution"
        number = re.search(r"\d+\.\d+", source(heading)).group()
        assert source(heading) == "#### " + entry["solution"].format(number=number)
        inside = nb.cells[nb.cells.index(heading) + 1 :]
        inside = inside[: next((k for k, c in enumerate(inside) if source(c).startswith("#")), len(inside))]
        assert any(c.cell_type == "code" for c in inside), f"{number}: the solution has no code"
        assert all(c.metadata.jupyter.source_hidden for c in inside), f"{number}: a solution cell is shown"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", notebook_pages())
def test_student_notebook_has_an_answer_cell_per_exercise_and_no_solution(site, lang, page):
    full, student = load_kind(lang, page, "full"), load_kind(lang, page, "exercises")
    answers = [c for c in student.cells if "answer" in c.metadata.get("tags", [])]
    checks = [c for c in student.cells if "check" in c.metadata.get("tags", [])]
    assert len(answers) == len(checks) == exercise_count(page)
    for answer, check in zip(answers, checks, strict=True):
        assert student.cells.index(check) == student.cells.index(answer) + 1
        assert answer.metadata.nbgrader["solution"] and not answer.metadata.nbgrader["locked"]
        assert check.metadata.nbgrader["grade"] and check.metadata.nbgrader["locked"]
        assert check.metadata.nbgrader["grade_id"] == answer.metadata.hidden_state["exercise"]
        # a stub: signatures and `name = ...` only, not one line of a solution's body
        for line in source(answer).splitlines():
            assert ANSWER_LINE.fullmatch(line), f"not a stub line in {answer.id}: {line!r}"
        for line in source(check).splitlines():
            assert CHECK_LINE.fullmatch(line), f"not a checker call in {check.id}: {line!r}"
    solutions = [c for c in full.cells if "solution" in c.metadata.get("tags", [])]
    shown = {source(c).strip() for c in student.cells}
    assert not [source(c)[:60] for c in solutions if source(c).strip() in shown], "a solution cell was kept"
    assert not [c.id for c in student.cells if "solution" in c.metadata.get("tags", [])]
    # everything else is the chapter as the full notebook has it
    rest = [source(c) for c in full.cells if "solution" not in c.metadata.get("tags", [])]
    assert [source(c) for c in student.cells if not {"answer", "check"} & set(c.metadata.get("tags", []))] == rest
