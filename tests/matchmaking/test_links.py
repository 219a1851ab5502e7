"""The partners' signed links: issue, revoke, resolve, send (the e-mails), and what a partner
does through its link: answer a request, give its availability.
"""

import datetime as dt
import io
import socket

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from matchmaking.enums import MeetingState, RequestState
from matchmaking.models import CalendarFeed, MeetingGrid, PartnerAvailability, PartnerLink
from matchmaking.selectors import availability_days, partner_link_requests
from matchmaking.services.links import (
    DayAvailability,
    availability_set,
    link_availability_set,
    link_issue,
    link_resolve,
    link_respond,
    link_revoke,
    link_send,
)
from matchmaking.tasks.links import partner_link_email_task
from missions.models import MissionPartner
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return MissionFactory(
        title="Wallonia biotech 2027",
        starts_on=dt.date(2027, 7, 12),
        ends_on=dt.date(2027, 7, 14),
    )


@pytest.fixture
def partner(mission):
    partner = PartnerOrganisationFactory(name="BioWin")
    MissionPartnerFactory(mission=mission, organisation=partner)
    return partner


@pytest.fixture
def link(mission, partner):
    return link_issue(mission=mission, partner=partner)


def _code(excinfo) -> str:
    return excinfo.value.code


# --- Issue and revoke -----------------------------------------------------------------------


def test_link_issue_new_pair_creates_a_usable_link_for_the_configured_days(
    mission, partner, settings
):
    settings.PARTNER_LINK_MAX_AGE_DAYS = 10
    before = timezone.now()

    link = link_issue(mission=mission, partner=partner)

    assert (link.mission, link.partner, link.version, link.revoked_at) == (
        mission,
        partner,
        1,
        None,
    )
    assert (
        before + dt.timedelta(days=10) <= link.expires_at <= timezone.now() + dt.timedelta(days=10)
    )
    assert link.is_usable


def test_link_issue_partner_not_in_mission_raises_not_in_mission(mission):
    stranger = PartnerOrganisationFactory(name="Elsewhere Labs")

    with pytest.raises(ValidationError) as excinfo:
        link_issue(mission=mission, partner=stranger)

    assert _code(excinfo) == "not_in_mission"
    assert excinfo.value.messages == ["Elsewhere Labs does not take part in this mission."]
    assert PartnerLink.objects.count() == 0


def test_link_issue_existing_link_renews_expiry_and_keeps_its_address(link):
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    token = link.token

    renewed = link_issue(mission=link.mission, partner=link.partner)

    assert renewed.pk == link.pk
    assert renewed.token == token
    assert renewed.expires_at > timezone.now() + dt.timedelta(days=30)
    assert PartnerLink.objects.count() == 1


def test_link_revoke_bumps_version_and_the_old_address_is_refused_as_revoked(link):
    old_token = link.token

    revoked = link_revoke(link=link)

    assert (revoked.version, revoked.revoked_at is not None) == (2, True)
    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=old_token)
    assert _code(excinfo) == "revoked"


def test_link_revoke_twice_keeps_the_first_revocation(link):
    first = link_revoke(link=link)

    second = link_revoke(link=link)

    assert (second.version, second.revoked_at) == (2, first.revoked_at)


def test_link_issue_after_revoke_gives_a_new_address_and_the_old_stays_dead(link):
    old_token = link.token
    link_revoke(link=link)

    renewed = link_issue(mission=link.mission, partner=link.partner)

    assert renewed.revoked_at is None
    assert renewed.token != old_token
    assert link_resolve(token=renewed.token) == renewed
    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=old_token)
    assert _code(excinfo) == "revoked"


# --- Resolve --------------------------------------------------------------------------------


def test_link_resolve_valid_token_returns_the_link_and_records_nothing(link):
    resolved = link_resolve(token=link.token)

    assert resolved == link
    assert (resolved.mission, resolved.partner) == (link.mission, link.partner)
    link.refresh_from_db()
    assert link.last_used_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token + "x",
        lambda token: token[:-3],
        lambda token: "x" + token,
        lambda token: token.replace(":", ":a", 1),
        lambda token: "",
        lambda token: "not-a-token",
    ],
    ids=["appended", "truncated", "prefixed", "altered", "empty", "garbage"],
)
def test_link_resolve_tampered_token_raises_invalid(link, tamper):
    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=tamper(link.token))

    assert _code(excinfo) == "invalid"
    assert excinfo.value.messages == [
        "This link is not valid. Check that you opened the whole address from the e-mail."
    ]


def test_link_resolve_calendar_feed_token_raises_invalid(link):
    feed = CalendarFeed.objects.create(partner_link=link)

    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=feed.token)

    assert _code(excinfo) == "invalid"


def test_link_resolve_token_signed_with_another_salt_raises_invalid(link):
    forged = signing.Signer(salt="partners.claim-decision").sign_object({"id": link.pk, "v": 1})

    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=forged)

    assert _code(excinfo) == "invalid"


def test_link_resolve_deleted_link_raises_invalid(link):
    token = link.token
    link.delete()

    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=token)

    assert _code(excinfo) == "invalid"


def test_link_resolve_expired_link_raises_expired(link):
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())

    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=link.token)

    assert _code(excinfo) == "expired"
    assert excinfo.value.messages == [
        "This link has expired. Ask the CEPEX missions team for a new one."
    ]


def test_link_resolve_partner_left_the_mission_raises_revoked(link):
    MissionPartner.objects.filter(mission=link.mission, organisation=link.partner).delete()

    with pytest.raises(ValidationError) as excinfo:
        link_resolve(token=link.token)

    assert _code(excinfo) == "revoked"


# --- Send -----------------------------------------------------------------------------------


@pytest.fixture
def contacts(partner):
    """Three contacts of the partner in three languages, one without an address."""
    return {
        "fr": ContactFactory(
            company=None,
            organisation=partner,
            first_name="Anne",
            last_name="Dupont",
            email="anne@biowin.example",
            language="fr",
        ),
        "en": ContactFactory(
            company=None,
            organisation=partner,
            first_name="John",
            last_name="Smith",
            email="john@biowin.example",
            language="en",
        ),
        "ar": ContactFactory(
            company=None,
            organisation=partner,
            first_name="Karim",
            last_name="Haddad",
            email="karim@biowin.example",
            language="ar",
        ),
        "none": ContactFactory(company=None, organisation=partner, email="", language="en"),
    }


def _send(mission, partner, django_capture_on_commit_callbacks) -> PartnerLink:
    with django_capture_on_commit_callbacks(execute=True):
        return link_send(mission=mission, partner=partner)


def test_link_send_marks_the_partners_proposed_requests_of_the_mission_sent(
    mission, partner, contacts, django_capture_on_commit_callbacks
):
    proposed = MeetingRequestFactory(mission=mission, partner=partner)
    accepted = MeetingRequestFactory(mission=mission, partner=partner, state=RequestState.ACCEPTED)
    cancelled = MeetingRequestFactory(
        mission=mission, partner=partner, state=RequestState.CANCELLED
    )
    other_partner = MeetingRequestFactory(mission=mission)
    other_mission = MeetingRequestFactory(partner=partner)

    link = _send(mission, partner, django_capture_on_commit_callbacks)

    states = {
        request.pk: (request.state, request.sent_at) for request in type(proposed).objects.all()
    }
    assert states[proposed.pk] == (RequestState.SENT, link.last_sent_at)
    assert states[accepted.pk] == (RequestState.ACCEPTED, None)
    assert states[cancelled.pk] == (RequestState.CANCELLED, None)
    assert states[other_partner.pk] == (RequestState.PROPOSED, None)
    assert states[other_mission.pk] == (RequestState.PROPOSED, None)


def test_link_send_emails_each_contact_with_an_address_once_in_their_language(
    mission, partner, contacts, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://missions.example"
    MeetingRequestFactory(mission=mission, partner=partner)
    MeetingRequestFactory(mission=mission, partner=partner)
    ContactFactory(email="someone@company.example")  # a company's contact: not the partner's

    link = _send(mission, partner, django_capture_on_commit_callbacks)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == [
        "anne@biowin.example",
        "john@biowin.example",
        "karim@biowin.example",
    ]
    address = f"https://missions.example/partner/{link.token}/"
    for message in mailoutbox:
        assert address in message.body
        assert message.content_subtype == "plain"
    english = by_address["john@biowin.example"]
    assert english.subject == "Meeting requests for BioWin: Wallonia biotech 2027"
    assert english.extra_headers["Content-Language"] == "en"
    assert "Dear John Smith," in english.body
    assert "2 companies of the delegation would like to meet BioWin." in english.body
    assert by_address["anne@biowin.example"].extra_headers["Content-Language"] == "fr"
    assert by_address["karim@biowin.example"].extra_headers["Content-Language"] == "ar"


def test_link_send_partner_without_any_address_raises_and_changes_nothing(
    mission, partner, mailoutbox, django_capture_on_commit_callbacks
):
    ContactFactory(company=None, organisation=partner, email="")
    request = MeetingRequestFactory(mission=mission, partner=partner)

    with pytest.raises(ValidationError) as excinfo:
        _send(mission, partner, django_capture_on_commit_callbacks)

    assert _code(excinfo) == "no_recipient"
    assert excinfo.value.messages == [
        "BioWin has no contact with an e-mail address: add one first."
    ]
    request.refresh_from_db()
    assert (request.state, PartnerLink.objects.count(), mailoutbox) == (
        RequestState.PROPOSED,
        0,
        [],
    )


def test_link_send_twice_sends_each_send_once(
    mission, partner, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    _send(mission, partner, django_capture_on_commit_callbacks)
    _send(mission, partner, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 6


def test_link_send_revoked_link_sends_the_new_address(
    link, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    old_token = link.token
    link_revoke(link=link)

    sent = _send(link.mission, link.partner, django_capture_on_commit_callbacks)

    assert sent.revoked_at is None
    assert all(sent.token in message.body for message in mailoutbox)
    assert not any(old_token in message.body for message in mailoutbox)


def _task_kwargs(link: PartnerLink, contact) -> dict:
    link.refresh_from_db()
    return {
        "link_id": link.pk,
        "contact_id": contact.pk,
        "sent_at": link.last_sent_at.isoformat(),
    }


def test_partner_link_email_task_delivered_twice_for_one_send_emails_once(
    mission, partner, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    link = _send(mission, partner, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    kwargs = _task_kwargs(link, contacts["en"])

    partner_link_email_task(**kwargs)
    partner_link_email_task(**kwargs)

    assert mailoutbox == []  # the send had already reached this contact


def test_partner_link_email_task_superseded_send_emails_nothing(
    mission, partner, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    link = _send(mission, partner, django_capture_on_commit_callbacks)
    old = _task_kwargs(link, contacts["en"])
    _send(mission, partner, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    partner_link_email_task(**old)

    assert mailoutbox == []


def test_partner_link_email_task_link_revoked_before_it_runs_emails_nothing(
    mission, partner, contacts, mailoutbox
):
    link = link_send(mission=mission, partner=partner)  # on-commit callbacks not run
    kwargs = _task_kwargs(link, contacts["fr"])
    link_revoke(link=link)

    partner_link_email_task(**kwargs)

    assert mailoutbox == []


def test_partner_link_email_task_contact_without_address_emails_nothing(
    mission, partner, contacts, mailoutbox
):
    link = link_send(mission=mission, partner=partner)

    partner_link_email_task(**_task_kwargs(link, contacts["none"]))

    assert mailoutbox == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_partner_link_email_task_mail_server_down_raises_and_the_retry_sends(
    mission, partner, contacts, mailoutbox, settings
):
    link = link_send(mission=mission, partner=partner)
    kwargs = _task_kwargs(link, contacts["fr"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )

    with pytest.raises(ConnectionRefusedError):
        partner_link_email_task(**kwargs)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    partner_link_email_task(**kwargs)
    partner_link_email_task(**kwargs)

    assert [message.to for message in mailoutbox] == [["anne@biowin.example"]]


# --- Answers through the link ---------------------------------------------------------------


def test_link_respond_accept_records_answer_attendees_and_last_use(link):
    request = MeetingRequestFactory(
        mission=link.mission, partner=link.partner, state=RequestState.SENT
    )

    answered = link_respond(
        link=link, request=request, accept=True, attendees="Dr Anne Dupont", note="Morning"
    )

    assert (answered.state, answered.partner_attendees, answered.partner_note) == (
        RequestState.ACCEPTED,
        "Dr Anne Dupont",
        "Morning",
    )
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_link_respond_another_partners_request_raises_and_changes_nothing(link):
    foreign = MeetingRequestFactory(mission=link.mission, state=RequestState.SENT)

    with pytest.raises(ValidationError) as excinfo:
        link_respond(link=link, request=foreign, accept=False)

    assert _code(excinfo) == "not_yours"
    foreign.refresh_from_db()
    assert foreign.state == RequestState.SENT


def test_link_respond_request_not_sent_yet_raises(link):
    proposed = MeetingRequestFactory(mission=link.mission, partner=link.partner)

    with pytest.raises(ValidationError) as excinfo:
        link_respond(link=link, request=proposed, accept=True)

    assert _code(excinfo) == "not_yours"


def test_link_respond_decline_cancels_the_scheduled_meeting(link):
    request = MeetingRequestFactory(
        mission=link.mission, partner=link.partner, state=RequestState.ACCEPTED
    )
    meeting = MeetingFactory(request=request, state=MeetingState.CONFIRMED)

    link_respond(link=link, request=request, accept=False)

    meeting.refresh_from_db()
    assert (meeting.state, meeting.sequence) == (MeetingState.CANCELLED, 1)


# --- Availability ---------------------------------------------------------------------------


def test_availability_set_records_one_row_per_day(mission, partner):
    availability_set(
        mission=mission,
        partner=partner,
        days=[
            DayAvailability(day=dt.date(2027, 7, 12)),
            DayAvailability(
                day=dt.date(2027, 7, 13),
                available_from=dt.time(9),
                available_to=dt.time(12, 30),
            ),
            DayAvailability(day=dt.date(2027, 7, 14), is_available=False),
        ],
    )

    rows = PartnerAvailability.objects.filter(mission=mission, partner=partner)
    assert [(r.day, r.is_available, r.available_from, r.available_to) for r in rows] == [
        (dt.date(2027, 7, 12), True, None, None),
        (dt.date(2027, 7, 13), True, dt.time(9), dt.time(12, 30)),
        (dt.date(2027, 7, 14), False, None, None),
    ]


def test_availability_set_again_updates_the_same_rows(mission, partner):
    day = dt.date(2027, 7, 13)
    availability_set(mission=mission, partner=partner, days=[DayAvailability(day=day)])

    availability_set(
        mission=mission, partner=partner, days=[DayAvailability(day=day, is_available=False)]
    )

    assert list(
        PartnerAvailability.objects.filter(partner=partner).values_list("day", "is_available")
    ) == [(day, False)]


def test_availability_set_day_not_available_drops_its_hours(mission, partner):
    availability_set(
        mission=mission,
        partner=partner,
        days=[
            DayAvailability(
                day=dt.date(2027, 7, 12),
                is_available=False,
                available_from=dt.time(9),
                available_to=dt.time(8),
            )
        ],
    )

    row = PartnerAvailability.objects.get()
    assert (row.is_available, row.available_from, row.available_to) == (False, None, None)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (DayAvailability(day=dt.date(2027, 7, 11)), "2027-07-11 is not a day of the mission."),
        (DayAvailability(day=dt.date(2027, 7, 15)), "2027-07-15 is not a day of the mission."),
        (
            DayAvailability(
                day=dt.date(2027, 7, 12), available_from=dt.time(14), available_to=dt.time(14)
            ),
            "On 2027-07-12, the end of your availability must come after its start.",
        ),
        (
            DayAvailability(
                day=dt.date(2027, 7, 12), available_from=dt.time(14), available_to=dt.time(9)
            ),
            "On 2027-07-12, the end of your availability must come after its start.",
        ),
    ],
    ids=["day-before", "day-after", "empty-span", "end-before-start"],
)
def test_availability_set_wrong_day_or_hours_raises_and_records_nothing(
    mission, partner, answer, message
):
    with pytest.raises(ValidationError) as excinfo:
        availability_set(
            mission=mission,
            partner=partner,
            days=[DayAvailability(day=dt.date(2027, 7, 13)), answer],
        )

    assert excinfo.value.messages == [message]
    assert PartnerAvailability.objects.count() == 0


def test_availability_set_same_day_twice_raises(mission, partner):
    day = dt.date(2027, 7, 13)

    with pytest.raises(ValidationError) as excinfo:
        availability_set(
            mission=mission,
            partner=partner,
            days=[DayAvailability(day=day), DayAvailability(day=day, is_available=False)],
        )

    assert excinfo.value.messages == ["2027-07-13 is given twice."]


def test_link_availability_set_records_last_use(link):
    link_availability_set(link=link, days=[DayAvailability(day=dt.date(2027, 7, 12))])

    link.refresh_from_db()
    assert link.last_used_at is not None


def test_availability_days_without_grid_every_mission_day(mission):
    assert availability_days(mission=mission) == [
        dt.date(2027, 7, 12),
        dt.date(2027, 7, 13),
        dt.date(2027, 7, 14),
    ]


def test_availability_days_with_grid_leaves_out_days_without_meetings(mission):
    MeetingGrid.objects.create(mission=mission, skipped_days=["2027-07-12"])

    assert availability_days(mission=mission) == [dt.date(2027, 7, 13), dt.date(2027, 7, 14)]


# --- What the page lists ---------------------------------------------------------------------


def test_partner_link_requests_lists_sent_and_answered_of_this_partner_and_mission_only(link):
    mine = {
        state: MeetingRequestFactory(mission=link.mission, partner=link.partner, state=state)
        for state in (RequestState.SENT, RequestState.ACCEPTED, RequestState.DECLINED)
    }
    withdrawn = MeetingRequestFactory(
        mission=link.mission,
        partner=link.partner,
        state=RequestState.CANCELLED,
        sent_at=timezone.now(),
    )
    MeetingRequestFactory(mission=link.mission, partner=link.partner)  # proposed, not sent
    MeetingRequestFactory(
        mission=link.mission, partner=link.partner, state=RequestState.CANCELLED
    )  # cancelled before it was sent
    MeetingRequestFactory(mission=link.mission, state=RequestState.SENT)  # another partner
    MeetingRequestFactory(partner=link.partner, state=RequestState.SENT)  # another mission

    listed = list(partner_link_requests(link=link))

    assert listed[0] == mine[RequestState.SENT]  # waiting for an answer: first
    assert set(listed) == {*mine.values(), withdrawn}
    assert listed[-1] == withdrawn


# --- manage.py partner_link -------------------------------------------------------------------


def test_partner_link_command_prints_the_address_of_a_working_page(
    client, mission, partner, settings
):
    settings.SITE_URL = "https://missions.example"
    mission.slug = "wallonie-2027"
    mission.save()
    out = io.StringIO()

    call_command("partner_link", "wallonie-2027", "biowin", stdout=out)

    link = PartnerLink.objects.get()
    assert out.getvalue() == f"https://missions.example/partner/{link.token}/\n"
    assert client.get(f"/partner/{link.token}/").status_code == 200


def test_partner_link_command_finds_the_partner_by_short_name(mission, partner):
    partner.short_name = "BW"
    partner.save()
    out = io.StringIO()

    call_command("partner_link", mission.slug, "bw", stdout=out)

    assert PartnerLink.objects.get().partner == partner


@pytest.mark.parametrize(
    ("slug", "name", "message"),
    [
        ("nowhere", "BioWin", "No mission with the slug “nowhere”."),
        (None, "Unknown Lab", "No partner named “Unknown Lab” on {slug} (its partners: BioWin)."),
    ],
    ids=["unknown-mission", "unknown-partner"],
)
def test_partner_link_command_unknown_mission_or_partner_exits_2(
    mission, partner, slug, name, message
):
    with pytest.raises(CommandError) as excinfo:
        call_command("partner_link", slug or mission.slug, name)

    assert excinfo.value.returncode == 2
    assert str(excinfo.value) == message.format(slug=mission.slug)
    assert PartnerLink.objects.count() == 0
