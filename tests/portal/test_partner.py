"""A partner's page behind its signed link: who gets in, what it shows, what it changes.

Text is checked in English (the source language) through the language cookie, except where
a test is about the language itself.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import MeetingState, RequestState
from matchmaking.models import CalendarFeed, MeetingRequest, PartnerAvailability, PartnerLink
from matchmaking.services.links import link_issue, link_revoke, link_send
from missions.enums import ApplicationStatus, Objective
from missions.models import ApplicationObjective
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    SectorFactory,
    VenueFactory,
)
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
REFUSED_INVALID = "This link is not valid. Check that you opened the whole address from the e-mail."
REFUSED_REVOKED = "This link was withdrawn by the CEPEX missions team."
REFUSED_EXPIRED = "This link has expired. Ask the CEPEX missions team for a new one."


@pytest.fixture
def english(client):
    client.cookies[LANGUAGE_COOKIE] = "en"
    return client


@pytest.fixture
def mission():
    return MissionFactory(
        title="Wallonia biotech 2027",
        starts_on=dt.date(2027, 7, 12),
        ends_on=dt.date(2027, 7, 14),
        destination_cities="Charleroi, Liège",
    )


@pytest.fixture
def partner(mission):
    partner = PartnerOrganisationFactory(name="BioWin")
    MissionPartnerFactory(mission=mission, organisation=partner)
    ContactFactory(company=None, organisation=partner, email="anne@biowin.example")
    return partner


@pytest.fixture
def other_partner(mission):
    other = PartnerOrganisationFactory(name="BioPark Charleroi")
    MissionPartnerFactory(mission=mission, organisation=other)
    return other


def _requesting_company(mission, partner, *, name: str, motivation: str = "", **request_kw):
    """A company of the delegation with its application (objectives) and a request sent."""
    company = CompanyFactory(legal_name=name, city="Sfax", description=f"{name} makes vaccines.")
    company.sectors.add(SectorFactory(slug=f"s-{name.lower()[:12]}", name_en=f"{name} sector"))
    application = ApplicationFactory(
        mission=mission,
        company=company,
        status=ApplicationStatus.ACCEPTED,
        target_markets=["SN"],
        contact__email=f"ceo@{name.lower().replace(' ', '')}.example",
        contact__phone="+21674123456",
    )
    ApplicationObjective.objects.create(
        application=application, objective=Objective.TECHNOLOGY_PARTNERSHIP
    )
    request_kw.setdefault("state", RequestState.SENT)
    request_kw.setdefault("sent_at", timezone.now())
    return MeetingRequestFactory(
        mission=mission, company=company, partner=partner, motivation=motivation, **request_kw
    )


@pytest.fixture
def sent_request(mission, partner):
    return _requesting_company(
        mission, partner, name="Alpha Pharma", motivation="Fill and finish of our vaccines"
    )


@pytest.fixture
def link(mission, partner):
    return link_issue(mission=mission, partner=partner)


def _page(link_or_token) -> str:
    token = link_or_token if isinstance(link_or_token, str) else link_or_token.token
    return reverse("partner:home", args=[token])


def _answer_url(link: PartnerLink, request: MeetingRequest) -> str:
    return reverse("partner:answer", args=[link.token, request.pk])


def _availability_url(link: PartnerLink) -> str:
    return reverse("partner:availability", args=[link.token])


def _answer(client, link, request, decision, attendees="", note=""):
    prefix = f"r{request.pk}"
    return client.post(
        _answer_url(link, request),
        {
            f"{prefix}-decision": decision,
            f"{prefix}-partner_attendees": attendees,
            f"{prefix}-partner_note": note,
        },
    )


def _state_of_everything() -> dict:
    return {
        "requests": list(
            MeetingRequest.objects.order_by("pk").values_list(
                "state", "partner_attendees", "responded_at", "updated_at"
            )
        ),
        "links": list(
            PartnerLink.objects.order_by("pk").values_list(
                "version", "revoked_at", "last_used_at", "updated_at"
            )
        ),
        "availability": list(PartnerAvailability.objects.values_list("pk", "updated_at")),
    }


# --- Who gets in ----------------------------------------------------------------------------


def test_partner_page_valid_link_shows_the_mission_and_the_requests(english, link, sent_request):
    response = english.get(_page(link))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Meeting requests for BioWin" in body
    assert "Wallonia biotech 2027" in body
    assert "Alpha Pharma" in body
    assert "Alpha Pharma sector" in body
    assert "Technology partnership" in body
    assert "Senegal" in body
    assert "Fill and finish of our vaccines" in body
    assert "Alpha Pharma makes vaccines." in body
    assert f'action="{_answer_url(link, sent_request)}"' in body
    assert f'action="{_availability_url(link)}"' in body


def test_partner_page_answers_are_private_and_keep_the_referrer_on_our_site(
    english, link, sent_request
):
    response = english.get(_page(link))

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "tamper",
    [lambda t: t + "x", lambda t: t[:-2], lambda t: t.replace(":", ":x", 1), lambda t: "abc"],
    ids=["appended", "truncated", "altered", "garbage"],
)
def test_partner_page_tampered_token_404_with_a_message(english, link, tamper):
    response = english.get(_page(tamper(link.token)))

    assert response.status_code == 404
    assert REFUSED_INVALID in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_partner_page_calendar_feed_token_404(english, link):
    feed = CalendarFeed.objects.create(partner_link=link)

    response = english.get(_page(feed.token))

    assert response.status_code == 404
    assert REFUSED_INVALID in response.content.decode()


def test_partner_page_expired_link_400_with_a_message(english, link):
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))

    response = english.get(_page(link))

    assert response.status_code == 400
    assert REFUSED_EXPIRED in response.content.decode()


def test_partner_page_revoked_link_400_with_a_message(english, link):
    token = link.token
    link_revoke(link=link)

    response = english.get(_page(token))

    assert response.status_code == 400
    assert REFUSED_REVOKED in response.content.decode()


def test_partner_page_revoked_then_resent_old_address_refused_new_one_works(
    english, link, sent_request, django_capture_on_commit_callbacks, mailoutbox
):
    old_token = link.token
    link_revoke(link=link)

    with django_capture_on_commit_callbacks(execute=True):
        resent = link_send(mission=link.mission, partner=link.partner)

    assert english.get(_page(old_token)).status_code == 400
    assert english.get(_page(resent)).status_code == 200
    assert _page(resent) in mailoutbox[0].body
    old_post = _answer(english, PartnerLink(pk=link.pk, version=1), sent_request, "accept")
    assert old_post.status_code == 400
    sent_request.refresh_from_db()
    assert sent_request.state == RequestState.SENT


def test_partner_page_token_of_another_partner_shows_that_partner_only(
    english, link, mission, other_partner, sent_request
):
    _requesting_company(mission, other_partner, name="Gamma Biotech")
    other_link = link_issue(mission=mission, partner=other_partner)

    body = english.get(_page(other_link)).content.decode()

    assert "Meeting requests for BioPark Charleroi" in body
    assert "Gamma Biotech" in body
    assert "Alpha Pharma" not in body


def test_partner_answer_with_another_partners_token_404_and_changes_nothing(
    english, mission, other_partner, sent_request
):
    other_link = link_issue(mission=mission, partner=other_partner)

    response = _answer(english, other_link, sent_request, "decline")

    assert response.status_code == 404
    assert "This request is not on your page." in response.content.decode()
    sent_request.refresh_from_db()
    assert sent_request.state == RequestState.SENT


# --- GET changes nothing --------------------------------------------------------------------


def test_partner_page_get_changes_nothing(english, link, sent_request):
    PartnerAvailability.objects.create(
        mission=link.mission, partner=link.partner, day=dt.date(2027, 7, 12)
    )
    before = _state_of_everything()

    english.get(_page(link))
    english.head(_page(link))
    english.get(_page(link) + "?decision=accept")

    assert _state_of_everything() == before


@pytest.mark.parametrize("view", ["answer", "availability"])
def test_partner_actions_get_405_and_change_nothing(english, link, sent_request, view):
    url = _answer_url(link, sent_request) if view == "answer" else _availability_url(link)
    before = _state_of_everything()

    response = english.get(url)

    assert response.status_code == 405
    assert _state_of_everything() == before


# --- Answers --------------------------------------------------------------------------------


def test_partner_answer_accept_records_answer_and_attendees_and_redirects(
    english, link, sent_request
):
    response = _answer(
        english, link, sent_request, "accept", attendees="Dr Anne Dupont, head of R&D"
    )

    assert response.status_code == 302
    assert response["Location"] == _page(link) + f"#request-{sent_request.pk}"
    sent_request.refresh_from_db()
    assert (sent_request.state, sent_request.partner_attendees) == (
        RequestState.ACCEPTED,
        "Dr Anne Dupont, head of R&D",
    )
    link.refresh_from_db()
    assert link.last_used_at is not None
    page = english.get(response["Location"]).content.decode()
    assert "You accepted the meeting with Alpha Pharma. Thank you." in page
    assert 'value="Dr Anne Dupont, head of R&amp;D"' in page


def test_partner_answer_decline_records_the_answer(english, link, sent_request):
    response = _answer(english, link, sent_request, "decline", note="Not our field")

    assert response.status_code == 302
    sent_request.refresh_from_db()
    assert (sent_request.state, sent_request.partner_note) == (
        RequestState.DECLINED,
        "Not our field",
    )


def test_partner_answer_decline_of_a_scheduled_meeting_cancels_it(english, link, mission, partner):
    request = _requesting_company(mission, partner, name="Delta Labs", state=RequestState.ACCEPTED)
    meeting = MeetingFactory(request=request, state=MeetingState.CONFIRMED)

    response = _answer(english, link, request, "decline")

    assert response.status_code == 302
    meeting.refresh_from_db()
    request.refresh_from_db()
    assert (request.state, meeting.state) == (RequestState.DECLINED, MeetingState.CANCELLED)


def test_partner_answer_without_a_decision_400_keeps_what_was_typed(english, link, sent_request):
    response = _answer(english, link, sent_request, "", attendees="Dr Anne Dupont")

    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose to accept or decline the meeting." in body
    assert 'value="Dr Anne Dupont"' in body
    sent_request.refresh_from_db()
    assert sent_request.state == RequestState.SENT


def test_partner_answer_unknown_decision_400(english, link, sent_request):
    response = _answer(english, link, sent_request, "maybe")

    assert response.status_code == 400
    assert "Choose to accept or decline the meeting." in response.content.decode()


def test_partner_answer_attendees_too_long_400_with_message(english, link, sent_request):
    response = _answer(english, link, sent_request, "accept", attendees="x" * 301)

    assert response.status_code == 400
    assert "Ensure this value has at most 300 characters" in response.content.decode()


def test_partner_answer_request_cancelled_by_staff_says_so(english, link, mission, partner):
    request = _requesting_company(
        mission, partner, name="Echo Pharma", state=RequestState.CANCELLED
    )

    response = _answer(english, link, request, "accept")

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.CANCELLED
    page = english.get(response["Location"]).content.decode()
    assert "This request was cancelled." in page
    assert "The CEPEX team withdrew this request: there is nothing to answer." in page


@pytest.mark.parametrize(
    "which", ["proposed", "other_mission", "unknown"], ids=["not-sent", "other-mission", "unknown"]
)
def test_partner_answer_request_not_on_the_page_404(english, link, mission, partner, which):
    if which == "proposed":
        request = MeetingRequestFactory(mission=mission, partner=partner)
    elif which == "other_mission":
        request = MeetingRequestFactory(partner=partner, state=RequestState.SENT)
    else:
        request = MeetingRequest(pk=987654)

    response = _answer(english, link, request, "accept")

    assert response.status_code == 404
    assert MeetingRequest.objects.filter(state=RequestState.ACCEPTED).count() == 0


def test_partner_answer_through_a_revoked_link_400_changes_nothing(english, link, sent_request):
    url = _answer_url(link, sent_request)
    link_revoke(link=link)

    response = english.post(url, {f"r{sent_request.pk}-decision": "accept"})

    assert response.status_code == 400
    sent_request.refresh_from_db()
    assert sent_request.state == RequestState.SENT


def test_partner_answer_with_csrf_checks_on_works_from_the_page(link, sent_request):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(_page(link)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(
        _answer_url(link, sent_request),
        {"csrfmiddlewaretoken": csrf, f"r{sent_request.pk}-decision": "accept"},
    )

    assert response.status_code == 302
    sent_request.refresh_from_db()
    assert sent_request.state == RequestState.ACCEPTED


# --- What the page never shows --------------------------------------------------------------


def test_partner_page_shows_nothing_of_another_partner_or_mission(
    english, link, mission, partner, other_partner, sent_request
):
    foreign = _requesting_company(mission, other_partner, name="Gamma Biotech")
    MeetingRequest.objects.filter(pk=foreign.pk).update(partner_attendees="Secret Attendee")
    PartnerAvailability.objects.create(
        mission=mission, partner=other_partner, day=dt.date(2027, 7, 13), is_available=False
    )
    elsewhere = MissionFactory(title="Senegal triangular 2028")
    MissionPartnerFactory(mission=elsewhere, organisation=partner)
    _requesting_company(elsewhere, partner, name="Zeta Cosmetics")

    body = english.get(_page(link)).content.decode()

    for secret in ("Gamma Biotech", "Secret Attendee", "BioPark", "Zeta Cosmetics", "Senegal tri"):
        assert secret not in body


def test_partner_page_never_shows_contact_details_of_the_companies(
    english, link, mission, partner, sent_request
):
    accepted = _requesting_company(
        mission, partner, name="Omega Health", state=RequestState.ACCEPTED
    )

    body = english.get(_page(link)).content.decode()

    assert "Omega Health" in body
    for company in (sent_request.company, accepted.company):
        for contact in company.contacts.all():
            assert contact.email not in body
            assert contact.last_name not in body
            assert "+21674123456" not in body


def test_partner_page_escapes_what_companies_typed(english, link, mission, partner):
    evil = "<script>alert('x')</script>"
    request = _requesting_company(mission, partner, name="Evil SA", motivation=evil)
    request.company.description = evil
    request.company.save()

    body = english.get(_page(link)).content.decode()

    assert evil not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_partner_page_no_link_to_another_site_carries_the_token(english, link, mission, partner):
    request = _requesting_company(mission, partner, name="Web Pharma")
    request.company.website = "https://webpharma.example"
    request.company.save()

    body = english.get(_page(link)).content.decode()

    external = re.findall(r'<a [^>]*href="(https?://[^"]*)"[^>]*>', body)
    assert external == ["https://webpharma.example"]
    assert 'rel="noreferrer noopener nofollow"' in body
    assert all(link.token not in href for href in external)


def test_partner_page_scheduled_meeting_shows_when_and_where(english, link, mission, partner):
    request = _requesting_company(
        mission, partner, name="Kappa Pharma", state=RequestState.ACCEPTED
    )
    MeetingFactory(
        request=request,
        venue=VenueFactory(name="BioPark"),
        starts_at=dt.datetime(2027, 7, 13, 7, 0, tzinfo=dt.UTC),  # 09:00 in Brussels
        ends_at=dt.datetime(2027, 7, 13, 7, 30, tzinfo=dt.UTC),
        state=MeetingState.CONFIRMED,
    )

    body = english.get(_page(link)).content.decode()

    assert "Scheduled on Tuesday 13 July, 9 a.m. to 9:30 a.m., at BioPark." in body


# --- Availability ---------------------------------------------------------------------------


def _availability_data(**days) -> dict:
    """Form data for the three days of the mission; a day not given is available all day."""
    data = {}
    for day in ("20270712", "20270713", "20270714"):
        available, start, end = days.get(f"d{day}", (True, "", ""))
        if available:
            data[f"d{day}_available"] = "on"
        data[f"d{day}_from"], data[f"d{day}_to"] = start, end
    return data


def test_partner_availability_post_records_each_day_and_redirects(english, link):
    response = english.post(
        _availability_url(link),
        _availability_data(d20270713=(True, "09:00", "12:30"), d20270714=(False, "", "")),
    )

    assert response.status_code == 302
    assert response["Location"] == _page(link) + "#availability"
    rows = PartnerAvailability.objects.filter(mission=link.mission, partner=link.partner)
    assert [(r.day, r.is_available, r.available_from, r.available_to) for r in rows] == [
        (dt.date(2027, 7, 12), True, None, None),
        (dt.date(2027, 7, 13), True, dt.time(9), dt.time(12, 30)),
        (dt.date(2027, 7, 14), False, None, None),
    ]
    page = english.get(response["Location"]).content.decode()
    assert "Your availability is saved. Thank you." in page
    assert 'name="d20270713_from" value="09:00"' in page


def test_partner_availability_end_before_start_400_keeps_what_was_typed(english, link):
    response = english.post(
        _availability_url(link), _availability_data(d20270713=(True, "14:00", "09:00"))
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "The end must come after the start." in body
    assert 'name="d20270713_from" value="14:00"' in body
    assert 'name="d20270713_to" value="09:00"' in body
    assert PartnerAvailability.objects.count() == 0


def test_partner_availability_not_a_time_400_with_message(english, link):
    response = english.post(
        _availability_url(link), _availability_data(d20270712=(True, "25:99", ""))
    )

    assert response.status_code == 400
    assert "Enter a valid time." in response.content.decode()
    assert PartnerAvailability.objects.count() == 0


def test_partner_availability_day_outside_the_mission_is_ignored(english, link):
    data = _availability_data()
    data.update({"d20270720_available": "", "d20270720_from": "09:00", "d20270720_to": "08:00"})

    response = english.post(_availability_url(link), data)

    assert response.status_code == 302
    assert sorted(PartnerAvailability.objects.values_list("day", flat=True)) == [
        dt.date(2027, 7, 12),
        dt.date(2027, 7, 13),
        dt.date(2027, 7, 14),
    ]


# --- Language -------------------------------------------------------------------------------


def test_partner_page_french_by_default(client, link, sent_request):
    body = client.get(_page(link)).content.decode()

    assert '<html lang="fr" dir="ltr">' in body


def test_partner_page_follows_the_language_switch_to_arabic(client, link, sent_request):
    client.post(reverse("set_language"), {"language": "ar", "next": _page(link)})

    body = client.get(_page(link)).content.decode()

    assert '<html lang="ar" dir="rtl">' in body


def test_partner_page_refusal_in_the_chosen_language(client, link):
    link_revoke(link=link)
    client.cookies[LANGUAGE_COOKIE] = "fr"

    response = client.get(_page(PartnerLink(pk=link.pk, version=1)))

    assert response.status_code == 400
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------


def test_partner_page_queries_same_for_one_and_many_requests(english, link, mission, partner):
    _requesting_company(mission, partner, name="Company 0")
    one = page_queries(english, _page(link))

    for n in range(1, 8):
        request = _requesting_company(mission, partner, name=f"Company {n}")
        if n % 2:
            MeetingFactory(
                request=request,
                starts_at=timezone.now() + dt.timedelta(days=30, hours=n),
                ends_at=timezone.now() + dt.timedelta(days=30, hours=n, minutes=30),
            )
    for day in (12, 13, 14):
        PartnerAvailability.objects.create(
            mission=mission, partner=partner, day=dt.date(2027, 7, day)
        )

    assert page_queries(english, _page(link)) == one


def test_partner_answer_is_in_the_audit_trail_with_the_link_as_author(english, link, sent_request):
    _answer(english, link, sent_request, "accept", attendees="Dr Anne Dupont")

    version = sent_request.history.order_by("-history_id").first()
    assert (version.state, version.history_user, version.history_change_reason) == (
        RequestState.ACCEPTED,
        None,
        f"partner link: {link.partner}",
    )
