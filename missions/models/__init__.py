"""Missions, their programme, the venues they use, and the companies that apply to them."""

from .applications import (
    Application,
    ApplicationObjective,
    ApplicationQuerySet,
    HeldApplication,
    WishedPartner,
    brochure_upload_to,
)
from .missions import TIME_ZONE_CHOICES, Mission, MissionPartner, MissionQuerySet
from .programme import ProgrammeItem
from .venues import TravelTime, TravelTimeQuerySet, Venue

__all__ = [
    "TIME_ZONE_CHOICES",
    "Application",
    "ApplicationObjective",
    "ApplicationQuerySet",
    "HeldApplication",
    "Mission",
    "MissionPartner",
    "MissionQuerySet",
    "ProgrammeItem",
    "TravelTime",
    "TravelTimeQuerySet",
    "Venue",
    "WishedPartner",
    "brochure_upload_to",
]
