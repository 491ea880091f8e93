"""Sphinx extension for the book *Hidden State*.

- Per-language book title and the labels of our own buttons (from ``hs_languages`` in _config.yml).
- A language switcher that links every page to the same page in the other languages.
- "Open in Colab" and "Download notebook" links to *this language's* generated notebook.
- myst-nb ``glue`` roles that also work inside translated paragraphs.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from myst_nb.ext.glue import roles as glue_roles
from myst_nb.ext.glue.domain import NbGlueDomain

NOTEBOOK_DIR = "notebooks"  # inside each language's site: <lang>/notebooks/<page>.ipynb


def notebook_pages(env) -> set[str]:
    """Pages that are notebooks (they have code cells) and so get a generated .ipynb."""
    return {
        doc for doc in env.found_docs if doc.startswith("chapters/") and "appendix" not in doc
    }


def _language_entry(config) -> dict:
    languages = config.hs_languages
    lang = config.language or "en"
    if lang not in languages:
        known = ", ".join(languages)
        raise ValueError(f"language {lang!r} is not in hs_languages ({known}); add it to _config.yml")
    return languages[lang]


def on_config_inited(app, config) -> None:
    entry = _language_entry(config)
    config.html_title = entry["title"]
    config.project = entry["title"]
    options = dict(config.html_theme_options or {})
    options["article_header_end"] = ["hs-notebook-buttons.html", "article-header-buttons.html"]
    config.html_theme_options = options


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
    if pagename in notebook_pages(app.env):
        to_lang_root = "../" * depth
        context["hs_download_url"] = f"{to_lang_root}{NOTEBOOK_DIR}/{pagename}.ipynb"
        context["hs_colab_url"] = colab_url(config, lang, pagename)


def colab_url(config, lang: str, pagename: str) -> str:
    """Colab opens notebooks straight from a GitHub branch."""
    path = PurePosixPath(lang) / f"{pagename}.ipynb"
    return (
        "https://colab.research.google.com/github/"
        f"{config.hs_github_repo}/blob/{config.hs_notebooks_branch}/{path}"
    )


class _TranslatedGlue:
    """Resolve ``{glue}`` in a translated paragraph through a reference to the current page.

    Sphinx parses each translated message as a small document of its own, which has no notebook
    attached, so myst-nb's roles cannot find the glued values there. A ``page::key`` reference is
    resolved after reading, from the values myst-nb saved for the page, and so works in any language.
    """

    def run(self):
        if "nb_renderer" not in self.document and "::" not in self.text:
            env = self.document.settings.env
            page = Path(env.doc2path(env.docname)).name
            self.text = f"{page}::{self.text}"
        return super().run()


class TranslatedPasteRoleAny(_TranslatedGlue, glue_roles.PasteRoleAny):
    pass


class TranslatedPasteTextRole(_TranslatedGlue, glue_roles.PasteTextRole):
    pass


def setup(app):
    app.add_config_value("hs_languages", {}, "html")
    app.add_config_value("hs_github_repo", "", "html")
    app.add_config_value("hs_notebooks_branch", "notebooks", "html")
    app.add_config_value("hs_site_url", "", "html")
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_html_page_context)

    NbGlueDomain.roles = {
        **NbGlueDomain.roles,
        "": TranslatedPasteRoleAny(),
        "any": TranslatedPasteRoleAny(),
        "text": TranslatedPasteTextRole(),
    }
    app.add_role("glue", TranslatedPasteRoleAny(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}

