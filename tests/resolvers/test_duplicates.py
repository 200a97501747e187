"""Rule 21, the look-up: who may be the same person, why, and how sure; merged contacts never."""

from db.engine import Database
from db.models import ContactStatus
from resolvers.duplicate_groups import duplicate_groups
from resolvers.duplicates import Candidate, Reason, possible_duplicates, score, within_one_edit
from tests import factories


def test_one_edit_apart() -> None:
    assert within_one_edit("dupont", "dupond")
    assert within_one_edit("dupont", "dupnot")
    assert within_one_edit("dupont", "duppont")
    assert within_one_edit("dupont", "dupon")
    assert not within_one_edit("dupont", "durand")
    assert not within_one_edit("abc", "bcd")


async def test_each_sign_is_found_with_its_reason_and_score(db: Database) -> None:
    acme = await factories.client(db)
    other = await factories.client(db, code="OTHER", name="Other")
    me = await factories.contact(
        db, "Dupont", "Marie", at=acme, email="Marie.Dupont@acme.fr", phone="+33123456789"
    )
    by_email = await factories.contact(db, "Autre", "Nom", at=other, email="marie.dupont@ACME.fr")
    by_phone = await factories.contact(db, "Encore", "Autre", at=other, mobile="+33123456789")
    same_name = await factories.contact(db, "DUPONT", "marie", at=acme)
    typo = await factories.contact(db, "Dupond", "Marie", at=acme)
    swapped = await factories.contact(db, "Marie", "Dupont", at=acme)
    await factories.contact(db, "Dupont", "Marie", at=other)  # same name elsewhere: not a sign
    await factories.contact(db, "Durand", "Marie", at=acme)  # two letters apart: not alike
    merged = await factories.contact(db, "Dupont", "Marie", at=acme, status=ContactStatus.MERGED)

    async with db.read() as session:
        found = await possible_duplicates(session, me.id)

    assert found == [
        Candidate(by_email.id, (Reason.SAME_EMAIL,), 0.9),
        Candidate(by_phone.id, (Reason.SAME_PHONE,), 0.85),
        Candidate(same_name.id, (Reason.SAME_NAME_AT_ORGANIZATION,), 0.85),
        Candidate(typo.id, (Reason.SIMILAR_NAME_AT_ORGANIZATION,), 0.8),
        Candidate(swapped.id, (Reason.SIMILAR_NAME_AT_ORGANIZATION,), 0.8),
    ]
    assert merged.id not in [candidate.contact_id for candidate in found]


async def test_the_same_social_profile_is_a_sign_case_aside_and_groups_too(db: Database) -> None:
    acme = await factories.client(db)
    other = await factories.client(db, code="OTHER", name="Other")
    profile = "https://www.linkedin.com/in/marie-dupont"
    me = await factories.contact(db, "Dupont", "Marie", at=acme, linkedin_url=profile)
    same = await factories.contact(
        db, "Autre", "Nom", at=other, linkedin_url="https://www.LinkedIn.com/in/Marie-Dupont"
    )
    shouted = await factories.contact(db, "Encore", "Autre", at=other, linkedin_url=profile.upper())
    await factories.contact(
        db, "Tiers", "Luc", at=other, linkedin_url="https://www.linkedin.com/in/marie-dupond"
    )
    await factories.contact(db, "Sans", "Profil", at=other)  # no profile: never a sign with another
    await factories.contact(db, "Vide", "Aussi", at=other)
    await factories.contact(db, "Fusion", "Née", at=other, linkedin_url=profile, status=ContactStatus.MERGED)

    async with db.read() as session:
        found = await possible_duplicates(session, me.id)
        groups = await duplicate_groups(session)

    assert found == [
        Candidate(same.id, (Reason.SAME_SOCIAL_PROFILE,), 0.9),
        Candidate(shouted.id, (Reason.SAME_SOCIAL_PROFILE,), 0.9),
    ]
    assert [(g.contact_ids, g.reasons, g.score) for g in groups.groups] == [
        ((me.id, same.id, shouted.id), (Reason.SAME_SOCIAL_PROFILE,), 0.9)
    ]


def test_signs_add_up() -> None:
    assert score([Reason.SAME_EMAIL, Reason.SAME_NAME_AT_ORGANIZATION]) == 0.985
    assert score([]) == 0.0


async def test_groups_read_the_whole_base_best_first(db: Database) -> None:
    acme = await factories.client(db)
    a = await factories.contact(db, "Martin", "Paul", at=acme, email="paul@acme.fr")
    b = await factories.contact(db, "Martin", "Paul", at=acme, email="PAUL@acme.fr")
    c = await factories.contact(db, "Petit", "Anne", at=acme)
    d = await factories.contact(db, "Petti", "Anne", at=acme)
    await factories.contact(db, "Bernard", "Luc", at=acme)

    async with db.read() as session:
        page = await duplicate_groups(session)
        second = await duplicate_groups(session, first=1, after=page.groups[0].cursor)

    assert [(g.contact_ids, g.reasons, g.score) for g in page.groups] == [
        ((a.id, b.id), (Reason.SAME_EMAIL, Reason.SAME_NAME_AT_ORGANIZATION), 0.985),
        ((c.id, d.id), (Reason.SIMILAR_NAME_AT_ORGANIZATION,), 0.8),
    ]
    assert page.total == 2
    assert [g.contact_ids for g in second.groups] == [(c.id, d.id)]
    assert second.has_next is False
