"""./book bench: run times, build times and page weights against their budgets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import i18n  # scripts/i18n.py

from .config import LANGUAGES, ROOT, notebook_pages
from .env import ensure_chromium, environment

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
        build = [sys.executable, str(copy / "scripts" / "book"), "build"]
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
