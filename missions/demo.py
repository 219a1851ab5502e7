"""The demo data: the Wallonia 2017 mission, its partners, its delegation and two follow-ups.

The reference is CEPEX's partnership mission to Wallonia (9-15 July 2017, see
``reference/cepex-wallonie-2017.fr.txt``), followed by a second round of meetings in Tunis
(December 2017) and a triangular Tunisia-Wallonia action towards Senegal, which is kept open
for applications a few months after the day the data is loaded.

What is real and what is invented:

- public institutions (BioPark, BioWin, the City of Charleroi, universities, public research
  centres and agencies) keep their real names; their contact persons, e-mails and phone
  numbers are invented;
- every private firm, Tunisian, Belgian or Senegalese, is invented and flagged
  ``is_example``; so are the few public-sounding bodies the article does not name;
- tax ids (matricules fiscaux) are valid in form and invented, all in the 999xxxx range;
- venue coordinates are approximate.

``load_demo()`` is idempotent: rows are found by their natural key and written only when a
value differs, so a second run on the same day changes nothing, not even ``updated_at``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone

from partners.enums import CompanySize, KeyFigureKind, PartnerKind
from partners.models import (
    Certification,
    Company,
    Contact,
    KeyFigure,
    PartnerOrganisation,
    Sector,
)
from partners.validators import normalize_tax_id

from .enums import ApplicationStatus, MissionKind, MissionStatus, Objective, ProgrammeItemKind
from .models import (
    Application,
    ApplicationObjective,
    Mission,
    MissionPartner,
    ProgrammeItem,
    TravelTime,
    Venue,
    WishedPartner,
)

KEY_FIGURES_SOURCE = "CEPEX, juillet 2017"
KEY_FIGURES_AS_OF = dt.date(2017, 7, 15)
CONSENT_TEXT_VERSION = "demo"

FICTIONAL_COMPANY = "Entreprise fictive (données de démonstration)."
FICTIONAL_ORGANISATION = "Organisation fictive (données de démonstration)."
INVENTED_CONTACTS = "Les coordonnées de contact sont fictives (données de démonstration)."

WALLONIE = "wallonie-2017"
TUNIS = "tunis-2017-second-round"
SENEGAL = "senegal-triangulaire"

# --- Venues ---------------------------------------------------------------------------------

VENUES: dict[str, dict[str, Any]] = {
    "gosselies": {
        "name": "BioPark Charleroi Brussels South",
        "city": "Gosselies",
        "country": "BE",
        "address": "Aéropole de Charleroi-Gosselies, 6041 Gosselies",
        "tables": 6,
        "latitude": "50.464000",
        "longitude": "4.453000",
    },
    "charleroi": {
        "name": "Hôtel de Ville de Charleroi",
        "city": "Charleroi",
        "country": "BE",
        "address": "Place Charles II, 6000 Charleroi",
        "tables": 2,
        "latitude": "50.410600",
        "longitude": "4.444000",
    },
    "bruxelles": {
        "name": "Espace international Wallonie-Bruxelles (AWEX - WBI)",
        "city": "Bruxelles",
        "country": "BE",
        "address": "Place Sainctelette 2, 1080 Bruxelles",
        "tables": 4,
        "latitude": "50.860300",
        "longitude": "4.346600",
    },
    "liege": {
        "name": "GIGA - Université de Liège",
        "city": "Liège",
        "country": "BE",
        "address": "Avenue de l'Hôpital 11, 4000 Liège (Sart Tilman)",
        "tables": 4,
        "latitude": "50.577000",
        "longitude": "5.566000",
    },
    "lln": {
        "name": "Parc scientifique de Louvain-la-Neuve",
        "city": "Louvain-la-Neuve",
        "country": "BE",
        "address": "",
        "tables": 3,
        "latitude": "50.669000",
        "longitude": "4.618000",
    },
    "tunis": {
        "name": "Siège du CEPEX",
        "city": "Tunis",
        "country": "TN",
        "address": "",
        "tables": 6,
        "latitude": "36.842000",
        "longitude": "10.195000",
    },
    "sidi-thabet": {
        "name": "Pôle biotechnologique de Sidi Thabet",
        "city": "Sidi Thabet",
        "country": "TN",
        "address": "",
        "tables": 4,
        "latitude": "36.908000",
        "longitude": "10.042000",
    },
    "dakar": {
        "name": "Centre international du commerce extérieur du Sénégal (CICES)",
        "city": "Dakar",
        "country": "SN",
        "address": "",
        "tables": 6,
        "latitude": "14.743000",
        "longitude": "-17.471000",
    },
}

# Minutes by road, either way.
TRAVEL_TIMES: list[tuple[str, str, int]] = [
    ("gosselies", "charleroi", 15),
    ("gosselies", "lln", 35),
    ("gosselies", "bruxelles", 50),
    ("gosselies", "liege", 75),
    ("charleroi", "lln", 45),
    ("charleroi", "bruxelles", 60),
    ("charleroi", "liege", 80),
    ("bruxelles", "lln", 40),
    ("bruxelles", "liege", 90),
    ("liege", "lln", 70),
    ("tunis", "sidi-thabet", 35),
]

# --- Partner organisations ------------------------------------------------------------------


def _contact(first_name, last_name, role, email, phone, language="fr") -> dict[str, str]:
    return {
        "first_name": first_name,
        "last_name": last_name,
        "role": role,
        "email": email,
        "phone": phone,
        "language": language,
    }


PARTNERS: dict[str, dict[str, Any]] = {
    # Co-organising agencies (Tunisia / Wallonia-Brussels cooperation agreement).
    "awex": {
        "name": "Agence wallonne à l'Exportation et aux Investissements étrangers",
        "short_name": "AWEX",
        "kind": PartnerKind.AGENCY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Bruxelles",
        "venue": "bruxelles",
        "sectors": [],
        "description": (
            "Agence publique wallonne de promotion des exportations et d'attraction des "
            "investissements étrangers ; co-organisatrice de la mission avec le CEPEX. "
            + INVENTED_CONTACTS
        ),
        "contacts": [
            _contact(
                "Catherine",
                "Delvaux",
                "Déléguée Afrique du Nord",
                "c.delvaux@awex.example",
                "+3224211111",
            ),
        ],
    },
    "wbi": {
        "name": "Wallonie-Bruxelles International",
        "short_name": "WBI",
        "kind": PartnerKind.AGENCY,
        "country": "BE",
        "region": "Bruxelles-Capitale",
        "city": "Bruxelles",
        "venue": "bruxelles",
        "sectors": [],
        "description": (
            "Agence des relations internationales de Wallonie-Bruxelles, chargée de l'accord "
            "de coopération avec la Tunisie."
        ),
    },
    # Hosts.
    "biopark": {
        "name": "BioPark Charleroi Brussels South",
        "short_name": "BioPark",
        "kind": PartnerKind.SCIENCE_PARK,
        "country": "BE",
        "region": "Wallonie",
        "city": "Gosselies",
        "venue": "gosselies",
        "sectors": ["biotech", "pharma", "vaccines", "diagnostics"],
        "capabilities": (
            "Recherche en biotechnologies et en santé, valorisation des résultats de la "
            "recherche, incubation d'entreprises, formation."
        ),
        "description": (
            "Pôle d'excellence en biotechnologies de Charleroi : deux universités, quatre "
            "centres de recherche, une dizaine d'entreprises, deux unités de valorisation des "
            "résultats de la recherche et des centres de formation (nombre non publié). "
            + INVENTED_CONTACTS
        ),
        "key_figures": {
            KeyFigureKind.UNIVERSITIES: 2,
            KeyFigureKind.RESEARCH_CENTRES: 4,
            KeyFigureKind.COMPANIES: 10,
            KeyFigureKind.TECH_TRANSFER_UNITS: 2,
        },
        "contacts": [
            _contact(
                "Marc",
                "Lambotte",
                "Responsable des relations internationales",
                "m.lambotte@biopark.example",
                "+3271378811",
            ),
        ],
    },
    "biowin": {
        "name": "BioWin",
        "short_name": "BioWin",
        "kind": PartnerKind.CLUSTER,
        "country": "BE",
        "region": "Wallonie",
        "city": "Gosselies",
        "venue": "gosselies",
        "sectors": ["biotech", "pharma", "medical-devices", "diagnostics"],
        "capabilities": "Mise en réseau, projets de recherche collaboratifs, internationalisation.",
        "description": (
            "Pôle de compétitivité wallon de la biotechnologie santé et des technologies "
            "médicales ; il regroupe 164 entreprises, 400 unités de recherche, 5 universités "
            "et plusieurs instituts de recherche. " + INVENTED_CONTACTS
        ),
        "key_figures": {
            KeyFigureKind.COMPANIES: 164,
            KeyFigureKind.RESEARCH_UNITS: 400,
            KeyFigureKind.UNIVERSITIES: 5,
        },
        "contacts": [
            _contact(
                "Sophie",
                "Renard",
                "Chargée de projets internationaux",
                "s.renard@biowin.example",
                "+3271861111",
            ),
        ],
    },
    "charleroi": {
        "name": "Ville de Charleroi — Cabinet du Bourgmestre",
        "short_name": "Ville de Charleroi",
        "kind": PartnerKind.PUBLIC_AUTHORITY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Charleroi",
        "venue": "charleroi",
        "sectors": [],
        "description": (
            "Cabinet du Bourgmestre de Charleroi : rencontre institutionnelle avec le chef de "
            "cabinet. " + INVENTED_CONTACTS
        ),
        "contacts": [
            _contact(
                "Olivier",
                "Dumont",
                "Chef de cabinet du Bourgmestre",
                "cabinet.bourgmestre@charleroi.example",
                "+3271861122",
            ),
        ],
    },
    # Universities, public laboratories and research centres (real names).
    "ulb-ibmm": {
        "name": (
            "Université libre de Bruxelles — Institut de biologie et de médecine "
            "moléculaires (IBMM)"
        ),
        "short_name": "ULB - IBMM",
        "kind": PartnerKind.RESEARCH_CENTRE,
        "country": "BE",
        "region": "Wallonie",
        "city": "Gosselies",
        "venue": "gosselies",
        "sectors": ["biotech", "vaccines"],
        "capabilities": "Immunologie, biologie moléculaire, recherche sur les vaccins.",
        "description": "Institut de recherche de l'ULB installé sur le BioPark.",
    },
    "ipg": {
        "name": "Institut de Pathologie et de Génétique",
        "short_name": "IPG",
        "kind": PartnerKind.RESEARCH_LAB,
        "country": "BE",
        "region": "Wallonie",
        "city": "Gosselies",
        "venue": "gosselies",
        "sectors": ["diagnostics", "biotech"],
        "capabilities": "Anatomie pathologique, génétique humaine, biologie moléculaire.",
        "description": "Laboratoire de diagnostic et de recherche médicale à Gosselies.",
    },
    "giga": {
        "name": "Université de Liège — GIGA",
        "short_name": "ULiège - GIGA",
        "kind": PartnerKind.RESEARCH_CENTRE,
        "country": "BE",
        "region": "Wallonie",
        "city": "Liège",
        "venue": "liege",
        "sectors": ["biotech", "pharma", "vaccines"],
        "capabilities": "Génomique, immunologie, infectiologie, plateformes technologiques.",
        "description": "Centre de recherche interdisciplinaire en sciences biomédicales.",
    },
    "cip": {
        "name": "Centre d'Ingénierie des Protéines — Université de Liège",
        "short_name": "ULiège - CIP",
        "kind": PartnerKind.RESEARCH_LAB,
        "country": "BE",
        "region": "Wallonie",
        "city": "Liège",
        "venue": "liege",
        "sectors": ["biotech", "biosimilars"],
        "capabilities": "Ingénierie et production de protéines, enzymologie.",
        "description": "Laboratoire universitaire de recherche sur les protéines.",
    },
    "chu-liege": {
        "name": "Centre hospitalier universitaire de Liège",
        "short_name": "CHU de Liège",
        "kind": PartnerKind.RESEARCH_LAB,
        "country": "BE",
        "region": "Wallonie",
        "city": "Liège",
        "venue": None,
        "sectors": ["diagnostics", "pharma"],
        "capabilities": "Biologie clinique, essais cliniques.",
        "description": "Hôpital universitaire et ses laboratoires de recherche médicale.",
    },
    "uclouvain": {
        "name": "Université catholique de Louvain",
        "short_name": "UCLouvain",
        "kind": PartnerKind.UNIVERSITY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Louvain-la-Neuve",
        "venue": "lln",
        "sectors": ["pharma", "biotech", "health-wellbeing"],
        "capabilities": "Sciences pharmaceutiques, transfert de technologie, formation.",
        "description": "Université dont le campus principal borde le parc scientifique.",
    },
    "ldri": {
        "name": "Louvain Drug Research Institute",
        "short_name": "LDRI",
        "kind": PartnerKind.RESEARCH_LAB,
        "country": "BE",
        "region": "Bruxelles-Capitale",
        "city": "Bruxelles",
        "venue": None,
        "sectors": ["pharma", "biotech"],
        "capabilities": "Recherche sur le médicament, galénique, pharmacologie.",
        "description": "Institut de recherche sur le médicament de l'UCLouvain à Bruxelles.",
    },
    "erasme": {
        "name": "Hôpital universitaire Erasme",
        "short_name": "Erasme",
        "kind": PartnerKind.RESEARCH_LAB,
        "country": "BE",
        "region": "Bruxelles-Capitale",
        "city": "Bruxelles",
        "venue": None,
        "sectors": ["diagnostics", "pharma"],
        "capabilities": "Recherche clinique, biologie médicale.",
        "description": "Hôpital universitaire de l'ULB et ses laboratoires de recherche.",
    },
    # Invented: private firms and a public-sounding centre the article does not name.
    "crt-bio": {
        "name": "Centre de ressources technologiques en bioprocédés de Charleroi",
        "short_name": "CRT-Bio",
        "kind": PartnerKind.TECHNOLOGY_CENTRE,
        "country": "BE",
        "region": "Wallonie",
        "city": "Charleroi",
        "venue": None,
        "sectors": ["biotech", "biosimilars", "vaccines"],
        "capabilities": "Développement de procédés de culture cellulaire, essais pilotes.",
        "description": FICTIONAL_ORGANISATION,
        "is_example": True,
        "contacts": [
            _contact(
                "Julien",
                "Hautain",
                "Directeur technique",
                "j.hautain@crt-bio.example",
                "+3271861133",
            ),
        ],
    },
    "sambre": {
        "name": "Sambre BioProduction SA",
        "short_name": "Sambre BioProduction",
        "kind": PartnerKind.COMPANY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Gosselies",
        "venue": None,
        "sectors": ["biosimilars", "biotech"],
        "capabilities": "Production à façon de protéines thérapeutiques et de biosimilaires.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Anne",
                "Collard",
                "Directrice du développement commercial",
                "anne.collard@sambre-bio.example",
                "+3271378822",
            ),
        ],
    },
    "meuse-vaccine": {
        "name": "Meuse Vaccine Technologies SA",
        "short_name": "Meuse Vaccine",
        "kind": PartnerKind.COMPANY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Liège",
        "venue": None,
        "sectors": ["vaccines", "biotech"],
        "capabilities": "Plateformes de production de vaccins, transfert de technologie.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Pierre",
                "Wathelet",
                "Responsable des partenariats",
                "p.wathelet@meuse-vaccine.example",
                "+3243664111",
            ),
        ],
    },
    "brabant-cell": {
        "name": "Brabant Cell Therapies SPRL",
        "short_name": "Brabant Cell",
        "kind": PartnerKind.COMPANY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Louvain-la-Neuve",
        "venue": None,
        "sectors": ["biotech"],
        "capabilities": "Lignées cellulaires, thérapies cellulaires, bioréacteurs.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Thomas",
                "Van Hove",
                "Directeur général",
                "t.vanhove@brabant-cell.example",
                "+3210474111",
            ),
        ],
    },
    "fleurus-diag": {
        "name": "Fleurus Diagnostics SA",
        "short_name": "Fleurus Diagnostics",
        "kind": PartnerKind.COMPANY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Charleroi",
        "venue": None,
        "sectors": ["diagnostics", "medical-devices"],
        "capabilities": "Kits de diagnostic in vitro, distribution en Afrique francophone.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Nathalie",
                "Piron",
                "Directrice export",
                "n.piron@fleurus-diag.example",
                "+3271861144",
            ),
        ],
    },
    "aeropole-lab": {
        "name": "Aéropole Analytical Services SPRL",
        "short_name": "Aéropole Analytical",
        "kind": PartnerKind.RESEARCH_LAB,
        "country": "BE",
        "region": "Wallonie",
        "city": "Gosselies",
        "venue": "gosselies",
        "sectors": ["pharma", "cosmetics"],
        "capabilities": "Contrôle qualité, analyses sous BPF, validation de méthodes.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Laurent",
                "Mathy",
                "Responsable qualité",
                "l.mathy@aeropole-lab.example",
                "+3271378833",
            ),
        ],
    },
    "meuse-capital": {
        "name": "Meuse Santé Capital SA",
        "short_name": "Meuse Santé Capital",
        "kind": PartnerKind.INVESTOR,
        "country": "BE",
        "region": "Wallonie",
        "city": "Liège",
        "venue": None,
        "sectors": ["biotech", "pharma", "biosimilars", "vaccines"],
        "capabilities": "Capital-risque et capital-développement en sciences de la vie.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Isabelle",
                "Jacquet",
                "Chargée d'investissements",
                "i.jacquet@meuse-capital.example",
                "+3243664122",
            ),
        ],
    },
    # Triangular action towards Senegal.
    "ardenne-cosmetique": {
        "name": "Ardenne Cosmétique Naturelle SA",
        "short_name": "Ardenne Cosmétique",
        "kind": PartnerKind.COMPANY,
        "country": "BE",
        "region": "Wallonie",
        "city": "Liège",
        "venue": None,
        "sectors": ["cosmetics", "health-wellbeing"],
        "capabilities": "Formulation cosmétique, réseau de distribution en Afrique de l'Ouest.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Claire",
                "Gillet",
                "Responsable Afrique",
                "c.gillet@ardenne-cosmetique.example",
                "+3243664133",
            ),
        ],
    },
    "asepex": {
        "name": "Agence sénégalaise de promotion des exportations",
        "short_name": "ASEPEX",
        "kind": PartnerKind.AGENCY,
        "country": "SN",
        "region": "Dakar",
        "city": "Dakar",
        "venue": None,
        "sectors": [],
        "description": "Agence publique sénégalaise de promotion des exportations.",
    },
    "pna": {
        "name": "Pharmacie nationale d'approvisionnement",
        "short_name": "PNA",
        "kind": PartnerKind.PUBLIC_AUTHORITY,
        "country": "SN",
        "region": "Dakar",
        "city": "Dakar",
        "venue": None,
        "sectors": ["pharma"],
        "description": "Centrale publique d'achat et de distribution des médicaments au Sénégal.",
    },
    "teranga-pharma": {
        "name": "Teranga Pharma Distribution SA",
        "short_name": "Teranga Pharma",
        "kind": PartnerKind.COMPANY,
        "country": "SN",
        "region": "Dakar",
        "city": "Dakar",
        "venue": None,
        "sectors": ["pharma"],
        "capabilities": "Grossiste-répartiteur, enregistrement des médicaments, logistique.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Mamadou",
                "Ndiaye",
                "Directeur des achats",
                "m.ndiaye@teranga-pharma.example",
                "+221338691111",
            ),
        ],
    },
    "ndar-cosmetiques": {
        "name": "Ndar Cosmétiques Distribution SARL",
        "short_name": "Ndar Cosmétiques",
        "kind": PartnerKind.COMPANY,
        "country": "SN",
        "region": "Dakar",
        "city": "Dakar",
        "venue": None,
        "sectors": ["cosmetics", "health-wellbeing"],
        "capabilities": "Distribution de cosmétiques en pharmacies et grandes surfaces.",
        "description": FICTIONAL_COMPANY,
        "is_example": True,
        "contacts": [
            _contact(
                "Awa",
                "Diop",
                "Gérante",
                "awa.diop@ndar-cosmetiques.example",
                "+221776001122",
            ),
        ],
    },
}

# --- Tunisian companies ---------------------------------------------------------------------

COMPANIES: dict[str, dict[str, Any]] = {
    "sidi-thabet": {
        "legal_name": "Pôle biotechnologique de Sidi Thabet",
        "tax_id": "9999001Z/N/M/000",
        "governorate": "ariana",
        "city": "Sidi Thabet",
        "sectors": ["biotech", "vaccines", "biosimilars", "pharma", "health-wellbeing"],
        "size": CompanySize.MEDIUM,
        "certifications": [],
        "export_markets": [],
        "description": (
            "Parc technologique public dédié à l'industrie pharmaceutique et au bien-être. Il "
            "cherche un partenaire financier et technologique pour produire pour la première "
            "fois en Tunisie des bio-médicaments, notamment des vaccins et des biosimilaires. "
            "Les identifiants (matricule fiscal, contacts) sont fictifs et donnés à titre "
            "d'illustration."
        ),
        "is_example": False,
        "contact": _contact(
            "Leïla",
            "Mansouri",
            "Directrice du développement",
            "developpement@pole-sidithabet.example",
            "+21671940001",
        ),
    },
    "carthabio": {
        "legal_name": "Carthabio Génériques SA",
        "tax_id": "9990101B/A/M/000",
        "governorate": "ben_arous",
        "city": "Mégrine",
        "sectors": ["pharma"],
        "size": CompanySize.LARGE,
        "certifications": ["gmp", "iso-9001", "iso-14001"],
        "export_markets": ["CI", "DZ", "LY", "MR", "SN"],
        "contact": _contact(
            "Sami",
            "Ben Ammar",
            "Directeur export",
            "sami.benammar@carthabio.example",
            "+21671102030",
        ),
    },
    "thyna-bio": {
        "legal_name": "Thyna Biologics SARL",
        "tax_id": "9990102C/A/M/000",
        "governorate": "sfax",
        "city": "Sfax",
        "sectors": ["biotech", "biosimilars"],
        "size": CompanySize.SMALL,
        "certifications": ["iso-9001"],
        "export_markets": ["DZ", "LY"],
        "contact": _contact(
            "Ines",
            "Jaziri",
            "Responsable R&D",
            "ines.jaziri@thyna-bio.example",
            "+21674400100",
        ),
    },
    "olea-derma": {
        "legal_name": "Oléa Derma Cosmétiques SA",
        "tax_id": "9990103D/A/M/000",
        "governorate": "sousse",
        "city": "Sousse",
        "sectors": ["cosmetics", "health-wellbeing"],
        "size": CompanySize.MEDIUM,
        "certifications": ["iso-22716", "iso-9001"],
        "export_markets": ["CI", "DZ", "FR", "MA", "SN"],
        "contact": _contact(
            "Hela",
            "Gharbi",
            "Directrice commerciale",
            "hela.gharbi@olea-derma.example",
            "+21673500200",
        ),
    },
    "medjerda": {
        "legal_name": "Medjerda Pharma Industries SA",
        "tax_id": "9990104E/A/M/000",
        "governorate": "manouba",
        "city": "Oued Ellil",
        "sectors": ["pharma"],
        "size": CompanySize.LARGE,
        "certifications": ["gmp", "eu-gmp", "iso-17025"],
        "export_markets": ["BE", "DZ", "FR", "LY", "ML", "SN"],
        "contact": _contact(
            "Karim",
            "Bouazizi",
            "Directeur général adjoint",
            "karim.bouazizi@medjerda-pharma.example",
            "+21671102040",
        ),
    },
    "salammbo": {
        "legal_name": "Salammbô Vaccins et Sérums SA",
        "tax_id": "9990105F/A/M/000",
        "governorate": "tunis",
        "city": "Tunis",
        "sectors": ["vaccines", "biotech"],
        "size": CompanySize.MEDIUM,
        "certifications": ["gmp", "iso-17025"],
        "export_markets": ["ML", "NE"],
        "contact": _contact(
            "Nadia",
            "Chaabane",
            "Directrice qualité",
            "nadia.chaabane@salammbo-vaccins.example",
            "+21671102050",
        ),
    },
    "sahel-diag": {
        "legal_name": "Sahel Diagnostics Médicaux SARL",
        "tax_id": "9990106G/A/M/000",
        "governorate": "monastir",
        "city": "Monastir",
        "sectors": ["diagnostics", "medical-devices"],
        "size": CompanySize.SMALL,
        "certifications": ["iso-13485"],
        "export_markets": ["DZ", "LY"],
        "contact": _contact(
            "Walid",
            "Hamdi",
            "Gérant",
            "walid.hamdi@sahel-diag.example",
            "+21673500300",
        ),
    },
    "zaghouan-phyto": {
        "legal_name": "Zaghouan Phytolab SARL",
        "tax_id": "9990107H/A/M/000",
        "governorate": "zaghouan",
        "city": "Zaghouan",
        "sectors": ["pharma", "health-wellbeing", "cosmetics"],
        "size": CompanySize.SMALL,
        "certifications": ["gmp"],
        "export_markets": ["CA", "DE", "FR"],
        "contact": _contact(
            "Rim",
            "Kchaou",
            "Responsable export",
            "rim.kchaou@zaghouan-phyto.example",
            "+21672300300",
        ),
    },
    "kerkennah": {
        "legal_name": "Kerkennah Actifs Marins SARL",
        "tax_id": "9990108J/A/M/000",
        "governorate": "sfax",
        "city": "Sfax",
        "sectors": ["biotech", "cosmetics"],
        "size": CompanySize.MICRO,
        "certifications": [],
        "export_markets": ["FR"],
        "contact": _contact(
            "Youssef",
            "Triki",
            "Fondateur",
            "youssef.triki@kerkennah-actifs.example",
            "+21698123456",
        ),
    },
    "bizerta-medical": {
        "legal_name": "Bizerta Medical Devices SA",
        "tax_id": "9990109K/A/M/000",
        "governorate": "bizerte",
        "city": "Menzel Bourguiba",
        "sectors": ["medical-devices"],
        "size": CompanySize.MEDIUM,
        "certifications": ["iso-13485", "iso-14001"],
        "export_markets": ["DE", "FR", "IT"],
        "contact": _contact(
            "Mehdi",
            "Ayari",
            "Directeur industriel",
            "mehdi.ayari@bizerta-medical.example",
            "+21672300400",
        ),
    },
    "jugurtha": {
        "legal_name": "Jugurtha Biosimilaires SA",
        "tax_id": "9990110L/A/M/000",
        "governorate": "nabeul",
        "city": "Nabeul",
        "sectors": ["biotech", "biosimilars", "pharma"],
        "size": CompanySize.MEDIUM,
        "certifications": ["gmp", "eu-gmp"],
        "export_markets": ["CI", "DZ", "MA", "SN"],
        "contact": _contact(
            "Olfa",
            "Messaoudi",
            "Directrice des partenariats",
            "olfa.messaoudi@jugurtha-bio.example",
            "+21672300500",
        ),
    },
}

# --- Missions -------------------------------------------------------------------------------

MISSIONS: dict[str, dict[str, Any]] = {
    WALLONIE: {
        "title": "Mission de partenariat sciences de la vie en Wallonie",
        "kind": MissionKind.OUTBOUND,
        "summary": (
            "Dans le cadre de l'accord de coopération entre la Tunisie et Wallonie-Bruxelles, "
            "le CEPEX a conduit du 9 au 15 juillet 2017, avec ses partenaires wallons, une "
            "mission de rencontres de partenariat et de networking en Wallonie pour des "
            "entreprises tunisiennes de la production pharmaceutique et pour le Pôle "
            "biotechnologique de Sidi Thabet. Une douzaine de rencontres : d'abord avec des "
            "entreprises et des laboratoires de recherche médicale, puis avec le cabinet du "
            "Bourgmestre de Charleroi, le BioPark Charleroi Brussels South et le cluster BioWin."
        ),
        "objectives": (
            "Nouer des partenariats technologiques et financiers avec des entreprises et des "
            "laboratoires wallons reconnus dans les sciences de la vie.\n"
            "Acquérir les technologies et les compétences nécessaires pour se développer à "
            "l'international : Europe occidentale, Maghreb et Afrique de l'Ouest.\n"
            "Trouver pour le Pôle biotechnologique de Sidi Thabet un partenaire financier et "
            "technologique pour produire, pour la première fois en Tunisie, des bio-médicaments, "
            "notamment des vaccins et des biosimilaires ; seule l'Afrique du Sud possède "
            "aujourd'hui ce savoir-faire sur le continent africain."
        ),
        "destination_country": "BE",
        "destination_region": "Wallonie",
        "destination_cities": "Gosselies, Charleroi, Bruxelles, Liège, Louvain-la-Neuve",
        "time_zone": "Europe/Brussels",
        "starts_on": dt.date(2017, 7, 9),
        "ends_on": dt.date(2017, 7, 15),
        "application_deadline": (dt.date(2017, 6, 15), "23:59"),
        "capacity": 12,
        "status": MissionStatus.COMPLETED,
        "sectors": ["pharma", "biotech", "vaccines", "biosimilars"],
        "co_organisers": ["awex", "wbi"],
        "follows": None,
        "third_market": "",
        # (partner, is_host, notes)
        "partners": [
            ("biopark", True, "Accueil de la délégation et présentation du pôle."),
            ("biowin", True, "Présentation du cluster et de ses membres."),
            ("charleroi", False, "Rencontre institutionnelle avec le chef de cabinet."),
            ("ulb-ibmm", False, ""),
            ("ipg", False, ""),
            ("giga", False, ""),
            ("cip", False, ""),
            ("chu-liege", False, ""),
            ("uclouvain", False, ""),
            ("ldri", False, ""),
            ("erasme", False, ""),
            ("crt-bio", False, ""),
            ("sambre", False, ""),
            ("meuse-vaccine", False, ""),
            ("brabant-cell", False, ""),
            ("fleurus-diag", False, ""),
            ("aeropole-lab", False, ""),
            ("meuse-capital", False, ""),
        ],
        # (kind, title, day after the start, from, to, venue, host, description)
        "programme": [
            (
                ProgrammeItemKind.TRAVEL,
                "Arrivée de la délégation à Bruxelles",
                0,
                "14:00",
                "16:00",
                None,
                None,
                "Accueil à l'aéroport de Bruxelles-National et transfert à l'hôtel.",
            ),
            (
                ProgrammeItemKind.BRIEFING,
                "Briefing de la délégation avec l'AWEX et WBI",
                0,
                "18:00",
                "19:30",
                "bruxelles",
                "awex",
                "Présentation du programme, des partenaires et des règles des rencontres.",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Présentation du BioPark Charleroi Brussels South",
                1,
                "09:30",
                "11:30",
                "gosselies",
                "biopark",
                "Deux universités, quatre centres de recherche, dix entreprises et deux unités "
                "de valorisation de la recherche.",
            ),
            (
                ProgrammeItemKind.SITE_VISIT,
                "Rencontres avec les laboratoires de recherche médicale du BioPark",
                1,
                "11:45",
                "13:00",
                "gosselies",
                "ipg",
                "Institut de Pathologie et de Génétique et IBMM (ULB).",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Rencontre avec le chef de cabinet du Bourgmestre de Charleroi",
                2,
                "09:30",
                "11:00",
                "charleroi",
                "charleroi",
                "",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Présentation du cluster BioWin",
                2,
                "14:00",
                "16:00",
                "gosselies",
                "biowin",
                "164 entreprises, 400 unités de recherche et 5 universités de la biotechnologie "
                "santé et des technologies médicales.",
            ),
            (
                ProgrammeItemKind.SITE_VISIT,
                "Rencontres avec les laboratoires de recherche médicale de Liège",
                3,
                "09:30",
                "12:30",
                "liege",
                "giga",
                "GIGA, Centre d'Ingénierie des Protéines et CHU de Liège.",
            ),
            (
                ProgrammeItemKind.SITE_VISIT,
                "Rencontres B2B avec des entreprises liégeoises (vaccins, financement)",
                3,
                "14:00",
                "16:30",
                "liege",
                None,
                "",
            ),
            (
                ProgrammeItemKind.SITE_VISIT,
                "Rencontres au parc scientifique de Louvain-la-Neuve",
                4,
                "10:00",
                "12:30",
                "lln",
                "uclouvain",
                "",
            ),
            (
                ProgrammeItemKind.SITE_VISIT,
                "Rencontres B2B avec des entreprises de biotechnologie du Brabant wallon",
                4,
                "14:30",
                "17:00",
                "lln",
                None,
                "",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Séance de synthèse avec l'AWEX et Wallonie-Bruxelles International",
                5,
                "10:00",
                "12:00",
                "bruxelles",
                "wbi",
                "Bilan des rencontres et préparation du second round à Tunis.",
            ),
            (
                ProgrammeItemKind.RECEPTION,
                "Réception de clôture",
                5,
                "19:00",
                "21:30",
                "bruxelles",
                "awex",
                "",
            ),
            (
                ProgrammeItemKind.TRAVEL,
                "Départ de la délégation",
                6,
                "10:00",
                "12:00",
                None,
                None,
                "",
            ),
        ],
        # company: (status, objectives, target markets, [(partner, priority, motivation)])
        "applications": {
            "sidi-thabet": (
                ApplicationStatus.CONFIRMED,
                [
                    Objective.TECHNOLOGY_PARTNERSHIP,
                    Objective.FINANCIAL_PARTNERSHIP,
                    Objective.RD_COLLABORATION,
                ],
                [],
                [
                    ("sambre", 1, "Transfert de technologie pour la production de biosimilaires."),
                    ("meuse-vaccine", 1, "Plateforme de production de vaccins."),
                    ("meuse-capital", 1, "Financement de l'unité de production."),
                    ("giga", 2, ""),
                    ("crt-bio", 2, ""),
                    ("biowin", 3, ""),
                ],
            ),
            "carthabio": (
                ApplicationStatus.CONFIRMED,
                [Objective.TECHNOLOGY_PARTNERSHIP, Objective.LICENSING, Objective.EXPORT],
                ["BE", "CI", "FR", "SN"],
                [
                    ("biowin", 1, ""),
                    ("ldri", 2, "Développement galénique."),
                    ("sambre", 2, ""),
                    ("fleurus-diag", 3, ""),
                ],
            ),
            "thyna-bio": (
                ApplicationStatus.CONFIRMED,
                [Objective.TECHNOLOGY_PARTNERSHIP, Objective.RD_COLLABORATION],
                ["BE", "DZ"],
                [
                    ("cip", 1, "Production de protéines recombinantes."),
                    ("ulb-ibmm", 1, ""),
                    ("brabant-cell", 2, ""),
                    ("crt-bio", 2, ""),
                ],
            ),
            "olea-derma": (
                ApplicationStatus.ACCEPTED,
                [Objective.EXPORT, Objective.DISTRIBUTION],
                ["BE", "FR", "SN"],
                [
                    ("aeropole-lab", 1, "Contrôle qualité selon ISO 22716."),
                    ("biowin", 2, ""),
                    ("uclouvain", 3, ""),
                ],
            ),
            "medjerda": (
                ApplicationStatus.CONFIRMED,
                [
                    Objective.TECHNOLOGY_PARTNERSHIP,
                    Objective.FINANCIAL_PARTNERSHIP,
                    Objective.EXPORT,
                ],
                ["BE", "FR", "NL"],
                [
                    ("sambre", 1, ""),
                    ("meuse-capital", 1, "Ouverture du capital pour une nouvelle ligne."),
                    ("aeropole-lab", 2, ""),
                    ("chu-liege", 3, ""),
                ],
            ),
            "salammbo": (
                ApplicationStatus.CONFIRMED,
                [Objective.TECHNOLOGY_PARTNERSHIP, Objective.RD_COLLABORATION, Objective.LICENSING],
                ["CI", "ML", "SN"],
                [
                    ("meuse-vaccine", 1, "Licence de production de vaccins."),
                    ("giga", 1, ""),
                    ("ipg", 2, ""),
                    ("erasme", 3, ""),
                ],
            ),
            "sahel-diag": (
                ApplicationStatus.ACCEPTED,
                [Objective.DISTRIBUTION, Objective.TECHNOLOGY_PARTNERSHIP],
                ["DZ", "LY", "MA"],
                [
                    ("fleurus-diag", 1, "Distribution de kits de diagnostic au Maghreb."),
                    ("ipg", 2, ""),
                    ("chu-liege", 2, ""),
                ],
            ),
            "zaghouan-phyto": (
                ApplicationStatus.ACCEPTED,
                [Objective.RD_COLLABORATION, Objective.EXPORT],
                ["BE", "FR"],
                [
                    ("uclouvain", 1, "Validation scientifique d'extraits de plantes."),
                    ("ldri", 2, ""),
                    ("cip", 3, ""),
                ],
            ),
            "jugurtha": (
                ApplicationStatus.CONFIRMED,
                [
                    Objective.TECHNOLOGY_PARTNERSHIP,
                    Objective.FINANCIAL_PARTNERSHIP,
                    Objective.LICENSING,
                ],
                ["CI", "MA", "SN"],
                [
                    ("sambre", 1, ""),
                    ("meuse-capital", 1, ""),
                    ("brabant-cell", 2, ""),
                    ("crt-bio", 3, ""),
                ],
            ),
        },
        "submitted_from": dt.datetime(2017, 5, 22, 10, 0, tzinfo=ZoneInfo("Africa/Tunis")),
        "decided_at": dt.datetime(2017, 6, 20, 15, 0, tzinfo=ZoneInfo("Africa/Tunis")),
    },
    TUNIS: {
        "title": "Second round de rencontres à Tunis : biosimilaires et vaccins",
        "kind": MissionKind.REVERSE,
        "summary": (
            "Suite de la mission de juillet 2017 en Wallonie : les partenaires wallons viennent "
            "à Tunis et au Pôle biotechnologique de Sidi Thabet pour un second round de "
            "rencontres avec les entreprises tunisiennes."
        ),
        "objectives": (
            "Aider le Pôle biotechnologique de Sidi Thabet à trouver le partenaire financier et "
            "technologique idoine pour produire en Tunisie des biosimilaires et des vaccins "
            "destinés au marché local et à l'export.\n"
            "Concrétiser les pistes de partenariat ouvertes en Wallonie."
        ),
        "destination_country": "TN",
        "destination_region": "Grand Tunis",
        "destination_cities": "Tunis, Sidi Thabet",
        "time_zone": "Africa/Tunis",
        "starts_on": dt.date(2017, 12, 4),
        "ends_on": dt.date(2017, 12, 6),
        "application_deadline": (dt.date(2017, 11, 15), "23:59"),
        "capacity": 10,
        "status": MissionStatus.COMPLETED,
        "sectors": ["biotech", "vaccines", "biosimilars", "pharma"],
        "co_organisers": ["awex", "wbi"],
        "follows": WALLONIE,
        "third_market": "",
        "partners": [
            ("biowin", False, "Délégation wallonne reçue à Tunis."),
            ("biopark", False, ""),
            ("giga", False, ""),
            ("sambre", False, ""),
            ("meuse-vaccine", False, ""),
            ("meuse-capital", False, ""),
        ],
        "programme": [
            (
                ProgrammeItemKind.BRIEFING,
                "Ouverture du second round de rencontres",
                0,
                "09:00",
                "10:30",
                "tunis",
                None,
                "",
            ),
            (
                ProgrammeItemKind.SITE_VISIT,
                "Visite du Pôle biotechnologique de Sidi Thabet",
                0,
                "14:00",
                "17:00",
                "sidi-thabet",
                None,
                "",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Table ronde : financer la production de biosimilaires et de vaccins en Tunisie",
                1,
                "09:30",
                "12:00",
                "sidi-thabet",
                None,
                "",
            ),
            (
                ProgrammeItemKind.RECEPTION,
                "Dîner de networking tuniso-wallon",
                1,
                "19:30",
                "22:00",
                "tunis",
                None,
                "",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Séance de clôture et feuille de route",
                2,
                "10:00",
                "12:00",
                "tunis",
                "awex",
                "",
            ),
        ],
        "applications": {
            "sidi-thabet": (
                ApplicationStatus.CONFIRMED,
                [Objective.TECHNOLOGY_PARTNERSHIP, Objective.FINANCIAL_PARTNERSHIP],
                [],
                [
                    ("sambre", 1, ""),
                    ("meuse-vaccine", 1, ""),
                    ("meuse-capital", 1, ""),
                    ("biowin", 2, ""),
                ],
            ),
            "jugurtha": (
                ApplicationStatus.CONFIRMED,
                [Objective.FINANCIAL_PARTNERSHIP, Objective.TECHNOLOGY_PARTNERSHIP],
                ["CI", "SN"],
                [("meuse-capital", 1, ""), ("sambre", 1, "")],
            ),
            "salammbo": (
                ApplicationStatus.CONFIRMED,
                [Objective.TECHNOLOGY_PARTNERSHIP],
                ["ML", "SN"],
                [("meuse-vaccine", 1, ""), ("giga", 2, "")],
            ),
            "medjerda": (
                ApplicationStatus.CONFIRMED,
                [Objective.FINANCIAL_PARTNERSHIP, Objective.EXPORT],
                ["BE", "FR"],
                [("meuse-capital", 2, ""), ("biopark", 3, "")],
            ),
            "thyna-bio": (
                ApplicationStatus.ACCEPTED,
                [Objective.RD_COLLABORATION],
                ["BE"],
                [("giga", 1, ""), ("biopark", 2, "")],
            ),
        },
        "submitted_from": dt.datetime(2017, 10, 23, 10, 0, tzinfo=ZoneInfo("Africa/Tunis")),
        "decided_at": dt.datetime(2017, 11, 20, 15, 0, tzinfo=ZoneInfo("Africa/Tunis")),
    },
    SENEGAL: {
        "title": "Action triangulaire Tunisie-Wallonie vers le Sénégal",
        "kind": MissionKind.TRIANGULAR,
        "summary": (
            "Action conjointe de la Tunisie et de la Wallonie, issue de la mission de juillet "
            "2017, pour favoriser l'accès des produits pharmaceutiques et cosmétiques tunisiens "
            "au marché sénégalais, avec des partenaires wallons et sénégalais."
        ),
        "objectives": (
            "Rencontrer des distributeurs et des acheteurs publics sénégalais de médicaments et "
            "de cosmétiques.\n"
            "Monter avec des partenaires wallons des offres communes pour l'Afrique de l'Ouest.\n"
            "Préparer l'enregistrement des produits tunisiens au Sénégal."
        ),
        "destination_country": "SN",
        "destination_region": "Dakar",
        "destination_cities": "Dakar",
        "time_zone": "Africa/Dakar",
        # Relative to the day the data is loaded: the action stays open for applications.
        "starts_in_days": 120,
        "duration_days": 5,
        "deadline_in_days": 60,
        "capacity": 8,
        "status": MissionStatus.OPEN,
        "sectors": ["pharma", "cosmetics"],
        "co_organisers": ["awex", "wbi"],
        "follows": WALLONIE,
        "third_market": "SN",
        "partners": [
            ("asepex", True, "Accueil de la délégation à Dakar."),
            ("pna", False, ""),
            ("teranga-pharma", False, ""),
            ("ndar-cosmetiques", False, ""),
            ("ardenne-cosmetique", False, "Partenaire wallon de l'action triangulaire."),
            ("biowin", False, ""),
        ],
        "programme": [
            (
                ProgrammeItemKind.BRIEFING,
                "Briefing de la délégation tuniso-wallonne",
                0,
                "10:00",
                "12:00",
                "dakar",
                None,
                "",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Rencontre avec l'Agence sénégalaise de promotion des exportations",
                1,
                "09:30",
                "11:30",
                "dakar",
                "asepex",
                "",
            ),
            (
                ProgrammeItemKind.INSTITUTIONAL_MEETING,
                "Séance de travail avec la Pharmacie nationale d'approvisionnement",
                1,
                "15:00",
                "17:00",
                None,
                "pna",
                "Enregistrement et achats publics de médicaments.",
            ),
            (
                ProgrammeItemKind.RECEPTION,
                "Réception de networking tuniso-wallonne",
                2,
                "19:00",
                "21:00",
                "dakar",
                None,
                "",
            ),
        ],
        "applications": {},
    },
}


# --- Loader ---------------------------------------------------------------------------------


@dataclass
class _Writer:
    """Finds rows by natural key and writes only what differs, counting what it did."""

    created: int = 0
    updated: int = 0

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> Any:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            fields = {f.name for f in model._meta.concrete_fields}
            obj.save(update_fields=[*changed, *({"updated_at"} & fields)])
            self.updated += 1
        return obj


def _aware(day: dt.date, hhmm: str, time_zone: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(time_zone))


def _by_key(model: type[models.Model], field: str, keys: set[str]) -> dict[str, Any]:
    found = {
        getattr(obj, field): obj for obj in model._default_manager.filter(**{f"{field}__in": keys})
    }
    missing = keys - set(found)
    if missing:
        raise LookupError(
            f"{model._meta.verbose_name_plural} missing: {', '.join(sorted(missing))}. "
            "Run `manage.py migrate` first: a data migration seeds them."
        )
    return found


def _mission_dates(data: dict, today: dt.date) -> dict[str, Any]:
    if "starts_in_days" in data:
        starts_on = today + dt.timedelta(days=data["starts_in_days"])
        ends_on = starts_on + dt.timedelta(days=data["duration_days"] - 1)
        deadline_day = today + dt.timedelta(days=data["deadline_in_days"])
        deadline_at = "23:59"
    else:
        starts_on, ends_on = data["starts_on"], data["ends_on"]
        deadline_day, deadline_at = data["application_deadline"]
    # Deadlines are set by CEPEX in Tunis.
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "application_deadline": _aware(deadline_day, deadline_at, "Africa/Tunis"),
    }


def _load_contact(writer: _Writer, data: dict, **owner) -> Contact:
    email = data["email"]
    values = {name: value for name, value in data.items() if name != "email"}
    return writer.upsert(Contact, {"email": email}, {**values, **owner})


@transaction.atomic
def load_demo(*, today: dt.date | None = None) -> dict[str, int]:
    """Create or refresh the demo data; return how many demo rows of each kind there are.

    ``today`` (the portal's local date by default) anchors the dates of the open triangular
    action. The counts include ``created`` and ``updated``: rows written by this run.
    """
    today = today or timezone.localdate()
    writer = _Writer()

    sector_slugs = {
        s
        for d in [*PARTNERS.values(), *COMPANIES.values(), *MISSIONS.values()]
        for s in d["sectors"]
    }
    sectors = _by_key(Sector, "slug", sector_slugs)
    certifications = _by_key(
        Certification, "code", {c for d in COMPANIES.values() for c in d["certifications"]}
    )

    venues = {}
    for key, data in VENUES.items():
        values = {
            **data,
            "latitude": Decimal(data["latitude"]),
            "longitude": Decimal(data["longitude"]),
        }
        lookup = {"name": values.pop("name"), "city": values.pop("city")}
        venues[key] = writer.upsert(Venue, lookup, values)

    for a, b, minutes in TRAVEL_TIMES:
        # One row per pair, the lower id first (a check constraint holds it).
        low, high = sorted([venues[a], venues[b]], key=lambda venue: venue.pk)
        writer.upsert(TravelTime, {"from_venue": low, "to_venue": high}, {"minutes": minutes})

    partners = {}
    contacts = 0
    key_figures = 0
    for key, data in PARTNERS.items():
        partner = writer.upsert(
            PartnerOrganisation,
            {"name": data["name"], "country": data["country"]},
            {
                "short_name": data["short_name"],
                "kind": data["kind"],
                "region": data["region"],
                "city": data["city"],
                "venue": venues[data["venue"]] if data["venue"] else None,
                "capabilities": data.get("capabilities", ""),
                "description": data["description"],
                "is_example": data.get("is_example", False),
            },
        )
        partner.sectors.set([sectors[slug] for slug in data["sectors"]])
        for kind, value in data.get("key_figures", {}).items():
            writer.upsert(
                KeyFigure,
                {"organisation": partner, "kind": kind},
                {"value": value, "as_of": KEY_FIGURES_AS_OF, "source": KEY_FIGURES_SOURCE},
            )
            key_figures += 1
        for contact in data.get("contacts", []):
            _load_contact(writer, contact, organisation=partner, company=None)
            contacts += 1
        partners[key] = partner

    companies = {}
    company_contacts = {}
    for key, data in COMPANIES.items():
        company = writer.upsert(
            Company,
            {"tax_id": normalize_tax_id(data["tax_id"])},
            {
                "legal_name": data["legal_name"],
                "governorate": data["governorate"],
                "city": data["city"],
                "size": data["size"],
                # Stored sorted by the field itself: sort here so a re-run sees no change.
                "export_markets": sorted(data["export_markets"]),
                "description": data.get("description", FICTIONAL_COMPANY),
                "is_example": data.get("is_example", True),
            },
        )
        company.sectors.set([sectors[slug] for slug in data["sectors"]])
        company.certifications.set([certifications[code] for code in data["certifications"]])
        company_contacts[key] = _load_contact(
            writer, data["contact"], company=company, organisation=None
        )
        contacts += 1
        companies[key] = company

    missions = {}
    programme_items = 0
    applications = 0
    for slug, data in MISSIONS.items():
        previous_start = Mission.objects.filter(slug=slug).values_list("starts_on", flat=True)
        previous_start = previous_start.first()
        mission = writer.upsert(
            Mission,
            {"slug": slug},
            {
                "title": data["title"],
                "kind": data["kind"],
                "summary": data["summary"],
                "objectives": data["objectives"],
                "destination_country": data["destination_country"],
                "destination_region": data["destination_region"],
                "destination_cities": data["destination_cities"],
                "time_zone": data["time_zone"],
                **_mission_dates(data, today),
                "capacity": data["capacity"],
                "status": data["status"],
                "organiser": "CEPEX",
                "follows": missions[data["follows"]] if data["follows"] else None,
                "third_market": data["third_market"],
            },
        )
        mission.sectors.set([sectors[slug] for slug in data["sectors"]])
        mission.co_organisers.set([partners[key] for key in data["co_organisers"]])
        missions[slug] = mission

        for key, is_host, notes in data["partners"]:
            writer.upsert(
                MissionPartner,
                {"mission": mission, "organisation": partners[key]},
                {"is_host": is_host, "notes": notes},
            )

        # Items of a mission may not overlap, even for a moment (an exclusion constraint on
        # PostgreSQL). When the open action moves later with the day of loading, move its
        # last item first, so that no item lands on one that has not moved yet.
        moves_later = previous_start is not None and mission.starts_on > previous_start
        programme = sorted(data["programme"], key=lambda item: item[2:4], reverse=moves_later)
        for kind, title, day, start, end, venue, host, description in programme:
            day_on = mission.starts_on + dt.timedelta(days=day)
            writer.upsert(
                ProgrammeItem,
                {"mission": mission, "title": title},
                {
                    "kind": kind,
                    "description": description,
                    "venue": venues[venue] if venue else None,
                    "host": partners[host] if host else None,
                    "starts_at": _aware(day_on, start, mission.time_zone),
                    "ends_at": _aware(day_on, end, mission.time_zone),
                },
            )
            programme_items += 1

        mission_partner_keys = {key for key, _, _ in data["partners"]}
        for index, (company_key, application_data) in enumerate(data["applications"].items()):
            status, objectives, target_markets, wishes = application_data
            # Applications came in over a few days, a day apart.
            submitted_at = data["submitted_from"] + dt.timedelta(days=index)
            application = writer.upsert(
                Application,
                {"mission": mission, "company": companies[company_key]},
                {
                    "contact": company_contacts[company_key],
                    "status": status,
                    "target_markets": sorted(target_markets),
                    "motivation": "",
                    "language": "fr",
                    "consent_text_version": CONSENT_TEXT_VERSION,
                    "consent_at": submitted_at,
                    "submitted_at": submitted_at,
                    "decided_at": data["decided_at"],
                },
            )
            applications += 1
            for objective in objectives:
                writer.upsert(
                    ApplicationObjective, {"application": application, "objective": objective}, {}
                )
            for partner_key, priority, motivation in wishes:
                if partner_key not in mission_partner_keys:
                    raise ValueError(f"{company_key} wishes {partner_key}, not a partner of {slug}")
                writer.upsert(
                    WishedPartner,
                    {"application": application, "partner": partners[partner_key]},
                    {"priority": priority, "motivation": motivation},
                )

    return {
        "missions": len(missions),
        "venues": len(venues),
        "travel_times": len(TRAVEL_TIMES),
        "partners": len(partners),
        "key_figures": key_figures,
        "companies": len(companies),
        "contacts": contacts,
        "programme_items": programme_items,
        "applications": applications,
        "created": writer.created,
        "updated": writer.updated,
    }
