"""The book's patches of pinned upstream packages (UPSTREAM_PATCHES in _ext/hidden_state.py) are
guarded: each fails here when the installed version is not the one the patch was written for, and,
where that is cheap to check, when the upstream behaviour the patch relies on has changed. A failure
names the patch and what to revisit. Needs no built site."""

import ast
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import hidden_state

PATCHES = {patch.name: patch for patch in hidden_state.UPSTREAM_PATCHES}
CHECKED: set[str] = set()  # the patches whose upstream behaviour a test below checks


def explain(name: str) -> str:
    patch = PATCHES[name]
    return f'upstream patch "{name}" ({patch.distribution} {patch.version}); revisit: {patch.revisit}'


def checks(name: str):
    """Marks a test as the behavioural check of one registry entry."""
    CHECKED.add(name)
    return lambda test: test


def package_file(distribution: str, relative: str) -> Path:
    path = Path(metadata.distribution(distribution).locate_file(relative))
    assert path.exists(), f"{distribution} has no {relative}"
    return path


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


# --- The registry and the installed versions --------------------------------------------------------


def test_the_registry_names_each_patch_once_with_an_exact_version():
    names = [patch.name for patch in hidden_state.UPSTREAM_PATCHES]
    assert len(names) == len(set(names)), f"patch names are not unique: {names}"
    for patch in hidden_state.UPSTREAM_PATCHES:
        assert re.fullmatch(r"\d+(\.\d+)+(\.post\d+)?", patch.version), patch
        assert patch.revisit.strip(), patch


@pytest.mark.parametrize("patch", hidden_state.UPSTREAM_PATCHES, ids=lambda patch: patch.name)
def test_the_installed_version_is_the_one_the_patch_was_written_for(patch):
    installed = metadata.version(patch.distribution)
    assert installed == patch.version, (
        f"{patch.distribution} {installed} is installed, but {explain(patch.name)}. "
        f"When the patch still holds, update its version in UPSTREAM_PATCHES."
    )


@pytest.mark.parametrize("patch", hidden_state.UPSTREAM_PATCHES, ids=lambda patch: patch.name)
def test_requirements_pin_the_version_the_patch_was_written_for(patch):
    pinned = requirement_pins().get(patch.distribution.lower())
    assert pinned == patch.version, f"requirements.txt pins {patch.distribution}=={pinned}, but {explain(patch.name)}"


def test_every_patch_has_a_behavioural_check():
    assert set(PATCHES) == CHECKED, (
        f"without a behavioural check: {sorted(set(PATCHES) - CHECKED)}; "
        f"checks of patches that are not in UPSTREAM_PATCHES: {sorted(CHECKED - set(PATCHES))}"
    )


# --- A Sphinx application with the book's extension, as the build sets it up -----------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Set up, not built: Russian, the book's catalogues, the extensions the patches concern."""
    from sphinx import locale
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path_factory.mktemp("app")
    (src / "index.rst").write_text("Index\n=====\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    overrides = {
        "extensions": ["myst_nb", "sphinx_togglebutton", "sphinx_book_theme", "sphinx_exercise", "hidden_state"],
        "language": "ru",
        "locale_dirs": [str(ROOT / "locales")],
        "hs_languages": config["hs_languages"],
    }
    try:
        with docutils_namespace():  # the roles and directives registered here do not outlive the test
            yield Sphinx(str(src), None, str(src / "_out"), str(src / "_doctrees"), "html",
                         confoverrides=overrides, status=None, warning=None)  # fmt: skip
    finally:
        locale.translators.clear()


def listener_priority(app, event: str, handler_name: str) -> int:
    priorities = [li.priority for li in app.events.listeners[event] if li.handler.__name__ == handler_name]
    assert len(priorities) == 1, f"{handler_name} is connected to {event} {len(priorities)} times"
    return priorities[0]


# --- myst-nb ---------------------------------------------------------------------------------------


@checks("glue-in-translations")
def test_myst_nb_glue_api_is_what_the_translated_domain_extends():
    from myst_nb.ext.glue.domain import NbGlueDomain

    why = explain("glue-in-translations")
    for module, names in {
        "myst_nb.ext.glue.roles": ("PasteRoleAny", "PasteTextRole"),
        "myst_nb.ext.glue.directives": ("PasteFigureDirective",),
        "myst_nb.ext.glue.domain": ("NbGlueDomain",),
        "myst_nb.ext.glue.utils": ("retrieve_glue_data", "create_pending_glue_ref"),
        "myst_nb.core.variables": ("RetrievalError",),
    }.items():
        for name in names:
            assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone: {why}"
    ours = hidden_state.TranslatedNbGlueDomain
    assert issubclass(ours, NbGlueDomain), why
    assert NbGlueDomain.name == ours.name == "glue", why
    assert isinstance(NbGlueDomain.roles, dict) and isinstance(NbGlueDomain.directives, dict), why
    assert ours.roles.keys() == NbGlueDomain.roles.keys(), f"myst-nb's glue roles changed: {why}"
    assert ours.directives.keys() == NbGlueDomain.directives.keys(), f"myst-nb's glue directives changed: {why}"
    for key in ("", "any", "text"):  # ours extend myst-nb's own role at each name they replace
        assert isinstance(ours.roles[key], type(NbGlueDomain.roles[key])), f"glue role {key!r}: {why}"
        assert type(ours.roles[key]) is not type(NbGlueDomain.roles[key]), f"glue role {key!r} not replaced"
    assert issubclass(ours.directives["figure"], NbGlueDomain.directives["figure"]), f"glue:figure: {why}"


@checks("glue-in-translations")
def test_the_translated_glue_domain_replaces_myst_nbs_without_changing_it(app):
    from myst_nb.ext.glue import roles
    from myst_nb.ext.glue.directives import PasteFigureDirective
    from myst_nb.ext.glue.domain import NbGlueDomain

    why = explain("glue-in-translations")
    assert app.registry.domains["glue"] is hidden_state.TranslatedNbGlueDomain, why
    domain = next(d for d in app.registry.create_domains(app.env) if d.name == "glue")
    assert type(domain.roles["text"]) is hidden_state.TranslatedPasteTextRole, why
    assert domain.directives["figure"] is hidden_state.GlueFigure, why
    # myst-nb's class is left as myst-nb defines it (the patch used to overwrite its attributes)
    assert type(NbGlueDomain.roles[""]) is roles.PasteRoleAny
    assert type(NbGlueDomain.roles["text"]) is roles.PasteTextRole
    assert NbGlueDomain.directives["figure"] is PasteFigureDirective


GLUE_NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Title"},
        {
            "cell_type": "code",
            "id": "glue",
            "execution_count": 1,
            "metadata": {},
            "source": "glue('err', error, display=False)",
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {"scrapbook": {"name": "err", "mime_prefix": "application/papermill.record/"}},
                    "data": {"application/papermill.record/text/plain": "0.123456"},
                }
            ],
        },
        {"cell_type": "markdown", "id": "text", "metadata": {}, "source": "The error is {glue:text}`err:.2f`."},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
GLUE_CATALOGUE = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The error is {glue:text}`err:.2f`."
msgstr "Ошибка равна {glue:text}`err:.2f`."
"""


def build_translated_glue_page(directory: Path, extensions: list[str]) -> tuple[str, str]:
    """Build one notebook page in Russian, whose translated paragraph glues a number; returns the
    page's HTML and the build's warnings."""
    (directory / "locales" / "ru" / "LC_MESSAGES").mkdir(parents=True)
    (directory / "locales" / "ru" / "LC_MESSAGES" / "page.po").write_text(GLUE_CATALOGUE, encoding="utf-8")
    (directory / "page.ipynb").write_text(json.dumps(GLUE_NOTEBOOK), encoding="utf-8")
    (directory / "index.md").write_text("# Index\n\n```{toctree}\npage\n```\n", encoding="utf-8")
    (directory / "_static").mkdir()
    (directory / "_static" / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    languages = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["hs_languages"]
    (directory / "conf.py").write_text(
        f"extensions = {extensions!r}\nlanguage = 'ru'\nlocale_dirs = ['locales/']\ngettext_compact = False\n"
        f"nb_execution_mode = 'off'\nexclude_patterns = ['_build']\nhs_languages = {languages!r}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "_ext"), os.environ.get("PYTHONPATH", "")])}
    out = directory / "_build"
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(directory), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return (out / "page.html").read_text(encoding="utf-8"), run.stderr


@checks("glue-in-translations")
@checks("localised-glued-numbers")
def test_glue_works_in_a_translated_paragraph(tmp_path):
    html, warnings = build_translated_glue_page(tmp_path, ["myst_nb", "hidden_state"])
    why = explain("glue-in-translations")
    assert "glue" not in warnings, f"{warnings}\n{why}"
    assert "Ошибка равна" in html, "the paragraph was not translated"
    assert "0.12" not in html, f"the glued number is not written the Russian way: {explain('localised-glued-numbers')}"
    assert re.search(r'Ошибка равна <span class="pasted-text">0,12</span>', html), f"no glued 0,12: {why}"


@checks("glue-in-translations")
def test_myst_nb_alone_still_loses_glue_in_translated_paragraphs(tmp_path):
    """The reason for the patch: when this fails, myst-nb resolves glue in translations itself."""
    html, warnings = build_translated_glue_page(tmp_path, ["myst_nb"])
    assert "No key 'err' found in glue data" in warnings, (
        f"myst-nb now glues in translated paragraphs by itself: drop the patch. {explain('glue-in-translations')}"
    )
    assert "Ошибка равна" in html and "0.12" not in html


@checks("localised-glued-numbers")
def test_glued_numbers_are_localised_after_myst_nb_pastes_them():
    from myst_nb.ext.glue import crossref, roles

    why = explain("localised-glued-numbers")
    pasted = crossref.ReplacePendingGlueReferences.default_priority
    assert pasted == 5, why
    assert pasted < hidden_state.LocaliseGluedNumbers.default_priority, why
    for module in (roles, crossref):  # where myst-nb creates the glued text nodes
        assert 'classes=["pasted-text"]' in inspect.getsource(module), f"{module.__name__}: {why}"


# --- Sphinx and sphinx-external-toc ------------------------------------------------------------------


@checks("toc-captions")
def test_external_toc_inserts_its_toctrees_after_the_i18n_transform():
    from sphinx.transforms.i18n import Locale
    from sphinx_external_toc import events

    why = explain("toc-captions")
    inserted = events.InsertToctrees.default_priority
    assert inserted == 100, why
    assert Locale.default_priority < inserted < hidden_state.TranslateTocCaptions.default_priority, why
    assert '["rawcaption"]' in inspect.getsource(events.insert_toctrees), why


@checks("untranslated-display-math")
def test_display_math_is_marked_before_the_i18n_transform():
    from docutils import nodes
    from sphinx.transforms.i18n import Locale
    from sphinx.util.nodes import is_translatable

    why = explain("untranslated-display-math")
    assert Locale.default_priority == 20, why
    assert hidden_state.KeepDisplayMathUntranslated.default_priority < Locale.default_priority, why
    math = nodes.math_block("x^2", "x^2")
    math.source = "page.md"
    assert is_translatable(math), f"Sphinx no longer translates display math: drop the patch? {why}"
    math["translatable"] = False
    assert not is_translatable(math), why


@checks("cjk-search")
def test_the_search_scripts_fit_sphinxs_searchtools():
    from sphinx.search import IndexBuilder
    from sphinx.search.zh import SearchChinese

    why = explain("cjk-search")
    searchtools = package_file("sphinx", "sphinx/themes/basic/static/searchtools.js").read_text(encoding="utf-8")
    ours = (ROOT / "_ext" / "search_scorer.js").read_text(encoding="utf-8")

    def scorer_values(js: str) -> dict[str, str]:
        """The numbers of `var Scorer = {...}` (objPrio's by their keys 0, 1, 2)."""
        js = re.sub(r"//[^\n]*|/\*.*?\*/", "", js, flags=re.S)  # comments
        start = end = js.index("var Scorer = {") + len("var Scorer = ")
        depth = 0
        while end == start or depth:
            depth += {"{": 1, "}": -1}.get(js[end], 0)
            end += 1
        return dict(re.findall(r"(\w+): (-?\d+)", js[start:end]))

    assert scorer_values(ours) == scorer_values(searchtools), f"Sphinx's default Scorer changed: {why}"
    assert "[docname, title, anchor, descr, score, filename]" in searchtools, f"search result layout: {why}"
    for needed in ('typeof Scorer === "undefined"', 'typeof splitQuery === "undefined"', "Search._index = index"):
        assert needed in searchtools, f"searchtools.js has no {needed}: {why}"
    for term in ("Search._index.terms", "Search._index.titleterms"):
        assert term in searchtools, f"searchtools.js has no {term}: {why}"
    assert "lang.js_splitter_code" in inspect.getsource(IndexBuilder.context_for_searchtool), why
    assert "options.get('dict')" in inspect.getsource(SearchChinese.init), why


# --- sphinx-exercise and sphinx-togglebutton ----------------------------------------------------------


@checks("exercise-numbers-and-titles")
def test_solution_titles_are_rewritten_after_sphinx_exercise_resolves_them(app):
    import sphinx_exercise
    from sphinx_exercise import nodes, post_transforms

    why = explain("exercise-numbers-and-titles")
    ours = hidden_state.TitleSolutionsInTheReadersLanguage.default_priority
    assert post_transforms.ResolveTitlesInSolutions.default_priority == 21, why
    assert post_transforms.ResolveLinkTextToSolutions.default_priority == 22, why
    assert post_transforms.ResolveLinkTextToSolutions.default_priority < ours, why
    assert hasattr(nodes, "solution_node"), why
    assert "env.sphinx_exercise_registry" in inspect.getsource(sphinx_exercise), why
    assert listener_priority(app, "config-inited", "init_numfig") < listener_priority(
        app, "config-inited", "on_config_inited"
    ), why
    assert app.config.numfig_format["exercise"] == app.config.hs_languages["ru"]["exercise"], why


@checks("toggle-hints")
def test_toggle_hints_are_translated_before_the_extension_writes_them(app):
    why = explain("toggle-hints")
    assert listener_priority(app, "config-inited", "translate_toggle_hints") < listener_priority(
        app, "config-inited", "initialize_js_assets"
    ), why
    scripts = [attributes.get("body", "") for _, attributes in app.registry.js_files]
    assert "let toggleHintShow = 'Нажмите, чтобы показать';" in scripts, f"{scripts}\n{why}"


# --- sphinx-book-theme and pydata-sphinx-theme --------------------------------------------------------


def theme_header_buttons() -> dict[str, dict]:
    """sphinx-book-theme's header buttons, by label: the English tooltip and whether it is a group."""
    import sphinx_book_theme.header_buttons as package

    buttons = {}
    for source in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            entries = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
            label, tooltip = entries.get("label"), entries.get("tooltip")
            if isinstance(label, ast.Constant):
                message = tooltip.args[0].value if isinstance(tooltip, ast.Call) and tooltip.args else None
                buttons[label.value] = {"tooltip": message, "group": "buttons" in entries}
    return buttons


@checks("header-buttons")
def test_the_theme_builds_the_header_buttons_the_book_translates(app):
    why = explain("header-buttons")
    buttons = theme_header_buttons()
    for label, english in hidden_state.HEADER_TOOLTIPS.items():
        assert label in buttons, f"sphinx-book-theme has no header button {label!r}: {why}"
        assert buttons[label]["tooltip"] == english, f"{label}: {buttons[label]['tooltip']!r}: {why}"
    assert "download-source-button" in buttons and buttons["download-buttons"]["group"], why
    # translate_theme turns the theme's print button into a link to the language's PDF
    assert "download-pdf-button" in buttons, why
    assert listener_priority(app, "html-page-context", "add_header_buttons") < listener_priority(
        app, "html-page-context", "translate_theme"
    ), why
    import sphinx_book_theme

    assert 'context["theme_search_bar_text"]' in inspect.getsource(sphinx_book_theme), why
    search_field = package_file(
        "pydata-sphinx-theme", "pydata_sphinx_theme/theme/pydata_sphinx_theme/components/search-field.html"
    )
    assert "{{ theme_search_bar_text }}" in search_field.read_text(encoding="utf-8"), why


def without_jinja_comments(text: str) -> str:
    return re.sub(r"\{#.*?#\}\s*", "", text, flags=re.S).strip()


@checks("template-overrides")
def test_the_theme_templates_the_book_rewrites_are_unchanged():
    why = explain("template-overrides")
    theme = "sphinx_book_theme/theme/sphinx_book_theme/"
    layout = package_file("sphinx-book-theme", theme + "layout.html").read_text(encoding="utf-8")
    assert "{% block docs_body %}" in layout and '<nav aria-label="Page">' in layout, why
    assert '<nav aria-label="Page">' in (ROOT / "_templates" / "layout.html").read_text(encoding="utf-8")
    nav = package_file("sphinx-book-theme", theme + "components/sbt-sidebar-nav.html").read_text(encoding="utf-8")
    assert 'aria-label="Main"' in nav, why
    for name in ("toggle-primary-sidebar.html", "toggle-secondary-sidebar.html"):
        upstream = package_file("sphinx-book-theme", theme + "components/" + name).read_text(encoding="utf-8")
        ours = (ROOT / "_templates" / name).read_text(encoding="utf-8")
        ours = re.sub(r"\{\{ _\('([^']*)'\) \}\}", r"\1", ours)  # the translated tooltip, as the theme's
        assert without_jinja_comments(ours) == without_jinja_comments(upstream), f"{name}: {why}"


def without_header_comment(text: str) -> str:
    """The template without its leading <!-- ... --> comment."""
    return re.sub(r"\A\s*<!--.*?-->\s*", "", text, flags=re.S).strip()


@checks("webpack-macros-without-fontawesome")
def test_our_webpack_macros_are_the_themes_without_fontawesome():
    why = explain("webpack-macros-without-fontawesome")
    upstream = package_file(
        "pydata-sphinx-theme", "pydata_sphinx_theme/theme/pydata_sphinx_theme/static/webpack-macros.html"
    ).read_text(encoding="utf-8")
    ours = (ROOT / "_templates" / "static" / "webpack-macros.html").read_text(encoding="utf-8")
    digests = set(re.findall(r"\?digest=(\w+)", upstream))
    assert len(digests) == 1 and set(re.findall(r"\?digest=(\w+)", ours)) == digests, why
    dropped = [line for line in upstream.splitlines() if "fontawesome" in line or "users can add custom icons" in line]
    assert len(dropped) == 2 and "<script" in dropped[-1], f"the theme's fontawesome.js lines changed: {why}"
    expected = "\n".join(line for line in upstream.splitlines() if line not in dropped)
    assert without_header_comment(ours) == without_header_comment(expected), why


@checks("default-mode")
def test_the_theme_still_rejects_an_empty_default_mode():
    why = explain("default-mode")
    theme = "pydata_sphinx_theme/theme/pydata_sphinx_theme/"
    layout = package_file("pydata-sphinx-theme", theme + "layout.html").read_text(encoding="utf-8")
    assert 'data-default-mode="{{ default_mode }}"' in layout, why
    script = package_file("pydata-sphinx-theme", theme + "static/scripts/pydata-sphinx-theme.js")
    assert "Got invalid theme mode" in script.read_text(encoding="utf-8"), why


# --- sphinx-mathjax-offline ---------------------------------------------------------------------------


@checks("offline-mathjax")
def test_mathjax_is_where_the_book_copies_it_from():
    why = explain("offline-mathjax")
    source = hidden_state.mathjax_source()
    assert source.is_dir(), f"no {source}: {why}"
    for item in hidden_state.MATHJAX_FILES:
        assert (source / item).exists(), f"no {source / item}: {why}"
    assert (source / "tex-chtml.js").is_file() and (source / "tex-chtml.js").stat().st_size > 100_000, why
