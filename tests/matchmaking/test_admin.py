"""The staff's side of requests, partner links and availability: what staff do, what
managers only see. (Every admin page opening, and constant query counts of every changelist,
are tested for all models in ``tests/cepex_portal/test_admin.py``.)
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import MeetingState, RequestSource, RequestState
from matchmaking.models import MeetingRequest, PartnerAvailability, PartnerLink
from matchmaking.services.links import link_issue, link_resolve, link_revoke
from missions.enums import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    WishedPartnerFactory,
)

pytestmark = pytest.mark.django_db

REQUESTS = reverse("admin:matchmaking_meetingrequest_changelist")
REQUEST_ADD = reverse("admin:matchmaking_meetingrequest_add")
FROM_WISHES = reverse("admin:matchmaking_meetingrequest_from_wishes")
LINKS = reverse("admin:matchmaking_partnerlink_changelist")
AVAILABILITY_ADD = reverse("admin:matchmaking_partneravailability_add")


@pytest.fixture
def staff_client(client, staff):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.cookies["django_language"] = "en"
    client.force_login(manager)
    return client


@pytest.fixture
def mission(staff):
    mission = MissionFactory(
        title="Wallonia biotech 2027", starts_on=dt.date(2027, 7, 12), ends_on=dt.date(2027, 7, 14)
    )
    mission.team.add(staff)  # the chargé de mission works on it
    return mission


def _partner(mission, name: str, *, email: str | None = None):
    partner = PartnerOrganisationFactory(name=name)
    MissionPartnerFactory(mission=mission, organisation=partner)
    if email:
        ContactFactory(company=None, organisation=partner, email=email, language="en")
    return partner


@pytest.fixture
def biowin(mission):
    return _partner(mission, "BioWin", email="anne@biowin.example")


@pytest.fixture
def biopark(mission):
    return _partner(mission, "BioPark", email="paul@biopark.example")


def _seated(mission, name: str):
    company = CompanyFactory(legal_name=name)
    ApplicationFactory(mission=mission, company=company, status=ApplicationStatus.ACCEPTED)
    return company


def _action(client, url, action: str, objects) -> object:
    return client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Requests: who sees what ----------------------------------------------------------------


def test_request_changelist_filters_per_mission_company_partner_and_state(
    staff_client, staff, mission, biowin, biopark
):
    alpha, beta = _seated(mission, "Alpha Pharma"), _seated(mission, "Beta Biotech")
    a_biowin = MeetingRequestFactory(mission=mission, company=alpha, partner=biowin)
    a_biopark = MeetingRequestFactory(
        mission=mission, company=alpha, partner=biopark, state=RequestState.ACCEPTED
    )
    b_biowin = MeetingRequestFactory(
        mission=mission, company=beta, partner=biowin, state=RequestState.DECLINED
    )
    elsewhere = MeetingRequestFactory(company=alpha)
    elsewhere.mission.team.add(staff)  # the chargé works on both missions

    def listed(**params) -> set:
        response = staff_client.get(REQUESTS, params)
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert listed(mission__id__exact=mission.pk) == {a_biowin, a_biopark, b_biowin}
    assert listed(company__id__exact=alpha.pk) == {a_biowin, a_biopark, elsewhere}
    assert listed(partner__id__exact=biowin.pk) == {a_biowin, b_biowin}
    assert listed(state__exact=RequestState.ACCEPTED) == {a_biopark}
    assert listed(q="Beta Biotech") == {b_biowin}


# --- Requests: created by staff through the service ----------------------------------------


def _add_data(mission, company, partner, **extra) -> dict:
    return {
        "mission": mission.pk,
        "company": company.pk,
        "partner": partner.pk,
        "priority": 1,
        "length_slots": 1,
        "motivation": "Fill and finish",
        **extra,
    }


def test_request_add_creates_it_through_the_service_as_staff(staff_client, staff, mission, biowin):
    alpha = _seated(mission, "Alpha Pharma")

    response = staff_client.post(REQUEST_ADD, _add_data(mission, alpha, biowin))

    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.company, request.partner, request.priority, request.source) == (
        alpha,
        biowin,
        1,
        RequestSource.STAFF,
    )
    assert (request.state, request.created_by, request.motivation) == (
        RequestState.PROPOSED,
        staff,
        "Fill and finish",
    )


def test_request_add_company_without_application_shows_why_and_creates_nothing(
    staff_client, mission, biowin
):
    stranger = CompanyFactory(legal_name="Stranger SA")

    response = staff_client.post(REQUEST_ADD, _add_data(mission, stranger, biowin))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Stranger SA has no live application to this mission."
    ]
    assert MeetingRequest.objects.count() == 0


def test_request_add_pair_with_an_open_request_shows_why(staff_client, mission, biowin):
    alpha = _seated(mission, "Alpha Pharma")
    MeetingRequestFactory(mission=mission, company=alpha, partner=biowin)

    response = staff_client.post(REQUEST_ADD, _add_data(mission, alpha, biowin))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Alpha Pharma and BioWin already have a request on this mission."
    ]
    assert MeetingRequest.objects.count() == 1


def test_request_add_length_out_of_range_shows_a_field_error(staff_client, mission, biowin):
    alpha = _seated(mission, "Alpha Pharma")

    response = staff_client.post(REQUEST_ADD, _add_data(mission, alpha, biowin, length_slots=9))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["length_slots"] == [
        "Ensure this value is less than or equal to 8."
    ]


def test_request_change_keeps_the_state_out_of_the_form(staff_client, mission, biowin):
    request = MeetingRequestFactory(mission=mission, partner=biowin)
    url = reverse("admin:matchmaking_meetingrequest_change", args=[request.pk])

    response = staff_client.post(
        url, {"priority": 3, "length_slots": 2, "motivation": "Later", "state": "accepted"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.priority, request.length_slots, request.state) == (
        3,
        2,
        RequestState.PROPOSED,
    )


# --- Requests: actions ------------------------------------------------------------------------


def test_request_action_send_links_sends_once_per_partner_and_marks_requests_sent(
    staff_client, mission, biowin, biopark, mailoutbox, django_capture_on_commit_callbacks
):
    requests = [
        MeetingRequestFactory(mission=mission, partner=biowin),
        MeetingRequestFactory(mission=mission, partner=biowin),
        MeetingRequestFactory(mission=mission, partner=biopark),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(staff_client, REQUESTS, "send_links", requests)

    assert _messages(response) == ["The link was sent to 2 partners."]
    assert sorted(message.to[0] for message in mailoutbox) == [
        "anne@biowin.example",
        "paul@biopark.example",
    ]
    assert set(MeetingRequest.objects.values_list("state", flat=True)) == {RequestState.SENT}
    assert PartnerLink.objects.count() == 2


def test_request_action_send_links_partner_without_address_says_so(
    staff_client, mission, mailoutbox, django_capture_on_commit_callbacks
):
    silent = _partner(mission, "Silent Labs")
    request = MeetingRequestFactory(mission=mission, partner=silent)

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(staff_client, REQUESTS, "send_links", [request])

    assert _messages(response) == [
        "Silent Labs has no contact with an e-mail address: add one first."
    ]
    request.refresh_from_db()
    assert (request.state, mailoutbox) == (RequestState.PROPOSED, [])


def test_request_action_cancel_cancels_requests_and_their_meetings(staff_client, mission, biowin):
    scheduled = MeetingRequestFactory(mission=mission, partner=biowin, state=RequestState.ACCEPTED)
    meeting = MeetingFactory(request=scheduled, state=MeetingState.CONFIRMED)
    waiting = MeetingRequestFactory(mission=mission, partner=biowin, state=RequestState.SENT)

    response = _action(staff_client, REQUESTS, "cancel_requests", [scheduled, waiting])

    assert _messages(response) == ["2 requests cancelled."]
    meeting.refresh_from_db()
    assert set(MeetingRequest.objects.values_list("state", flat=True)) == {RequestState.CANCELLED}
    assert meeting.state == MeetingState.CANCELLED


# --- Requests: from the delegation's wishes -------------------------------------------------


def test_request_from_wishes_page_makes_a_request_per_wish_of_the_delegation(
    staff_client, mission, biowin, biopark
):
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    WishedPartnerFactory(application=seated, partner=biowin, priority=1, motivation="Vaccines")
    WishedPartnerFactory(application=seated, partner=biopark, priority=3)
    applied = ApplicationFactory(mission=mission, status=ApplicationStatus.APPLIED)
    WishedPartnerFactory(application=applied, partner=biowin)  # not in the delegation

    response = staff_client.post(FROM_WISHES, {"mission": mission.pk}, follow=True)

    assert _messages(response) == [
        "2 requests made from the wishes of the delegation of “Wallonia biotech 2027”."
    ]
    assert response.redirect_chain[-1][0] == f"{REQUESTS}?mission__id__exact={mission.pk}"
    assert sorted(
        MeetingRequest.objects.values_list("partner__name", "priority", "source", "motivation")
    ) == [("BioPark", 3, "wish", ""), ("BioWin", 1, "wish", "Vaccines")]


def test_request_from_wishes_get_shows_the_form_and_changes_nothing(staff_client, mission, biowin):
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    WishedPartnerFactory(application=seated, partner=biowin)

    response = staff_client.get(FROM_WISHES, {"mission": mission.pk})

    assert response.status_code == 200
    assert response.context["form"].initial["mission"] == str(mission.pk)
    assert MeetingRequest.objects.count() == 0


def test_request_from_wishes_unknown_mission_shows_a_form_error(staff_client):
    response = staff_client.post(FROM_WISHES, {"mission": 999999})

    assert response.status_code == 200
    assert response.context["form"].errors["mission"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_request_changelist_links_to_the_wishes_page_for_the_filtered_mission(
    staff_client, mission
):
    body = staff_client.get(REQUESTS, {"mission__id__exact": mission.pk}).content.decode()

    assert f'href="{FROM_WISHES}?mission={mission.pk}"' in body


# --- Managers see, never act ------------------------------------------------------------------


def test_manager_request_actions_are_not_offered_and_change_nothing(
    manager_client, mission, biowin, mailoutbox
):
    request = MeetingRequestFactory(mission=mission, partner=biowin)

    page = manager_client.get(REQUESTS)
    _action(manager_client, REQUESTS, "send_links", [request])
    _action(manager_client, REQUESTS, "cancel_requests", [request])

    assert page.status_code == 200
    assert "send_links" not in page.content.decode()
    assert FROM_WISHES not in page.content.decode()
    request.refresh_from_db()
    assert (request.state, PartnerLink.objects.count(), mailoutbox) == (
        RequestState.PROPOSED,
        0,
        [],
    )


def test_manager_from_wishes_page_403(manager_client, mission):
    assert manager_client.get(FROM_WISHES).status_code == 403
    assert manager_client.post(FROM_WISHES, {"mission": mission.pk}).status_code == 403


def test_manager_link_change_page_never_shows_the_address(manager_client, mission, biowin):
    link = link_issue(mission=mission, partner=biowin)

    body = manager_client.get(
        reverse("admin:matchmaking_partnerlink_change", args=[link.pk])
    ).content.decode()

    assert link.token not in body
    assert link.token.split(":")[1] not in body
    assert 'name="_save"' not in body


# --- Links ------------------------------------------------------------------------------------


def test_link_changelist_never_shows_a_token(staff_client, mission, biowin, biopark):
    links = [link_issue(mission=mission, partner=p) for p in (biowin, biopark)]

    body = staff_client.get(LINKS).content.decode()

    assert "BioWin" in body
    for link in links:
        assert link.token not in body
        assert link.token.split(":")[1] not in body


def test_link_change_page_shows_the_address_to_staff(staff_client, mission, biowin, settings):
    settings.SITE_URL = "https://missions.example"
    link = link_issue(mission=mission, partner=biowin)

    body = staff_client.get(
        reverse("admin:matchmaking_partnerlink_change", args=[link.pk])
    ).content.decode()

    assert f"https://missions.example/partner/{link.token}/" in body


def test_link_action_revoke_stops_the_address_at_once(staff_client, mission, biowin):
    link = link_issue(mission=mission, partner=biowin)
    token = link.token

    response = _action(staff_client, LINKS, "revoke", [link])

    assert _messages(response) == ["1 link revoked."]
    with pytest.raises(ValidationError, match="withdrawn"):
        link_resolve(token=token)
    assert staff_client.get(reverse("partner:home", args=[token])).status_code == 400


def test_link_action_resend_renews_a_revoked_link_with_a_new_address(
    staff_client, mission, biowin, mailoutbox, django_capture_on_commit_callbacks
):
    link = link_issue(mission=mission, partner=biowin)
    old_token = link.token
    link_revoke(link=link)

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(staff_client, LINKS, "resend", [link])

    assert _messages(response) == ["The link was sent to 1 partner."]
    link.refresh_from_db()
    assert (link.revoked_at, link.version) == (None, 2)
    assert [message.to for message in mailoutbox] == [["anne@biowin.example"]]
    assert link.token in mailoutbox[0].body
    assert old_token not in mailoutbox[0].body


def test_link_state_filter_lists_usable_expired_and_revoked(staff_client, mission):
    usable, expired, revoked = (
        link_issue(mission=mission, partner=_partner(mission, name)) for name in "ABC"
    )
    PartnerLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    link_revoke(link=revoked)

    def listed(state: str) -> list:
        return list(staff_client.get(LINKS, {"state": state}).context["cl"].result_list)

    assert (listed("usable"), listed("expired"), listed("revoked")) == (
        [usable],
        [expired],
        [revoked],
    )


# --- Availability ---------------------------------------------------------------------------


def _availability_data(mission, partner, **extra) -> dict:
    return {
        "mission": mission.pk,
        "partner": partner.pk,
        "day": "2027-07-13",
        "is_available": "on",
        "available_from": "",
        "available_to": "",
        **extra,
    }


def test_availability_add_by_staff_saves_through_the_service(staff_client, mission, biowin):
    response = staff_client.post(
        AVAILABILITY_ADD,
        _availability_data(mission, biowin, available_from="09:00", available_to="12:00"),
    )

    assert response.status_code == 302
    row = PartnerAvailability.objects.get()
    assert (row.day, row.available_from, row.available_to) == (
        dt.date(2027, 7, 13),
        dt.time(9),
        dt.time(12),
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"day": "2027-07-20"}, "2027-07-20 is not a day of the mission."),
        (
            {"available_from": "14:00", "available_to": "09:00"},
            "On 2027-07-13, the end of your availability must come after its start.",
        ),
    ],
    ids=["outside-mission", "end-before-start"],
)
def test_availability_add_wrong_day_or_hours_shows_why(
    staff_client, mission, biowin, extra, message
):
    response = staff_client.post(AVAILABILITY_ADD, _availability_data(mission, biowin, **extra))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [message]
    assert PartnerAvailability.objects.count() == 0


def test_availability_add_partner_not_in_mission_shows_why(staff_client, mission):
    stranger = PartnerOrganisationFactory(name="Elsewhere Labs")

    response = staff_client.post(AVAILABILITY_ADD, _availability_data(mission, stranger))

    assert response.context["adminform"].form.non_field_errors() == [
        "Elsewhere Labs does not take part in this mission."
    ]
