"""Rule 23 through GraphQL: erasure and personal-data exports are the admin's alone, and each is
recorded in the audit log."""

from db.engine import Database
from resolvers.access import Role
from resolvers.global_ids import to_global_id as gid
from tests import factories
from tests.conftest import GraphQL

ANONYMIZE = """mutation ($input: AnonymizeContactInput!) { anonymizeContact(input: $input) {
  contact { id lastName email } userErrors { field code } } }"""
EXPORT = """query ($id: ID!, $reason: String!) { personalDataExport(contactId: $id, reason: $reason) { contact { id } json vcard } }"""
AUDIT = """{ auditLog(first: 10) { totalCount edges { node { id actor action subject reason contactCount } } } }"""


async def test_erasure_and_exports_are_the_admins_and_are_recorded(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", "Marie", at=acme, email="marie@acme.fr")
    contact_id = gid("Contact", person.id)
    for role in (Role.STAFF, Role.PORTAL):
        state = await factories.database_state(db)
        refused = await graphql(ANONYMIZE, {"input": {"contactId": contact_id, "reason": "RGPD"}}, role=role)
        assert refused.errors is not None and refused.errors[0].extensions["code"] == "FORBIDDEN"  # type: ignore[index]
        exported = await graphql(EXPORT, {"id": contact_id, "reason": "RGPD"}, role=role)
        assert exported.data == {"personalDataExport": None}
        assert await factories.database_state(db) == state

    exported = await graphql(EXPORT, {"id": contact_id, "reason": "Demande d'accès"}, role=Role.ADMIN)
    assert exported.errors is None
    assert '"email": "marie@acme.fr"' in exported.data["personalDataExport"]["json"]  # type: ignore[index]
    erased = await graphql(
        ANONYMIZE, {"input": {"contactId": contact_id, "reason": "Droit à l'effacement"}}, role=Role.ADMIN
    )
    assert erased.data == {
        "anonymizeContact": {
            "contact": {"id": contact_id, "lastName": "Anonyme", "email": None},
            "userErrors": [],
        }
    }
    log = await graphql(AUDIT, role=Role.ADMIN)
    nodes = [edge["node"] for edge in log.data["auditLog"]["edges"]]  # type: ignore[index]
    assert [(n["action"], n["subject"], n["reason"], n["contactCount"]) for n in nodes] == [
        ("ERASURE", contact_id, "Droit à l'effacement", 1),
        ("PERSONAL_DATA_EXPORT", contact_id, "Demande d'accès", 1),
    ]
    assert log.data["auditLog"]["totalCount"] == 2  # type: ignore[index]
    staff = await graphql(AUDIT)
    assert staff.data == {"auditLog": None}
