"""The built site as a reader meets it: four languages, switchers, notebook links, no broken link."""

import json
import re
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

import book
from conftest import LANGUAGES, SITE, notebook_pages, source_pages


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_files():
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_exists_in_every_language(site, lang):
    for page in source_pages():
        assert (site / lang / f"{page}.html").exists(), f"{lang}/{page}.html was not built"


def test_root_index_links_to_every_language_and_redirects_to_each(site):
    """The front door lists every language of _config.yml and sends each browser language to its site."""
    links = {a["href"] for a in soup(site / "index.html").find_all("a")}
    assert links == {f"{lang}/intro.html" for lang in LANGUAGES}
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "navigator.languages" in text
    redirects = json.loads(re.search(r"var available = (\{.*?\});", text).group(1))
    assert redirects == {book.browser_code(lang): lang for lang in LANGUAGES}
    assert all((site / target / "intro.html").exists() for target in redirects.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_switcher_leads_to_same_page(site, lang):
    for page in source_pages():
        doc = soup(site / lang / f"{page}.html")
        nav = doc.select_one("nav.hs-languages")
        assert nav is not None, f"{lang}/{page}: no language switcher"
        targets = {a["hreflang"]: a["href"] for a in nav.find_all("a")}
        assert set(targets) == {code.replace("_", "-") for code in LANGUAGES if code != lang}
        for href in targets.values():
            target = ((site / lang / page).parent / href).resolve()
            assert target.exists(), f"{lang}/{page}: switcher link {href} is broken"
            assert target.relative_to(site.resolve()).parts[1:] == tuple(f"{page}.html".split("/"))
        assert doc.find("html")["lang"].replace("-", "_").startswith(lang.split("_")[0])


def test_titles_are_translated(site):
    titles = {lang: soup(site / lang / "intro.html").title.get_text() for lang in LANGUAGES}
    assert len(set(titles.values())) == len(LANGUAGES), titles


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapter_pages_link_to_their_language_notebook(site, lang):
    for page in notebook_pages():
        doc = soup(site / lang / f"{page}.html")
        colab = doc.select_one("a.hs-colab")
        download = doc.select_one("a.hs-download")
        assert colab and download, f"{lang}/{page}: notebook buttons missing"
        assert colab["href"].startswith("https://colab.research.google.com/github/")
        assert colab["href"].endswith(f"/{lang}/{page}.ipynb")
        local = ((site / lang / page).parent / download["href"]).resolve()
        assert local == (site / lang / "notebooks" / f"{page}.ipynb").resolve()
        assert local.exists(), f"{lang}/{page}: {download['href']} does not exist"
        exercises_colab = doc.select_one("a.hs-exercises-colab")
        exercises_download = doc.select_one("a.hs-exercises-download")
        assert exercises_colab and exercises_download, f"{lang}/{page}: no buttons for the student notebook"
        assert exercises_colab["href"].endswith(f"/{lang}/{page}-exercises.ipynb")
        assert exercises_colab.get_text(strip=True) == book.language_entry(lang)["open_exercises_in_colab"]
        local = ((site / lang / page).parent / exercises_download["href"]).resolve()
        assert local == (site / lang / "notebooks" / f"{page}-exercises.ipynb").resolve() and local.exists()


def test_no_broken_internal_link(site):
    broken = []
    ids_cache = {}
    for page in html_files():
        doc = soup(page)
        for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for el in doc.find_all(tag):
                ref = el.get(attr)
                if not ref or ref.startswith(("http://", "https://", "mailto:", "javascript:", "data:")):
                    continue
                parsed = urlparse(ref)
                target = (page.parent / unquote(parsed.path)).resolve() if parsed.path else page
                if not target.exists():
                    broken.append(f"{page.relative_to(site)} -> {ref}")
                    continue
                if parsed.fragment and target.suffix == ".html":
                    if target not in ids_cache:
                        ids_cache[target] = {e["id"] for e in soup(target).find_all(id=True)}
                    if parsed.fragment not in ids_cache[target]:
                        broken.append(f"{page.relative_to(site)} -> {ref} (no such anchor)")
    assert not broken, f"{len(broken)} broken link(s): {broken[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glued_numbers_appear_in_every_language(site, lang):
    text = soup(site / lang / "chapters" / "01-mlp.html").get_text()
    assert "{glue" not in text
    assert len(re.findall(r"\d+\.\d%", text)) >= 2, f"{lang}: glued accuracies missing from the prose"


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_figure_alt_text_is_in_the_pages_language(site, lang):
    for page in notebook_pages():
        english = [img.get("alt", "") for img in soup(site / "en" / f"{page}.html").select("article img")]
        translated = [img.get("alt", "") for img in soup(site / lang / f"{page}.html").select("article img")]
        assert len(translated) == len(english)
        for en_alt, alt in zip(english, translated, strict=True):
            assert alt and alt != en_alt, f"{lang}/{page}: alt text not translated: {alt[:60]!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_raw_latex_or_dollar_signs_in_prose(site, lang):
    """Math must be in math nodes: a stray $ or \\command means Markdown broke a formula (for
    example a line starting with "+ " inside inline math becomes a list item)."""
    stray = []
    for page in source_pages():
        doc = soup(site / lang / f"{page}.html")
        article = doc.select_one("article") or doc
        for el in article.select(".math, pre, code, script, .cell_output, .output"):
            el.decompose()
        text = article.get_text(" ")
        stray += [f"{page}: ...{m.group(0)}..." for m in re.finditer(r".{0,30}(\$|\\[A-Za-z]{2,}).{0,30}", text)]
    assert not stray, stray[:5]


# Each language's search index as it was before Chinese and Japanese queries were cut in the browser
# (2026-12-01), in bytes. The book grows, so the guard is relative: a translation's index may grow at
# most 30 % more than the English one (what the CJK search adds shows there), and no index may exceed
# half the size of the text it indexes, so that pages stay light.
SEARCH_INDEX_BEFORE = {"en": 52_355, "ru": 114_250, "zh_CN": 76_204, "ja": 90_125}


def indexed_text_bytes(lang) -> int:
    total = 0
    for page in source_pages():
        doc = soup(SITE / lang / f"{page}.html")
        total += len((doc.select_one("article") or doc).get_text(" ").encode())
    return total


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_index_stays_light(site, lang):
    size = (site / lang / "searchindex.js").stat().st_size
    english = (site / "en" / "searchindex.js").stat().st_size
    before = SEARCH_INDEX_BEFORE[lang] / SEARCH_INDEX_BEFORE["en"]
    assert size / english <= 1.3 * before, f"{lang} search index: {size} bytes, {size / english:.2f} × English"
    text = indexed_text_bytes(lang)
    assert size <= 0.5 * text, f"{lang} search index: {size} bytes for {text} bytes of text"
