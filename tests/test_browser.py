"""The site in a real browser (Debian's Chromium driven by Playwright), in all four languages.

Every page loads with no console error, no failed or third-party request; math is typeset and
images load; the language switcher, the notebook links and search work; axe-core finds no serious
or critical accessibility violation on the chapter pages.
"""

import functools
import http.server
import json
import shutil
import threading

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
    for page in source_pages():
        visit = Visit(browser, server, f"{lang}/{page}.html")
        links = visit.page.locator("nav.hs-languages a")
        hrefs = [links.nth(i).get_attribute("hreflang") for i in range(links.count())]
        assert len(hrefs) == len(LANGUAGES) - 1
        for i in range(len(hrefs)):
            visit.page.goto(f"{server}/{lang}/{page}.html")
            visit.page.locator("nav.hs-languages a").nth(i).click()
            visit.page.wait_for_load_state()
            other = hrefs[i].replace("-", "_")
            assert visit.page.url == f"{server}/{other}/{page}.html"
            current = visit.page.locator("nav.hs-languages [aria-current=page]").get_attribute("lang")
            assert current == hrefs[i]
        assert not visit.problems, visit.problems
        visit.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_buttons_point_to_this_languages_notebook(browser, server, lang):
    for page in notebook_pages():
        visit = Visit(browser, server, f"{lang}/{page}.html")
        colab = visit.page.locator("a.hs-colab").get_attribute("href")
        assert colab.startswith("https://colab.research.google.com/github/")
        assert colab.endswith(f"/blob/notebooks/{lang}/{page}.ipynb")
        with visit.page.expect_download() as info:
            visit.page.locator("a.hs-download").click()
        path = info.value.path()
        nb = nbformat.reads(open(path, encoding="utf-8").read(), as_version=4)
        nbformat.validate(nb)
        assert info.value.suggested_filename == page.split("/")[-1] + ".ipynb"
        assert json.loads(json.dumps(nb))["cells"][0]["cell_type"] == "code"
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
    for page in notebook_pages():
        visit = Visit(browser, server, f"{lang}/{page}.html")
        result = axe.run(visit.page)
        found += [
            f"{page}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)"
            for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        visit.close()
    assert not found, "\n".join(found)
