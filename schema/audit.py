"""The audit log (DOMAIN.md rule 23) as GraphQL: accesses to personal data, ADMIN only. The log
is written by the use cases it records; resolvers/audit reads it."""

from collections.abc import Sequence
from datetime import datetime

import strawberry

from db import models
from resolvers import audit
from resolvers.access import Role
from schema.context import Context, Info
from schema.ids import to_global_id
from schema.node import Node, node_fetcher
from schema.pagination import Connection, connection, counter, page_request, read_page
from schema.permissions import AdminOnly

AuditAction = models.AuditAction
strawberry.enum(AuditAction, name="AuditAction")  # decorates in place: annotate with the class


@strawberry.type(description="An access to personal data (rule 23): who, when, what, why, how many.")
class AuditEntry(Node):
    at: datetime
    actor: str
    action: AuditAction
    subject: str = strawberry.field(description='What was reached: a contact\'s id, "contacts.csv"…')
    reason: str | None
    contact_count: int

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> "AuditEntry":
        return cls(
            id=strawberry.ID(to_global_id("AuditEntry", row.id)),
            at=row.at,
            actor=row.actor,
            action=row.action,
            subject=row.subject,
            reason=row.reason,
            contact_count=row.contact_count,
        )


@node_fetcher("AuditEntry")
async def _fetch_audit_entries(ctx: Context, pks: Sequence[int]) -> list[AuditEntry | None]:
    if ctx.viewer.role is not Role.ADMIN:
        return [None for _ in pks]
    async with ctx.reads.read() as session:
        rows = await audit.audit_entries_by_id(session, pks)
    return [AuditEntry.from_row(row) if row is not None else None for row in rows]


@strawberry.type
class AuditQueries:
    @strawberry.field(
        permission_classes=[AdminOnly],
        description="Accesses to personal data (exports, file exports, erasures), newest first. Admin only.",
    )
    async def audit_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry] | None:
        ctx, request = info.context, page_request(first, after)
        page = await read_page(ctx, lambda session: audit.list_audit(session, page=request))
        nodes = [AuditEntry.from_row(row[0]) for row in page.rows]
        return connection(page, nodes, counter(ctx, audit.count_audit))
