"""Forms of the public portal: the interest form a company fills in to join a mission."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cepex_portal.forms import BoundedModelMultipleChoiceField
from missions.enums import Objective, WishPriority
from missions.validators import validate_pdf_upload
from partners.enums import CompanySize, Governorate
from partners.models import COMPANY_PROFILE_FIELDS, Certification, PartnerOrganisation, Sector
from partners.validators import normalize_phone, normalize_tax_id, validate_tax_id


class CountryMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=lambda: list(countries), **kwargs)


class ApplicationFieldsForm(forms.Form):
    """What a company says about one mission: objectives, markets, motivation, brochure.

    Shared by the public interest form, the form of a logged-in representative and the
    company space's "update my application".
    """

    objectives = forms.MultipleChoiceField(
        label=_("Your objectives for this mission"),
        choices=Objective.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    target_markets = CountryMultipleChoiceField(
        label=_("Target markets"),
        required=False,
        help_text=_("The markets you want to reach through this mission."),
    )
    motivation = forms.CharField(
        label=_("What do you expect from this mission?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )
    brochure = forms.FileField(
        label=_("Company brochure (PDF, 5 MB at most)"),
        required=False,
        validators=[validate_pdf_upload],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("Optional. If the form shows an error, choose the file again."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that CEPEX processes these data to organise the mission and follow it "
            "up, as described in the privacy notice."
        ),
        error_messages={"required": _("We need your consent to process your application.")},
    )

    def application_data(self) -> dict:
        """Keyword arguments of the submit and update services."""
        return {
            "objectives": self.cleaned_data["objectives"],
            "target_markets": self.cleaned_data["target_markets"],
            "motivation": self.cleaned_data["motivation"],
            "brochure": self.cleaned_data.get("brochure") or None,
        }


class WishFieldsMixin:
    """One pair of fields per partner of the mission (``wish_<id>_priority`` and
    ``wish_<id>_motivation``), so that a phone shows a simple list: pick a priority next to
    each partner you want to meet.
    """

    wish_priority_choices = [("", _("Not this time")), *WishPriority.choices]

    def __init__(self, *args, partners: list[PartnerOrganisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = list(partners)
        for partner in self.partners:
            self.fields[f"wish_{partner.pk}_priority"] = forms.TypedChoiceField(
                label=str(partner),
                choices=self.wish_priority_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"wish_{partner.pk}_motivation"] = forms.CharField(
                label=_("Why this partner?"), max_length=500, required=False
            )

    def clean(self):
        cleaned = super().clean()
        for partner in self.partners:
            priority = cleaned.get(f"wish_{partner.pk}_priority")
            motivation = cleaned.get(f"wish_{partner.pk}_motivation")
            if motivation and not priority:
                self.add_error(
                    f"wish_{partner.pk}_priority",
                    _("Choose a priority to ask for a meeting with %(partner)s.")
                    % {"partner": partner},
                )
        return cleaned

    def wish_rows(self):
        """(partner, priority field, motivation field) for the template."""
        return [
            (partner, self[f"wish_{partner.pk}_priority"], self[f"wish_{partner.pk}_motivation"])
            for partner in self.partners
        ]

    def wishes(self) -> list[tuple[PartnerOrganisation, int, str]]:
        return [
            (
                partner,
                self.cleaned_data[f"wish_{partner.pk}_priority"],
                self.cleaned_data.get(f"wish_{partner.pk}_motivation", ""),
            )
            for partner in self.partners
            if self.cleaned_data.get(f"wish_{partner.pk}_priority")
        ]


class RepresentativeInterestForm(WishFieldsMixin, ApplicationFieldsForm):
    """The interest form of a logged-in representative: their company is known already."""


class InterestForm(WishFieldsMixin, ApplicationFieldsForm):
    """Company identity, contact person, objectives, wishes, brochure and consent."""

    # Company
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    tax_id = forms.CharField(
        label=_("Tax id (matricule fiscal)"),
        max_length=30,
        help_text=_("For example 1234567A/A/M/000."),
    )
    governorate = forms.ChoiceField(
        label=_("Governorate"), choices=[("", "---------"), *Governorate.choices]
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    sectors = BoundedModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.ChoiceField(label=_("Size"), choices=[("", "---------"), *CompanySize.choices])
    certifications = BoundedModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=Certification.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    export_markets = CountryMultipleChoiceField(
        label=_("Current export markets"),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Company description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )

    # Contact person
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    role = forms.CharField(label=_("Role"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("With the country code, e.g. +216 71 234 567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    # Honeypot: hidden from people by CSS; robots fill every field they find.
    nickname = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_tax_id(self) -> str:
        value = normalize_tax_id(self.cleaned_data["tax_id"])
        validate_tax_id(value)
        return value

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("nickname"))

    COMPANY_FIELDS = ("tax_id", *COMPANY_PROFILE_FIELDS)
    CONTACT_FIELDS = ("first_name", "last_name", "role", "email", "phone")

    def company_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.COMPANY_FIELDS}

    def contact_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.CONTACT_FIELDS}
