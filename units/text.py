"""Folding Vietnamese text for accent-insensitive search."""

import unicodedata

# đ/Đ are letters of their own, not d + a combining mark, so NFD leaves them alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case `text` without diacritics: "Đường Ngô Quyền" -> "duong ngo quyen"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
