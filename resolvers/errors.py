"""Domain errors: what a use case raises when it refuses, turned into `userErrors` by the schema."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

Path = tuple[str, ...]


class ErrorCode(Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    DUPLICATE = "DUPLICATE"
    LAST_ATTACHMENT = "LAST_ATTACHMENT"
    MISSING_EMAIL = "MISSING_EMAIL"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    NOT_ALLOWED = "NOT_ALLOWED"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: where in the input, what, and for which contact."""

    code: ErrorCode
    path: Path | None
    message: str
    contact_id: int | None = None


class DomainError(Exception):
    """A refusal. Raising it rolls the transaction back; it carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = list(problems)


def _single(code: ErrorCode, path: Path | None, message: str, contact_id: int | None) -> list[Problem]:
    return [Problem(code, path, message, contact_id)]


class Invalid(DomainError):
    def __init__(self, path: Path | None, message: str, *, contact_id: int | None = None) -> None:
        super().__init__(_single(ErrorCode.INVALID, path, message, contact_id))


class NotFound(DomainError):
    def __init__(self, path: Path | None, message: str, *, contact_id: int | None = None) -> None:
        super().__init__(_single(ErrorCode.NOT_FOUND, path, message, contact_id))


class Duplicate(DomainError):
    def __init__(self, path: Path | None, message: str, *, contact_id: int | None = None) -> None:
        super().__init__(_single(ErrorCode.DUPLICATE, path, message, contact_id))


class NotAllowed(DomainError):
    def __init__(self, path: Path | None, message: str, *, contact_id: int | None = None) -> None:
        super().__init__(_single(ErrorCode.NOT_ALLOWED, path, message, contact_id))


class LastAttachment(DomainError):
    def __init__(self, path: Path | None, message: str, *, contact_id: int | None = None) -> None:
        super().__init__(_single(ErrorCode.LAST_ATTACHMENT, path, message, contact_id))


class Conflict(DomainError):
    """`expectedVersion` did not match: the payload then carries the current card."""

    def __init__(self, contact_id: int, expected: int, current: int) -> None:
        message = f"The contact is at version {current}, not {expected}: reload it and try again."
        super().__init__(_single(ErrorCode.CONFLICT, ("input", "expectedVersion"), message, contact_id))
        self.contact_id = contact_id


class Problems:
    """Collects every problem of an input, so that one answer names all of them."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, code: ErrorCode, path: Path | None, message: str, contact_id: int | None = None) -> None:
        self.found.append(Problem(code, path, message, contact_id))

    def extend(self, error: DomainError) -> None:
        self.found.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.found:
            raise DomainError(self.found)
