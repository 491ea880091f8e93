"""The book's commands: build the four-language site, run every test, keep translations in step.

Run through the ``./book`` wrapper, which creates the virtual environment first. One module per
concern: config (the facts of _config.yml and _toc.yml), env, build, translations, bench, testing, cli.

    ./book build [--lang ru ...]   # HTML, notebooks, PDFs and kits for every (or the given) language
    ./book test [PART]             # lint, package tests, build with -n -W, book checks
    ./book setup                   # Chromium and CJK fonts for the browser tests (apt-get, as root)
    ./book config KEY              # one setting of _config.yml (languages, notebooks-branch, ...)
    ./book i18n-update             # refresh the .po catalogues after English changed
    ./book i18n-status             # messages, untranslated and fuzzy per language and page
    ./book i18n-check              # the translation gate: complete, not fuzzy, markup kept
    ./book bench                   # run times, build times and page weights against their budgets
    ./book grade SUBMISSIONS       # grade students' notebooks with nbgrader: grades.csv, feedback/
"""

from .build import build_wheel, execution_cache, finish_notebook, rnnbook_spec, root_index, sphinx_conf  # noqa: F401
from .config import (  # noqa: F401
    BUILD,
    HTML,
    LANGUAGES,
    NOTEBOOK_DIR,
    ROOT,
    TRANSLATIONS,
    book_config,
    browser_code,
    edition,
    editions,
    github_repo,
    language_entry,
    notebook_pages,
    notebooks_branch,
    release_notebooks_branch,
    release_tag,
    rnnbook_version,
    site_base,
    site_url,
    toc_pages,
    torch_index,
    wheel_name,
    wheel_url,
)
from .env import COLAB_CONSTRAINTS, colab_venv, environment, is_release  # noqa: F401
from .pdf import KIT_DIR, pdf_name  # noqa: F401
