"""The book's commands: build the four-language site, run every test, keep translations in step.

Run through the ``./book`` wrapper, which creates the virtual environment first:

    ./book build [--lang ru ...]   # HTML + notebooks for every (or the given) language
    ./book test                    # lint, package tests, build with -n -W, book checks
    ./book i18n-update             # refresh the .po catalogues after English changed
    ./book i18n-status             # messages, untranslated and fuzzy per language and page
    ./book i18n-check              # the translation gate: complete, not fuzzy, markup kept
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
LANGUAGES = ("en", "ru", "zh_CN", "ja")
TRANSLATIONS = LANGUAGES[1:]
NOTEBOOK_DIR = "notebooks"

sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402  (scripts/i18n.py)


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, **kwargs)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "_ext"), env.get("PYTHONPATH")]))
    return env


def execution_cache() -> Path:
    """One jupyter-cache, at an absolute path, shared by every language and builder.

    jupyter-cache keys a notebook on its code cells only, so the path also carries a hash of
    ``rnnbook`` and of the pinned requirements: when either changes, the chapters run afresh
    and no stale output is published.
    """
    digest = hashlib.sha256()
    inputs = [*sorted((ROOT / "code" / "rnnbook").rglob("*.py")), ROOT / "requirements.txt"]
    for path in inputs:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    key = digest.hexdigest()[:16]
    caches = BUILD / ".jupyter_cache"
    if caches.exists():
        for old in caches.iterdir():
            if old.name != key:
                shutil.rmtree(old, ignore_errors=True)
    path = (caches / key).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def sphinx_conf() -> None:
    """conf.py is generated from _config.yml (and ignored by git)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    run([jupyter_book, "config", "sphinx", "."], stdout=subprocess.DEVNULL, env=environment())


def sphinx(builder: str, lang: str, outdir: Path, *extra: str, strict: bool = True) -> None:
    cmd = [sys.executable, "-m", "sphinx", "-b", builder, "-q", "-j", "1"]
    if strict:
        cmd += ["-n", "-W", "--keep-going"]
    cmd += ["-d", BUILD / "doctrees" / f"{builder}-{lang}", "-D", f"language={lang}", *extra, ".", outdir]
    run(cmd, env=environment())


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
# Colab setup: install the book's helper package, rnnbook, if it is missing.
import importlib.util, os, subprocess, sys

if "google.colab" in sys.modules and importlib.util.find_spec("rnnbook") is None:
    spec = os.environ.get("RNNBOOK_PIP_SPEC", "{spec}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)"""


DATA_IMAGE = re.compile(r"!\[[^\]]*\]\(data:image/[^)]*\)\s*")


def finish_notebook(source: Path, target: Path, spec: str) -> None:
    """Give a generated notebook its Colab setup cell and a standard kernel, then write it."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    setup = {
        "cell_type": "code",
        "execution_count": None,
        "id": "hs-colab-setup",
        "metadata": {"tags": ["colab-setup"]},
        "outputs": [],
        "source": SETUP_CELL.format(spec=spec),
    }
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            # {glue:figure} arrives as an inline image whose alt text is its own data URI; the
            # code cell above draws the figure when the notebook runs, so keep only the caption.
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = DATA_IMAGE.sub("", source)
    nb["cells"].insert(0, setup)
    for i, cell in enumerate(nb["cells"][1:], start=1):
        cell.setdefault("id", f"cell-{i}")
    metadata = nb.setdefault("metadata", {})
    metadata.pop("date", None)  # tojupyter stamps the build time: keep notebooks reproducible
    metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata["language_info"] = {"name": "python"}
    metadata["colab"] = {"provenance": []}
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def notebook_pages() -> list[str]:
    return sorted(
        str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "chapters").glob("*.md") if "appendix" not in p.name
    )


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


def build_language(lang: str, cache: Path) -> float:
    start = time.perf_counter()
    fresh_if_machinery_changed(lang)
    common = ["-D", f"nb_execution_cache_path={cache}"]
    sphinx("html", lang, HTML / lang, *common)
    jupyter_out = BUILD / "jupyter" / lang
    sphinx("jupyter", lang, jupyter_out, *common, "-D", f"tojupyter_urlpath={site_url()}{lang}/")
    spec = f"rnnbook @ git+https://github.com/{github_repo()}@{revision()}#subdirectory=code"
    for page in notebook_pages():
        finish_notebook(jupyter_out / f"{page}.ipynb", HTML / lang / NOTEBOOK_DIR / f"{page}.ipynb", spec)
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
    cache = execution_cache()
    times = {}
    for lang in languages:
        print(f"== building {lang} ==", flush=True)
        times[lang] = build_language(lang, cache)
        print(f"== {lang}: built in {times[lang]:.0f} s ==", flush=True)
    write_root_index()
    print("\nBuild times:")
    for lang, seconds in times.items():
        print(f"  {lang:<6} {seconds:6.0f} s")
    print(f"\nOpen the site: {HTML / 'index.html'}")
    print(f"  (or serve it: python -m http.server -d {HTML.relative_to(ROOT)} 8000, then http://localhost:8000/)")


def cmd_test(args) -> None:
    linted = ["code", "scripts", "tests", "_ext"]
    run([sys.executable, "-m", "ruff", "check", *linted])
    run([sys.executable, "-m", "ruff", "format", "--check", *linted])
    run([sys.executable, "-m", "pytest", "-q", "code/tests"], env=environment())
    cmd_build(argparse.Namespace(lang=None))
    run([sys.executable, "-m", "pytest", "-q", "tests"], env=environment())


def cmd_i18n_update(args) -> None:
    sphinx_conf()
    gettext = BUILD / "gettext"
    shutil.rmtree(gettext, ignore_errors=True)
    # No execution: the catalogues hold prose only. Glue values are unknown here, hence no -W.
    sphinx("gettext", "en", gettext, "-D", "nb_execution_mode=off", "-D", "suppress_warnings=mystnb.glue", strict=False)
    cmd = [sys.executable, "-m", "sphinx_intl", "update", "-p", gettext, "-d", "locales", "-w", "0"]
    for lang in TRANSLATIONS:
        cmd += ["-l", lang]
    run(cmd)
    filled = i18n.prefill_untranslatable(ROOT / "locales")
    print(f"pre-filled {filled} messages that hold only math or code")
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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="./book", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the site and notebooks in every language")
    build.add_argument("--lang", action="append", help="build only this language (repeatable)")
    build.set_defaults(func=cmd_build)
    sub.add_parser("test", help="run every test").set_defaults(func=cmd_test)
    sub.add_parser("i18n-update", help="refresh the .po catalogues").set_defaults(func=cmd_i18n_update)
    sub.add_parser("i18n-status", help="translation status per page").set_defaults(func=cmd_i18n_status)
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
