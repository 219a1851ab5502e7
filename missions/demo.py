"""Demo data of missions: the Wallonia 2017 mission, its programme, its delegation's
applications, and its two follow-ups (a second round in Tunis, December 2017, and a
triangular Tunisia-Wallonia action towards Senegal, kept open for applications a few months
after the day the data is loaded).

It builds on the ground floor's demo rows (``partners.demo``); see
``portal.management.commands.load_demo`` for the whole demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from cepex_portal.demo import DemoWriter, by_key
from partners.demo import GroundFloor
from partners.models import Sector

from .enums import ApplicationStatus, MissionKind, MissionStatus, Objective, ProgrammeItemKind
from .models import (
    Application,
    ApplicationObjective,
    Mission,
    MissionPartner,
    ProgrammeItem,
    WishedPartner,
)

CONSENT_TEXT_VERSION = "demo"

WALLONIE = "wallonie-2017"
TUNIS = "tunis-2017-second-round"
SENEGAL = "senegal-triangulaire"

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


def _aware(day: dt.date, hhmm: str, time_zone: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(time_zone))


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


def load(*, writer: DemoWriter, ground: GroundFloor, today: dt.date) -> dict[str, int]:
    """Create or refresh the missions, their programmes and applications.

    ``today`` anchors the dates of the open triangular action.
    """
    sectors = by_key(Sector, "slug", {s for d in MISSIONS.values() for s in d["sectors"]})
    venues, partners = ground.venues, ground.partners
    companies, company_contacts = ground.companies, ground.company_contacts

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
        "programme_items": programme_items,
        "applications": applications,
    }
