"""Shared paths and helpers for the book's own checks (run after `./book build`)."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
LANGUAGES = ("en", "ru", "zh_CN", "ja")
TRANSLATIONS = LANGUAGES[1:]
sys.path.insert(0, str(ROOT / "scripts"))


def source_pages():
    """Every page of the book, as Sphinx docnames (intro, chapters/01-mlp, ...)."""
    pages = ["intro"] + [f"chapters/{p.stem}" for p in sorted((ROOT / "chapters").glob("*.md"))]
    return pages


def notebook_pages():
    return [p for p in source_pages() if p.startswith("chapters/") and "appendix" not in p]


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run ./book build first (./book test does)")
    return SITE
