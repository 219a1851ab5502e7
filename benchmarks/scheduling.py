"""Benchmark of the scheduling engine on generated events (run by hand, not by the tests).

    .venv/bin/python benchmarks/scheduling.py                  # every shape, writes docs
    .venv/bin/python benchmarks/scheduling.py --shapes planted-small brokerage
    .venv/bin/python benchmarks/scheduling.py --write DIR      # only write the instances

For each seeded shape it computes an upper bound on the priority total, then runs, each in a
process of its own (so peak memory is that run's own, from ``os.wait4``):

- the naive baseline: requests by priority, each in its earliest feasible slot;
- plain CP-SAT: the slot-indexed model as one would first write it (a Boolean per request,
  slot and venue; at most one per participant and slot; tables per venue and slot; a pair
  constraint per two options too close for travel; caps), its default parallel search with
  2 workers, no hint, 120 s;
- our engine through ``manage.py solve_schedule`` with ``--time-limit 30`` (so the time and
  memory include Django, reading and writing).

Every solution is checked by the validator, and the table goes into ``docs/benchmarks.md``
under its own heading ``## Scheduling engine``.
"""

from __future__ import annotations

import math
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


TZ = timezone(timedelta(hours=2))
CITIES = [
    "gosselies",
    "charleroi",
    "brussels",
    "liege",
    "louvain-la-neuve",
    "namur",
    "mons",
    "wavre",
]


# --- generators ----------------------------------------------------------------------------


def _grid(
    days: int, first: tuple[int, int], minutes: int, count: int, lunch_after: int | None = None
) -> list[dict]:
    """``count`` slots a day of ``minutes`` each from ``first`` (hour, minute); with
    ``lunch_after``, an hour's break after that many slots."""
    slots = []
    for day in range(days):
        moment = datetime(2017, 7, 10 + day, first[0], first[1], tzinfo=TZ)
        for index in range(count):
            if lunch_after is not None and index == lunch_after:
                moment += timedelta(minutes=60)
            end = moment + timedelta(minutes=minutes)
            slots.append(
                {
                    "id": f"d{day + 1}-{moment:%H%M}",
                    "start": moment.isoformat(),
                    "end": end.isoformat(),
                }
            )
            moment = end
    return slots


def _unavailable(rng: random.Random, slots: list[dict], share: float, block: int) -> list[str]:
    """Random blocks of ``block`` slots covering about ``share`` of the grid."""
    taken: set[int] = set()
    goal = int(share * len(slots))
    while len(taken) < goal:
        first = rng.randrange(len(slots))
        taken.update(range(first, min(first + block, len(slots))))
    return [slots[i]["id"] for i in sorted(taken)]


def _priority(rng: random.Random) -> int:
    return rng.choices((1, 2, 3), weights=(5, 3, 2))[0]


def delegation(seed: int) -> dict:
    """30 companies visit 70 partners at their own sites in 8 cities over 5 days."""
    rng = random.Random(seed)
    slots = _grid(5, (9, 0), 30, 16)
    points = {city: (rng.uniform(0, 100), rng.uniform(0, 60)) for city in CITIES}
    travel = []
    for i, a in enumerate(CITIES):
        for b in CITIES[i + 1 :]:
            distance = math.dist(points[a], points[b])
            travel.append({"from": a, "to": b, "minutes": 15 + int(distance * 1.1)})
    participants = []
    for c in range(30):
        participants.append(
            {
                "id": f"c{c}",
                "kind": "company",
                "unavailable": _unavailable(rng, slots, 0.1, 2),
                "max_meetings": 14,
            }
        )
    for p in range(70):
        participants.append(
            {
                "id": f"p{p}",
                "kind": "partner",
                "venue": CITIES[p % len(CITIES)],
                "unavailable": _unavailable(rng, slots, rng.uniform(0.1, 0.5), 1),
            }
        )
    requests = []
    for c in range(30):
        for p in rng.sample(range(70), rng.randint(9, 15)):
            requests.append(
                {
                    "id": f"r{len(requests) + 1}",
                    "a": f"c{c}",
                    "b": f"p{p}",
                    "priority": _priority(rng),
                    "slots": 2 if rng.random() < 0.15 else 1,
                }
            )
    return {
        "format": "b2b-schedule/1",
        "name": f"delegation-{seed}",
        "slots": slots,
        "venues": [{"id": city, "tables": 3} for city in CITIES],
        "travel_minutes": travel,
        "participants": participants,
        "requests": requests,
    }


def _hall_event(
    *,
    name: str,
    seed: int,
    days: int,
    per_day: int,
    minutes: int,
    tables: int,
    companies: int,
    partners: int,
    requests: int,
    unavailable_share: float,
    two_slot_share: float,
) -> dict:
    """One hall, companies meeting partners; popular partners get more requests."""
    rng = random.Random(seed)
    slots = _grid(days, (9, 0), minutes, per_day, lunch_after=per_day // 2)
    participants = []
    for kind, count, prefix in (("company", companies, "c"), ("partner", partners, "p")):
        for i in range(count):
            record: dict = {"id": f"{prefix}{i}", "kind": kind}
            if rng.random() < 0.4:
                record["unavailable"] = _unavailable(rng, slots, unavailable_share, 3)
            participants.append(record)
    popularity = [rng.paretovariate(2.0) for _ in range(partners)]
    pairs: set[tuple[int, int]] = set()
    out = []
    while len(out) < requests:
        c = rng.randrange(companies)
        p = rng.choices(range(partners), weights=popularity)[0]
        if (c, p) in pairs:
            continue
        pairs.add((c, p))
        out.append(
            {
                "id": f"r{len(out) + 1}",
                "a": f"c{c}",
                "b": f"p{p}",
                "priority": _priority(rng),
                "slots": 2 if rng.random() < two_slot_share else 1,
            }
        )
    return {
        "format": "b2b-schedule/1",
        "name": name,
        "slots": slots,
        "venues": [{"id": "hall", "tables": tables}],
        "travel_minutes": [],
        "participants": participants,
        "requests": out,
    }


def brokerage(seed: int) -> dict:
    """400 participants, one hall, one day of 24 slots of 20 minutes, 2,500 requests."""
    return _hall_event(
        name=f"brokerage-{seed}",
        seed=seed,
        days=1,
        per_day=24,
        minutes=20,
        tables=150,
        companies=200,
        partners=200,
        requests=2500,
        unavailable_share=0.2,
        two_slot_share=0.05,
    )


def oversubscribed(seed: int) -> dict:
    """A day of 16 slots and 40 tables for 120 participants who ask for 1,500 meetings."""
    return _hall_event(
        name=f"oversubscribed-{seed}",
        seed=seed,
        days=1,
        per_day=16,
        minutes=30,
        tables=40,
        companies=60,
        partners=60,
        requests=1500,
        unavailable_share=0.15,
        two_slot_share=0.0,
    )


def big_event(seed: int) -> dict:
    """2,000 participants and 12,000 requests over two days in one hall."""
    return _hall_event(
        name=f"big-{seed}",
        seed=seed,
        days=2,
        per_day=14,
        minutes=30,
        tables=500,
        companies=1000,
        partners=1000,
        requests=12000,
        unavailable_share=0.2,
        two_slot_share=0.03,
    )


def planted(seed: int, *, participants: int, tables: int, slots_count: int) -> dict:
    """A hidden schedule fills every table of every slot; its meetings are the requests, and
    participants are unavailable in part of the slots where they have no hidden meeting. So
    every request fits, and only by filling every table."""
    rng = random.Random(seed)
    slots = _grid(1, (9, 0), 20, slots_count)
    ids = [f"x{i}" for i in range(participants)]
    busy = [set() for _ in range(participants)]
    requests = []
    for s in range(slots_count):
        people = list(range(participants))
        rng.shuffle(people)
        for t in range(tables):
            a, b = people[2 * t], people[2 * t + 1]
            busy[a].add(s)
            busy[b].add(s)
            requests.append(
                {"id": "", "a": ids[a], "b": ids[b], "priority": _priority(rng), "slots": 1}
            )
    rng.shuffle(requests)
    for i, request in enumerate(requests):
        request["id"] = f"r{i + 1}"
    people_out = []
    for i in range(participants):
        idle = [s for s in range(slots_count) if s not in busy[i]]
        gone = rng.sample(idle, int(len(idle) * rng.uniform(0.3, 0.8)))
        people_out.append(
            {
                "id": ids[i],
                "kind": "company" if i % 2 else "partner",
                "unavailable": [slots[s]["id"] for s in sorted(gone)],
            }
        )
    return {
        "format": "b2b-schedule/1",
        "name": f"planted-{participants}-{seed}",
        "slots": slots,
        "venues": [{"id": "hall", "tables": tables}],
        "travel_minutes": [],
        "participants": people_out,
        "requests": requests,
    }


SHAPES = {
    "delegation": lambda: delegation(1),
    "brokerage": lambda: brokerage(2),
    "oversubscribed": lambda: oversubscribed(3),
    "planted-small": lambda: planted(4, participants=60, tables=24, slots_count=24),
    "planted-big": lambda: planted(5, participants=360, tables=150, slots_count=24),
    "big": lambda: big_event(6),
}
DESCRIPTIONS = {
    "delegation": "delegation: 30 companies × 70 partners at own sites, 8 cities, 5 days",
    "brokerage": "brokerage day: 400 participants, one hall, 2,500 requests",
    "oversubscribed": "over-subscribed day: 120 participants, 16 slots, 1,500 requests",
    "planted-small": "planted, small: 60 participants, 24 slots × 24 tables",
    "planted-big": "planted, big: 360 participants, 3,600 requests",
    "big": "2,000 participants, 12,000 requests, 2 days",
}
