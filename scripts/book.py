"""The book's commands: build the four-language site, run every test, keep translations in step.

Run through the ``./book`` wrapper, which creates the virtual environment first:

    ./book build [--lang ru ...]   # HTML + notebooks for every (or the given) language
    ./book test                    # lint, package tests, build with -n -W, book checks
    ./book i18n-update             # refresh the .po catalogues after English changed
    ./book i18n-status             # messages, untranslated and fuzzy per language and page
    ./book i18n-check              # the translation gate: complete, not fuzzy, markup kept
    ./book bench                   # run times, build times and page weights against their budgets
    ./book grade SUBMISSIONS       # grade students' notebooks with nbgrader: grades.csv, feedback/
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
LANGUAGES = ("en", "ru", "zh_CN", "ja")
TRANSLATIONS = LANGUAGES[1:]
NOTEBOOK_DIR = "notebooks"

sys.path.insert(0, str(ROOT / "scripts"))
import grade  # noqa: E402  (scripts/grade.py)
import i18n  # noqa: E402  (scripts/i18n.py)
import notebooks  # noqa: E402  (scripts/notebooks.py)


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, **kwargs)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "_ext"), env.get("PYTHONPATH")]))
    env["IPYTHONDIR"] = str(quiet_ipython_profile())
    return env


def quiet_ipython_profile() -> Path:
    """An IPython profile for the build's kernels: no user start-up files, and ipykernel's notice
    about unencrypted local TCP (the kernels only talk to this process) kept out of the logs."""
    path = BUILD / "ipython"
    config = path / "profile_default" / "ipython_kernel_config.py"
    # and no history database: each chapter's kernel lives for one run (a little less start-up)
    wanted = 'c.IPKernelApp.log_level = "ERROR"\nc.HistoryManager.enabled = False\n'
    if not config.exists() or config.read_text(encoding="utf-8") != wanted:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(wanted, encoding="utf-8")
    return path


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
    caches = BUILD / ".jupyter_cache"
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
    # RNNBOOK_BUILD: rnnbook.glue_figure glues figures for the pages instead of showing them in the cell
    env = {**environment(), "RNNBOOK_ALL_LANGUAGES": "1", "RNNBOOK_BUILD": "1"}
    env.pop("RNNBOOK_LANG", None)
    run(cmd, env=env)


def revision() -> str:
    """The commit the site is built from; Colab installs rnnbook at the same one."""
    if os.environ.get("HS_REVISION"):
        return os.environ["HS_REVISION"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "main"


def github_repo() -> str:
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    return re.search(r"^\s*hs_github_repo:\s*(\S+)", text, re.M).group(1)


SETUP_CELL = """\
# {comment}
import importlib.util, os, subprocess, sys

if "google.colab" in sys.modules and importlib.util.find_spec("rnnbook") is None:
    spec = os.environ.get("RNNBOOK_PIP_SPEC", "{spec}")
    pip = [sys.executable, "-m", "pip", "install", "-qq", "--disable-pip-version-check"]
    subprocess.run([*pip, spec], check=True)
os.environ["RNNBOOK_LANG"] = "{lang}"
"""


def language_entry(lang: str) -> dict:
    """The book's labels for one language, from hs_languages in _config.yml."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["hs_languages"][lang]


DATA_IMAGE = re.compile(r"!\[[^\]]*\]\(data:image/[^)]*\)\s*")


def finish_notebook(source: Path, target: Path, spec: str, lang: str = "en", page: str = "") -> Path | None:
    """Give a generated notebook its Colab setup cell and a standard kernel, then write it; if the
    chapter has exercises, write its student notebook (``<page>-exercises.ipynb``) next to it and
    return that path."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    setup = {
        "cell_type": "code",
        "execution_count": None,
        "id": "hs-colab-setup",
        "metadata": {"tags": ["colab-setup"]},
        "outputs": [],
        "source": SETUP_CELL.rstrip("\n").format(spec=spec, lang=lang, comment=language_entry(lang)["setup_comment"]),
    }
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            # {glue:figure} arrives as an inline image whose alt text is its own data URI; the
            # code cell above draws the figure when the notebook runs, so keep only the caption.
            cell["source"] = DATA_IMAGE.sub("", notebooks.cell_source(cell))
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


def toc_pages() -> list[str]:
    """Every page of the book, in the order of _toc.yml (a chapter not in the TOC is not built)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        pages += [entry["file"] for entry in part["chapters"]]
    return pages


def notebook_pages() -> list[str]:
    """Pages that are notebooks: the chapters, not the appendices."""
    return [p for p in toc_pages() if p.startswith("chapters/") and "appendix" not in p]


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


def build_language(lang: str, cache: Path) -> float:
    start = time.perf_counter()
    jupyter_out = BUILD / "jupyter" / lang
    stamp = BUILD / "stamps" / f"{lang}.sha256"
    inputs = build_inputs_digest(lang)
    if stamp.exists() and stamp.read_text() == inputs and (HTML / lang / "intro.html").exists():
        print(f"   {lang}: nothing changed since the last build, Sphinx not run", flush=True)
    else:
        stamp.unlink(missing_ok=True)
        fresh_if_machinery_changed(lang)
        common = ["-D", f"nb_execution_cache_path={cache}"]
        sphinx("html", lang, HTML / lang, *common)
        sphinx("jupyter", lang, jupyter_out, *common, "-D", f"tojupyter_urlpath={site_url()}{lang}/")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(inputs)
    spec = f"rnnbook @ git+https://github.com/{github_repo()}@{revision()}#subdirectory=code"
    for page in notebook_pages():
        target = HTML / lang / NOTEBOOK_DIR / f"{page}.ipynb"
        finish_notebook(jupyter_out / f"{page}.ipynb", target, spec, lang, page)
    return time.perf_counter() - start


def site_url() -> str:
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    return re.search(r"^\s*hs_site_url:\s*(\S+)", text, re.M).group(1)


LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "zh_CN": "简体中文", "ja": "日本語"}


def write_root_index() -> None:
    """The site's front door: go to the reader's browser language, with plain links to all four."""
    links = "\n".join(
        f'    <li><a href="{code}/intro.html" hreflang="{code.replace("_", "-")}" '
        f'lang="{code.replace("_", "-")}">{html.escape(name)}</a></li>'
        for code, name in LANGUAGE_NAMES.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Hidden State</title>
  <script>
    (function () {{
      var available = {{"en": "en", "ru": "ru", "zh": "zh_CN", "ja": "ja"}};
      var wanted = navigator.languages || [navigator.language || "en"];
      for (var i = 0; i < wanted.length; i++) {{
        var code = available[String(wanted[i]).toLowerCase().split("-")[0]];
        if (code) {{ window.location.replace(code + "/intro.html"); return; }}
      }}
      window.location.replace("en/intro.html");
    }})();
  </script>
</head>
<body>
  <h1>Hidden State</h1>
  <p>Choose a language:</p>
  <ul>
{links}
  </ul>
</body>
</html>
"""
    (HTML / "index.html").write_text(page, encoding="utf-8")


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
    with ThreadPoolExecutor(max_workers=max(1, min(len(languages) - 1, os.cpu_count() or 1))) as pool:
        list(pool.map(build, languages[1:]))
    write_root_index()
    print("\nBuild times:")
    for lang, seconds in times.items():
        print(f"  {lang:<6} {seconds:6.0f} s")
    print(f"\nOpen the site: {HTML / 'index.html'}")
    print(f"  (or serve it: python -m http.server -d {HTML.relative_to(ROOT)} 8000, then http://localhost:8000/)")


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium (Playwright cannot download its own here)."""
    if shutil.which("chromium"):
        return
    if os.geteuid() != 0:
        sys.exit("the browser tests need Chromium: sudo apt-get install chromium fonts-noto-cjk")
    print("Installing Chromium and CJK fonts for the browser tests (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


COLAB_CONSTRAINTS = ROOT / "tests" / "colab-constraints.txt"


def colab_venv() -> Path:
    """The simulated Colab's environment (tests/test_colab_simulation.py): Colab's library versions in
    a venv of their own, made once per version of tests/colab-constraints.txt and kept in _build/."""
    digest = hashlib.sha256(COLAB_CONSTRAINTS.read_bytes() + sys.version.encode()).hexdigest()[:12]
    venv = BUILD / f"colab-venv-{digest}"
    done = venv / ".installed"
    if done.exists():
        return venv
    for old in BUILD.glob("colab-venv-*"):
        shutil.rmtree(old, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    log = BUILD / "colab-venv.log"
    with log.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, stdout=out, stderr=out)
        python = venv / "bin" / "python"
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "-r", COLAB_CONSTRAINTS], check=True, stdout=out, stderr=out
        )
    done.write_text(COLAB_CONSTRAINTS.read_text(encoding="utf-8"), encoding="utf-8")
    return venv


def cmd_test(args) -> None:
    ensure_chromium()
    # Colab's versions install (from PyPI, a few minutes) while the lint, the package tests and the
    # build run; the Colab simulation waits for them
    colab = ThreadPoolExecutor(max_workers=1).submit(colab_venv)
    linted = ["code", "scripts", "tests", "_ext"]
    run([sys.executable, "-m", "ruff", "check", *linted])
    run([sys.executable, "-m", "ruff", "format", "--check", *linted])
    # rnnbook against the real frameworks: here none of them may be missing (and so skipped)
    run(
        [sys.executable, "-m", "pytest", "-q", "code/tests"],
        env={**environment(), "RNNBOOK_TESTS_FRAMEWORKS": "required"},
    )
    # README's set-up claims (the lock on every platform, rnnbook on other Pythons): under a minute,
    # so before the long build
    claims = "tests/test_supported_platforms.py"
    run([sys.executable, "-m", "pytest", "-q", claims], env=environment())
    cmd_build(argparse.Namespace(lang=None))
    try:
        colab.result()
    except subprocess.CalledProcessError:
        sys.exit(f"installing Colab's versions failed: see {BUILD / 'colab-venv.log'}")
    run([sys.executable, "-m", "pytest", "-q", "--durations=25", "tests", f"--ignore={claims}"], env=environment())


def cmd_grade(args) -> None:
    """Grade a folder of submitted student notebooks (scripts/grade.py) against the built site."""
    if args.site == grade.SITE:
        cmd_build(argparse.Namespace(lang=None))  # the student notebooks as they are now (no-op when built)
    code = grade.run(args)
    if code:
        sys.exit(code)


def cmd_i18n_update(args) -> None:
    sphinx_conf()
    gettext = BUILD / "gettext"
    shutil.rmtree(gettext, ignore_errors=True)
    # No execution: the catalogues hold prose only. Glue values are unknown here, hence no -W.
    sphinx("gettext", "en", gettext, "-D", "nb_execution_mode=off", "-D", "suppress_warnings=mystnb.glue", strict=False)
    # The interface's catalogue (sphinx.po: theme and template strings) is written by hand, not
    # extracted: Sphinx would extract only the templates' few strings and drop the rest.
    (gettext / "sphinx.pot").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "sphinx_intl", "update", "-p", gettext, "-d", "locales", "-w", "0"]
    for lang in TRANSLATIONS:
        cmd += ["-l", lang]
    run(cmd)
    filled = i18n.prefill_untranslatable(ROOT / "locales")
    print(f"pre-filled {filled} messages that hold only math or code")
    i18n.update_rnnbook(ROOT, TRANSLATIONS)
    print("updated rnnbook's catalogues in code/rnnbook/locale/")
    cmd_i18n_status(args)


def cmd_i18n_status(args) -> None:
    rows = i18n.status(ROOT / "locales", TRANSLATIONS)
    print(f"{'language':<8} {'page':<34} {'messages':>8} {'untranslated':>12} {'fuzzy':>6}")
    for row in rows:
        print(f"{row.lang:<8} {row.page:<34} {row.total:>8} {row.untranslated:>12} {row.fuzzy:>6}")
    for lang in TRANSLATIONS:
        mine = [r for r in rows if r.lang == lang]
        total = sum(r.total for r in mine)
        done = total - sum(r.untranslated + r.fuzzy for r in mine)
        share = 100.0 * done / total if total else 0.0
        print(f"{lang}: {done}/{total} messages translated ({share:.0f} %)")


def cmd_i18n_check(args) -> None:
    """Every message translated, none fuzzy, and all markup kept: the translation gate."""
    problems = i18n.problems(ROOT / "locales", args.lang or TRANSLATIONS)
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(f"{len(problems)} translation problem(s)")
    print("translations complete: no untranslated or fuzzy message, all markup kept")


CHAPTER_BUDGET = 30  # seconds for a chapter from a fresh kernel on 2 cores, imports included


def chapter_run_time(path: Path) -> float:
    """Seconds to run a chapter top to bottom from a fresh kernel, imports included."""
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    return time.perf_counter() - start


def executions(cache: Path) -> int:
    """How many notebook executions the jupyter-cache holds."""
    from jupyter_cache import get_cache

    return len(get_cache(cache).list_cache_records()) if cache.exists() else 0


def page_weight(url: str) -> tuple[int, int]:
    """Bytes a browser loads to show the page (HTML, CSS, scripts, fonts, images): as stored, and
    as transferred by a server that gzips its responses (GitHub Pages does)."""
    import gzip

    from playwright.sync_api import sync_playwright

    bodies = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page()
        page.on("response", lambda r: bodies.__setitem__(r.url, r.body()) if r.ok else None)
        page.goto(url, wait_until="networkidle")
        browser.close()
    stored = sum(len(b) for b in bodies.values())
    transferred = sum(min(len(b), len(gzip.compress(b))) for b in bodies.values())
    return stored, transferred


def cmd_bench(args) -> None:
    """Performance budgets: prints a table; a figure over budget is marked OVER."""
    import functools
    import http.server
    import tempfile
    import threading

    ensure_chromium()  # the page weights are measured in Chromium
    os.environ.update(environment())  # the chapters run in kernels started from this process
    rows = []

    def row(what, seconds_or_bytes, budget, unit):
        ok = seconds_or_bytes <= budget
        shown = f"{seconds_or_bytes:.0f} s" if unit == "s" else f"{seconds_or_bytes / 1e6:.2f} MB"
        limit = f"{budget:.0f} s" if unit == "s" else f"{budget / 1e6:.0f} MB"
        rows.append((what, shown, limit, "ok" if ok else "OVER"))
        print(f"  {what}: {shown} (budget {limit})", flush=True)

    for path in sorted((ROOT / "chapters").glob("*.md")):
        if "appendix" not in path.name:
            row(f"run {path.stem} from a fresh kernel", chapter_run_time(path), CHAPTER_BUDGET, "s")

    with tempfile.TemporaryDirectory(prefix="hidden-state-bench-") as tmp:
        copy = Path(tmp) / "book"
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        for name in files.split():
            if (ROOT / name).is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, copy / name)
        build = [sys.executable, str(copy / "scripts" / "book.py"), "build"]
        quiet = {"stdout": subprocess.DEVNULL, "env": environment()}

        start = time.perf_counter()
        subprocess.run(build, check=True, **quiet)
        row("cold build, 4 languages (nothing cached)", time.perf_counter() - start, 6 * 60, "s")

        start = time.perf_counter()
        subprocess.run(build, check=True, **quiet)
        row("rebuild, nothing changed", time.perf_counter() - start, 10, "s")

        cache = next((copy / "_build" / ".jupyter_cache").iterdir())
        before = executions(cache)
        po = copy / "locales" / "ru" / "LC_MESSAGES" / "chapters" / "01-mlp.po"
        catalog = i18n.read(po)
        message = next(m for m in i18n.messages(catalog) if len(m.string) > 80)
        message.string += " "  # one translated paragraph changes
        i18n.write(po, catalog)
        start = time.perf_counter()
        subprocess.run(build, check=True, **quiet)
        seconds = time.perf_counter() - start
        rerun = executions(cache) - before
        row(f"rebuild after one Russian paragraph changed ({rerun} notebooks re-executed)", seconds, 40, "s")
        if rerun:
            rows[-1] = (*rows[-1][:3], "OVER")

        site = copy / "_build" / "html"

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):  # one line per request would bury the table
                pass

        handler = functools.partial(Quiet, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        for lang in LANGUAGES:
            for page in notebook_pages():
                stored, transferred = page_weight(f"{base}/{lang}/{page}.html")
                row(f"page weight {lang}/{page} ({stored / 1e6:.2f} MB uncompressed)", transferred, 2e6, "B")
        httpd.shutdown()

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':>9}  {'budget':>7}  status")
    for what, shown, limit, status in rows:
        print(f"{what:<{width}}  {shown:>9}  {limit:>7}  {status}")
    if any(r[3] == "OVER" for r in rows):
        sys.exit("some figures are over budget")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="./book", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the site and notebooks in every language")
    build.add_argument("--lang", action="append", help="build only this language (repeatable)")
    build.set_defaults(func=cmd_build)
    sub.add_parser("test", help="run every test").set_defaults(func=cmd_test)
    sub.add_parser("bench", help="performance budgets, printed as a table").set_defaults(func=cmd_bench)
    sub.add_parser("i18n-update", help="refresh the .po catalogues").set_defaults(func=cmd_i18n_update)
    sub.add_parser("i18n-status", help="translation status per page").set_defaults(func=cmd_i18n_status)
    grading = sub.add_parser("grade", help="grade a folder of student notebooks with nbgrader")
    grade.add_arguments(grading)
    grading.set_defaults(func=cmd_grade)
    check = sub.add_parser("i18n-check", help="fail on untranslated, fuzzy or broken-markup messages")
    check.add_argument("--lang", action="append", help="check only this language (repeatable)")
    check.set_defaults(func=cmd_i18n_check)
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    try:
        args.func(args)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"command failed with exit code {exc.returncode}: {' '.join(map(str, exc.cmd))}")


if __name__ == "__main__":
    main()
