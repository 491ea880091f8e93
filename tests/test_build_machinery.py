"""The build's own guarantees: a change to rnnbook or the pins invalidates executed outputs, and
generated notebooks get their Colab setup cell without image data copied into Markdown."""

import json
import shutil

import pytest

import book
from conftest import ROOT


@pytest.fixture
def copy_of_inputs(tmp_path, monkeypatch):
    shutil.copytree(
        ROOT / "code" / "rnnbook", tmp_path / "code" / "rnnbook", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    monkeypatch.setattr(book, "ROOT", tmp_path)
    monkeypatch.setattr(book, "BUILD", tmp_path / "_build")
    return tmp_path


def test_changing_rnnbook_gives_a_fresh_execution_cache(copy_of_inputs):
    first = book.execution_cache()
    assert first.is_absolute() and first.exists()
    assert book.execution_cache() == first  # unchanged inputs: the same cache
    with (copy_of_inputs / "code" / "rnnbook" / "mlp.py").open("a") as f:
        f.write("\n# a change\n")
    second = book.execution_cache()
    assert second != first
    assert not first.exists(), "the stale cache must be removed so its outputs cannot be published"


def test_changing_the_pins_gives_a_fresh_execution_cache(copy_of_inputs):
    first = book.execution_cache()
    (copy_of_inputs / "requirements.txt").write_text("numpy==0.0\n")
    assert book.execution_cache() != first


def test_finish_notebook_adds_setup_cell_and_drops_inline_image_data(tmp_path):
    source = tmp_path / "in.ipynb"
    source.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "markdown",
                        "metadata": {},
                        "source": "![data:image/png;base64,AAA](data:image/png;base64,AAA)\n\nCaption.",
                    },
                    {"cell_type": "code", "metadata": {}, "source": "print(1)", "outputs": [], "execution_count": None},
                ],
                "metadata": {"date": 1.0},
                "nbformat": 4,
                "nbformat_minor": 4,
            }
        )
    )
    target = tmp_path / "out" / "nb.ipynb"
    book.finish_notebook(source, target, "rnnbook @ git+https://github.com/o/r@abc1234#subdirectory=code")
    nb = json.loads(target.read_text())
    assert "google.colab" in nb["cells"][0]["source"] and "abc1234" in nb["cells"][0]["source"]
    assert nb["cells"][1]["source"] == "Caption."
    assert "date" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
