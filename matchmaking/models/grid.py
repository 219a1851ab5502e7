"""A mission's meeting grid (days, slot length, breaks) and when partners are available."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cepex_portal.models import TimeStampedModel
from missions.models import Mission
from partners.models import PartnerOrganisation, Venue


@dataclass(frozen=True)
class Slot:
    """One cell of the grid: ``id`` is stable (``2017-07-10T09:00``, mission-local time)."""

    id: str
    start: dt.datetime
    end: dt.datetime

    @property
    def day(self) -> dt.date:
        return self.start.date()


def _parse_time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


class MeetingGrid(TimeStampedModel):
    """When B2B meetings may happen on a mission: every day of it, between two hours, in
    slots of a fixed length, around the breaks. Derived from the mission's dates; staff
    change the hours, the slot length, the breaks and the days without meetings.
    """

    mission = models.OneToOneField(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="meeting_grid"
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    day_starts_at = models.TimeField(_("first meeting at"), default=dt.time(9, 0))
    day_ends_at = models.TimeField(_("last meeting ends by"), default=dt.time(18, 0))
    breaks = models.JSONField(
        _("breaks"),
        default=list,
        blank=True,
        help_text=_('Every day, e.g. [["12:30", "14:00"]] for lunch (mission-local time).'),
    )
    meeting_venue = models.ForeignKey(
        Venue,
        verbose_name=_("meeting venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_grids",
        help_text=_(
            "Where partners without premises of their own (investors, agencies) meet the "
            "delegation, e.g. the hotel's business centre."
        ),
    )
    same_city_travel_minutes = models.PositiveSmallIntegerField(
        _("travel within a city (minutes)"),
        default=20,
        help_text=_("Used between two venues of one city when no travel time is recorded."),
    )
    skipped_days = models.JSONField(
        _("days without meetings"),
        default=list,
        blank=True,
        help_text=_('Dates of the mission without B2B meetings, e.g. ["2017-07-09"].'),
    )

    class Meta:
        verbose_name = _("meeting grid")
        verbose_name_plural = _("meeting grids")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="meetinggrid_slot_5_to_240_minutes",
            ),
            models.CheckConstraint(
                condition=Q(day_ends_at__gt=F("day_starts_at")),
                name="meetinggrid_day_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.mission)

    def clean(self) -> None:
        errors = {}
        try:
            spans = [(_parse_time(a), _parse_time(b)) for a, b in self.breaks or []]
        except (TypeError, ValueError):
            errors["breaks"] = _('Give breaks as pairs of times, e.g. [["12:30", "14:00"]].')
        else:
            if any(end <= start for start, end in spans):
                errors["breaks"] = _("A break must end after it starts.")
        try:
            [dt.date.fromisoformat(day) for day in self.skipped_days or []]
        except (TypeError, ValueError):
            errors["skipped_days"] = _('Give dates as ["2017-07-09", ...].')
        if errors:
            raise ValidationError(errors)

    def days(self) -> list[dt.date]:
        """The mission's days that have meetings."""
        mission = self.mission
        skipped = {dt.date.fromisoformat(day) for day in self.skipped_days or []}
        count = (mission.ends_on - mission.starts_on).days + 1
        return [
            day
            for day in (mission.starts_on + dt.timedelta(days=n) for n in range(count))
            if day not in skipped
        ]

    def slots(self) -> list[Slot]:
        """Every slot of the grid, in order, as aware datetimes in the mission's zone."""
        zone = ZoneInfo(self.mission.time_zone)
        breaks = [(_parse_time(a), _parse_time(b)) for a, b in self.breaks or []]
        step = dt.timedelta(minutes=self.slot_minutes)
        slots = []
        for day in self.days():
            start = dt.datetime.combine(day, self.day_starts_at, tzinfo=zone)
            last_end = dt.datetime.combine(day, self.day_ends_at, tzinfo=zone)
            while start + step <= last_end:
                end = start + step
                if not any(
                    start.time() < b_end and end.time() > b_start for b_start, b_end in breaks
                ):
                    slots.append(Slot(id=start.strftime("%Y-%m-%dT%H:%M"), start=start, end=end))
                start = end
        return slots


class PartnerAvailability(TimeStampedModel):
    """When a partner can receive the delegation on one day of a mission (no row: all day)."""

    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="partner_availabilities",
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="availabilities",
    )
    day = models.DateField(_("day"))
    is_available = models.BooleanField(_("available"), default=True)
    available_from = models.TimeField(_("from"), null=True, blank=True)
    available_to = models.TimeField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner availability")
        verbose_name_plural = _("partner availabilities")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "partner", "day"], name="availability_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_to__isnull=True)
                | Q(available_to__gt=F("available_from")),
                name="availability_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.day}"

    def covers(self, slot: Slot) -> bool:
        """Whether the partner is available during the whole slot."""
        if not self.is_available:
            return False
        start, end = (
            slot.start.timetz().replace(tzinfo=None),
            slot.end.timetz().replace(tzinfo=None),
        )
        if self.available_from and start < self.available_from:
            return False
        return not (self.available_to and end > self.available_to)
