"""Every mutation of the schema returns each object it changed, with its id (and a contact's
version), so that a normalising cache is right without asking again (rule 13, issue 10).

Walked over the schema itself: a new mutation fails this test until it is given a case here.
What changed is not declared by hand: it is read from the database before and after (every
row of the objects that are nodes), and each new or changed object must be in the payload,
a contact with the version it has now.
"""

from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import (
    Affair,
    Contact,
    ContactLink,
    ContactStatus,
    Event,
    EventParticipation,
    ExternalCollaborator,
    ExtranetUser,
    InterlocutorType,
    Organization,
    Site,
    Target,
)
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from schema.schema import schema
from tests import factories
from tests.conftest import NOW, GraphQL

KIND_TYPES = {"CLIENT": "Client", "SUPPLIER": "Supplier", "THIRD_PARTY": "ThirdParty"}
# The node rows, by model: how a row reads as a global id.
NODE_ROWS: dict[Any, Any] = {
    Contact: lambda row: to_global_id("Contact", row.id),
    ContactLink: lambda row: to_global_id("ContactLink", row.id),
    EventParticipation: lambda row: to_global_id("EventParticipation", row.event_id, row.contact_id),
    Organization: lambda row: to_global_id(KIND_TYPES[row.kind.value], row.id),
    Site: lambda row: to_global_id("Site", row.id),
    Affair: lambda row: to_global_id("Affair", row.id),
    Target: lambda row: to_global_id("Target", row.id),
    Event: lambda row: to_global_id("Event", row.id),
    InterlocutorType: lambda row: to_global_id("InterlocutorType", row.code),
    ExtranetUser: lambda row: to_global_id("ExtranetUser", row.id),
    ExternalCollaborator: lambda row: to_global_id("ExternalCollaborator", row.id),
}

HIDDEN_COLUMNS = {"search_tokens", "last_name_key", "first_name_key", "name_key", "login_key"}
CARD = "id version links { id } events { id status } extranetUser { id active } externalCollaborator { id active }"
PAYLOADS = {
    "ContactPayload": f"contact {{ {CARD} }}",
    "BatchPayload": f"affectedCount contacts {{ {CARD} }}",
    "NormalizationPayload": f"applied contacts {{ {CARD} }}",
    "ExtranetUsersPayload": "created { id contact { id version } }",
    "ExternalCollaboratorsPayload": "created { id contact { id version } }",
    "ExtranetUserPayload": "extranetUser { id active }",
    "ExternalCollaboratorPayload": "externalCollaborator { id active }",
    "ClientPayload": "client { id sites { id } affairs { id } }",
    "SupplierPayload": "supplier { id }",
    "ThirdPartyPayload": "thirdParty { id }",
    "SitePayload": "site { id }",
    "AffairPayload": "affair { id }",
    "TargetPayload": "target { id }",
    "EventPayload": "event { id }",
    "InterlocutorTypePayload": "interlocutorType { id }",
    "MergeContactsPayload": f"contact {{ {CARD} }} merge {{ id kept {{ {CARD} }} merged {{ {CARD} }} }}",
    "UnmergeContactsPayload": f"contacts {{ {CARD} }}",
}

MARIE, PAUL, GONE = "$MARIE", "$PAUL", "$GONE"
BOTH = {"ids": [MARIE, PAUL]}
# One case per mutation: its input, the ids written as `$NAME` for the world's objects.
CASES: dict[str, dict[str, Any]] = {
    "createContact": {"lastName": "Neuf", "link": {"organizationId": "$ACME", "function": "DAF"}},
    "quickCreateContact": {"affairId": "$AFF", "lastName": "Rapide"},
    "updateContact": {"id": MARIE, "notes": "vue au salon"},
    "linkContact": {"contactId": PAUL, "link": {"organizationId": "$BETA"}},
    "updateContactLink": {"contactId": MARIE, "organizationId": "$ACME", "function": "DG"},
    "unlinkContact": {"contactId": PAUL, "organizationId": "$SUP"},
    "markContactFollowedUp": {"contactId": PAUL},
    "declareContactDisappeared": {"contactId": MARIE, "reason": "partie"},
    "reinstateContact": {"contactId": GONE},
    "associateContacts": {"selection": BOTH, "clientId": "$ACME", "siteIds": ["$LYO"]},
    "dissociateContacts": {"selection": BOTH, "clientId": "$ACME", "siteIds": ["$PAR"]},
    "attachContactsToAffair": {"selection": BOTH, "affairId": "$AFF"},
    "detachContactsFromAffair": {"selection": BOTH, "affairId": "$AFF"},
    "addContactsToTarget": {"selection": BOTH, "targetId": "$SALON"},
    "removeContactsFromTarget": {"selection": BOTH, "targetId": "$SALON"},
    "associateContactsToEvent": {"selection": BOTH, "eventId": "$FORUM", "status": "REGISTERED"},
    "removeContactsFromEvent": {"selection": BOTH, "eventId": "$FORUM"},
    "normalizeContacts": {"selection": BOTH, "lastName": {"style": "UPPER"}},
    "createExtranetUsers": {"selection": {"ids": [PAUL]}},
    "createExternalCollaborators": {"selection": {"ids": [PAUL]}},
    "setExtranetUserActive": {"id": "$USER", "active": False},
    "setExternalCollaboratorActive": {"id": "$COLLABORATOR", "active": False},
    "createClient": {"code": "NEW", "name": "Nouveau"},
    "createSupplier": {"code": "NEW", "name": "Nouveau"},
    "createThirdParty": {"code": "NEW", "name": "Nouveau"},
    "createSite": {"clientId": "$ACME", "code": "NEW", "name": "Nouveau"},
    "createAffair": {"clientId": "$ACME", "code": "NEW", "name": "Nouveau"},
    "createTarget": {"name": "Nouveau"},
    "createEvent": {"name": "Nouveau", "startsOn": "2027-01-01"},
    "createInterlocutorType": {"code": "NEW", "label": "Nouveau"},
    "updateClient": {"id": "$ACME", "name": "Acme Groupe"},
    "updateSupplier": {"id": "$SUP", "name": "Martin & fils"},
    "updateThirdParty": {"id": "$BANK", "name": "Banque"},
    "updateSite": {"id": "$PAR", "city": "Paris"},
    "updateAffair": {"id": "$AFF", "name": "Migration"},
    "updateTarget": {"id": "$SALON", "name": "Salon 2028"},
    "updateEvent": {"id": "$FORUM", "location": "Lyon"},
    "updateInterlocutorType": {"code": "DEC", "label": "Décisionnaire"},
    "mergeContacts": {"keepId": MARIE, "mergeIds": [PAUL]},
    "unmergeContacts": {"mergeId": "$MERGE"},
    "anonymizeContact": {"contactId": PAUL, "reason": "demande de la personne"},
}
# What must have happened before a case (there is a merge to undo before unmergeContacts).
MERGE = """mutation ($input: MergeContactsInput!) { mergeContacts(input: $input) { merge { id } userErrors { code } } }"""


def _mutations() -> dict[str, str]:
    """Every mutation the schema serves, and its payload type's name."""
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    return {name: str(field.type).rstrip("!") for name, field in mutation_type.fields.items()}


def test_every_mutation_of_the_schema_has_a_case() -> None:
    assert sorted(CASES) == sorted(_mutations())
    assert set(_mutations().values()) <= set(PAYLOADS)


async def _world(db: Database) -> dict[str, str]:
    acme = await factories.client(db, code="ACME", name="Acme")
    beta = await factories.client(db, code="BETA", name="Beta")
    supplier, bank = await factories.supplier(db), await factories.third_party(db)
    paris = await factories.site(db, acme, code="PAR", name="Paris")
    lyon = await factories.site(db, acme, code="LYO", name="Lyon")
    affair = await factories.affair(db, acme, code="AFF", name="Migration ERP")
    salon, forum = await factories.target(db), await factories.event(db)
    await factories.interlocutor_type(db, code="DEC")
    marie = await factories.contact(db, "dupont", "marie", at=acme, email="marie@acme.fr")
    paul = await factories.contact(db, "martin", "paul", at=acme, email="paul@acme.fr")
    gone = await factories.contact(db, "parti", at=acme, status=ContactStatus.DISAPPEARED)
    await factories.link(db, paul, supplier)
    await factories.attach_sites(db, await factories.primary_link(db, marie), paris)
    await factories.member(db, marie, of_affair=affair, of_target=salon)
    await factories.participate(db, marie, forum)
    async with db.begin() as session:
        user = ExtranetUser(
            contact_id=marie.id,
            organization_id=acme.id,
            login="marie@acme.fr",
            login_key="marie@acme.fr",
            email="marie@acme.fr",
            created_at=NOW,
        )
        collaborator = ExternalCollaborator(
            contact_id=marie.id, organization_id=acme.id, code="EXT1", created_at=NOW
        )
        session.add_all([user, collaborator])
    return {
        "$ACME": to_global_id("Client", acme.id),
        "$BETA": to_global_id("Client", beta.id),
        "$SUP": to_global_id("Supplier", supplier.id),
        "$BANK": to_global_id("ThirdParty", bank.id),
        "$PAR": to_global_id("Site", paris.id),
        "$LYO": to_global_id("Site", lyon.id),
        "$AFF": to_global_id("Affair", affair.id),
        "$SALON": to_global_id("Target", salon.id),
        "$FORUM": to_global_id("Event", forum.id),
        MARIE: to_global_id("Contact", marie.id),
        PAUL: to_global_id("Contact", paul.id),
        GONE: to_global_id("Contact", gone.id),
        "$USER": to_global_id("ExtranetUser", user.id),
        "$COLLABORATOR": to_global_id("ExternalCollaborator", collaborator.id),
    }


def _resolved(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _resolved(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolved(item, ids) for item in value]
    return ids.get(value, value) if isinstance(value, str) else value


async def _nodes(db: Database) -> dict[str, tuple[Any, ...]]:
    """Every node row, by global id: the values of its columns the API shows (sort keys and
    search words are the server's own: a client sees none of them)."""
    found = {}
    async with db.read() as session:
        for model, global_id in NODE_ROWS.items():
            columns = [c for c in model.__table__.columns if c.key not in HIDDEN_COLUMNS]
            for row in await session.scalars(select(model)):
                found[global_id(row)] = tuple(getattr(row, column.key) for column in columns)
    return found


def _objects(value: Any, found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every object with an id anywhere in a payload, by id."""
    if isinstance(value, dict):
        if "id" in value:
            found.setdefault(value["id"], value)
        for item in value.values():
            _objects(item, found)
    elif isinstance(value, list):
        for item in value:
            _objects(item, found)
    return found


async def _versions(db: Database) -> dict[str, int]:
    async with db.read() as session:
        rows = await session.execute(select(Contact.id, Contact.version))
    return {to_global_id("Contact", pk): version for pk, version in rows}


@pytest.mark.parametrize("mutation", sorted(CASES))
async def test_the_payload_returns_each_object_the_mutation_changed(
    db: Database, graphql: GraphQL, mutation: str
) -> None:
    ids = await _world(db)
    if mutation == "unmergeContacts":
        merged = await graphql(MERGE, {"input": _resolved(CASES["mergeContacts"], ids)}, role=Role.ADMIN)
        assert merged.data is not None
        ids["$MERGE"] = merged.data["mergeContacts"]["merge"]["id"]
    payload_type = _mutations()[mutation]
    document = (
        f"mutation ($input: {_input_type(mutation)}!) {{ {mutation}(input: $input) {{ "
        f"{PAYLOADS[payload_type]} userErrors {{ field code message }} }} }}"
    )
    before = await _nodes(db)

    result = await graphql(document, {"input": _resolved(CASES[mutation], ids)}, role=Role.ADMIN)

    assert result.errors is None, result.errors
    assert result.data is not None
    payload = result.data[mutation]
    assert payload["userErrors"] == []
    after = await _nodes(db)
    changed = sorted(global_id for global_id, row in after.items() if before.get(global_id) != row)
    returned = _objects(payload, {})
    versions = await _versions(db)
    assert changed, "the case changes nothing: it proves nothing"
    assert [global_id for global_id in changed if global_id not in returned] == []
    for global_id, shown in returned.items():
        if "version" in shown:
            assert shown["version"] == versions[global_id], global_id


def _input_type(mutation: str) -> str:
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    return str(mutation_type.fields[mutation].args["input"].type).rstrip("!")
