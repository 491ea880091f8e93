"""Editions on the published site: ``./book store-edition`` and ``./book assemble-site``.

GitHub Pages serves one folder. The latest edition (built from main) sits at its root; every released
edition keeps its own copy under ``v<edition>/``. A tagged build stores its site in the ``editions``
branch (``store-edition``), once; every deployment then joins the latest build with the stored editions
(``assemble-site``), so a push to main never removes a released edition, and a release never replaces
the latest one. The publish workflow runs both (.github/workflows/publish.yml).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .config import editions, release_tag

EDITION_FOLDER = re.compile(r"v\d+(\.\d+)+")


def store_edition(site: Path, store: Path, tag: str | None = None) -> Path:
    """Copy a built site into ``store/<tag>`` (replacing an older copy of the same edition)."""
    tag = tag or release_tag()
    if not EDITION_FOLDER.fullmatch(tag):
        raise ValueError(f"expected an edition's tag such as v1.0, got {tag!r}")
    if not (site / "index.html").exists():
        raise FileNotFoundError(f"no built site at {site}: run ./book build first")
    target = store / tag
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target)
    return target


def assemble_site(latest: Path, store: Path, out: Path) -> list[str]:
    """``out`` = the latest site at the root and every stored edition under its tag; return the tags."""
    if not (latest / "index.html").exists():
        raise FileNotFoundError(f"no built site at {latest}: run ./book build first")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(latest, out)
    folders = store.iterdir() if store.exists() else []
    kept = sorted(p.name for p in folders if p.is_dir() and EDITION_FOLDER.fullmatch(p.name))
    for tag in kept:
        shutil.copytree(store / tag, out / tag)
    return kept


def missing_editions(store: Path) -> list[str]:
    """Released editions (hs_editions) that the store does not hold yet."""
    return [release_tag(e) for e in editions() if not (store / release_tag(e)).is_dir()]


def cmd_store_edition(args) -> None:
    from .config import HTML

    print(f"stored {store_edition(HTML, Path(args.store))}")


def cmd_assemble_site(args) -> None:
    from .config import HTML

    store = Path(args.store)
    kept = assemble_site(HTML, store, Path(args.out))
    print(f"assembled {args.out}: the latest edition at its root, and {', '.join(kept) or 'no released edition'}")
    missing = missing_editions(store)
    if missing:
        print(f"note: released but not stored yet (their tagged build stores them): {', '.join(missing)}")
