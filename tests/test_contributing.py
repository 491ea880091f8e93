"""CONTRIBUTING.md's steps, enforced: each step there names the test here (or elsewhere) that fails
when it is forgotten. These tests read the sources, not the built site, and take a second."""

import ast
import re

import pytest
import yaml

import book
import grade
from conftest import LANGUAGES, ROOT, TRANSLATIONS, notebook_pages, source_pages

CHAPTERS = ROOT / "chapters"
EXERCISES = ROOT / "code" / "rnnbook" / "exercises"
CHECKER_CALL = re.compile(r"\b(ch\d\d)\.(check_\w+)\(")


def chapter_label(page: str) -> str:
    return re.search(r"^\((chap-[\w-]+)\)=", (ROOT / f"{page}.md").read_text(encoding="utf-8"), re.M).group(1)


def exercise_chapters() -> list[str]:
    return [p for p in notebook_pages() if "\n## Exercises\n" in (ROOT / f"{p}.md").read_text(encoding="utf-8")]


def test_every_chapter_file_is_in_the_toc():
    """only_build_toc_files drops a page that _toc.yml lacks, and every test takes its pages from the TOC."""
    files = {p.relative_to(ROOT).with_suffix("").as_posix() for p in CHAPTERS.glob("*.md")}
    missing = sorted(files - set(source_pages()))
    assert not missing, f"add to _toc.yml: {missing}"
    assert len(source_pages()) == len(set(source_pages())), "a page is twice in _toc.yml"


def test_chapters_are_numbered_in_toc_order():
    numbers = [int(re.match(r"chapters/(\d\d)-", p).group(1)) for p in notebook_pages()]
    assert numbers == list(range(1, len(numbers) + 1)), numbers


@pytest.mark.parametrize("page", notebook_pages())
def test_every_chapter_is_a_notebook_with_objectives_and_a_summary(page):
    text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    assert text.startswith("---\njupytext:"), f"{page}: no jupytext header"
    assert "```{code-cell} ipython3" in text
    assert re.search(r"^\(chap-[\w-]+\)=\n# ", text, re.M), f"{page}: no (chap-…)= label above the title"
    assert ":::{admonition} At a glance" in text and "**You will learn to**" in text and "**Time:**" in text
    assert "\n## Summary\n" in text, f"{page}: no summary"


@pytest.mark.parametrize("page", exercise_chapters())
def test_a_chapter_with_exercises_has_a_checker_module_with_tests(page):
    number = re.match(r"chapters/(\d\d)-", page).group(1)
    module = f"ch{number}"
    path = EXERCISES / f"{module}.py"
    assert path.exists(), f"{page} has exercises but no checker module {path.relative_to(ROOT)}"
    exported = ast.literal_eval(
        re.search(r"__all__ = (\[.*?\])", (EXERCISES / "__init__.py").read_text(encoding="utf-8"), re.S).group(1)
    )
    assert module in exported, f"add {module!r} to rnnbook.exercises.__all__"
    defined = {n.name for n in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(n, ast.FunctionDef)}
    checkers = {name for name in defined if name.startswith("check_")}
    called = {name for mod, name in CHECKER_CALL.findall((ROOT / f"{page}.md").read_text(encoding="utf-8"))}
    assert called, f"{page}: its exercises call no checker"
    assert called <= checkers, f"{page} calls checkers that {module}.py lacks: {sorted(called - checkers)}"
    tests = (ROOT / "code" / "tests" / "test_checkers_students.py").read_text(encoding="utf-8")
    untested = sorted(c for c in checkers if f'"{module}.{c}"' not in tests)
    assert not untested, f"no wrong and right answers in code/tests/test_checkers_students.py for {untested}"


@pytest.mark.parametrize("page", notebook_pages())
def test_the_instructor_guide_has_a_row_for_every_chapter(page):
    guide = (CHAPTERS / "appendix-instructors.md").read_text(encoding="utf-8")
    assert f"| {{ref}}`{chapter_label(page)}` |" in guide, f"add a row for {page} to the instructor guide's table"


def test_every_language_has_every_label():
    entries = book.book_config()["sphinx"]["config"]["hs_languages"]
    source = entries[LANGUAGES[0]]
    for lang in LANGUAGES:
        assert entries[lang].keys() == source.keys(), f"hs_languages.{lang}: {set(entries[lang]) ^ set(source)}"
        assert all(str(v).strip() for v in entries[lang].values()), lang


def test_every_language_has_its_catalogues_and_grading_labels():
    for lang in TRANSLATIONS:
        messages = ROOT / "locales" / lang / "LC_MESSAGES"
        assert (messages / "sphinx.po").exists(), f"write the interface's catalogue {messages / 'sphinx.po'}"
        assert (ROOT / "code" / "rnnbook" / "locale" / lang / "LC_MESSAGES" / "rnnbook.po").exists(), lang
    assert set(grade.LABELS) == set(LANGUAGES), "scripts/grade.py's LABELS: one entry per language"


def test_the_tests_language_data_covers_every_language():
    """The few per-language facts the tests need (a script's letters, a term to search for)."""
    import test_browser
    import test_colab_simulation
    import test_notebooks
    import test_reader_language

    assert set(test_browser.HIDDEN_STATE) == set(LANGUAGES)
    assert set(test_reader_language.LABELS) == set(LANGUAGES)
    assert set(test_notebooks.SCRIPTS) == set(TRANSLATIONS)
    assert set(test_colab_simulation.SCRIPTS) == set(TRANSLATIONS)


def test_the_workflows_take_languages_branch_and_torch_index_from_the_config():
    publish = (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    steps = "\n".join(line for line in publish.splitlines() if not line.lstrip().startswith("#"))
    for lang in TRANSLATIONS:
        named = re.search(rf"\b{lang}\b", steps)
        assert not named, f"publish.yml names the language {lang}: read ./book config languages"
    assert "$(./book config languages)" in steps
    assert "./book config colab-branch" in steps and "publish_branch: notebooks" not in steps
    assert "download.pytorch.org" not in steps
    checks = yaml.safe_load((ROOT / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8"))
    assert "pull_request" in checks[True]  # YAML reads the key `on` as True
    parts = checks["jobs"]["test"]["strategy"]["matrix"]["part"]
    from book.testing import PARTS

    assert parts == list(PARTS)


def test_readme_names_the_configured_torch_index():
    assert f"--index-url {book.torch_index()}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_contributing_names_tests_that_exist():
    """Every test CONTRIBUTING.md cites as the guard of a step exists, so the guide cannot drift."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    cited = re.findall(r"`(tests/[\w/]+\.py|code/tests/[\w/]+\.py)::(\w+)`", text)
    assert len(cited) >= 10, cited
    for path, name in cited:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"CONTRIBUTING.md cites {path}::{name}, which does not exist"
