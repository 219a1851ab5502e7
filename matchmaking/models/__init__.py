"""Matchmaking: the meeting grid, partners' availability, meeting requests, meetings, the
partners' signed links, calendar feeds and scheduling runs.
"""

from .grid import MeetingGrid, PartnerAvailability, Slot
from .links import CalendarFeed, PartnerLink
from .meetings import Meeting, MeetingQuerySet
from .notifications import MeetingNotification
from .requests import MeetingRequest, MeetingRequestQuerySet
from .runs import ScheduleRun

__all__ = [
    "CalendarFeed",
    "Meeting",
    "MeetingGrid",
    "MeetingNotification",
    "MeetingQuerySet",
    "MeetingRequest",
    "MeetingRequestQuerySet",
    "PartnerAvailability",
    "PartnerLink",
    "ScheduleRun",
    "Slot",
]
