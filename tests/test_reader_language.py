"""Every edition speaks its reader's language: on a translated page the reader meets English only in
code, identifiers, names and the frameworks' own messages; exercises are numbered per chapter."""

import functools
import io
import keyword
import re
import tokenize

import pytest
from bs4 import BeautifulSoup

from conftest import LANGUAGES, SITE, TRANSLATIONS, notebook_pages, source_pages

# Names a translation keeps as they are.
NAMES = {
    # learning platforms and the file formats of the instructor kit
    "Moodle",
    "Canvas",
    "XML",
    "QTI",
    "PDF",
    "xml",
    "zip",
    "ipynb",
    "JupyterLab",
    "Linux",
    "macOS",
    "Apple",
    "WSL",
    "Keras",
    "PyTorch",
    "NumPy",
    "TensorFlow",
    "Colab",
    "Google",
    "Jupyter",
    "JupyterHub",
    "GitHub",
    "Python",
    "Matplotlib",
    "statsmodels",
    "MyST",
    "Sphinx",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "RNN",
    "RNNs",
    "MLP",
    "MLPs",
    "BPTT",
    "MAE",
    "MSE",
    "RMSE",
    "MASE",
    "ReLU",
    "tanh",
    "sigmoid",
    "softmax",
    "Glorot",
    "Adam",
    "SGD",
    "pdf",
    "CC",
    "BY",
    "SA",
    "MIT",
    "API",
    "CPU",
    "GPU",
    "md",
    "html",
    "Hidden",
    "State",
    "d2l",
    "Elman",
    "Jordan",
    "Werbos",
    "Hochreiter",
    "Schmidhuber",
    "Bengio",
    "Pascanu",
    "Mikolov",
    "Goodfellow",
    "Hyndman",
    "Athanasopoulos",
    "Koehler",
    "Chollet",
    "Zhang",
    "Lipton",
    "Li",
    "Smola",
    "OTexts",
    "dropout",
    "callback",
    "kernel",
    "bias",
    "logits",
    "epoch",
    "epochs",
    "Ctrl",
    "K",
    "WMA",
    "ASCII",
    "unroll",
    "True",
    "False",
    "None",
    "dtype",
    "float32",
    "float64",
}
# A line of output that the frameworks wrote (errors and warnings they raise, model summaries).
FRAMEWORK_LINE = re.compile(r"(\b\w*(Error|Warning|Exception)\b:|^\s*[│┃┏┡└━─╇┗┌├]|Total params|params:|^Model: \")")
# An English gloss in full-width parentheses after a Chinese or Japanese term: 暂退法（dropout）.
GLOSS = re.compile(r"（[A-Za-z0-9 ,.'’/-]+）")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
BUDGET = 15  # English words a translated page may show outside code, names and framework messages


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def identifiers(doc) -> set[str]:
    """Names used in the page's code (Python identifiers, keywords, attribute and argument names)."""
    names = set()
    for block in doc.select("div.cell_input pre, div.highlight pre"):
        try:
            for tok in tokenize.generate_tokens(io.StringIO(block.get_text()).readline):
                if tok.type == tokenize.NAME:
                    names.update([*re.split(r"_+", tok.string), tok.string])
        except (tokenize.TokenError, IndentationError, SyntaxError):
            names.update(re.findall(r"[A-Za-z_]\w*", block.get_text()))
    names |= {code.get_text() for code in doc.select("code")}
    names |= set(keyword.kwlist)
    return names


@functools.cache
def linked_identifiers(path) -> set[str]:
    return identifiers(soup(path))


def english_words(path) -> list[str]:
    """English words a reader sees on a page: visible text, tooltips, placeholders and alt text,
    outside code input, inline code, math, the bibliography and the frameworks' own messages."""
    doc = soup(path)
    known = identifiers(doc)
    if path.stem == "appendix-glossary":  # its first column lists the English terms, on purpose
        for cell in doc.select("table tr > :first-child"):
            cell.decompose()
    for tag in doc.select(
        "script, style, div.cell_input, div.highlight, code, .math, span.math, div.math, mjx-container, "
        ".bibliography, .bibtex-citation, div.citation, nav.hs-languages"
    ):
        if tag.name in ("pre",) and tag.find_parent("div", class_="cell_output"):
            continue
        tag.decompose()
    texts = []
    # a link to a section shows that section's title as plain text; code in the title (`(batch, time,
    # features)`) is code on the linked page, and counts as its identifiers there
    for ref in doc.select("a.reference.internal span.std-ref"):
        target = ref.find_parent("a").get("href", "").split("#")[0]
        linked = (path.parent / target) if target else path
        names = linked_identifiers(linked) if linked.is_file() else set()
        texts += [w for w in WORD.findall(ref.get_text(" ")) if w not in names]
        ref.decompose()
    for output in doc.select("div.cell_output pre, div.output pre"):
        lines = output.get_text().splitlines()
        texts += [line for line in lines if not FRAMEWORK_LINE.search(line)]
        output.decompose()
    texts.append(doc.get_text(" "))
    for tag in doc.find_all(True):
        for attribute in ("title", "aria-label", "placeholder", "alt", "data-tooltip"):
            if tag.get(attribute):
                texts.append(tag[attribute])
    words = WORD.findall(GLOSS.sub(" ", " ".join(texts)))
    return [w for w in words if w not in NAMES and w not in known and w.lower() not in known and len(w) > 2]


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("page", source_pages())
def test_translated_page_shows_little_english(site, lang, page):
    words = english_words(site / lang / f"{page}.html")
    assert len(words) <= BUDGET, f"{lang}/{page}: {len(words)} English words a reader sees, e.g. {words[:40]}"


def test_english_counter_counts_english(site):
    """The counter itself: the English page is full of English words, the Russian one is not."""
    page = notebook_pages()[0]
    assert len(english_words(site / "en" / f"{page}.html")) > 20 * BUDGET
    assert len(english_words(site / "ru" / f"{page}.html")) <= BUDGET


LABELS = {
    "en": ("Exercise", "Solution to Exercise {n}"),
    "ru": ("Упражнение", "Решение упражнения {n}"),
    "zh_CN": ("练习", "练习 {n} 的解答"),
    "ja": ("演習", "演習 {n} の解答"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", notebook_pages())
def test_exercises_are_numbered_per_chapter_in_the_readers_words(site, lang, page):
    doc = soup(site / lang / f"{page}.html")
    chapter = int(re.match(r"chapters/(\d+)-", page).group(1))
    label, solution = LABELS[lang]
    exercises = [p.get_text(" ", strip=True) for p in doc.select("div.exercise > p.admonition-title")]
    solutions = [p.get_text(" ", strip=True) for p in doc.select("div.solution > p.admonition-title")]
    assert exercises, f"{lang}/{page}: no exercise found"
    numbers = [f"{chapter}.{i}" for i in range(1, len(exercises) + 1)]
    assert exercises == [f"{label} {n}" for n in numbers], exercises
    assert solutions == [solution.format(n=n) for n in numbers], solutions


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translated_site_offers_its_own_notebook_not_the_english_source(site, lang):
    for page in source_pages():
        doc = soup(site / lang / f"{page}.html")
        for link in doc.select("a[href*='_sources']"):
            assert not link["href"].endswith((".md", ".txt")), f"{lang}/{page}: {link['href']}"


def test_no_packed_message_reaches_a_reader(site):
    """The build's execution packs rnnbook's messages in four languages; each page keeps its own."""
    for path in [*SITE.rglob("*.html"), *SITE.rglob("*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        assert "\x02" not in text and "\\u0002" not in text, f"packed message left in {path}"


def test_russian_prose_writes_numbers_the_russian_way(site):
    """Glued numbers in Russian prose: decimal comma, a non-breaking space before % and in 10 000."""
    seen = 0
    for page in notebook_pages():
        for span in soup(site / "ru" / f"{page}.html").select("span.pasted-text"):
            text = span.get_text()
            if re.fullmatch(r"[-−]?[\d\u00a0]+([.,]\d+)?(e[-+]?\d+)?(\u00a0?%)?", text):
                seen += 1
                assert "." not in text, f"ru/{page}: {text!r} has a decimal point"
                assert not re.search(r"\d%", text), f"ru/{page}: {text!r} needs a space before %"
                whole = text.split(",")[0]
                assert not re.search(r"\d{5}", whole), f"ru/{page}: {text!r} needs a thousands space"
    assert seen > 10
