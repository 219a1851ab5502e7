"""Meetings by hand: create, move, cancel, each checked against the engine's rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from ..enums import LIVE_MEETING_STATES, MeetingChange, MeetingState
from ..models import Meeting
from .agendas import meeting_notify_change

if TYPE_CHECKING:
    from cepex_portal.models import User


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User | None) -> Meeting:
    """Cancel a meeting; both sides are told (see ``agendas``)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state not in LIVE_MEETING_STATES:
        return meeting
    meeting.state = MeetingState.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["state", "sequence", "updated_at"])
    meeting_notify_change(meeting=meeting, change=MeetingChange.CANCELLED)
    return meeting
