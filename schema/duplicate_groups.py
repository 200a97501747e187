"""`duplicateGroups` (DOMAIN.md rule 21) as GraphQL: the base's groups of contacts that may be
one person, best first, paged by cursor. The rule lives in resolvers/duplicate_groups."""

import strawberry

from resolvers import duplicate_groups, duplicates
from schema.contacts import Contact
from schema.context import Info
from schema.duplicates import DuplicateReason
from schema.errors import read_error
from schema.node import load_nodes
from schema.pagination import PageInfo, page_request
from schema.permissions import StaffOnly


@strawberry.type
class DuplicateGroup:
    contact_pks: strawberry.Private[tuple[int, ...]]
    reasons: list[DuplicateReason]
    score: float

    @classmethod
    def of(cls, group: duplicate_groups.DuplicateGroup) -> "DuplicateGroup":
        return cls(contact_pks=group.contact_ids, reasons=list(group.reasons), score=group.score)

    @strawberry.field
    async def contacts(self, info: Info) -> list[Contact]:
        contacts: list[Contact] = await load_nodes(info.context, "Contact", self.contact_pks)
        return contacts


@strawberry.type
class DuplicateGroupEdge:
    cursor: str
    node: DuplicateGroup


@strawberry.type
class DuplicateGroupConnection:
    """Computed whole on each read (the base is compared with itself): the total comes with it."""

    edges: list[DuplicateGroupEdge]
    nodes: list[DuplicateGroup]
    page_info: PageInfo
    total_count: int


@strawberry.type
class DuplicateGroupQueries:
    @strawberry.field(
        permission_classes=[StaffOnly],
        description="Groups of contacts that may be the same person, across the whole base, best first.",
    )
    async def duplicate_groups(
        self,
        info: Info,
        min_score: float | None = duplicates.DEFAULT_MIN_SCORE,
        first: int | None = None,
        after: str | None = None,
    ) -> "DuplicateGroupConnection":
        if min_score is None or not 0 <= min_score <= 1:
            raise read_error("`minScore` must be between 0 and 1.")
        request = page_request(first, after)
        try:
            async with info.context.reads.read() as session:
                page = await duplicate_groups.duplicate_groups(
                    session, min_score=min_score, first=request.size, after=after
                )
        except duplicate_groups.BadCursor as error:
            raise read_error(str(error)) from error
        edges = [
            DuplicateGroupEdge(cursor=group.cursor, node=DuplicateGroup.of(group)) for group in page.groups
        ]
        info_ = PageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return DuplicateGroupConnection(
            edges=edges, nodes=[edge.node for edge in edges], page_info=info_, total_count=page.total
        )
