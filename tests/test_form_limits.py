"""Every form field that lands in a bounded column says so (issue 6: an e-mail address of
255 to 320 characters passed the form and made PostgreSQL raise DataError, a 500).

Each public or company-space form is walked field by field against the model field it is
stored in; a new text field without a limit, or with a limit wider than its column, fails.
"""

import inspect

import pytest
from django import forms

import portal.forms.leads
import portal.forms.partner
import portal.forms.public
import portal.forms.reports
import portal.forms.space
from cepex_portal.models import User
from matchmaking.models import MeetingRequest
from missions.models import Application, WishedPartner
from partners.models import Company, Contact, PartnerOrganisation, RepresentativeClaim
from portal.forms.leads import LeadUpdateForm, OutcomeForm
from portal.forms.partner import AvailabilityForm, RequestAnswerForm
from portal.forms.public import ApplicationFieldsForm, InterestForm, RepresentativeInterestForm
from portal.forms.space import CompanyProfileForm, ContactDetailsForm, LoginRequestForm, WishForm
from reports.models import Lead, LeadEvent, MeetingOutcome

# Fields normalised before storage, where what people type is longer than what is kept:
# "1234567 / a / a / m / 000" is stored as 1234567AAM000, "+216 71 234 567" as +21671234567.
NORMALISED = {"tax_id", "phone"}

# Every form of the faces, with the models its text is stored in (the interest form's
# contact also goes into a claim to represent a known company).
FORMS = [
    (InterestForm, [Company, Contact, Application, RepresentativeClaim]),
    (ApplicationFieldsForm, [Application]),
    (RepresentativeInterestForm, [Application]),
    (CompanyProfileForm, [Company]),
    (ContactDetailsForm, [Contact]),
    (LoginRequestForm, [User]),
    (WishForm, [WishedPartner]),
    (RequestAnswerForm, [MeetingRequest]),
    (AvailabilityForm, []),
    (OutcomeForm, [MeetingOutcome]),
    (LeadUpdateForm, [Lead, LeadEvent]),
]
# Forms that store no text: choices, booleans, hidden ids.
NO_TEXT = {"WithdrawForm", "ClaimDecisionForm", "HeldReviewForm", "ReportRequestForm"}


def _form_instance(form_class):
    partners = [PartnerOrganisation(pk=1, name="BioWin")]
    if form_class in (InterestForm, RepresentativeInterestForm):
        return form_class(partners=partners)
    if form_class is AvailabilityForm:
        return form_class(days=[], current={})
    if form_class is LeadUpdateForm:
        return form_class(lead=Lead(), side="company")
    return form_class()


def test_every_form_of_the_faces_is_walked():
    found = {
        name
        for module in (
            portal.forms.leads,
            portal.forms.partner,
            portal.forms.public,
            portal.forms.reports,
            portal.forms.space,
        )
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    }

    assert found == {f.__name__ for f, _ in FORMS} | NO_TEXT


def _column(models, name):
    for model in models:
        try:
            return model._meta.get_field(name)
        except Exception:  # noqa: S112 - not this model's field; try the next one
            continue
    return None


@pytest.mark.parametrize(("form_class", "models"), FORMS, ids=[f.__name__ for f, _ in FORMS])
def test_form_text_fields_fit_their_columns(form_class, models):
    form = _form_instance(form_class)
    too_wide = []
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or name in NORMALISED:
            continue
        if name.startswith("wish_1_"):
            column = _column([WishedPartner], name.removeprefix("wish_1_"))
        else:
            column = _column(models, name)
        if column is None or getattr(column, "max_length", None) is None:
            continue
        if field.max_length is None or field.max_length > column.max_length:
            too_wide.append((name, field.max_length, column.max_length))

    assert too_wide == []
