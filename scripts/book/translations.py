"""./book i18n-update, i18n-status and i18n-check: the translators' commands."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import i18n  # scripts/i18n.py

from .build import sphinx, sphinx_conf
from .config import BUILD, ROOT, TRANSLATIONS
from .env import environment, run


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
    """The translation gate, the same as the tests': every catalogue in step with the English
    source, every message translated, none fuzzy, all markup kept."""
    import tempfile

    sphinx_conf()
    with tempfile.TemporaryDirectory(prefix="hidden-state-gettext-") as out:
        english = i18n.english_messages(ROOT, environment(), Path(out))
    problems = i18n.problems(ROOT / "locales", args.lang or TRANSLATIONS, english)
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(f"{len(problems)} translation problem(s)")
    print("translations complete and in step with the English: nothing untranslated or fuzzy, all markup kept")
