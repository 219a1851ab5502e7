"""Why a request is unscheduled, found by looking at the final schedule.

The checks go from the request alone to the schedule around it, and the first that explains
every option wins:

1. the two sides host at different venues: no meeting is possible at all;
2. no run of slots (as long as the meeting) in which both are available;
3. a side is at its ``max_meetings`` cap;
4. each option (first slot, venue) is blocked; if some option where both sides are free is
   blocked by travel, travel is the reason (the side, where it is, and the minutes needed);
   if some such option has its venue full, the tables are; otherwise the meetings of the two
   sides fill every common free slot, and the reason says whether those weigh more than this
   one.
"""

from __future__ import annotations

from collections import Counter

from matchmaking.scheduling.compiled import UNREACHABLE, Schedule
from matchmaking.scheduling.solution import Reason, ReasonCode


def explain(schedule: Schedule, r: int) -> Reason:
    c = schedule.c
    instance = c.instance
    request = instance.requests[r]
    a, b = c.req_a[r], c.req_b[r]
    pid = [participant.id for participant in instance.participants]
    vid = [venue.id for venue in instance.venues]
    if not c.req_venues[r]:
        return Reason(
            ReasonCode.HOST_VENUES,
            participants=(pid[a], pid[b]),
            venues=(vid[c.host[a]], vid[c.host[b]]),
        )
    if not c.starts[r]:
        return Reason(ReasonCode.NO_COMMON_SLOT, numbers=(request.slots,))
    capped = [p for p in (a, b) if schedule.count[p] >= c.cap[p]]
    if capped:
        return Reason(
            ReasonCode.CAP,
            participants=tuple(pid[p] for p in capped),
            numbers=tuple(c.cap[p] for p in capped),
        )
    k = c.length[r]
    blockers: set[int] = set()
    travel: Counter[tuple[int, int, int]] = Counter()  # (participant, at venue, to venue)
    tables: Counter[int] = Counter()
    only_travel = only_tables = False
    for s in c.starts[r]:
        busy = set()
        for p in (a, b):
            for i in range(s, s + k):
                if schedule.occ[p][i] != -1:
                    busy.add(schedule.occ[p][i])
        blockers |= busy
        for v in c.req_venues[r]:
            full = any(schedule.load[v][i] >= c.tables[v] for i in range(s, s + k))
            far = _travel_clash(schedule, r, s, v)
            if busy:
                continue
            if far:
                only_travel = True
                travel[far] += 1
            elif full:
                only_tables = True
                tables[v] += 1
            else:
                return Reason(ReasonCode.NOT_PLACED)
    if only_travel:
        (p, at, to), _ = min(travel.items(), key=lambda item: (-item[1], item[0]))
        if c.travel[at][to] == UNREACHABLE:
            return Reason(ReasonCode.UNREACHABLE, participants=(pid[p],), venues=(vid[at], vid[to]))
        return Reason(
            ReasonCode.TRAVEL,
            participants=(pid[p],),
            venues=(vid[at], vid[to]),
            numbers=(c.travel[at][to],),
        )
    if only_tables:
        v, _ = min(tables.items(), key=lambda item: (-item[1], item[0]))
        return Reason(ReasonCode.TABLES, venues=(vid[v],), numbers=(c.tables[v],))
    weights = [c.weight[m] for m in blockers]
    if weights and min(weights) > c.weight[r]:
        return Reason(ReasonCode.LOST_HIGHER)
    if weights and min(weights) >= c.weight[r]:
        return Reason(ReasonCode.LOST_EQUAL)
    return Reason(ReasonCode.LOST_OTHER)


def _travel_clash(schedule: Schedule, r: int, s: int, v: int) -> tuple[int, int, int] | None:
    """The first (participant, venue it is at, venue of this option) whose travel forbids
    option ``(s, v)`` of ``r``, if any."""
    c = schedule.c
    if not c.has_travel:
        return None
    k = c.length[r]
    for p in (c.req_a[r], c.req_b[r]):
        for other in sorted(schedule.meetings_of[p]):
            v2 = schedule.venue[other]
            if v2 == v:
                continue
            s2, k2 = schedule.start[other], c.length[other]
            overlap = s <= s2 + k2 - 1 and s2 <= s + k - 1
            if not overlap and c.conflict(s, k, v, s2, k2, v2):
                return (p, v2, v)
    return None
