"""CP-SAT models: re-place a set of "free" requests around everything else, kept fixed.

One builder serves the whole event (every request free) and the neighbourhoods of the
large-neighbourhood search (a few hundred requests free). The model is slot-indexed, with one
Boolean per option (request, first slot, venue) that fits the fixed part, and:

- one meeting at a time: an at-most-one per participant and slot;
- tables: per venue and slot, the sum of meetings is at most the free tables. Tables are
  counted, never named, so identical tables create no symmetry for the search to explore;
- travel: a meeting ending at slot e in venue v and one starting at s in v' too soon after are
  one at-most-one (per participant, e, v and s), a clique rather than a pair per two options;
- caps: a sum per participant;
- objective "priority": maximise the total priority, never below what the free requests
  weigh now; objective "holes": the free requests are exactly those scheduled now and all
  stay scheduled (so the priority total is fixed), and the idle holes of every participant
  touched are minimised, with the monotone "has started" / "has not yet finished" chains per
  participant and day (a hole is a free, available slot with both true).

The current placement is given as a complete hint, so the solver starts from a solution at
least as good as the current one and a neighbourhood is never worse after a solve.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from matchmaking.scheduling.compiled import UNREACHABLE, Compiled, Schedule

Mode = Literal["priority", "holes"]
INTERLEAVE = True


@dataclass(frozen=True)
class Outcome:
    accepted: bool  # the schedule changed to the solver's solution
    improved: bool  # strictly better on the objective
    optimal: bool  # proven optimal for this neighbourhood
    before: int  # objective of the free part before (priority or holes)
    after: int
    deterministic_time: float
    options: int  # Booleans in the model: the size of the neighbourhood


def _travel_horizon(c: Compiled) -> list[tuple[int, bool]]:
    """Per venue: the longest travel from it, and whether some venue is unreachable from it."""
    horizon = []
    for v in range(c.n_venues):
        row = c.travel[v]
        horizon.append((max(row), any(m == UNREACHABLE for m in row)))
    return horizon


def optimise(
    schedule: Schedule,
    free: list[int],
    *,
    mode: Mode,
    window: tuple[int, int] | None = None,
    seed: int,
    deterministic_time: float,
    wall_time: float,
    workers: int = 1,
) -> Outcome:
    """Re-place the requests ``free`` (their meetings only inside ``window``, a slot range
    ``[first, last]``, when given) to optimise ``mode``; keep the result when it is not worse.
    """
    c = schedule.c
    free = sorted({r for r in free if c.locked[r] is None and c.starts[r]})
    if mode == "holes":
        free = [r for r in free if schedule.start[r] >= 0]
    old = {r: (schedule.start[r], schedule.venue[r]) for r in free}
    touched = sorted({p for r in free for p in (c.req_a[r], c.req_b[r])})
    holes_before = _holes_of(schedule, touched) if mode == "holes" else 0
    for r in free:
        if old[r][0] >= 0:
            schedule.remove(r)

    model = cp_model.CpModel()
    options: list[tuple[int, int, int, cp_model.IntVar]] = []
    by_request: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_participant_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_venue_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_participant: dict[int, list[tuple[int, int, int, cp_model.IntVar]]] = defaultdict(list)
    hints: dict[int, int] = {}
    for r in free:
        k = c.length[r]
        for s in c.starts[r]:
            if window is not None and (s < window[0] or s + k - 1 > window[1]):
                continue
            for v in c.req_venues[r]:
                if not schedule.fits(r, s, v):
                    continue
                x = model.new_bool_var(f"x{r}_{s}_{v}")
                options.append((r, s, v, x))
                by_request[r].append(x)
                hints[x.index] = 1 if old[r] == (s, v) else 0
                for p in (c.req_a[r], c.req_b[r]):
                    by_participant[p].append((s, s + k - 1, v, x))
                    for i in range(s, s + k):
                        by_participant_slot[(p, i)].append(x)
                for i in range(s, s + k):
                    by_venue_slot[(v, i)].append(x)

    if mode == "holes" and any(not by_request[r] for r in free):
        # A meeting of this neighbourhood lies outside the window: nothing to re-place safely.
        _restore(schedule, old)
        return Outcome(False, False, False, holes_before, holes_before, 0.0, len(options))

    for r in free:
        if mode == "holes":
            model.add_exactly_one(by_request[r])
        elif len(by_request[r]) > 1:
            model.add_at_most_one(by_request[r])
    for group in by_participant_slot.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    for (v, i), group in by_venue_slot.items():
        room = c.tables[v] - schedule.load[v][i]
        if len(group) > room:
            model.add(sum(group) <= room)
    for p, placed in by_participant.items():
        room = c.cap[p] - schedule.count[p]
        if len({id(x) for *_, x in placed}) > room:
            model.add(sum(x for *_, x in placed) <= room)
    if c.has_travel:
        _add_travel(model, c, by_participant)

    weight_before = sum(c.weight[r] for r in free if old[r][0] >= 0)
    if mode == "priority":
        total = sum(c.weight[r] * x for r, _, _, x in options)
        model.add(total >= weight_before)
        # Lexicographic: the priority total first, then as few meetings moved as possible
        # (each kept in place counts 1, less than any priority), so that a neighbourhood
        # does not scatter meetings, and idle holes, for no gain.
        stay = [x for r, s, v, x in options if old[r] == (s, v)]
        model.maximize((len(stay) + 1) * total + sum(stay))
    else:
        hole_vars = _add_holes(model, schedule, touched, by_participant_slot, old, hints)
        model.minimize(sum(hole_vars))

    for index, value in hints.items():
        model.proto.solution_hint.vars.append(index)
        model.proto.solution_hint.values.append(value)

    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.random_seed = seed
    parameters.num_workers = workers
    if workers > 1:
        # Several workers interleaved by batches of work: deterministic, unlike the default
        # portfolio whose threads race.
        parameters.interleave_search = INTERLEAVE
    parameters.max_deterministic_time = max(deterministic_time, 0.01)
    parameters.max_time_in_seconds = max(wall_time, 0.01)
    parameters.log_search_progress = False
    # The LP relaxation with every constraint in it (level 2) proves these small models
    # optimal several times faster than the default, on every shape of the benchmark.
    parameters.linearization_level = 2
    status = solver.solve(model)
    spent = solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        _restore(schedule, old)
        before = weight_before if mode == "priority" else holes_before
        return Outcome(False, False, False, before, before, spent, len(options))

    values = solver.response_proto.solution
    chosen = {r: (s, v) for r, s, v, x in options if values[x.index]}
    for r, (s, v) in chosen.items():
        schedule.place(r, s, v)
    optimal = status == cp_model.OPTIMAL
    if mode == "priority":
        after = sum(c.weight[r] for r in chosen)
        if after < weight_before:  # cannot happen with the floor above; stay safe
            _undo(schedule, chosen, old)
            return Outcome(False, False, optimal, weight_before, weight_before, spent, len(options))
        return Outcome(
            True, after > weight_before, optimal, weight_before, after, spent, len(options)
        )
    after = _holes_of(schedule, touched)
    if after > holes_before:
        _undo(schedule, chosen, old)
        return Outcome(False, False, optimal, holes_before, holes_before, spent, len(options))
    return Outcome(True, after < holes_before, optimal, holes_before, after, spent, len(options))


def _restore(schedule: Schedule, old: dict[int, tuple[int, int]]) -> None:
    for r, (s, v) in old.items():
        if s >= 0 and schedule.start[r] < 0:
            schedule.place(r, s, v)


def _undo(
    schedule: Schedule, chosen: dict[int, tuple[int, int]], old: dict[int, tuple[int, int]]
) -> None:
    for r in chosen:
        schedule.remove(r)
    _restore(schedule, old)


def _holes_of(schedule: Schedule, participants: list[int]) -> int:
    days = range(len(schedule.c.day_slots))
    return sum(schedule.day_holes(p, d) for p in participants for d in days)


def _add_travel(
    model: cp_model.CpModel,
    c: Compiled,
    by_participant: dict[int, list[tuple[int, int, int, cp_model.IntVar]]],
) -> None:
    horizon = _travel_horizon(c)
    for placed in by_participant.values():
        if len({v for _, _, v, _ in placed}) < 2:
            continue
        ends: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        starts: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for s, e, v, x in placed:
            ends[(v, e)].append(x)
            starts[s].append((v, x))
        for (v, e), enders in ends.items():
            longest, unreachable = horizon[v]
            limit = c.slot_end[e] + longest
            for s2 in range(e + 1, c.n_slots):
                same_day = c.slot_day[s2] == c.slot_day[e]
                if c.slot_start[s2] >= limit and not (unreachable and same_day):
                    break
                clashing = []
                for v2, x2 in starts.get(s2, ()):
                    if v2 == v:
                        continue
                    minutes = c.travel[v][v2]
                    if minutes == UNREACHABLE:
                        if same_day:
                            clashing.append(x2)
                    elif c.slot_end[e] + minutes > c.slot_start[s2]:
                        clashing.append(x2)
                if clashing:
                    model.add_at_most_one(enders + clashing)


def _add_holes(
    model: cp_model.CpModel,
    schedule: Schedule,
    touched: list[int],
    by_participant_slot: dict[tuple[int, int], list[cp_model.IntVar]],
    old: dict[int, tuple[int, int]],
    hints: dict[int, int],
) -> list[cp_model.IntVar]:
    """Hole variables of every participant-day where something may move, with hints from
    the current placement (``old``)."""
    c = schedule.c
    holes = []
    for p in touched:
        avail = c.available[p]
        row = schedule.occ[p]  # the fixed part only: free requests are removed
        old_busy = set()
        for r in c.requests_of[p]:
            if r in old and old[r][0] >= 0:
                old_busy.update(range(old[r][0], old[r][0] + c.length[r]))
        for day in c.day_slots:
            if not any((p, i) in by_participant_slot for i in day):
                continue
            busy = []
            hint_busy = []
            for i in day:
                if row[i] != -1:
                    busy.append(1)
                    hint_busy.append(1)
                else:
                    busy.append(sum(by_participant_slot.get((p, i), [])))
                    hint_busy.append(1 if i in old_busy else 0)
            n = len(day)
            started = [model.new_bool_var("") for _ in range(n)]
            pending = [model.new_bool_var("") for _ in range(n)]
            for q in range(n):
                model.add(started[q] >= busy[q])
                model.add(pending[q] >= busy[q])
                if q:
                    model.add(started[q] >= started[q - 1])
                if q + 1 < n:
                    model.add(pending[q] >= pending[q + 1])
            seen = 0
            for q in range(n):
                seen |= hint_busy[q]
                hints[started[q].index] = seen
            seen = 0
            for q in range(n - 1, -1, -1):
                seen |= hint_busy[q]
                hints[pending[q].index] = seen
            for q, i in enumerate(day):
                if not avail[i] or row[i] != -1:
                    continue
                hole = model.new_bool_var("")
                model.add(hole >= started[q] + pending[q] - 1 - busy[q])
                hints[hole.index] = int(
                    hints[started[q].index] and hints[pending[q].index] and not hint_busy[q]
                )
                holes.append(hole)
    return holes
