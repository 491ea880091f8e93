"""Every chapter runs top to bottom from a fresh kernel: no error, nothing on stderr, < 60 s.

The build has just executed every chapter, each in a fresh kernel, and jupyter-cache keeps what it
saw: the outputs and the execution time. These checks read that record instead of running every
chapter a second time (the simulated Colab runtime runs them a third time, with Colab's versions and
without the build's four-language messages).
"""

import jupytext
import nbformat
import pytest
from jupyter_cache import get_cache

from conftest import ROOT, book, notebook_pages

CHAPTERS = [ROOT / f"{page}.md" for page in notebook_pages()]
BUDGET = 60  # seconds; ./book bench reports the 30 s target


@pytest.fixture(scope="module")
def cache():
    path = book.execution_cache()
    if not path.exists():
        pytest.fail(f"no execution cache at {path}: run ./book build first (./book test does)")
    return get_cache(path)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_clean_from_fresh_kernel(path, cache):
    nb = jupytext.read(path)
    nbformat.validate(nb)
    try:
        record = cache.match_cache_notebook(nb)
    except KeyError:
        pytest.fail(f"{path.name}: the build has no successful execution of these code cells")
    executed = cache.get_cache_bundle(record.pk).nb
    outputs = [out for cell in executed.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    errors = [f"{out.get('ename')}: {out.get('evalue')}" for out in outputs if out.get("output_type") == "error"]
    stderr = ["".join(out.get("text", "")) for out in outputs if out.get("name") == "stderr"]
    assert not errors, f"{path.name} raised: {errors[:2]}"
    assert not stderr, f"{path.name} printed on stderr: {stderr[:2]}"
    seconds = record.data["execution_seconds"]
    assert seconds < BUDGET, f"{path.name} took {seconds:.0f} s from a fresh kernel; the budget is {BUDGET} s"


def test_the_record_is_of_the_chapters_as_they_are_now(cache):
    """A cache record matches on code cells only; the cache's path carries everything else
    (rnnbook, its catalogues, the pinned requirements), so a stale record cannot pass."""
    assert book.execution_cache().name in str(cache.path)
    assert len(cache.list_cache_records()) >= len(CHAPTERS)
