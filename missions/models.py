"""Missions, their programme, the venues they use, and the companies that apply to them."""

import secrets
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cepex_portal.models import TimeStampedModel
from partners.models import Company, Contact, PartnerOrganisation, Sector

from .enums import (
    SEATED_STATUSES,
    ApplicationStatus,
    MissionKind,
    MissionStatus,
    Objective,
    ProgrammeItemKind,
    WishPriority,
)
from .storage import private_storage

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class MissionQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(status__in=[MissionStatus.DRAFT, MissionStatus.CANCELLED])

    def open(self):
        return self.filter(status=MissionStatus.OPEN)

    def accepting_applications(self):
        now = timezone.now()
        return self.open().filter(
            Q(application_deadline__isnull=True) | Q(application_deadline__gt=now)
        )


class Mission(TimeStampedModel):
    """One trip of a delegation: destination, dates, sectors, capacity, and its status."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MissionKind.choices, default=MissionKind.OUTBOUND
    )
    summary = models.TextField(_("summary"), blank=True, default="")
    objectives = models.TextField(_("objectives"), blank=True, default="")
    destination_country = CountryField(_("destination country"))
    destination_region = models.CharField(
        _("destination region"), max_length=100, blank=True, default=""
    )
    destination_cities = models.CharField(
        _("destination cities"), max_length=300, blank=True, default=""
    )
    time_zone = models.CharField(
        _("local time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default=settings.TIME_ZONE,
        help_text=_("Times of the programme are shown and typed in this time zone."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    application_deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=10, help_text=_("How many companies the delegation takes.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MissionStatus.choices, default=MissionStatus.DRAFT
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="missions", blank=True
    )
    organiser = models.CharField(_("organiser"), max_length=200, default="CEPEX")
    co_organisers = models.ManyToManyField(
        PartnerOrganisation,
        verbose_name=_("co-organising agencies"),
        related_name="co_organised_missions",
        blank=True,
    )
    partners = models.ManyToManyField(
        PartnerOrganisation,
        verbose_name=_("partners"),
        through="MissionPartner",
        related_name="missions",
        blank=True,
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("The mission this one follows up (a second round, a reverse mission, ...)."),
    )
    third_market = CountryField(
        _("third market"),
        blank=True,
        default="",
        help_text=_("For a triangular action: the market the two partners open together."),
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="mission_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="mission_capacity_gte_0"),
            models.CheckConstraint(
                condition=~Q(follows=F("pk")), name="mission_does_not_follow_itself"
            ),
            models.CheckConstraint(
                condition=(Q(kind=MissionKind.TRIANGULAR) & ~Q(third_market=""))
                | (~Q(kind=MissionKind.TRIANGULAR) & Q(third_market="")),
                name="mission_third_market_iff_triangular",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A mission cannot end before it starts.")
        if self.kind == MissionKind.TRIANGULAR and not self.third_market:
            errors["third_market"] = _("A triangular action needs its third market.")
        if self.kind != MissionKind.TRIANGULAR and self.third_market:
            errors["third_market"] = _("Only a triangular action has a third market.")
        if self.follows_id and self.pk and self.follows_id == self.pk:
            errors["follows"] = _("A mission cannot follow itself.")
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_accepting_applications(self) -> bool:
        if self.status != MissionStatus.OPEN:
            return False
        return self.application_deadline is None or self.application_deadline > timezone.now()

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Venue(TimeStampedModel):
    """A place where meetings happen; ``tables`` is how many meetings it holds at once."""

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    tables = models.PositiveSmallIntegerField(_("tables"), default=1)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="venue_unique_name_city"),
            models.CheckConstraint(condition=Q(tables__gte=1), name="venue_tables_gte_1"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="venue_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="venue_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class TravelTimeQuerySet(models.QuerySet):
    def between(self, a: Venue, b: Venue):
        low, high = sorted([a.pk, b.pk])
        return self.filter(from_venue_id=low, to_venue_id=high)


class TravelTime(models.Model):
    """Minutes to travel between two venues, either way.

    Stored once per pair, the venue with the lower id first, so that a pair cannot be given
    two different times.
    """

    from_venue = models.ForeignKey(
        Venue, verbose_name=_("from"), on_delete=models.CASCADE, related_name="travel_from"
    )
    to_venue = models.ForeignKey(
        Venue, verbose_name=_("to"), on_delete=models.CASCADE, related_name="travel_to"
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"))

    objects = TravelTimeQuerySet.as_manager()

    class Meta:
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")
        ordering = ["from_venue", "to_venue"]
        constraints = [
            models.UniqueConstraint(fields=["from_venue", "to_venue"], name="travel_unique_pair"),
            models.CheckConstraint(
                condition=Q(from_venue__lt=F("to_venue")), name="travel_pair_ordered"
            ),
            models.CheckConstraint(condition=Q(minutes__gte=0), name="travel_minutes_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.from_venue} ↔ {self.to_venue}: {self.minutes} min"

    def clean(self) -> None:
        if self.from_venue_id and self.to_venue_id:
            if self.from_venue_id == self.to_venue_id:
                raise ValidationError(_("A travel time joins two different venues."))
            if self.from_venue_id > self.to_venue_id:
                # Either order may be typed; one order is stored.
                self.from_venue_id, self.to_venue_id = self.to_venue_id, self.from_venue_id


class MissionPartner(models.Model):
    """A partner organisation taking part in a mission (whom the delegation may meet)."""

    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="mission_partners",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="mission_partners",
    )
    is_host = models.BooleanField(
        _("hosts the delegation"), default=False, help_text=_("Receives the whole delegation.")
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("mission partner")
        verbose_name_plural = _("mission partners")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "organisation"], name="missionpartner_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.mission}"


class ProgrammeItem(TimeStampedModel):
    """A delegation-wide event: every delegate attends, so it blocks everyone's time."""

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="programme_items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    host = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_programme_items",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="programmeitem_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.starts_at and self.ends_at and self.mission_id):
            return
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An item must end after it starts.")})
        # The database has the same rule on PostgreSQL (migration 0003, exclusion constraint).
        overlapping = (
            ProgrammeItem.objects.filter(
                mission_id=self.mission_id, starts_at__lt=self.ends_at, ends_at__gt=self.starts_at
            )
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                _("This item overlaps “%(title)s”: the whole delegation attends both.")
                % {"title": overlapping.title}
            )


def brochure_upload_to(instance: "Application", filename: str) -> str:
    """A random name: the uploaded file name is never trusted nor kept on disk."""
    return f"brochures/{secrets.token_hex(16)}{PurePath(filename).suffix.lower()[:5] or '.pdf'}"


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
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
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
