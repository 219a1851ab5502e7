"""Demo data of reports: what came of the B2B meetings of the Wallonia 2017 mission.

Both sides' outcomes of many meetings (held, a few no-shows; staff confirmed that the others
took place), the meetings' states that follow
from them (by ``meeting_state_from_outcomes``, the rule the services apply), and ten leads
at every stage of the pipeline with their history: contacts, NDAs, negotiations, two
agreements with a value in euros, two dropped with their reason, and the triangular lead
that opens Senegal with a Walloon partner, linked to the ``senegal-triangulaire`` action.
Two chargés de mission of the agency own them (demo accounts that cannot log in); they are
the mission's team.

Meetings are found by their company and partner: the engine places them when the demo is
first loaded, so their times are its choice. Dates are fixed (2017-2018), so a second run,
on any day, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cepex_portal.demo import DemoWriter
from cepex_portal.models import User
from matchmaking.enums import MeetingState
from matchmaking.models import Meeting
from missions.models import Mission
from missions.services import mission_team_add
from partners.demo import GroundFloor

from .enums import AgreementKind, Attendance, InterestLevel, LeadStage, OutcomeSide
from .models import Lead, LeadEvent, MeetingOutcome
from .services.followup import meeting_state_from_outcomes

WALLONIE = "wallonie-2017"
SENEGAL = "senegal-triangulaire"

# Demo staff who own the leads. "!" makes a password Django never accepts: nobody logs in as
# them (the admin account comes from ``ensure_admin``).
OWNERS = {
    "leila": {
        "username": "demo-leila.mansouri",
        "first_name": "Leïla",
        "last_name": "Mansouri",
        "email": "leila.mansouri@cepex.example",
        "language": "fr",
    },
    "karim": {
        "username": "demo-karim.benyoussef",
        "first_name": "Karim",
        "last_name": "Ben Youssef",
        "email": "karim.benyoussef@cepex.example",
        "language": "ar",
    },
}
NO_LOGIN_PASSWORD = "!demo-account-no-login"  # noqa: S105 (an unusable password, on purpose)

H, N = Attendance.HELD, Attendance.NO_SHOW
# The last meetings of the programme, whose attendance sheet nobody signed: no outcome.
NO_NEWS_MEETINGS = 3
HIGH, MEDIUM, LOW, NONE = (
    InterestLevel.HIGH,
    InterestLevel.MEDIUM,
    InterestLevel.LOW,
    InterestLevel.NONE,
)

# (company, partner, side, attendance, interest, next step)
OUTCOMES = [
    ("sidi-thabet", "meuse-vaccine", "company", H, HIGH, "Visite de l'usine de Meuse Vaccine."),
    ("sidi-thabet", "meuse-vaccine", "partner", H, HIGH, "Proposer un accord de confidentialité."),
    ("sidi-thabet", "sambre", "company", H, HIGH, "Audit du site de Sidi Thabet."),
    ("sidi-thabet", "sambre", "partner", H, HIGH, "Envoyer le dossier de transfert du procédé."),
    ("sidi-thabet", "awex", "company", H, LOW, "Dossier de financement à l'export."),
    ("sidi-thabet", "biowin", "company", H, LOW, "Rejoindre un consortium BioWin."),
    ("salammbo", "meuse-vaccine", "company", H, HIGH, "Négocier une licence de production."),
    ("salammbo", "meuse-vaccine", "partner", H, HIGH, ""),
    ("salammbo", "giga", "company", H, LOW, ""),
    ("salammbo", "erasme", "partner", N, "", "Le représentant de Salammbô n'est pas venu."),
    ("salammbo", "erasme", "staff", N, "", "Vol retardé : rendez-vous manqué."),
    ("carthabio", "biowin", "company", H, MEDIUM, "Envoyer le dossier d'adhésion au cluster."),
    ("carthabio", "fleurus-diag", "company", H, NONE, ""),
    ("medjerda", "meuse-capital", "company", H, MEDIUM, "Présenter le plan d'extension."),
    ("medjerda", "chu-liege", "company", N, "", ""),
    ("medjerda", "chu-liege", "partner", N, "", ""),
    ("jugurtha", "sambre", "company", H, HIGH, "Échanger les dossiers techniques sous NDA."),
    ("jugurtha", "crt-bio", "company", N, "", "À reprogrammer lors du second tour."),
    ("thyna-bio", "cip", "company", H, HIGH, "Projet de convention de recherche."),
    ("thyna-bio", "cip", "partner", H, MEDIUM, ""),
    ("thyna-bio", "ipg", "company", H, LOW, ""),
    ("olea-derma", "aeropole-lab", "company", H, HIGH, "Étudier une distribution au Sénégal."),
    ("olea-derma", "aeropole-lab", "partner", H, HIGH, ""),
    ("olea-derma", "biowin", "company", H, LOW, ""),
    ("zaghouan-phyto", "uclouvain", "company", H, MEDIUM, "Proposer un sujet de thèse commun."),
    ("sahel-diag", "fleurus-diag", "company", H, HIGH, "Recevoir une offre de distribution."),
]


def _at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=dt.UTC)


C, D, G, A, X = (
    LeadStage.CONTACT,
    LeadStage.NDA,
    LeadStage.NEGOTIATION,
    LeadStage.AGREEMENT,
    LeadStage.DROPPED,
)

# Leads by meeting (company, partner): what each became, and its history, oldest first
# (day, stage reached, side, note).
LEADS = [
    {
        "pair": ("sidi-thabet", "sambre"),
        "owner": "leila",
        "title": "Transfert du procédé de production de biosimilaires",
        "stage": A,
        "agreement_kind": AgreementKind.TECHNOLOGY_TRANSFER,
        "agreement_value": Decimal("1250000.00"),
        "currency": "EUR",
        "signed_on": dt.date(2018, 5, 22),
        "next_action": "Suivre le premier lot pilote à Sidi Thabet",
        "due_on": dt.date(2018, 11, 30),
        "history": [
            ("2017-07-13", C, "company", ""),
            ("2017-09-05", D, "company", "NDA signé à Gosselies."),
            ("2017-12-12", G, "staff", "Second tour à Tunis : offre de transfert reçue."),
            ("2018-05-22", A, "staff", "Contrat de transfert de technologie signé."),
        ],
    },
    {
        "pair": ("salammbo", "meuse-vaccine"),
        "owner": "karim",
        "title": "Licence de production d'un vaccin contre l'hépatite B",
        "stage": A,
        "agreement_kind": AgreementKind.LICENSING,
        "agreement_value": Decimal("480000.00"),
        "currency": "EUR",
        "signed_on": dt.date(2018, 2, 12),
        "next_action": "Enregistrement du vaccin auprès de la DPM",
        "due_on": dt.date(2018, 9, 30),
        "history": [
            ("2017-07-13", C, "company", ""),
            ("2017-08-28", G, "company", "Term sheet de la licence reçu."),
            ("2018-02-12", A, "staff", "Licence signée ; redevances sur cinq ans."),
        ],
    },
    {
        "pair": ("sidi-thabet", "meuse-vaccine"),
        "owner": "leila",
        "title": "Partenariat technologique et financier pour une unité de vaccins",
        "stage": G,
        "next_action": "Finaliser le term sheet de la coentreprise",
        "due_on": dt.date(2018, 3, 15),
        "history": [
            ("2017-07-13", C, "partner", ""),
            ("2017-09-20", D, "company", "Accord de confidentialité signé."),
            ("2018-01-10", G, "staff", "Première réunion de négociation à Tunis."),
        ],
    },
    {
        "pair": ("thyna-bio", "cip"),
        "owner": "karim",
        "title": "Collaboration de R&D sur l'expression de protéines recombinantes",
        "stage": G,
        "next_action": "Relire le projet de convention de recherche",
        "due_on": dt.date(2018, 1, 31),
        "history": [
            ("2017-07-12", C, "company", ""),
            ("2017-10-02", G, "company", "Projet de convention reçu de l'Université de Liège."),
        ],
    },
    {
        "pair": ("jugurtha", "sambre"),
        "owner": "leila",
        "title": "Sous-traitance de lots cliniques de biosimilaires",
        "stage": D,
        "next_action": "Échanger les dossiers techniques",
        "due_on": dt.date(2017, 11, 15),
        "history": [
            ("2017-07-11", C, "company", ""),
            ("2017-09-14", D, "company", "CDA signé."),
        ],
    },
    {
        "pair": ("olea-derma", "aeropole-lab"),
        "owner": "karim",
        "title": "Distribution de cosmétiques tunisiens au Sénégal avec un laboratoire wallon",
        "stage": D,
        "next_action": "Préparer les rendez-vous de l'action triangulaire au Sénégal",
        "due_on": dt.date(2018, 4, 30),
        "third_market": "SN",
        "triangular": True,
        "history": [
            ("2017-07-10", C, "company", ""),
            ("2017-11-06", D, "staff", "NDA tripartite ; projet présenté à l'ASEPEX."),
        ],
    },
    {
        "pair": ("carthabio", "biowin"),
        "owner": "leila",
        "title": "Adhésion au cluster BioWin",
        "stage": C,
        "next_action": "Envoyer le dossier d'adhésion au cluster",
        "due_on": dt.date(2017, 9, 30),
        "history": [("2017-07-10", C, "company", "")],
    },
    {
        "pair": ("sahel-diag", "fleurus-diag"),
        "owner": "karim",
        "title": "Distribution de kits de diagnostic en Tunisie",
        "stage": C,
        "next_action": "Relancer Fleurus Diagnostics pour l'offre de distribution",
        "due_on": dt.date(2017, 10, 15),
        "history": [("2017-07-13", C, "company", "")],
    },
    {
        "pair": ("medjerda", "meuse-capital"),
        "owner": "karim",
        "title": "Tour de table pour l'extension de l'usine de Medjerda",
        "stage": X,
        "dropped_reason": "Le fonds n'investit pas hors de l'Union européenne pour l'instant.",
        "next_action": "",
        "due_on": None,
        "history": [
            ("2017-07-11", C, "company", ""),
            ("2017-10-20", X, "company", "Réponse négative du comité d'investissement."),
        ],
    },
    {
        "pair": ("zaghouan-phyto", "uclouvain"),
        "owner": "leila",
        "title": "Thèse en cotutelle sur les extraits de plantes médicinales",
        "stage": X,
        "dropped_reason": "Pas de programme de recherche en phytothérapie à l'UCLouvain.",
        "next_action": "",
        "due_on": None,
        "history": [
            ("2017-07-11", C, "company", ""),
            ("2017-09-01", X, "staff", ""),
        ],
    },
]


def _owners(writer: DemoWriter) -> dict[str, User]:
    owners = {}
    for key, data in OWNERS.items():
        values = {name: value for name, value in data.items() if name != "username"}
        owners[key] = writer.upsert(
            User,
            {"username": data["username"]},
            {**values, "is_staff": True, "is_active": True, "password": NO_LOGIN_PASSWORD},
        )
    return owners


def load(*, writer: DemoWriter, ground: GroundFloor) -> dict[str, int]:
    """Create or refresh the outcomes and leads of the 2017 meetings; return the counts."""
    mission = Mission.objects.get(slug=WALLONIE)
    meetings = {
        (meeting.company_id, meeting.partner_id): meeting
        for meeting in Meeting.objects.filter(mission=mission).exclude(state=MeetingState.CANCELLED)
    }

    def meeting_of(company: str, partner: str) -> Meeting | None:
        # None if the engine left the pair out: that meeting then has no outcome.
        return meetings.get((ground.companies[company].pk, ground.partners[partner].pk))

    answers: dict[int, list[tuple[str, str]]] = {}
    for company, partner, side, attendance, interest, next_step in OUTCOMES:
        meeting = meeting_of(company, partner)
        if meeting is None:
            continue
        writer.upsert(
            MeetingOutcome,
            {"meeting": meeting, "side": side},
            {"attendance": attendance, "interest": interest, "next_step": next_step},
        )
        answers.setdefault(meeting.pk, []).append((side, attendance))
    # CEPEX staff went with the delegation and signed the attendance sheet of the others,
    # except for the last meetings of the programme: of those the agency has no news yet (they
    # stay confirmed; staff may still move one by hand, and the follow-up report counts them
    # "without news").
    unsigned = sorted(
        (m for m in meetings.values() if m.pk not in answers),
        key=lambda m: (m.starts_at, m.pk),
    )[-NO_NEWS_MEETINGS:]
    for meeting in meetings.values():
        if meeting.pk not in answers and meeting not in unsigned:
            writer.upsert(
                MeetingOutcome,
                {"meeting": meeting, "side": OutcomeSide.STAFF},
                {"attendance": Attendance.HELD, "interest": "", "next_step": ""},
            )
            answers[meeting.pk] = [(OutcomeSide.STAFF, Attendance.HELD)]
    for meeting_id, outcomes in answers.items():
        writer.upsert(Meeting, {"pk": meeting_id}, {"state": meeting_state_from_outcomes(outcomes)})

    owners = _owners(writer)
    mission_team_add(mission=mission, users=owners.values())
    senegal = Mission.objects.get(slug=SENEGAL)
    for data in LEADS:
        meeting = meeting_of(*data["pair"])
        if meeting is None:
            continue
        values = {
            "mission": mission,
            "company": meeting.company,
            "partner": meeting.partner,
            "title": data["title"],
            "stage": data["stage"],
            "owner": owners[data["owner"]],
            "next_action": data["next_action"],
            "due_on": data["due_on"],
            "dropped_reason": data.get("dropped_reason", ""),
            "agreement_kind": data.get("agreement_kind", ""),
            "agreement_value": data.get("agreement_value"),
            "currency": data.get("currency", ""),
            "signed_on": data.get("signed_on"),
            "third_market": data.get("third_market", ""),
            "triangular_mission": senegal if data.get("triangular") else None,
        }
        lead = writer.upsert(Lead, {"meeting": meeting}, values)
        previous = ""
        for day, stage, side, note in data["history"]:
            writer.upsert(
                LeadEvent,
                {"lead": lead, "stage_from": previous, "stage_to": stage},
                {
                    "at": _at(day),
                    "side": side,
                    "note": note,
                    "by": owners[data["owner"]] if side == OutcomeSide.STAFF else None,
                },
            )
            previous = stage

    scheduled = Meeting.objects.filter(mission=mission).exclude(state=MeetingState.CANCELLED)
    return {
        # Every meeting of the programme, whatever came of it: a no-show is no longer "live"
        # (it frees its slot), but it was a meeting of the mission all the same.
        "meetings": scheduled.count(),
        "held": scheduled.filter(state=MeetingState.HELD).count(),
        "no_show": scheduled.filter(state=MeetingState.NO_SHOW).count(),
        "no_news": scheduled.filter(
            state__in=(MeetingState.PROPOSED, MeetingState.CONFIRMED)
        ).count(),
        "meeting_outcomes": MeetingOutcome.objects.filter(meeting__mission=mission).count(),
        "leads": Lead.objects.filter(mission=mission).count(),
    }
