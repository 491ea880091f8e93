"""rnnbook speaks the book's four languages: English (the default), Russian, Chinese and Japanese.

Every message a reader sees (checker lines, hints, errors, printed labels) goes through :func:`tr`,
whose English text is the ``msgid`` of a standard gettext catalogue shipped inside the package
(``rnnbook/locale/<lang>/LC_MESSAGES/rnnbook.po``). Choose the language with
``rnnbook.set_language("ja")`` or the environment variable ``RNNBOOK_LANG``; each of the book's
notebooks does so in its first cell.

The book's site executes every chapter once for all four languages. For that run the build sets
``RNNBOOK_ALL_LANGUAGES=1``: each message then carries its text in every language, packed between
the control characters STX and ETX, and the site's build keeps the page's own language
(:func:`resolve`). Anywhere else a message is plain text in the chosen language.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import re
import string
import threading
import unicodedata
from pathlib import Path

LANGUAGES = ("en", "ru", "zh_CN", "ja")
ALIASES = {"zh": "zh_CN", "zh-cn": "zh_CN", "zh_cn": "zh_CN", "zh-hans": "zh_CN"}
LANGUAGE_VARIABLE = "RNNBOOK_LANG"
ALL_LANGUAGES_VARIABLE = "RNNBOOK_ALL_LANGUAGES"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "rnnbook"

_chosen: str | None = None
_forced = threading.local()  # the language being rendered inside each_language()
_START, _END = "\x02", "\x03"
_PACKED = re.compile(f"{_START}([^{_START}{_END}]*){_END}")


def _normalise(lang) -> str:
    if not isinstance(lang, str):
        raise ValueError(f"language must be a string such as 'ru', got {lang!r}; known: {', '.join(LANGUAGES)}")
    code = ALIASES.get(lang.strip().lower(), lang.strip())
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; rnnbook knows {', '.join(LANGUAGES)}")
    return code


def set_language(lang: str) -> None:
    """Print rnnbook's messages in ``lang``: one of ``"en"``, ``"ru"``, ``"zh_CN"``, ``"ja"``."""
    global _chosen
    _chosen = _normalise(lang)


def get_language() -> str:
    """The language messages are printed in: set_language(), else $RNNBOOK_LANG, else English."""
    forced = getattr(_forced, "lang", None)
    if forced:
        return forced
    return _normalise(_chosen or os.environ.get(LANGUAGE_VARIABLE) or "en")


def _all_languages() -> bool:
    return getattr(_forced, "lang", None) is None and os.environ.get(ALL_LANGUAGES_VARIABLE, "") not in ("", "0")


@contextlib.contextmanager
def _rendering(lang: str):
    previous = getattr(_forced, "lang", None)
    _forced.lang = lang
    try:
        yield
    finally:
        _forced.lang = previous


def each_language(render) -> str:
    """``render()`` in the chosen language, or, in the book's build, packed in every language."""
    if not _all_languages():
        return render()
    texts = {}
    for lang in LANGUAGES:
        with _rendering(lang):
            texts[lang] = render()
    return _START + json.dumps(texts, ensure_ascii=True) + _END


# A packed message is ASCII-only JSON. Pasted into prose (a glued sentence), it passes Sphinx's
# smartquotes, which turns its quotes, dashes and dots into typographic ones: turn them back.
_UNSMART = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "…": "...", "–": "--", "—": "---"})


def resolve(text: str, lang: str) -> str:
    """Keep ``lang``'s text of every packed message in ``text`` (the site's build calls this)."""
    lang = _normalise(lang)

    def pick(match):
        texts = json.loads(match.group(1).translate(_UNSMART))
        return resolve(texts.get(lang, texts["en"]), lang)

    return _PACKED.sub(pick, text)


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file; untranslated and fuzzy entries are left out."""
    catalogue = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line.strip() for line in block.strip().splitlines()]
        if any(line.startswith("#~") for line in lines):
            continue  # obsolete
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" ")
            if head in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                key = head
                fields[key] = [rest]
            elif line.startswith('"') and key:
                fields[key].append(line)
        msgid, msgstr = _unquote(fields.get("msgid", ['""'])), _unquote(fields.get("msgstr", ['""']))
        if msgid and msgstr and not fuzzy:
            catalogue[msgid] = msgstr
    return catalogue


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """rnnbook's translations into ``lang`` (empty for English, the language of the msgids)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    return parse_po(path) if lang != "en" and path.exists() else {}


def _format(lang: str, msgid: str, values: dict) -> str:
    template = catalogue(lang).get(msgid, msgid)
    # a value that is itself a packed message (a hint inside a line) takes this language's text
    values = {k: _resolved(v, lang) for k, v in values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return msgid.format(**values)  # a broken translation must not hide the message


def _resolved(value, lang: str):
    if isinstance(value, (str, BaseException)) and _START in str(value):
        return resolve(str(value), lang)
    return value


def tr(msgid: str, **values) -> str:
    """The message ``msgid`` in the chosen language, with ``{name}`` fields filled from ``values``."""
    return each_language(lambda: _format(get_language(), msgid, values))


def N_(msgid: str) -> str:
    """Mark a label for translation where it is defined; :func:`tr` translates it where it is shown."""
    return msgid


def say(msgid: str, **values) -> None:
    """Print a labelled result in the reader's language: ``say("stopped after {n} epochs", n=62)``."""
    print(tr(msgid, **values))


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese and Japanese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, columns: int, right: bool) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def table(header, rows, formats=None) -> str:
    """A plain-text table with translated labels: ``print(table(["forecast", "MAE"], rows))``.

    ``header`` holds msgids; in each row, strings are msgids (translated) and numbers are written
    with the matching entry of ``formats`` (e.g. ``"{:.3f}"``). Columns of numbers align right.
    """
    header = list(header)
    rows = [list(row) for row in rows]
    formats = list(formats) if formats is not None else ["{}"] * len(header)
    if any(len(row) != len(header) for row in rows) or len(formats) != len(header):
        raise ValueError(f"every row and formats need {len(header)} entries, one per column of the header")

    def render():
        cells = [[_format(get_language(), h, {}) for h in header]]
        for row in rows:
            cells.append(
                [
                    _format(get_language(), v, {}) if isinstance(v, str) else fmt.format(v)
                    for v, fmt in zip(row, formats, strict=True)
                ]
            )
        numeric = [all(not isinstance(row[i], str) for row in rows) for i in range(len(header))]
        widths = [max(width(line[i]) for line in cells) for i in range(len(header))]
        return "\n".join(
            "  ".join(_pad(cell, widths[i], numeric[i]) for i, cell in enumerate(line)).rstrip() for line in cells
        )

    return each_language(render)


def fields(template: str) -> list[str]:
    """The replacement fields of a message, ``{name:spec}`` written out, in order."""
    found = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is not None:
            found.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return found


__all__ = [
    "LANGUAGES",
    "N_",
    "each_language",
    "fields",
    "get_language",
    "resolve",
    "say",
    "set_language",
    "table",
    "tr",
]
