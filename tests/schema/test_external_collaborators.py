"""createExternalCollaborators (rule 15): generated collaborator codes, the primary organisation,
a refusal per contact, and never a version or history entry."""

from db.engine import Database
from db.models import ContactStatus
from tests import factories
from tests.conftest import GraphQL
from tests.schema.account_world import COLLABORATORS, collaborator, every, refusal, versions


async def test_collaborators_get_a_generated_code_and_their_primary_organisation(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db, code="ACME", name="Acme")
    supplier = await factories.supplier(db, code="SUP")
    marie = await factories.contact(db, "Dupont", at=acme)
    paul = await factories.contact(db, "Martin", at=supplier)
    await factories.link(db, paul, acme)
    gone = await factories.contact(db, "Parti", at=acme, status=ContactStatus.DISAPPEARED)
    has = await factories.contact(db, "Déjà", at=acme)
    await collaborator(db, has, acme)

    result = await graphql(COLLABORATORS, {"input": every(paul, marie, gone, has)})
    again = await graphql(COLLABORATORS, {"input": every(marie)})

    assert result.data == {
        "createExternalCollaborators": {
            "created": [
                {
                    "code": f"EXT-{paul.id:06d}",
                    "active": True,
                    "contact": {"lastName": "Martin"},
                    "organization": {"code": "SUP"},
                },
                {
                    "code": f"EXT-{marie.id:06d}",
                    "active": True,
                    "contact": {"lastName": "Dupont"},
                    "organization": {"code": "ACME"},
                },
            ],
            "userErrors": [
                refusal(2, "NOT_ALLOWED", "The contact has disappeared: it gets no account.", gone),
                refusal(3, "ALREADY_EXISTS", "The contact already has an external collaborator.", has),
            ],
        }
    }
    assert again.data["createExternalCollaborators"]["userErrors"] == [  # type: ignore[index]
        refusal(0, "ALREADY_EXISTS", "The contact already has an external collaborator.", marie)
    ]
    assert [row[1:] for row in await versions(graphql)] == [(1, 0)] * 4
