"""Forms of the follow-up: a meeting's outcome, and a lead's update (company space, the
reminder's one-time page). They parse and validate the input; the rules of the pipeline
(which stage may follow which, what an agreement needs) are the service's, and its errors are
shown on the form's fields.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.enums import AgreementKind, Attendance, InterestLevel, LeadStage
from reports.models import Lead, MeetingOutcome
from reports.services.followup import COMPANY_LEAD_FIELDS, lead_stages_allowed


class _DateInput(forms.DateInput):
    """A browser date picker: the value travels as ISO 8601 in every language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OutcomeForm(forms.Form):
    """What one side says came of a meeting."""

    attendance = forms.ChoiceField(
        label=_("Did the meeting take place?"),
        choices=Attendance.choices,
        widget=forms.RadioSelect,
    )
    interest = forms.ChoiceField(
        label=_("Interest in going further"),
        choices=InterestLevel.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A high or medium interest opens a lead that CEPEX follows up with you."),
    )
    next_step = forms.CharField(
        label=_("Next step"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: send samples, sign an NDA, a visit in September."),
    )

    def __init__(self, *args, outcome: MeetingOutcome | None = None, **kwargs):
        if outcome is not None:
            kwargs.setdefault(
                "initial",
                {
                    "attendance": outcome.attendance,
                    "interest": outcome.interest,
                    "next_step": outcome.next_step,
                },
            )
        super().__init__(*args, **kwargs)

    def answer(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("attendance", "interest", "next_step")}


class LeadUpdateForm(forms.Form):
    """A company's news of one lead: its stage and what comes next."""

    stage = forms.ChoiceField(label=_("Stage"), choices=LeadStage.choices)
    next_action = forms.CharField(label=_("Next action"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=_DateInput)
    dropped_reason = forms.CharField(
        label=_("Why dropped"),
        max_length=300,
        required=False,
        help_text=_("Only if the lead is dropped."),
    )
    agreement_kind = forms.ChoiceField(
        label=_("Agreement"),
        choices=[("", "—"), *AgreementKind.choices],
        required=False,
        help_text=_("Only once an agreement is signed."),
    )
    agreement_value = forms.DecimalField(
        label=_("Value of the agreement"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("ISO 4217 code, e.g. EUR, USD, TND."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=_DateInput)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened; kept in the lead's history."),
    )

    def __init__(self, *args, lead: Lead, side: str, **kwargs):
        self.lead = lead
        kwargs.setdefault("prefix", f"lead{lead.pk}")
        kwargs.setdefault("initial", {name: getattr(lead, name) for name in COMPANY_LEAD_FIELDS})
        super().__init__(*args, **kwargs)
        allowed = lead_stages_allowed(current=lead.stage, side=side)
        self.fields["stage"].choices = [
            (value, label) for value, label in LeadStage.choices if value in allowed
        ]

    # On the page, the fields of a closed lead (dropped, agreement) fold away under the rest.
    CLOSING_FIELDS = (
        "dropped_reason",
        "agreement_kind",
        "agreement_value",
        "currency",
        "signed_on",
    )

    def main_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.CLOSING_FIELDS]

    def closing_fields(self) -> list:
        return [self[name] for name in self.CLOSING_FIELDS]

    def has_closing_errors(self) -> bool:
        return any(self.has_error(name) for name in self.CLOSING_FIELDS)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def changes(self) -> dict:
        """The lead's fields as typed, and the note: what the service is given."""
        return {name: self.cleaned_data[name] for name in (*COMPANY_LEAD_FIELDS, "note")}


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the fields it names (the others above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
