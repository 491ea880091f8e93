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
from nbclient import NotebookClient

from conftest import ROOT, SITE, notebook_pages

COLAB_PACKAGES = ("numpy", "matplotlib", "tensorflow_cpu", "torch", "ipykernel")


def pinned(names):
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        m = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower().replace("-", "_")] = line.strip()
    return [pins[name] for name in names]


def test_russian_notebook_runs_on_simulated_colab(site, tmp_path, monkeypatch):
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
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    nb = nbformat.read(SITE / "ru" / "notebooks" / f"{notebook_pages()[0]}.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="colab-sim", resources={"metadata": {"path": str(tmp_path)}}).execute()

    where = subprocess.run(
        [python, "-c", "import rnnbook; print(rnnbook.__file__)"], capture_output=True, text=True, check=True
    ).stdout
    assert str(venv) in where, f"rnnbook was not installed into the Colab environment: {where}"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
