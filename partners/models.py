"""Companies of the delegation, foreign partner organisations, their contacts and sectors."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cepex_portal.models import TimeStampedModel

from .enums import ClaimStatus, CompanySize, Governorate, KeyFigureKind, PartnerKind
from .validators import (
    ascii_digits,
    format_tax_id,
    normalize_phone,
    normalize_tax_id,
    validate_e164,
    validate_tax_id,
)


class TranslatedNameMixin(models.Model):
    """A name kept in French (the reference) with English and Arabic renderings."""

    name = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="")
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        if language in ("en", "ar"):
            return getattr(self, f"name_{language}") or self.name
        return self.name


class Sector(TranslatedNameMixin):
    """An economic sector; staff extend the list in the admin."""

    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name"]


class Certification(models.Model):
    """A quality certification a company may hold (GMP, ISO 13485, ...)."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True)
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
        "missions.Venue",
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


class Contact(TimeStampedModel):
    """A person at a company or at a partner organisation (exactly one of the two)."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=150, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_e164],
        help_text=_("E.164, e.g. +21671234567."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    is_confirmed = models.BooleanField(
        _("confirmed by staff"),
        default=True,
        help_text=_(
            "Off for the first representative of a company new to the portal, who only "
            "proved their e-mail address: staff confirm them when they select the company."
        ),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False) & Q(organisation__isnull=True))
                | (Q(company__isnull=True) & Q(organisation__isnull=False)),
                name="contact_belongs_to_company_xor_partner",
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__startswith="+"), name="contact_phone_e164"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean_fields(self, exclude=None) -> None:
        # Before the E.164 validator: "+216 ٧١ ٢٣٤ ٥٦٧" as typed is "+21671234567".
        if self.phone and "phone" not in (exclude or ()):
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError as exc:
                raise ValidationError({"phone": exc.error_list}) from exc
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs) -> None:
        # Arabic-Indic or full-width digits are the same number in ASCII.
        self.phone = ascii_digits(self.phone)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RepresentativeClaim(TimeStampedModel):
    """Someone who says, through the public form, that they represent a company.

    Every submission of the public form makes one, and every one is settled the same way
    once its address is proved (see ``partners.claims``): for a company new to the portal,
    or an address the company already had, proving it is enough (``contact`` is set); for
    anyone else naming a known company, a confirmed representative or staff decide.
    Knowing a company's tax id (printed on every invoice) gives nothing by itself.
    """

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="claims"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claims",
        help_text=_("The company's contact with this address, existing or created on approval."),
    )
    company_name = models.CharField(
        _("company name given"),
        max_length=200,
        help_text=_("As the claimant typed it: e-mails to them repeat it, not the record."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=150, blank=True, default="")
    email = models.EmailField(_("email"))
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, default="", validators=[validate_e164]
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.UNVERIFIED
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_claims",
        help_text=_("Staff who decided, or the representative's account."),
    )
    decided_by_contact = models.ForeignKey(
        Contact,
        verbose_name=_("decided by representative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_claims",
        help_text=_(
            "The company's representative who decided. Neither is set when the claimant "
            "proved an address the company already had."
        ),
    )

    class Meta:
        verbose_name = _("representative claim")
        verbose_name_plural = _("representative claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.UNVERIFIED) | Q(email_verified_at__isnull=False),
                name="claim_verified_unless_unverified",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ClaimStatus.UNVERIFIED, ClaimStatus.PENDING])
                | Q(decided_at__isnull=False),
                name="claim_decision_has_time",
            ),
        ]
        indexes = [models.Index(fields=["company", "status"], name="claim_company_status")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} → {self.company}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
