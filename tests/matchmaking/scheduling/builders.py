"""Small instances written as plain dicts, the way the JSON contract spells them.

Tests change one field of a valid instance and expect the reader, the validator or the engine
to notice; these helpers keep each test to that one change.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

TZ = timezone(timedelta(hours=2))


def examples_dir() -> Path:
    """The examples of the JSON contract (``shared/scheduling/examples``), copied into the
    repository so that a clone anywhere runs them."""
    return Path(__file__).resolve().parent / "examples"


def slots(count: int, *, day: int = 0, start_hour: int = 9, minutes: int = 30) -> list[dict]:
    moment = datetime(2017, 7, 10 + day, start_hour, tzinfo=TZ)
    out = []
    for _ in range(count):
        end = moment + timedelta(minutes=minutes)
        out.append(
            {"id": f"d{day + 1}-{moment:%H%M}", "start": moment.isoformat(), "end": end.isoformat()}
        )
        moment = end
    return out


def base() -> dict[str, Any]:
    """Three slots, two venues 30 minutes apart, a host, two companies, two requests."""
    return {
        "format": "b2b-schedule/1",
        "name": "base",
        "slots": slots(3),
        "venues": [{"id": "hall", "tables": 2}, {"id": "lab", "tables": 1}],
        "travel_minutes": [{"from": "hall", "to": "lab", "minutes": 30}],
        "participants": [
            {"id": "c1", "kind": "company"},
            {"id": "c2", "kind": "company", "unavailable": ["d1-0900"], "max_meetings": 2},
            {"id": "p1", "kind": "partner", "venue": "lab"},
            {"id": "p2", "kind": "partner"},
        ],
        "requests": [
            {"id": "r1", "a": "c1", "b": "p1", "priority": 2},
            {"id": "r2", "a": "c2", "b": "p2", "priority": 1, "slots": 2},
        ],
    }


def changed(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``path`` ("requests.0.a") set to ``value``; the value
    ``DELETE`` removes the key."""
    out = copy.deepcopy(data)
    *parents, last = path.split(".")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is DELETE:
        del node[last]
    else:
        node[last] = value
    return out


DELETE = object()


def random_instance(
    seed: int,
    *,
    participants: int = 5,
    requests: int = 6,
    slots_per_day: int = 4,
    days: int = 1,
    venues: int = 2,
) -> dict[str, Any]:
    """A small random event with every feature of the contract: hosts, several venues with
    travel (some pairs unreachable), several tables, unavailability, caps, two-slot meetings,
    priorities, a gap in the grid, and the same pair asked twice now and then."""
    rng = random.Random(seed)  # noqa: S311 (test data)
    grid = []
    for day in range(days):
        day_slots = slots(slots_per_day, day=day)
        if slots_per_day > 2 and rng.random() < 0.3:
            # A break: the last slot moves an hour later, so it does not follow the one before.
            last = day_slots[-1]
            for key in ("start", "end"):
                moment = datetime.fromisoformat(last[key]) + timedelta(hours=1)
                last[key] = moment.isoformat()
            last["id"] += "-late"
        grid += day_slots
    venue_ids = [f"v{i}" for i in range(venues)]
    travel = []
    for i, a in enumerate(venue_ids):
        for b in venue_ids[i + 1 :]:
            if rng.random() < 0.8:
                travel.append({"from": a, "to": b, "minutes": rng.choice((0, 10, 30, 45, 90))})
    people = []
    for i in range(participants):
        person: dict[str, Any] = {"id": f"x{i}", "kind": rng.choice(("company", "partner"))}
        if rng.random() < 0.35:
            person["venue"] = rng.choice(venue_ids)
        gone = [slot["id"] for slot in grid if rng.random() < 0.2]
        if gone:
            person["unavailable"] = gone
        if rng.random() < 0.25:
            person["max_meetings"] = rng.randint(0, 3)
        people.append(person)
    wished = []
    for r in range(requests):
        a, b = rng.sample(range(participants), 2)
        wished.append(
            {
                "id": f"r{r}",
                "a": f"x{a}",
                "b": f"x{b}",
                "priority": rng.randint(1, 4),
                "slots": 2 if rng.random() < 0.2 else 1,
            }
        )
    return {
        "format": "b2b-schedule/1",
        "name": f"random-{seed}",
        "slots": grid,
        "venues": [{"id": v, "tables": rng.randint(1, 2)} for v in venue_ids],
        "travel_minutes": travel,
        "participants": people,
        "requests": wished,
    }
