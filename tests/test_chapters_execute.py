"""Every chapter runs top to bottom from a fresh kernel: no error, nothing on stderr, < 60 s."""

import time

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, notebook_pages

CHAPTERS = [ROOT / f"{page}.md" for page in notebook_pages()]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_clean_from_fresh_kernel(path, tmp_path):
    nb = jupytext.read(path)
    nbformat.validate(nb)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    stderr = [
        "".join(out.get("text", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("name") == "stderr"
    ]
    assert not stderr, f"{path.name} printed on stderr: {stderr[:2]}"
    assert seconds < 60, f"{path.name} took {seconds:.0f} s from a fresh kernel; the budget is 60 s"
