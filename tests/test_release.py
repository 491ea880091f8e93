"""A tagged release builds a versioned site whose Colab links resolve to that release's notebooks.

The test builds the English edition as the publish workflow builds a commit tagged v<hs_edition>
(HS_RELEASE=1, into a build folder of its own; the chapters' outputs come from the shared execution
cache), then checks every chapter page's Colab buttons against the notebooks that the workflow
publishes to the edition's own branch, the notebooks' setup cells against the release's wheel, and the
edition switcher.
"""

import json
import os
import re
import subprocess

import pytest

import book
from conftest import ROOT, notebook_pages

LANG = "en"


@pytest.fixture(scope="module")
def release(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("release-build")
    env = {**os.environ, "HS_RELEASE": "1", "HS_BUILD_DIR": str(out)}
    subprocess.run([str(ROOT / "book"), "build", "--lang", LANG], env=env, check=True, cwd=ROOT)
    return out / "html"


def published_notebook(html, colab_url: str):
    """The file that a Colab link opens once the workflow has pushed <lang>/notebooks/ to the branch."""
    prefix = f"https://colab.research.google.com/github/{book.github_repo()}/blob/"
    assert colab_url.startswith(prefix), colab_url
    branch, lang, path = colab_url.removeprefix(prefix).split("/", 2)
    return branch, html / lang / book.NOTEBOOK_DIR / path


@pytest.mark.parametrize("page", notebook_pages())
def test_colab_buttons_open_the_releases_own_notebooks(release, page):
    html = (release / LANG / f"{page}.html").read_text(encoding="utf-8")
    links = re.findall(r'class="hs-button hs-colab[^"]*" href="([^"]+)"', html)
    assert len(links) == 2, links  # the chapter and its exercises
    for link in links:
        branch, notebook = published_notebook(release, link)
        assert branch == book.release_notebooks_branch(True) == f"{book.notebooks_branch()}-v{book.edition()}"
        assert notebook.exists(), f"{link} would open nothing: {notebook} was not built"
        setup = "".join(json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"])
        assert book.wheel_url() in setup and f"/releases/download/v{book.edition()}/" in setup
        text = notebook.read_text(encoding="utf-8")
        site_links = re.findall(re.escape(book.site_url()) + r"[^)\s\"]*", text)
        assert site_links and all(u.startswith(f"{book.site_url()}v{book.edition()}/{LANG}/") for u in site_links)


def test_the_release_ships_its_wheel_and_pdf_and_marks_its_edition(release):
    assert (release / book.wheel_name()).exists()
    assert (release / LANG / book.pdf_name(LANG)).stat().st_size > 100_000
    page = (release / LANG / "chapters" / "03-simple-rnn.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="hs-editions".*?</nav>', page, re.S).group(0)
    assert f'<strong aria-current="page">{book.editions()[0]}</strong>' in nav
    assert f'href="{book.site_url()}{LANG}/chapters/03-simple-rnn.html"' in nav  # the latest edition
    # a released edition's errata page sends readers to the list kept up to date in the latest edition
    errata = (release / LANG / "chapters" / "appendix-errata.html").read_text(encoding="utf-8")
    assert f'href="{book.site_url()}{LANG}/chapters/appendix-errata.html"' in errata


def test_the_latest_build_links_to_the_notebooks_branch(site):
    if book.is_release():
        pytest.skip("this checkout is a tagged release: its own build is the release built above")
    page = (site / LANG / "chapters" / "03-simple-rnn.html").read_text(encoding="utf-8")
    links = re.findall(r'class="hs-button hs-colab[^"]*" href="([^"]+)"', page)
    assert links and all(f"/blob/{book.notebooks_branch()}/" in link for link in links)
    nav = re.search(r'<nav class="hs-editions".*?</nav>', page, re.S).group(0)
    for edition in book.editions():
        assert f'href="{book.site_url()}v{edition}/{LANG}/chapters/03-simple-rnn.html"' in nav
