"""The book's facts, each read from the one file that states it: _config.yml and _toc.yml, parsed
as YAML. The build, the tests and the publish workflow (through ``./book config``) all ask here."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
# HS_BUILD_DIR builds elsewhere (the release test builds a tagged edition beside the usual site)
BUILD = Path(os.environ.get("HS_BUILD_DIR") or ROOT / "_build")
CACHES = ROOT / "_build" / ".jupyter_cache"  # shared by every build of this checkout
HTML = BUILD / "html"
NOTEBOOK_DIR = "notebooks"  # <site>/<lang>/notebooks/<page>.ipynb


@functools.cache
def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def setting(name: str):
    """A Hidden State setting (``hs_*``) of _config.yml's sphinx.config."""
    try:
        return book_config()["sphinx"]["config"][name]
    except KeyError:
        raise KeyError(f"_config.yml has no sphinx.config.{name}") from None


def languages() -> tuple[str, ...]:
    """The book's languages in _config.yml's order (hs_languages); the first is the source's."""
    return tuple(setting("hs_languages"))


LANGUAGES = languages()
SOURCE_LANGUAGE = LANGUAGES[0]
TRANSLATIONS = LANGUAGES[1:]


def language_entry(lang: str) -> dict:
    """The book's labels for one language (hs_languages in _config.yml)."""
    return setting("hs_languages")[lang]


def github_repo() -> str:
    """owner/name on GitHub, from Jupyter Book's repository.url (the site's repository button)."""
    url = book_config()["repository"]["url"]
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        raise ValueError(f"_config.yml's repository.url should be {prefix}OWNER/NAME, not {url}")
    return url.removeprefix(prefix).strip("/")


def notebooks_branch() -> str:
    return setting("hs_notebooks_branch")


def site_url() -> str:
    return setting("hs_site_url")


def torch_index() -> str:
    """Where the CPU build of PyTorch comes from (README, the publish workflow)."""
    return setting("hs_torch_index")


def edition() -> str:
    """The edition this source is (hs_edition), e.g. "1.0"."""
    return str(setting("hs_edition"))


def editions() -> list[str]:
    """Released editions, newest first (hs_editions)."""
    return [str(e) for e in setting("hs_editions")]


def release_tag(version: str | None = None) -> str:
    """The git tag of an edition: v1.0."""
    return f"v{version or edition()}"


def rnnbook_version() -> str:
    """rnnbook's version, from code/pyproject.toml; an edition's rnnbook is <edition>.0."""
    import tomllib

    return tomllib.loads((ROOT / "code" / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def wheel_name() -> str:
    return f"rnnbook-{rnnbook_version()}-py3-none-any.whl"


def release_notebooks_branch(release: bool) -> str:
    """Where Colab finds the notebooks: a released edition keeps its own branch, never overwritten."""
    return f"{notebooks_branch()}-{release_tag()}" if release else notebooks_branch()


def site_base(release: bool) -> str:
    """The site's address for this build: a released edition lives under v<edition>/."""
    return f"{site_url()}{release_tag()}/" if release else site_url()


def wheel_url() -> str:
    """Where a release publishes rnnbook's wheel (a GitHub release asset)."""
    return f"https://github.com/{github_repo()}/releases/download/{release_tag()}/{wheel_name()}"


def _is_release() -> bool:
    from .env import is_release

    return is_release()


def browser_code(lang: str) -> str:
    """The primary subtag a browser reports for the language: zh_CN -> zh (the root page's redirect)."""
    return lang.split("_")[0].lower()


def toc_pages() -> list[str]:
    """Every page of the book, in the order of _toc.yml (a chapter not in the TOC is not built)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        pages += [entry["file"] for entry in part["chapters"]]
    return pages


def notebook_pages() -> list[str]:
    """Pages that are notebooks: the chapters, not the appendices."""
    return [p for p in toc_pages() if p.startswith("chapters/") and "appendix" not in p]


# What ./book config prints, for the workflow and other shell scripts
CONFIG_KEYS = {
    "languages": lambda: " ".join(LANGUAGES),
    "translations": lambda: " ".join(TRANSLATIONS),
    "github-repo": github_repo,
    "notebooks-branch": notebooks_branch,
    "site-url": site_url,
    "torch-index": torch_index,
    "notebook-dir": lambda: NOTEBOOK_DIR,
    "edition": edition,
    # where this build's notebooks go: the notebooks branch, or a released edition's own (HEAD tagged)
    "colab-branch": lambda: release_notebooks_branch(_is_release()),
    "release-tag": release_tag,
    "wheel-name": wheel_name,
}
