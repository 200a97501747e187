"""Text as people type it: trimmed, bounded, and folded for sorting and searching."""

import re
import unicodedata
from collections.abc import Iterable

from resolvers.errors import Invalid, Path

_SPACES = re.compile(r"\s+")
# NUL, which PostgreSQL refuses and SQLite stores, and lone surrogates, which neither can encode.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A word is a run of letters and digits, in any script: "Đặng" and "Σοφία" are searchable too.
_WORD = re.compile(r"[^\W_]+")
# Letters NFKD does not decompose, spelled as people search for them.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)


def clean(value: str | None, path: Path, max_length: int, *, required: bool = False) -> str | None:
    """Trim `value` and fold inner runs of spaces; refuse it when too long, or empty if required.

    An empty or blank text means "no value" (None).
    """
    if value is None:
        if required:
            raise Invalid(path, "A value is required.")
        return None
    problem = unstorable(value)
    if problem is not None:
        raise Invalid(path, problem)
    cleaned = _SPACES.sub(" ", value).strip()
    if not cleaned:
        if required:
            raise Invalid(path, "A value is required.")
        return None
    if len(cleaned) > max_length:
        raise Invalid(path, f"At most {max_length} characters ({len(cleaned)} given).")
    return cleaned


def fold(value: str | None) -> str:
    """Case and accents aside: the sort key of a text ("Bégué" -> "begue", "Œuvre" -> "oeuvre")."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold()


def words(*values: str | None) -> list[str]:
    """The folded words of some texts, in order, without repeats: what search matches against."""
    seen: dict[str, None] = {}
    for value in values:
        for word in _WORD.findall(fold(value)):
            seen.setdefault(word, None)
    return list(seen)


def unstorable(value: str) -> str | None:
    """Why a text cannot be kept, or None: a NUL character or half of a surrogate pair."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "A text cannot hold the NUL character."
    return "A text cannot hold half of a surrogate pair (invalid Unicode)."


def first_unstorable(value: object, path: Path) -> tuple[Path, str] | None:
    """The path and the problem of an unstorable text in a decoded JSON value, or None.

    Iterative: a value nested thousands deep must not exhaust Python's stack.
    """
    pending: list[tuple[object, Path]] = [(value, path)]
    while pending:
        current, where = pending.pop()
        if isinstance(current, str):
            problem = unstorable(current)
            if problem is not None:
                return where, problem
            continue
        items: Iterable[tuple[object, object]] = (
            current.items()
            if isinstance(current, dict)
            else enumerate(current)
            if isinstance(current, list)
            else ()
        )
        for key, inner in items:
            if isinstance(key, str) and unstorable(key):
                return where, "A field name cannot hold the NUL character or invalid Unicode."
            pending.append((inner, (*where, str(key))))
    return None
