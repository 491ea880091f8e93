"""House rules for the chapters' code, so it reads without horizontal scrolling on the site."""

import re

import jupytext
import pytest

from conftest import ROOT, notebook_pages

CHAPTERS = [ROOT / f"{page}.md" for page in notebook_pages()]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_lines_fit_the_page(path):
    long = [
        line
        for cell in jupytext.read(path).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > 88
    ]
    assert not long, f"{path.name}: {len(long)} code line(s) over 88 characters, e.g. {long[0]!r}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_objectives_time_summary_and_exercises(path):
    text = path.read_text(encoding="utf-8")
    for marker in (
        "**You will learn to**",
        "**Time:**",
        "**Prerequisites:**",
        "## Summary",
        "## Exercises",
        "{exercise}",
        "{solution-start}",
    ):
        assert marker in text, f"{path.name} lacks {marker}"
    exercises, solutions = text.count("```{exercise}"), text.count("```{solution-start}")
    assert exercises == solutions, f"{path.name}: {exercises} exercises but {solutions} solutions"
    assert "rnnbook.exercises." in text, f"{path.name}: exercises name no checker"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_display_only_code_does_not_become_a_notebook_cell(path):
    """tojupyter turns Python code blocks into code cells, which would run (and fail) in Colab;
    code that is shown but not run is a code-block with the class no-execute (stays Markdown)."""
    text = path.read_text(encoding="utf-8")
    assert "\n```python\n" not in text and "\n```python3\n" not in text
    for block in re.findall(r"```\{code-block\} python\n((?::\w+:.*\n)*)", text):
        assert "no-execute" in block, f"{path.name}: a python code-block without :class: no-execute"


@pytest.mark.parametrize("path", [*CHAPTERS, ROOT / "intro.md"], ids=lambda p: p.stem)
def test_no_prose_line_starts_a_list_by_accident(path):
    """A wrapped line of prose that begins with "+ ", "- " or "* " (say, the middle of a formula)
    starts a bullet list in Markdown and cuts the paragraph, and its translation, in two."""
    fenced, math, previous, accidents = False, False, "", []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(("```", ":::")):
            fenced = not fenced if line.strip() in ("```", ":::") or not fenced else fenced
        elif line.strip() == "$$":
            math = not math
        elif not (fenced or math):
            in_paragraph = previous.strip() and not re.match(r"\s*([-+*]|\d+\.)\s|\s|[#|>$]", previous)
            if in_paragraph and re.match(r"[-+*] ", line):
                accidents.append(f"line {number}: {line[:60]!r}")
        previous = line
    assert not accidents, f"{path.name}: a prose line starts a list: {accidents}"
