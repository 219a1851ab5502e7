"""Meetings: a request placed at a time, a venue and a table."""

import uuid

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cepex_portal.constraints import PostgresExclusionConstraint, TsTzRange
from cepex_portal.models import TimeStampedModel
from missions.models import Mission
from partners.models import Company, PartnerOrganisation, Venue

from ..enums import LIVE_MEETING_STATES, MeetingState
from .requests import MeetingRequest


class MeetingQuerySet(models.QuerySet):
    def live(self):
        """Meetings that take their participants' time (not cancelled, not missed)."""
        return self.filter(state__in=LIVE_MEETING_STATES)


def _no_overlap(name: str, *fields: str) -> PostgresExclusionConstraint:
    """Two live meetings never share ``fields`` at overlapping times (PostgreSQL)."""
    return PostgresExclusionConstraint(
        name=name,
        expressions=[
            *((field, RangeOperators.EQUAL) for field in fields),
            (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        condition=Q(state__in=LIVE_MEETING_STATES),
    )


class Meeting(TimeStampedModel):
    """A B2B meeting: when, where, at which table, and in what state.

    Company, partner and mission repeat the request's so that the database itself refuses a
    participant in two meetings at once, or two meetings at one table (exclusion
    constraints on PostgreSQL); ``services.meeting_*`` check the same rules, and more
    (availability, travel, caps), with a message, on every database. ``uid`` and
    ``sequence`` make calendar entries update in place when a meeting moves.
    """

    request = models.OneToOneField(
        MeetingRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="meeting",
    )
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="meetings"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="meetings"
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(_("table"), default=1)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.PROPOSED
    )
    is_locked = models.BooleanField(
        _("locked"),
        default=False,
        help_text=_("Auto-scheduling leaves a locked meeting where it is."),
    )
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)

    objects = MeetingQuerySet.as_manager()

    history = HistoricalRecords()  # the audit trail: every version, who and when

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "venue", "table"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(table__gte=1), name="meeting_table_gte_1"),
            models.CheckConstraint(
                condition=Q(state__in=MeetingState.values), name="meeting_state_valid"
            ),
            _no_overlap("meeting_company_no_overlap", "company"),
            _no_overlap("meeting_partner_no_overlap", "partner"),
            _no_overlap("meeting_table_no_overlap", "venue", "table"),
        ]
        indexes = [
            models.Index(fields=["mission", "starts_at"], name="meeting_mission_start"),
        ]

    def __str__(self) -> str:
        return f"{self.company} ↔ {self.partner} ({self.starts_at:%Y-%m-%d %H:%M})"

    def clean(self) -> None:
        if self.request_id and (
            self.company_id != self.request.company_id
            or self.partner_id != self.request.partner_id
            or self.mission_id != self.request.mission_id
        ):
            raise ValidationError(
                _("A meeting has the company, partner and mission of its request.")
            )
        if self.venue_id and self.table and self.table > self.venue.tables:
            raise ValidationError(
                {
                    "table": _("%(venue)s has %(count)d tables.")
                    % {"venue": self.venue, "count": self.venue.tables}
                }
            )
