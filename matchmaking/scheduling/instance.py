"""The instance of a scheduling problem, as frozen dataclasses, and its JSON reader.

The JSON contract is ``b2b-schedule/1`` (``shared/scheduling/FORMAT.md``), plus one optional
extension: a request may carry ``"locked": {"slot": ..., "venue": ...}``, a meeting staff have
fixed, which every solution keeps exactly there.

Reading is strict on purpose: an instance that names an unknown slot, repeats an id or overlaps
two slots is refused with one :class:`InstanceError` that names the bad field or id, because a
silently repaired instance would be scheduled wrongly without anybody noticing.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

FORMAT = "b2b-schedule/1"
KINDS = ("company", "partner")

# The largest number any integer field may hold. FORMAT.md gives no upper bound, but the
# engine hands priorities, tables and caps to CP-SAT, whose coefficients are 64-bit: a
# priority of 1e30 crashed the solver instead of being refused here. A million is far above
# any real event (priorities are small weights, tables and caps count meetings, travel is in
# minutes) and keeps every sum the engine builds well inside 64 bits.
MAXIMUM = 1_000_000


class InstanceError(ValueError):
    """A malformed or inconsistent instance; ``str()`` is one line naming the bad field or id."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime

    @property
    def day(self) -> date:
        """The calendar day of the slot's start in its own offset (FORMAT.md counts holes so)."""
        return self.start.date()


@dataclass(frozen=True)
class Venue:
    id: str
    tables: int


@dataclass(frozen=True)
class Travel:
    a: str
    b: str
    minutes: int


@dataclass(frozen=True)
class Participant:
    id: str
    kind: str
    venue: str | None = None
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None


@dataclass(frozen=True)
class Lock:
    """A meeting fixed by staff: it starts at ``slot`` and takes place at ``venue``."""

    slot: str
    venue: str


@dataclass(frozen=True)
class Request:
    id: str
    a: str
    b: str
    priority: int = 1
    slots: int = 1
    locked: Lock | None = None


@dataclass(frozen=True)
class Instance:
    """A whole event. ``slots`` are sorted by start; the other tuples keep the input order."""

    name: str
    slots: tuple[Slot, ...]
    venues: tuple[Venue, ...]
    travel: tuple[Travel, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def slot_index(self) -> dict[str, int]:
        return {slot.id: i for i, slot in enumerate(self.slots)}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        return {venue.id: venue for venue in self.venues}

    @cached_property
    def participant_by_id(self) -> dict[str, Participant]:
        return {participant.id: participant for participant in self.participants}

    @cached_property
    def request_by_id(self) -> dict[str, Request]:
        return {request.id: request for request in self.requests}

    @cached_property
    def _travel_by_pair(self) -> dict[tuple[str, str], int]:
        pairs: dict[tuple[str, str], int] = {}
        for travel in self.travel:
            pairs[(travel.a, travel.b)] = travel.minutes
            pairs[(travel.b, travel.a)] = travel.minutes
        return pairs

    def travel_minutes(self, a: str, b: str) -> int | None:
        """Minutes from venue ``a`` to ``b``: 0 for the same venue, None when unreachable."""
        if a == b:
            return 0
        return self._travel_by_pair.get((a, b))

    def request_slots(self, request: Request, first: str) -> list[Slot] | None:
        """The slots a meeting of ``request`` starting at ``first`` takes, or None when they run
        past the grid or are not back to back (the end of one is the start of the next)."""
        start = self.slot_index[first]
        taken = list(self.slots[start : start + request.slots])
        if len(taken) < request.slots:
            return None
        for before, after in itertools.pairwise(taken):
            if before.end != after.start:
                return None
        return taken

    def allowed_venues(self, request: Request) -> list[str]:
        """Venues a meeting of ``request`` may take: the host's venue if either side hosts
        (none if both host at different venues), else every venue."""
        hosts = {
            venue
            for venue in (
                self.participant_by_id[request.a].venue,
                self.participant_by_id[request.b].venue,
            )
            if venue is not None
        }
        if len(hosts) > 1:
            return []
        if hosts:
            return list(hosts)
        return [venue.id for venue in self.venues]


# --- reading -------------------------------------------------------------------------------


def load_instance(path: str | Path) -> Instance:
    """Read and check an instance file; any problem is an :class:`InstanceError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        detail = getattr(error, "strerror", None) or error.__class__.__name__
        raise InstanceError("", f"cannot read the file ({detail})") from None
    return parse_instance_text(text)


def parse_instance_text(text: str) -> Instance:
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InstanceError(
            "", f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except ValueError as error:
        raise InstanceError("", str(error)) from None
    return parse_instance(data)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"not valid JSON ({name} is not a number)")


def parse_instance(data: Any) -> Instance:
    """Build an :class:`Instance` from decoded JSON, checking every field and reference."""
    if not isinstance(data, dict):
        raise InstanceError("", "the instance must be a JSON object")
    if data.get("format") != FORMAT:
        raise InstanceError("format", f"must be {FORMAT!r}, not {data.get('format')!r}")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InstanceError("name", "must be a string")

    slots = _parse_slots(_list(data, "slots"))
    slot_ids = {slot.id for slot in slots}
    venues = _parse_venues(_list(data, "venues"))
    venue_ids = {venue.id for venue in venues}
    travel = _parse_travel(_list(data, "travel_minutes", required=False), venue_ids)
    participants = _parse_participants(_list(data, "participants"), slot_ids, venue_ids)
    participant_ids = {participant.id for participant in participants}
    requests = _parse_requests(_list(data, "requests"), participant_ids, slot_ids, venue_ids)

    known = {"format", "name", "slots", "venues", "travel_minutes", "participants", "requests"}
    instance = Instance(
        name=name,
        slots=tuple(sorted(slots, key=lambda slot: (slot.start, slot.end))),
        venues=tuple(venues),
        travel=tuple(travel),
        participants=tuple(participants),
        requests=tuple(requests),
        extra={key: value for key, value in data.items() if key not in known},
    )
    _check_slots_do_not_overlap(instance)
    _check_locked(instance)
    return instance


def _list(data: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    if key not in data:
        if required:
            raise InstanceError(key, "missing")
        return []
    value = data[key]
    if not isinstance(value, list):
        raise InstanceError(key, "must be a list")
    return value


class _Record:
    """One JSON object of a list: typed access that names ``list[i] "id"`` in every error."""

    def __init__(self, section: str, index: int, raw: Any, fields: tuple[str, ...]) -> None:
        self.path = f"{section}[{index}]"
        if not isinstance(raw, dict):
            raise InstanceError(self.path, "must be an object")
        self.raw = raw
        raw_id = raw.get("id")
        if isinstance(raw_id, str) and raw_id:
            self.path = f"{self.path} {raw_id!r}"
        for key in raw:
            if key not in fields:
                raise InstanceError(self.path, f"unknown field {key!r}")

    def error(self, key: str, message: str) -> InstanceError:
        return InstanceError(f"{self.path}.{key}", message)

    def text(self, key: str) -> str:
        value = self.optional_text(key)
        if value is None:
            raise self.error(key, "missing")
        return value

    def optional_text(self, key: str) -> str | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if not isinstance(value, str) or not value:
            raise self.error(key, f"must be a non-empty string, not {value!r}")
        return value

    def integer(
        self, key: str, *, minimum: int, maximum: int = MAXIMUM, default: int | None = None
    ) -> int:
        value = self.optional_integer(key, minimum=minimum, maximum=maximum)
        if value is not None:
            return value
        if default is None:
            raise self.error(key, "missing")
        return default

    def optional_integer(self, key: str, *, minimum: int, maximum: int = MAXIMUM) -> int | None:
        if key not in self.raw:
            return None
        raw = value = self.raw[key]
        # JSON 3.0 is a whole number too; a bool is not a number here even though Python
        # says bool is an int.
        if isinstance(value, float) and value.is_integer() and math.isfinite(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be an integer, not {value!r}")
        if value < minimum:
            raise self.error(key, f"must be at least {minimum}, not {value}")
        if value > maximum:
            raise self.error(key, f"must be at most {maximum}, not {raw!r}")
        return value


def _unique(path: str, seen: set[str], value: str) -> None:
    if value in seen:
        raise InstanceError(path, f"duplicate id {value!r}")
    seen.add(value)


def _parse_slots(raw: list[Any]) -> list[Slot]:
    slots: list[Slot] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        record = _Record("slots", index, item, ("id", "start", "end"))
        slot_id = record.text("id")
        _unique(record.path, seen, slot_id)
        start = _parse_time(record, "start")
        end = _parse_time(record, "end")
        if start >= end:
            raise record.error("end", f"must be after start ({start.isoformat()})")
        slots.append(Slot(id=slot_id, start=start, end=end))
    return slots


def _parse_time(record: _Record, key: str) -> datetime:
    text = record.text(key)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise record.error(key, f"not an ISO 8601 date and time: {text!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise record.error(key, f"needs an offset such as +02:00: {text!r}")
    return moment


def _check_slots_do_not_overlap(instance: Instance) -> None:
    for before, after in zip(instance.slots, instance.slots[1:], strict=False):
        if after.start < before.end:
            raise InstanceError(
                f"slots {after.id!r}", f"overlaps slot {before.id!r} (slots never overlap)"
            )


def _parse_venues(raw: list[Any]) -> list[Venue]:
    venues: list[Venue] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        record = _Record("venues", index, item, ("id", "tables"))
        venue_id = record.text("id")
        _unique(record.path, seen, venue_id)
        tables = record.integer("tables", minimum=1)
        venues.append(Venue(id=venue_id, tables=tables))
    return venues


def _parse_travel(raw: list[Any], venue_ids: set[str]) -> list[Travel]:
    travel: list[Travel] = []
    seen: set[frozenset[str]] = set()
    for index, item in enumerate(raw):
        record = _Record("travel_minutes", index, item, ("from", "to", "minutes"))
        ends = []
        for key in ("from", "to"):
            venue = record.text(key)
            if venue not in venue_ids:
                raise record.error(key, f"unknown venue {venue!r}")
            ends.append(venue)
        if ends[0] == ends[1]:
            raise record.error("to", f"same venue as from ({ends[0]!r}): travel there is 0")
        pair = frozenset(ends)
        if pair in seen:
            raise InstanceError(record.path, f"travel between {ends[0]!r} and {ends[1]!r} twice")
        seen.add(pair)
        minutes = record.integer("minutes", minimum=0)
        travel.append(Travel(a=ends[0], b=ends[1], minutes=minutes))
    return travel


def _parse_participants(
    raw: list[Any], slot_ids: set[str], venue_ids: set[str]
) -> list[Participant]:
    participants: list[Participant] = []
    seen: set[str] = set()
    fields = ("id", "kind", "venue", "unavailable", "max_meetings")
    for index, item in enumerate(raw):
        record = _Record("participants", index, item, fields)
        participant_id = record.text("id")
        _unique(record.path, seen, participant_id)
        kind = record.text("kind")
        if kind not in KINDS:
            raise record.error("kind", f"must be 'company' or 'partner', not {kind!r}")
        venue = record.optional_text("venue")
        if venue is not None and venue not in venue_ids:
            raise record.error("venue", f"unknown venue {venue!r}")
        unavailable = record.raw.get("unavailable", [])
        if not isinstance(unavailable, list):
            raise record.error("unavailable", "must be a list of slot ids")
        for slot_id in unavailable:
            if not isinstance(slot_id, str) or slot_id not in slot_ids:
                raise record.error("unavailable", f"unknown slot {slot_id!r}")
        cap = record.optional_integer("max_meetings", minimum=0)
        participants.append(
            Participant(
                id=participant_id,
                kind=kind,
                venue=venue,
                unavailable=frozenset(unavailable),
                max_meetings=cap,
            )
        )
    return participants


def _parse_requests(
    raw: list[Any], participant_ids: set[str], slot_ids: set[str], venue_ids: set[str]
) -> list[Request]:
    requests: list[Request] = []
    seen: set[str] = set()
    fields = ("id", "a", "b", "priority", "slots", "locked")
    for index, item in enumerate(raw):
        record = _Record("requests", index, item, fields)
        request_id = record.text("id")
        _unique(record.path, seen, request_id)
        sides = []
        for key in ("a", "b"):
            participant = record.text(key)
            if participant not in participant_ids:
                raise record.error(key, f"unknown participant {participant!r}")
            sides.append(participant)
        if sides[0] == sides[1]:
            raise record.error("b", f"same participant as a ({sides[0]!r}): a meeting needs two")
        priority = record.integer("priority", minimum=1, default=1)
        length = record.integer("slots", minimum=1, default=1)
        locked = None
        if "locked" in record.raw:
            locked = _parse_lock(record, slot_ids, venue_ids)
        requests.append(
            Request(
                id=request_id,
                a=sides[0],
                b=sides[1],
                priority=priority,
                slots=length,
                locked=locked,
            )
        )
    return requests


def _parse_lock(record: _Record, slot_ids: set[str], venue_ids: set[str]) -> Lock:
    raw = record.raw["locked"]
    if not isinstance(raw, dict):
        raise record.error("locked", 'must be an object {"slot": ..., "venue": ...}')
    for key in raw:
        if key not in ("slot", "venue"):
            raise record.error(f"locked.{key}", "unknown field")
    values = {}
    for key, known, what in (("slot", slot_ids, "slot"), ("venue", venue_ids, "venue")):
        value = raw.get(key)
        if value is None:
            raise record.error(f"locked.{key}", "missing")
        if not isinstance(value, str) or value not in known:
            raise record.error(f"locked.{key}", f"unknown {what} {value!r}")
        values[key] = value
    return Lock(slot=values["slot"], venue=values["venue"])


def _check_locked(instance: Instance) -> None:
    """Locked meetings must be possible on their own and together; otherwise no solution can
    keep them, and the instance is inconsistent rather than merely hard."""
    locked = [request for request in instance.requests if request.locked is not None]
    if not locked:
        return
    # Imported here: the validator imports this module.
    from matchmaking.scheduling.solution import Meeting, Solution
    from matchmaking.scheduling.validator import check_meetings

    meetings = tuple(
        Meeting(request=request.id, slot=request.locked.slot, venue=request.locked.venue)
        for request in locked
        if request.locked is not None
    )
    problems = check_meetings(instance, Solution(meetings=meetings, unscheduled=()))
    if problems:
        first = problems[0]
        index = instance.requests.index(instance.request_by_id[first.request])
        raise InstanceError(
            f"requests[{index}] {first.request!r}.locked", f"infeasible: {first.message}"
        )
