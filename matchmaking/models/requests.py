"""Meeting requests: a company and a partner of a mission who should meet."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cepex_portal.models import TimeStampedModel
from missions.enums import WishPriority
from missions.models import Mission
from partners.models import Company, PartnerOrganisation

from ..enums import OPEN_REQUEST_STATES, RequestSource, RequestState


class MeetingRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_REQUEST_STATES)

    def schedulable(self):
        """Requests the engine places: the partner said yes."""
        return self.filter(state=RequestState.ACCEPTED)


class MeetingRequest(TimeStampedModel):
    """A wished meeting between a company of the delegation and a partner of the mission.

    It comes from the company's wishes, from staff, or from a suggestion; the partner
    accepts or declines it through its signed link; the engine schedules accepted ones.
    """

    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="meeting_requests",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="meeting_requests",
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="meeting_requests",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=WishPriority.choices, default=WishPriority.MEDIUM
    )
    length_slots = models.PositiveSmallIntegerField(
        _("length (slots)"), default=1, help_text=_("How many slots of the grid it takes.")
    )
    source = models.CharField(
        _("source"), max_length=12, choices=RequestSource.choices, default=RequestSource.STAFF
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=RequestState.choices,
        default=RequestState.PROPOSED,
        db_index=True,
    )
    motivation = models.CharField(_("motivation"), max_length=500, blank=True, default="")
    partner_attendees = models.CharField(
        _("attending for the partner"), max_length=300, blank=True, default=""
    )
    partner_note = models.CharField(_("partner's note"), max_length=500, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_requests_created",
    )

    objects = MeetingRequestQuerySet.as_manager()

    history = HistoricalRecords()  # the audit trail: every version, who and when

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["mission", "priority", "company__legal_name", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "company", "partner"],
                condition=Q(state__in=OPEN_REQUEST_STATES),
                name="meetingrequest_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3),
                name="meetingrequest_priority_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(length_slots__gte=1, length_slots__lte=8),
                name="meetingrequest_length_1_to_8",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RequestState.values), name="meetingrequest_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["mission", "state"], name="request_mission_state")]

    def __str__(self) -> str:
        return f"{self.company} ↔ {self.partner}"
