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
from matchmaking.scheduling.solution import Meeting as EngineMeeting
from matchmaking.scheduling.solution import Reason, ReasonCode, Solution
from matchmaking.scheduling.validator import check_meetings
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
    """True for the stand-in requests of ``mission_instance``: other missions' meetings and
    the delegation's programme items, never a request of the mission."""
    return key.startswith(_OCCUPIED)


# A programme item at a venue is a locked stand-in request per delegate company, with a
# stand-in partner of the item (one per company) hosting at the item's own pseudo-venue ("oi"
# ids): the engine then keeps the travel time between the item and a meeting elsewhere
# (FORMAT.md's travel rule), which plain unavailability cannot say, since it depends on where
# the meeting is. The
# pseudo-venue has the travel times of the item's venue, 0 minutes to that venue itself, and a
# table per company, so the stand-ins never take a table a meeting needs.
_ITEM = f"{_OCCUPIED}i"


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
    # Stand-in requests, locked, for the delegates at the programme items that have a venue.
    programme: dict[str, ProgrammeItem] = field(default_factory=dict)

    @property
    def stand_ins(self) -> tuple[str, ...]:
        """Every stand-in request: locked, always placed, never a meeting of the mission."""
        return self.occupancy + tuple(self.programme)


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

    # Programme items: every delegate attends; their host is busy too. An item without a
    # venue makes the delegates unavailable; one with a venue is a stand-in meeting of each
    # delegate there (``_programme``), so that travel to and from it is kept.
    items = list(ProgrammeItem.objects.filter(mission=mission).select_related("venue"))
    delegation_busy: set[str] = set()
    host_busy: dict[int, set[str]] = defaultdict(set)
    for item in items:
        busy = _overlapping_slots(slots, item.starts_at, item.ends_at)
        if item.venue_id is None:
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
    instance, programme = _programme(
        instance, items=[i for i in items if i.venue_id], venues=venues, grid=grid, names=names
    )
    return MissionInstance(
        instance=instance,
        names=names,
        requests={request_key(r.pk): r for r in requests},
        venues=venues,
        slots={s.id: s for s in slots},
        left_out=left_out,
        occupancy=tuple(r.id for r in occupancy),
        programme=programme,
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


def _programme(
    instance: engine_instance.Instance,
    *,
    items: list[ProgrammeItem],
    venues: dict[str, Venue],
    grid: MeetingGrid,
    names: dict[str, str],
) -> tuple[engine_instance.Instance, dict[str, ProgrammeItem]]:
    """``instance`` with each item (all have a venue) as locked stand-in requests of every
    delegate company at the item's pseudo-venue, and what each stand-in stands for.

    A stand-in takes the grid's slots the item overlaps, plus a slot of its own for any part
    of the item off the grid (before the day starts, in a break, in the evening), so that it
    ends when the item ends. Real partners are unavailable in those slots of its own. A
    stand-in that cannot be kept (a locked meeting or another mission's meeting of that
    company is in the way, two items overlap) is left out, and the company is unavailable in
    the item's slots instead, as before.
    """
    companies = [p.id for p in instance.participants if p.kind == "company"]
    if not items or not companies:
        return instance, {}
    grid_slots = list(instance.slots)
    extra_slots: list[engine_instance.Slot] = []
    item_slots: dict[int, list[engine_instance.Slot]] = {}
    for item in items:
        covered = [s for s in grid_slots if s.start < item.ends_at and s.end > item.starts_at]
        own = [
            engine_instance.Slot(id=f"{_ITEM}{item.pk}s{n}", start=start, end=end)
            for n, (start, end) in enumerate(_uncovered(item.starts_at, item.ends_at, covered))
        ]
        # Two items of a mission never overlap on PostgreSQL; elsewhere, skip what would.
        own = [
            s
            for s in own
            if not any(s.start < o.end and s.end > o.start for o in extra_slots + grid_slots)
        ]
        extra_slots.extend(own)
        item_slots[item.pk] = sorted(covered + own, key=lambda s: s.start)
    all_slots = tuple(sorted(grid_slots + extra_slots, key=lambda s: s.start))
    extra_ids = frozenset(s.id for s in extra_slots)

    participants = {
        p.id: (
            dataclasses.replace(p, unavailable=p.unavailable | extra_ids)
            if p.kind == "partner" and extra_ids
            else p
        )
        for p in instance.participants
    }
    pseudo_venues = []
    minutes = _travel_minutes([*venues.values(), *(i.venue for i in items)], grid)
    travel = list(instance.travel)
    stand_ins: list[engine_instance.Request] = []
    programme: dict[str, ProgrammeItem] = {}
    for n, item in enumerate(items):
        pseudo = f"{_ITEM}{item.pk}v"
        pseudo_venues.append(engine_instance.Venue(id=pseudo, tables=len(companies)))
        names[pseudo] = str(item.venue)
        for vkey, venue in venues.items():
            travel_time = 0 if venue.pk == item.venue_id else minutes.get((venue.pk, item.venue_id))
            if travel_time is not None:
                travel.append(engine_instance.Travel(a=vkey, b=pseudo, minutes=travel_time))
        # Between two items, whatever staff planned: the engine does not move them.
        travel.extend(
            engine_instance.Travel(a=f"{_ITEM}{other.pk}v", b=pseudo, minutes=0)
            for other in items[:n]
        )
        for run in _runs(item_slots[item.pk]):
            for ckey in companies:
                # A stand-in partner per company: each meets its own delegate, all at once.
                host = f"{_ITEM}{item.pk}{ckey}p"
                if host not in participants:
                    participants[host] = engine_instance.Participant(
                        id=host, kind="partner", venue=pseudo
                    )
                    names[host] = item.title
                key = f"{_ITEM}{item.pk}{ckey}@{run[0].id}"
                stand_ins.append(
                    engine_instance.Request(
                        id=key,
                        a=ckey,
                        b=host,
                        priority=1,
                        slots=len(run),
                        locked=engine_instance.Lock(slot=run[0].id, venue=pseudo),
                    )
                )
                programme[key] = item
    instance = dataclasses.replace(
        instance,
        slots=all_slots,
        venues=instance.venues + tuple(pseudo_venues),
        travel=tuple(travel),
        participants=tuple(participants.values()),
        requests=instance.requests + tuple(stand_ins),
    )
    return _keep_feasible(instance, programme)


def _uncovered(
    start: dt.datetime, end: dt.datetime, covered: list[engine_instance.Slot]
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of ``start``–``end`` that no slot of ``covered`` overlaps."""
    pieces = []
    cursor = start
    for slot in sorted(covered, key=lambda s: s.start):
        if slot.start > cursor:
            pieces.append((cursor, min(slot.start, end)))
        cursor = max(cursor, slot.end)
    if cursor < end:
        pieces.append((cursor, end))
    return [(a, b) for a, b in pieces if a < b]


def _runs(slots: list[engine_instance.Slot]) -> list[list[engine_instance.Slot]]:
    """``slots`` (sorted) cut where one does not end when the next starts."""
    runs: list[list[engine_instance.Slot]] = []
    for slot in slots:
        if runs and runs[-1][-1].end == slot.start:
            runs[-1].append(slot)
        else:
            runs.append([slot])
    return runs


def _keep_feasible(
    instance: engine_instance.Instance, programme: dict[str, ProgrammeItem]
) -> tuple[engine_instance.Instance, dict[str, ProgrammeItem]]:
    """Leave out the programme stand-ins that the locked requests rule out (the engine refuses
    locked meetings that cannot all be kept); their company is unavailable then instead."""

    def placed(requests: list[engine_instance.Request]) -> Solution:
        return Solution(
            meetings=tuple(
                EngineMeeting(request=r.id, slot=r.locked.slot, venue=r.locked.venue)
                for r in requests
                if r.locked is not None
            ),
            unscheduled=(),
        )

    locked = [r for r in instance.requests if r.locked is not None and r.id not in programme]
    kept: dict[str, list[engine_instance.Request]] = defaultdict(list)
    dropped: list[engine_instance.Request] = []
    by_company: dict[str, list[engine_instance.Request]] = defaultdict(list)
    for request in locked:
        by_company[request.a].append(request)
        by_company[request.b].append(request)
    for key in programme:
        request = instance.request_by_id[key]
        others = by_company[request.a] + kept[request.a]
        trial = placed([*others, request])
        if any(
            v.request in (request.id, *(o.id for o in others))
            for v in check_meetings(instance, trial)
        ):
            dropped.append(request)
        else:
            kept[request.a].append(request)
    if not dropped:
        return instance, programme
    busy: dict[str, set[str]] = defaultdict(set)
    for request in dropped:
        first = request.locked.slot if request.locked is not None else instance.slots[0].id
        busy[request.a] |= {s.id for s in instance.request_slots(request, first) or ()}
    gone = {r.id for r in dropped}
    instance = dataclasses.replace(
        instance,
        participants=tuple(
            dataclasses.replace(p, unavailable=p.unavailable | busy[p.id]) if p.id in busy else p
            for p in instance.participants
        ),
        requests=tuple(r for r in instance.requests if r.id not in gone),
    )
    return instance, {k: v for k, v in programme.items() if k not in gone}


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
    minutes = _travel_minutes(venues, grid)
    travel = []
    for i, a in enumerate(venues):
        for b in venues[i + 1 :]:
            low, high = sorted([a.pk, b.pk])
            if (low, high) in minutes:
                travel.append(
                    engine_instance.Travel(
                        a=venue_key(low), b=venue_key(high), minutes=minutes[(low, high)]
                    )
                )
    return travel


def _travel_minutes(venues: list[Venue], grid: MeetingGrid) -> dict[tuple[int, int], int]:
    """Minutes between two distinct ``venues`` (both orders of their ids), where known: the
    recorded travel time, else the grid's default within one city."""
    by_id = {v.pk: v for v in venues}
    known = {
        (t.from_venue_id, t.to_venue_id): t.minutes
        for t in TravelTime.objects.filter(from_venue__in=by_id, to_venue__in=by_id)
    }
    minutes = {}
    ordered = sorted(by_id)
    for i, low in enumerate(ordered):
        for high in ordered[i + 1 :]:
            a, b = by_id[low], by_id[high]
            found = known.get((low, high))
            if found is None and a.city and a.city.casefold() == b.city.casefold():
                found = grid.same_city_travel_minutes
            if found is not None:
                minutes[(low, high)] = minutes[(high, low)] = found
    return minutes


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
    stand-ins (other missions' tables, programme items) at their locked places."""
    placed = {
        request_key(m.request_id): m
        for m in Meeting.objects.live().filter(mission=mission)
        if request_key(m.request_id) in prepared.instance.request_by_id
    }
    stand_ins = [prepared.instance.request_by_id[key] for key in prepared.stand_ins]
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
            if r.id not in placed and r.id not in prepared.stand_ins
        ],
    }
