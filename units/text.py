"""The text users type: folding Vietnamese for accent-insensitive search, and
reading dates and ids from URLs and forms without ever raising."""

import datetime as dt
import re
import unicodedata

# đ/Đ are letters of their own, not d + a combining mark, so NFD leaves them alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
# ASCII digits only: str.isdigit() accepts "²", which int() refuses.
_ID = re.compile(r"[0-9]{1,18}")
# The largest id parse_id reads (18 digits), below the databases' 64-bit ids: a
# larger number names no row, and would overflow the query that looks for it.
MAX_ID = 10**18 - 1


def clean_text(value) -> str:
    """Text from a URL or form as a query may use it: NUL bytes dropped (PostgreSQL
    refuses them in text) and the ends trimmed."""
    return str(value).replace("\x00", "").strip()


def fold(text: str) -> str:
    """Lower-case `text` without diacritics: "Đường Ngô Quyền" -> "duong ngo quyen"."""
    decomposed = unicodedata.normalize("NFD", clean_text(text).translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def parse_date(value: str) -> dt.date | None:
    """A date written dd/mm/yyyy (or ISO yyyy-mm-dd); None when it is not one."""
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except (ValueError, AttributeError):
            continue
    return None


def parse_id(value) -> int | None:
    """A database id from a URL or form value; None for anything else."""
    value = str(value).strip()
    return int(value) if _ID.fullmatch(value) else None


# A count of people as typed: digits, "." or a space between groups of three.
_COUNT = re.compile(r"[0-9]{1,7}|[0-9]{1,3}(?:[. \u00a0][0-9]{3}){1,2}")


def parse_count(value) -> int | None:
    """A whole number of people typed in a cell ("1.234", "1 234", "15");
    None for anything else — a sign, a decimal, "1.5", a 5,000-digit string."""
    text = str(value).strip()
    return int(re.sub(r"[^0-9]", "", text)) if _COUNT.fullmatch(text) else None
