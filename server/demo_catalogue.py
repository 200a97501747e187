"""The demo data set's catalogue: French organisations, people, functions and notes."""

from db.models import OrganizationKind

CLIENT, SUPPLIER, THIRD_PARTY = (
    OrganizationKind.CLIENT,
    OrganizationKind.SUPPLIER,
    OrganizationKind.THIRD_PARTY,
)


def split(text: str) -> list[str]:
    return text.split("|")


INTERLOCUTOR_TYPES = {
    "DEC": "Décideur",
    "FIN": "Interlocuteur financier",
    "PRI": "Interlocuteur principal",
    "TECH": "Technique",
    "ACH": "Achats",
}
# code, name, e-mail domain, prospect?, the cities of its sites (the head office first)
CLIENTS = [
    ("CLI-AEROM", "Aéronautique Méridionale", "aero-meridionale.fr", False, "Toulouse|Blagnac|Bordeaux"),
    ("CLI-BDELA", "Banque Delaunay", "banque-delaunay.fr", False, "Paris|Lyon"),
    ("CLI-BREST", "Brasseries de l'Estuaire", "brasseries-estuaire.fr", False, "Nantes|Saint-Nazaire"),
    ("CLI-CLSEL", "Clinique Saint-Éloi", "clinique-saint-eloi.fr", True, "Montpellier|Nîmes"),
    ("CLI-ENRHO", "Énergies du Rhône", "energies-rhone.fr", False, "Lyon|Valence|Grenoble|Annecy"),
    ("CLI-HOVAU", "Groupe Hôtelier Vauban", "hotels-vauban.com", False, "Lille|Paris|Strasbourg"),
    ("CLI-LGARA", "Laboratoires Garance", "labo-garance.fr", False, "Rennes|Brest"),
    ("CLI-MUTAT", "Mutuelle Atlantique", "mutuelle-atlantique.fr", True, "La Rochelle|Niort|Poitiers"),
    ("CLI-TROUS", "Transports Roussel & Cie", "roussel-transports.fr", False, "Rouen|Le Havre|Caen"),
    ("CLI-CVBOU", "Coopérative Viticole de Bourgogne", "cv-bourgogne.fr", False, "Dijon|Beaune"),
    ("CLI-METIN", "Métropole Ingénierie", "metropole-ingenierie.fr", True, "Marseille|Nice|Toulon"),
    ("CLI-PLEFE", "Papeteries Lefèvre", "papeteries-lefevre.fr", False, "Limoges|Clermont-Ferrand"),
]
OTHERS = [
    (SUPPLIER, "FOU-MARTI", "Fournitures Martin", "fournitures-martin.fr"),
    (SUPPLIER, "FOU-DUVAL", "Informatique Duval", "duval-informatique.fr"),
    (SUPPLIER, "FOU-NETOU", "Nettoyage Ouest Services", "nos-proprete.fr"),
    (SUPPLIER, "FOU-BONNA", "Imprimerie Bonnard", "imprimerie-bonnard.fr"),
    (THIRD_PARTY, "TIE-BRO", "Banque Régionale de l'Ouest", "bro.fr"),
    (THIRD_PARTY, "TIE-MOREA", "Cabinet Moreau & Associés", "moreau-avocats.fr"),
    (THIRD_PARTY, "TIE-ARI", "Agence Régionale de l'Innovation", "ari-region.fr"),
]
# The telephone area of each city: Paris 01, north-west 02, north-east 03, south-east 04, south-west 05.
AREAS = {
    city: area
    for area, cities in [
        ("1", "Paris"),
        ("2", "Nantes|Saint-Nazaire|Rennes|Brest|Rouen|Le Havre|Caen"),
        ("3", "Lille|Strasbourg|Dijon|Beaune"),
        ("4", "Lyon|Valence|Grenoble|Annecy|Montpellier|Nîmes|Marseille|Nice|Toulon|Clermont-Ferrand"),
        ("5", "Toulouse|Blagnac|Bordeaux|La Rochelle|Niort|Poitiers|Limoges"),
    ]
    for city in split(cities)
}
SITE_KINDS = split("Siège|Agence|Usine|Entrepôt|Centre de services")
AFFAIRS = split(
    "Migration ERP|Refonte du SI RH|Audit cybersécurité|TMA applicative|Déploiement Wi-Fi des sites|"
    "Assistance à maîtrise d'ouvrage|Dématérialisation des factures|Schéma directeur SI|"
    "Migration vers le cloud|Paie et GTA|Portail fournisseurs|Refonte du site e-commerce"
)
TARGETS = [
    ("Salon Solutions ERP 2027", "Visiteurs et exposants rencontrés au salon."),
    ("Newsletter DSI", "Directeurs des systèmes d'information abonnés à la lettre trimestrielle."),
    ("Clients grands comptes", "Interlocuteurs des comptes stratégiques."),
    ("Prospects Île-de-France", None),
]
# name, first day (from today), days, place
EVENTS = [
    ("Petit-déjeuner DSI", 12, 1, "Paris 8e"),
    ("Salon Solutions ERP", 95, 3, "Paris Expo Porte de Versailles"),
    ("Webinaire facturation électronique", 30, 1, "En ligne"),
    ("Séminaire clients", -40, 2, "Lyon, Cité internationale"),
]
WOMEN = split(
    "Hélène|Élodie|Chloé|Zoé|Léa|Anaïs|Mélanie|Céline|Agnès|Bénédicte|Nathalie|Émilie|Maëlle|Françoise|"
    "Cécile|Noémie|Inès|Marie-Hélène|Sophie|Camille|Sandrine|Valérie|Juliette|Clémence|Aurélie|Gaëlle"
)
MEN = split(
    "Jérôme|François|Stéphane|Hervé|Gérard|Benoît|Clément|Théo|Loïc|Raphaël|Maël|Noël|Frédéric|René|"
    "Sébastien|Aurélien|Jean-Luc|Pierre-Yves|Grégoire|Thomas|Nicolas|Julien|Antoine|Mathieu|Éric|Yannick"
)
LAST_NAMES = split(
    "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefèvre|Michel|"
    "Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|Mercier|Dupont|Lambert|Bonnet|"
    "Legrand|Garnier|Faure|Rousseau|Blanc|Guérin|Muller|Henry|Roussel|Perrin|Morin|Mathieu|Clément|"
    "Gauthier|Dumont|Lopez|Fontaine|Chevalier|Robin|Masson|Nguyen|Boyer|Denis|Lemaire|Duval|Joly|Roche|"
    "Noël|Meyer|Lucas|Meunier|Perez|Marchand|Dufour|Blanchard|Barbier|Brun|Dumas|Brunet|Schmitt|Leroux|"
    "Colin|Renard|Arnaud|Caron|Aubert|Giraud|Leclerc|Vidal|Bourgeois|Renaud|Picard|Lacroix|Fabre|Dupuis|"
    "Rivière|Le Gall|Le Goff|Bégué|Ménard|Séguin|Béranger|Crépin|Évrard|Frémont|Hérault|de La Salle|"
    "d'Almeida|N'Diaye|Da Silva"
)
# A function, or its masculine/feminine forms.
FUNCTIONS = split(
    "Directeur financier/Directrice financière|DSI|Responsable achats|Chef de projet|"
    "Directeur général/Directrice générale|Contrôleur de gestion/Contrôleuse de gestion|"
    "Responsable comptabilité fournisseurs|Assistant de direction/Assistante de direction|"
    "Ingénieur d'études/Ingénieure d'études|Responsable des ressources humaines|Acheteur/Acheteuse|"
    "Architecte SI|Responsable qualité|Juriste|Trésorier/Trésorière"
)
DEPARTMENTS = split(
    "Direction financière|Direction des systèmes d'information|Achats|Direction générale|Comptabilité|"
    "Ressources humaines|Production|Qualité"
)
NOTES = split(
    "Préfère être contacté par e-mail.|Rencontré au salon, intéressé par la TMA.|Absent le mercredi.|"
    "A signé le dernier avenant ; relancer pour le renouvellement."
)
DEPARTURES = split("Départ de l'entreprise|Retraite|Adresse e-mail rejetée|Ne répond plus depuis un an")
