"""Contacts as the files address books and spreadsheets read: CSV rows and vCard 4.0 cards.

CSV: UTF-8, a header row, one row per contact with its primary link's organisation,
function and coordinates. A cell a spreadsheet would run as a formula (starting with =, @,
+ or -, tab or carriage return) is prefixed with a quote (OWASP's advice), except a phone
number in E.164, which starts with + and is only digits after it.

vCard 4.0 (RFC 6350): N, FN, ORG, TITLE, EMAIL, TEL as `tel:` URIs in E.164, URL (the social
profile), NOTE; text escaped, lines folded at 75 octets, CRLF line ends.
"""

import csv
import io
import re

from resolvers.contacts import CIVILITY_ABBREVIATIONS
from resolvers.exports import ExportedContact
from resolvers.global_ids import to_global_id
from resolvers.personal_data import vcard_text

COLUMNS = (
    "id",
    "civility",
    "displayName",
    "lastName",
    "firstName",
    "email",
    "phone",
    "mobile",
    "organization",
    "organizationKind",
    "function",
    "department",
    "workEmail",
    "workPhone",
    "workMobile",
    "socialProfile",
    "lastFollowUpOn",
    "status",
)
_E164 = re.compile(r"\+[0-9]{4,15}")
_FORMULA_START = ("=", "@", "+", "-", "\t", "\r")


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def csv_header() -> str:
    return _line(list(COLUMNS))


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(_FORMULA_START) and not _E164.fullmatch(text):
        return "'" + text
    return text


def csv_row(exported: ExportedContact) -> str:
    contact, link, organization = exported.contact, exported.link, exported.organization
    values = (
        to_global_id("Contact", contact.id),
        contact.civility.value if contact.civility else None,
        exported.display_name,
        contact.last_name,
        contact.first_name,
        contact.email,
        contact.phone,
        contact.mobile,
        organization.name if organization else None,
        organization.kind.value if organization else None,
        link.function if link else None,
        link.department if link else None,
        link.email if link else None,
        link.phone if link else None,
        link.mobile if link else None,
        exported.social_profile,
        contact.last_follow_up_on,
        contact.status.value,
    )
    return _line([_cell(value) for value in values])


def _text(value: str) -> str:
    """RFC 6350 3.4: as in a personal-data export, and a lone carriage return a newline too."""
    return vcard_text(value).replace("\r", "\\n")


def _fold(line: str) -> str:
    """RFC 6350 3.2: lines of at most 75 octets, continued after CRLF and a space; never
    splitting a UTF-8 character."""
    pieces, current, size = [], "", 0
    for character in line:
        width = len(character.encode())
        if size + width > 75:
            pieces.append(current)
            current, size = " ", 1
        current += character
        size += width
    pieces.append(current)
    return "\r\n".join(pieces) + "\r\n"


def vcard(exported: ExportedContact) -> str:
    contact, link, organization = exported.contact, exported.link, exported.organization
    prefix = CIVILITY_ABBREVIATIONS[contact.civility] if contact.civility else ""
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"UID:urn:carnet:{to_global_id('Contact', contact.id)}",
        f"FN:{_text(exported.display_name)}",
        f"N:{_text(contact.last_name)};{_text(contact.first_name or '')};;{_text(prefix)};",
    ]
    if organization is not None:
        lines.append(f"ORG:{_text(organization.name)}")
    if link is not None and link.function:
        lines.append(f"TITLE:{_text(link.function)}")
    lines.extend(_emails(exported))
    lines.extend(_phones(exported))
    lines.append(f"URL:{exported.social_profile}")
    if contact.notes:
        lines.append(f"NOTE:{_text(contact.notes)}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def _emails(exported: ExportedContact) -> list[str]:
    contact, link = exported.contact, exported.link
    found = [f"EMAIL:{_text(contact.email)}"] if contact.email else []
    if link is not None and link.email and link.email != contact.email:
        found.append(f"EMAIL;TYPE=work:{_text(link.email)}")
    return found


def _phones(exported: ExportedContact) -> list[str]:
    contact, link = exported.contact, exported.link
    numbers = [("voice", contact.phone), ("cell", contact.mobile)]
    if link is not None:
        numbers += [("work,voice", link.phone), ("work,cell", link.mobile)]
    seen: set[str] = set()
    lines = []
    for kind, number in numbers:
        if number and number not in seen:
            seen.add(number)
            lines.append(f'TEL;VALUE=uri;TYPE="{kind}":tel:{number}')
    return lines
