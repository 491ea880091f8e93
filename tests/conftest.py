"""Shared paths and helpers for the book's own checks (run after `./book build`)."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "scripts"))
import book  # noqa: E402

LANGUAGES = book.LANGUAGES  # from _config.yml's hs_languages, like the build's
TRANSLATIONS = book.TRANSLATIONS


def source_pages():
    """Every page of the book in TOC order, as Sphinx docnames (intro, chapters/01-mlp, ...)."""
    return book.toc_pages()


def notebook_pages():
    return book.notebook_pages()


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run ./book build first (./book test does)")
    return SITE
