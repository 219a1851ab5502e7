"""Missions, their programme, the venues they use, and the companies that apply to them."""

from .applications import (
    Application,
    ApplicationObjective,
    ApplicationQuerySet,
    HeldApplication,
    WishedPartner,
    brochure_upload_to,
)
from .missions import (
    Mission,
    MissionPartner,
    MissionQuerySet,
    time_zone_choices,
    validate_time_zone,
)
from .programme import ProgrammeItem

__all__ = [
    "Application",
    "ApplicationObjective",
    "ApplicationQuerySet",
    "HeldApplication",
    "Mission",
    "MissionPartner",
    "MissionQuerySet",
    "ProgrammeItem",
    "WishedPartner",
    "brochure_upload_to",
    "time_zone_choices",
    "validate_time_zone",
]
