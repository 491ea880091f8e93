"""./book build: conf.py from _config.yml, one execution cache for every language, the Sphinx runs
(skipped when nothing a language's build reads has changed), the generated notebooks and the root page."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import notebooks  # scripts/notebooks.py

from .config import (
    BUILD,
    CACHES,
    HTML,
    LANGUAGES,
    NOTEBOOK_DIR,
    ROOT,
    browser_code,
    github_repo,
    language_entry,
    notebook_pages,
    release_notebooks_branch,
    release_tag,
    rnnbook_version,
    site_base,
    wheel_name,
    wheel_url,
)
from .env import ensure_chromium, environment, is_release, revision, run
from .pdf import build_pdfs, pdf_name


def execution_cache(prune: bool = False) -> Path:
    """One jupyter-cache, at an absolute path, shared by every language and builder.

    jupyter-cache keys a notebook on its code cells only, so the path also carries a hash of
    ``rnnbook`` (code and message catalogues) and of the pinned requirements: when any changes,
    the chapters run afresh and no stale output is published.
    """
    digest = hashlib.sha256()
    package = ROOT / "code" / "rnnbook"
    # the outputs carry rnnbook's messages in every language, so its catalogues count too
    inputs = [*sorted(package.rglob("*.py")), *sorted(package.rglob("*.po")), ROOT / "requirements.txt"]
    for path in inputs:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    key = digest.hexdigest()[:16]
    caches = CACHES
    if prune and caches.exists():  # the build drops stale caches; a test that only looks must not
        for old in caches.iterdir():
            if old.name != key:
                shutil.rmtree(old, ignore_errors=True)
    path = (caches / key).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


CONF_EXTRA = """
# Added by scripts/book.py, for what _config.yml cannot say: Jupyter Book always loads Thebe
# (live code through Binder), which this book does not use; its scripts load from a CDN and
# declare THEBE_JS_URL twice on every page.
extensions = [e for e in extensions if e != "sphinx_thebe"]
"""


def sphinx_conf() -> None:
    """conf.py is generated from _config.yml (and ignored by git); again only when that changed."""
    from importlib.metadata import version

    source = (ROOT / "_config.yml").read_bytes() + CONF_EXTRA.encode() + version("jupyter-book").encode()
    stamp = BUILD / "stamps" / "conf.py.sha256"
    digest = hashlib.sha256(source).hexdigest()
    if (ROOT / "conf.py").exists() and stamp.exists() and stamp.read_text() == digest:
        return
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    run([jupyter_book, "config", "sphinx", "."], stdout=subprocess.DEVNULL, env=environment())
    with (ROOT / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(CONF_EXTRA)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)


def sphinx(builder: str, lang: str, outdir: Path, *extra: str, strict: bool = True) -> None:
    cmd = [sys.executable, "-m", "sphinx", "-b", builder, "-q", "-j", "1"]
    if strict:
        cmd += ["-n", "-W", "--keep-going"]
    cmd += ["-d", BUILD / "doctrees" / f"{builder}-{lang}", "-D", f"language={lang}", *extra, ".", outdir]
    # One execution serves four languages: the chapters' kernels print rnnbook's messages in every
    # language at once, and each language's build keeps its own (_ext/hidden_state.py).
    # RNNBOOK_BUILD: rnnbook.glue_figure glues figures for the pages instead of showing them in the cell.
    # RNNBOOK_STRICT: a checker that rejects a chapter's own solution raises, so the build fails.
    env = {**environment(), "RNNBOOK_ALL_LANGUAGES": "1", "RNNBOOK_BUILD": "1", "RNNBOOK_STRICT": "1"}
    env.pop("RNNBOOK_LANG", None)
    run(cmd, env=env)


SETUP_CELL = """\
# {comment}
import importlib.metadata, importlib.util, os, site, subprocess, sys

if importlib.util.find_spec("rnnbook") is None or importlib.metadata.version("rnnbook") != "{version}":
    spec = os.environ.get("RNNBOOK_PIP_SPEC", "{spec}")
    pip = [sys.executable, "-m", "pip", "install", "-qq", "--disable-pip-version-check"]
    subprocess.run([*pip, spec], check=True)
    if site.ENABLE_USER_SITE and site.getusersitepackages() not in sys.path:
        sys.path.append(site.getusersitepackages())  # pip's fallback when site-packages is read-only
    importlib.invalidate_caches()
os.environ["RNNBOOK_LANG"] = "{lang}"
"""


DATA_IMAGE = re.compile(r"!\[[^\]]*\]\(data:image/[^)]*\)\s*")
NOTEBOOK_LINK = re.compile(r"\]\((?P<page>[\w.-]+)\.ipynb(?P<anchor>#[^)\s]*)?\)")


def link_pages_without_notebooks(text: str, site: str, folder: str, notebooks: set[str]) -> str:
    """A link to a page that has no notebook (an appendix) goes to that page on the site, in the
    notebook's language; links between chapters stay relative (Colab and Jupyter open them).

    ``site``: this language's site, e.g. https://…/ru/; ``folder``: the pages' folder (chapters)."""

    def target(match):
        page = f"{folder}/{match['page']}" if folder else match["page"]
        if page in notebooks:
            return match.group(0)
        return f"]({site}{page}.html{match['anchor'] or ''})"

    return NOTEBOOK_LINK.sub(target, text)


def finish_notebook(
    source: Path, target: Path, spec: str, lang: str = "en", page: str = "", site: str = "", version: str = ""
) -> Path | None:
    """Give a generated notebook its setup cell (rnnbook at ``version`` from ``spec`` wherever it is
    missing), links that resolve outside the site (``site``: this language's site) and a standard
    kernel, then write it; if the chapter has exercises, write its student notebook
    (``<page>-exercises.ipynb``) next to it and return that path."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    setup = {
        "cell_type": "code",
        "execution_count": None,
        "id": "hs-colab-setup",
        "metadata": {"tags": ["colab-setup"]},
        "outputs": [],
        "source": SETUP_CELL.rstrip("\n").format(
            spec=spec, lang=lang, comment=language_entry(lang)["setup_comment"], version=version or rnnbook_version()
        ),
    }
    folder = str(PurePosixPath(page).parent) if page else ""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            # {glue:figure} arrives as an inline image whose alt text is its own data URI; the
            # code cell above draws the figure when the notebook runs, so keep only the caption.
            text = DATA_IMAGE.sub("", notebooks.cell_source(cell))
            if site:
                text = link_pages_without_notebooks(text, site, "" if folder == "." else folder, set(notebook_pages()))
            cell["source"] = text
    nb["cells"].insert(0, setup)
    for i, cell in enumerate(nb["cells"][1:], start=1):
        cell.setdefault("id", f"cell-{i}")
    metadata = nb.setdefault("metadata", {})
    metadata.pop("date", None)  # tojupyter stamps the build time: keep notebooks reproducible
    metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata["language_info"] = {"name": "python"}
    metadata["colab"] = {"provenance": []}
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    full, student = notebooks.split(nb, language_entry(lang)["exercise"], lang, page or source.stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(full, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if full["cells"] == student["cells"]:
        return None
    exercises = target.with_name(target.stem + notebooks.EXERCISES_SUFFIX + target.suffix)
    exercises.write_text(json.dumps(student, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return exercises


def fresh_if_machinery_changed(lang: str) -> None:
    """Sphinx rebuilds pages when sources or config change, not when our extension, templates or
    CSS do: start this language afresh when they did (cheap, the execution cache is kept)."""
    digest = hashlib.sha256()
    for folder in ("_ext", "_templates", "_static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    stamp = BUILD / "doctrees" / f".machinery-{lang}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    for stale in (
        HTML / lang,
        BUILD / "jupyter" / lang,
        BUILD / "doctrees" / f"html-{lang}",
        BUILD / "doctrees" / f"jupyter-{lang}",
    ):
        shutil.rmtree(stale, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest.hexdigest())


# What a language's site is built from: everything in the book's folder except these (and the
# other languages' catalogues). Tests, CI and README do not change a page.
NOT_BUILD_INPUTS = {"_build", ".venv", ".git", ".ci", ".github", "tests", "__pycache__", ".pytest_cache"}
NOT_BUILD_INPUTS |= {".ruff_cache", "node_modules", "README.md", "conf.py"}


def build_inputs_digest(lang: str) -> str:
    """A hash of every file the language's build reads, to skip Sphinx when none changed."""
    digest = hashlib.sha256()
    others = {f"locales/{other}" for other in LANGUAGES if other != lang}
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT).as_posix()
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in NOT_BUILD_INPUTS
            and not d.endswith(".egg-info")
            and f"{here}/{d}".lstrip("./") not in others | {"code/tests"}
        )
        for name in sorted(files):
            if name not in NOT_BUILD_INPUTS and not name.endswith((".pyc", ".mo")):
                path = Path(folder) / name
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


REBUILT: set[str] = set()  # languages whose Sphinx ran in this build: their PDF is printed again


def build_wheel() -> Path:
    """rnnbook's wheel, at the root of the site (and, for a release, attached to it by the publish
    workflow): pip installs it without git or network access to GitHub."""
    scratch = ROOT / "code" / "build"
    shutil.rmtree(scratch, ignore_errors=True)  # setuptools would reuse stale files from it
    out = BUILD / "dist"
    shutil.rmtree(out, ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    run([*pip, "./code", "-w", out], stdout=subprocess.DEVNULL, env=environment())
    shutil.rmtree(scratch, ignore_errors=True)
    wheel = out / wheel_name()
    if not wheel.exists():
        raise FileNotFoundError(
            f"pip wheel did not write {wheel}; is code/pyproject.toml's version {rnnbook_version()}?"
        )
    HTML.mkdir(parents=True, exist_ok=True)
    for old in HTML.glob("rnnbook-*.whl"):
        old.unlink()
    shutil.copy2(wheel, HTML / wheel.name)
    return wheel


def rnnbook_spec(release: bool) -> str:
    """What a notebook's setup cell installs: a released edition's wheel, or the built commit."""
    if release:
        return wheel_url()
    return f"rnnbook @ git+https://github.com/{github_repo()}@{revision()}#subdirectory=code"


def build_language(lang: str, cache: Path) -> float:
    start = time.perf_counter()
    release = is_release()
    jupyter_out = BUILD / "jupyter" / lang
    stamp = BUILD / "stamps" / f"{lang}.sha256"
    inputs = build_inputs_digest(lang) + f"release={release}"
    if stamp.exists() and stamp.read_text() == inputs and (HTML / lang / "intro.html").exists():
        print(f"   {lang}: nothing changed since the last build, Sphinx not run", flush=True)
    else:
        REBUILT.add(lang)
        stamp.unlink(missing_ok=True)
        fresh_if_machinery_changed(lang)
        common = [
            "-D",
            f"nb_execution_cache_path={cache}",
            "-D",
            f"hs_notebooks_branch={release_notebooks_branch(release)}",
            "-D",
            f"hs_current_edition={release_tag() if release else ''}",
        ]
        sphinx("html", lang, HTML / lang, *common)
        sphinx("jupyter", lang, jupyter_out, *common, "-D", f"tojupyter_urlpath={site_base(release)}{lang}/")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(inputs)
    spec = rnnbook_spec(release)
    for page in notebook_pages():
        target = HTML / lang / NOTEBOOK_DIR / f"{page}.ipynb"
        finish_notebook(jupyter_out / f"{page}.ipynb", target, spec, lang, page, site=f"{site_base(release)}{lang}/")
    return time.perf_counter() - start


def root_index() -> str:
    """The site's front door, from root-index.html: it goes to the reader's browser language, with
    plain links to every language of hs_languages."""
    import jinja2

    def entry(code):
        return {"code": code, "html_code": code.replace("_", "-"), **language_entry(code)}

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True, keep_trailing_newline=True
    )
    return environment.get_template("root-index.html").render(
        source=entry(LANGUAGES[0]),
        languages=[entry(code) for code in LANGUAGES],
        redirects={browser_code(code): code for code in LANGUAGES},
    )


def write_root_index() -> None:
    (HTML / "index.html").write_text(root_index(), encoding="utf-8")


def crosses_in_outputs(cache: Path, pages: list[str] | None = None, source: Path = ROOT) -> list[str]:
    """Every ✗ line in the executed outputs of the chapters as they are now: a checker that rejects
    the book's own answer must not reach a page, whatever printed it."""
    import jupytext
    from jupyter_cache import get_cache
    from jupyter_cache.base import CachingError

    found = []
    for page in notebook_pages() if pages is None else pages:
        try:
            record = get_cache(cache).match_cache_notebook(jupytext.read(source / f"{page}.md"))
        except (CachingError, KeyError):
            continue  # not executed here (myst-nb's own error is then the build's)
        nb = get_cache(cache).get_cache_bundle(record.pk).nb
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                text = output.get("text") or output.get("data", {}).get("text/plain", "")
                found += [f"  {page}: {line.strip()}" for line in text.splitlines() if line.lstrip().startswith("✗")]
    return found


def cmd_build(args) -> None:
    languages = args.lang or list(LANGUAGES)
    unknown = set(languages) - set(LANGUAGES)
    if unknown:
        sys.exit(f"unknown language(s) {sorted(unknown)}; choose from {', '.join(LANGUAGES)}")
    sphinx_conf()
    cache = execution_cache(prune=True)
    times = {}

    def build(lang):
        print(f"== building {lang} ==", flush=True)
        times[lang] = build_language(lang, cache)
        print(f"== {lang}: built in {times[lang]:.0f} s ==", flush=True)

    # The first language executes what the cache lacks; the others only read the cache, so they
    # can share the machine's cores.
    build(languages[0])
    crosses = crosses_in_outputs(cache)
    if crosses:
        sys.exit("a checker printed ✗ in the book's own outputs:\n" + "\n".join(crosses))
    with ThreadPoolExecutor(max_workers=max(1, min(len(languages) - 1, os.cpu_count() or 1))) as pool:
        list(pool.map(build, languages[1:]))
    write_root_index()
    build_wheel()
    # the PDFs and the instructor kits: Chromium prints each rebuilt language (./book setup installs it)
    stale = [lang for lang in languages if lang in REBUILT or not (HTML / lang / pdf_name(lang)).exists()]
    if stale and not shutil.which("chromium") and os.name == "posix" and os.geteuid() == 0:
        ensure_chromium()
    if stale and not shutil.which("chromium"):
        print(
            "   PDFs and instructor kits NOT printed: they need Chromium and CJK fonts "
            "(./book setup, or: sudo apt-get install chromium fonts-noto-cjk)",
            flush=True,
        )
    elif stale:
        start = time.perf_counter()
        build_pdfs(stale)
        print(f"   PDFs and kits ({', '.join(stale)}) printed in {time.perf_counter() - start:.0f} s", flush=True)
    print("\nBuild times:")
    for lang, seconds in times.items():
        print(f"  {lang:<6} {seconds:6.0f} s")
    print(f"\nOpen the site: {HTML / 'index.html'}")
    print(f"  (or serve it: python -m http.server -d {os.path.relpath(HTML, ROOT)} 8000, then http://localhost:8000/)")
