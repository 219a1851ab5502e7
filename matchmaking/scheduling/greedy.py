"""Construction heuristics: the naive baseline, and the engine's own start.

The naive baseline is what a spreadsheet would do (requests by priority, each in its earliest
feasible slot); benchmarks and property tests compare against it.

The engine's construction differs in three ways that matter on big events, where it may be
all there is time for: it places the least flexible requests of a priority level first, it
places each meeting where it adds the fewest idle holes to both sides (next to their other
meetings), and among equal choices it takes the slot the fewest other requests could use.
Then :func:`insert_by_moving` schedules what it can of the rest by moving one meeting aside.
"""

from __future__ import annotations

from matchmaking.scheduling.compiled import Compiled, Schedule


def place_locked(schedule: Schedule) -> None:
    c = schedule.c
    for r, lock in enumerate(c.locked):
        if lock is not None:
            schedule.place(r, lock[0], lock[1])


def naive_greedy(compiled: Compiled) -> Schedule:
    """Requests by priority (input order among equals), each in its earliest feasible slot
    (and the first venue that fits there)."""
    c = compiled
    schedule = Schedule(c)
    place_locked(schedule)
    order = sorted(range(c.n_requests), key=lambda r: -c.weight[r])
    for r in order:
        if schedule.start[r] >= 0:
            continue
        placed = False
        for s in c.starts[r]:
            for v in c.req_venues[r]:
                if schedule.fits(r, s, v):
                    schedule.place(r, s, v)
                    placed = True
                    break
            if placed:
                break
    return schedule


def added_holes(schedule: Schedule, p: int, s: int, k: int) -> int:
    """How many idle holes participant ``p`` gains (negative: loses) if it meets in slots
    ``s .. s+k-1``, which must be free and available for it."""
    c = schedule.c
    row = schedule.occ[p]
    avail = c.available[p]
    day = c.day_slots[c.slot_day[s]]
    pos_s = c.slot_pos[s]
    pos_e = pos_s + k - 1
    if pos_e >= len(day):  # a meeting running into the next day: keep it simple
        pos_e = len(day) - 1
    # Nearest meeting before and after, within the day.
    before = -1
    for position in range(pos_s - 1, -1, -1):
        if row[day[position]] != -1:
            before = position
            break
    after = -1
    for position in range(pos_e + 1, len(day)):
        if row[day[position]] != -1:
            after = position
            break
    if before >= 0 and after >= 0:
        return -k  # fills part of a hole
    if before >= 0:
        return sum(1 for q in range(before + 1, pos_s) if avail[day[q]])
    if after >= 0:
        return sum(1 for q in range(pos_e + 1, after) if avail[day[q]])
    return 0


def construct(compiled: Compiled) -> Schedule:
    c = compiled
    schedule = Schedule(c)
    place_locked(schedule)
    # How contested each (venue, slot) is: the share of every request's options that use it.
    demand = [[0.0] * c.n_slots for _ in range(c.n_venues)]
    for r in range(c.n_requests):
        options = len(c.starts[r]) * len(c.req_venues[r])
        if not options or c.locked[r] is not None:
            continue
        share = 1.0 / options
        for s in c.starts[r]:
            for v in c.req_venues[r]:
                row = demand[v]
                for i in range(s, s + c.length[r]):
                    row[i] += share
    order = sorted(
        range(c.n_requests),
        key=lambda r: (-c.weight[r], len(c.starts[r]) * len(c.req_venues[r]), r),
    )
    for r in order:
        if schedule.start[r] >= 0 or not c.starts[r]:
            continue
        best = _best_position(schedule, r, demand)
        if best is not None:
            schedule.place(r, best[0], best[1])
    return schedule


def _best_position(
    schedule: Schedule, r: int, demand: list[list[float]] | None = None
) -> tuple[int, int] | None:
    c = schedule.c
    a, b, k = c.req_a[r], c.req_b[r], c.length[r]
    occ_a, occ_b = schedule.occ[a], schedule.occ[b]
    best_key: tuple[int, float, int] | None = None
    best = None
    for s in c.starts[r]:
        if occ_a[s] != -1 or occ_b[s] != -1:
            continue
        for v in c.req_venues[r]:
            if not schedule.fits(r, s, v):
                continue
            cost = added_holes(schedule, a, s, k) + added_holes(schedule, b, s, k)
            crowd = demand[v][s] if demand is not None else 0.0
            key = (cost, crowd, s)
            if best_key is None or key < best_key:
                best_key = key
                best = (s, v)
    return best


def insert_free(schedule: Schedule, requests: list[int]) -> int:
    """Place each unscheduled request of ``requests`` that fits somewhere as it is."""
    placed = 0
    for r in requests:
        if schedule.start[r] >= 0:
            continue
        best = _best_position(schedule, r)
        if best is not None:
            schedule.place(r, best[0], best[1])
            placed += 1
    return placed


def insert_by_moving(schedule: Schedule, *, max_tries: int) -> int:
    """Schedule unscheduled requests by moving one meeting that blocks them elsewhere.

    For each unscheduled request, by priority, and each of its options blocked by exactly one
    meeting (of either side, or the last table of the venue), try to move that meeting to
    another place; on success, place the request. Returns the number of requests placed.
    ``max_tries`` bounds the moves tried, so the work is the same on any machine.
    """
    c = schedule.c
    tries = 0
    placed = 0
    order = sorted(
        (r for r in range(c.n_requests) if schedule.start[r] < 0 and c.starts[r]),
        key=lambda r: (-c.weight[r], r),
    )
    for r in order:
        if tries >= max_tries:
            break
        if any(schedule.count[p] >= c.cap[p] for p in (c.req_a[r], c.req_b[r])):
            continue
        done = False
        for s in c.starts[r]:
            if done or tries >= max_tries:
                break
            for v in c.req_venues[r]:
                blockers = _blockers(schedule, r, s, v)
                if blockers is None or len(blockers) != 1:
                    continue
                (m,) = blockers
                if c.locked[m] is not None:
                    continue
                tries += 1
                old = (schedule.start[m], schedule.venue[m])
                schedule.remove(m)
                if not schedule.fits(r, s, v):
                    schedule.place(m, *old)
                    continue
                schedule.place(r, s, v)
                target = _best_position(schedule, m)
                if target is None:
                    schedule.remove(r)
                    schedule.place(m, *old)
                    continue
                schedule.place(m, *target)
                placed += 1
                done = True
                break
    return placed


def _blockers(schedule: Schedule, r: int, s: int, v: int) -> set[int] | None:
    """The meetings of either side in the way of ``r`` starting at ``s`` in ``v``; None when
    the venue is full there anyway (travel is left for :meth:`Schedule.fits` to judge)."""
    c = schedule.c
    found: set[int] = set()
    for p in (c.req_a[r], c.req_b[r]):
        row = schedule.occ[p]
        for i in range(s, s + c.length[r]):
            if row[i] != -1:
                found.add(row[i])
    if len(found) > 1:
        return None
    tables = c.tables[v]
    for i in range(s, s + c.length[r]):
        # A full venue: freeing a table needs a choice among many meetings; the solver's
        # neighbourhoods make it, not this quick pass.
        if schedule.load[v][i] >= tables and not any(schedule._uses(m, v, i) for m in found):
            return None
    return found
