"""Translation catalogues: status per page, pre-filling what needs no translation, and the
markup that every translation must keep unchanged (math, inline code, roles, link targets)."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po, write_po

# Order matters: display math before inline math, roles before plain code.
MARKUP = [
    ("display math", re.compile(r"\$\$.+?\$\$", re.S)),
    ("math", re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$")),
    ("role", re.compile(r"\{[\w:.-]+\}`[^`]*`")),
    ("inline code", re.compile(r"``[^`]+``|`[^`]+`")),
    ("link target", re.compile(r"\]\(([^)\s]+)\)")),
]


def markup(text: str) -> Counter:
    """The untranslatable pieces of a MyST message, counted."""
    found = Counter()
    for kind, pattern in MARKUP:
        for match in pattern.finditer(text):
            piece = match.group(1) if pattern.groups else match.group(0)
            if kind == "role":
                piece = normalise_role(piece)
            found[(kind, piece)] += 1
        text = pattern.sub(" ", text)
    return found


def normalise_role(role: str) -> str:
    """A role keeps its name and target; an explicit title (`title <target>`) may be translated."""
    m = re.match(r"(\{[\w:.-]+\})`(.*)`$", role, re.S)
    name, content = m.group(1), m.group(2)
    target = re.search(r"<([^<>]+)>\s*$", content)
    return f"{name}`{target.group(1) if target else content}`"


def missing_markup(msgid: str, msgstr: str) -> list[str]:
    """Pieces of markup present in ``msgid`` but changed or lost in ``msgstr``."""
    want, got = markup(msgid), markup(msgstr)
    return [f"{kind} {piece!r} changed or lost" for (kind, piece), n in (want - got).items() for _ in range(n)]


def needs_translation(msgid: str) -> bool:
    """False for a message that is only math, code or punctuation."""
    text = msgid
    for _, pattern in MARKUP:
        text = pattern.sub(" ", text)
    return bool(re.search(r"[^\W\d_]", text))


def catalogues(locales: Path, lang: str) -> list[Path]:
    return sorted((locales / lang / "LC_MESSAGES").rglob("*.po"))


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def write(path: Path, catalog) -> None:
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)


def messages(catalog):
    """Translatable messages of a catalogue (header and obsolete entries excluded)."""
    return [m for m in catalog if m.id]


def prefill_untranslatable(locales: Path) -> int:
    """Give messages that hold only math or code their own text as translation, and drop the
    python-format flags that babel guesses from text such as "70 % f…": this book's messages are
    MyST, not format strings, and the flags make `msgfmt -c` reject correct translations."""
    filled = 0
    for po in sorted(locales.rglob("*.po")):
        catalog = read(po)
        changed = False
        for message in messages(catalog):
            for flag in ("python-format", "python-brace-format"):
                if flag in message.flags:
                    message.flags.discard(flag)
                    changed = True
            if not message.string and not needs_translation(message.id):
                message.string = message.id
                changed = True
                filled += 1
        if changed:
            write(po, catalog)
    return filled


@dataclass
class Status:
    lang: str
    page: str
    total: int
    untranslated: int
    fuzzy: int


def status(locales: Path, languages) -> list[Status]:
    rows = []
    for lang in languages:
        base = locales / lang / "LC_MESSAGES"
        for po in [*catalogues(locales, lang), rnnbook_catalogue_path(locales.parent, lang)]:
            if not po.exists():
                continue
            items = messages(read(po))
            rows.append(
                Status(
                    lang=lang,
                    page=str(po.relative_to(base).with_suffix("")) if po.is_relative_to(base) else "(rnnbook messages)",
                    total=len(items),
                    untranslated=sum(1 for m in items if not m.string),
                    fuzzy=sum(1 for m in items if m.fuzzy),
                )
            )
    return rows


def catalogue_problems(po: Path, where, markup_problems) -> list[str]:
    """Untranslated and fuzzy messages of one catalogue, and what ``markup_problems`` finds."""
    found = []
    for m in messages(read(po)):
        short = m.id[:60].replace("\n", " ")
        if not m.string:
            found.append(f"{where}: untranslated: {short!r}")
        elif m.fuzzy:
            found.append(f"{where}: fuzzy: {short!r}")
        else:
            found += [f"{where}: {piece} in: {short!r}" for piece in markup_problems(m.id, m.string)]
    return found


def english_messages(root: Path, env: dict, out: Path) -> dict[str, set[str]]:
    """The messages of the current English source per page (intro, chapters/01-mlp, ...), extracted
    afresh with Sphinx's gettext builder into ``out`` (no execution: the prose only)."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "sphinx", "-b", "gettext", "-q", "-D", "nb_execution_mode=off"]
    cmd += ["-D", "suppress_warnings=mystnb.glue", "-d", str(out / ".doctrees"), ".", str(out)]
    subprocess.run(cmd, cwd=root, check=True, env=env, stdout=subprocess.DEVNULL)
    return {
        pot.relative_to(out).with_suffix("").as_posix(): {m.id for m in messages(read(pot))}
        for pot in out.rglob("*.pot")
        if pot.name != "sphinx.pot"  # the interface's catalogue is written by hand
    }


def problems(locales: Path, languages, english: dict[str, set[str]] | None = None) -> list[str]:
    """Human-readable list of everything that keeps a translation from being complete: the one
    translation gate (./book i18n-check and the tests). With ``english`` (from english_messages),
    also every English message that a page's catalogue lacks, i.e. a catalogue not updated after
    the English changed."""
    found = []
    root = locales.parent
    for lang in languages:
        pos = catalogues(locales, lang)
        if not pos:
            found.append(f"{lang}: no catalogues under {locales / lang}")
        for page, ids in sorted((english or {}).items()):
            po = locales / lang / "LC_MESSAGES" / f"{page}.po"
            where = po.relative_to(locales)
            if not po.exists():
                found.append(f"{where}: missing (run ./book i18n-update, then translate it)")
                continue
            stale = sorted(ids - {m.id for m in messages(read(po))})
            found += [f"{where}: not in the catalogue (run ./book i18n-update): {m[:60]!r}" for m in stale]
        for po in pos:
            found += catalogue_problems(po, po.relative_to(locales), missing_markup)
        po = rnnbook_catalogue_path(root, lang)
        if po.exists():
            found += catalogue_problems(po, po.relative_to(root), placeholder_problems)
        else:
            found.append(f"{lang}: no rnnbook catalogue at {po.relative_to(root)}")
    return found


# --- rnnbook's own messages (checker lines, errors, printed labels) ------------------------------
# They live in code/rnnbook/locale/<lang>/LC_MESSAGES/rnnbook.po, inside the package, so that a
# pip-installed rnnbook (Colab) has them. Their msgids come from tr()/say()/N_() calls in the
# package and in the chapters' code cells.

RNNBOOK_KEYWORDS = {"tr": None, "say": None, "N_": None}


def rnnbook_catalogue_path(root: Path, lang: str) -> Path:
    return root / "code" / "rnnbook" / "locale" / lang / "LC_MESSAGES" / "rnnbook.po"


def extract_rnnbook(root: Path):
    """A template catalogue of every rnnbook message, from the package and the chapters' code."""
    import io

    import jupytext
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract

    template = Catalog(project="rnnbook", fuzzy=False)

    def add(fileobj, where):
        for lineno, message, comments, _context in extract(
            "python", fileobj, keywords=RNNBOOK_KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            if isinstance(message, str) and message:
                template.add(message, locations=[(where, lineno)], auto_comments=comments)

    package = root / "code" / "rnnbook"
    for path in sorted(package.rglob("*.py")):
        with path.open("rb") as f:
            add(f, str(path.relative_to(root)))
    for path in sorted((root / "chapters").glob("*.md")):
        code = "\n".join(c.source for c in jupytext.read(path, fmt="md:myst").cells if c.cell_type == "code")
        add(io.BytesIO(code.encode("utf-8")), str(path.relative_to(root)))
    return template


def update_rnnbook(root: Path, languages) -> None:
    """Bring each language's rnnbook.po in step with the messages in the code (new ones empty,
    changed ones fuzzy, removed ones dropped)."""
    from babel.messages.catalog import Catalog

    template = extract_rnnbook(root)
    for lang in languages:
        path = rnnbook_catalogue_path(root, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = read(path) if path.exists() else Catalog(locale=lang, project="rnnbook", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=False)
        catalog.obsolete.clear()
        for message in messages(catalog):
            message.flags.discard("python-format")
            message.flags.discard("python-brace-format")
        catalog.revision_date = catalog.creation_date
        catalog.last_translator = catalog.copyright_holder = "The Hidden State authors"
        catalog.msgid_bugs_address = ""
        catalog.header_comment = (
            f"# rnnbook's messages in {lang}: checker lines and hints, errors, labels of printed results.\n"
            "# Each msgstr keeps the {fields} of its msgid; `./book i18n-check` checks them.\n"
            "# Copyright (C) 2026 The Hidden State authors. MIT License, like the package."
        )
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=0, omit_header=False, include_previous=True)
        if path.exists() and _undated(path.read_bytes()) == _undated(buffer.getvalue()):
            continue  # only the dates would change: keep the file (the execution cache hashes it)
        path.write_bytes(buffer.getvalue())


def _undated(po: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation|PO-Revision)-Date: [^"]*"', b"", po)


def placeholder_problems(msgid: str, msgstr: str) -> list[str]:
    """A translation of an rnnbook message must keep its {fields}, exactly (order may change)."""
    from rnnbook.i18n import fields  # installed in the book's venv (pip install -e code)

    try:
        want, got = sorted(fields(msgid)), sorted(fields(msgstr))
    except ValueError as exc:
        return [f"unreadable fields ({exc})"]
    if want != got:
        return [f"fields {want} changed to {got}"]
    return []
