"""The agenda pages: the company's (company space) and the partner's (behind its signed link),
their PDFs, and the private calendar feeds: who may see what, and what each shows.
"""

import datetime as dt

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from matchmaking.models import CalendarFeed, PartnerLink
from matchmaking.services.agendas import calendar_feed_for_company, calendar_feed_revoke
from tests.factories import MissionFactory, PartnerOrganisationFactory, VenueFactory
from tests.matchmaking import agenda_world
from tests.matchmaking.agenda_world import at, meeting
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def world(company_a, company_b):
    return agenda_world.build(company_a=company_a, company_b=company_b)


@pytest.fixture
def rep_a(client, company_a_user):
    client.cookies[LANGUAGE_COOKIE] = "en"
    client.force_login(company_a_user)
    return client


@pytest.fixture
def rep_b(client, company_b_user):
    client.cookies[LANGUAGE_COOKIE] = "en"
    client.force_login(company_b_user)
    return client


def _private(response) -> None:
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def _uids(response) -> set[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]) for event in calendar.walk("VEVENT")}


# --- Company agenda page --------------------------------------------------------------------


def test_agenda_page_shows_the_days_meetings_programme_and_legs(rep_a, world):
    response = rep_a.get(reverse("space:agenda"))

    assert response.status_code == 200
    _private(response)
    text = response.text
    for expected in (
        "Wallonie biotech 2027",
        "Monday 12 July 2027",
        "Tuesday 13 July 2027",
        "Meeting with BioPark Charleroi",
        "BioPark Gosselies, Rue Adrienne Bolland 8, Gosselies",
        "Table 2",
        "Amira Ben Salah",
        "Dr Jean Dupont, CEO",
        "Mayor of Charleroi",
        "Travel from BioPark Gosselies to Hôtel de ville de Charleroi: 15 min",
        "Travel from Hôtel de ville de Charleroi to BioWin Brussels: travel time unknown",
        "Local times (Europe/Brussels).",
        reverse("space:agenda_pdf", args=["wallonie-2027"]),
    ):
        assert expected in text, expected
    assert text.index("Meeting with BioPark Charleroi") < text.index("Mayor of Charleroi")
    assert "Gamma Lab" not in text  # cancelled
    assert "Beta Biotech SARL" not in text  # another company's meeting


def test_agenda_page_no_inline_style_or_script(rep_a, world):
    text = rep_a.get(reverse("space:agenda")).text

    assert "<style" not in text
    assert " style=" not in text
    assert "<script" not in text


def test_agenda_page_escapes_typed_text(rep_a, world):
    world.with_biopark.request.partner_attendees = "<script>alert(1)</script>"
    world.with_biopark.request.save()

    text = rep_a.get(reverse("space:agenda")).text

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_agenda_page_without_missions_says_there_is_nothing_yet(rep_a):
    text = rep_a.get(reverse("space:agenda")).text

    assert "You have no meetings yet." in text
    assert "Get my calendar address" in text


def test_agenda_page_query_count_constant_as_data_grows(rep_a, world):
    url = reverse("space:agenda")
    rep_a.get(url)  # the first visit saves the representative's language
    few = page_queries(rep_a, url)
    for n in range(6):
        mission = MissionFactory()
        venue = VenueFactory()
        meeting(
            mission=mission,
            company=world.company_a,
            partner=PartnerOrganisationFactory(venue=venue),
            venue=venue,
            start=at(20, 9 + n),
        )
        meeting(
            mission=world.mission,
            company=world.company_a,
            partner=PartnerOrganisationFactory(),
            venue=venue,
            start=at(15, 9 + n),
        )
    calendar_feed_for_company(company=world.company_a)

    assert page_queries(rep_a, url) == few


def test_agenda_pages_anonymous_sent_to_login(client, world):
    for url in (
        reverse("space:agenda"),
        reverse("space:agenda_pdf", args=["wallonie-2027"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("space:login"))
    response = client.post(reverse("space:calendar_feed"), {"action": "create"})
    assert response.status_code == 302
    assert CalendarFeed.objects.count() == 0


def test_agenda_pages_staff_without_company_forbidden(client, staff, world):
    client.force_login(staff)

    assert client.get(reverse("space:agenda")).status_code == 403
    assert client.get(reverse("space:agenda_pdf", args=["wallonie-2027"])).status_code == 403


# --- Company PDF ----------------------------------------------------------------------------


def test_agenda_pdf_downloaded_private(rep_a, world):
    response = rep_a.get(reverse("space:agenda_pdf", args=["wallonie-2027"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agenda-wallonie-2027.pdf"'
    assert response.content.startswith(b"%PDF-")
    _private(response)


def test_agenda_pdf_of_a_mission_without_the_company_is_404(rep_a, world):
    elsewhere = MissionFactory(slug="reverse-2028")

    assert rep_a.get(reverse("space:agenda_pdf", args=[elsewhere.slug])).status_code == 404
    assert rep_a.get(reverse("space:agenda_pdf", args=["no-such-mission"])).status_code == 404


def test_other_company_sees_only_its_own_agenda(rep_b, world):
    text = rep_b.get(reverse("space:agenda")).text

    assert "Meeting with BioPark Charleroi" in text  # B's own meeting with BioPark
    assert "Alpha Pharma SA" not in text
    assert "BioWin" not in text
    assert "Dr Jean Dupont, CEO" not in text  # said for A's meeting only


# --- Company calendar feed ------------------------------------------------------------------


def test_calendar_address_made_on_demand_and_shown(rep_a, world):
    response = rep_a.post(reverse("space:calendar_feed"), {"action": "create"})

    assert response.status_code == 302
    assert response.url == reverse("space:agenda") + "#calendar"
    feed = CalendarFeed.objects.get(company=world.company_a)
    text = rep_a.get(reverse("space:agenda")).text
    path = reverse("feeds:calendar", kwargs={"token": feed.token})
    assert f'value="{settings.SITE_URL}{path}?lang=en"' in text
    assert f'href="webcal://{settings.SITE_URL.split("://")[1]}{path}?lang=en"' in text
    assert "Reset the address" in text


def test_calendar_feed_serves_the_company_meetings_only(client, world):
    feed = calendar_feed_for_company(company=world.company_a)

    response = client.get(reverse("feeds:calendar", kwargs={"token": feed.token}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    _private(response)
    assert _uids(response) == {str(world.with_biopark.uid), str(world.with_biowin.uid)}
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Agenda CEPEX : Alpha Pharma SA"
    assert calendar.decoded("refresh-interval") == dt.timedelta(hours=1)


def test_calendar_feed_of_another_company_has_none_of_its_meetings(client, world):
    feed = calendar_feed_for_company(company=world.company_b)

    response = client.get(reverse("feeds:calendar", kwargs={"token": feed.token}))

    assert _uids(response) == {str(world.of_b.uid)}


def test_calendar_feed_tampered_token_is_404(client, world):
    feed = calendar_feed_for_company(company=world.company_a)
    other = calendar_feed_for_company(company=world.company_b)
    value, signature = feed.token.rsplit(":", 1)
    other_value, _other_signature = other.token.rsplit(":", 1)

    for token in (
        feed.token + "x",
        f"{other_value}:{signature}",
        f"{value}:{'A' * len(signature)}",
        "nothing",
    ):
        response = client.get(reverse("feeds:calendar", kwargs={"token": token}))
        assert response.status_code == 404, token


def test_calendar_feed_reset_old_address_404_new_one_works(rep_a, client, world):
    feed = calendar_feed_for_company(company=world.company_a)
    old = reverse("feeds:calendar", kwargs={"token": feed.token})

    response = rep_a.post(reverse("space:calendar_feed"), {"action": "reset"})

    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.version == 2
    assert rep_a.get(old).status_code == 404
    assert rep_a.get(reverse("feeds:calendar", kwargs={"token": feed.token})).status_code == 200


def test_calendar_feed_revoked_by_staff_is_404(client, world):
    feed = calendar_feed_for_company(company=world.company_a)
    url = reverse("feeds:calendar", kwargs={"token": feed.token})

    calendar_feed_revoke(feed=feed)

    assert client.get(url).status_code == 404


def test_calendar_feed_follows_a_cancellation(client, world):
    from matchmaking.services.meetings import meeting_cancel

    feed = calendar_feed_for_company(company=world.company_a)
    url = reverse("feeds:calendar", kwargs={"token": feed.token})

    meeting_cancel(meeting=world.with_biowin, by=None)

    assert _uids(client.get(url)) == {str(world.with_biopark.uid)}


def test_calendar_feed_query_count_constant_as_data_grows(client, world):
    feed = calendar_feed_for_company(company=world.company_a)
    url = reverse("feeds:calendar", kwargs={"token": feed.token})
    few = page_queries(client, url)
    for n in range(6):
        venue = VenueFactory()
        meeting(
            mission=MissionFactory(),
            company=world.company_a,
            partner=PartnerOrganisationFactory(venue=venue),
            venue=venue,
            start=at(20, 9 + n),
        )

    assert page_queries(client, url) == few


def test_calendar_feed_post_not_allowed_head_allowed(client, world):
    feed = calendar_feed_for_company(company=world.company_a)
    url = reverse("feeds:calendar", kwargs={"token": feed.token})

    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


# --- Partner's agenda (views the partner's pages mount) -------------------------------------


@pytest.fixture
def partner_link(world):
    return PartnerLink.objects.create(mission=world.mission, partner=world.biopark)


def test_partner_agenda_page_its_meetings_private(client, world, partner_link):
    client.cookies[LANGUAGE_COOKIE] = "en"

    response = client.get(reverse("partner:agenda", args=[partner_link.token]))

    assert response.status_code == 200
    _private(response)
    text = response.text
    assert "Agenda of BioPark Charleroi" in text
    assert "Meeting with Alpha Pharma SA" in text
    assert "Meeting with Beta Biotech SARL" in text
    assert "Site visit at BioPark" in text
    assert "Mayor of Charleroi" not in text  # the delegation's programme, not the partner's
    assert "BioWin" not in text
    assert reverse("partner:agenda_pdf", args=[partner_link.token]) in text


def test_partner_agenda_pdf_private(client, world, partner_link):
    response = client.get(reverse("partner:agenda_pdf", args=[partner_link.token]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    _private(response)


def test_partner_calendar_feed_made_on_demand_and_serves_its_meetings(client, world, partner_link):
    response = client.post(
        reverse("partner:calendar_feed", args=[partner_link.token]), {"action": "create"}
    )

    assert response.status_code == 302
    feed = CalendarFeed.objects.get(partner_link=partner_link)
    response = client.get(reverse("feeds:calendar", kwargs={"token": feed.token}))
    assert _uids(response) == {str(world.with_biopark.uid), str(world.of_b.uid)}
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == (
        "Agenda CEPEX : BioPark Charleroi, Wallonie biotech 2027"
    )


def test_partner_calendar_feed_of_a_revoked_link_is_404(client, world, partner_link):
    client.post(reverse("partner:calendar_feed", args=[partner_link.token]), {"action": "create"})
    feed = CalendarFeed.objects.get(partner_link=partner_link)
    PartnerLink.objects.filter(pk=partner_link.pk).update(revoked_at=at(1, 9).replace(month=1))

    response = client.get(reverse("feeds:calendar", kwargs={"token": feed.token}))

    assert response.status_code == 404
