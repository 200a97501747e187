"""Differential fuzzing: documents generated from the served schema (hypothesis-graphql, a fixed
seed) run through the compiled plans and the stock executor, as staff and as the portal, on
the same data; both must answer identical JSON, errors included.

CI runs CARNET_FUZZ_DOCUMENTS (default 300) documents per database; run it by hand with
CARNET_FUZZ_DOCUMENTS=10000 for the long campaign.
"""

import os
from datetime import date

from graphql import IntValueNode, StringValueNode
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import queries

from db.engine import Database
from db.models import ContactStatus, ExternalCollaborator, ExtranetUser
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from schema.compiled.execution import OUTCOMES
from schema.schema import schema
from tests import factories
from tests.conftest import NOW, context
from tests.equivalence import Sent, run

DOCUMENTS = int(os.environ.get("CARNET_FUZZ_DOCUMENTS", "300"))
SEED = 20261203


async def _world(db: Database) -> list[str]:
    """A small address book where every relation has rows, and every global id it holds."""
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    affair = await factories.affair(db, acme)
    target = await factories.target(db)
    event = await factories.event(db)
    supplier = await factories.supplier(db)
    bank = await factories.third_party(db)
    await factories.interlocutor_type(db)
    people = [
        await factories.contact(db, "Dupont", "Marie", at=acme, email="marie@acme.fr", function="DAF"),
        await factories.contact(db, "Caché", at=supplier, hidden_from_crm=True),
        await factories.contact(db, "Parti", at=bank, status=ContactStatus.DISAPPEARED),
        await factories.contact(db, "Élise", "Zoé", at=acme, last_follow_up_on=date(2026, 10, 1)),
    ]
    for person in people:
        link = await factories.primary_link(db, person)
        await factories.attach_sites(db, link, paris)
        await factories.give_types(db, link, "DEC")
        await factories.member(db, person, of_affair=affair, of_target=target)
        await factories.participate(db, person, event)
    await factories.link(db, people[0], bank, function="Trésorière")
    async with db.begin() as session:
        session.add(
            ExtranetUser(
                contact_id=people[0].id,
                organization_id=acme.id,
                login="marie@acme.fr",
                login_key="marie@acme.fr",
                email="marie@acme.fr",
                created_at=NOW,
            )
        )
        session.add(
            ExternalCollaborator(
                contact_id=people[1].id, organization_id=acme.id, code="EXT1", created_at=NOW
            )
        )
    followed = "mutation ($id: ID!) { markContactFollowedUp(input: {contactId: $id}) { contact { id } } }"
    await schema.execute(followed, {"id": to_global_id("Contact", people[0].id)}, context_value=context(db))
    ids = [to_global_id("Contact", person.id) for person in people]
    ids += [to_global_id(kind, row.id) for kind, row in [("Client", acme), ("Supplier", supplier)]]
    ids += [to_global_id(kind, row.id) for kind, row in [("ThirdParty", bank), ("Site", paris)]]
    ids += [
        to_global_id(kind, row.id) for kind, row in [("Affair", affair), ("Target", target), ("Event", event)]
    ]
    return [
        *ids,
        to_global_id("ExtranetUser", 1),
        to_global_id("ExternalCollaborator", 1),
        "Q29udGFjdDo5OTk=",
    ]


def _documents(ids: list[str], count: int) -> list[str]:
    """`count` documents from the served schema, always the same ones (fixed seed, no database)."""
    scalars = {
        "ID": st.sampled_from([*ids, "not-an-id"]).map(lambda value: StringValueNode(value=value)),
        "Int": st.sampled_from([1, 2, 3, 50, 100, 0, 101]).map(lambda value: IntValueNode(value=str(value))),
        "Date": st.sampled_from(["2026-11-28", "2026-01-01", "nope"]).map(
            lambda value: StringValueNode(value=value)
        ),
        "DateTime": st.just(StringValueNode(value="2026-11-28T09:00:00+00:00")),
    }
    found: list[str] = []

    @seed(SEED)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(schema._schema, custom_scalars=scalars, allow_x00=False))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


async def test_generated_documents_answer_the_same_on_both_executors(db: Database) -> None:
    ids = await _world(db)
    documents = _documents(ids, DOCUMENTS)
    compiled_before = OUTCOMES["compiled"]

    for document in documents:
        for role in (Role.STAFF, Role.PORTAL):
            sent = Sent(
                document, None, None, lambda compiled, role=role: context(db, role, compiled=compiled)
            )  # type: ignore[misc]
            stock, compiled = await run(sent, compiled=False), await run(sent, compiled=True)
            assert compiled == stock, f"{role.value}: {document}\nstock: {stock}\ncompiled: {compiled}"

    assert len(documents) >= min(DOCUMENTS, 100)
    assert (
        OUTCOMES["compiled"] > compiled_before
    )  # the plans did answer some: the comparison compared something
