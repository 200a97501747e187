"""What the duplicate check costs `createContact` (`python -m bench.duplicates --cost-url URL`).

Cost: `createContact` through the schema (no HTTP), `--creates` times with and without asking
for `possibleDuplicates`, one by one in turn, `--rounds` times, on each `--cost-url` database
(seeded by bench/seed.py); the medians and their ratio. The names come from the base, at a
random client, so that the name probe reads an organisation of the usual size; e-mails and
phones are new.
"""

import random
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from db.engine import open_database
from db.models import Contact, Organization, OrganizationKind
from resolvers.access import Role, Viewer
from resolvers.global_ids import to_global_id
from schema.context import Context
from schema.schema import schema
from server.settings import Settings

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


CREATE = """mutation ($input: CreateContactInput!) { createContact(input: $input) {
  contact { id } %s userErrors { code } } }"""


async def cost(url: str, creates: int, rounds: int, warm_up: int = 1) -> dict[str, float]:
    db = open_database(url)
    async with db.read() as session:
        clients = list(
            await session.scalars(select(Organization.id).where(Organization.kind == OrganizationKind.CLIENT))
        )
        names = list(await session.execute(select(Contact.last_name, Contact.first_name).limit(2000)))
        # Seeded by the base's size: a run again on the same base does not create the contacts of
        # the run before (each would find its twin, and the measure would drift from run to run).
        rng = random.Random(await session.scalar(select(func.max(Contact.id))))
    paris = Settings(secret="x" * 40).timezone

    async def one(with_check: bool) -> float:
        last, first = rng.choice(names)
        client = rng.choice(clients)
        variables = {
            "input": {
                "lastName": last,
                "firstName": first,
                "email": f"{(first or 'x').lower()}.{rng.randrange(10**6)}@bench.example",
                "link": {
                    "organizationId": to_global_id("Client", client),
                    "phone": f"01 {rng.randrange(10**8):08}",
                },
            }
        }
        context = Context(
            db=db,
            viewer=Viewer("bench", Role.STAFF),
            now=NOW,
            today=NOW.astimezone(paris).date(),
            max_selection=100_000,
            request_id="bench",
            report_query_stats=False,
        )
        document = CREATE % ("possibleDuplicates { score reasons contact { id } }" if with_check else "")
        started = time.perf_counter()
        result = await schema.execute(document, variable_values=variables, context_value=context)
        elapsed = time.perf_counter() - started
        assert result.errors is None, result.errors
        assert result.data is not None and result.data["createContact"]["userErrors"] == [], result.data
        return elapsed

    # Per round, the median of each; creates with and without take turns one by one, so that a
    # shared machine's load, which comes and goes, weighs on both alike.
    # One round first, not counted: PostgreSQL plans a prepared statement afresh for its first
    # five runs on each connection before it keeps a generic plan, and a server's connections
    # live long past that. `--warm-up 0` counts them.
    timings: dict[bool, list[float]] = {True: [], False: []}
    try:
        for _ in range(warm_up * creates):
            await one(False), await one(True)
        for _ in range(rounds):
            pairs = [(await one(False), await one(True)) for _ in range(creates)]
            for index, asked in enumerate((False, True)):
                timings[asked].append(statistics.median(pair[index] for pair in pairs))
    finally:
        await db.dispose()
    without, with_check = statistics.median(timings[False]), statistics.median(timings[True])
    return {"without_ms": without * 1000, "with_ms": with_check * 1000, "ratio": with_check / without}
