"""Sphinx extension for the book *Hidden State*.

- Per-language book title and the labels of our own buttons (from ``hs_languages`` in _config.yml).
- A language switcher that links every page to the same page in the other languages.
- "Open in Colab" and "Download notebook" links to *this language's* generated notebook.
- myst-nb ``glue`` roles that also work inside translated paragraphs.
- Display math is kept out of the translation catalogues: it is the same in every language.
- The part captions of the table of contents are translated like any other message.
- ``{glue:figure}`` captions and alt text reach the catalogues although gettext does not execute.
- Chinese search knows the glossary's terms: jieba gets them as a user dictionary, so a search
  for 隐藏状态 finds the pages that use it, not only pages that contain 隐藏 and 状态. Japanese
  search indexes the glossary's compound terms (隠れ状態) besides the segmenter's pieces. In both,
  the browser cuts a query by longest match against the index's own terms (时间序列 → 时间 / 序列),
  so any word or phrase a page contains finds it; a title that contains the query ranks first.
- Exercises are numbered per chapter (3.2) and titled in the reader's language; rnnbook's
  messages, which the chapters print in all four languages at once, keep the page's language;
  glued numbers follow the language's conventions; the theme's buttons speak it too.
- MathJax is served from the site itself (from the pinned PyPI package sphinx-mathjax-offline),
  so pages typeset math offline and make no third-party request.

Several of these rely on private or version-specific behaviour of pinned packages; every such patch
is listed in ``UPSTREAM_PATCHES`` below, with the version it was written against, and
tests/test_upstream_patches.py fails when an installed version differs or the behaviour it relies
on has changed.
"""

from __future__ import annotations

import re
import shutil
from importlib import metadata
from os import path
from pathlib import Path, PurePosixPath
from typing import ClassVar, NamedTuple

from docutils import nodes
from docutils.parsers.rst.directives.images import Figure
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue import roles as glue_roles
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.domain import NbGlueDomain
from myst_nb.ext.glue.utils import retrieve_glue_data
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.search.ja import SearchJapanese
from sphinx.search.zh import SearchChinese
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import docname_to_domain

NOTEBOOK_DIR = "notebooks"  # inside each language's site: <lang>/notebooks/<page>.ipynb
EXERCISES_SUFFIX = "-exercises"  # the student notebook: <page>-exercises.ipynb (scripts/notebooks.py writes it)
MATHJAX_FILES = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")


# --- Patches that rely on the exact version of an upstream package --------------------------------


class UpstreamPatch(NamedTuple):
    """A piece of the book that relies on private or version-specific behaviour of a package."""

    distribution: str  # as in requirements.txt
    version: str  # the exact version the patch was written (and tested) against
    name: str  # quoted as 'upstream patch "<name>"' in the comments at the patch's sites
    revisit: str  # what to check again when the package is upgraded


UPSTREAM_PATCHES: tuple[UpstreamPatch, ...] = (
    UpstreamPatch(
        "myst-nb",
        "1.4.0",
        "glue-in-translations",
        "TranslatedNbGlueDomain, TranslatedPasteRoleAny/TextRole and GlueFigure subclass myst-nb's "
        "private glue classes (myst_nb.ext.glue.roles, .directives, .domain, .utils; "
        "myst_nb.core.variables.RetrievalError) and replace its 'glue' domain: check the import "
        "paths and NbGlueDomain's role and directive names; drop the roles if myst-nb resolves "
        "glue in translated paragraphs itself.",
    ),
    UpstreamPatch(
        "myst-nb",
        "1.4.0",
        "localised-glued-numbers",
        "LocaliseGluedNumbers (post-transform priority 6) must run after myst-nb's "
        "ReplacePendingGlueReferences (5) and finds glued text as inline nodes of class "
        "'pasted-text'.",
    ),
    UpstreamPatch(
        "sphinx-external-toc",
        "1.1.0",
        "toc-captions",
        "TranslateTocCaptions (transform priority 150) assumes InsertToctrees adds the toctrees at "
        "priority 100, after Sphinx's i18n transform (20), with the English caption in "
        "'rawcaption'.",
    ),
    UpstreamPatch(
        "sphinx",
        "7.4.7",
        "untranslated-display-math",
        "KeepDisplayMathUntranslated (transform priority 10) must run before Sphinx's i18n Locale transform (20).",
    ),
    UpstreamPatch(
        "sphinx",
        "7.4.7",
        "cjk-search",
        "search_scorer.js restates the default Scorer of Sphinx's searchtools.js; "
        "cjk_query_splitter.js replaces its splitQuery and reads Search._index.terms/.titleterms; "
        "SearchChinese loads the jieba user dictionary from html_search_options['dict'].",
    ),
    UpstreamPatch(
        "sphinx-exercise",
        "1.2.1",
        "exercise-numbers-and-titles",
        "TitleSolutionsInTheReadersLanguage (post-transform priority 25) must run after "
        "ResolveTitlesInSolutions (21) and ResolveLinkTextToSolutions (22) and reads "
        "env.sphinx_exercise_registry; on_config_inited (config-inited, 600) must run after "
        "init_numfig (500), which sets numfig_format['exercise'].",
    ),
    UpstreamPatch(
        "sphinx-togglebutton",
        "0.4.5",
        "toggle-hints",
        "translate_toggle_hints (config-inited, 400) must run before initialize_js_assets (500) "
        "writes togglebutton_hint and togglebutton_hint_hide into the page.",
    ),
    UpstreamPatch(
        "sphinx-book-theme",
        "1.3.0",
        "header-buttons",
        "translate_theme (html-page-context, 900) edits context['header_buttons'] after "
        "add_header_buttons (501) built them: HEADER_TOOLTIPS and 'download-source-button' must "
        "be the theme's button labels and tooltip messages; theme_search_bar_text its search box.",
    ),
    UpstreamPatch(
        "sphinx-book-theme",
        "1.3.0",
        "template-overrides",
        "_templates/layout.html and hs-sidebar-nav.html replace the theme's aria-labels "
        '(<nav aria-label="Page">, aria-label="Main"); toggle-primary-sidebar.html and '
        "toggle-secondary-sidebar.html are copies of the theme's with translated tooltips.",
    ),
    UpstreamPatch(
        "sphinx-mathjax-offline",
        "0.0.2",
        "offline-mathjax",
        "mathjax_source() finds MathJax in the distribution's data directory "
        "sphinx-mathjax-offline/static/mathjax; copy_mathjax copies MATHJAX_FILES from it.",
    ),
    UpstreamPatch(
        "pydata-sphinx-theme",
        "0.17.1",
        "webpack-macros-without-fontawesome",
        "_templates/static/webpack-macros.html is the theme's static/webpack-macros.html without "
        "the fontawesome.js <script> and with the theme's ?digest=: copy the new file and remove "
        "that line again.",
    ),
    UpstreamPatch(
        "pydata-sphinx-theme",
        "0.17.1",
        "default-mode",
        "on_html_page_context replaces an empty default_mode (which the theme's layout.html writes "
        "into the page, and its script rejects) by 'auto'.",
    ),
)


def notebook_pages(env) -> set[str]:
    """Pages that are notebooks (they have code cells) and so get a generated .ipynb."""
    return {doc for doc in env.found_docs if doc.startswith("chapters/") and "appendix" not in doc}


def _language_entry(config) -> dict:
    languages = config.hs_languages
    lang = config.language or "en"
    if lang not in languages:
        known = ", ".join(languages)
        raise ValueError(f"language {lang!r} is not in hs_languages ({known}); add it to _config.yml")
    return languages[lang]


def github_repo(config) -> str:
    """owner/name, from Jupyter Book's repository.url (html_theme_options' repository_url): the one
    place that names the repository."""
    url = config.html_theme_options.get("repository_url", "")
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        raise ValueError(f"_config.yml's repository.url should be {prefix}OWNER/NAME, not {url!r}")
    return url.removeprefix(prefix).strip("/")


def glossary_terms(srcdir: str, language_name: str) -> list[str]:
    """The terms in one language's column of the glossary table, found by its header (the
    language's ``name`` in hs_languages), whatever the number and order of the columns."""
    text = (Path(srcdir) / "chapters" / "appendix-glossary.md").read_text(encoding="utf-8")
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.lstrip().startswith("|")
    ]
    if not rows or language_name not in rows[0]:
        raise ValueError(f"the glossary table has no column {language_name!r}; its header is {rows[:1]}")
    column = rows[0].index(language_name)
    terms = [
        row[column].split("（")[0].strip()
        for row in rows[1:]
        if len(row) == len(rows[0]) and not set(row[0]) <= set("-: ")
    ]
    return [t for t in terms if t]


def chinese_search_dictionary(app, config) -> None:
    if config.language != "zh_CN":
        return
    app.add_search_language(SearchChineseByIndexTerms)
    path = Path(app.doctreedir) / "jieba-glossary.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    terms = glossary_terms(app.srcdir, config.hs_languages["zh_CN"]["name"])
    path.write_text("".join(f"{term} 100000 n\n" for term in terms), encoding="utf-8")
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(path)}


# The browser cuts a Chinese or Japanese query by longest match against the index's own terms.
# Upstream patch "cjk-search" (UPSTREAM_PATCHES): the splitter and the scorer are written for
# Sphinx's searchtools.js.
CJK_QUERY_SPLITTER = (Path(__file__).parent / "cjk_query_splitter.js").read_text(encoding="utf-8")


class SearchChineseByIndexTerms(SearchChinese):
    """Chinese search (jieba, with the glossary as a user dictionary), whose queries the browser
    cuts against the index's terms, so that 时间序列 finds the pages indexed as 时间 / 序列."""

    js_splitter_code = CJK_QUERY_SPLITTER


class SearchJapaneseWithGlossary(SearchJapanese):
    """Sphinx's Japanese search cuts 隠れ状態 into 隠れ and 状態; the glossary's terms are indexed
    whole as well, and the browser cuts a query against the index's terms (時系列予測 →
    時系列 / 予測)."""

    terms: tuple[str, ...] = ()
    js_splitter_code = CJK_QUERY_SPLITTER

    def split(self, input: str) -> list[str]:
        return super().split(input) + [term for term in self.terms if term in input]


def on_config_inited(app, config) -> None:
    chinese_search_dictionary(app, config)
    if config.language == "ja":
        SearchJapaneseWithGlossary.terms = tuple(glossary_terms(app.srcdir, app.config.hs_languages["ja"]["name"]))
        app.add_search_language(SearchJapaneseWithGlossary)
    entry = _language_entry(config)
    config.html_title = entry["title"]
    config.project = entry["title"]
    config.author = entry["author"]
    # sphinx-exercise sets "Exercise %s" from its own catalogue (練習 in Japanese, where the book
    # says 演習); the label is the book's, per language, and numbers are per chapter (3.2).
    # Upstream patch "exercise-numbers-and-titles" (UPSTREAM_PATCHES).
    config.numfig_format = {**(config.numfig_format or {}), "exercise": entry["exercise"]}
    options = dict(config.html_theme_options or {})
    options["article_header_end"] = ["hs-notebook-buttons.html", "article-header-buttons.html"]
    config.html_theme_options = options
    config.mathjax_path = "mathjax/tex-chtml.js"
    # upstream patch "cjk-search" (UPSTREAM_PATCHES)
    config.html_search_scorer = str(Path(__file__).parent / "search_scorer.js")
    config.html_favicon = "_static/favicon.svg"


def translate_toggle_hints(app, config) -> None:
    """sphinx-togglebutton's "Click to show/hide" from the book's catalogue (it has no Japanese);
    runs before the extension writes them into the page (config-inited, priority 500).
    Upstream patch "toggle-hints" (UPSTREAM_PATCHES)."""
    from sphinx.locale import get_translation

    translate = get_translation("sphinx")
    config.togglebutton_hint = str(translate("Click to show"))
    config.togglebutton_hint_hide = str(translate("Click to hide"))


def mathjax_source() -> Path:
    """Where sphinx-mathjax-offline installs MathJax. Upstream patch "offline-mathjax"
    (UPSTREAM_PATCHES): the package's data layout, not an API."""
    dist = metadata.distribution("sphinx-mathjax-offline")
    return Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))


def copy_mathjax(app, exc) -> None:
    """Copy only what tex-chtml.js loads (script, fonts, autoloaded TeX extensions)."""
    if exc is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for item in MATHJAX_FILES:
        src, dst = source / item, target / item
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def on_html_page_context(app, pagename, templatename, context, doctree) -> None:
    config = app.config
    lang = config.language or "en"
    depth = pagename.count("/")
    to_site_root = "../" * (depth + 1)  # from <lang>/<page>.html up to the multi-language root
    context["hs_languages"] = [
        {
            "code": code,
            "name": entry["name"],
            "url": f"{to_site_root}{code}/{pagename}.html",
            "current": code == lang,
        }
        for code, entry in config.hs_languages.items()
    ]
    entry = _language_entry(config)
    context["hs_labels"] = entry
    # editions: the latest at <site>/<lang>/, each released one at <site>/v<edition>/<lang>/
    current = config.hs_current_edition
    context["hs_editions"] = [
        {"name": entry["edition_latest"], "url": f"{config.hs_site_url}{lang}/{pagename}.html", "current": not current},
        *(
            {"name": e, "url": f"{config.hs_site_url}v{e}/{lang}/{pagename}.html", "current": current == f"v{e}"}
            for e in config.hs_editions
        ),
    ]
    context["hs_pdf_url"] = "../" * depth + pdf_name(lang)
    # "" makes the theme log an error; upstream patch "default-mode" (UPSTREAM_PATCHES)
    context["default_mode"] = context.get("default_mode") or "auto"
    if pagename in notebook_pages(app.env):
        to_lang_root = "../" * depth
        context["hs_download_url"] = f"{to_lang_root}{NOTEBOOK_DIR}/{pagename}.ipynb"
        context["hs_colab_url"] = colab_url(config, lang, pagename)
        # every chapter has exercises: its student notebook (answer cells, no solutions) beside it
        context["hs_exercises_download_url"] = f"{to_lang_root}{NOTEBOOK_DIR}/{pagename}{EXERCISES_SUFFIX}.ipynb"
        context["hs_exercises_colab_url"] = colab_url(config, lang, pagename + EXERCISES_SUFFIX)


LATEST_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<page>[\w/.-]+?)(?P<anchor>#[\w-]+)?>$", re.S)


def latest_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{hs-latest}`title <chapters/page>```: a link to that page of the latest edition, in the page's
    language; a released edition's pages use it for what changes after the release (errata)."""
    match = LATEST_TARGET.match(text)
    if not match:
        message = inliner.reporter.error(f"expected {{hs-latest}}`title <chapters/page>`, got {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    config = inliner.document.settings.env.config
    url = f"{config.hs_site_url}{config.language or 'en'}/{match['page']}.html{match['anchor'] or ''}"
    return [nodes.reference(rawtext, match["title"], refuri=url)], []


def pdf_name(lang: str) -> str:
    """The language's book as one PDF, at the root of its site (scripts/book/pdf.py prints it)."""
    return f"hidden-state-{lang}.pdf"


def colab_url(config, lang: str, pagename: str) -> str:
    """Colab opens notebooks straight from a GitHub branch."""
    path = PurePosixPath(lang) / f"{pagename}.ipynb"
    return f"https://colab.research.google.com/github/{github_repo(config)}/blob/{config.hs_notebooks_branch}/{path}"


# --- myst-nb's glue in translated paragraphs -------------------------------------------------------
# Upstream patch "glue-in-translations" (UPSTREAM_PATCHES): subclasses of myst-nb's private glue
# classes, in a domain that replaces myst-nb's 'glue' domain; myst-nb's own classes stay unchanged.


class _TranslatedGlue:
    """Glue roles that also work in translated paragraphs.

    **Bug** (myst-nb 1.4.0 with Sphinx 7.4, any ``language`` that has a gettext catalogue): a
    ``{glue}``, ``{glue:}``, ``{glue:any}`` or ``{glue:text}`` role in a paragraph whose
    translation comes from the catalogue fails with ``No key 'x' found in glue data for this
    document. [mystnb.glue]``, and the translated page misses the value. The same role in the
    untranslated page works.

    **Cause**: Sphinx's i18n transform (``sphinx.transforms.i18n.Locale``) parses every translated
    message as a separate small document (``publish_msgstr``, source ``<path>:<line>:<translated>``).
    myst-nb's parser reads such a message as plain MyST Markdown, with no notebook attached, so the
    small document has no ``nb_renderer`` and ``retrieve_glue_data`` finds no glue data in it.

    **Fix**: when the document has no ``nb_renderer`` and the role's text is not already a
    ``path::key`` reference, refer to the current page explicitly (``<page file>::key``). The role
    then creates a ``PendingGlueReference``, which ``ReplacePendingGlueReferences`` resolves after
    reading from the glue data myst-nb saved for the page, exactly as for a reference to another
    notebook; so the same source works in every language. Upstream, the same fallback fits at the
    start of ``PasteRoleAny.run`` and ``PasteTextRole.run``.
    """

    def run(self):
        if "nb_renderer" not in self.document and "::" not in self.text:
            env = self.document.settings.env
            page = Path(env.doc2path(env.docname)).name
            self.text = f"{page}::{self.text}"
        return super().run()


class TranslatedPasteRoleAny(_TranslatedGlue, glue_roles.PasteRoleAny):
    """``{glue}``, ``{glue:}`` and ``{glue:any}``, also in translated paragraphs."""


class TranslatedPasteTextRole(_TranslatedGlue, glue_roles.PasteTextRole):
    """``{glue:text}``, also in translated paragraphs."""

    def run(self):
        # `page::key` without a format would be read as key `page:` with format `key`
        if "nb_renderer" not in self.document and ":" not in self.text:
            self.text = f"{self.text}:s"
        return super().run()


class GlueFigure(PasteFigureDirective):
    """For the gettext builder, which runs without executing the notebooks, a ``{glue:figure}``
    has no image to paste; it then becomes a plain figure with the same caption and alt text, so
    that both are extracted for translation exactly as the HTML build will look them up."""

    def run(self):
        if self.state.document.settings.env.app.builder.name == "gettext":
            try:
                retrieve_glue_data(self.document, self.arguments[0])
            except RetrievalError:
                options = {k: v for k, v in self.options.items() if k in ("alt", "name", "align", "figclass")}
                placeholder = Figure(
                    self.name,
                    ["/_static/favicon.svg"],
                    options,
                    self.content,
                    self.lineno,
                    self.content_offset,
                    self.block_text,
                    self.state,
                    self.state_machine,
                )
                return placeholder.run()
        return super().run()


class TranslatedNbGlueDomain(NbGlueDomain):
    """myst-nb's ``glue`` domain, with roles that also work in translated paragraphs
    (``_TranslatedGlue``) and a ``glue:figure`` that the gettext builder can extract
    (``GlueFigure``). ``setup`` registers it in place of ``NbGlueDomain`` (same name and data),
    which stays as myst-nb defines it."""

    roles: ClassVar[dict] = {
        **NbGlueDomain.roles,
        "": TranslatedPasteRoleAny(),
        "any": TranslatedPasteRoleAny(),
        "text": TranslatedPasteTextRole(),
    }
    directives: ClassVar[dict] = {**NbGlueDomain.directives, "figure": GlueFigure}


def add_translated_glue(app) -> None:
    """Replace myst-nb's glue domain and its bare ``{glue}`` role by the translated ones."""
    app.setup_extension("myst_nb")  # registers NbGlueDomain first, so that ours replaces it
    app.add_domain(TranslatedNbGlueDomain, override=True)
    app.add_role("glue", TranslatedPasteRoleAny(), override=True)


class KeepDisplayMathUntranslated(SphinxTransform):
    """Runs before Sphinx's i18n transform (priority 20), so math blocks are neither extracted
    into the catalogues nor replaced from them. Upstream patch "untranslated-display-math"
    (UPSTREAM_PATCHES)."""

    default_priority = 10

    def apply(self, **kwargs) -> None:
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


class TranslateTocCaptions(SphinxTransform):
    """sphinx-external-toc inserts the toctrees (priority 100) after Sphinx's i18n transform
    (priority 20) has run, so their captions would stay in English; translate them here.
    Upstream patch "toc-captions" (UPSTREAM_PATCHES)."""

    default_priority = 150

    def apply(self, **kwargs) -> None:
        language = self.config.language
        if not language or language == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, language, domain)
        if not has_catalog:
            return
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("rawcaption")
            if caption:
                toctree["caption"] = catalog.gettext(caption)


# --- Exercises numbered per chapter -------------------------------------------------------------


def chapter_number(docname: str) -> int | None:
    """3 for chapters/03-simple-rnn; None for pages that are not numbered chapters."""
    match = re.match(r"chapters/(\d+)-", docname)
    return int(match.group(1)) if match else None


class NumberExercisesPerChapter(SphinxPostTransform):
    """Sphinx numbers exercises through the whole book (chapters are not numbered sections); the
    book numbers them per chapter: 3.1, 3.2, … Runs on each page as it is written, after the
    environment was saved, so the saved environment keeps Sphinx's own numbers and an unchanged
    page is not rebuilt."""

    default_priority = 1  # before references and titles use the numbers

    def run(self, **kwargs) -> None:
        for docname, numbers in self.env.toc_fignumbers.items():
            chapter, exercises = chapter_number(docname), numbers.get("exercise")
            if chapter is None or not exercises or all(len(n) == 2 for n in exercises.values()):
                continue
            ordered = sorted(exercises, key=exercises.get)
            numbers["exercise"] = {ident: (chapter, i) for i, ident in enumerate(ordered, start=1)}


class TitleSolutionsInTheReadersLanguage(SphinxPostTransform):
    """sphinx-exercise titles a solution "Solution to" + "Exercise 3", which is ungrammatical in
    Russian, Chinese and Japanese; use the book's own pattern per language instead.
    Upstream patch "exercise-numbers-and-titles" (UPSTREAM_PATCHES)."""

    default_priority = 25  # after sphinx-exercise has resolved the titles (21, 22)

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import solution_node

        pattern = _language_entry(self.config)["solution"]
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in self.document.findall(solution_node):
            target = registry.get(node.get("target_label"), {})
            docname, ident = target.get("docname"), (target.get("node") or {}).get("ids", [None])[0]
            number = self.env.toc_fignumbers.get(docname, {}).get("exercise", {}).get(ident)
            if not number:
                continue
            text = pattern.format(number=".".join(map(str, number)))
            title = node.children[0]
            reference = next(iter(title.findall(nodes.reference)), None)
            new_title = nodes.title()
            if reference is not None:
                link = reference.deepcopy()
                link.children = [nodes.Text(text)]
                new_title += link
            else:
                new_title += nodes.Text(text)
            node.replace(title, new_title)
            node["title"] = text


# --- rnnbook's messages in the page's language ----------------------------------------------------


def resolve_rnnbook_messages(app, doctree, docname) -> None:
    """The chapters run once, with every rnnbook message packed in all four languages; keep the
    page's own language in every output."""
    from rnnbook.i18n import resolve

    lang = app.config.language or "en"
    for text in list(doctree.findall(nodes.Text)):
        if "\x02" in text:
            parent = text.parent
            parent.replace(text, nodes.Text(resolve(str(text), lang)))
            if isinstance(parent, nodes.literal_block):
                parent.rawsource = parent.astext()


# --- Numbers in translated prose -----------------------------------------------------------------

_NUMBER = re.compile(r"^([-−]?)(\d+)(?:\.(\d+))?((?:e[-+]?\d+)?)(%?)$")


def localise_number(text: str, lang: str) -> str:
    """A glued number as the language writes it: Russian 49,3 % and 10 000 (non-breaking spaces)."""
    match = _NUMBER.match(text.strip())
    if lang != "ru" or not match:
        return text
    sign, whole, fraction, exponent, percent = match.groups()
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", "\u00a0")
    number = sign + whole + ("," + fraction if fraction is not None else "") + exponent
    return number + ("\u00a0%" if percent else "")


class LocaliseGluedNumbers(SphinxPostTransform):
    """Glued numbers (``{glue:text}``) written the way the page's language writes numbers.
    Upstream patch "localised-glued-numbers" (UPSTREAM_PATCHES)."""

    default_priority = 6  # after myst-nb has pasted the glued values (5)

    def run(self, **kwargs) -> None:
        lang = self.config.language or "en"
        for node in self.document.findall(nodes.inline):
            if "pasted-text" in node["classes"]:
                local = localise_number(node.astext(), lang)
                if local != node.astext():
                    node.children = [nodes.Text(local)]


# --- The theme in the reader's language -----------------------------------------------------------

# Header buttons whose tooltips sphinx-book-theme translates from its own catalogue (which lacks
# Japanese for some and has Traditional Chinese wording for others): the book's catalogue decides.
# Upstream patch "header-buttons" (UPSTREAM_PATCHES): the theme's labels and messages.
HEADER_TOOLTIPS = {
    "download-buttons": "Download this page",
    "download-notebook-button": "Download notebook file",
    "fullscreen-button": "Fullscreen mode",
    "source-repository-button": "Source repository",
}


def translate_theme(app, pagename, templatename, context, doctree) -> None:
    """Search box, header buttons and download menu in the page's language; a translated site's
    download menu offers that language's notebook, never the English source.
    Upstream patch "header-buttons" (UPSTREAM_PATCHES)."""
    from sphinx.locale import get_translation

    translate = get_translation("sphinx")
    lang = app.config.language or "en"
    context["theme_search_bar_text"] = str(translate("Search this book…"))

    def walk(buttons):
        for button in buttons:
            english = HEADER_TOOLTIPS.get(button.get("label"))
            if english:
                button["tooltip"] = str(translate(english))
            if button.get("buttons"):
                button["buttons"] = [b for b in button["buttons"] if keep(b)]
                walk(button["buttons"])

    def keep(button):
        if button.get("label") == "download-pdf-button":  # the book's PDF, not the print dialog
            button.pop("javascript", None)
            button.update(type="link", url=context["hs_pdf_url"], tooltip=_language_entry(app.config)["download_pdf"])
            return True
        if button.get("label") != "download-source-button" or lang == "en":
            return True
        if context.get("hs_download_url"):  # a chapter: its notebook in this language instead
            button.update(
                url=context["hs_download_url"],
                text=".ipynb",
                icon="fas fa-code",
                tooltip=_language_entry(app.config)["download_notebook"],
            )
            return True
        return False

    walk(context.get("header_buttons", []))


def setup(app):
    app.add_config_value("hs_languages", {}, "html")
    app.add_config_value("hs_notebooks_branch", "notebooks", "html")
    app.add_config_value("hs_site_url", "", "html")
    app.add_config_value("hs_edition", "", "html")
    app.add_config_value("hs_editions", [], "html")
    # "" for the latest edition; v1.0 when ./book build builds the tagged release
    app.add_config_value("hs_current_edition", "", "html")
    # after sphinx-exercise's init_numfig; upstream patch "exercise-numbers-and-titles"
    app.connect("config-inited", on_config_inited, priority=600)
    # before sphinx-togglebutton writes the hints; upstream patch "toggle-hints"
    app.connect("config-inited", translate_toggle_hints, priority=400)
    app.add_js_file("hidden-state.js", priority=900)
    app.add_role("hs-latest", latest_role)
    app.connect("html-page-context", on_html_page_context)
    # after the theme's buttons; upstream patch "header-buttons"
    app.connect("html-page-context", translate_theme, priority=900)
    app.connect("doctree-resolved", resolve_rnnbook_messages)
    app.add_post_transform(NumberExercisesPerChapter)
    app.add_post_transform(LocaliseGluedNumbers)
    app.add_post_transform(TitleSolutionsInTheReadersLanguage)
    app.add_transform(KeepDisplayMathUntranslated)
    app.add_transform(TranslateTocCaptions)
    app.connect("build-finished", copy_mathjax)  # upstream patch "offline-mathjax"
    add_translated_glue(app)  # upstream patch "glue-in-translations"
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
