"""Rule 21, on random cards: a merge then its undo gives every contact back row for row
(fields, links, sites, types, memberships, accounts, history), versions and the two new
history entries aside. Run on each engine."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.engine import Database
from db.models import (
    Civility,
    Contact,
    ContactAffair,
    ContactChange,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    EventParticipation,
    ExtranetUser,
    FieldChange,
    ParticipationStatus,
    TargetMember,
)
from resolvers.merge_plans import MERGEABLE
from resolvers.merges import FieldChoice, merge_contacts
from resolvers.search import refresh_contact_keys
from resolvers.unmerges import unmerge_contacts
from tests import factories
from tests.conftest import NOW, wipe
from tests.resolvers.test_merges import actor, cards

links = st.fixed_dictionaries(
    {
        "function": st.none() | st.sampled_from(["DAF", "DSI", "Acheteur"]),
        "email": st.none() | st.sampled_from(["a@x.fr", "b@y.fr", "A@x.fr"]),
        "phone": st.none() | st.sampled_from(["+33123456789", "+33612345678"]),
        "receives_invoices": st.booleans(),
        "receives_reminders_all_sites": st.booleans(),
        "sites": st.sets(st.integers(0, 2)),
        "types": st.sets(st.sampled_from(["DEC", "TEC"])),
    }
)
card = st.fixed_dictionaries(
    {
        "last_name": st.sampled_from(["Dupont", "Durand", "Martin"]),
        "first_name": st.none() | st.sampled_from(["Marie", "Paul"]),
        "civility": st.none() | st.sampled_from(list(Civility)),
        "email": st.none() | st.sampled_from(["m@x.fr", "p@y.fr"]),
        "phone": st.none() | st.sampled_from(["+33123456789", "+33140000000"]),
        "notes": st.none() | st.text(max_size=20).filter(lambda t: "\x00" not in t and t.strip() == t and t),
        "hidden_from_crm": st.booleans(),
        "links": st.dictionaries(st.integers(0, 2), links, min_size=1, max_size=3),
        "affairs": st.sets(st.integers(0, 1)),
        "targets": st.sets(st.integers(0, 1)),
        "events": st.dictionaries(st.integers(0, 1), st.sampled_from(list(ParticipationStatus))),
        "account": st.booleans(),
        "history": st.integers(0, 2),
    }
)


async def _insert(db: Database, cards_: list[dict[str, Any]]) -> list[int]:
    orgs = [
        await factories.client(db, "A", "Alpha"),
        await factories.client(db, "B", "Beta"),
        await factories.third_party(db),
    ]
    sites = [await factories.site(db, orgs[0], code=f"S{n}", name=f"Site {n}") for n in range(3)]
    for code in ("DEC", "TEC"):
        await factories.interlocutor_type(db, code=code)
    affairs = [await factories.affair(db, orgs[0], code=f"AF{n}") for n in range(2)]
    targets = [await factories.target(db, name=f"T{n}") for n in range(2)]
    events = [await factories.event(db, name=f"E{n}") for n in range(2)]
    ids = []
    async with db.begin() as session:
        for index, given_card in enumerate(cards_):
            person = Contact(
                **{
                    k: given_card[k]
                    for k in (
                        "last_name",
                        "first_name",
                        "civility",
                        "email",
                        "phone",
                        "notes",
                        "hidden_from_crm",
                    )
                },
                version=1 + given_card["history"],
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(person)
            await session.flush()
            ids.append(person.id)
            for position, (org_index, link) in enumerate(sorted(given_card["links"].items())):
                org = orgs[org_index]
                at_client = org_index < 2
                row = ContactLink(
                    contact_id=person.id,
                    organization_id=org.id,
                    is_primary=position == 0,
                    created_at=NOW,
                    function=link["function"],
                    email=link["email"],
                    phone=link["phone"],
                    receives_invoices=link["receives_invoices"] and at_client,
                    receives_reminders_all_sites=link["receives_reminders_all_sites"] and at_client,
                )
                session.add(row)
                await session.flush()
                if org_index == 0:
                    session.add_all(
                        [ContactLinkSite(link_id=row.id, site_id=sites[s].id) for s in link["sites"]]
                    )
                if at_client:
                    session.add_all(
                        [ContactLinkInterlocutorType(link_id=row.id, type_code=t) for t in link["types"]]
                    )
            session.add_all(
                [ContactAffair(contact_id=person.id, affair_id=affairs[a].id) for a in given_card["affairs"]]
            )
            session.add_all(
                [TargetMember(contact_id=person.id, target_id=targets[t].id) for t in given_card["targets"]]
            )
            session.add_all(
                [
                    EventParticipation(contact_id=person.id, event_id=events[e].id, status=s)
                    for e, s in given_card["events"].items()
                ]
            )
            if given_card["account"]:
                login = f"user{index}@x.fr"
                session.add(
                    ExtranetUser(
                        contact_id=person.id,
                        organization_id=orgs[0].id,
                        login=login,
                        login_key=login,
                        email=login,
                        created_at=NOW,
                    )
                )
            for entry in range(given_card["history"]):
                change = ContactChange(contact_id=person.id, at=NOW, actor="alice", operation=f"op{entry}")
                session.add(change)
                await session.flush()
                session.add(FieldChange(change_id=change.id, field="notes", before=None, after=f"n{entry}"))
        await session.flush()
        await refresh_contact_keys(session, ids)
    return ids


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    given_cards=st.lists(card, min_size=2, max_size=4),
    chosen=st.lists(
        st.tuples(st.sampled_from(sorted(MERGEABLE)), st.integers(1, 3)), max_size=3, unique_by=lambda c: c[0]
    ),
)
async def test_merge_then_unmerge_gives_every_card_back(
    shared_database: Database, given_cards: list[dict[str, Any]], chosen: list[tuple[str, int]]
) -> None:
    db = shared_database
    await wipe(db)
    ids = await _insert(db, given_cards)
    keep, merged = ids[0], ids[1:]
    choices = [FieldChoice(name, merged[(n - 1) % len(merged)]) for name, n in chosen]
    before = await cards(db, ids)

    async with db.begin() as session:
        result = await merge_contacts(
            session, actor("mergeContacts"), keep_id=keep, merge_ids=merged, choices=choices
        )
    assert result.merge is not None
    async with db.begin() as session:
        await unmerge_contacts(session, actor("unmergeContacts"), merge_id=result.merge.id)
    after = await cards(db, ids)

    for contact_id in ids:
        history = after[contact_id].pop("history")
        assert [entry[1] for entry in history[len(history) - 2 :]] == ["mergeContacts", "unmergeContacts"]
        assert history[:-2] == before[contact_id].pop("history")
        assert after[contact_id] == before[contact_id]
