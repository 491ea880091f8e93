"""The book as one PDF per language: every page of the language's site in the order of _toc.yml,
joined into one document and printed by Debian's Chromium (the browser the tests drive), after
MathJax has typeset the math; Chinese and Japanese come out in the Noto CJK fonts that ``./book
setup`` installs. Solutions and quiz answers, folded on the site, are printed open. The PDF lies at
the root of the language's site (``<lang>/hidden-state-<lang>.pdf``), and every page links to it."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import html
import http.server
import re
import shutil
import threading
from pathlib import Path

from .config import BUILD, HTML, edition, language_entry, notebook_pages, toc_pages

ARTICLE = re.compile(r'<article class="bd-article">(.*?)</article>', re.S)
HEAD = re.compile(r"<head>(.*?)</head>", re.S)
TITLE = re.compile(r"<title>.*?</title>", re.S)
# the documents to print are written into <lang>/chapters/ as hs-print-N.html, then removed
KIT_DIR = Path("kit")  # <lang>/kit/chapter-NN-answer-key.pdf and chapter-NN-outline.pdf
OUTLINES = "chapters/appendix-outlines"
QUIZZES = "chapters/appendix-quizzes"

PRINT_CSS = """
<style>
@page { size: A4; margin: 16mm 15mm 18mm; }
html, body { background: #fff !important; }
.hs-print { max-width: none; padding: 0; }
.hs-print-page { break-before: page; }
.hs-print-page:first-child, .hs-print-edition + .hs-print-page { break-before: auto; }
.hs-print-edition { color: #555; margin: 0 0 1rem; }
.headerlink, .toggle-button, .copybtn, .hs-notebook-buttons { display: none !important; }
.toggle-hidden, .hs-print details > * {
  display: block !important; visibility: visible !important; height: auto !important;
}
.hs-print pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.hs-print table, .hs-print div.hs-quiz { break-inside: avoid; }
.hs-print img { max-width: 100%; break-inside: avoid; }
.hs-print h1, .hs-print h2, .hs-print h3 { break-after: avoid; }
</style>
"""

MARGINS = {
    "book": {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
    "compact": {"top": "10mm", "bottom": "10mm", "left": "12mm", "right": "12mm"},  # a one-page outline
}

OPEN_EVERYTHING = """() => {
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details').forEach(d => { d.open = true; });
}"""


def pdf_name(lang: str) -> str:
    return f"hidden-state-{lang}.pdf"  # _ext/hidden_state.py links the same name


def print_document(lang: str) -> str:
    """The language's pages as one HTML document in <lang>/chapters/ (so chapter pages' relative
    addresses hold); links between pages become links inside the document."""
    site = HTML / lang
    labels = language_entry(lang)
    pages = toc_pages()
    stems = {Path(p).name: p for p in pages}

    def local(match):
        name, anchor = match["name"], match["anchor"]
        if name not in stems:
            return match.group(0)
        return f'href="{anchor or "#" + page_id(stems[name])}"'

    parts = []
    for page in pages:
        article = ARTICLE.search((site / f"{page}.html").read_text(encoding="utf-8")).group(1)
        if "/" not in page:  # the front page sits one folder up
            article = re.sub(r'(src|href)="(?!https?:|#|mailto:|data:|/)', r'\1="../', article)
        article = re.sub(r'href="(?:\.\./)?(?:chapters/)?(?P<name>[\w.-]+)\.html(?P<anchor>#[^"]*)?"', local, article)
        parts.append(f'<div class="hs-print-page" id="{page_id(page)}">{article}</div>')
    cover = (
        f'<p class="hs-print-edition">{html.escape(labels["edition_label"])}{labels["language_colon"]} {edition()}</p>'
    )
    return _document(lang, labels["title"], cover + "".join(parts))


def page_id(page: str) -> str:
    return "hs-page-" + page.replace("/", "-")


SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def _keep_script(tag: str) -> bool:
    """Only MathJax runs in a document to print: the theme's, search's and toggles' scripts load
    megabytes (the search index) and fold what the print shows open."""
    return "MathJax" in tag or "mathjax" in tag


def _head(lang: str, title: str) -> str:
    site = HTML / lang
    chapter = next(p for p in toc_pages() if "/" in p)
    head = HEAD.search((site / f"{chapter}.html").read_text(encoding="utf-8")).group(1)
    head = SCRIPT.sub(lambda m: m.group(0) if _keep_script(m.group(0)) else "", head)
    return TITLE.sub(f"<title>{html.escape(title)}</title>", head) + PRINT_CSS


COMPACT_CSS = """
<style>
html.hs-compact { font-size: 11px !important; }
.hs-compact .hs-print p, .hs-compact .hs-print li { margin-bottom: 0.35rem; line-height: 1.35; }
.hs-compact .hs-print h1 { font-size: 1.7rem; margin: 0 0 0.5rem; }
.hs-compact .hs-print h2 { font-size: 1.45rem; margin: 0 0 0.4rem; }
.hs-compact .hs-print table td, .hs-compact .hs-print table th { padding: 1px 6px !important; }
.hs-compact .hs-print table { margin: 0.3rem 0 0.5rem; }
</style>
"""

# The kit's documents share one page (MathJax typesets them once); each is printed alone.
SHOW_ONE = """([index, compact, title]) => {
  document.querySelectorAll('.hs-kit-doc').forEach((d, k) => { d.style.display = k === index ? '' : 'none'; });
  document.documentElement.classList.toggle('hs-compact', compact);
  document.title = title;
}"""


def _document(lang: str, title: str, body: str) -> str:
    head = _head(lang, title) + COMPACT_CSS
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.replace("_", "-")}"><head>{head}</head>\n'
        f'<body><main class="bd-main hs-print"><div class="bd-content"><div class="bd-article-container">'
        f"{body}</div></div></main></body></html>\n"
    )


def _sections(page_html: str):
    """The ``##`` sections of a built page, in order (BeautifulSoup tags)."""
    from bs4 import BeautifulSoup

    article = BeautifulSoup(ARTICLE.search(page_html).group(1), "html.parser")
    top = article.find("section")
    return top, top.find_all("section", recursive=False)


def kit_documents(lang: str) -> list[tuple[str, str, Path, bool]]:
    """The instructor kit of each chapter, for printing: a one-page lecture outline, and an answer key
    (the chapter's exercises with their worked solutions, then its quiz questions with answers,
    feedback and rubrics). Each as (title, body, PDF, compact)."""
    site = HTML / lang
    labels = language_entry(lang)
    chapters = notebook_pages()
    _, outlines = _sections((site / f"{OUTLINES}.html").read_text(encoding="utf-8"))
    _, quizzes = _sections((site / f"{QUIZZES}.html").read_text(encoding="utf-8"))
    quizzes = [q for q in quizzes if q.find(class_="hs-quiz")]
    if not len(outlines) == len(quizzes) == len(chapters):
        raise ValueError(
            f"{lang}: {len(chapters)} chapters, but {len(outlines)} outlines and {len(quizzes)} quiz sections"
        )
    documents = []
    for number, (page, outline, quiz) in enumerate(zip(chapters, outlines, quizzes, strict=True), start=1):
        top, sections = _sections((site / f"{page}.html").read_text(encoding="utf-8"))
        title = top.find("h1").get_text().strip()
        exercises = next(s for s in sections if s.get("id") == "exercises")
        key_title = labels["answer_key"].format(title=title)
        for tag in (exercises, quiz):
            tag.attrs.pop("id", None)
        body = f"<section><h1>{html.escape(key_title)}</h1>{exercises}{quiz}</section>"
        documents.append((key_title, body, KIT_DIR / f"chapter-{number:02d}-answer-key.pdf", False))
        documents.append((title, f"<section>{outline}</section>", KIT_DIR / f"chapter-{number:02d}-outline.pdf", True))
    return documents


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def build_pdfs(languages) -> list[Path]:
    """Print each language's book to <lang>/hidden-state-<lang>.pdf, and its instructor kit to
    <lang>/kit/; return the paths written."""
    if not languages:
        return []
    jobs = []  # (lang, document, [(PDF, title, compact, index in document)], book?)
    for lang in languages:
        book = print_document(lang)
        if _stale(HTML / lang / pdf_name(lang), book):
            jobs.append((lang, book, [(Path(pdf_name(lang)), language_entry(lang)["title"], False, None)], True))
        kit = kit_documents(lang)
        kept = {HTML / lang / target for _, _, target, _ in kit}
        for old in (HTML / lang / KIT_DIR).glob("*.pdf"):
            if old not in kept:
                old.unlink()
        # a kit file printed before from the same HTML is not printed again (a translated paragraph
        # changes the book's PDF and its chapter's answer key, not the other eleven kit files)
        bodies = [f'<div class="hs-kit-doc">{body}</div>' for _, body, _, _ in kit]
        stale = [
            (target, title, compact, k)
            for k, (title, body, target, compact) in enumerate(kit)
            if _stale(HTML / lang / target, title + str(compact) + bodies[k])
        ]
        if stale:
            jobs.append((lang, _document(lang, kit[0][0], "".join(bodies)), stale, False))
    if not jobs:
        return []
    handler = functools.partial(_Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        return asyncio.run(_print_all(jobs, httpd.server_port))
    finally:
        httpd.shutdown()


def _stamp(target: Path) -> Path:
    """What the PDF was printed from, kept with the build's other stamps (not on the site)."""
    stamp = BUILD / "stamps" / "pdf" / f"{target.relative_to(HTML)}.sha256"
    stamp.parent.mkdir(parents=True, exist_ok=True)
    return stamp


_digests: dict[Path, str] = {}


def _stale(target: Path, document: str) -> bool:
    """Whether the PDF is missing or was printed from other HTML (remembered for its stamp)."""
    digest = _digests[target] = hashlib.sha256(document.encode()).hexdigest()
    return not (target.exists() and _stamp(target).exists() and _stamp(target).read_text() == digest)


async def _print_all(jobs, port: int) -> list[Path]:
    from playwright.async_api import async_playwright

    # one document at a time: two at once were slower on two cores (Chromium's printing is itself
    # parallel), and the jobs stay apart so that another machine can allow more
    limit = asyncio.Semaphore(1)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])

        async def one(index, job):
            async with limit:
                return await _print(browser, port, index, *job)

        done = await asyncio.gather(*(one(i, job) for i, job in enumerate(jobs)))
        await browser.close()
    return [path for paths in done for path in paths]


async def _print(browser, port, index, lang, document, targets, book) -> list[Path]:
    """Load one document and print it (the book), or each of its kit documents alone."""
    name = f"hs-print-{index}.html"  # one file per job: two print at once
    source = HTML / lang / "chapters" / name
    source.write_text(document, encoding="utf-8")
    written = []
    try:
        page = await browser.new_page()
        await page.emulate_media(media="print")
        await page.goto(f"http://127.0.0.1:{port}/{lang}/chapters/{name}", wait_until="load", timeout=120_000)
        await page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        await page.evaluate("() => MathJax.startup.promise")
        await page.evaluate(OPEN_EVERYTHING)
        footer = '<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span></div>'
        for target, title, compact, position in targets:
            if position is not None:
                await page.evaluate(SHOW_ONE, [position, compact, title])
            path = HTML / lang / target
            path.parent.mkdir(parents=True, exist_ok=True)
            await page.pdf(
                path=str(path),
                format="A4",
                print_background=True,
                outline=book,
                tagged=True,
                display_header_footer=book,
                header_template="<div></div>",
                footer_template=footer,
                margin=MARGINS["compact" if compact else "book"],
            )
            written.append(path)
        await page.close()
    finally:
        source.unlink(missing_ok=True)
    for path in written:  # stamped once printed: what each was printed from
        _stamp(path).write_text(_digests[path])
    return written
