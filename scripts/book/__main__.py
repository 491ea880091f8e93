"""``python scripts/book`` (what ./book runs)."""

import sys
from pathlib import Path

# scripts/ holds this package and the modules it shares with the tests (i18n, notebooks, grade)
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from book.cli import main  # noqa: E402

main()
