"""The text styles of normalizeContacts, with every example of DOMAIN.md rule 14 and the edges
the rule implies (spaces, particles anywhere, apostrophes, case changes that alter length)."""

import pytest

from resolvers.errors import ErrorCode, Problem, Problems
from resolvers.normalization import Normalization, TextRule, transforms
from resolvers.text_styles import TextStyle, styled, title

RULE_14_TITLE = [
    ("jean-PIERRE", "Jean-Pierre"),
    ("de la FONTAINE", "de La Fontaine"),
    ("d'ARTAGNAN", "d'Artagnan"),
    ("LE GOFF", "Le Goff"),
    ("DU BELLAY", "du Bellay"),
    ("van der BERG", "van der Berg"),
    ("O'BRIEN", "O'Brien"),
    ("L'HERMITE", "L'Hermite"),
    ("DE", "De"),
]


@pytest.mark.parametrize(("typed", "expected"), RULE_14_TITLE)
def test_title_follows_every_example_of_rule_14(typed: str, expected: str) -> None:
    assert styled(TextStyle.TITLE, typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("JEAN DE LA FONTAINE", "Jean de La Fontaine"),
        ("marie-de-la-croix", "Marie-de-La-Croix"),
        ("PIERRE DES ESSARTS", "Pierre des Essarts"),
        ("LUDWIG VON MISES", "Ludwig von Mises"),
        ("VINCENT VAN GOGH", "Vincent van Gogh"),
        ("JOHANNES DEN UYL", "Johannes den Uyl"),
        ("LEONARDO DA VINCI", "Leonardo da Vinci"),
        ("ANDREA DEL SARTO", "Andrea del Sarto"),
        ("LUCA DELLA ROBBIA", "Luca della Robbia"),
        ("CHARLES DI LORENZO", "Charles di Lorenzo"),
        ("LES ROCHES", "Les Roches"),
        ("la", "La"),
        ("D'ARTAGNAN", "d'Artagnan"),
        ("jean d'ORMESSON", "Jean d'Ormesson"),
        ("N'DIAYE", "N'Diaye"),
        ("o’brien", "O’Brien"),
        ("dupont-éléonore", "Dupont-Éléonore"),
        ("ÉMILE ZOLA", "Émile Zola"),
        ("van der", "Van der"),
    ],
)
def test_title_keeps_particles_lower_wherever_they_stand(typed: str, expected: str) -> None:
    assert title(typed) == expected


def test_upper_keeps_accents() -> None:
    assert styled(TextStyle.UPPER, "dupont-éléonore") == "DUPONT-ÉLÉONORE"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("directeur financier", "Directeur financier"), ("DAF", "DAF"), ("responsable DSI", "Responsable DSI")],
)
def test_sentence_capitalises_the_first_letter_and_keeps_the_rest_as_typed(typed: str, expected: str) -> None:
    assert styled(TextStyle.SENTENCE, typed) == expected


def test_sentence_capitalises_the_first_letter_even_after_a_sign() -> None:
    assert styled(TextStyle.SENTENCE, "« directeur »") == "« Directeur »"


@pytest.mark.parametrize("style", list(TextStyle))
def test_surrounding_and_repeated_spaces_are_always_removed(style: TextStyle) -> None:
    expected = {TextStyle.UPPER: "JEAN DE LA FONTAINE", TextStyle.TITLE: "Jean de La Fontaine"}

    result = styled(style, "  jean \t de   la\u00a0fontaine  ")

    assert result == expected.get(style, "Jean de la fontaine")


@pytest.mark.parametrize("style", list(TextStyle))
def test_no_text_stays_no_text(style: TextStyle) -> None:
    assert styled(style, None) is None
    assert styled(style, "   ") is None


@pytest.mark.parametrize(
    ("style", "typed", "expected"),
    [
        (TextStyle.UPPER, "straße", "STRAẞE"),
        (TextStyle.TITLE, "İSTANBUL", "İstanbul"),
        (TextStyle.UPPER, "ŉ", "ŉ"),
    ],
)
def test_a_style_never_changes_the_length_of_a_text(style: TextStyle, typed: str, expected: str) -> None:
    result = styled(style, typed)

    assert result == expected
    assert len(result or "") == len(typed)


def test_a_rule_needs_exactly_one_of_style_or_value_and_every_bad_rule_is_named() -> None:
    problems = Problems()
    rules = Normalization(
        last_name=TextRule(style=TextStyle.UPPER, value="DUPONT"),
        first_name=TextRule(),
        function=TextRule(value="   "),
    )

    found = transforms(rules, problems)

    assert found == {}
    assert problems.found == [
        Problem(ErrorCode.INVALID, ("input", "lastName"), "Give exactly one of style or value."),
        Problem(ErrorCode.INVALID, ("input", "firstName"), "Give exactly one of style or value."),
        Problem(ErrorCode.INVALID, ("input", "function", "value"), "A value is required."),
    ]


def test_a_value_is_checked_against_the_fields_length() -> None:
    problems = Problems()
    rules = Normalization(last_name=TextRule(value="x" * 101), function=TextRule(value="f" * 200))

    found = transforms(rules, problems)

    assert list(found) == ["function"]
    assert problems.found == [
        Problem(ErrorCode.INVALID, ("input", "lastName", "value"), "At most 100 characters (101 given).")
    ]


def test_a_value_is_that_exact_text_tidied_for_everybody() -> None:
    found = transforms(Normalization(function=TextRule(value="  Directeur   achats ")), Problems())

    assert [found["function"](before) for before in (None, "DAF", "Directeur achats")] == [
        "Directeur achats"
    ] * 3
