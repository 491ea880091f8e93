"""The command line of ./book."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import grade  # scripts/grade.py

from . import __doc__ as DOC
from .bench import cmd_bench
from .build import cmd_build
from .config import CONFIG_KEYS, ROOT
from .release import cmd_assemble_site, cmd_store_edition
from .testing import PARTS, cmd_setup, cmd_test
from .translations import cmd_i18n_check, cmd_i18n_status, cmd_i18n_update


def cmd_grade(args) -> None:
    """Grade a folder of submitted student notebooks (scripts/grade.py) against the built site."""
    if args.site == grade.SITE:
        cmd_build(argparse.Namespace(lang=None))  # the student notebooks as they are now (no-op when built)
    code = grade.run(args)
    if code:
        sys.exit(code)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="./book", description=DOC.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the site and notebooks in every language")
    build.add_argument("--lang", action="append", help="build only this language (repeatable)")
    build.set_defaults(func=cmd_build)
    test = sub.add_parser("test", help="run every test")
    test.add_argument(
        "part",
        nargs="?",
        choices=PARTS,
        help="only one part (CI's jobs on pull requests): fast = lint and rnnbook's tests, site = the "
        "build and the checks of the built site, browser, colab; every part when left out",
    )
    test.set_defaults(func=cmd_test)
    sub.add_parser("bench", help="performance budgets, printed as a table").set_defaults(func=cmd_bench)
    sub.add_parser("i18n-update", help="refresh the .po catalogues").set_defaults(func=cmd_i18n_update)
    sub.add_parser("i18n-status", help="translation status per page").set_defaults(func=cmd_i18n_status)
    grading = sub.add_parser("grade", help="grade a folder of student notebooks with nbgrader")
    grade.add_arguments(grading)
    grading.set_defaults(func=cmd_grade)
    check = sub.add_parser("i18n-check", help="fail on untranslated, fuzzy or broken-markup messages")
    check.add_argument("--lang", action="append", help="check only this language (repeatable)")
    check.set_defaults(func=cmd_i18n_check)
    setup = sub.add_parser("setup", help="install what the tests need beyond .venv: Chromium and CJK fonts")
    setup.set_defaults(func=cmd_setup)
    store = sub.add_parser("store-edition", help="keep this tagged build's site in a folder of editions")
    store.add_argument("--store", required=True, help="the folder of editions (the editions branch)")
    store.set_defaults(func=cmd_store_edition)
    assemble = sub.add_parser("assemble-site", help="the latest site plus every stored edition, for Pages")
    assemble.add_argument("--store", required=True, help="the folder of editions (the editions branch)")
    assemble.add_argument("--out", required=True, help="where to write the site to deploy")
    assemble.set_defaults(func=cmd_assemble_site)
    config = sub.add_parser("config", help="print one of the book's settings (read from _config.yml)")
    config.add_argument("key", choices=sorted(CONFIG_KEYS))
    config.set_defaults(func=lambda args: print(CONFIG_KEYS[args.key]()))
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    try:
        args.func(args)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"command failed with exit code {exc.returncode}: {' '.join(map(str, exc.cmd))}")
