"""Missions and the partners taking part in them."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cepex_portal.models import TimeStampedModel
from partners.models import PartnerOrganisation, Sector

from ..enums import (
    MissionKind,
    MissionStatus,
)


def validate_time_zone(value: str) -> None:
    """A name of the IANA database this machine has (not frozen into a migration: a tzdata
    update adds zones without asking for one).
    """
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone; use a name such as Europe/Brussels."),
            code="invalid_time_zone",
            params={"value": value},
        )


def time_zone_choices() -> list[tuple[str, str]]:
    """The time zones for a form's select, read when the form is built."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


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
        validators=[validate_time_zone],
        default=settings.TIME_ZONE,
        help_text=_("Times of the programme are shown and typed in this time zone."),
    )
    language = models.CharField(
        _("language of its reports"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The mission dossier and follow-up report are made in it unless someone asks for "
            "another language."
        ),
    )
    starts_on = models.DateField(_("starts on"), db_index=True)
    ends_on = models.DateField(_("ends on"))
    application_deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=10, help_text=_("How many companies the delegation takes.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MissionStatus.choices,
        default=MissionStatus.DRAFT,
        db_index=True,
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
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team"),
        related_name="team_missions",
        blank=True,
        limit_choices_to={"is_staff": True},
        help_text=_(
            "The chargés de mission assigned to this mission: in the back office, agency staff "
            "see and edit only the missions they are assigned to, and what hangs off them."
        ),
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-starts_on", "title"]
        permissions = [
            # Managers' (and superusers'): without it, staff see the missions of their team.
            ("view_all_missions", _("Can see every mission, not only those of their team")),
            # Superusers': who works on which mission is not the chargés' own choice.
            ("change_mission_team", _("Can assign chargés de mission to a mission")),
        ]
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
    max_meetings = models.PositiveSmallIntegerField(
        _("most B2B meetings"),
        null=True,
        blank=True,
        help_text=_("How many B2B meetings this partner takes at most on the mission."),
    )

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
