"""A large, deterministic address book: rows per table, generated chunk by chunk.

The same seed gives the same rows on both engines. Keys and search tokens are computed as
`resolvers.search.refresh_contact_keys` computes them (the seed checks a sample against it).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from db.columns import code_key
from resolvers.text import fold, words

SEED = 20261128
VERSION = 1  # part of the databases' names: change it when the generated data change
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
# The rare name the search benchmark looks for (typed without its accents); nothing else starts so.
RARE_LAST_NAME = "Quéméneur"
RARE_FIRST_NAMES = ("Gwenaëlle", "Loïc", "Yannick")


def _pool(text: str) -> list[str]:
    """A pool written as one text: items separated by spaces, "_" joining the words of one item."""
    return [item.replace("_", " ") for item in text.split()]


LAST_NAMES = _pool(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Müller "
    "Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martínez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte López Jean Dupuy Guillot Hubert Berger Carpentier Sánchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé "
    "Schneider Fernández Le_Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le_Roux Cousin "
    "Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal "
    "Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodríguez Guichard Gillet Étienne Grondin Poulain "
    "Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud "
    "Antoine Hoarau Perret Barthélémy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier "
    "Laporte Œuvrard Ångström Đặng Nguyễn"
)
SYNTHETIC_HEADS = _pool("Bar Ber Bon Cha Dal Fer Gar Lam Mar Per Ros Tes Vau Gué Lé Mé Sau Tho Vil Jou")
SYNTHETIC_TAILS = _pool("din ron chet lard mont ville bert court nier taz lin vert ois ières aud eux")
FIRST_NAMES = _pool(
    "Marie Jean Pierre Michel André Philippe Nathalie Isabelle Sylvie Catherine Françoise Anne Christine "
    "Monique Jacques Alain Nicolas Patrick Christophe Daniel Éric Stéphane Laurent Sébastien Julien "
    "Thomas Camille Léa Manon Chloé Emma Inès Jade Louise Hugo Lucas Théo Nathan Enzo Maël Noé Zoé "
    "Céline Sandrine Valérie Aurélie Hélène Agnès Josée Gaëlle Joël Noël Hervé Gérard René Benoît Cédric "
    "Jérôme Frédéric Maxime Élodie Émilie Mélanie Clémence Océane Anaïs Jérémy Jean-Pierre Marie-Claude"
)
FUNCTIONS = _pool(
    "Directeur_financier Directrice_financière DAF DSI Acheteur Acheteuse Comptable Contrôleur_de_gestion "
    "Responsable_achats Chef_de_projet Directeur_général Assistante_de_direction Responsable_RH Juriste "
    "Ingénieur_d'affaires Responsable_informatique Trésorier Directeur_commercial Responsable_qualité "
    "Architecte_SI Chargée_de_recrutement Office_manager Gestionnaire_de_paie"
)
COMPANY_WORDS = _pool(
    "Acier Bâtiment Conseil Énergie Logistique Santé Banque Assurance Transport Agro Chimie Optique "
    "Électronique Immobilier Hôtellerie Textile Papeterie Verrerie Forge Marine Aéro Ingénierie"
)
COMPANY_SUFFIXES = _pool("SA Industrie Services Groupe &_Fils Solutions Atlantique Méditerranée du_Nord")
CITIES = _pool("Paris Lyon Marseille Toulouse Nantes Lille Rennes Brest Nîmes Dijon Metz Caen Tours Pau")
TYPES = {
    "DEC": "Décideur",
    "FIN": "Interlocuteur financier",
    "PRI": "Interlocuteur principal",
    "TECH": "Technique",
    "ACH": "Achats",
}
STATUSES = ("INVITED", "REGISTERED", "ATTENDED", "DECLINED", "ABSENT")
CIVILITIES = ("MR", "MRS", "MRS", "MR", "DR", None)
KINDS = ("CLIENT", "SUPPLIER", "THIRD_PARTY")


@cache
def _folded(value: str) -> str:
    return fold(value)


@cache
def _words(value: str) -> tuple[str, ...]:
    return tuple(words(value))


def tokens_of(*values: str | None) -> str:
    """`resolvers.search.tokens_text`, with each distinct value's words computed once."""
    seen: dict[str, None] = {}
    for value in values:
        if value:
            for word in _words(value):
                seen.setdefault(word, None)
    return f" {' '.join(seen)} "


@dataclass
class Reference:
    """Organisations, sites, affairs, targets, events: rows per table, and what contacts pick from."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    organizations: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, kind, name, domain
    sites_by_client: dict[int, list[int]] = field(default_factory=dict)
    affair_by_client: dict[int, int] = field(default_factory=dict)
    targets: int = 0
    events: int = 0


def reference(size: int) -> Reference:
    """About one organisation for 40 contacts, two sites and an affair per client."""
    rng = random.Random(SEED)
    ref = Reference()
    organizations, sites, affairs = [], [], []
    for pk in range(1, max(60, size // 40) + 1):
        kind = KINDS[0] if pk % 5 < 3 else KINDS[pk % 2 + 1]
        name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)} {pk}"
        status = ("CLIENT" if pk % 7 else "PROSPECT") if kind == "CLIENT" else None
        code = f"{kind[0]}{pk:06}"
        organizations.append((pk, kind, code, code_key(code), name, _folded(name), status))
        ref.organizations.append((pk, kind, name, f"{code.lower()}.fr"))
        if kind == "CLIENT":
            for _ in range(rng.randint(1, 3)):
                city = rng.choice(CITIES)
                site_code = f"S{len(sites) + 1:07}"
                sites.append((len(sites) + 1, pk, site_code, code_key(site_code), city, fold(city), city))
                ref.sites_by_client.setdefault(pk, []).append(len(sites))
            affair_code = f"A{len(affairs) + 1:07}"
            affairs.append(
                (len(affairs) + 1, pk, affair_code, code_key(affair_code), f"Projet {pk}", f"projet {pk}")
            )
            ref.affair_by_client[pk] = len(affairs)
    ref.targets = ref.events = max(20, size // 2000)
    ref.rows = {
        "organization": organizations,
        "site": sites,
        "affair": affairs,
        "interlocutor_type": [(code, code_key(code), label, False) for code, label in TYPES.items()],
        "target": [(pk, f"Cible {pk}", f"cible {pk}", None) for pk in range(1, ref.targets + 1)],
        "event": [
            (
                pk,
                f"Événement {pk}",
                f"evenement {pk}",
                date(2026, 1, 1) + timedelta(days=pk % 700),
                None,
                None,
            )
            for pk in range(1, ref.events + 1)
        ],
    }
    return ref


COLUMNS = {
    "organization": ("id", "kind", "code", "code_key", "name", "name_key", "status"),
    "site": ("id", "client_id", "code", "code_key", "name", "name_key", "city"),
    "affair": ("id", "client_id", "code", "code_key", "name", "name_key"),
    "interlocutor_type": ("code", "code_key", "label", "archived"),
    "target": ("id", "name", "name_key", "description"),
    "event": ("id", "name", "name_key", "starts_on", "ends_on", "location"),
    "contact": (
        "id", "civility", "last_name", "first_name", "last_name_key", "first_name_key", "email",
        "hidden_from_crm", "last_follow_up_on", "status", "disappeared_on", "search_tokens",
        "version", "created_at", "updated_at",
    ),
    "contact_link": (
        "id", "contact_id", "organization_id", "is_primary", "function", "email", "left_on",
        "receives_invoices", "receives_invoices_all_sites", "receives_reminders",
        "receives_reminders_all_sites", "created_at", "last_name_key", "first_name_key",
    ),
    "contact_link_site": ("link_id", "site_id"),
    "contact_link_interlocutor_type": ("link_id", "type_code"),
    "contact_affair": ("contact_id", "affair_id"),
    "target_member": ("target_id", "contact_id"),
    "event_participation": ("event_id", "contact_id", "status"),
}  # fmt: skip
REFERENCE_TABLES = ("organization", "site", "affair", "interlocutor_type", "target", "event")
CONTACT_TABLES = tuple(table for table in COLUMNS if table not in REFERENCE_TABLES)


def last_names() -> list[str]:
    synthetic = [head + tail for head in SYNTHETIC_HEADS for tail in SYNTHETIC_TAILS]
    return LAST_NAMES + synthetic


@dataclass
class Contacts:
    """Generates contacts and what hangs on them, `chunk` contacts at a time."""

    size: int
    ref: Reference
    rng: random.Random = field(default_factory=lambda: random.Random(SEED + 1))
    names: list[str] = field(default_factory=last_names)
    next_link: int = 1

    def chunks(self, chunk: int) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        rare = {self.size * (n + 1) // 4: n for n in range(3)}  # three, spread through the ids
        for start in range(1, self.size + 1, chunk):
            rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in CONTACT_TABLES}
            for pk in range(start, min(start + chunk, self.size + 1)):
                self._contact(rows, pk, rare.get(pk))
            yield rows

    def _contact(self, rows: dict[str, list[tuple[Any, ...]]], pk: int, rare: int | None) -> None:
        rng = self.rng
        last = RARE_LAST_NAME if rare is not None else rng.choice(self.names)
        first = RARE_FIRST_NAMES[rare] if rare is not None else rng.choice(FIRST_NAMES)
        links = self._links(rows, pk, last, first)
        texts = [value for _, email, function, name in links for value in (email, function, name)]
        email = links[0][1] if rng.random() < 0.5 else None
        created = NOW - timedelta(days=rng.randint(0, 3650), seconds=pk)
        disappeared = rng.random() < 0.03
        followed = date(2026, 11, 1) - timedelta(days=rng.randint(0, 900)) if rng.random() < 0.6 else None
        rows["contact"].append(
            (
                pk, rng.choice(CIVILITIES), last, first, _folded(last), _folded(first), email,
                rng.random() < 0.05, followed, "DISAPPEARED" if disappeared else "ACTIVE",
                date(2026, 6, 1) if disappeared else None, tokens_of(last, first, email, *texts),
                1, created, created,
            )
        )  # fmt: skip
        self._memberships(rows, pk, links[0][0])

    def _links(
        self, rows: dict[str, list[tuple[Any, ...]]], pk: int, last: str, first: str
    ) -> list[tuple[int, str, str | None, str]]:
        """One link, a second for three contacts in ten; (organisation, e-mail, function, name)."""
        rng, made = self.rng, []
        organizations = rng.sample(self.ref.organizations, 2 if rng.random() < 0.3 else 1)
        for index, (org, kind, name, domain) in enumerate(organizations):
            email = f"{_folded(first)}.{_folded(last)}@{domain}".replace(" ", "-")
            function = rng.choice(FUNCTIONS) if rng.random() < 0.8 else None
            client = kind == "CLIENT"
            flags = [client and rng.random() < p for p in (0.2, 0.1, 0.1, 0.05)]
            left_on = date(2025, 1, 1) if rng.random() < 0.05 else None
            link = self.next_link
            self.next_link += 1
            rows["contact_link"].append(
                (
                    link, pk, org, index == 0, function, email, left_on, *flags,
                    NOW - timedelta(days=pk % 999), _folded(last), _folded(first),
                )
            )  # fmt: skip
            if client:
                for site in rng.sample(self.ref.sites_by_client[org], rng.randint(0, 1)):
                    rows["contact_link_site"].append((link, site))
                if rng.random() < 0.3:
                    rows["contact_link_interlocutor_type"].append((link, rng.choice(list(TYPES))))
            made.append((org, email, function, name))
        return made

    def _memberships(self, rows: dict[str, list[tuple[Any, ...]]], pk: int, org: int) -> None:
        rng, ref = self.rng, self.ref
        if org in ref.affair_by_client and rng.random() < 0.3:
            rows["contact_affair"].append((pk, ref.affair_by_client[org]))
        for target in rng.sample(range(1, ref.targets + 1), rng.randint(0, 2)):
            rows["target_member"].append((target, pk))
        for event in rng.sample(range(1, ref.events + 1), rng.randint(0, 2)):
            rows["event_participation"].append((event, pk, rng.choice(STATUSES)))
