"""The programme of a mission: delegation-wide items that block everyone's time."""

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cepex_portal.constraints import PostgresExclusionConstraint, TsTzRange
from cepex_portal.models import TimeStampedModel
from partners.models import PartnerOrganisation, Venue

from ..enums import (
    ProgrammeItemKind,
)
from .missions import Mission


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
            # Every delegate attends every item: two items of one mission never overlap.
            PostgresExclusionConstraint(
                name="programmeitem_no_overlap_per_mission",
                expressions=[
                    ("mission", RangeOperators.EQUAL),
                    (
                        TsTzRange("starts_at", "ends_at", RangeBoundary()),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.starts_at and self.ends_at and self.mission_id):
            return
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An item must end after it starts.")})
        # The database has the same rule on PostgreSQL (the exclusion constraint above).
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
