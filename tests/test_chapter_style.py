"""House rules for the chapters' code, so it reads without horizontal scrolling on the site."""

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
