"""Check any solution against every rule of FORMAT.md, and recompute what it is worth.

Written apart from the solver on purpose, on the string ids of the instance and nothing the
solver computes, so that a bug in the solver's bookkeeping cannot hide behind the same bug here.

Travel is checked between every two meetings of a participant at different venues, not only
between consecutive ones: with travel times that obey the triangle inequality (real ones do)
this is the same rule, and otherwise it is the stricter reading, so a solution valid here is
valid under both. A pair of venues with no travel time listed is unreachable: a participant
never meets at both on one day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from matchmaking.scheduling.instance import Instance, Request, Slot
from matchmaking.scheduling.solution import Meeting, Solution

RULES = (
    "unknown",
    "consecutive",
    "availability",
    "venue",
    "overlap",
    "tables",
    "travel",
    "max_meetings",
    "coverage",
    "locked",
)


@dataclass(frozen=True)
class Violation:
    rule: str
    request: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: request {self.request!r}: {self.message}"


@dataclass(frozen=True)
class Report:
    violations: tuple[Violation, ...]
    priority_total: int
    holes: int
    scheduled: int
    requested: int

    @property
    def is_valid(self) -> bool:
        return not self.violations


def validate(instance: Instance, solution: Solution) -> Report:
    """Every rule, plus "every request exactly once" and "locked meetings stay put"."""
    violations = check_meetings(instance, solution) + _check_coverage(instance, solution)
    known = [m for m in solution.meetings if m.request in instance.request_by_id]
    return Report(
        violations=tuple(violations),
        priority_total=sum(instance.request_by_id[m.request].priority for m in known),
        holes=count_holes(instance, solution),
        scheduled=len({m.request for m in known}),
        requested=len(instance.requests),
    )


def _resolve(instance: Instance, meeting: Meeting) -> tuple[Request, list[Slot]] | Violation:
    request = instance.request_by_id.get(meeting.request)
    if request is None:
        return Violation("unknown", meeting.request, "no such request")
    if meeting.slot not in instance.slot_index:
        return Violation("unknown", meeting.request, f"no such slot {meeting.slot!r}")
    if meeting.venue not in instance.venue_by_id:
        return Violation("unknown", meeting.request, f"no such venue {meeting.venue!r}")
    taken = instance.request_slots(request, meeting.slot)
    if taken is None:
        return Violation(
            "consecutive",
            meeting.request,
            f"{request.slots} slots from {meeting.slot!r} are not back to back in the grid",
        )
    return request, taken


def check_meetings(instance: Instance, solution: Solution) -> list[Violation]:
    """The rules on the meetings themselves (all but coverage of the requests)."""
    violations: list[Violation] = []
    # participant -> list of (start, end, days, venue, request id, slot ids)
    agenda: dict[str, list[tuple[Slot, Slot, set[date], str, str]]] = defaultdict(list)
    busy: dict[tuple[str, str], str] = {}
    load: Counter[tuple[str, str]] = Counter()
    for meeting in solution.meetings:
        resolved = _resolve(instance, meeting)
        if isinstance(resolved, Violation):
            violations.append(resolved)
            continue
        request, taken = resolved
        for side in (request.a, request.b):
            participant = instance.participant_by_id[side]
            for slot in taken:
                if slot.id in participant.unavailable:
                    violations.append(
                        Violation(
                            "availability", request.id, f"{side} is unavailable in {slot.id!r}"
                        )
                    )
                other = busy.get((side, slot.id))
                if other is not None:
                    violations.append(
                        Violation(
                            "overlap",
                            request.id,
                            f"{side} is already in request {other!r} in {slot.id!r}",
                        )
                    )
                busy[(side, slot.id)] = request.id
            if participant.venue is not None and participant.venue != meeting.venue:
                violations.append(
                    Violation(
                        "venue",
                        request.id,
                        f"{side} hosts at {participant.venue!r}, not {meeting.venue!r}",
                    )
                )
            agenda[side].append(
                (taken[0], taken[-1], {s.day for s in taken}, meeting.venue, request.id)
            )
        tables = instance.venue_by_id[meeting.venue].tables
        for slot in taken:
            load[(meeting.venue, slot.id)] += 1
            if load[(meeting.venue, slot.id)] == tables + 1:
                violations.append(
                    Violation(
                        "tables",
                        request.id,
                        f"{meeting.venue!r} holds more than its {tables} tables in {slot.id!r}",
                    )
                )
    violations += _check_travel(instance, agenda)
    for side, meetings in agenda.items():
        cap = instance.participant_by_id[side].max_meetings
        if cap is not None and len(meetings) > cap:
            violations.append(
                Violation(
                    "max_meetings",
                    meetings[-1][4],
                    f"{side} has {len(meetings)} meetings, more than its max_meetings {cap}",
                )
            )
    for meeting in solution.meetings:
        request = instance.request_by_id.get(meeting.request)
        if request is None or request.locked is None:
            continue
        if (meeting.slot, meeting.venue) != (request.locked.slot, request.locked.venue):
            violations.append(
                Violation(
                    "locked",
                    request.id,
                    f"locked at {request.locked.slot!r} in {request.locked.venue!r}, "
                    f"placed at {meeting.slot!r} in {meeting.venue!r}",
                )
            )
    return violations


def _check_travel(
    instance: Instance, agenda: dict[str, list[tuple[Slot, Slot, set[date], str, str]]]
) -> list[Violation]:
    violations = []
    for side, meetings in agenda.items():
        ordered = sorted(meetings, key=lambda item: (item[0].start, item[4]))
        for i, (_, first_end, first_days, first_venue, _first) in enumerate(ordered):
            for later_start, _, later_days, later_venue, later in ordered[i + 1 :]:
                if later_venue == first_venue:
                    continue
                minutes = instance.travel_minutes(first_venue, later_venue)
                if minutes is None:
                    if first_days & later_days:
                        violations.append(
                            Violation(
                                "travel",
                                later,
                                f"{side} meets at {first_venue!r} and {later_venue!r} on one "
                                "day, and no travel time joins them",
                            )
                        )
                    continue
                gap = (later_start.start - first_end.end).total_seconds() / 60
                if gap < minutes:
                    violations.append(
                        Violation(
                            "travel",
                            later,
                            f"{side} has {gap:g} min to go from {first_venue!r} to "
                            f"{later_venue!r}, which takes {minutes} min",
                        )
                    )
    return violations


def _check_coverage(instance: Instance, solution: Solution) -> list[Violation]:
    seen: Counter[str] = Counter()
    violations = []
    for item in [m.request for m in solution.meetings] + [u.request for u in solution.unscheduled]:
        seen[item] += 1
        if item not in instance.request_by_id:
            violations.append(Violation("coverage", item, "no such request in the instance"))
        elif seen[item] == 2:
            violations.append(Violation("coverage", item, "appears more than once"))
    for request in instance.requests:
        if seen[request.id] == 0:
            violations.append(
                Violation("coverage", request.id, "neither in meetings nor unscheduled")
            )
    unscheduled = {u.request for u in solution.unscheduled}
    for request in instance.requests:
        if request.locked is not None and request.id in unscheduled:
            violations.append(Violation("locked", request.id, "locked but left unscheduled"))
    return violations


def count_holes(instance: Instance, solution: Solution) -> int:
    """Idle holes: per participant and day, the slots between its first and last meeting of
    that day in which it is available but has no meeting. Meetings naming unknown ids are
    ignored (the violations say so)."""
    occupied: dict[str, set[int]] = defaultdict(set)
    for meeting in solution.meetings:
        resolved = _resolve(instance, meeting)
        if isinstance(resolved, Violation):
            continue
        request, taken = resolved
        for side in (request.a, request.b):
            occupied[side].update(instance.slot_index[slot.id] for slot in taken)
    day_of = [slot.day for slot in instance.slots]
    holes = 0
    for side, indices in occupied.items():
        unavailable = instance.participant_by_id[side].unavailable
        by_day: dict[date, list[int]] = defaultdict(list)
        for index in indices:
            by_day[day_of[index]].append(index)
        for day, taken_today in by_day.items():
            for index in range(min(taken_today), max(taken_today) + 1):
                if day_of[index] != day or index in indices:
                    continue
                if instance.slots[index].id not in unavailable:
                    holes += 1
    return holes
