"""Forms of the company space. They parse and validate; services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cepex_portal.forms import BoundedModelMultipleChoiceField
from missions.enums import WishPriority
from missions.services import MAX_WISHES
from partners.models import COMPANY_PROFILE_FIELDS, Certification, Company, Contact, Sector
from partners.services import CONTACT_SELF_FIELDS
from partners.validators import normalize_phone


class LoginRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The address your company gave us when it applied to a mission."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CompanyProfileForm(forms.ModelForm):
    """The part of the profile a company keeps itself. Never saved directly: see the service."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    sectors = BoundedModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = BoundedModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=Certification.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Company
        fields = list(COMPANY_PROFILE_FIELDS)
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "certifications": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["export_markets"].help_text = _(
            "Hold Ctrl (or Cmd) to choose several countries."
        )


class WishForm(forms.Form):
    """One wished partner. A row without a partner is an empty row, and is ignored."""

    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=WishPriority.choices,
        coerce=int,
        empty_value=None,
        required=False,
        initial=WishPriority.MEDIUM,
    )
    motivation = forms.CharField(
        label=_("Why this partner?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def __init__(self, *args, partner_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", _("(no partner)")), *partner_choices]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("partner"):
            if cleaned.get("motivation"):
                self.add_error("partner", _("Choose the partner this motivation is for."))
        elif not cleaned.get("priority") and "priority" not in self.errors:
            self.add_error("priority", _("Choose a priority."))
        return cleaned


class BaseWishFormSet(forms.BaseFormSet):
    def __init__(self, *args, partner_choices=(), **kwargs):
        self.partner_choices = list(partner_choices)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "partner_choices": self.partner_choices}

    def clean(self):
        # Django reads a negative count of rows as none: the list would be emptied by a
        # form no page of ours makes.
        if self.total_form_count() < 0 or self.initial_form_count() < 0:
            raise ValidationError(
                _("The form was not sent whole. Reload the page and try again."),
                code="management_form",
            )
        if any(self.errors):
            return
        seen = set()
        duplicated = False
        for form in self.forms:
            partner = form.cleaned_data.get("partner")
            if not partner:
                continue
            if partner in seen:
                form.add_error("partner", _("This partner is already in your list."))
                duplicated = True
            seen.add(partner)
        if duplicated:
            raise ValidationError(_("Name each partner once."), code="duplicate")

    def wished(self) -> list[tuple[int, int, str]]:
        """(partner id, priority, motivation) of the rows that name a partner, in order."""
        return [
            (
                form.cleaned_data["partner"],
                form.cleaned_data["priority"],
                form.cleaned_data.get("motivation", ""),
            )
            for form in self.forms
            if form.cleaned_data.get("partner")
        ]


WishFormSet = forms.formset_factory(
    WishForm,
    formset=BaseWishFormSet,
    extra=0,
    max_num=MAX_WISHES,
    absolute_max=MAX_WISHES,
    validate_max=True,
)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that my company withdraws from this mission."), required=True
    )


class ContactDetailsForm(forms.ModelForm):
    """A representative's own details. Never saved directly: see the service."""

    class Meta:
        model = Contact
        fields = list(CONTACT_SELF_FIELDS)
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].max_length = 30  # typed with spaces; stored in E.164
        self.fields["phone"].help_text = _("With the country code, e.g. +216 71 234 567.")

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone else ""

    def _post_clean(self):
        # The service validates and saves; the form must not write to its instance.
        pass


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )


class HeldReviewForm(forms.Form):
    """A representative's choice on what the public form sent for their company."""

    decision = forms.ChoiceField(
        choices=[("submit", _("Submit it for my company")), ("discard", _("Discard it"))],
        widget=forms.HiddenInput,
    )
