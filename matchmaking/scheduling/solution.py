"""A solution: meetings placed, requests left out with the reason why, and its JSON form.

A reason is kept as data (a code and the ids it is about), not as a sentence, so that the JSON
writer says ``p-biowin`` while the admin can say "BioWin" by passing display names.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from matchmaking.scheduling.instance import FORMAT


class ReasonCode(StrEnum):
    HOST_VENUES = "host_venues"
    NO_COMMON_SLOT = "no_common_slot"
    CAP = "cap"
    TRAVEL = "travel"
    UNREACHABLE = "unreachable"
    TABLES = "tables"
    LOST_HIGHER = "lost_higher"
    LOST_EQUAL = "lost_equal"
    LOST_OTHER = "lost_other"
    NOT_PLACED = "not_placed"
    NOTE = "note"


@dataclass(frozen=True)
class Reason:
    """Why a request is unscheduled. ``participants``, ``venues`` and ``numbers`` fill the
    sentence of ``code``; :meth:`text` renders it with display names when given."""

    code: ReasonCode
    participants: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    numbers: tuple[int, ...] = ()
    note: str = ""

    def text(self, names: Mapping[str, str] | None = None) -> str:
        names = names or {}

        def name(key: str) -> str:
            return names.get(key, key)

        people = [name(p) for p in self.participants]
        places = [name(v) for v in self.venues]
        match self.code:
            case ReasonCode.HOST_VENUES:
                return f"{people[0]} hosts at {places[0]}; {people[1]} hosts at {places[1]}"
            case ReasonCode.NO_COMMON_SLOT:
                length = self.numbers[0] if self.numbers else 1
                if length == 1:
                    return "no common free slot"
                return f"no common free run of {length} consecutive slots"
            case ReasonCode.CAP:
                return "; ".join(
                    f"{person} at its cap of {cap} meeting{'s' if cap != 1 else ''}"
                    for person, cap in zip(people, self.numbers, strict=True)
                )
            case ReasonCode.TRAVEL:
                return (
                    f"{people[0]} is at {places[0]} in the slots around; travel to "
                    f"{places[1]} takes {self.numbers[0]} min"
                )
            case ReasonCode.UNREACHABLE:
                return (
                    f"{people[0]} is at {places[0]} that day; {places[1]} cannot be reached "
                    "from there on the same day"
                )
            case ReasonCode.TABLES:
                tables = (
                    f"the only table of {places[0]} is"
                    if self.numbers[0] == 1
                    else f"all {self.numbers[0]} tables of {places[0]} are"
                )
                return f"{tables} taken in every common free slot"
            case ReasonCode.LOST_HIGHER:
                return "lost to higher-priority requests for the same slots"
            case ReasonCode.LOST_EQUAL:
                return "lost to requests of equal or higher priority for the same slots"
            case ReasonCode.LOST_OTHER:
                return (
                    "lost to other requests for the same slots (together they weigh more "
                    "than this one)"
                )
            case ReasonCode.NOT_PLACED:
                return "not placed before the time limit ran out"
            case _:
                return self.note


@dataclass(frozen=True)
class Meeting:
    """A scheduled request: ``slot`` is its first slot."""

    request: str
    slot: str
    venue: str


@dataclass(frozen=True)
class Unscheduled:
    request: str
    reason: Reason


@dataclass(frozen=True)
class Solution:
    meetings: tuple[Meeting, ...]
    unscheduled: tuple[Unscheduled, ...]


def solution_to_dict(solution: Solution, *, names: Mapping[str, str] | None = None) -> dict:
    return {
        "format": FORMAT,
        "meetings": [
            {"request": m.request, "slot": m.slot, "venue": m.venue} for m in solution.meetings
        ],
        "unscheduled": [
            {"request": u.request, "reason": u.reason.text(names)} for u in solution.unscheduled
        ],
    }


def write_solution(
    solution: Solution, path: str | Path, *, names: Mapping[str, str] | None = None
) -> None:
    """Write atomically: a temporary file in the same folder, then a rename, so a reader (or a
    crash) never sees half a solution."""
    target = Path(path)
    text = json.dumps(solution_to_dict(solution, names=names), ensure_ascii=False, indent=1)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path()
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class SolutionFormatError(ValueError):
    """A solution file that is not a ``b2b-schedule/1`` solution at all."""


def parse_solution(data: Any) -> Solution:
    """Read a solution produced by anybody (for the validator); reasons are kept as notes."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SolutionFormatError(f"format: must be {FORMAT!r}")
    meetings = []
    for index, item in enumerate(data.get("meetings", [])):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in ("request", "slot", "venue")
        ):
            raise SolutionFormatError(f"meetings[{index}]: needs request, slot and venue strings")
        meetings.append(Meeting(request=item["request"], slot=item["slot"], venue=item["venue"]))
    unscheduled = []
    for index, item in enumerate(data.get("unscheduled", [])):
        if not isinstance(item, dict) or not isinstance(item.get("request"), str):
            raise SolutionFormatError(f"unscheduled[{index}]: needs a request string")
        note = item.get("reason", "")
        unscheduled.append(
            Unscheduled(
                request=item["request"],
                reason=Reason(code=ReasonCode.NOTE, note=note if isinstance(note, str) else ""),
            )
        )
    return Solution(meetings=tuple(meetings), unscheduled=tuple(unscheduled))
