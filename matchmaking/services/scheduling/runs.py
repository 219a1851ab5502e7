"""Scheduling runs: the engine on the worker, the reasons of what it left out, the preview
and the one-transaction apply."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from matchmaking.scheduling.solution import Meeting as EngineMeeting
from matchmaking.scheduling.solution import Reason, ReasonCode, Solution
from matchmaking.scheduling.validator import check_meetings
from missions.models import Mission
from partners.models import Venue

from ...enums import (
    PAST_MEETING_STATES,
    MeetingChange,
    MeetingState,
    RunState,
)
from ...models import Meeting, MeetingRequest, ScheduleRun, Slot
from ..agendas import meeting_notify_change
from .adapter import (
    MissionInstance,
    mission_instance,
    request_key,
)

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

_PHASE = re.compile(r"priority (\d+)")


# --- Reasons, in the staff's language ---------------------------------------------------------


def reason_text(reason: dict[str, Any], names: dict[str, str]) -> str:
    """A request left out, said in the active language (the engine speaks codes and ids)."""
    code = reason.get("code")
    people = [names.get(p, p) for p in reason.get("participants", [])]
    places = [names.get(v, v) for v in reason.get("venues", [])]
    numbers = reason.get("numbers", [])
    match code:
        case ReasonCode.HOST_VENUES:
            return _("%(a)s hosts at %(x)s; %(b)s hosts at %(y)s") % {
                "a": people[0],
                "x": places[0],
                "b": people[1],
                "y": places[1],
            }
        case ReasonCode.NO_COMMON_SLOT:
            length = numbers[0] if numbers else 1
            if length == 1:
                return _("no common free slot")
            return _("no common free run of %(count)d slots in a row") % {"count": length}
        case ReasonCode.CAP:
            return "; ".join(
                _("%(who)s at its cap of %(count)d meetings") % {"who": who, "count": cap}
                for who, cap in zip(people, numbers, strict=False)
            )
        case ReasonCode.TRAVEL:
            return _(
                "%(who)s is at %(x)s in the slots around; travel to %(y)s takes %(minutes)d min"
            ) % {"who": people[0], "x": places[0], "y": places[1], "minutes": numbers[0]}
        case ReasonCode.UNREACHABLE:
            return _("%(who)s is at %(x)s that day; %(y)s cannot be reached from there") % {
                "who": people[0],
                "x": places[0],
                "y": places[1],
            }
        case ReasonCode.TABLES:
            return _("all %(count)d tables of %(venue)s are taken in every common free slot") % {
                "count": numbers[0],
                "venue": places[0],
            }
        case ReasonCode.LOST_HIGHER:
            return _("lost to higher-priority requests for the same slots")
        case ReasonCode.LOST_EQUAL | ReasonCode.LOST_OTHER:
            return _("lost to other requests for the same slots, which weigh more together")
        case ReasonCode.NOT_PLACED:
            return _("not placed before the time limit ran out")
        case _:
            return reason.get("note", "")


def _reason_data(reason: Reason) -> dict[str, Any]:
    return {
        "code": str(reason.code),
        "participants": list(reason.participants),
        "venues": list(reason.venues),
        "numbers": list(reason.numbers),
        "note": reason.note,
    }


# --- Runs -------------------------------------------------------------------------------------

_ACTIVE_RUNS = (RunState.QUEUED, RunState.RUNNING)


@transaction.atomic
def schedule_run_request(
    *, mission: Mission, by: User | None, time_limit: int = 30, seed: int = 0
) -> ScheduleRun:
    """Queue an auto-scheduling run of ``mission``; the worker picks it up after commit."""
    Mission.objects.select_for_update().get(pk=mission.pk)
    if ScheduleRun.objects.filter(mission=mission, state__in=_ACTIVE_RUNS).exists():
        raise ValidationError(
            _("A scheduling run of this mission is already under way."), code="running"
        )
    # Below the worker's soft time limit (CELERY_TASK_SOFT_TIME_LIMIT, 300 s by default).
    if not 1 <= time_limit <= 240:
        raise ValidationError(_("The time limit goes from 1 to 240 seconds."), code="limit")
    run = ScheduleRun.objects.create(
        mission=mission, requested_by=by, time_limit_seconds=time_limit, seed=seed
    )
    from ...tasks.scheduling import schedule_run_task

    enqueue_on_commit(schedule_run_task, run_id=run.pk)
    return run


def schedule_run_execute(*, run: ScheduleRun) -> ScheduleRun:
    """Run the engine for a queued run, recording progress in the row as it goes.

    Outside any transaction on purpose: each save of the row commits, so that the page
    polling it sees the progress. Idempotent: a run not queued is left as it is.
    """
    claimed = ScheduleRun.objects.filter(pk=run.pk, state=RunState.QUEUED).update(
        state=RunState.RUNNING, started_at=timezone.now(), progress=1
    )
    run.refresh_from_db()
    if not claimed:
        return run
    started = time.monotonic()
    try:
        prepared = mission_instance(mission=run.mission)
        # Other missions' tables and programme items are locked stand-ins, always placed: not
        # this mission's total.
        stand_ins = sum(prepared.instance.request_by_id[k].priority for k in prepared.stand_ins)

        def on_phase(message: str) -> None:
            # The engine reports each phase as "<phase>: priority <total>, holes <n>, <s>s".
            found = _PHASE.search(message)
            elapsed = time.monotonic() - started
            percent = min(99, max(1, int(100 * elapsed / max(run.time_limit_seconds, 1))))
            ScheduleRun.objects.filter(pk=run.pk).update(
                progress=percent,
                best_priority_total=int(found.group(1)) - stand_ins if found else None,
            )

        # Imported here: the engine brings OR-Tools (about 50 MB) into the process, which
        # only a worker that schedules needs, not the web nor a worker making PDFs.
        from matchmaking.scheduling import engine as scheduling_engine

        result = scheduling_engine.solve(
            prepared.instance,
            time_limit=run.time_limit_seconds,
            seed=run.seed,
            started_at=started,
            log=on_phase,
        )
    except Exception as exc:  # the run row says what happened; the worker goes on
        logger.exception("scheduling run %s failed", run.pk)
        run.state, run.error, run.finished_at = RunState.FAILED, str(exc)[:2000], timezone.now()
        run.save(update_fields=["state", "error", "finished_at", "updated_at"])
        return run
    solution = result.solution
    run.result = {
        "meetings": [
            {"request": m.request, "slot": m.slot, "venue": m.venue} for m in solution.meetings
        ],
        "unscheduled": [
            {"request": u.request, "reason": _reason_data(u.reason)} for u in solution.unscheduled
        ]
        + [
            {"request": key, "reason": _reason_data(reason)}
            for key, reason in prepared.left_out.items()
        ],
        "names": prepared.names,
        "priority_total": sum(
            prepared.instance.request_by_id[m.request].priority
            for m in solution.meetings
            if m.request in prepared.requests
        ),
        "upper_bound": (
            None
            if getattr(result.stats, "upper_bound", None) is None
            else result.stats.upper_bound - stand_ins
        ),
    }
    run.best_priority_total = run.result["priority_total"]
    run.state, run.progress, run.finished_at = RunState.DONE, 100, timezone.now()
    run.save(
        update_fields=[
            "result",
            "best_priority_total",
            "state",
            "progress",
            "finished_at",
            "updated_at",
        ]
    )
    return run


# --- Preview and apply ------------------------------------------------------------------------


@dataclass
class Change:
    request: MeetingRequest
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: Venue | None = None
    meeting: Meeting | None = None  # the meeting it changes, if any


@dataclass
class Preview:
    added: list[Change]
    moved: list[Change]
    removed: list[Change]
    kept: list[Change]
    unscheduled: list[tuple[MeetingRequest | None, str]]
    # Meetings that took place (held or no-show): left exactly as they are.
    past: list[Change] = field(default_factory=list)


def _placement(run_result: dict, prepared: MissionInstance) -> dict[str, tuple[Slot, Venue, int]]:
    placed = {}
    for item in run_result.get("meetings", []):
        request = prepared.requests.get(item["request"])
        slot = prepared.slots.get(item["slot"])
        venue = prepared.venues.get(item["venue"])
        if request is None or slot is None or venue is None:
            continue
        placed[item["request"]] = (slot, venue, request.length_slots)
    return placed


def _end_of(slot: Slot, length: int, slots: dict[str, Slot]) -> dt.datetime:
    ordered = sorted(slots.values(), key=lambda s: s.start)
    index = next(i for i, s in enumerate(ordered) if s.id == slot.id)
    return ordered[min(index + length, len(ordered)) - 1].end


def _past_request_keys(mission: Mission) -> set[str]:
    """Requests whose meeting has taken place (held or no-show): a run leaves them alone."""
    return {
        request_key(request_id)
        for request_id in Meeting.objects.filter(
            mission=mission, state__in=PAST_MEETING_STATES
        ).values_list("request_id", flat=True)
    }


def schedule_preview(*, run: ScheduleRun) -> Preview:
    """What applying ``run`` would do to the mission's meetings, as of now.

    Meetings that have taken place are not part of it: a run never adds, moves or cancels
    them (the engine had the held ones locked, and the no-shows' requests left out), even
    when the run was made before their outcome was known.
    """
    prepared = mission_instance(mission=run.mission)
    took_place = list(
        Meeting.objects.filter(mission=run.mission, state__in=PAST_MEETING_STATES)
        .select_related("request__company", "request__partner", "venue")
        .order_by("starts_at", "pk")
    )
    past = {request_key(m.request_id) for m in took_place}
    placed = {k: v for k, v in _placement(run.result, prepared).items() if k not in past}
    current = {
        request_key(m.request_id): m
        for m in Meeting.objects.live()
        .filter(mission=run.mission)
        .exclude(state__in=PAST_MEETING_STATES)
        .select_related("request__company", "request__partner", "venue")
    }
    preview = Preview(
        added=[],
        moved=[],
        removed=[],
        kept=[],
        unscheduled=[],
        past=[
            Change(
                request=m.request,
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                venue=m.venue,
                meeting=m,
            )
            for m in took_place
        ],
    )
    for key, (slot, venue, length) in placed.items():
        change = Change(
            request=prepared.requests[key],
            starts_at=slot.start,
            ends_at=_end_of(slot, length, prepared.slots),
            venue=venue,
            meeting=current.get(key),
        )
        if change.meeting is None:
            preview.added.append(change)
        elif change.meeting.starts_at == change.starts_at and change.meeting.venue_id == venue.pk:
            preview.kept.append(change)
        else:
            preview.moved.append(change)
    for key, meeting in current.items():
        if key not in placed and not meeting.is_locked:
            preview.removed.append(Change(request=meeting.request, meeting=meeting))
    names = run.result.get("names", {})
    for item in run.result.get("unscheduled", []):
        if item["request"] in past:
            continue
        preview.unscheduled.append(
            (prepared.requests.get(item["request"]), reason_text(item["reason"], names))
        )
    return preview


def _assign_tables(meetings: list[Meeting], *, fixed: list[Meeting]) -> list[Meeting]:
    """Give each meeting a table of its venue, no two at one table at once, around the
    ``fixed`` meetings (held ones, other missions'), which keep theirs; return the meetings
    left without a table (none when the schedule respects every venue's tables slot by slot,
    unless meetings of different lengths fragment the tables).

    Earliest start first, each takes the lowest table free for its whole length; a meeting
    keeps the table it had when that table is free, so that nothing moves for people whose
    meeting did not change.
    """
    by_venue: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_venue[meeting.venue_id].append(meeting)
    fixed_by_venue: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in fixed:
        fixed_by_venue[meeting.venue_id].append(meeting)
    unplaced = []
    for venue_id, venue_meetings in by_venue.items():
        tables = venue_meetings[0].venue.tables
        # (start, end, table) of what is at the venue; few overlap any one meeting.
        taken = [(m.starts_at, m.ends_at, m.table) for m in fixed_by_venue.get(venue_id, ())]
        for meeting in sorted(venue_meetings, key=lambda m: (m.starts_at, m.pk or 0)):
            busy = {t for s, e, t in taken if s < meeting.ends_at and e > meeting.starts_at}
            if (
                meeting.pk
                and meeting.table
                and meeting.table <= tables
                and meeting.table not in busy
            ):
                table = meeting.table
            else:
                table = next((t for t in range(1, tables + 1) if t not in busy), None)
            if table is None:
                unplaced.append(meeting)
                continue
            meeting.table = table
            taken.append((meeting.starts_at, meeting.ends_at, table))
    return unplaced


def _over_full(prepared: MissionInstance, proposal: Solution) -> list[tuple[dt.datetime, str]]:
    """When and where ``proposal`` puts more meetings than the venue has tables."""
    instance = prepared.instance
    load: dict[tuple[str, str], int] = defaultdict(int)
    for meeting in proposal.meetings:
        request = instance.request_by_id[meeting.request]
        for slot in instance.request_slots(request, meeting.slot) or ():
            load[(meeting.venue, slot.id)] += 1
    return sorted(
        (prepared.slots[slot_id].start, str(prepared.venues[venue_id]))
        for (venue_id, slot_id), count in load.items()
        if count > instance.venue_by_id[venue_id].tables
    )


def _tables_refusal(mission: Mission, places: list[tuple[dt.datetime, str]]) -> ValidationError:
    """Refuse to apply a run: every table is taken, then and there (in the mission's time)."""
    zone = ZoneInfo(mission.time_zone)
    places = sorted(set(places))
    return ValidationError(
        _(
            "Every table is taken, by meetings of this mission or of another one at the same "
            "venue: %(places)s. Run the scheduling again."
        )
        % {
            "places": "; ".join(
                f"{venue}, {formats.date_format(when.astimezone(zone), 'D j M H:i')}"
                for when, venue in places
            )
        },
        code="tables",
    )


@transaction.atomic
def schedule_run_apply(*, run: ScheduleRun, by: User | None, notify: bool = True) -> Preview:
    """Write a finished run's proposal: add, move and cancel meetings in one transaction.

    Refused when the mission changed since the run so much that the proposal breaks a rule
    now (a partner's availability, a new programme item): run again then.
    """
    run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
    if run.state != RunState.DONE:
        raise ValidationError(
            _("Only a finished run that was neither applied nor discarded can be applied."),
            code="state",
        )
    Mission.objects.select_for_update().get(pk=run.mission_id)
    prepared = mission_instance(mission=run.mission)
    # The run's meetings, but what is fixed now where it is now: the meetings that took place
    # (perhaps since the run), the tables other missions take and the programme items.
    fixed = set(prepared.stand_ins) | _past_request_keys(run.mission)
    proposal = Solution(
        meetings=tuple(
            EngineMeeting(request=m["request"], slot=m["slot"], venue=m["venue"])
            for m in run.result.get("meetings", [])
            if m["request"] in prepared.requests and m["request"] not in fixed
        )
        + tuple(
            EngineMeeting(request=r.id, slot=r.locked.slot, venue=r.locked.venue)
            for r in prepared.instance.requests
            if r.id in fixed and r.locked is not None
        ),
        unscheduled=(),
    )
    violations = check_meetings(prepared.instance, proposal)
    full = _over_full(prepared, proposal)
    if full:
        raise _tables_refusal(run.mission, full)
    if violations:
        raise ValidationError(
            _(
                "The mission changed since this run (%(count)d meetings would now break a "
                "rule): run the scheduling again."
            )
            % {"count": len({v.request for v in violations})},
            code="stale",
        )
    preview = schedule_preview(run=run)
    changed: list[tuple[Meeting, MeetingChange]] = []
    for change in preview.removed:
        meeting = change.meeting
        meeting.state, meeting.sequence = MeetingState.CANCELLED, meeting.sequence + 1
        meeting.save(update_fields=["state", "sequence", "updated_at"])
        changed.append((meeting, MeetingChange.CANCELLED))
    touched = []
    for change in preview.moved:
        meeting = change.meeting
        meeting.starts_at, meeting.ends_at, meeting.venue = (
            change.starts_at,
            change.ends_at,
            change.venue,
        )
        meeting.sequence += 1
        touched.append(meeting)
        changed.append((meeting, MeetingChange.MOVED))
    for change in preview.added:
        request = change.request
        existing = Meeting.objects.filter(request=request).first()  # a cancelled one comes back
        meeting = existing or Meeting(
            request=request,
            mission_id=request.mission_id,
            company_id=request.company_id,
            partner_id=request.partner_id,
        )
        meeting.starts_at, meeting.ends_at, meeting.venue = (
            change.starts_at,
            change.ends_at,
            change.venue,
        )
        meeting.state = MeetingState.CONFIRMED
        if existing is not None:
            meeting.sequence += 1
        touched.append(meeting)
        changed.append((meeting, MeetingChange.CONFIRMED))
    # Tables for the whole mission again; then write. The exclusion constraints check each
    # row as it is written, so first park every meeting that will be written out of their
    # reach (a cancelled state), then write each in its final place and state.
    # Meetings that took place, and other missions' at the same venues, are never written:
    # they keep their tables, which the others fit around.
    kept = [c.meeting for c in preview.kept if c.meeting is not None]
    kept_ids = {m.pk for m in kept}
    locked = list(
        Meeting.objects.live()
        .filter(mission=run.mission, is_locked=True)
        .exclude(state__in=PAST_MEETING_STATES)
        .exclude(pk__in=kept_ids | {m.pk for m in touched if m.pk})
        .select_related("venue")
    )
    everything = [*kept, *locked, *touched]
    final_state = {id(m): m.state for m in everything}
    fixed = _fixed_meetings(mission=run.mission, around=everything)
    unplaced = _assign_tables(everything, fixed=fixed)
    if unplaced:
        raise _tables_refusal(run.mission, [(m.starts_at, str(m.venue)) for m in unplaced])
    parked = [m.pk for m in everything if m.pk]
    try:
        with transaction.atomic():
            if parked:
                Meeting.objects.filter(pk__in=parked).update(state=MeetingState.CANCELLED)
            for meeting in everything:
                meeting.state = final_state[id(meeting)]
                meeting.save()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraints: a write since the check
        raise ValidationError(
            _(
                "Someone placed a meeting at the same time and place a moment ago: run the "
                "scheduling again."
            ),
            code="concurrent",
        ) from exc
    run.state, run.applied_at = RunState.APPLIED, timezone.now()
    run.save(update_fields=["state", "applied_at", "updated_at"])
    for meeting, change in changed if notify else ():
        meeting_notify_change(meeting=meeting, change=change)
    logger.info(
        "run %s applied by %s: %d added, %d moved, %d removed",
        run.pk,
        getattr(by, "pk", None),
        len(preview.added),
        len(preview.moved),
        len(preview.removed),
    )
    return preview


def _fixed_meetings(*, mission: Mission, around: list[Meeting]) -> list[Meeting]:
    """Live meetings a run does not write that share a venue with ``around`` at its dates: the
    mission's that took place and every other mission's."""
    if not around:
        return []
    return list(
        Meeting.objects.live()
        .filter(
            venue__in={m.venue_id for m in around},
            starts_at__lt=max(m.ends_at for m in around),
            ends_at__gt=min(m.starts_at for m in around),
        )
        .filter(~Q(mission=mission) | Q(state__in=PAST_MEETING_STATES))
    )


@transaction.atomic
def schedule_run_discard(*, run: ScheduleRun, by: User | None) -> ScheduleRun:
    run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
    if run.state not in (RunState.DONE, RunState.FAILED):
        raise ValidationError(_("Only a finished run can be discarded."), code="state")
    run.state = RunState.DISCARDED
    run.save(update_fields=["state", "updated_at"])
    return run


def schedule_mission_now(
    *,
    mission: Mission,
    by: User | None,
    time_limit: int = 30,
    seed: int = 0,
    notify: bool = True,
) -> tuple[ScheduleRun, Preview]:
    """Run the engine in this process and apply its result (the command line's way).

    ``notify=False`` tells nobody (the demo data of a mission of 2017).
    """
    run = ScheduleRun.objects.create(
        mission=mission, requested_by=by, time_limit_seconds=time_limit, seed=seed
    )
    run = schedule_run_execute(run=run)
    if run.state != RunState.DONE:
        raise ValidationError(run.error or _("The scheduling run failed."), code="failed")
    return run, schedule_run_apply(run=run, by=by, notify=notify)
