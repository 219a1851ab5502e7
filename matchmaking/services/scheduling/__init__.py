"""Auto-scheduling: the engine (``matchmaking.scheduling``, pure Python) run on a mission.

The adapter reads the mission into the engine's frozen instance: the meeting grid gives the
slots; the delegation's programme items make everyone who attends them unavailable, and one
with a venue is a locked stand-in meeting of each delegate there, so that travel to and from
it is kept (stand-ins are never meetings of the mission nor part of its total); partners
host at their own venue (a partner without premises meets at the grid's meeting venue);
travel times come from the venues; requests the partner accepted are the requests, with
their priority as a weight (``PRIORITY_WEIGHTS``); meetings staff locked are locked.

A run (``ScheduleRun``) is queued by staff, executed by a Celery task on the worker (never in
a request), and records its progress and its proposal in its own row. The preview compares
the proposal with the meetings of the mission: added, moved, removed, and the reason for
every request left out; applying it writes all of that in one transaction.
"""

from .adapter import (
    MissionInstance,
    company_key,
    current_solution_as_json,
    grid_for,
    instance_as_json,
    mission_instance,
    partner_key,
    request_key,
    venue_key,
)
from .runs import (
    Change,
    Preview,
    reason_text,
    schedule_mission_now,
    schedule_preview,
    schedule_run_apply,
    schedule_run_discard,
    schedule_run_execute,
    schedule_run_request,
)

__all__ = [
    "Change",
    "MissionInstance",
    "Preview",
    "company_key",
    "current_solution_as_json",
    "grid_for",
    "instance_as_json",
    "mission_instance",
    "partner_key",
    "reason_text",
    "request_key",
    "schedule_mission_now",
    "schedule_preview",
    "schedule_run_apply",
    "schedule_run_discard",
    "schedule_run_execute",
    "schedule_run_request",
    "venue_key",
]
