"""Possible duplicates of a contact (DOMAIN.md rule 21) as GraphQL: the candidate and its reasons.

Below the card in the import order: `Contact.possibleDuplicates` and the payloads that warn of
duplicates list candidates, and a candidate names its contact lazily.
"""

from collections.abc import Sequence

import strawberry

from resolvers import duplicates
from schema.contact_values import LazyContact
from schema.context import Context, Info
from schema.node import load_node

DuplicateReason = duplicates.Reason
strawberry.enum(DuplicateReason, name="DuplicateReason")  # decorates in place: annotate with the class


@strawberry.type(description="A contact that may be the same person (rule 21); score in [0, 1].")
class DuplicateCandidate:
    contact_pk: strawberry.Private[int]
    reasons: list[DuplicateReason]
    score: float

    @classmethod
    def of(cls, candidate: duplicates.Candidate) -> "DuplicateCandidate":
        return cls(contact_pk=candidate.contact_id, reasons=list(candidate.reasons), score=candidate.score)

    @strawberry.field
    async def contact(self, info: Info) -> LazyContact:
        contact: LazyContact = await load_node(info.context, "Contact", self.contact_pk)
        return contact


async def candidates(ctx: Context, contact_id: int, first: int) -> list[DuplicateCandidate]:
    async with ctx.reads.read() as session:
        found = await duplicates.possible_duplicates(session, contact_id, limit=first)
    return shown(ctx, found)


def shown(ctx: Context, found: Sequence[duplicates.Candidate]) -> list[DuplicateCandidate]:
    """The candidates, their cards (read by the look-up) handed to the request's contact loader:
    `contact` costs no other read. Staff see every contact, and only staff see candidates."""
    for candidate in found:
        if candidate.row is not None:
            ctx.loaders.contacts_by_id.prime(candidate.contact_id, candidate.row)
    return [DuplicateCandidate.of(candidate) for candidate in found]
