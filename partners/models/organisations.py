"""Foreign partner organisations and the figures that describe them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cepex_portal.models import TimeStampedModel

from ..enums import KeyFigureKind, PartnerKind
from .places import Venue
from .reference import Sector


class PartnerOrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)


class PartnerOrganisation(TimeStampedModel):
    """A foreign organisation the delegation meets: company, lab, cluster, authority, ..."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=100, blank=True, default="")
    city = models.CharField(_("city"), max_length=100, blank=True, default="")
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("own venue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosts",
        help_text=_("Where this partner hosts its meetings, if it hosts them."),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="partners", blank=True
    )
    capabilities = models.TextField(_("capabilities"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo data.")
    )

    objects = PartnerOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="partner_unique_name_country"),
            models.CheckConstraint(condition=~Q(name=""), name="partner_name_set"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class KeyFigure(models.Model):
    """A figure that describes a partner: BioWin gathers 164 companies, and so on."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="key_figures",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=KeyFigureKind.choices)
    value = models.PositiveIntegerField(_("value"))
    as_of = models.DateField(_("as of"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["organisation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="keyfigure_unique_kind"),
            models.CheckConstraint(condition=Q(value__gte=0), name="keyfigure_value_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.get_kind_display()}"
