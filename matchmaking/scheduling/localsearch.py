"""A quick local search on idle holes: move one meeting at a time where it helps most.

Cheap enough for the biggest events, where CP-SAT neighbourhoods cover only part of the
participants in the time there is; CP-SAT then finds the moves that need several meetings to
shift at once. The priority total never changes here: meetings move, none is added or dropped.
"""

from __future__ import annotations

from matchmaking.scheduling.compiled import Schedule
from matchmaking.scheduling.greedy import added_holes


def reduce_holes(schedule: Schedule, *, max_moves: int) -> int:
    """Relocate meetings to reduce idle holes, best move per meeting, in passes until no move
    helps or ``max_moves`` options have been looked at. Returns the options looked at."""
    c = schedule.c
    days = range(len(c.day_slots))
    looked = 0
    improved = True
    while improved and looked < max_moves:
        improved = False
        with_holes = {
            p for p in range(c.n_participants) if any(schedule.day_holes(p, d) for d in days)
        }
        for r in range(c.n_requests):
            if looked >= max_moves:
                break
            s0 = schedule.start[r]
            if s0 < 0 or c.locked[r] is not None:
                continue
            a, b, k = c.req_a[r], c.req_b[r], c.length[r]
            if a not in with_holes and b not in with_holes:
                continue
            v0 = schedule.venue[r]
            day0 = c.slot_day[s0]
            before = schedule.day_holes(a, day0) + schedule.day_holes(b, day0)
            schedule.remove(r)
            gain = before - schedule.day_holes(a, day0) - schedule.day_holes(b, day0)
            best = (0, s0, v0)
            occ_a, occ_b = schedule.occ[a], schedule.occ[b]
            for s in c.starts[r]:
                if s == s0 or occ_a[s] != -1 or occ_b[s] != -1:
                    continue
                for v in c.req_venues[r]:
                    looked += 1
                    if not schedule.fits(r, s, v):
                        continue
                    delta = added_holes(schedule, a, s, k) + added_holes(schedule, b, s, k) - gain
                    if delta < best[0]:
                        best = (delta, s, v)
            schedule.place(r, best[1], best[2])
            if best[0] < 0:
                improved = True
                for p in (a, b):
                    if not any(schedule.day_holes(p, d) for d in days):
                        with_holes.discard(p)
    return looked
