"""Single edits sent while a batch runs, as clients of the API would send them (`bench.batches`).

Each client edits one contact after another (never the same one twice in a turn): it sends
`updateContact` with the version it last saw (1 after each reset) and a carelessly typed first
name; on CONFLICT it sends the edit again with the version the answer shows, as a client
reloading the card would. Anything else is a failure (SERVICE_BUSY: the write gate's deadline
passed). Once the batch is over, every edited contact must show its edit: the name as sent, or
as the normalisation made it when the edit came before the batch's write transaction. Any
other name is an edit lost.
"""

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text

from bench.batch_world import ACTOR, NOW, World
from resolvers.access import Role, Viewer
from resolvers.global_ids import to_global_id
from resolvers.text_styles import TextStyle, styled
from schema.context import Context
from schema.schema import schema

UPDATE = """mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { version } userErrors { code } } }"""
FIRST_NAMES = text("SELECT id, first_name FROM contact WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


@dataclass
class Edits:
    """What the edits sent during one batch came to."""

    applied: int = 0
    conflicts: int = 0  # CONFLICT answers, each followed by the same edit at the version shown
    failed: Counter[str] = field(default_factory=Counter)  # by code
    lost: int = 0  # edits applied and then written over by the batch
    normalised: int = 0  # edits the batch found and normalised (they came before its writes)
    slowest: float = 0.0  # seconds, the longest an edit took to be applied, retries included
    sent_to: dict[int, str] = field(default_factory=dict)  # contact id -> first name sent

    @property
    def failures(self) -> int:
        """Edits that failed, whatever their code."""
        return sum(self.failed.values())

    @property
    def sent(self) -> int:
        """Edits sent, each counted once however many CONFLICT answers it was sent again after."""
        return self.applied + self.failures

    def add(self, other: "Edits") -> None:
        """Another turn's edits counted in (not the names sent)."""
        self.applied += other.applied
        self.conflicts += other.conflicts
        self.failed.update(other.failed)
        self.lost += other.lost
        self.normalised += other.normalised
        self.slowest = max(self.slowest, other.slowest)

    def summary(self) -> str:
        failed = ", ".join(f"{count} {code}" for code, count in sorted(self.failed.items())) or "none"
        return (
            f"{self.applied} edits applied ({self.normalised} of them before the batch's writes, then "
            f"normalised), {self.conflicts} CONFLICT answers retried, failed: {failed}, lost: "
            f"{self.lost}; the slowest edit took {self.slowest * 1000:.0f} ms"
        )


class Editors:
    """`clients` clients editing the contacts of `world.people` until told to stop."""

    def __init__(self, world: World, contact_ids: list[int], clients: int, pause: float) -> None:
        self.world, self.clients, self.pause = world, clients, pause
        self.queue = random.Random(13).sample(contact_ids, len(contact_ids))
        self.edits = Edits()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        await asyncio.gather(*(self._client(number) for number in range(self.clients)))

    async def _client(self, number: int) -> None:
        while not self.stop.is_set() and self.queue:
            contact_id = self.queue.pop()
            await self._edit(contact_id, f"zoé-MARIE {number}-{len(self.edits.sent_to)}")
            await asyncio.sleep(self.pause)

    async def _edit(self, contact_id: int, first_name: str) -> None:
        started, version = time.perf_counter(), 1
        while True:
            given = {
                "id": to_global_id("Contact", contact_id),
                "expectedVersion": version,
                "firstName": first_name,
            }
            result = await schema.execute(
                UPDATE, variable_values={"input": given}, context_value=self._context()
            )
            if result.errors:
                self.edits.failed[str((result.errors[0].extensions or {}).get("code"))] += 1
                return
            payload: dict[str, Any] = (result.data or {})["updateContact"]
            codes = [error["code"] for error in payload["userErrors"]]
            if codes == ["CONFLICT"]:
                self.edits.conflicts += 1
                version = payload["contact"]["version"]
                continue
            if codes:
                self.edits.failed[",".join(codes)] += 1
                return
            self.edits.applied += 1
            self.edits.sent_to[contact_id] = first_name
            self.edits.slowest = max(self.edits.slowest, time.perf_counter() - started)
            return

    def _context(self) -> Context:
        viewer = Viewer(subject=f"{ACTOR}-editor", role=Role.STAFF)
        return Context(
            db=self.world.db, viewer=viewer, now=NOW, today=NOW.date(), max_selection=1, request_id="edit"
        )

    async def check(self) -> Edits:
        """Every applied edit still there, as sent or normalised; counted, never asserted."""
        sent = self.edits.sent_to
        if sent:
            async with self.world.db.read() as session:
                connection = await session.connection()
                now: dict[int, str | None] = dict(
                    list(await connection.execute(FIRST_NAMES, {"ids": list(sent)}))
                )
            for contact_id, first_name in sent.items():
                if now[contact_id] == styled(TextStyle.TITLE, first_name):
                    self.edits.normalised += 1
                elif now[contact_id] != first_name:
                    self.edits.lost += 1
        return self.edits
