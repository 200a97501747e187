"""Text styles for names and functions (DOMAIN.md rule 14): upper case, title case, sentence case.

Every style keeps a text's length, character for character: a few letters change length when
Python changes their case (`İ` -> `i̇`), and a name must never outgrow its column nor be
truncated; those letters are kept as typed (and `ß` becomes `ẞ`, not `SS`).
"""

import re
from collections.abc import Callable
from enum import Enum

_SPACES = re.compile(r"\s+")
_APOSTROPHE = re.compile("['’]")
# Prepositions that stay lower case wherever they stand in a name ("de La Fontaine", "van der
# Berg"); the articles le, la, les are not among them: they are capitalised ("Le Goff").
PARTICLES = frozenset({"de", "du", "des", "van", "von", "der", "den", "di", "da", "del", "della"})
# What stays lower case before an apostrophe ("d'Artagnan"); "O'Brien", "L'Hermite" do not.
ELIDED = frozenset({"d"})


class TextStyle(Enum):
    UPPER = "UPPER"
    TITLE = "TITLE"
    SENTENCE = "SENTENCE"


def tidy(text: str | None) -> str | None:
    """Surrounding spaces removed and inner runs of spaces made one; blank is no text."""
    if text is None:
        return None
    return _SPACES.sub(" ", text).strip() or None


def _upper(char: str) -> str:
    if char == "ß":
        return "ẞ"  # the capital sharp s: "ß".upper() would be two letters, "SS"
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _lower(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == 1 else char


def upper(text: str) -> str:
    """Upper case, accents kept: "dupont-éléonore" -> "DUPONT-ÉLÉONORE"."""
    whole = text.upper()
    # Letter by letter only when some letter grew (rare): the whole text at once is far faster.
    return whole if len(whole) == len(text) else "".join(_upper(char) for char in text)


def lower(text: str) -> str:
    whole = text.lower()
    return whole if len(whole) == len(text) else "".join(_lower(char) for char in text)


def sentence(text: str) -> str:
    """The first letter capitalised, the rest as typed: "directeur DAF" -> "Directeur DAF"."""
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + _upper(char) + text[index + 1 :]
    return text


def capitalised(text: str) -> str:
    """The first letter upper case, every other lower case."""
    return sentence(lower(text))


def title(text: str) -> str:
    """Each word and hyphenated part capitalised, in French usage for particles.

    "de la FONTAINE" -> "de La Fontaine", "d'ARTAGNAN" -> "d'Artagnan", "O'BRIEN" -> "O'Brien";
    a name made only of particles starts with a capital all the same ("DE" -> "De").
    """
    words = text.split(" ")
    styled = [_title_word(word) for word in words]
    if all(lower(word) in PARTICLES for word in words):
        styled[0] = capitalised(styled[0])
    return " ".join(styled)


def _title_word(word: str) -> str:
    return "-".join(_title_part(part) for part in word.split("-"))


def _title_part(part: str) -> str:
    mark = _APOSTROPHE.search(part)
    if mark is not None:
        head, rest = part[: mark.start()], part[mark.end() :]
        head = lower(head) if lower(head) in ELIDED else capitalised(head)
        return head + mark.group() + capitalised(rest)
    folded = lower(part)
    return folded if folded in PARTICLES else capitalised(part)


STYLES: dict[TextStyle, Callable[[str], str]] = {
    TextStyle.UPPER: upper,
    TextStyle.TITLE: title,
    TextStyle.SENTENCE: sentence,
}


def styled(style: TextStyle, text: str | None) -> str | None:
    """`text` tidied, then in `style`; no text stays no text."""
    tidied = tidy(text)
    return None if tidied is None else STYLES[style](tidied)
