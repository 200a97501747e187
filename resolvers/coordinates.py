"""Coordinates checked and stored clean (DOMAIN.md rules 5 and 8), on a contact and on each link."""

from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from db.models import TEXT_MAX
from resolvers.errors import Invalid, Path
from resolvers.text import clean

DEFAULT_REGION = "FR"


def clean_email(value: str | None, path: Path) -> str | None:
    """A syntactically valid address, its domain in lower case; no DNS look-up."""
    text = clean(value, path, TEXT_MAX)
    if text is None:
        return None
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(path, f"Not a valid e-mail address: {error}") from error
    local, _, domain = checked.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


def clean_phone(value: str | None, path: Path) -> str | None:
    """A valid number (France unless it says otherwise), in E.164: "+33123456789"."""
    text = clean(value, path, TEXT_MAX)
    if text is None:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise Invalid(path, f"Not a phone number: {text!r}.") from error
    if not phonenumbers.is_valid_number(number):
        raise Invalid(path, f"Not a valid phone number: {text!r}.")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def clean_linkedin_url(value: str | None, path: Path) -> str | None:
    """An explicit profile URL: https, on linkedin.com or one of its subdomains."""
    text = clean(value, path, TEXT_MAX)
    if text is None:
        return None
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    on_linkedin = host == "linkedin.com" or host.endswith(".linkedin.com")
    if parts.scheme != "https" or not on_linkedin or not _plain_authority(parts.netloc):
        raise Invalid(path, "A LinkedIn profile must be an https URL on linkedin.com.")
    return text


def _plain_authority(netloc: str) -> bool:
    """A host name alone: no user name or password before an "@" (`https://evil.example@www.
    linkedin.com/` reads as linkedin.com here and elsewhere as evil.example), no port, no
    backslash (which browsers read as a slash)."""
    return not any(mark in netloc for mark in ("@", ":", "\\"))
