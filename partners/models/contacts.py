"""People at companies and partners, and claims to represent a company."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cepex_portal.models import TimeStampedModel

from ..enums import ClaimStatus
from ..validators import ascii_digits, normalize_phone, validate_e164
from .companies import Company
from .organisations import PartnerOrganisation


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
    # Set when the person's data was erased (GDPR): the row stays for the business records
    # that point at it, with no name, address or phone left (privacy.services.contact_erase).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
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
        # Login and claims look contacts up by address, in any case.
        indexes = [models.Index(Lower("email"), name="contact_email_lower")]

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
    once its address is proved (see ``partners.services.claims``): for a company new to the portal,
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
