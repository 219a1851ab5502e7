"""Demo data of the ground floor: venues and travel times, the partner organisations of the
Wallonia 2017 mission (BioPark, BioWin, ...) and the Tunisian companies of its delegation.

See ``portal.management.commands.load_demo`` for the whole demo and what is real in it:
public institutions keep their real names, their contacts are invented; every private firm
is invented and flagged ``is_example``; tax ids are valid in form, all in the 999xxxx range;
venue coordinates are approximate. Company contacts' addresses count as verified, so that a
newcomer can log into a company space at once (``developpement@pole-sidithabet.example``, for one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cepex_portal.demo import DemoWriter, by_key

from .enums import CompanySize, KeyFigureKind, PartnerKind
from .models import (
    Certification,
    Company,
    Contact,
    KeyFigure,
    PartnerOrganisation,
    Sector,
    TravelTime,
    Venue,
)
from .validators import normalize_tax_id

KEY_FIGURES_SOURCE = "CEPEX, juillet 2017"
KEY_FIGURES_AS_OF = dt.date(2017, 7, 15)

FICTIONAL_COMPANY = "Entreprise fictive (données de démonstration)."
FICTIONAL_ORGANISATION = "Organisation fictive (données de démonstration)."
INVENTED_CONTACTS = "Les coordonnées de contact sont fictives (données de démonstration)."

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

# --- Loader ---------------------------------------------------------------------------------

# When the demo representatives proved their addresses (they can log in at once).
CONTACTS_VERIFIED_AT = dt.datetime(2017, 5, 2, 9, 0, tzinfo=dt.UTC)


@dataclass
class GroundFloor:
    """What the apps above need of the ground floor's demo rows, by demo key."""

    venues: dict[str, Venue] = field(default_factory=dict)
    partners: dict[str, PartnerOrganisation] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    company_contacts: dict[str, Contact] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _load_contact(writer: DemoWriter, data: dict, **owner) -> Contact:
    email = data["email"]
    values = {name: value for name, value in data.items() if name != "email"}
    return writer.upsert(Contact, {"email": email}, {**values, **owner})


def load(*, writer: DemoWriter) -> GroundFloor:
    """Create or refresh venues, travel times, partners and companies with their contacts."""
    ground = GroundFloor()
    sectors = by_key(
        Sector,
        "slug",
        {s for d in [*PARTNERS.values(), *COMPANIES.values()] for s in d["sectors"]},
    )
    certifications = by_key(
        Certification, "code", {c for d in COMPANIES.values() for c in d["certifications"]}
    )

    for key, data in VENUES.items():
        values = {
            **data,
            "latitude": Decimal(data["latitude"]),
            "longitude": Decimal(data["longitude"]),
        }
        lookup = {"name": values.pop("name"), "city": values.pop("city")}
        ground.venues[key] = writer.upsert(Venue, lookup, values)
    venues = ground.venues

    for a, b, minutes in TRAVEL_TIMES:
        # One row per pair, the lower id first (a check constraint holds it).
        low, high = sorted([venues[a], venues[b]], key=lambda venue: venue.pk)
        writer.upsert(TravelTime, {"from_venue": low, "to_venue": high}, {"minutes": minutes})

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
        ground.partners[key] = partner

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
        ground.company_contacts[key] = _load_contact(
            writer,
            {**data["contact"], "email_verified_at": CONTACTS_VERIFIED_AT},
            company=company,
            organisation=None,
        )
        contacts += 1
        ground.companies[key] = company

    ground.counts = {
        "venues": len(venues),
        "travel_times": len(TRAVEL_TIMES),
        "partners": len(ground.partners),
        "key_figures": key_figures,
        "companies": len(ground.companies),
        "contacts": contacts,
    }
    return ground
