"""Translation catalogues: status per page, pre-filling what needs no translation, and the
markup that every translation must keep unchanged (math, inline code, roles, link targets)."""

from __future__ import annotations

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
    return [f"{kind} {piece!r}" for (kind, piece), n in (want - got).items() for _ in range(n)]


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
        for po in catalogues(locales, lang):
            items = messages(read(po))
            rows.append(
                Status(
                    lang=lang,
                    page=str(po.relative_to(base).with_suffix("")),
                    total=len(items),
                    untranslated=sum(1 for m in items if not m.string),
                    fuzzy=sum(1 for m in items if m.fuzzy),
                )
            )
    return rows


def problems(locales: Path, languages) -> list[str]:
    """Human-readable list of everything that keeps a translation from being complete."""
    found = []
    for lang in languages:
        pos = catalogues(locales, lang)
        if not pos:
            found.append(f"{lang}: no catalogues under {locales / lang}")
        for po in pos:
            where = po.relative_to(locales)
            for m in messages(read(po)):
                short = m.id[:60].replace("\n", " ")
                if not m.string:
                    found.append(f"{where}: untranslated: {short!r}")
                elif m.fuzzy:
                    found.append(f"{where}: fuzzy: {short!r}")
                else:
                    for piece in missing_markup(m.id, m.string):
                        found.append(f"{where}: {piece} changed or lost in: {short!r}")
    return found
