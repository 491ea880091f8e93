"""The generated notebooks run top to bottom on a simulated Colab runtime, with Colab's versions.

A fresh virtual environment gets Colab's library versions (tests/colab-constraints.txt: Keras 3.13,
TensorFlow 2.20, NumPy 2.0, …) but not rnnbook; its kernel imports a stand-in ``google.colab`` at
start-up, as Colab's does. Each notebook's own setup cell must then install rnnbook (here from this
checkout) without touching the frameworks, and every cell run.
"""

import ast
import json
import re
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

import book
from conftest import ROOT, SITE, TRANSLATIONS, notebook_pages

CONSTRAINTS = book.COLAB_CONSTRAINTS
VERSIONS = "import keras, numpy, tensorflow; print(keras.__version__, numpy.__version__, tensorflow.__version__)"


def colab_pins() -> dict[str, str]:
    """Package → version pinned in tests/colab-constraints.txt."""
    lines = CONSTRAINTS.read_text(encoding="utf-8").splitlines()
    return dict(re.match(r"([\w.-]+)==(\S+)", line).groups() for line in lines if "==" in line)


SCRIPTS = {"ru": r"[а-яё]", "zh_CN": r"[\u4e00-\u9fff]", "ja": r"[\u3040-\u30ff]"}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A kernel with what Colab has, a stand-in google.colab, and no rnnbook."""
    tmp_path = tmp_path_factory.mktemp("colab")
    python = book.colab_venv() / "bin" / "python"  # kept between runs; ./book test makes it during the build
    # a notebook's setup cell installed rnnbook there in an earlier run: Colab starts without it
    subprocess.run([python, "-m", "pip", "uninstall", "-q", "-y", "rnnbook"], check=True, capture_output=True)
    assert subprocess.run([python, "-c", "import rnnbook"], capture_output=True).returncode != 0

    stand_in = tmp_path / "stand-in" / "google" / "colab"
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text('"""Stand-in for Colab\'s module in a test."""\n')
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab\n")
    spec = tmp_path / "jupyter" / "kernels" / "colab-sim"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Colab (simulated)",
                "language": "python",
                "env": {
                    "PYTHONPATH": str(tmp_path / "stand-in"),
                    "IPYTHONDIR": str(tmp_path / "ipython"),
                    "RNNBOOK_PIP_SPEC": str(ROOT / "code"),
                    "TF_CPP_MIN_LOG_LEVEL": "3",
                },
            }
        )
    )
    before = subprocess.run([python, "-c", VERSIONS], capture_output=True, text=True, check=True).stdout
    pins = colab_pins()
    assert before.split() == [pins["keras"], pins["numpy"], pins["tensorflow-cpu"]], before
    return tmp_path, python, before


def run_on_colab(colab, notebook, monkeypatch, then=None):
    """Execute a generated notebook in the simulated Colab; return it with its outputs.

    ``then``: cells to run after it in the same kernel (their outputs are in the returned notebook)."""
    tmp_path, python, versions = colab
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("RNNBOOK_ALL_LANGUAGES", raising=False)
    monkeypatch.delenv("RNNBOOK_LANG", raising=False)
    monkeypatch.delenv("RNNBOOK_STRICT", raising=False)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells += then or []
    # errors are collected, not raised, so that the assertion below names the cell and the error
    client = NotebookClient(
        nb, timeout=300, kernel_name="colab-sim", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [(c.source[:60], o) for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    for source, error in errors[:1]:
        pytest.fail(f"{notebook.name}: in {source!r}: {error.get('ename')}: {error.get('evalue')}")
    where = subprocess.run(
        [python, "-c", "import rnnbook; print(rnnbook.__file__)"], capture_output=True, text=True, check=True
    ).stdout
    venv = python.parent.parent
    assert where.startswith(str(venv)), f"rnnbook was not installed into the Colab environment {venv}: {where}"
    after = subprocess.run([python, "-c", VERSIONS], capture_output=True, text=True, check=True).stdout
    assert after == versions, f"the setup cell changed Colab's frameworks: {versions} -> {after}"
    assert not nb.cells[0].get("outputs"), f"the setup cell is not quiet: {nb.cells[0]['outputs']}"
    return nb


def text_of(cell) -> str:
    return "".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def exercise_part(student):
    """The student notebook's exercise section: its cells from the "## Exercises" heading on."""
    first_answer = next(k for k, c in enumerate(student.cells) if "answer" in c.metadata.get("tags", []))
    start = max(k for k, c in enumerate(student.cells[:first_answer]) if c.source.startswith("## "))
    return student.cells[start:]


def defined_names(cells) -> set[str]:
    """The names the solutions define or assign at top level."""
    names = set()
    for cell in cells:
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("page", notebook_pages())
def test_every_chapter_runs_with_colabs_versions_and_its_exercises_show_crosses(site, colab, page, monkeypatch):
    """The full notebook runs green, its solutions included (each checker says ✓). Then, in the same
    kernel, the student notebook's exercise section runs with its stubs, once every name the
    solutions defined is deleted: every check says ✗, nothing raises. (The student notebook is the
    full one up to that section, which the tests of test_notebooks.py assert; chapter 1's runs
    top to bottom below, in each translation.)"""
    full = nbformat.read(SITE / "en" / "notebooks" / f"{page}.ipynb", as_version=4)
    student = nbformat.read(SITE / "en" / "notebooks" / f"{page}-exercises.ipynb", as_version=4)
    solutions = [c for c in full.cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])]
    names = sorted(defined_names(solutions))
    forget = nbformat.v4.new_code_cell(f"for name in {names!r}:\n    globals().pop(name, None)")
    part = exercise_part(student)
    nb = run_on_colab(colab, SITE / "en" / "notebooks" / f"{page}.ipynb", monkeypatch, then=[forget, *part])
    ran_solutions = [c for c in nb.cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])]
    verdicts = [line for c in ran_solutions for line in text_of(c).splitlines() if line.startswith(("✓", "✗"))]
    assert len(verdicts) == len(solutions) and all(v.startswith("✓") for v in verdicts), verdicts
    checks = [c for c in nb.cells[-len(part) :] if "check" in c.metadata.get("tags", [])]
    assert checks and all(text_of(c).startswith("✗") for c in checks), [text_of(c)[:80] for c in checks]
    # outside the site's build every figure shows under the cell that draws it
    drawing = [c for c in nb.cells if c.cell_type == "code" and "glue_figure(" in c.source]
    blank = [c.source[:60] for c in drawing if not any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert not blank, f"cells whose figure does not show: {blank}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_student_notebook_runs_on_simulated_colab_and_speaks_its_language(site, colab, lang, monkeypatch):
    nb = run_on_colab(colab, SITE / lang / "notebooks" / f"{notebook_pages()[0]}-exercises.ipynb", monkeypatch)
    checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    assert checks and all(text_of(c).startswith("✗") for c in checks), "a stub must get ✗, not ✓ or a crash"
    shown = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            shown.append(out.get("text") or out.get("data", {}).get("text/plain", ""))
    checker_lines = [line for text in shown for line in text.splitlines() if line.startswith(("✓", "✗"))]
    assert checker_lines, "no checker line in the notebook's outputs"
    for line in checker_lines:
        assert re.search(SCRIPTS[lang], line, re.I), f"{lang} notebook printed a checker line not in {lang}: {line}"
    rnnbook_errors = [t for t in shown if "X[None]" in t]
    assert rnnbook_errors and all(re.search(SCRIPTS[lang], t, re.I) for t in rnnbook_errors), rnnbook_errors


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_setup_cell_installs_rnnbook_in_a_plain_jupyter_kernel_from_the_wheel(site, colab, monkeypatch, tmp_path, lang):
    """Outside Colab (a JupyterHub, a lab's computer, a laptop): a fresh kernel with the frameworks but
    without rnnbook and without google.colab. The notebook's first cell installs rnnbook from the wheel
    that the build puts at the site's root (the offline path of the instructor guide), at the edition's
    version; then a translated chapter runs top to bottom and every figure shows under its cell (the
    English notebooks' figures are checked above, every chapter's)."""
    _, python, versions = colab
    subprocess.run([python, "-m", "pip", "uninstall", "-q", "-y", "rnnbook"], check=True, capture_output=True)
    wheel = SITE / book.wheel_name()
    assert wheel.exists(), f"./book build puts rnnbook's wheel at the site's root: {wheel}"
    spec = tmp_path / "jupyter" / "kernels" / "plain"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (a plain Jupyter)",
                "language": "python",
                "env": {"RNNBOOK_PIP_SPEC": str(wheel), "TF_CPP_MIN_LOG_LEVEL": "3"},
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    for name in ("RNNBOOK_ALL_LANGUAGES", "RNNBOOK_LANG", "RNNBOOK_STRICT", "RNNBOOK_BUILD", "PYTHONPATH"):
        monkeypatch.delenv(name, raising=False)
    page = "chapters/02-hidden-state"
    nb = nbformat.read(SITE / lang / "notebooks" / f"{page}.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="plain", allow_errors=True).execute()
    errors = [(c.source[:60], o) for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]
    assert not nb.cells[0].get("outputs"), f"the setup cell is not quiet: {nb.cells[0]['outputs']}"
    installed = subprocess.run(
        [python, "-c", "import rnnbook; print(rnnbook.__version__, rnnbook.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert installed[0] == book.rnnbook_version() and installed[1].startswith(str(python.parent.parent)), installed
    assert "google.colab" not in nb.cells[0].source
    drawing = [c for c in nb.cells if c.cell_type == "code" and "glue_figure(" in c.source]
    assert drawing, f"{page} draws no figure: choose a chapter that does"
    blank = [c.source[:60] for c in drawing if not any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert not blank, f"cells whose figure does not show outside the site's build: {blank}"
    lines = [line for c in nb.cells for line in text_of(c).splitlines() if line.startswith(("✓", "✗"))]
    # every checker line is in the notebook's language, or a formula with no words at all
    words = [line for line in lines if re.search(r"[A-Za-z]{4,}", re.sub(r"\b\w*_\w*\b|tanh", "", line))]
    assert lines and all(re.search(SCRIPTS[lang], line, re.I) for line in words), lines
    after = subprocess.run([python, "-c", VERSIONS], capture_output=True, text=True, check=True).stdout
    assert after == versions, f"installing the wheel changed the frameworks: {versions} -> {after}"
