"""Outcomes of meetings and the follow-up pipeline of leads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cepex_portal.models import TimeStampedModel
from matchmaking.models import Meeting
from missions.models import Mission
from partners.models import Company, PartnerOrganisation

from ..enums import (
    OPEN_LEAD_STAGES,
    AgreementKind,
    Attendance,
    InterestLevel,
    LeadStage,
    OutcomeSide,
)


class MeetingOutcome(TimeStampedModel):
    """What one side says came of a meeting: held or not, interest, next step."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="outcomes"
    )
    side = models.CharField(_("recorded by"), max_length=10, choices=OutcomeSide.choices)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    interest = models.CharField(
        _("interest"), max_length=10, choices=InterestLevel.choices, blank=True, default=""
    )
    next_step = models.CharField(_("next step"), max_length=500, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by (account)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_outcomes",
    )

    history = HistoricalRecords()  # the audit trail: every version, who and when

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        ordering = ["meeting", "side"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "side"], name="outcome_one_per_side"),
            models.CheckConstraint(
                condition=Q(side__in=OutcomeSide.values), name="outcome_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="outcome_attendance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_attendance_display()} ({self.get_side_display()})"


class LeadQuerySet(models.QuerySet):
    def open(self):
        return self.filter(stage__in=OPEN_LEAD_STAGES)

    def overdue(self, *, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)


class Lead(TimeStampedModel):
    """A business opportunity between a company and a partner, followed up for months.

    Usually born of a meeting; a triangular lead names the third market it opens and the
    triangular mission it belongs to.
    """

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="leads"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="leads"
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="leads",
    )
    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead",
    )
    title = models.CharField(_("subject"), max_length=200)
    stage = models.CharField(
        _("stage"), max_length=12, choices=LeadStage.choices, default=LeadStage.CONTACT
    )
    dropped_reason = models.CharField(_("why dropped"), max_length=300, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner at the agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_leads",
    )
    next_action = models.CharField(_("next action"), max_length=300, blank=True, default="")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    agreement_kind = models.CharField(
        _("agreement"), max_length=24, choices=AgreementKind.choices, blank=True, default=""
    )
    agreement_value = models.DecimalField(
        _("agreement value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, default="", help_text=_("ISO 4217, e.g. EUR.")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    third_market = CountryField(_("third market"), blank=True, default="")
    triangular_mission = models.ForeignKey(
        Mission,
        verbose_name=_("triangular mission"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="triangular_leads",
    )
    notes = models.TextField(_("notes"), blank=True, default="")

    objects = LeadQuerySet.as_manager()

    history = HistoricalRecords()  # the audit trail: every version, who and when

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["mission", "company__legal_name", "partner__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=LeadStage.values), name="lead_stage_valid"
            ),
            models.CheckConstraint(
                condition=~Q(stage=LeadStage.DROPPED) | ~Q(dropped_reason=""),
                name="lead_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(stage=LeadStage.AGREEMENT) | ~Q(agreement_kind=""),
                name="lead_agreement_has_kind",
            ),
            models.CheckConstraint(
                condition=Q(agreement_value__isnull=True) | Q(agreement_value__gte=0),
                name="lead_value_gte_0",
            ),
            models.CheckConstraint(
                condition=(Q(agreement_value__isnull=True) & Q(currency=""))
                | (Q(agreement_value__isnull=False) & ~Q(currency="")),
                name="lead_value_has_currency",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "due_on"], name="lead_stage_due"),
            models.Index(fields=["mission", "stage"], name="lead_mission_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.company} ↔ {self.partner}: {self.title}"


class LeadEvent(models.Model):
    """One change of a lead's stage (or its note), with who and when: the pipeline's history."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="events"
    )
    stage_from = models.CharField(
        _("from"), max_length=12, choices=LeadStage.choices, blank=True, default=""
    )
    stage_to = models.CharField(_("to"), max_length=12, choices=LeadStage.choices)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    side = models.CharField(_("by"), max_length=10, choices=OutcomeSide.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_events",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")
        ordering = ["lead", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead}: {self.stage_from} → {self.stage_to}"


class LeadReminder(models.Model):
    """A company asked for news of its open leads at a milestone after the mission.

    One row per (company, mission, milestone), written before the e-mail leaves: a beat or a
    worker that restarts never asks twice. The row holds the one-time link's hash.
    """

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="reminders"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="reminders"
    )
    milestone_days = models.PositiveSmallIntegerField(_("days after the mission"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead reminder")
        verbose_name_plural = _("lead reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "company", "milestone_days"], name="reminder_once_per_milestone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.mission} +{self.milestone_days}d"
