"""Forms of the managers' reports page: which report to make, in which language."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reports.enums import ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    # The page of the list the form was sent from, to come back to it.
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
