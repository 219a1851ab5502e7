"""National companies, the members (past or future) of a delegation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cepex_portal.models import TimeStampedModel

from ..enums import CompanySize, Governorate
from ..validators import format_tax_id, normalize_tax_id, validate_tax_id
from .reference import Certification, Sector

# The fields of its profile a company may change itself (company space, interest form). The
# tax id is not among them: it identifies the company, and only staff correct it.
COMPANY_PROFILE_FIELDS = (
    "legal_name",
    "governorate",
    "city",
    "sectors",
    "size",
    "certifications",
    "export_markets",
    "website",
    "description",
)


class CompanyQuerySet(models.QuerySet):
    def examples(self):
        return self.filter(is_example=True)


class Company(TimeStampedModel):
    """A national (Tunisian) company: a member, past or future, of a delegation."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    tax_id = models.CharField(
        _("tax id (matricule fiscal)"),
        max_length=20,
        unique=True,
        validators=[validate_tax_id],
        help_text=_("Stored without separators, e.g. 1234567AAM000."),
    )
    governorate = models.CharField(
        _("governorate"), max_length=20, choices=Governorate.choices, blank=True, default=""
    )
    city = models.CharField(_("city"), max_length=100, blank=True, default="")
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="companies", blank=True
    )
    size = models.CharField(
        _("size"), max_length=10, choices=CompanySize.choices, blank=True, default=""
    )
    certifications = models.ManyToManyField(
        Certification, verbose_name=_("certifications"), related_name="companies", blank=True
    )
    export_markets = CountryField(_("export markets"), multiple=True, blank=True)
    website = models.URLField(_("website"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo data.")
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(legal_name=""), name="company_legal_name_set"),
            models.CheckConstraint(condition=~Q(tax_id=""), name="company_tax_id_set"),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def clean(self) -> None:
        # Before the uniqueness check of full_clean(): "1234567/a" is "1234567A".
        self.tax_id = normalize_tax_id(self.tax_id)

    def save(self, *args, **kwargs) -> None:
        self.tax_id = normalize_tax_id(self.tax_id)
        super().save(*args, **kwargs)

    @property
    def tax_id_display(self) -> str:
        return format_tax_id(self.tax_id)


class CompanyRevision(models.Model):
    """What a representative changed in a company profile, field by field."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="revisions"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company_revisions",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("{field: [old, new]}"))

    class Meta:
        verbose_name = _("company profile change")
        verbose_name_plural = _("company profile changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.company} @ {self.changed_at:%Y-%m-%d %H:%M}"
