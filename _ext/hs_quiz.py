"""Quiz questions for instructors, on the page and as files that Moodle and Canvas import.

A question is written once, in the English source, and translated like any paragraph::

    ::::{quiz}
    :correct: 2

    Which shape must the input of `SimpleRNN` have?

    1. `(batch, features, time)`
    2. `(batch, time, features)`

    :::{quiz-feedback}
    Keras recurrent layers read `(batch, time, features)`.
    :::
    ::::

``:correct:`` (multiple choice: the number of the right option), ``:answer:`` (numerical, with an
optional ``:tolerance:``) or ``:essay:`` (free text, with a ``quiz-rubric`` for the grader). Each
``##`` section of a page holds one chapter's questions. When the HTML builder writes the page, in
the page's language, the questions of every section are also written to ``<lang>/quizzes/`` as
Moodle XML (``chapter-NN.moodle.xml``, and ``all.moodle.xml``) and as an IMS QTI 1.2 package that
Canvas imports (``chapter-NN.qti.zip``). ``{quiz-downloads}`` puts a table of these files on the
page. Questions are numbered per section (3.4) and their answers folded away.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import ClassVar
from xml.etree import ElementTree as ET

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

QUIZ_DIR = "quizzes"
KINDS = ("multichoice", "numerical", "essay")
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"


class quiz_question(nodes.General, nodes.Element):
    """A question: its kind and answer as attributes, its text, options, feedback and rubric as children."""


class quiz_downloads(nodes.General, nodes.Element):
    """Replaced by a table of the page's export files once the questions are known."""


def _numbers(text: str) -> list[int]:
    try:
        values = [int(part) for part in re.split(r"[,\s]+", text.strip()) if part]
    except ValueError:
        raise ValueError(f"expected option numbers such as 2 or 1, 3, got {text!r}") from None
    if not values or min(values) < 1:
        raise ValueError(f"expected option numbers from 1, got {text!r}")
    return values


def _number(text: str) -> str:
    try:
        float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
    return text.strip()


class QuizDirective(SphinxDirective):
    has_content = True
    option_spec: ClassVar[dict] = {
        "correct": _numbers,
        "answer": _number,
        "tolerance": _number,
        "essay": directives.flag,
    }

    def run(self):
        kinds = [k for k, option in zip(KINDS, ("correct", "answer", "essay"), strict=True) if option in self.options]
        if len(kinds) != 1:
            raise self.error("a quiz needs exactly one of :correct: (options), :answer: (a number) or :essay:")
        node = quiz_question(kind=kinds[0], correct=self.options.get("correct", []))
        node["answer"] = self.options.get("answer", "")
        node["tolerance"] = self.options.get("tolerance", "0")
        node["classes"].append("hs-quiz")
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        problem = _problem(node)
        if problem:
            raise self.error(problem)
        return [node]


class _Part(SphinxDirective):
    has_content = True
    part = ""

    def run(self):
        node = nodes.container(classes=[f"hs-quiz-{self.part}"])
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class QuizFeedback(_Part):
    part = "feedback"


class QuizRubric(_Part):
    part = "rubric"


class QuizDownloads(SphinxDirective):
    def run(self):
        return [quiz_downloads()]


class instructor_kit(nodes.General, nodes.Element):
    """Replaced by the table of every chapter's kit (outline, answer key, quizzes, exercises)."""


class InstructorKit(SphinxDirective):
    def run(self):
        return [instructor_kit()]


def chapter_docs(env) -> list[str]:
    """The chapters (pages with notebooks), in order: 01-…, 02-…"""
    return sorted(d for d in env.found_docs if d.startswith("chapters/") and "appendix" not in d)


def kit_table(app, docname: str) -> nodes.table:
    """A row per chapter: its one-page lecture outline and answer key (PDF, printed by ./book build),
    its quiz for Moodle and Canvas, and its student notebook, all in the page's language."""
    labels = _labels(app)
    up = "../" * docname.count("/")
    columns = ["quiz_chapter", "kit_outline", "kit_answer_key", "kit_moodle", "kit_canvas", "kit_exercises"]
    table = nodes.table(classes=["hs-kit"])
    group = nodes.tgroup(cols=len(columns))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in (5, 2, 2, 2, 2, 2))

    def row(cells, kind=nodes.row):
        line = kind()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Element) else nodes.paragraph(text=cell)
            line += entry
        return line

    def link(text, target):
        paragraph = nodes.paragraph()
        paragraph += nodes.reference("", text, refuri=f"{up}{target}", internal=False)
        return paragraph

    head = nodes.thead()
    head += row([labels[c] for c in columns])
    group += head
    body = nodes.tbody()
    group += body
    for number, doc in enumerate(chapter_docs(app.env), start=1):
        title = nodes.paragraph()
        title += nodes.reference("", app.env.titles[doc].astext(), refuri=f"{up}{doc}.html", internal=True)
        body += row(
            [
                title,
                link("PDF", f"kit/chapter-{number:02d}-outline.pdf"),
                link("PDF", f"kit/chapter-{number:02d}-answer-key.pdf"),
                link(".xml", f"{QUIZ_DIR}/{chapter_file(number, 'moodle.xml')}"),
                link(".zip", f"{QUIZ_DIR}/{chapter_file(number, 'qti.zip')}"),
                link(".ipynb", f"notebooks/{doc}-exercises.ipynb"),
            ]
        )
    return table


def _parts(question: quiz_question) -> dict:
    """The question's text, options, feedback and rubric (children of the question node)."""
    parts = {"text": [], "options": None, "feedback": None, "rubric": None}
    for child in question.children:
        classes = child.get("classes", [])
        if isinstance(child, nodes.enumerated_list) and parts["options"] is None:
            parts["options"] = child
        elif "hs-quiz-feedback" in classes:
            parts["feedback"] = child
        elif "hs-quiz-rubric" in classes:
            parts["rubric"] = child
        elif not isinstance(child, nodes.admonition) and "hs-quiz-label" not in classes:
            parts["text"].append(child)
    return parts


def _problem(question: quiz_question) -> str:
    parts = _parts(question)
    kind = question["kind"]
    if not parts["text"]:
        return "a quiz needs the question's text before anything else"
    if kind == "multichoice":
        if parts["options"] is None:
            return "a multiple-choice quiz needs its options as a numbered list (1. … 2. …)"
        count = len(parts["options"].children)
        if count < 2 or max(question["correct"]) > count:
            return f"a multiple-choice quiz needs 2 or more options and :correct: among 1…{count}"
    elif parts["options"] is not None:
        return f"a {kind} quiz has no options; use :correct: for multiple choice"
    if kind == "essay" and parts["rubric"] is None:
        return "an essay quiz needs a {quiz-rubric} for the grader"
    if kind != "essay" and parts["feedback"] is None:
        return "a quiz needs a {quiz-feedback} that says why the answer is right"
    return ""


# --- HTML fragments for the export --------------------------------------------------------------


def to_html(node) -> str:
    """A docutils subtree as the small HTML that Moodle and Canvas show; math as \\( \\) for MathJax."""
    if isinstance(node, nodes.Text):
        return html.escape(str(node), quote=False)
    inner = "".join(to_html(child) for child in node.children)
    if isinstance(node, nodes.math):
        return html.escape(f"\\({node.astext()}\\)", quote=False)
    if isinstance(node, nodes.math_block):
        display = "\\[" + node.astext() + "\\]"
        return f"<p>{html.escape(display, quote=False)}</p>"
    if isinstance(node, nodes.literal):
        return f"<code>{html.escape(node.astext(), quote=False)}</code>"
    if isinstance(node, nodes.literal_block):
        return f"<pre><code>{html.escape(node.astext(), quote=False)}</code></pre>"
    tags = {
        nodes.paragraph: "p",
        nodes.emphasis: "em",
        nodes.strong: "strong",
        nodes.bullet_list: "ul",
        nodes.enumerated_list: "ol",
        nodes.list_item: "li",
    }
    for kind, tag in tags.items():
        if isinstance(node, kind):
            return f"<{tag}>{inner}</{tag}>"
    return inner


def _fragment(parts) -> str:
    return "".join(to_html(part) for part in parts)


def _option_html(item) -> str:
    """An option's content; a one-paragraph option without its <p>."""
    text = _fragment(item.children)
    if len(item.children) == 1 and isinstance(item.children[0], nodes.paragraph):
        text = text.removeprefix("<p>").removesuffix("</p>")
    return text


def _plain(text_html: str, limit: int = 60) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text_html)).strip()
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def question_record(question: quiz_question, number: str) -> dict:
    """What an export needs of one question, as HTML fragments in the page's language."""
    parts = _parts(question)
    record = {
        "number": number,
        "kind": question["kind"],
        "text": _fragment(parts["text"]),
        "feedback": _fragment(parts["feedback"].children) if parts["feedback"] is not None else "",
        "rubric": _fragment(parts["rubric"].children) if parts["rubric"] is not None else "",
        "options": [],
        "correct": list(question["correct"]),
        "answer": question["answer"],
        "tolerance": question["tolerance"],
    }
    if parts["options"] is not None:
        record["options"] = [_option_html(item) for item in parts["options"].children]
    return record


def points(q: dict) -> str:
    """A question's weight: an essay's rubric gives 2, 1 or 0 points; any other question 1."""
    return "2" if q["kind"] == "essay" else "1"


# --- Moodle XML ---------------------------------------------------------------------------------


def _text(parent, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def moodle_xml(chapters: list[dict]) -> bytes:
    """Moodle's question-bank XML: a category per chapter, then its questions."""
    quiz = ET.Element("quiz")
    for chapter in chapters:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"$course$/top/{chapter['book']}/{chapter['title']}", fmt=None)
        for q in chapter["questions"]:
            question = ET.SubElement(quiz, "question", {"type": q["kind"]})
            _text(question, "name", f"{q['number']} {_plain(q['text'])}", fmt=None)
            _text(question, "questiontext", q["text"])
            _text(question, "generalfeedback", q["feedback"])
            ET.SubElement(question, "defaultgrade").text = points(q)
            ET.SubElement(question, "penalty").text = "0"
            ET.SubElement(question, "hidden").text = "0"
            if q["kind"] == "multichoice":
                single = len(q["correct"]) == 1
                ET.SubElement(question, "single").text = "true" if single else "false"
                ET.SubElement(question, "shuffleanswers").text = "true"
                ET.SubElement(question, "answernumbering").text = "abc"
                share = 100 / len(q["correct"])
                for i, option in enumerate(q["options"], start=1):
                    fraction = f"{share:g}" if i in q["correct"] else ("0" if single else "-100")
                    answer = _text(question, "answer", option)
                    answer.set("fraction", fraction)
                    _text(answer, "feedback", "")
            elif q["kind"] == "numerical":
                answer = ET.SubElement(question, "answer", {"fraction": "100"})
                ET.SubElement(answer, "text").text = q["answer"]
                ET.SubElement(answer, "tolerance").text = q["tolerance"]
                _text(answer, "feedback", "")
            else:
                ET.SubElement(question, "responseformat").text = "editor"
                ET.SubElement(question, "responserequired").text = "1"
                ET.SubElement(question, "responsefieldlines").text = "10"
                ET.SubElement(question, "attachments").text = "0"
                _text(question, "graderinfo", q["rubric"])
                _text(question, "responsetemplate", "")
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True) + b"\n"


# --- IMS QTI 1.2, as Canvas imports it ----------------------------------------------------------

CANVAS_TYPES = {
    "multichoice": "multiple_choice_question",
    "numerical": "numerical_question",
    "essay": "essay_question",
}


def _mattext(parent, value: str) -> None:
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", {"texttype": "text/html"}).text = value


def _metadata(item, fields: dict) -> None:
    qti = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(qti, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def qti_assessment(chapter: dict, ident: str) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": ident, "title": f"{chapter['book']}: {chapter['title']}"})
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for index, q in enumerate(chapter["questions"], start=1):
        item = ET.SubElement(section, "item", {"ident": f"{ident}-q{index}", "title": q["number"]})
        kind = CANVAS_TYPES[q["kind"]]
        _metadata(item, {"question_type": kind, "points_possible": points(q)})
        presentation = ET.SubElement(item, "presentation")
        _mattext(presentation, q["text"])
        processing = ET.SubElement(item, "resprocessing")
        outcomes = ET.SubElement(processing, "outcomes")
        ET.SubElement(
            outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"}
        )
        # Canvas has no grader-only field: an essay question's rubric is its general feedback
        show = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
        ET.SubElement(ET.SubElement(show, "conditionvar"), "other")
        ET.SubElement(show, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
        if q["kind"] == "multichoice":
            response = ET.SubElement(presentation, "response_lid", {"ident": "response1", "rcardinality": "Single"})
            choices = ET.SubElement(response, "render_choice")
            for i, option in enumerate(q["options"], start=1):
                label = ET.SubElement(choices, "response_label", {"ident": f"{ident}-q{index}-o{i}"})
                _mattext(label, option)
            condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
            variable = ET.SubElement(condition, "conditionvar")
            for i in q["correct"]:
                ET.SubElement(variable, "varequal", {"respident": "response1"}).text = f"{ident}-q{index}-o{i}"
            ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
        else:
            response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
            fib = {"fibtype": "Decimal"} if q["kind"] == "numerical" else {"fibtype": "String"}
            ET.SubElement(ET.SubElement(response, "render_fib", fib), "response_label", {"ident": "answer1"})
            if q["kind"] == "numerical":
                value, tolerance = float(q["answer"]), float(q["tolerance"])
                condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
                both = ET.SubElement(ET.SubElement(condition, "conditionvar"), "and")
                ET.SubElement(both, "vargte", {"respident": "response1"}).text = f"{value - tolerance:g}"
                ET.SubElement(both, "varlte", {"respident": "response1"}).text = f"{value + tolerance:g}"
                ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
        feedback = q["feedback"] if q["kind"] != "essay" else q["rubric"]
        flow = ET.SubElement(ET.SubElement(item, "itemfeedback", {"ident": "general_fb"}), "flow_mat")
        _mattext(flow, feedback)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def qti_package(chapter: dict, ident: str) -> bytes:
    """A zip that Canvas' "QTI .zip file" import takes: a manifest and one assessment."""
    manifest = ET.Element("manifest", {"identifier": f"{ident}-manifest", "xmlns": MANIFEST_NS})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resource = ET.SubElement(
        ET.SubElement(manifest, "resources"), "resource", {"identifier": ident, "type": "imsqti_xmlv1p2"}
    )
    ET.SubElement(resource, "file", {"href": f"{ident}/{ident}.xml"})
    ET.indent(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("imsmanifest.xml", ET.tostring(manifest, encoding="UTF-8", xml_declaration=True)),
            (f"{ident}/{ident}.xml", qti_assessment(chapter, ident)),
        ):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes on every build
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# --- On the page --------------------------------------------------------------------------------


def _labels(app) -> dict:
    languages = app.config.hs_languages
    return languages.get(app.config.language or "en") or next(iter(languages.values()))


def chapter_file(index: int, suffix: str) -> str:
    return f"chapter-{index:02d}.{suffix}"


def sections_with_questions(doctree) -> list[tuple[nodes.section, list[quiz_question]]]:
    """Each innermost section that holds questions, with its questions, in page order."""
    grouped: dict[int, tuple[nodes.section, list]] = {}
    for question in doctree.findall(quiz_question):
        section = question.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        grouped.setdefault(id(section), (section, []))[1].append(question)
    return list(grouped.values())


def collect(doctree, book: str) -> list[dict]:
    """The page's questions grouped by their section (a chapter each), numbered section.question."""
    chapters = []
    for index, (section, questions) in enumerate(sections_with_questions(doctree), start=1):
        title = section.next_node(nodes.title).astext() if section is not None else book
        records = [question_record(q, f"{index}.{n}") for n, q in enumerate(questions, start=1)]
        chapters.append({"index": index, "title": title, "book": book, "questions": records})
    return chapters


def _dropdown(title: str, body: list, classes: list[str]) -> nodes.admonition:
    box = nodes.admonition(classes=["dropdown", *classes])
    box += nodes.title(text=title)
    box.extend(body)
    return box


def render_questions(doctree, labels: dict) -> None:
    """Number every question and fold its answer, feedback and rubric away, in the page's language."""
    for index, (_, questions) in enumerate(sections_with_questions(doctree), start=1):
        for n, question in enumerate(questions, start=1):
            parts = _parts(question)
            label = nodes.paragraph(classes=["hs-quiz-label"])
            label += nodes.strong(text=labels["quiz_question"].format(number=f"{index}.{n}"))
            question.insert(0, label)
            if question["kind"] == "essay":
                parts["rubric"].parent.remove(parts["rubric"])
                question += _dropdown(labels["quiz_rubric"], parts["rubric"].children, ["hs-quiz-answer"])
                continue
            if question["kind"] == "multichoice":
                options = ", ".join(str(i) for i in question["correct"])
                answer = labels["quiz_correct_option"].format(option=options)
            else:
                answer = labels["quiz_correct_number"].format(value=question["answer"])
            parts["feedback"].parent.remove(parts["feedback"])
            body = [nodes.paragraph(text=answer), *parts["feedback"].children]
            question += _dropdown(labels["quiz_answer"], body, ["hs-quiz-answer"])


def downloads_table(chapters: list[dict], labels: dict, to_files: str) -> nodes.table:
    table = nodes.table(classes=["hs-quiz-downloads"])
    group = nodes.tgroup(cols=3)
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in (6, 2, 2))
    head = nodes.thead()
    group += head

    def row(cells):
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Element) else nodes.paragraph(text=cell)
            line += entry
        return line

    def link(text, target):
        paragraph = nodes.paragraph()
        paragraph += nodes.reference("", text, refuri=f"{to_files}{target}", internal=False)
        return paragraph

    head += row([labels["quiz_chapter"], "Moodle XML", "Canvas (QTI)"])
    body = nodes.tbody()
    group += body
    for chapter in chapters:
        body += row(
            [
                chapter["title"],
                link(".xml", chapter_file(chapter["index"], "moodle.xml")),
                link(".zip", chapter_file(chapter["index"], "qti.zip")),
            ]
        )
    body += row([labels["quiz_all_chapters"], link(".xml", "all.moodle.xml"), ""])
    return table


def on_doctree_resolved(app, doctree, docname) -> None:
    for kit in list(doctree.findall(instructor_kit)):
        if app.builder.format == "html" and app.builder.name != "gettext":
            kit.replace_self(kit_table(app, docname))
        else:
            kit.parent.remove(kit)
    if not list(doctree.findall(quiz_question)):
        return
    if app.builder.format != "html" or app.builder.name == "gettext":
        # other builders (gettext, tojupyter) see plain containers
        for placeholder in list(doctree.findall(quiz_downloads)):
            placeholder.parent.remove(placeholder)
        for question in list(doctree.findall(quiz_question)):
            question.replace_self(nodes.container("", *question.children, classes=["hs-quiz"]))
        return
    labels = _labels(app)
    chapters = collect(doctree, labels.get("title", app.config.project))
    out = Path(app.outdir) / QUIZ_DIR
    out.mkdir(parents=True, exist_ok=True)
    lang = app.config.language or "en"
    for chapter in chapters:
        ident = f"hidden-state-{lang}-chapter-{chapter['index']:02d}"
        (out / chapter_file(chapter["index"], "moodle.xml")).write_bytes(moodle_xml([chapter]))
        (out / chapter_file(chapter["index"], "qti.zip")).write_bytes(qti_package(chapter, ident))
    (out / "all.moodle.xml").write_bytes(moodle_xml(chapters))
    to_files = "../" * docname.count("/") + f"{QUIZ_DIR}/"
    for placeholder in list(doctree.findall(quiz_downloads)):
        placeholder.replace_self(downloads_table(chapters, labels, to_files))
    render_questions(doctree, labels)


def setup(app):
    if "hs_languages" not in app.config.values:  # also registered by hidden_state
        app.add_config_value("hs_languages", {}, "html")
    app.add_node(quiz_question, **{f: (_visit_container, _depart_container) for f in ("html", "latex", "text")})
    app.add_node(quiz_downloads, **{f: (_skip, None) for f in ("html", "latex", "text")})
    app.add_node(instructor_kit, **{f: (_skip, None) for f in ("html", "latex", "text")})
    app.add_directive("instructor-kit", InstructorKit)
    app.add_directive("quiz", QuizDirective)
    app.add_directive("quiz-feedback", QuizFeedback)
    app.add_directive("quiz-rubric", QuizRubric)
    app.add_directive("quiz-downloads", QuizDownloads)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}


def _visit_container(self, node) -> None:
    if hasattr(self, "starttag"):
        self.body.append(self.starttag(node, "div"))


def _depart_container(self, node) -> None:
    if hasattr(self, "starttag"):
        self.body.append("</div>\n")


def _skip(self, node) -> None:
    raise nodes.SkipNode
