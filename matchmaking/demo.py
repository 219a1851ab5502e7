"""Demo data of matchmaking: the Wallonia 2017 mission gets its meeting grid, partners'
availability, about forty meeting requests (the delegation's wishes and a few from staff,
most accepted by the partners, some pending or declined) and a schedule of B2B meetings
at the partners' sites (Gosselies, Liège, Louvain-la-Neuve) and in Brussels around the
institutional programme, made by the scheduling engine the first time the data is loaded.

Idempotent like the rest of the demo: rows are found by natural key; the schedule is made
only while the mission has no meeting (a second run changes nothing).
"""

from __future__ import annotations

import datetime as dt

from cepex_portal.demo import DemoWriter
from missions.models import Mission
from partners.demo import GroundFloor

from .enums import RequestSource, RequestState
from .models import Meeting, MeetingGrid, MeetingRequest, PartnerAvailability
from .services.requests import requests_from_wishes
from .services.scheduling import schedule_mission_now

WALLONIE = "wallonie-2017"

GRID = {
    "slot_minutes": 30,
    "day_starts_at": dt.time(9, 0),
    "day_ends_at": dt.time(17, 30),
    "breaks": [["12:30", "14:00"]],
    # Arrival in the afternoon of the 9th, the flight home on the 15th.
    "skipped_days": ["2017-07-09", "2017-07-15"],
}

# Partners not available all the time: (partner, day, available, from, to).
AVAILABILITY = [
    ("giga", dt.date(2017, 7, 12), True, dt.time(9, 0), dt.time(12, 30)),
    ("uclouvain", dt.date(2017, 7, 10), False, None, None),
    ("meuse-capital", dt.date(2017, 7, 13), True, dt.time(14, 0), dt.time(17, 30)),
]

# Meetings staff asked for besides the wishes: (company, partner, priority, motivation).
STAFF_REQUESTS = [
    ("sidi-thabet", "awex", 1, "Financement à l'export et appui de l'AWEX au pôle."),
    ("carthabio", "uclouvain", 2, "Stages et formation continue en production stérile."),
    ("medjerda", "giga", 2, "Plateformes de bioproduction de GIGA."),
    ("salammbo", "biowin", 2, "Adhésion au cluster et appels à projets."),
    ("jugurtha", "meuse-capital", 3, "Tour de table pour une extension d'usine."),
    ("thyna-bio", "ipg", 2, "Essais de stabilité de lots biologiques."),
]

# Answers that are not "yes": (company, partner, state, note).
ANSWERS = [
    ("olea-derma", "uclouvain", RequestState.DECLINED, "Pas de laboratoire en cosmétique."),
    ("zaghouan-phyto", "ldri", RequestState.SENT, ""),
]


def load(*, writer: DemoWriter, ground: GroundFloor) -> dict[str, int]:
    """Create or refresh matchmaking's demo rows; schedule the mission once."""
    mission = Mission.objects.get(slug=WALLONIE)
    writer.upsert(
        MeetingGrid, {"mission": mission}, {**GRID, "meeting_venue": ground.venues["bruxelles"]}
    )
    for key, day, available, start, end in AVAILABILITY:
        writer.upsert(
            PartnerAvailability,
            {"mission": mission, "partner": ground.partners[key], "day": day},
            {"is_available": available, "available_from": start, "available_to": end},
        )

    requests_from_wishes(mission=mission, by=None)
    for company, partner, priority, motivation in STAFF_REQUESTS:
        lookup = {
            "mission": mission,
            "company": ground.companies[company],
            "partner": ground.partners[partner],
        }
        if not MeetingRequest.objects.filter(**lookup).exists():
            writer.upsert(
                MeetingRequest,
                lookup,
                {"priority": priority, "motivation": motivation, "source": RequestSource.STAFF},
            )
    answers = {
        (ground.companies[c].pk, ground.partners[p].pk): (state, note)
        for c, p, state, note in ANSWERS
    }
    for request in MeetingRequest.objects.filter(mission=mission).exclude(
        state=RequestState.CANCELLED
    ):
        state, note = answers.get(
            (request.company_id, request.partner_id), (RequestState.ACCEPTED, "")
        )
        values = {"state": state, "partner_note": note}
        if state != RequestState.SENT:
            values["responded_at"] = dt.datetime(2017, 6, 20, 10, 0, tzinfo=dt.UTC)
        writer.upsert(MeetingRequest, {"pk": request.pk}, values)

    if not Meeting.objects.filter(mission=mission).exists():
        # The engine places them: a few seconds, a fixed seed, nobody e-mailed (it is 2017).
        schedule_mission_now(mission=mission, by=None, time_limit=5, seed=0, notify=False)
    return {
        "meeting_requests": MeetingRequest.objects.filter(mission=mission).count(),
        "meetings": Meeting.objects.live().filter(mission=mission).count(),
    }
