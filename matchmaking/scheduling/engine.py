"""The engine: construction, then priority, then idle holes, within a time limit.

Phases, each starting from the best schedule so far, so that whatever the clock allows is
returned:

1. construction (:func:`greedy.construct`) and :func:`greedy.insert_by_moving`: a complete,
   valid schedule in well under a second even for 12,000 requests;
2. priority: large-neighbourhood search (LNS) with CP-SAT. Each step frees a neighbourhood
   (the participants around an unscheduled request, a window of slots, or the participants
   with the most holes), keeps the rest fixed, and asks CP-SAT for the best re-placement, hinted
   with the current one. Stops early at the static upper bound;
3. holes: the same search with the priority total fixed (the freed meetings must all stay
   scheduled) and the idle holes of the participants touched as objective, after a quick
   local search (:mod:`localsearch`) that moves single meetings into holes;
4. a last pass places any request that still fits as it is, and every unscheduled request
   gets its reason (:mod:`reasons`).

Determinism: every CP-SAT call runs one worker with a fixed seed and stops on a deterministic
time (CP-SAT's own count of work, not the clock), and phases stop on a budget counted the
same way. So one instance, seed and time limit give one schedule on any machine fast enough
to spend the budget before the clock runs out. The clock is a hard stop on top (``deadline``):
on a slower or busy machine the search is cut earlier and returns its best so far, still valid,
possibly different. Parallel CP-SAT (its default portfolio) would race threads and is not
deterministic; its interleaved mode is, but runs no LNS within small budgets, and our own LNS
of one-worker solves did better on every benchmark shape.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from matchmaking.scheduling import greedy, localsearch
from matchmaking.scheduling.compiled import Compiled, Schedule, compile_instance
from matchmaking.scheduling.cpsat import Mode, Outcome, optimise
from matchmaking.scheduling.instance import Instance
from matchmaking.scheduling.reasons import explain
from matchmaking.scheduling.solution import Meeting, Solution, Unscheduled

# Work is counted in "units" of about one second of this machine (2 cores, shared): CP-SAT's
# deterministic time, plus the Python work of building each model and of local search.
UNITS_PER_SECOND = 0.7
TRACE = False
# During a search, the best schedule so far is reported (``log``) at most this often.
PROGRESS_EVERY = 1.0
STEP_UNITS = 0.6  # the most one CP-SAT step may spend
STOP_MARGIN = 0.3  # seconds before the deadline when no new step starts
MAX_TARGET = 20_000  # options in a neighbourhood, at most
WHOLE_OPTIONS = 4_000  # an event this small is solved whole first
WHOLE_UNITS = 3.0  # and may spend that much on it
UNITS_PER_OPTION = 5e-5  # building one option of a CP-SAT model (and its constraints)
UNITS_PER_MOVE = 4e-6  # one move evaluated by local search


@dataclass
class Budget:
    """Deterministic work left, and the wall-clock deadline as a hard stop."""

    units: float
    deadline: float

    def spend(self, units: float) -> None:
        self.units -= units

    def wall_left(self) -> float:
        return self.deadline - time.monotonic()

    def exhausted(self) -> bool:
        # A step near the deadline would overrun it while building its model: stop a little
        # before.
        return self.units <= 0 or self.wall_left() <= STOP_MARGIN


@dataclass
class Stats:
    phases: list[tuple[str, int, int, float]] = field(default_factory=list)
    iterations: int = 0
    improvements: int = 0
    upper_bound: int = 0
    # Called after each improving step of a search (a progress report, throttled).
    on_improvement: Callable[[], None] | None = None


@dataclass(frozen=True)
class Result:
    solution: Solution
    schedule: Schedule
    stats: Stats


def static_upper_bound(c: Compiled) -> int:
    """The priority of every request that has at least one option on an empty grid, capped by
    what each participant's cap allows (its highest-priority requests), a cheap bound that
    tells the search when to stop."""
    possible = [r for r in range(c.n_requests) if c.starts[r] and c.req_venues[r]]
    total = sum(c.weight[r] for r in possible)
    # A participant able to attend at most n meetings (its cap, or its available slots) loses
    # at least its lightest requests beyond n. Losses of participants with no request between
    # them are disjoint and add up: take such participants, the biggest losses first.
    losses = []
    for p in range(c.n_participants):
        mine = sorted((c.weight[r] for r in c.requests_of[p] if c.starts[r]), reverse=True)
        room = min(c.cap[p], sum(c.available[p]))
        if len(mine) > room:
            losses.append((-sum(mine[room:]), p))
    taken: set[int] = set()
    neighbours: set[int] = set()
    for loss, p in sorted(losses):
        if p in neighbours:
            continue
        taken.add(p)
        total += loss
        for r in c.requests_of[p]:
            neighbours.add(c.req_a[r])
            neighbours.add(c.req_b[r])
    return total


def solve(
    instance: Instance,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    started_at: float | None = None,
    reserve: float | None = None,
    work: float | None = None,
    log: Callable[[str], None] | None = None,
) -> Result:
    """Schedule ``instance`` within ``time_limit`` seconds counted from ``started_at`` (a
    ``time.monotonic()`` reading, default now), keeping ``reserve`` seconds for the caller to
    write the result.

    ``work`` caps the deterministic work budget (default: what the time limit allows on
    our machines), for a result that does not depend on how busy the machine is.
    """
    started_at = time.monotonic() if started_at is None else started_at
    if reserve is None:
        # Writing the result, and the process ending, after the search.
        reserve = min(0.15 * time_limit, 0.3 + 1e-4 * len(instance.requests))
    deadline = started_at + max(time_limit - reserve, 0.0)
    units = UNITS_PER_SECOND * max(time_limit - reserve, 0.0)
    budget = Budget(units=units if work is None else min(units, work), deadline=deadline)
    rng = random.Random(seed)  # noqa: S311 (a seeded search, not a secret)
    stats = Stats()

    def note(phase: str, schedule: Schedule) -> None:
        value, holes = schedule.value(), schedule.holes()
        stats.phases.append((phase, value, holes, time.monotonic() - started_at))
        if log is not None:
            log(f"{phase}: priority {value}, holes {holes}, {time.monotonic() - started_at:.1f}s")

    c = compile_instance(instance)
    stats.upper_bound = static_upper_bound(c)
    schedule = greedy.construct(c)
    note("construction", schedule)
    moved = greedy.insert_by_moving(schedule, max_tries=20 * c.n_requests + 100)
    budget.spend(UNITS_PER_MOVE * 50 * c.n_requests)
    if moved:
        note("insertion", schedule)
    # Never start below the naive baseline: it costs a fraction of a second.
    naive = greedy.naive_greedy(c)
    if (naive.value(), -naive.holes()) > (schedule.value(), -schedule.holes()):
        schedule = naive
        note("naive baseline", schedule)

    def report_during(phase: str) -> Callable[[], None]:
        """What the searches call when they improve: a log line of the best schedule so far,
        at most every PROGRESS_EVERY seconds (the run's page shows it while it searches)."""
        last = [time.monotonic()]

        def report() -> None:
            now = time.monotonic()
            if log is not None and now - last[0] >= PROGRESS_EVERY:
                last[0] = now
                log(
                    f"{phase}: priority {schedule.value()}, holes {schedule.holes()}, "
                    f"{now - started_at:.1f}s"
                )

        return report

    if not budget.exhausted() and schedule.value() < stats.upper_bound:
        stats.on_improvement = report_during("priority search")
        _search_priority(schedule, budget, budget.units * 0.5, budget.units * 0.3, rng, stats, seed)
        note("priority search", schedule)

    # One-meeting moves, then swaps of two meetings of one participant, while they help.
    moves_left = int(0.15 * budget.units / UNITS_PER_MOVE)
    for _ in range(3):
        if budget.exhausted() or moves_left <= 0:
            break
        holes = schedule.holes()
        moves = localsearch.reduce_holes(schedule, max_moves=moves_left)
        moves += localsearch.swap_into_holes(schedule, max_moves=max(0, moves_left - moves))
        moves_left -= moves
        budget.spend(moves * UNITS_PER_MOVE)
        if schedule.holes() >= holes:
            break
    note("hole local search", schedule)
    if not budget.exhausted():
        stats.on_improvement = report_during("hole search")
        _search_holes(schedule, budget, rng, stats, seed)
        note("hole search", schedule)
    stats.on_improvement = None

    if greedy.insert_free(schedule, [r for r in range(c.n_requests) if schedule.start[r] < 0]):
        note("final insertion", schedule)
    return Result(solution=to_solution(schedule), schedule=schedule, stats=stats)


def to_solution(schedule: Schedule) -> Solution:
    c = schedule.c
    instance = c.instance
    meetings = []
    unscheduled = []
    for r, request in enumerate(instance.requests):
        if schedule.start[r] >= 0:
            meetings.append(
                Meeting(
                    request=request.id,
                    slot=instance.slots[schedule.start[r]].id,
                    venue=instance.venues[schedule.venue[r]].id,
                )
            )
        else:
            unscheduled.append(Unscheduled(request=request.id, reason=explain(schedule, r)))
    return Solution(meetings=tuple(meetings), unscheduled=tuple(unscheduled))


# --- neighbourhoods ------------------------------------------------------------------------


def _options(c: Compiled, r: int) -> int:
    return len(c.starts[r]) * len(c.req_venues[r])


def _grow_participants(
    schedule: Schedule, seeds: list[int], target: int, rng: random.Random, *, all_slots: bool
) -> list[int]:
    """Requests of the participants reached from ``seeds`` through scheduled meetings, until
    their options reach ``target``."""
    c = schedule.c
    chosen: set[int] = set()
    free: set[int] = set()
    size = 0
    frontier = list(seeds)
    while frontier and size < target:
        p = frontier.pop(0)
        if p in chosen:
            continue
        chosen.add(p)
        partners = []
        for r in c.requests_of[p]:
            if r in free or c.locked[r] is not None:
                continue
            free.add(r)
            size += _options(c, r) if all_slots else 1
            other = c.req_b[r] if c.req_a[r] == p else c.req_a[r]
            if other not in chosen and schedule.start[r] >= 0:
                partners.append(other)
        rng.shuffle(partners)
        frontier.extend(partners)
    return sorted(free)


def _window_requests(
    schedule: Schedule, first: int, last: int, target: int, rng: random.Random
) -> list[int]:
    """Meetings inside slots ``first..last`` and unscheduled requests that could go there; when
    too many, those of a random part of the participants."""
    c = schedule.c
    inside = []
    for r in range(c.n_requests):
        if c.locked[r] is not None:
            continue
        s = schedule.start[r]
        if s >= 0:
            if first <= s and s + c.length[r] - 1 <= last:
                inside.append(r)
        elif any(first <= x and x + c.length[r] - 1 <= last for x in c.starts[r]):
            inside.append(r)
    if len(inside) * (last - first + 1) <= target:
        return inside
    # Too big: keep a random participant subset's share (both sides drawn, so meetings
    # between chosen participants move together).
    share = target / (len(inside) * (last - first + 1))
    keep = {p for p in range(c.n_participants) if rng.random() < share**0.5}
    return [r for r in inside if c.req_a[r] in keep or c.req_b[r] in keep][: max(target, 1)]


def _cost(c: Compiled, outcome: Outcome) -> float:
    """Work units of one CP-SAT step: its deterministic time, and building its model (twice
    as dear with travel: its constraints are many more per option). Travel models also run
    slower per deterministic second, hence the factor on that too."""
    factor = 1.5 if c.has_travel else 1.0
    return factor * (outcome.deterministic_time + UNITS_PER_OPTION * outcome.options)


def _whole(schedule: Schedule, budget: Budget, mode: Mode, seed: int, floor: float) -> bool:
    """Solve a small event whole, in one CP-SAT call; True when that proved it optimal."""
    c = schedule.c
    free = [r for r in range(c.n_requests) if c.locked[r] is None and c.starts[r]]
    if sum(_options(c, r) for r in free) > WHOLE_OPTIONS:
        return False
    outcome = optimise(
        schedule,
        free,
        mode=mode,
        seed=seed,
        deterministic_time=max(0.05, min(WHOLE_UNITS, budget.units - floor)),
        wall_time=budget.wall_left(),
    )
    budget.spend(_cost(c, outcome))
    return outcome.optimal


def _count(c: Compiled, free: list[int], schedule: Schedule, scheduled_only: bool) -> int:
    """How many of ``free`` a neighbourhood really frees (as :func:`optimise` filters)."""
    return sum(
        1
        for r in set(free)
        if c.locked[r] is None and c.starts[r] and (schedule.start[r] >= 0 or not scheduled_only)
    )


def _adapt(target: int, optimal: bool) -> int:
    """Neighbourhoods solved to optimality are too small to find more: grow; the others are
    too big to solve in their step: shrink. Deterministic: it depends on outcomes only."""
    return min(MAX_TARGET, int(target * 1.2)) if optimal else max(150, int(target * 0.7))


def _search_priority(
    schedule: Schedule,
    budget: Budget,
    units: float,
    extra: float,
    rng: random.Random,
    stats: Stats,
    seed: int,
) -> None:
    """LNS on the priority total with ``units`` of work, and up to ``extra`` more as long as
    it keeps improving (the priority total comes first: holes get the rest)."""
    c = schedule.c
    everything = sum(1 for r in range(c.n_requests) if c.locked[r] is None and c.starts[r])
    stop_at = budget.units - units
    last_stop = budget.units - units - extra
    if _whole(schedule, budget, "priority", seed, last_stop):
        return
    picker = _Picker(3, rng)
    targets = [1500, 1500, 1500]
    since_improvement = 0
    step = 0
    while not budget.exhausted():
        if budget.units <= stop_at and (since_improvement > 6 or budget.units <= last_stop):
            return
        value = schedule.value()
        if value >= stats.upper_bound:
            return
        unscheduled = [r for r in range(c.n_requests) if schedule.start[r] < 0 and c.starts[r]]
        if not unscheduled:
            return
        kind = picker.pick() if c.n_slots >= 2 else 0
        target = targets[kind]
        window = None
        if kind == 0:
            # The participants around an unscheduled request, heaviest requests first.
            unscheduled.sort(key=lambda r: (-c.weight[r], r))
            pick = unscheduled[rng.randrange(min(len(unscheduled), 8))]
            free = _grow_participants(
                schedule, [c.req_a[pick], c.req_b[pick]], target, rng, all_slots=True
            )
        elif kind == 1:
            # A few slots around an option of an unscheduled request: every table there.
            width = max(2, min(c.n_slots, rng.choice((2, 3, 4, 6))))
            pick = unscheduled[rng.randrange(len(unscheduled))]
            centre = c.starts[pick][rng.randrange(len(c.starts[pick]))]
            first = max(0, min(centre - width // 2, c.n_slots - width))
            window = (first, first + width - 1)
            free = _window_requests(schedule, window[0], window[1], target, rng)
        else:
            # Participants anywhere: moves the previous two would not think of.
            seeds = rng.sample(range(c.n_participants), min(3, c.n_participants))
            free = _grow_participants(schedule, seeds, target, rng, all_slots=True)
        step += 1
        outcome = optimise(
            schedule,
            free,
            mode="priority",
            window=window,
            seed=seed + step,
            deterministic_time=min(STEP_UNITS, max(0.05, budget.units - last_stop)),
            wall_time=budget.wall_left(),
        )
        spent = _cost(c, outcome)
        budget.spend(spent)
        picker.credit(kind, outcome.after - outcome.before, spent)
        stats.iterations += 1
        if TRACE:
            print("P", kind, len(free), outcome, f"{budget.wall_left():.1f}", flush=True)
        if outcome.optimal and window is None and _count(c, free, schedule, False) == everything:
            return  # the whole event, solved to optimality
        if outcome.improved:
            stats.improvements += 1
            if stats.on_improvement is not None:
                stats.on_improvement()
            since_improvement = 0
        else:
            since_improvement += 1
        targets[kind] = _adapt(target, outcome.optimal)


class _Picker:
    """Chooses the kind of neighbourhood: each is drawn in proportion to what it gained per
    unit of work lately (plus a floor, so none is starved). Deterministic for a given seed."""

    def __init__(self, kinds: int, rng: random.Random) -> None:
        self.rng = rng
        self.rate = [1.0] * kinds

    def pick(self) -> int:
        top = max(self.rate)
        weights = [max(rate, 0.1 * top, 1e-6) for rate in self.rate]
        return self.rng.choices(range(len(weights)), weights=weights)[0]

    def credit(self, kind: int, gain: int, spent: float) -> None:
        self.rate[kind] = 0.7 * self.rate[kind] + 0.3 * (max(gain, 0) / max(spent, 0.01))


def _search_holes(
    schedule: Schedule, budget: Budget, rng: random.Random, stats: Stats, seed: int
) -> None:
    """LNS on idle holes, the priority total fixed: neighbourhoods around participants with
    holes, over the whole event (kind 0) or one of their days (kind 1)."""
    c = schedule.c
    everything = sum(
        1 for r in range(c.n_requests) if c.locked[r] is None and schedule.start[r] >= 0
    )
    n_days = len(c.day_slots)
    # Holes per (participant, day), kept up to date for the participants each step touches.
    holes = {
        (p, d): h
        for p in range(c.n_participants)
        if schedule.count[p]
        for d in range(n_days)
        if (h := schedule.day_holes(p, d))
    }
    if _whole(schedule, budget, "holes", seed, 0.0):
        return
    targets = [1200, 1200]
    picker = _Picker(2, rng)
    step = 0
    stale = 0
    while not budget.exhausted() and holes:
        kind = picker.pick() if n_days > 1 else 0
        target = targets[kind]
        window = None
        if kind == 0:
            per_participant: dict[int, int] = {}
            for (p, _), h in holes.items():
                per_participant[p] = per_participant.get(p, 0) + h
            worst = sorted(per_participant, key=lambda p: (-per_participant[p], p))
            pick = worst[rng.randrange(min(len(worst), 10))]
            free = _grow_participants(schedule, [pick], target, rng, all_slots=True)
        else:
            keys = sorted(holes)
            pick, day = keys[rng.randrange(len(keys))]
            window = (c.day_slots[day][0], c.day_slots[day][-1])
            free = [
                r
                for r in _grow_participants(schedule, [pick], target * 4, rng, all_slots=True)
                if schedule.start[r] >= 0 and window[0] <= schedule.start[r] <= window[1]
            ]
        step += 1
        outcome = optimise(
            schedule,
            free,
            mode="holes",
            window=window,
            seed=seed + 7919 * step,
            deterministic_time=min(STEP_UNITS, max(0.05, budget.units)),
            wall_time=budget.wall_left(),
        )
        spent = _cost(c, outcome)
        budget.spend(spent)
        picker.credit(kind, outcome.before - outcome.after, spent)
        stats.iterations += 1
        if TRACE:
            print("H", kind, len(free), outcome, f"{budget.wall_left():.1f}", flush=True)
        if outcome.optimal and window is None and _count(c, free, schedule, True) == everything:
            return  # the whole event, solved to optimality
        if outcome.accepted:
            for p in {q for r in free for q in (c.req_a[r], c.req_b[r])}:
                for d in range(n_days):
                    h = schedule.day_holes(p, d)
                    if h:
                        holes[(p, d)] = h
                    else:
                        holes.pop((p, d), None)
        if outcome.improved:
            stats.improvements += 1
            if stats.on_improvement is not None:
                stats.on_improvement()
            stale = 0
        else:
            stale += 1
        targets[kind] = _adapt(target, outcome.optimal)
        if stale >= 200:
            return
