"""The B2B meeting scheduling engine: pure Python and OR-Tools, no Django.

Frozen dataclasses in (:class:`Instance`, read from the ``b2b-schedule/1`` JSON contract by
:func:`load_instance`), a :class:`Solution` out (:func:`solve`), and a :func:`validate` that
checks any solution against every rule of the contract. See ``docs/scheduling.md``.
"""

from typing import Any

from matchmaking.scheduling.instance import (
    Instance,
    InstanceError,
    Lock,
    Participant,
    Request,
    Slot,
    Travel,
    Venue,
    load_instance,
    parse_instance,
    parse_instance_text,
)
from matchmaking.scheduling.solution import (
    Meeting,
    Reason,
    ReasonCode,
    Solution,
    Unscheduled,
    parse_solution,
    solution_to_dict,
    write_solution,
)
from matchmaking.scheduling.validator import Report, Violation, count_holes, validate

__all__ = [
    "Instance",
    "InstanceError",
    "Lock",
    "Meeting",
    "Participant",
    "Reason",
    "ReasonCode",
    "Report",
    "Request",
    "Result",
    "Slot",
    "Solution",
    "Travel",
    "Unscheduled",
    "Venue",
    "Violation",
    "count_holes",
    "load_instance",
    "parse_instance",
    "parse_instance_text",
    "parse_solution",
    "solution_to_dict",
    "solve",
    "validate",
    "write_solution",
]


def __getattr__(name: str) -> Any:
    # The solver brings OR-Tools (about 50 MB) into the process: loaded on first use, so that
    # reading instances and validating solutions (the web, a worker making PDFs) stay light.
    if name in ("Result", "solve"):
        from matchmaking.scheduling import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
