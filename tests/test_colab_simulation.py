"""A generated notebook runs top to bottom on a simulated Colab runtime.

A fresh virtual environment gets what Colab has (NumPy, Matplotlib, TensorFlow, PyTorch, ipykernel)
but not rnnbook; its kernel imports a stand-in ``google.colab`` at start-up, as Colab's does. The
notebook's own setup cell must then install rnnbook (here from this checkout) and every cell run.
"""

import json
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SITE, TRANSLATIONS, notebook_pages

COLAB_PACKAGES = ("numpy", "matplotlib", "tensorflow_cpu", "torch", "ipykernel")


def pinned(names):
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        m = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower().replace("-", "_")] = line.strip()
    return [pins[name] for name in names]


SCRIPTS = {"ru": r"[а-яё]", "zh_CN": r"[\u4e00-\u9fff]", "ja": r"[\u3040-\u30ff]"}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A kernel with what Colab has, a stand-in google.colab, and no rnnbook."""
    tmp_path = tmp_path_factory.mktemp("colab")
    venv = tmp_path / "colab-venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", *pinned(COLAB_PACKAGES)], check=True)
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
    return tmp_path, python


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_notebook_runs_on_simulated_colab_and_speaks_its_language(site, colab, lang, monkeypatch):
    tmp_path, python = colab
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("RNNBOOK_ALL_LANGUAGES", raising=False)
    monkeypatch.delenv("RNNBOOK_LANG", raising=False)

    nb = nbformat.read(SITE / lang / "notebooks" / f"{notebook_pages()[0]}.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="colab-sim", resources={"metadata": {"path": str(tmp_path)}}).execute()

    where = subprocess.run(
        [python, "-c", "import rnnbook; print(rnnbook.__file__)"], capture_output=True, text=True, check=True
    ).stdout
    assert str(tmp_path) in where, f"rnnbook was not installed into the Colab environment: {where}"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
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
