"""The site in a real browser (Debian's Chromium driven by Playwright), in all four languages.

Every page loads with no console error, no failed or third-party request; math is typeset and
images load; the language switcher, the notebook links and search work; axe-core finds no serious
or critical accessibility violation on the chapter pages.
"""

import functools
import http.server
import random
import re
import shutil
import threading
from urllib.parse import quote

import nbformat
import playwright.sync_api
import pytest

from conftest import LANGUAGES, notebook_pages, source_pages

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HIDDEN_STATE = {"en": "hidden state", "ru": "скрытое состояние", "zh_CN": "隐藏状态", "ja": "隠れ状態"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM), "Chromium is missing: apt-get install chromium (./book test does it as root)"
    with playwright.sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page load that records console errors and failed, broken or third-party requests."""

    def __init__(self, browser, server, path):
        self.page = browser.new_page()
        self.problems = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.on(
            "request",
            lambda r: r.url.startswith((server, "data:")) or self.problems.append(f"third-party request: {r.url}"),
        )
        self.page.goto(f"{server}/{path}", wait_until="networkidle")

    def _failed(self, request):
        # a request cut short because the test navigated on (a click) is not a broken resource
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def close(self):
        self.page.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_load_clean_with_math_and_images(browser, server, lang):
    problems = []
    for page in source_pages():
        visit = Visit(browser, server, f"{lang}/{page}.html")
        p = visit.page
        if p.locator("div.math, span.math").count():
            p.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=15000)
        raw = p.evaluate(
            "Array.from(document.querySelectorAll('article p, article li, article td'))"
            ".map(e => e.innerText).filter(t => /\\$[^$]+\\$|\\\\\\(|\\\\\\[/.test(t))"
        )
        broken_images = p.evaluate(
            "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        problems += [f"{page}: {x}" for x in visit.problems]
        problems += [f"{page}: raw math left: {t[:80]!r}" for t in raw]
        problems += [f"{page}: image did not load: {src[:80]}" for src in broken_images]
        visit.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_switcher_opens_the_same_page(browser, server, lang):
    """Every page's switcher links the same page in each other language; on every page one of its links,
    a different language from page to page, is clicked and must land there (test_site checks that
    every linked file exists)."""
    for k, page in enumerate(source_pages()):
        visit = Visit(browser, server, f"{lang}/{page}.html")
        links = visit.page.locator("nav.hs-languages a")
        targets = visit.page.evaluate(
            "Array.from(document.querySelectorAll('nav.hs-languages a')).map(a => [a.hreflang, a.href])"
        )
        assert sorted(t[0].replace("-", "_") for t in targets) == sorted(set(LANGUAGES) - {lang})
        for hreflang, href in targets:
            assert href == f"{server}/{hreflang.replace('-', '_')}/{page}.html", (page, hreflang, href)
        i = k % len(targets)
        links.nth(i).click()
        visit.page.wait_for_load_state()
        other = targets[i][0].replace("-", "_")
        assert visit.page.url == f"{server}/{other}/{page}.html"
        current = visit.page.locator("nav.hs-languages [aria-current=page]").get_attribute("lang")
        assert current == targets[i][0]
        assert not visit.problems, visit.problems
        visit.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_buttons_point_to_this_languages_notebook(browser, server, lang):
    for page in notebook_pages():
        visit = Visit(browser, server, f"{lang}/{page}.html")
        # the chapter with its solutions, then the exercises alone (the student notebook)
        for kind, suffix in (("", ""), (".hs-exercises-colab", "-exercises")):
            selector = "a.hs-colab" + (kind or ":not(.hs-exercises-colab)")
            colab = visit.page.locator(selector).get_attribute("href")
            assert colab.startswith("https://colab.research.google.com/github/")
            assert colab.endswith(f"/blob/notebooks/{lang}/{page}{suffix}.ipynb")
            selector = "a.hs-download" + (".hs-exercises-download" if kind else ":not(.hs-exercises-download)")
            with visit.page.expect_download() as info:
                visit.page.locator(selector).click()
            path = info.value.path()
            nb = nbformat.reads(open(path, encoding="utf-8").read(), as_version=4)
            nbformat.validate(nb)
            assert info.value.suggested_filename == page.split("/")[-1] + suffix + ".ipynb"
            setup = nb.cells[0]
            assert setup.cell_type == "code" and "colab-setup" in setup.metadata.tags
            assert f'os.environ["RNNBOOK_LANG"] = "{lang}"' in setup.source
            assert nb.metadata.hidden_state.kind == ("exercises" if suffix else "full")
        visit.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_the_hidden_state_chapter(browser, server, lang):
    visit = Visit(browser, server, f"{lang}/search.html?q={HIDDEN_STATE[lang]}")
    visit.page.wait_for_selector("#search-results ul.search li", timeout=15000)
    hits = visit.page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
    assert any(h.split("#")[0].endswith("chapters/02-hidden-state.html") for h in hits), hits
    assert not visit.problems, visit.problems
    visit.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapter_pages_have_no_serious_accessibility_violation(browser, server, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []
    # The translations share the English pages' templates and markup (the build keeps every role and
    # block): axe checks every chapter in English, and the first and last chapter in each translation.
    pages = notebook_pages() if lang == "en" else [notebook_pages()[0], notebook_pages()[-1]]
    for page in pages:
        visit = Visit(browser, server, f"{lang}/{page}.html")
        result = axe.run(visit.page)
        found += [
            f"{page}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)"
            for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        visit.close()
    assert not found, "\n".join(found)


# --- Search finds what a reader types ----------------------------------------------------------------

CJK = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\u30fc]+$")
# Searches that failed before the browser cut queries against the index, and one inflected form
# (the page has "градиентов") that only stemming finds.
KNOWN_HARD = {
    "en": ["gradients"],
    "ru": ["градиенты"],
    "zh_CN": ["循环神经网络", "时间序列"],
    "ja": ["時系列", "時系列予測"],
}
TITLE_QUERIES = {"zh_CN": "时间序列", "ja": "時系列予測"}  # chapter 5's title contains them


def page_texts(site, lang) -> dict[str, str]:
    """The prose of every page (code, outputs and math left out), lower-cased."""
    from bs4 import BeautifulSoup

    texts = {}
    for page in source_pages():
        doc = BeautifulSoup((site / lang / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        main = doc.select_one("article") or doc
        # tables left out: the glossary's columns are in the other languages; and the bibliography's
        # entries, whose names (Jürgen) Sphinx's search does not find
        for tag in main.select("div.cell, pre, code, .math, script, style, .headerlink, table, .citation"):
            tag.decompose()
        texts[page] = " ".join(main.get_text(" ").split()).lower()
    return texts


def tokens(lang, text) -> list[str]:
    """The text cut into words as a reader of the language would type them."""
    if lang == "zh_CN":
        import jieba

        return [t for t in jieba.lcut(text) if t.strip()]
    if lang == "ja":
        from sphinx.search.ja import DefaultSplitter

        return [t for t in DefaultSplitter({}).split(text) if t.strip()]
    return re.findall(r"[^\W\d_]+", text)


def drawn_phrases(site, lang, count=24) -> list[str]:
    """Words and phrases of one to three words, drawn at random (seeded) from the pages' prose."""
    from sphinx.search import languages
    from sphinx.util import import_object

    rng = random.Random(f"search-{lang}")
    texts = page_texts(site, lang)
    language = languages[lang.split("_")[0]]
    stopwords = (import_object(language) if isinstance(language, str) else language).stopwords
    phrases = []
    for page in rng.sample(sorted(texts), len(texts)) * 4:
        words = tokens(lang, texts[page])
        for _ in range(50):
            n = rng.choice([1, 2, 2, 3])
            start = rng.randrange(max(1, len(words) - n))
            run = words[start : start + n]
            if lang in ("zh_CN", "ja"):
                phrase = "".join(run)
                ok = all(CJK.match(w) for w in run) and 2 <= len(phrase) <= 8 and len(run[0]) > 1
                ok = ok and bool(re.search(r"[\u30a0-\u30ff\u3400-\u9fff]", phrase))  # not only kana
            else:
                phrase = " ".join(run)
                ok = all(len(w) >= 4 and w not in stopwords for w in run)
            if ok and phrase.lower() in texts[page] and phrase not in phrases:
                phrases.append(phrase)
                break
        if len(phrases) >= count:
            break
    return phrases


def search(page, server, lang, query) -> list[str]:
    """The pages the site's search lists for ``query``, best first."""
    page.goto(f"{server}/{lang}/search.html?q={quote(query)}", wait_until="load")
    # finished: the heading "Searching…" has become "Search Results" (in the page's language)
    page.wait_for_function(
        "() => { const h = document.querySelector('#search-results h2');"
        " return h !== null && h.innerText.trim() === _('Search Results'); }",
        timeout=15000,
    )
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
    pages = []
    for href in hrefs:
        found = href.split("#")[0].split("?")[0].split(f"/{lang}/", 1)[1].removesuffix(".html")
        if found not in pages:
            pages.append(found)
    return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_every_word_and_phrase_drawn_from_the_book(browser, server, site, lang):
    texts = page_texts(site, lang)
    phrases = drawn_phrases(site, lang)
    assert len(phrases) >= 20, phrases
    assert any(" " in p or len(p) >= 4 for p in phrases), "no multi-word phrase drawn"
    missed = []
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for phrase in [*KNOWN_HARD[lang], *phrases]:
        stem = phrase[:-2] if phrase in KNOWN_HARD[lang] and lang in ("en", "ru") else phrase
        containing = {page for page, text in texts.items() if stem.lower() in text}
        assert containing, f"{phrase!r} is on no page"
        found = search(page, server, lang, phrase)
        if not containing & set(found):
            missed.append((phrase, found[:3]))
    page.close()
    assert not errors, errors
    assert not missed, f"{lang}: {len(missed)} searches found no page that contains them: {missed}"


@pytest.mark.parametrize("lang", sorted(TITLE_QUERIES))
def test_a_page_whose_title_matches_comes_first(browser, server, lang):
    page = browser.new_page()
    found = search(page, server, lang, TITLE_QUERIES[lang])
    page.close()
    assert found and found[0] == "chapters/05-forecasting", found
