"""Vietnamese text helpers shared by models, admin search and import."""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def _format_characters():
    """A character class of every format character (Unicode category Cf). They sit only in the
    first two planes and in plane 14 (the tags); scanning those alone takes a tenth of the time."""
    codes = [
        code
        for plane in (0x0, 0x10000, 0xE0000)
        for code in range(plane, plane + 0x10000)
        if unicodedata.category(chr(code)) == "Cf"
    ]
    runs = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(re.escape(chr(first)) + (f"-{re.escape(chr(last))}" if last > first else "") for first, last in runs)


_FORMAT_CLASS = _format_characters()
_FORMAT = re.compile(f"[{_FORMAT_CLASS}]")
# Removed with the spaces beside them, which become one: "Thị\u200b Thử" is "Thị Thử".
_FORMAT_RUN = re.compile(f" *[{_FORMAT_CLASS}]+ *")
# The embeddings, overrides and isolates (U+202A–202E, U+2066–2069): unlike the other format
# characters they change how the text around them is shown (an override shows "Thử" as "ửhT"),
# so the text the user saw is not the text without them.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


# Names and places repeat across a register of 100.000 rows: each distinct text is worked out once.
@lru_cache(maxsize=65536)
def nfc(text):
    """Text in the composed form (NFC), trimmed, with runs of spaces made one.

    Windows-1258 files and some keyboards produce decomposed Vietnamese ("a" + combining
    hook); stored text is always composed so that equal names compare equal.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def visible(text):
    """`text` as nfc() gives it, without format characters (Unicode Cf: zero-width spaces and
    joiners, bidi marks): empty when nothing of it would show on the page."""
    return nfc(_FORMAT.sub("", text))


def has_format_characters(text):
    return not text.isascii() and _FORMAT.search(text) is not None


def without_format_characters(text):
    """`text` without its format characters (Unicode Cf: zero-width spaces and joiners, marks of
    direction, the soft hyphen): they do not show, yet make "Lò Thị\u200b Thử" another name
    than "Lò Thị Thử". Spaces beside them become one; the text is trimmed of those left at its
    ends. Letters and their combining marks (Unicode Mn, which Vietnamese tones may be) stay."""
    if not has_format_characters(text):
        return text
    return _FORMAT_RUN.sub(lambda run: " " if " " in run.group() else "", text).strip(" ")


def direction_control(text):
    """The first character of `text` that overrides or isolates the direction of the text
    around it (DIRECTION_CONTROLS), as "U+202E"; None when there is none."""
    found = None if text.isascii() else DIRECTION_CONTROLS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


@lru_cache(maxsize=65536)
def fold(text):
    """Text without diacritics or format characters, lower case: the key for searching with or
    without accents.

    "Trung Hòa", "Trung Hoà", "Trung\u200b Hòa" and "trung hoa" all fold to "trung hoa".
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Cf"))
    return _SPACES.sub(" ", bare).strip().casefold()
