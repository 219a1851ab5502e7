"""Meetings by hand: place (create or move), lock, cancel; each checked against the same rules
as the engine, with its validator, so that a rule has one home.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matchmaking.scheduling.solution import Meeting as EngineMeeting
from matchmaking.scheduling.solution import Solution
from matchmaking.scheduling.validator import check_meetings
from missions.models import Mission
from partners.models import Venue

from ..enums import (
    LIVE_MEETING_STATES,
    PAST_MEETING_STATES,
    MeetingChange,
    MeetingState,
    RequestState,
)
from ..models import Meeting, MeetingRequest
from .agendas import meeting_notify_change

if TYPE_CHECKING:
    from cepex_portal.models import User

# What a broken rule means to staff, by the validator's rule name.
_RULE_MESSAGES = {
    "unknown": gettext_lazy(
        "This time is not on the mission's meeting grid, or the venue is not one the partners use."
    ),
    "consecutive": gettext_lazy("The meeting runs past the end of the day or across a break."),
    "availability": gettext_lazy(
        "%(company)s or %(partner)s is not available then (a programme item of "
        "the delegation, or the partner's availability)."
    ),
    "venue": gettext_lazy(
        "%(partner)s receives at its own venue: the meeting must take place there."
    ),
    "overlap": gettext_lazy("%(company)s or %(partner)s already has a meeting then."),
    "tables": gettext_lazy("Every table of the venue is taken then."),
    "travel": gettext_lazy(
        "%(company)s or %(partner)s cannot travel from or to another meeting in time."
    ),
    "max_meetings": gettext_lazy("%(partner)s already has as many meetings as it takes."),
    "locked": gettext_lazy("Another meeting is locked there."),
}
# A meeting too close to a programme item at another venue (the same travel rule).
_PROGRAMME_TRAVEL = gettext_lazy(
    "%(company)s cannot travel in time between this meeting and the programme item "
    "“%(item)s” at %(venue)s."
)


def _slot_id(when: dt.datetime, mission: Mission) -> str:
    from zoneinfo import ZoneInfo

    return when.astimezone(ZoneInfo(mission.time_zone)).strftime("%Y-%m-%dT%H:%M")


def meeting_check(*, request: MeetingRequest, starts_at: dt.datetime, venue: Venue) -> None:
    """Raise ValidationError, with every rule it breaks, if ``request`` cannot meet then there.

    The mission's live meetings stay as they are; the request's own meeting, if any, moves.
    """
    from .scheduling import mission_instance, request_key, venue_key

    mission = request.mission
    live = list(
        Meeting.objects.live()
        .filter(mission=mission)
        .exclude(request=request)
        .select_related("request__company", "request__partner__venue", "venue")
    )
    requests = [m.request for m in live] + [request]
    prepared = mission_instance(mission=mission, requests=requests, extra_venues=(venue,))
    key = request_key(request.pk)
    if key in prepared.left_out:
        raise ValidationError(prepared.left_out[key].note, code="no_venue")
    meetings = [
        EngineMeeting(
            request=request_key(m.request_id),
            slot=_slot_id(m.starts_at, mission),
            venue=venue_key(m.venue_id),
        )
        for m in live
    ]
    meetings.append(
        EngineMeeting(request=key, slot=_slot_id(starts_at, mission), venue=venue_key(venue.pk))
    )
    # The tables other missions' meetings take there, where the adapter locked them.
    meetings.extend(
        EngineMeeting(request=r.id, slot=r.locked.slot, venue=r.locked.venue)
        for r in prepared.instance.requests
        if r.id in prepared.occupancy and r.locked is not None
    )
    instance = prepared.instance
    if venue_key(venue.pk) not in instance.venue_by_id:
        raise ValidationError(_RULE_MESSAGES["unknown"], code="unknown")
    _check_programme(prepared, request=request, meeting=meetings[len(live)])
    violations = [
        v
        for v in check_meetings(instance, Solution(meetings=tuple(meetings), unscheduled=()))
        if v.request == key or v.rule in ("tables", "overlap", "travel")
    ]
    mine = [v for v in violations if v.request == key] or violations
    if mine:
        names = {"company": request.company.legal_name, "partner": str(request.partner)}
        messages = []
        for violation in mine:
            message = str(_RULE_MESSAGES.get(violation.rule, violation.message)) % names
            if message not in messages:
                messages.append(message)
        raise ValidationError(messages, code="rules")


def _check_programme(prepared, *, request: MeetingRequest, meeting: EngineMeeting) -> None:
    """Refuse ``meeting`` when it overlaps a programme item of its company's, or leaves too
    little time to travel to or from one at another venue: the engine's validator on the
    meeting and each of the company's programme stand-ins (``mission_instance``)."""
    from .scheduling import company_key

    instance = prepared.instance
    mine = company_key(request.company_id)
    names = {"company": request.company.legal_name, "partner": str(request.partner)}
    messages: list[str] = []
    for key, item in prepared.programme.items():
        stand_in = instance.request_by_id[key]
        if stand_in.a != mine or stand_in.locked is None:
            continue
        pair = (
            meeting,
            EngineMeeting(request=key, slot=stand_in.locked.slot, venue=stand_in.locked.venue),
        )
        rules = {v.rule for v in check_meetings(instance, Solution(meetings=pair, unscheduled=()))}
        if "overlap" in rules:
            message = str(_RULE_MESSAGES["availability"]) % names
        elif "travel" in rules:
            message = str(_PROGRAMME_TRAVEL) % {**names, "item": item.title, "venue": item.venue}
        else:
            continue
        if message not in messages:
            messages.append(message)
    if messages:
        raise ValidationError(messages, code="rules")


def _end(request: MeetingRequest, starts_at: dt.datetime) -> dt.datetime:
    from .scheduling import grid_for

    slots = grid_for(mission=request.mission).slots()
    index = next((i for i, s in enumerate(slots) if s.start == starts_at), None)
    if index is None or index + request.length_slots > len(slots):
        raise ValidationError(
            _("This time is not on the mission's meeting grid."), code="not_on_grid"
        )
    return slots[index + request.length_slots - 1].end


@transaction.atomic
def meeting_place(
    *,
    request: MeetingRequest,
    starts_at: dt.datetime,
    venue: Venue,
    by: User | None,
    lock: bool | None = None,
) -> Meeting:
    """Staff place a request at a time and venue: a new meeting, or its meeting moved.

    Checked against every rule of the engine first; on PostgreSQL the database also refuses
    a double booking that a concurrent edit would cause.
    """
    request = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("mission", "company", "partner__venue")
        .get(pk=request.pk)
    )
    if request.state in (RequestState.CANCELLED, RequestState.DECLINED):
        raise ValidationError(
            _("This request was cancelled or declined: it has no meeting."), code="closed"
        )
    Mission.objects.select_for_update().get(pk=request.mission_id)
    meeting = Meeting.objects.select_for_update().filter(request=request).first()
    if meeting is not None and meeting.state in PAST_MEETING_STATES:
        raise ValidationError(_("This meeting has already taken place."), code="held")
    ends_at = _end(request, starts_at)
    meeting_check(request=request, starts_at=starts_at, venue=venue)
    change = MeetingChange.CONFIRMED
    if meeting is None:
        meeting = Meeting(
            request=request,
            mission_id=request.mission_id,
            company_id=request.company_id,
            partner_id=request.partner_id,
            state=MeetingState.CONFIRMED,
        )
    else:
        change = (
            MeetingChange.MOVED if meeting.state in LIVE_MEETING_STATES else MeetingChange.CONFIRMED
        )
        meeting.sequence += 1
        meeting.state = (
            meeting.state if meeting.state in LIVE_MEETING_STATES else MeetingState.CONFIRMED
        )
    meeting.starts_at, meeting.ends_at, meeting.venue = starts_at, ends_at, venue
    if lock is not None:
        meeting.is_locked = lock
    meeting.table = _free_table(meeting)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone else placed a meeting there a moment ago: look at the grid again."),
            code="concurrent",
        ) from exc
    meeting_notify_change(meeting=meeting, change=change)
    return meeting


def _free_table(meeting: Meeting) -> int:
    """The lowest table of the venue free during the meeting, whichever mission's meetings
    take the others (the check counts tables slot by slot, which meetings of different
    lengths or another mission's grid can still leave without one table free throughout)."""
    taken = set(
        Meeting.objects.live()
        .filter(
            venue=meeting.venue,
            starts_at__lt=meeting.ends_at,
            ends_at__gt=meeting.starts_at,
        )
        .exclude(pk=meeting.pk)
        .values_list("table", flat=True)
    )
    if meeting.table and meeting.table not in taken and meeting.table <= meeting.venue.tables:
        return meeting.table
    table = next((t for t in range(1, meeting.venue.tables + 1) if t not in taken), None)
    if table is None:
        raise ValidationError(_RULE_MESSAGES["tables"], code="tables")
    return table


@transaction.atomic
def meeting_set_locked(*, meeting: Meeting, locked: bool, by: User | None) -> Meeting:
    """Lock (auto-scheduling leaves it where it is) or unlock a meeting."""
    Meeting.objects.filter(pk=meeting.pk).update(is_locked=locked)
    meeting.is_locked = locked
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User | None) -> Meeting:
    """Cancel a meeting; both sides are told."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state not in LIVE_MEETING_STATES:
        return meeting
    meeting.state = MeetingState.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["state", "sequence", "updated_at"])
    meeting_notify_change(meeting=meeting, change=MeetingChange.CANCELLED)
    return meeting
