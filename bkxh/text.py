"""Vietnamese text helpers shared by models, admin search and import."""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


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
    return nfc("".join(character for character in text if unicodedata.category(character) != "Cf"))


@lru_cache(maxsize=65536)
def fold(text):
    """Text without diacritics, lower case: the key for searching with or without accents.

    "Trung Hòa", "Trung Hoà" and "trung hoa" all fold to "trung hoa".
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", bare).strip().casefold()
