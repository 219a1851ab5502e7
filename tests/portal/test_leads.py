"""The follow-up pages: the company space's Leads page (its leads, the outcome of its past
meetings), the reminder's one-time page, and the partner's outcomes page behind its signed
link. Who may see what, what each changes, and what bad input gets.

Text is checked in English (the source language) through the language cookie, except where a
test is about the language itself.
"""

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import MeetingState
from matchmaking.services.links import link_issue, link_revoke
from reports.models import Lead, LeadEvent, LeadReminder, MeetingOutcome
from tests.csp import inline_code
from tests.factories import (
    ApplicationFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
)
from tests.queries import page_queries
from tests.reports.factories_followup import LeadFactory, PastMeetingFactory

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
LEADS = reverse("space:leads")


def _private(response) -> None:
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def rep_a(client, company_a_user):
    client.cookies[LANGUAGE_COOKIE] = "en"
    client.force_login(company_a_user)
    return client


@pytest.fixture
def mission():
    return MissionFactory(title="Wallonie 2027")


@pytest.fixture
def biowin(mission):
    return MissionPartnerFactory(
        mission=mission, organisation=PartnerOrganisationFactory(name="BioWin")
    ).organisation


def _meeting(mission, company, partner, **kwargs):
    request = MeetingRequestFactory(mission=mission, company=company, partner=partner)
    return PastMeetingFactory(request=request, **kwargs)


@pytest.fixture
def meeting_a(mission, company_a, biowin):
    return _meeting(mission, company_a, biowin)


@pytest.fixture
def lead_a(mission, company_a, biowin):
    return LeadFactory(
        mission=mission,
        company=company_a,
        partner=biowin,
        title="Biosimilars licence",
        next_action="Send the samples",
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )


@pytest.fixture
def lead_b(mission, company_b):
    return LeadFactory(mission=mission, company=company_b, title="Beta's secret deal")


def _lead_data(lead, **values) -> dict:
    data = {
        "stage": lead.stage,
        "next_action": lead.next_action,
        "due_on": lead.due_on.isoformat() if lead.due_on else "",
        "dropped_reason": "",
        "agreement_kind": "",
        "agreement_value": "",
        "currency": "",
        "signed_on": "",
        "note": "",
        **values,
    }
    return {f"lead{lead.pk}-{name}": value for name, value in data.items()}


def _outcome_data(meeting, **values) -> dict:
    data = {"attendance": "held", "interest": "high", "next_step": "", **values}
    return {f"meeting{meeting.pk}-{name}": value for name, value in data.items()}


# --- Leads page: what a representative sees -------------------------------------------------


def test_leads_page_lists_own_leads_with_stage_next_action_and_due_date(
    rep_a, lead_a, lead_b, staff
):
    staff.first_name, staff.last_name = "Leïla", "Mansouri"
    staff.save()
    Lead.objects.filter(pk=lead_a.pk).update(owner=staff)

    response = rep_a.get(LEADS)

    assert response.status_code == 200
    _private(response)
    text = response.text
    for expected in (
        "BioWin",
        "Biosimilars licence",
        "Wallonie 2027",
        "Contact",
        "Send the samples",
        "Your contact at CEPEX",
        "Leïla Mansouri",
        "Your leads (1 open)",
    ):
        assert expected in text, expected
    assert "Beta&#x27;s secret deal" not in text
    assert "secret deal" not in text
    assert inline_code(text) == []


def test_leads_page_overdue_lead_is_flagged(rep_a, lead_a):
    Lead.objects.filter(pk=lead_a.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))

    text = rep_a.get(LEADS).text

    assert 'class="card lead is-overdue"' in text
    assert "overdue" in text


def test_leads_page_escapes_what_was_typed(rep_a, mission, company_a, biowin):
    LeadFactory(
        mission=mission,
        company=company_a,
        partner=biowin,
        title="<script>alert('t')</script>",
        next_action="<b>now</b>",
    )

    text = rep_a.get(LEADS).text

    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in text
    assert "&lt;b&gt;now&lt;/b&gt;" in text


def test_leads_page_closed_lead_shows_its_agreement_and_no_form(rep_a, lead_a):
    Lead.objects.filter(pk=lead_a.pk).update(
        stage="agreement", agreement_kind="licensing", agreement_value=480000, currency="EUR"
    )

    text = rep_a.get(LEADS).text

    assert "Licensing, 480,000.00 EUR" in text
    assert reverse("space:lead_update", args=[lead_a.pk]) not in text


def test_leads_page_past_meeting_offers_the_outcome_form(rep_a, meeting_a):
    future = MeetingFactory(
        request=MeetingRequestFactory(mission=meeting_a.mission, company=meeting_a.company),
        state=MeetingState.CONFIRMED,
    )

    text = rep_a.get(LEADS).text

    assert reverse("space:outcome", args=[meeting_a.pk]) in text
    assert "To record" in text
    assert reverse("space:outcome", args=[future.pk]) not in text


def test_leads_page_queries_same_for_one_and_many_rows(rep_a, mission, company_a):
    def add(n):
        for _ in range(n):
            partner = MissionPartnerFactory(mission=mission).organisation
            meeting = _meeting(mission, company_a, partner)
            MeetingOutcome.objects.create(
                meeting=meeting, side="company", attendance="held", interest="low"
            )
            lead = LeadFactory(mission=mission, company=company_a, partner=partner)
            LeadEvent.objects.create(lead=lead, stage_to="contact", side="staff")

    rep_a.get(LEADS)  # the first page of a session stores the chosen language
    add(1)
    one = page_queries(rep_a, LEADS)
    add(5)
    many = page_queries(rep_a, LEADS)

    # Session, user; leads with their events; past meetings with the company's outcomes.
    assert one == many == 6


# --- Leads page: updating a lead ------------------------------------------------------------


def test_lead_update_moves_own_lead_and_keeps_history(rep_a, lead_a, company_a_user):
    response = rep_a.post(
        reverse("space:lead_update", args=[lead_a.pk]),
        _lead_data(lead_a, stage="nda", note="NDA signed in Gosselies"),
    )

    assert response.status_code == 302
    assert response.url == f"{LEADS}#lead-{lead_a.pk}"
    lead_a.refresh_from_db()
    assert lead_a.stage == "nda"
    event = LeadEvent.objects.get()
    assert (event.side, event.by, event.note) == (
        "company",
        company_a_user,
        "NDA signed in Gosselies",
    )
    assert "The lead with BioWin is updated." in rep_a.get(response.url).text


def test_lead_update_agreement_with_value_in_french_decimal_format(rep_a, lead_a):
    rep_a.cookies[LANGUAGE_COOKIE] = "fr"

    response = rep_a.post(
        reverse("space:lead_update", args=[lead_a.pk]),
        _lead_data(
            lead_a,
            stage="agreement",
            agreement_kind="distribution",
            agreement_value="125000,50",
            currency="eur",
        ),
    )

    assert response.status_code == 302
    lead_a.refresh_from_db()
    assert (lead_a.stage, str(lead_a.agreement_value), lead_a.currency) == (
        "agreement",
        "125000.50",
        "EUR",
    )


def test_lead_update_another_company_lead_is_404(rep_a, lead_b):
    response = rep_a.post(
        reverse("space:lead_update", args=[lead_b.pk]), _lead_data(lead_b, stage="nda")
    )

    assert response.status_code == 404
    lead_b.refresh_from_db()
    assert lead_b.stage == "contact"


def test_lead_update_refused_by_the_rules_shows_the_message(rep_a, lead_a):
    response = rep_a.post(
        reverse("space:lead_update", args=[lead_a.pk]), _lead_data(lead_a, stage="dropped")
    )

    assert response.status_code == 400
    assert "Say why the lead was dropped." in response.text
    lead_a.refresh_from_db()
    assert lead_a.stage == "contact"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"due_on": "next week"}, "Enter a valid date."),
        ({"stage": "won"}, "Select a valid choice. won is not one of the available choices."),
        ({"agreement_value": "a lot"}, "Enter a number."),
        ({"next_action": "x" * 301}, "Ensure this value has at most 300 characters"),
    ],
)
def test_lead_update_bad_input_gets_a_message_not_an_error_page(rep_a, lead_a, values, message):
    response = rep_a.post(
        reverse("space:lead_update", args=[lead_a.pk]), _lead_data(lead_a, **values)
    )

    assert response.status_code == 400
    assert message in response.text


def test_lead_update_closed_lead_is_refused(rep_a, lead_a):
    Lead.objects.filter(pk=lead_a.pk).update(stage="dropped", dropped_reason="No budget")

    response = rep_a.post(
        reverse("space:lead_update", args=[lead_a.pk]), _lead_data(lead_a, stage="contact")
    )

    assert response.status_code == 302
    lead_a.refresh_from_db()
    assert lead_a.stage == "dropped"


def test_lead_update_anonymous_and_staff_kept_out(client, staff, lead_a):
    url = reverse("space:lead_update", args=[lead_a.pk])

    assert client.post(url, _lead_data(lead_a, stage="nda")).status_code == 302
    client.force_login(staff)
    assert client.post(url, _lead_data(lead_a, stage="nda")).status_code == 403
    lead_a.refresh_from_db()
    assert lead_a.stage == "contact"


def test_lead_update_get_not_allowed(rep_a, lead_a):
    assert rep_a.get(reverse("space:lead_update", args=[lead_a.pk])).status_code == 405


# --- Leads page: the outcome of a meeting ---------------------------------------------------


def test_outcome_recorded_marks_the_meeting_held_and_opens_a_lead(rep_a, meeting_a):
    response = rep_a.post(
        reverse("space:outcome", args=[meeting_a.pk]),
        _outcome_data(meeting_a, next_step="Visit the plant"),
    )

    assert response.status_code == 302
    outcome = MeetingOutcome.objects.get()
    assert (outcome.side, outcome.attendance, outcome.interest, outcome.next_step) == (
        "company",
        "held",
        "high",
        "Visit the plant",
    )
    meeting_a.refresh_from_db()
    assert meeting_a.state == MeetingState.HELD
    assert Lead.objects.get().next_action == "Visit the plant"
    text = rep_a.get(LEADS).text
    assert "Thank you: the outcome of your meeting with BioWin is recorded." in text
    assert "Change your answer" in text


def test_outcome_held_without_interest_says_so(rep_a, meeting_a):
    response = rep_a.post(
        reverse("space:outcome", args=[meeting_a.pk]), _outcome_data(meeting_a, interest="")
    )

    assert response.status_code == 400
    assert "Say how interested you are in going further." in response.text
    assert not MeetingOutcome.objects.exists()


def test_outcome_another_company_meeting_is_404(rep_a, mission, company_b, biowin):
    meeting_b = _meeting(mission, company_b, biowin)

    response = rep_a.post(reverse("space:outcome", args=[meeting_b.pk]), _outcome_data(meeting_b))

    assert response.status_code == 404
    assert not MeetingOutcome.objects.exists()


def test_outcome_meeting_not_ended_is_404(rep_a, mission, company_a, biowin):
    future = MeetingFactory(
        request=MeetingRequestFactory(mission=mission, company=company_a, partner=biowin),
        state=MeetingState.CONFIRMED,
    )

    response = rep_a.post(reverse("space:outcome", args=[future.pk]), _outcome_data(future))

    assert response.status_code == 404


# --- The reminder's one-time page -----------------------------------------------------------


TOKEN = "a-token-of-the-e-mail"


def _reminder(mission, company, *, token=TOKEN, sent_days_ago=1):
    LeadReminder.objects.create(
        mission=mission,
        company=company,
        milestone_days=30,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        sent_at=timezone.now() - dt.timedelta(days=sent_days_ago),
    )
    return reverse("space:lead_reminder", args=[token])


@pytest.fixture
def english():
    client = Client()
    client.cookies[LANGUAGE_COOKIE] = "en"
    return client


def test_reminder_page_get_shows_the_open_leads_and_changes_nothing(
    english, mission, company_a, lead_a, lead_b
):
    url = _reminder(mission, company_a)
    before = (list(Lead.objects.values()), list(LeadReminder.objects.values()))

    response = english.get(url)

    assert response.status_code == 200
    _private(response)
    assert response["Referrer-Policy"] == "same-origin"
    assert "Leads of Alpha Pharma SA" in response.text
    assert "Biosimilars licence" in response.text
    assert "secret deal" not in response.text
    assert inline_code(response.text) == []
    assert (list(Lead.objects.values()), list(LeadReminder.objects.values())) == before


def test_reminder_page_post_updates_the_leads_once(english, mission, company_a, lead_a):
    url = _reminder(mission, company_a)

    response = english.post(url, _lead_data(lead_a, stage="negotiation", note="Term sheet"))

    assert response.status_code == 200
    assert "Thank you" in response.text
    lead_a.refresh_from_db()
    assert lead_a.stage == "negotiation"
    event = LeadEvent.objects.get()
    assert (event.side, event.by, event.note) == ("company", None, "Term sheet")
    assert LeadReminder.objects.get().used_at is not None

    again = english.post(url, _lead_data(lead_a, stage="agreement", agreement_kind="mou"))

    assert again.status_code == 400
    assert "This link has already been used" in again.text
    lead_a.refresh_from_db()
    assert lead_a.stage == "negotiation"


def test_reminder_page_post_refused_keeps_the_link_and_the_leads(
    english, mission, company_a, lead_a
):
    url = _reminder(mission, company_a)

    response = english.post(url, _lead_data(lead_a, stage="dropped"))

    assert response.status_code == 400
    assert "Say why the lead was dropped." in response.text
    assert LeadReminder.objects.get().used_at is None
    lead_a.refresh_from_db()
    assert lead_a.stage == "contact"


def test_reminder_page_expired_link_says_so(english, mission, company_a, lead_a):
    url = _reminder(mission, company_a, sent_days_ago=31)

    response = english.get(url)

    assert response.status_code == 400
    assert "This link has expired." in response.text


def test_reminder_page_unknown_token_is_404(english, mission, company_a, lead_a):
    _reminder(mission, company_a)

    response = english.get(reverse("space:lead_reminder", args=["not-the-token"]))

    assert response.status_code == 404
    _private(response)


def test_reminder_page_speaks_the_language_of_the_email(client, mission, company_a, lead_a):
    ApplicationFactory(mission=mission, company=company_a, language="ar")
    url = _reminder(mission, company_a)

    response = client.get(url)

    assert '<html lang="ar" dir="rtl">' in response.text


# --- The partner's outcomes page ------------------------------------------------------------


@pytest.fixture
def link(mission, biowin):
    return link_issue(mission=mission, partner=biowin)


def test_partner_outcomes_page_lists_its_past_meetings_only(
    english, link, meeting_a, mission, company_b
):
    other_partner = MissionPartnerFactory(mission=mission).organisation
    _meeting(mission, company_b, other_partner)
    MeetingOutcome.objects.create(
        meeting=meeting_a,
        side="company",
        attendance="held",
        interest="high",
        next_step="Company's private next step",
    )

    response = english.get(reverse("partner:outcomes", args=[link.token]))

    assert response.status_code == 200
    _private(response)
    assert response["Referrer-Policy"] == "same-origin"
    assert "After the meetings: BioWin" in response.text
    assert "Alpha Pharma SA" in response.text
    assert "Beta Biotech SARL" not in response.text
    assert "Company&#x27;s private next step" not in response.text
    assert "rep-a@alpha.example" not in response.text
    assert inline_code(response.text) == []


def test_partner_home_links_to_the_outcomes_page(english, link):
    response = english.get(reverse("partner:home", args=[link.token]))

    assert reverse("partner:outcomes", args=[link.token]) in response.text


def test_partner_outcome_recorded_on_its_side(english, link, meeting_a):
    response = english.post(
        reverse("partner:outcome", args=[link.token, meeting_a.pk]),
        _outcome_data(meeting_a, attendance="no_show", interest=""),
    )

    assert response.status_code == 302
    assert MeetingOutcome.objects.get().side == "partner"
    meeting_a.refresh_from_db()
    assert meeting_a.state == MeetingState.NO_SHOW


def test_partner_outcome_another_partner_meeting_is_404(english, link, mission, company_b):
    other = _meeting(mission, company_b, MissionPartnerFactory(mission=mission).organisation)

    response = english.post(
        reverse("partner:outcome", args=[link.token, other.pk]), _outcome_data(other)
    )

    assert response.status_code == 404
    assert not MeetingOutcome.objects.exists()


def test_partner_outcomes_revoked_link_refused(english, link):
    token = link.token
    link_revoke(link=link)

    response = english.get(reverse("partner:outcomes", args=[token]))

    assert response.status_code == 400


def test_partner_outcomes_page_queries_same_for_one_and_many(english, link, mission, biowin):
    from tests.factories import CompanyFactory

    def add(n):
        for _ in range(n):
            meeting = _meeting(mission, CompanyFactory(), biowin)
            MeetingOutcome.objects.create(
                meeting=meeting, side="partner", attendance="held", interest="low"
            )

    url = reverse("partner:outcomes", args=[link.token])
    add(1)
    one = page_queries(english, url)
    add(5)
    many = page_queries(english, url)

    assert one == many
