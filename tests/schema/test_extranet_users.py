"""createExtranetUsers (rule 15): one outcome per contact, logins unique regardless of case, a
refusal per contact (or pointing at the filter), and never a version or history entry."""

from sqlalchemy import update

from db.engine import Database
from db.models import Contact, ContactLink, ContactStatus
from tests import factories
from tests.conftest import GraphQL
from tests.schema.account_world import USERS, every, gid, refusal, user, versions


async def test_each_contact_gets_its_account_or_its_own_refusal(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db, code="ACME", name="Acme")
    supplier = await factories.supplier(db, code="SUP")
    marie = await factories.contact(db, "Dupont", "Marie", at=acme, email="marie@gmail.com")
    await _set_link_email(db, marie, "Marie.Dupont@acme.fr")
    sans = await factories.contact(db, "Sans", at=acme)
    gone = await factories.contact(
        db, "Parti", at=acme, email="parti@acme.fr", status=ContactStatus.DISAPPEARED
    )
    has = await factories.contact(db, "Déjà", at=acme)
    await user(db, has, acme, "Jeanne@acme.fr")
    paul = await factories.contact(db, "Martin", "Paul", at=supplier, email="paul@martin.fr")
    clash = await factories.contact(db, "Homonyme", at=acme, email="MARIE.DUPONT@ACME.FR")
    twin = await factories.contact(db, "Jumelle", at=acme)
    await _set_link_email(db, twin, "JEANNE@acme.fr")
    selection = every(marie, sans, gone, has, paul, clash, twin)
    selection["selection"]["ids"].append(gid("Contact", 999))

    result = await graphql(USERS, {"input": selection})

    assert result.errors is None
    assert result.data == {
        "createExtranetUsers": {
            "created": [
                {
                    "login": "Marie.Dupont@acme.fr",
                    "email": "Marie.Dupont@acme.fr",
                    "active": True,
                    "createdAt": "2026-11-28T09:00:00+00:00",
                    "contact": {"lastName": "Dupont"},
                    "organization": {"code": "ACME"},
                },
                {
                    "login": "paul@martin.fr",
                    "email": "paul@martin.fr",
                    "active": True,
                    "createdAt": "2026-11-28T09:00:00+00:00",
                    "contact": {"lastName": "Martin"},
                    "organization": {"code": "SUP"},
                },
            ],
            "userErrors": [
                {
                    "field": ["input", "selection", "ids", "7"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": gid("Contact", 999),
                },
                refusal(
                    1,
                    "MISSING_EMAIL",
                    "Neither the contact's primary link nor the contact has an e-mail.",
                    sans,
                ),
                refusal(2, "NOT_ALLOWED", "The contact has disappeared: it gets no account.", gone),
                refusal(3, "ALREADY_EXISTS", "The contact already has an extranet user.", has),
                refusal(5, "DUPLICATE", "MARIE.DUPONT@ACME.FR is already an extranet user's login.", clash),
                refusal(6, "DUPLICATE", "JEANNE@acme.fr is already an extranet user's login.", twin),
            ],
        }
    }
    assert await versions(graphql) == [
        ("Déjà", 1, 0),
        ("Dupont", 1, 0),
        ("Homonyme", 1, 0),
        ("Jumelle", 1, 0),
        ("Martin", 1, 0),
        ("Parti", 1, 0),
        ("Sans", 1, 0),
    ]


async def _set_link_email(db: Database, person: Contact, email: str) -> None:
    async with db.begin() as session:
        await session.execute(
            update(ContactLink).where(ContactLink.contact_id == person.id).values(email=email)
        )


async def test_creating_users_twice_refuses_each_contact_the_second_time(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    marie = await factories.contact(db, "Dupont", at=acme, email="marie@acme.fr")
    await graphql(USERS, {"input": every(marie)})
    before = await factories.database_state(db)

    again = await graphql(USERS, {"input": every(marie)})

    assert again.data == {
        "createExtranetUsers": {
            "created": [],
            "userErrors": [refusal(0, "ALREADY_EXISTS", "The contact already has an extranet user.", marie)],
        }
    }
    assert await factories.database_state(db) == before


async def test_by_filter_a_refusal_points_at_the_filter(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    await factories.contact(db, "Zola", at=acme, email="zola@acme.fr")
    second = await factories.contact(db, "Adam", at=acme)

    result = await graphql(USERS, {"input": {"selection": {"filter": {}}}})

    assert result.data["createExtranetUsers"]["created"][0]["login"] == "zola@acme.fr"  # type: ignore[index]
    assert result.data["createExtranetUsers"]["userErrors"] == [  # type: ignore[index]
        {
            "field": ["input", "selection", "filter"],
            "message": "Neither the contact's primary link nor the contact has an e-mail.",
            "code": "MISSING_EMAIL",
            "contactId": gid("Contact", second.id),
        }
    ]
