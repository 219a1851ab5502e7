"""The adapter: a mission read into the engine's frozen instance, and back to JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from matchmaking.scheduling import instance as engine_instance
from matchmaking.scheduling.solution import Reason, ReasonCode
from missions.models import Mission, ProgrammeItem
from partners.models import TravelTime, Venue

from ...enums import (
    LIVE_MEETING_STATES,
    PAST_MEETING_STATES,
    PRIORITY_WEIGHTS,
    RequestState,
)
from ...models import Meeting, MeetingGrid, MeetingRequest, PartnerAvailability, Slot

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


def grid_for(*, mission: Mission) -> MeetingGrid:
    """The mission's meeting grid, made from its dates (9:00 to 18:00, 30-minute slots, a
    lunch break) the first time it is asked for."""
    grid, _created = MeetingGrid.objects.get_or_create(
        mission=mission, defaults={"breaks": [["12:30", "14:00"]]}
    )
    return grid


# --- Ids of the engine ------------------------------------------------------------------------


def company_key(company_id: int) -> str:
    return f"c{company_id}"


def partner_key(partner_id: int) -> str:
    return f"p{partner_id}"


def venue_key(venue_id: int) -> str:
    return f"v{venue_id}"


def request_key(request_id: int) -> str:
    return f"r{request_id}"


def _id_of(key: str) -> int:
    return int(key[1:])


# Tables other missions' meetings take at a shared venue: a locked request between two
# stand-ins per table and slot ("o" ids, never a request of the mission), since the contract
# counts a venue's tables for the whole event, not per slot.
_OCCUPIED = "o"


def is_occupancy_key(key: str) -> bool:
    """True for the stand-in requests of other missions' meetings (``mission_instance``)."""
    return key.startswith(_OCCUPIED)


@dataclass
class MissionInstance:
    """The engine's instance of a mission, and what its ids stand for."""

    instance: engine_instance.Instance
    names: dict[str, str]
    requests: dict[str, MeetingRequest]
    venues: dict[str, Venue]
    slots: dict[str, Slot]
    left_out: dict[str, Reason] = field(default_factory=dict)
    # Stand-in requests, locked, for the tables other missions' meetings take at our venues.
    occupancy: tuple[str, ...] = ()


def _overlapping_slots(slots: list[Slot], start: dt.datetime, end: dt.datetime) -> set[str]:
    return {slot.id for slot in slots if slot.start < end and slot.end > start}


def mission_instance(
    *,
    mission: Mission,
    requests: list[MeetingRequest] | None = None,
    extra_venues: tuple[Venue, ...] = (),
) -> MissionInstance:
    """Read ``mission`` into the engine's instance.

    ``requests`` defaults to the accepted requests and those with a live meeting, but none
    whose meeting took place. Live meetings staff locked, and held ones, are locked in place.
    Other missions' live meetings count too (the database refuses a double booking across
    missions): their company or partner, when it is in this mission too, is unavailable
    then, and the tables they take at our venues are locked stand-in requests.
    """
    grid = grid_for(mission=mission)
    slots = grid.slots()
    if requests is None:
        requests = _schedulable_requests(mission)
    meetings = {
        m.request_id: m for m in Meeting.objects.live().filter(request__in=[r.pk for r in requests])
    }
    mission_partners = {
        mp.organisation_id: mp
        for mp in mission.mission_partners.select_related("organisation__venue")
    }
    names: dict[str, str] = {}
    venues: dict[str, Venue] = {venue_key(v.pk): v for v in extra_venues}
    left_out: dict[str, Reason] = {}

    # Programme items: every delegate attends; their host is busy too.
    items = list(ProgrammeItem.objects.filter(mission=mission))
    delegation_busy: set[str] = set()
    host_busy: dict[int, set[str]] = defaultdict(set)
    for item in items:
        busy = _overlapping_slots(slots, item.starts_at, item.ends_at)
        delegation_busy |= busy
        if item.host_id:
            host_busy[item.host_id] |= busy

    availability: dict[int, list[PartnerAvailability]] = defaultdict(list)
    for row in PartnerAvailability.objects.filter(mission=mission):
        availability[row.partner_id].append(row)

    participants: dict[str, engine_instance.Participant] = {}
    engine_requests = []
    for request in requests:
        company, partner = request.company, request.partner
        ckey, pkey, rkey = company_key(company.pk), partner_key(partner.pk), request_key(request.pk)
        names[ckey], names[pkey] = company.legal_name, str(partner)
        host = partner.venue or grid.meeting_venue
        if host is None:
            left_out[rkey] = Reason(
                ReasonCode.NOTE,
                note=_("%(partner)s has no premises of its own and the grid has no meeting venue")
                % {"partner": partner},
            )
            continue
        venues[venue_key(host.pk)] = host
        names[venue_key(host.pk)] = str(host)
        participants.setdefault(
            ckey,
            engine_instance.Participant(
                id=ckey, kind="company", unavailable=frozenset(delegation_busy)
            ),
        )
        if pkey not in participants:
            unavailable = set(host_busy.get(partner.pk, ()))
            days = {row.day: row for row in availability.get(partner.pk, [])}
            for slot in slots:
                row = days.get(slot.day)
                if row is not None and not row.covers(slot):
                    unavailable.add(slot.id)
            mission_partner = mission_partners.get(partner.pk)
            participants[pkey] = engine_instance.Participant(
                id=pkey,
                kind="partner",
                venue=venue_key(host.pk),
                unavailable=frozenset(unavailable),
                max_meetings=mission_partner.max_meetings if mission_partner else None,
            )
        lock = None
        meeting = meetings.get(request.pk)
        if meeting is not None and (meeting.is_locked or meeting.state in PAST_MEETING_STATES):
            start_id = _slot_id(meeting.starts_at, mission)
            venues[venue_key(meeting.venue_id)] = meeting.venue
            lock = engine_instance.Lock(slot=start_id, venue=venue_key(meeting.venue_id))
        engine_requests.append(
            engine_instance.Request(
                id=rkey,
                a=ckey,
                b=pkey,
                priority=PRIORITY_WEIGHTS[request.priority],
                slots=request.length_slots,
                locked=lock,
            )
        )

    occupancy = _other_missions(
        mission=mission, slots=slots, venues=venues, participants=participants, names=names
    )
    engine_requests.extend(occupancy)
    travel = _travel(list(venues.values()), grid)
    instance = engine_instance.Instance(
        name=mission.slug,
        slots=tuple(engine_instance.Slot(id=s.id, start=s.start, end=s.end) for s in slots),
        venues=tuple(engine_instance.Venue(id=key, tables=v.tables) for key, v in venues.items()),
        travel=tuple(travel),
        participants=tuple(participants.values()),
        requests=tuple(engine_requests),
    )
    return MissionInstance(
        instance=instance,
        names=names,
        requests={request_key(r.pk): r for r in requests},
        venues=venues,
        slots={s.id: s for s in slots},
        left_out=left_out,
        occupancy=tuple(r.id for r in occupancy),
    )


def _other_missions(
    *,
    mission: Mission,
    slots: list[Slot],
    venues: dict[str, Venue],
    participants: dict[str, engine_instance.Participant],
    names: dict[str, str],
) -> list[engine_instance.Request]:
    """Fold other missions' live meetings into ``participants`` (made unavailable then) and
    return the locked stand-in requests for the tables they take at ``venues``."""
    if not slots:
        return []
    venue_ids = [_id_of(key) for key in venues]
    company_ids = [_id_of(p.id) for p in participants.values() if p.kind == "company"]
    partner_ids = [_id_of(p.id) for p in participants.values() if p.kind == "partner"]
    others = (
        Meeting.objects.live()
        .exclude(mission=mission)
        .filter(starts_at__lt=max(s.end for s in slots), ends_at__gt=min(s.start for s in slots))
        .filter(Q(venue__in=venue_ids) | Q(company__in=company_ids) | Q(partner__in=partner_ids))
        .order_by("starts_at", "pk")
    )
    busy: dict[str, set[str]] = defaultdict(set)
    tables: dict[tuple[str, str], set[int]] = defaultdict(set)
    for meeting in others:
        overlapping = _overlapping_slots(slots, meeting.starts_at, meeting.ends_at)
        busy[company_key(meeting.company_id)] |= overlapping
        busy[partner_key(meeting.partner_id)] |= overlapping
        for slot_id in overlapping:
            tables[(venue_key(meeting.venue_id), slot_id)].add(meeting.table)
    for key, participant in list(participants.items()):
        if busy.get(key):
            participants[key] = dataclasses.replace(
                participant, unavailable=participant.unavailable | busy[key]
            )
    stand_ins: list[engine_instance.Request] = []
    for slot in slots:  # in the grid's order, so that the instance is the same every time
        for vkey, venue in venues.items():
            taken = min(len(tables.get((vkey, slot.id), ())), venue.tables)
            for n in range(1, taken + 1):
                a, b = f"{_OCCUPIED}{vkey}t{n}a", f"{_OCCUPIED}{vkey}t{n}b"
                if a not in participants:
                    participants[a] = engine_instance.Participant(id=a, kind="company")
                    participants[b] = engine_instance.Participant(id=b, kind="partner", venue=vkey)
                    names[a] = names[b] = _("a meeting of another mission")
                stand_ins.append(
                    engine_instance.Request(
                        id=f"{_OCCUPIED}{vkey}t{n}@{slot.id}",
                        a=a,
                        b=b,
                        priority=1,
                        slots=1,
                        locked=engine_instance.Lock(slot=slot.id, venue=vkey),
                    )
                )
    return stand_ins


def _schedulable_requests(mission: Mission) -> list[MeetingRequest]:
    """Requests the partner accepted, and any with a live meeting (staff may have placed one
    before the answer), with what the adapter reads of them. A request whose meeting was a
    no-show is not scheduled again; a held one stays, locked where it took place."""
    return list(
        MeetingRequest.objects.filter(mission=mission)
        .filter(
            Q(state=RequestState.ACCEPTED) & ~Q(meeting__state__in=PAST_MEETING_STATES)
            | Q(meeting__state__in=LIVE_MEETING_STATES)
        )
        .select_related("company", "partner__venue")
        .distinct()
        .order_by("pk")
    )


def _travel(venues: list[Venue], grid: MeetingGrid) -> list[engine_instance.Travel]:
    ids = [v.pk for v in venues]
    known = {
        (t.from_venue_id, t.to_venue_id): t.minutes
        for t in TravelTime.objects.filter(from_venue__in=ids, to_venue__in=ids)
    }
    travel = []
    for i, a in enumerate(venues):
        for b in venues[i + 1 :]:
            low, high = sorted([a.pk, b.pk])
            minutes = known.get((low, high))
            if minutes is None and a.city and a.city.casefold() == b.city.casefold():
                minutes = grid.same_city_travel_minutes
            if minutes is not None:
                travel.append(
                    engine_instance.Travel(a=venue_key(low), b=venue_key(high), minutes=minutes)
                )
    return travel


def _slot_id(start: dt.datetime, mission: Mission) -> str:
    from zoneinfo import ZoneInfo

    return start.astimezone(ZoneInfo(mission.time_zone)).strftime("%Y-%m-%dT%H:%M")


# --- The mission as JSON (the contract of FORMAT.md) -----------------------------------------


def instance_as_json(prepared: MissionInstance) -> dict[str, Any]:
    """The mission's instance in ``b2b-schedule/1`` (with the ``locked`` extension)."""
    instance = prepared.instance
    return {
        "format": "b2b-schedule/1",
        "name": instance.name,
        "slots": [
            {"id": s.id, "start": s.start.isoformat(), "end": s.end.isoformat()}
            for s in instance.slots
        ],
        "venues": [{"id": v.id, "tables": v.tables} for v in instance.venues],
        "travel_minutes": [{"from": t.a, "to": t.b, "minutes": t.minutes} for t in instance.travel],
        "participants": [
            {
                "id": p.id,
                "kind": p.kind,
                **({"venue": p.venue} if p.venue else {}),
                **({"unavailable": sorted(p.unavailable)} if p.unavailable else {}),
                **({"max_meetings": p.max_meetings} if p.max_meetings is not None else {}),
            }
            for p in instance.participants
        ],
        "requests": [
            {
                "id": r.id,
                "a": r.a,
                "b": r.b,
                "priority": r.priority,
                "slots": r.slots,
                **(
                    {"locked": {"slot": r.locked.slot, "venue": r.locked.venue}} if r.locked else {}
                ),
            }
            for r in instance.requests
        ],
    }


def current_solution_as_json(prepared: MissionInstance, mission: Mission) -> dict[str, Any]:
    """The mission's live meetings as a ``b2b-schedule/1`` solution of ``prepared``; the
    tables of other missions' meetings at their stand-ins' places."""
    placed = {
        request_key(m.request_id): m
        for m in Meeting.objects.live().filter(mission=mission)
        if request_key(m.request_id) in prepared.instance.request_by_id
    }
    stand_ins = [prepared.instance.request_by_id[key] for key in prepared.occupancy]
    return {
        "format": "b2b-schedule/1",
        "meetings": [
            {
                "request": key,
                "slot": _slot_id(meeting.starts_at, mission),
                "venue": venue_key(meeting.venue_id),
            }
            for key, meeting in placed.items()
        ]
        + [
            {"request": r.id, "slot": r.locked.slot, "venue": r.locked.venue}
            for r in stand_ins
            if r.locked is not None
        ],
        "unscheduled": [
            {"request": r.id, "reason": "not scheduled"}
            for r in prepared.instance.requests
            if r.id not in placed and r.id not in prepared.occupancy
        ],
    }
