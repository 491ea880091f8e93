"""The instructor kit (#18): per chapter and language a one-page lecture outline and an answer key (PDF),
the quiz bank exported for Moodle (XML) and Canvas (QTI), the whole book as a PDF in each language, and
a citation file. Everything here is read from the built site, as an instructor would download it."""

import re
import zipfile
from xml.etree import ElementTree as ET

import pytest
import yaml
from pypdf import PdfReader

import book
from conftest import LANGUAGES, ROOT, SITE, notebook_pages, source_pages

SCRIPT = {
    "en": r"[A-Za-z]",
    "ru": r"[А-Яа-яЁё]",
    "zh_CN": r"[\u4e00-\u9fff]",
    "ja": r"[\u3040-\u30ff\u4e00-\u9fff]",
}
HIDDEN_STATE = {"en": "hidden state", "ru": "скрытое состояние", "zh_CN": "隐藏状态", "ja": "隠れ状態"}
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CHAPTERS = len(notebook_pages())


def text_of(path, pages=None) -> str:
    reader = PdfReader(path)
    chosen = reader.pages if pages is None else reader.pages[:pages]
    return "\n".join(page.extract_text() or "" for page in chosen)


def plain(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment or "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_book_is_a_pdf_in_each_language_with_its_glyphs_and_typeset_math(site, lang):
    path = SITE / lang / book.pdf_name(lang)
    assert path.exists(), f"./book build prints {path}"
    reader = PdfReader(path)
    assert len(reader.pages) > 100, "the whole book, not one page"
    text = text_of(path, pages=40)
    assert HIDDEN_STATE[lang] in text.lower(), f"{HIDDEN_STATE[lang]} not found: are the CJK fonts embedded?"
    assert book.language_entry(lang)["title"] in text
    # MathJax typeset the formulas before printing: no TeX source left
    assert not re.search(r"\\(mathbf|frac|tanh)|\$\$", text), "math was printed as TeX source"
    # chapters as bookmarks, in the language of the edition
    titles = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert len(titles) >= len(source_pages()) and all(re.search(SCRIPT[lang], t) for t in titles), titles


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_links_its_languages_pdf(site, lang):
    for page in source_pages():
        html = (SITE / lang / f"{page}.html").read_text(encoding="utf-8")
        links = re.findall(r'<a class="hs-pdf" href="([^"]+)"', html)
        assert len(links) == 1, f"{lang}/{page}: no PDF link under the language switcher"
        target = (SITE / lang / page).parent / links[0]
        assert target.resolve() == (SITE / lang / book.pdf_name(lang)).resolve() and target.exists()
        assert "window.print()" not in html, f"{lang}/{page}: the theme's print button is still there"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chapter_has_its_kit_in_every_language(site, lang):
    exercise = book.language_entry(lang)["exercise"]
    for number, page in enumerate(notebook_pages(), start=1):
        outline = SITE / lang / book.KIT_DIR / f"chapter-{number:02d}-outline.pdf"
        key = SITE / lang / book.KIT_DIR / f"chapter-{number:02d}-answer-key.pdf"
        assert len(PdfReader(outline).pages) == 1, f"{outline.relative_to(SITE)}: a lecture outline fits one page"
        assert re.search(SCRIPT[lang], text_of(outline))
        text = re.sub(r"\s+", " ", text_of(key))
        exercises = (ROOT / f"{page}.md").read_text(encoding="utf-8").count("```{exercise}")
        for k in range(1, exercises + 1):
            label = exercise % f"{number}.{k}"
            assert label in text, f"{key.relative_to(SITE)} lacks {label}"
        assert book.language_entry(lang)["quiz_answer"] in text, "the quiz's answers are in the key"
        assert book.language_entry(lang)["quiz_rubric"] in text, "the essay rubrics are in the key"


def moodle(lang, name):
    return ET.parse(SITE / lang / "quizzes" / name).getroot()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_moodle_xml_export_parses_with_an_answer_for_every_question(site, lang):
    total = 0
    for number in range(1, CHAPTERS + 1):
        root = moodle(lang, f"chapter-{number:02d}.moodle.xml")
        assert root.tag == "quiz"
        category, *questions = root.findall("question")
        assert category.get("type") == "category" and category.findtext("category/text").startswith("$course$/top/")
        assert 8 <= len(questions) <= 12, f"chapter {number}: about ten questions, got {len(questions)}"
        total += len(questions)
        kinds = {q.get("type") for q in questions}
        assert {"multichoice", "numerical", "essay"} <= kinds, kinds
        for q in questions:
            text = plain(q.findtext("questiontext/text"))
            assert re.search(SCRIPT[lang], text), f"{lang} {number}: question not in {lang}: {text[:60]}"
            if q.get("type") == "multichoice":
                fractions = [float(a.get("fraction")) for a in q.findall("answer")]
                assert len(fractions) >= 2 and fractions.count(100.0) == 1 and set(fractions) <= {0.0, 100.0}
                assert plain(q.findtext("generalfeedback/text")).strip()
            elif q.get("type") == "numerical":
                float(q.findtext("answer/text"))
                assert float(q.findtext("answer/tolerance")) >= 0
                assert plain(q.findtext("generalfeedback/text")).strip()
            else:
                assert q.get("type") == "essay" and re.search(SCRIPT[lang], plain(q.findtext("graderinfo/text")))
                assert q.findtext("defaultgrade") == "2"
    everything = moodle(lang, "all.moodle.xml").findall("question")
    assert len([q for q in everything if q.get("type") != "category"]) == total


@pytest.mark.parametrize("lang", LANGUAGES)
def test_qti_export_parses_and_agrees_with_the_moodle_export(site, lang):
    for number in range(1, CHAPTERS + 1):
        with zipfile.ZipFile(SITE / lang / "quizzes" / f"chapter-{number:02d}.qti.zip") as archive:
            manifest = ET.fromstring(archive.read("imsmanifest.xml"))
            files = [f.get("href") for f in manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}file")]
            assert len(files) == 1
            assessment = ET.fromstring(archive.read(files[0]))
        items = list(assessment.iter(f"{QTI}item"))
        questions = [q for q in moodle(lang, f"chapter-{number:02d}.moodle.xml") if q.get("type") != "category"]
        assert len(items) == len(questions)
        for item, question in zip(items, questions, strict=True):
            fields = item.iter(f"{QTI}qtimetadatafield")
            kind = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") for f in fields}["question_type"]
            assert kind == {"multichoice": "multiple_choice_question", "numerical": "numerical_question"}.get(
                question.get("type"), "essay_question"
            )
            if kind == "multiple_choice_question":
                options = item.iter(f"{QTI}response_label")
                labels = {label.get("ident"): label.findtext(f".//{QTI}mattext") for label in options}
                (correct,) = [v.text for v in item.iter(f"{QTI}varequal")]
                answers = question.findall("answer")
                moodle_right = next(a.findtext("text") for a in answers if a.get("fraction") == "100")
                assert labels[correct] == moodle_right, "both exports mark the same option right"
            elif kind == "numerical_question":
                low, high = (float(next(item.iter(f"{QTI}{t}")).text) for t in ("vargte", "varlte"))
                assert low <= float(question.findtext("answer/text")) <= high


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_instructor_guide_links_every_chapters_kit(site, lang):
    page = SITE / lang / "chapters" / "appendix-instructors.html"
    html = page.read_text(encoding="utf-8")
    table = re.search(r'<table class="[^"]*hs-kit.*?</table>', html, re.S)
    assert table, "the kit table is missing"
    links = re.findall(r'href="([^"#]+)"', table.group(0))
    kit = [link for link in links if not link.endswith(".html")]
    assert len(kit) == 5 * CHAPTERS
    for link in kit:
        assert (page.parent / link).exists(), f"{lang}: the guide links {link}, which was not built"


def test_citation_file_names_this_edition():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == book.edition() == str(citation["preferred-citation"]["edition"])
    assert citation["repository-code"] == book.book_config()["repository"]["url"]
    assert citation["url"] == book.site_url()
    assert citation["authors"] and all(a.get("name") or a.get("family-names") for a in citation["authors"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(citation["date-released"]))
