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


def swap_into_holes(schedule: Schedule, *, max_moves: int) -> int:
    """Fill a hole of a participant with one of its meetings whose other side is busy there:
    the two meetings of that other side swap their slots. Returns the swaps looked at.

    For participant ``p`` idle in slot ``h`` between its meetings, and its meeting ``r`` with
    ``q`` at ``s0``: if ``q`` is in meeting ``m`` at ``h``, moving ``r`` to ``h`` and ``m`` to
    ``s0`` keeps ``q`` as busy as before and may close ``p``'s hole. Kept when the holes of
    everyone concerned go down."""
    c = schedule.c
    days = range(len(c.day_slots))
    looked = 0
    for p in range(c.n_participants):
        if looked >= max_moves:
            break
        if not schedule.count[p]:
            continue
        for d in days:
            if not schedule.day_holes(p, d):
                continue
            row = schedule.occ[p]
            for h in c.day_slots[d]:
                if row[h] != -1 or not c.available[p][h] or not schedule.day_holes(p, d):
                    continue
                for r in list(schedule.meetings_of[p]):
                    looked += 1
                    if _try_swap(schedule, p, r, h):
                        break
    return looked


def _try_swap(schedule: Schedule, p: int, r: int, h: int) -> bool:
    c = schedule.c
    if c.locked[r] is not None:
        return False
    q = c.req_b[r] if c.req_a[r] == p else c.req_a[r]
    m = schedule.occ[q][h]
    if m == -1 or m == r or c.locked[m] is not None or c.length[m] != c.length[r]:
        return False
    if h not in c.starts[r] or schedule.start[m] != h:
        return False
    s0 = schedule.start[r]
    if s0 not in c.starts[m]:
        return False
    v_r, v_m = schedule.venue[r], schedule.venue[m]
    people = {c.req_a[r], c.req_b[r], c.req_a[m], c.req_b[m]}
    touched_days = {c.slot_day[s0], c.slot_day[h]}
    before = sum(schedule.day_holes(x, d) for x in people for d in touched_days)
    schedule.remove(r)
    schedule.remove(m)
    if schedule.fits(r, h, v_r):
        schedule.place(r, h, v_r)
        if schedule.fits(m, s0, v_m):
            schedule.place(m, s0, v_m)
            after = sum(schedule.day_holes(x, d) for x in people for d in touched_days)
            if after < before:
                return True
            schedule.remove(m)
        schedule.remove(r)
    schedule.place(r, s0, v_r)
    schedule.place(m, h, v_m)
    return False
