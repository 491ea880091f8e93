"""The build's own guarantees: a change to rnnbook or the pins invalidates executed outputs,
generated notebooks get their Colab setup cell without image data copied into Markdown, and ./book
refuses a Python it does not support in one line, before it creates anything."""

import json
import os
import shutil
import subprocess
import sys

import pytest

import book
import book.build
from conftest import ROOT


@pytest.fixture
def copy_of_inputs(tmp_path, monkeypatch):
    shutil.copytree(
        ROOT / "code" / "rnnbook", tmp_path / "code" / "rnnbook", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    monkeypatch.setattr(book.build, "ROOT", tmp_path)
    monkeypatch.setattr(book.build, "BUILD", tmp_path / "_build")
    monkeypatch.setattr(book.build, "CACHES", tmp_path / "_build" / ".jupyter_cache")
    return tmp_path


def test_changing_rnnbook_gives_a_fresh_execution_cache(copy_of_inputs):
    first = book.execution_cache()
    assert first.is_absolute() and first.exists()
    assert book.execution_cache() == first  # unchanged inputs: the same cache
    with (copy_of_inputs / "code" / "rnnbook" / "mlp.py").open("a") as f:
        f.write("\n# a change\n")
    second = book.execution_cache()
    assert second != first
    assert first.exists(), "only the build prunes: a test that reads the cache must not delete the build's"
    assert book.execution_cache(prune=True) == second
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
    assert "abc1234" in nb["cells"][0]["source"] and "google.colab" not in nb["cells"][0]["source"]
    assert nb["cells"][1]["source"] == "Caption."
    assert "date" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


# ./book checks the Python before it creates anything ---------------------------------------------


def fake_python(folder, printed):
    """An executable that answers every call the way ./book's probe expects a Python to."""
    path = folder / "fake-python"
    path.write_text(f"#!/bin/sh\necho '{printed}'\n")
    path.chmod(0o755)
    return path


def run_book(folder, python):
    """./book in a copy of its own (it works in the folder it lives in), with PYTHON set."""
    shutil.copy(ROOT / "book", folder / "book")
    env = {**os.environ, "PYTHON": str(python)}
    return subprocess.run([folder / "book", "--help"], capture_output=True, text=True, env=env, timeout=60, cwd=folder)


@pytest.mark.parametrize(
    "printed, says",
    [
        ("3.10.13 linux x86_64", "found Python 3.10.13"),
        ("3.9.18 darwin arm64", "found Python 3.9.18"),
        ("3.14.0 linux x86_64", "found Python 3.14.0"),
        ("2.7.18 linux x86_64", "found Python 2.7.18"),
        ("3.12.1 darwin x86_64", "Intel (x86_64) Python"),
    ],
)
def test_book_refuses_an_unsupported_python_in_one_line(tmp_path, printed, says):
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    result = run_book(book_dir, fake_python(tmp_path, printed))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("./book: ") and says in lines[0]
    if "Intel" not in says:
        assert "Python 3.11 to 3.13" in lines[0] and "install Python 3.11" in lines[0]
    assert sorted(p.name for p in book_dir.iterdir()) == ["book"], "nothing may be created, .venv least of all"


def test_book_names_a_python_that_does_not_run(tmp_path):
    result = run_book(tmp_path, tmp_path / "no-such-python")
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"./book: PYTHON={tmp_path / 'no-such-python'} does not run; "
        "it should name Python 3.11 to 3.13 (3.11 recommended)"
    ]
    assert not (tmp_path / ".venv").exists()


def test_book_refuses_a_venv_left_by_an_unsupported_python(tmp_path):
    book_dir = tmp_path / "book"
    (book_dir / ".venv" / "bin").mkdir(parents=True)
    fake_python(book_dir / ".venv" / "bin", "3.10.13 linux x86_64").rename(book_dir / ".venv" / "bin" / "python")
    result = run_book(book_dir, fake_python(tmp_path, "3.11.7 linux x86_64"))
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "./book: .venv holds Python 3.10.13, not Python 3.11 to 3.13 (3.11 recommended): "
        "remove it (rm -rf .venv) and run again"
    ]


@pytest.mark.parametrize("printed", ["3.11.7 linux x86_64", "3.13.0 linux x86_64", "3.12.1 darwin arm64"])
def test_book_goes_on_with_a_supported_python(tmp_path, printed):
    # The fake cannot make a venv, so ./book fails right after the check: what matters is that it got there.
    result = run_book(tmp_path, fake_python(tmp_path, printed))
    assert "Creating the virtual environment .venv" in result.stdout
    assert "./book: " not in result.stderr


def test_book_skips_a_python_that_does_not_run(tmp_path):
    """A pyenv shim for a version that is not active answers `command -v` but fails when run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "python3.11"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.11: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    fake_python(bin_dir, "3.12.1 linux x86_64").rename(bin_dir / "python3.12")
    shutil.copy(ROOT / "book", tmp_path / "book")
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    result = subprocess.run([tmp_path / "book"], capture_output=True, text=True, env=env, timeout=60)
    assert "Creating the virtual environment .venv with 3.12.1" in result.stdout, result.stderr


def test_book_sends_a_windows_shell_to_wsl(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    uname = bin_dir / "uname"
    uname.write_text("#!/bin/sh\necho MINGW64_NT-10.0-19045\n")  # what Git Bash's uname -s says
    uname.chmod(0o755)
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    shutil.copy(ROOT / "book", book_dir / "book")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([book_dir / "book", "build"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "inside WSL" in result.stderr
    assert sorted(p.name for p in book_dir.iterdir()) == ["book"]


# The student notebook's stubs (scripts/notebooks.py) ----------------------------------------------


def test_a_stub_keeps_signatures_and_names_but_no_line_of_the_solution():
    import notebooks

    solution = '''
import torch


def fit(x, y, units=16, *, epochs=200):
    """Train."""
    model = torch.nn.RNN(1, units)
    return model


class Cell(keras.layers.Layer):
    size = 3

    def call(self, inputs, states):
        return inputs, states


answers = {"a": (1, 2), "b": [(3, 4)]}
T = int(4.5)
print("T =", T)
ch03.check_trained_rnn(fit)
ch04.check_torch_shapes((4, 32, 16), answers, T)
'''
    answer, check = notebooks.stub([solution])
    assert answer == (
        'def fit(x, y):\n    """Train."""\n    ...\n\n\n'
        "class Cell(keras.layers.Layer):\n    def call(self, inputs, states):\n        ...\n\n\n"
        'answers = {\n    "a": ...,\n    "b": ...,\n}\nT = ...\nh0 = ...\n'
    )
    assert check == (
        "from rnnbook.exercises import ch03\nfrom rnnbook.exercises import ch04\n\n"
        "ch03.check_trained_rnn(fit)\nch04.check_torch_shapes(h0, answers, T)\n"
    )
    with pytest.raises(ValueError, match="without a checker call"):
        notebooks.stub(["x = 1"])


def test_a_cross_in_the_executed_outputs_fails_the_build(tmp_path):
    """./book build stops when any executed output of a chapter holds a ✗ line (book.build.crosses_in_outputs)."""
    import jupytext
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    import book.build

    page = tmp_path / "chapters" / "09-demo.md"
    page.parent.mkdir()
    page.write_text("```{code-cell} ipython3\nch09.check_demo(answer)\n```\n", encoding="utf-8")
    cache = get_cache(tmp_path / "cache")
    for verdict, expected in (("✓ right", []), ("✗ wrong: the bias is missing", ["✗ wrong"])):
        nb = jupytext.read(page)
        nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict + "\n")]
        nb.cells[0].execution_count = 1
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(page)), overwrite=True)
        found = book.build.crosses_in_outputs(tmp_path / "cache", ["chapters/09-demo"], tmp_path)
        assert [line.split(":", 1)[1].strip()[:7] for line in found] == expected, found


def test_glossary_terms_are_found_by_the_languages_column_header(tmp_path):
    """The search's glossary terms come from the column headed with the language's name, whatever
    the table's width or order (a language added as a new column keeps the others' terms right)."""
    sys.path.insert(0, str(ROOT / "_ext"))
    import hidden_state

    names = {lang: book.language_entry(lang)["name"] for lang in book.LANGUAGES}
    assert "隐藏状态" in hidden_state.glossary_terms(ROOT, names["zh_CN"])
    assert "隠れ状態" in hidden_state.glossary_terms(ROOT, names["ja"])
    glossary = tmp_path / "chapters" / "appendix-glossary.md"
    glossary.parent.mkdir()
    glossary.write_text(
        "| 日本語 | English | Español | 简体中文 |\n|---|---|---|---|\n"
        "| 隠れ状態 | hidden state | estado oculto | 隐藏状态 |\n",
        encoding="utf-8",
    )
    assert hidden_state.glossary_terms(tmp_path, names["zh_CN"]) == ["隐藏状态"]
    assert hidden_state.glossary_terms(tmp_path, names["ja"]) == ["隠れ状態"]
    with pytest.raises(ValueError, match="no column"):
        hidden_state.glossary_terms(tmp_path, "Русский")


def test_links_to_pages_without_notebooks_go_to_the_site_in_the_notebooks_language():
    text = (
        "See [the glossary](appendix-glossary.ipynb#term-x), [chapter 2](02-hidden-state.ipynb#sec-y) "
        "and [a reference](appendix-references.ipynb)."
    )
    site = "https://example.org/book/v1.0/ja/"
    linked = book.build.link_pages_without_notebooks(text, site, "chapters", {"chapters/02-hidden-state"})
    assert linked == (
        "See [the glossary](https://example.org/book/v1.0/ja/chapters/appendix-glossary.html#term-x), "
        "[chapter 2](02-hidden-state.ipynb#sec-y) "
        "and [a reference](https://example.org/book/v1.0/ja/chapters/appendix-references.html)."
    )


def make_site(folder, marker):
    (folder / "en" / "chapters").mkdir(parents=True)
    (folder / "index.html").write_text(marker)
    (folder / "en" / "chapters" / "01-mlp.html").write_text(marker)
    return folder


def test_a_release_keeps_its_edition_and_a_later_push_keeps_both(tmp_path):
    from book import release

    store = tmp_path / "editions"
    first = make_site(tmp_path / "build-1", "main, before the release")
    out = tmp_path / "deploy"
    assert release.assemble_site(first, store, out) == []
    tagged = make_site(tmp_path / "build-tag", "the tagged build of 1.0")
    release.store_edition(tagged, store, "v1.0")
    later = make_site(tmp_path / "build-2", "main, after the release")
    assert release.assemble_site(later, store, out) == ["v1.0"]
    assert (out / "index.html").read_text() == "main, after the release"
    assert (out / "v1.0" / "en" / "chapters" / "01-mlp.html").read_text() == "the tagged build of 1.0"
    assert release.missing_editions(store) == [t for t in (f"v{e}" for e in book.editions()) if t != "v1.0"]
    with pytest.raises(ValueError, match=r"v1\.0"):
        release.store_edition(tagged, store, "latest")
    with pytest.raises(FileNotFoundError, match="book build"):
        release.assemble_site(tmp_path / "nothing", store, out)


QUIZ_PAGE = """# Quiz

## Chapter 1: Shapes

::::{{quiz}}
{options}

Which shape does `SimpleRNN` read?

1. `(batch, time, features)`
2. `(time, batch, features)`

{extra}
::::
"""


def build_quiz(tmp_path, options, extra):
    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'hs_quiz']\nmyst_enable_extensions = ['colon_fence', 'dollarmath']\n"
        "hs_languages = {'en': {'title': 'T', 'quiz_question': 'Q {number}', 'quiz_answer': 'A',"
        " 'quiz_correct_option': 'C {option}', 'quiz_correct_number': 'N {value}', 'quiz_rubric': 'R',"
        " 'quiz_chapter': 'Ch', 'quiz_all_chapters': 'All'}}\n"
    )
    (tmp_path / "index.md").write_text(QUIZ_PAGE.format(options=options, extra=extra))
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-W", str(tmp_path), str(tmp_path / "_out")],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("options", "extra", "says"),
    [
        (":correct: 1", "", "quiz-feedback"),  # no feedback
        (":correct: 3", ":::{quiz-feedback}\nWhy.\n:::", ":correct: among 1…2"),
        (":essay:", ":::{quiz-feedback}\nWhy.\n:::", "no options"),
        (":answer: 32\n:correct: 1", "", "exactly one of"),
    ],
)
def test_a_quiz_without_its_answer_or_feedback_fails_the_build(tmp_path, options, extra, says):
    result = build_quiz(tmp_path, options, extra)
    assert result.returncode != 0 and says in result.stderr, result.stderr


def test_a_quiz_is_exported_for_moodle_and_canvas(tmp_path):
    result = build_quiz(tmp_path, ":correct: 1", ":::{quiz-feedback}\nKeras reads $(B, T, F)$.\n:::")
    assert result.returncode == 0, result.stderr
    xml = (tmp_path / "_out" / "quizzes" / "chapter-01.moodle.xml").read_text(encoding="utf-8")
    assert 'fraction="100"' in xml and "\\((B, T, F)\\)" in xml and "$course$/top/T/Chapter 1: Shapes" in xml
    page = (tmp_path / "_out" / "index.html").read_text(encoding="utf-8")
    assert "Q 1.1" in page and "C 1" in page
