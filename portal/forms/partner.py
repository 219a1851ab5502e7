"""Forms of a partner's page (behind its signed link). They parse and validate; the services
of ``matchmaking.services.links`` do the writing.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.models import PartnerAvailability
from matchmaking.services.links import DayAvailability

ACCEPT, DECLINE = "accept", "decline"


class RequestAnswerForm(forms.Form):
    """The partner's answer to one meeting request, and who will attend."""

    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("We accept this meeting")), (DECLINE, _("We decline this meeting"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose to accept or decline the meeting."),
            "invalid_choice": _("Choose to accept or decline the meeting."),
        },
    )
    partner_attendees = forms.CharField(
        label=_("Who will attend for your organisation"),
        required=False,
        max_length=300,
        help_text=_("Names and roles, e.g. Dr Anne Dupont, head of R&D. You can change it later."),
        widget=forms.TextInput(attrs={"maxlength": 300, "autocomplete": "off"}),
    )
    partner_note = forms.CharField(
        label=_("A note for the CEPEX team (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == ACCEPT


class AvailabilityForm(forms.Form):
    """The partner's availability, one row per day of the mission: available or not, and if so
    optionally from and until when. The days come from the mission, never from the browser.
    """

    def __init__(
        self,
        *args,
        days: list[dt.date],
        current: dict[dt.date, PartnerAvailability],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.days = list(days)
        for day in self.days:
            row = current.get(day)
            key = self._key(day)
            self.fields[f"{key}_available"] = forms.BooleanField(
                label=_("Available this day"),
                required=False,
                initial=row.is_available if row else True,
            )
            self.fields[f"{key}_from"] = forms.TimeField(
                label=_("From"),
                required=False,
                initial=row.available_from if row else None,
                widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            )
            self.fields[f"{key}_to"] = forms.TimeField(
                label=_("Until"),
                required=False,
                initial=row.available_to if row else None,
                widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            )

    @staticmethod
    def _key(day: dt.date) -> str:
        return f"d{day:%Y%m%d}"

    def rows(self) -> list[dict]:
        """For the template: each day with its three bound fields."""
        return [
            {
                "day": day,
                "available": self[f"{self._key(day)}_available"],
                "from": self[f"{self._key(day)}_from"],
                "to": self[f"{self._key(day)}_to"],
            }
            for day in self.days
        ]

    def clean(self):
        cleaned = super().clean()
        for day in self.days:
            key = self._key(day)
            start, end = cleaned.get(f"{key}_from"), cleaned.get(f"{key}_to")
            if cleaned.get(f"{key}_available") and start and end and end <= start:
                self.add_error(f"{key}_to", _("The end must come after the start."))
        return cleaned

    def answers(self) -> list[DayAvailability]:
        answers = []
        for day in self.days:
            key = self._key(day)
            available = bool(self.cleaned_data.get(f"{key}_available"))
            answers.append(
                DayAvailability(
                    day=day,
                    is_available=available,
                    available_from=self.cleaned_data.get(f"{key}_from") if available else None,
                    available_to=self.cleaned_data.get(f"{key}_to") if available else None,
                )
            )
        return answers
