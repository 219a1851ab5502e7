"""Applications of companies to missions, with their objectives and wished partners."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cepex_portal.models import TimeStampedModel
from cepex_portal.storage import private_storage
from partners.models import Company, Contact, PartnerOrganisation, RepresentativeClaim

from .. import rules
from ..enums import (
    SEATED_STATUSES,
    ApplicationStatus,
    Objective,
    WishPriority,
)
from .missions import Mission


def brochure_upload_to(instance: "Application", filename: str) -> str:
    """A random name ending in .pdf: the uploaded file name is never trusted nor kept on disk,
    not even its extension (a PDF by its content may be called ``brochure.html``).
    """
    return f"brochures/{secrets.token_hex(16)}.pdf"


class ApplicationQuerySet(models.QuerySet):
    def seated(self):
        return self.filter(status__in=SEATED_STATUSES)

    def waitlisted(self):
        return self.filter(status=ApplicationStatus.WAITLISTED).order_by("waitlisted_at", "pk")


class Application(TimeStampedModel):
    """A company's interest in a mission (candidature), with its objectives and wishes."""

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="applications"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="applications"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
    )
    target_markets = CountryField(_("target markets"), multiple=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True, default="")
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The company hears from us in this language."),
    )
    brochure = models.FileField(
        _("brochure"),
        storage=private_storage,
        upload_to=brochure_upload_to,
        blank=True,
        max_length=200,
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_applications",
    )
    waitlisted_at = models.DateTimeField(_("wait-listed at"), null=True, blank=True)
    staff_notes = models.TextField(_("staff notes"), blank=True, default="")

    objects = ApplicationQuerySet.as_manager()

    history = HistoricalRecords()  # the audit trail: every version, who and when

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "mission"], name="application_one_per_company_and_mission"
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
                name="application_waitlisted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(consent_text_version=""), name="application_consent_given"
            ),
        ]
        indexes = [models.Index(fields=["mission", "status"], name="application_mission_status")]

    def __str__(self) -> str:
        return f"{self.company} → {self.mission}"


class ApplicationObjective(models.Model):
    """One of the objectives a company pursues on a mission."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["objective"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "objective"], name="applicationobjective_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_objective_display()


class WishedPartner(models.Model):
    """A partner of the mission the company wishes to meet, with a priority (1 is highest)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="wishes",
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="wished_by",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=WishPriority.choices, default=WishPriority.MEDIUM
    )
    motivation = models.CharField(_("motivation"), max_length=500, blank=True, default="")

    history = HistoricalRecords()  # the audit trail: every version, who and when

    class Meta:
        verbose_name = _("wished partner")
        verbose_name_plural = _("wished partners")
        ordering = ["priority", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["application", "partner"], name="wish_unique_partner"),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3), name="wish_priority_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.priority})"

    def clean(self) -> None:
        # The rule of one wish (``rules.wishes_check``); the list rules (count, once each,
        # locked after the deadline) are checked where the whole list is known.
        if self.application_id is None or self.partner_id is None:
            return
        rules.wishes_check(
            allowed_partner_ids=self.application.mission.mission_partners.values_list(
                "organisation_id", flat=True
            ),
            wishes=[(self.partner, self.priority, self.motivation)],
        )


class HeldApplication(TimeStampedModel):
    """An application sent through the public form for a company the portal already knows.

    It is held, and changes nothing: a representative of the company, logged in, reads it
    and submits it (it becomes the company's application) or discards it. Declined with its
    claim, or left unreviewed past ``RETENTION_UNREVIEWED_APPLICATIONS_DAYS``, it is deleted
    with its brochure.
    """

    claim = models.ForeignKey(
        RepresentativeClaim,
        verbose_name=_("representative claim"),
        on_delete=models.CASCADE,
        related_name="held_applications",
    )
    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="held_applications",
    )
    objectives = models.JSONField(_("objectives"), default=list)
    target_markets = CountryField(_("target markets"), multiple=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True, default="")
    wishes = models.JSONField(
        _("wished partners"), default=list, help_text=_("[[partner id, priority, motivation]]")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    brochure = models.FileField(
        _("brochure"),
        storage=private_storage,
        upload_to=brochure_upload_to,
        blank=True,
        max_length=200,
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        blank=True,
        default="",
        choices=[
            ("applied", _("Became the company's application")),
            ("already_applied", _("The company had applied already")),
            ("closed", _("The mission no longer took applications")),
        ],
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held_from",
    )

    class Meta:
        verbose_name = _("held application")
        verbose_name_plural = _("held applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(consent_text_version=""), name="heldapplication_consent_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim.company} → {self.mission} ({self.claim.full_name})"
