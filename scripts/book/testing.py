"""./book test: every test, in the order that fails fastest; ``./book test PART`` runs one part
(the pull-request jobs of CI)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from .build import cmd_build
from .config import BUILD
from .env import colab_venv, ensure_chromium, environment, run

CLAIMS = "tests/test_supported_platforms.py"  # README's set-up claims: the lock, other Pythons
BROWSER = "tests/test_browser.py"  # Chromium driven by Playwright
COLAB = "tests/test_colab_simulation.py"  # every notebook under Colab's library versions
PARTS = ("fast", "site", "browser", "colab")


def cmd_setup(args) -> None:
    """The set-up step beyond .venv (which ./book makes itself): Debian's Chromium and CJK fonts for
    the browser tests, installed with apt-get as root. CI runs it first; ./book test runs it when
    Chromium is missing."""
    ensure_chromium()
    print("set up: .venv, Chromium and CJK fonts are in place")


def cmd_test(args) -> None:
    part = getattr(args, "part", None)
    if part in (None, "browser"):
        ensure_chromium()
    colab = None
    if part in (None, "colab"):
        # Colab's versions install (from PyPI, a few minutes) while the lint, the package tests and
        # the build run; the Colab simulation waits for them
        colab = ThreadPoolExecutor(max_workers=1).submit(colab_venv)
    if part in (None, "fast"):
        linted = ["code", "scripts", "tests", "_ext"]
        run([sys.executable, "-m", "ruff", "check", *linted])
        run([sys.executable, "-m", "ruff", "format", "--check", *linted])
        # rnnbook against the real frameworks: here none of them may be missing (and so skipped)
        run(
            [sys.executable, "-m", "pytest", "-q", "code/tests"],
            env={**environment(), "RNNBOOK_TESTS_FRAMEWORKS": "required"},
        )
        # under a minute, so before the long build
        run([sys.executable, "-m", "pytest", "-q", CLAIMS], env=environment())
    if part == "fast":
        return
    cmd_build(argparse.Namespace(lang=None))
    if colab is not None:
        try:
            colab.result()
        except subprocess.CalledProcessError:
            sys.exit(f"installing Colab's versions failed: see {BUILD / 'colab-venv.log'}")
    selected = {
        None: ["tests", f"--ignore={CLAIMS}"],
        "site": ["tests", f"--ignore={CLAIMS}", f"--ignore={BROWSER}", f"--ignore={COLAB}"],
        "browser": [BROWSER],
        "colab": [COLAB],
    }[part]
    run([sys.executable, "-m", "pytest", "-q", "--durations=25", *selected], env=environment())
