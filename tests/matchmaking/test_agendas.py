"""Agendas: what a company and a partner see (order, venues, attendees, travel legs), in a
fixed number of queries; the calendar feeds and e-mailed .ics parsed back with icalendar;
the PDF rendered by WeasyPrint and read back with pypdf; the e-mails of a change, once.
"""

import datetime as dt
import io
from email import message_from_bytes

import icalendar
import pypdf
import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from fontTools.ttLib import TTFont

from matchmaking.enums import MeetingChange, MeetingState
from matchmaking.models import MeetingNotification, PartnerLink
from matchmaking.selectors import (
    agenda_for_company,
    agenda_for_partner,
    agenda_missions_for_company,
    agendas_for_company,
    calendar_feed_from_token,
    feed_meetings,
)
from matchmaking.services import agendas as services
from matchmaking.services.meetings import meeting_cancel
from matchmaking.tasks.agendas import meeting_notify_task
from missions.enums import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MissionFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    VenueFactory,
)
from tests.matchmaking import agenda_world
from tests.matchmaking.agenda_world import at, meeting, travel
from tests.queries import queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return agenda_world.build()


def _describe(agenda):
    """Each day as a list of short strings: what a reader sees, in order."""
    described = []
    for day in agenda.days:
        rows = []
        for row in day.rows:
            if row.is_leg:
                minutes = f"{row.minutes} min" if row.is_known else "unknown"
                rows.append(f"leg {row.from_venue.city}>{row.to_venue.city} {minutes}")
            else:
                rows.append(f"{row.starts_at:%H:%M} {row.kind} {row.title}")
        described.append((day.day.isoformat(), rows))
    return described


# --- The company's agenda -------------------------------------------------------------------


def test_company_agenda_meetings_and_programme_by_day_with_legs(world):
    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    assert _describe(agenda) == [
        (
            "2027-07-12",
            [
                "09:00 meeting BioPark Charleroi",
                "leg Gosselies>Charleroi 15 min",
                "10:00 programme Mayor of Charleroi",
                "leg Charleroi>Brussels unknown",
                "11:15 meeting BioWin",
            ],
        ),
        ("2027-07-13", ["09:00 programme Site visit at BioPark"]),
    ]


def test_company_agenda_meeting_has_venue_table_and_both_sides_attendees(world):
    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    first = agenda.days[0].items[0]
    assert first.meeting == world.with_biopark
    assert first.starts_at == at(12, 9)
    assert str(first.starts_at.tzinfo) == "Europe/Brussels"
    assert (first.venue.name, first.venue.address, first.table) == (
        "BioPark Gosselies",
        "Rue Adrienne Bolland 8",
        2,
    )
    assert first.counterpart == "BioPark Charleroi"
    assert first.company_attendees == "Amira Ben Salah"
    assert first.partner_attendees == "Dr Jean Dupont, CEO"
    assert first.state_label == "Confirmed"
    assert agenda.days[0].items[2].state == MeetingState.PROPOSED


def test_company_agenda_leaves_out_cancelled_meetings_and_other_companies(world):
    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    meetings = [item.meeting for item in agenda.meetings]
    assert meetings == [world.with_biopark, world.with_biowin]


def test_travel_leg_tight_when_travel_longer_than_the_gap(world):
    travel(world.charleroi, world.brussels, 45)

    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    leg = agenda.days[0].rows[3]
    assert (leg.minutes, leg.gap_minutes, leg.is_tight) == (45, 15, True)
    assert agenda.days[0].rows[1].is_tight is False  # 15 min to go, 30 min between


def test_travel_leg_between_overlapping_items_is_flagged(world):
    world.with_biowin.starts_at, world.with_biowin.ends_at = at(12, 10, 30), at(12, 11)
    world.with_biowin.save()

    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    leg = next(row for row in agenda.days[0].rows if row.is_leg and row.overlaps)
    assert (leg.to_venue, leg.gap_minutes, leg.is_tight) == (world.brussels, -30, True)


def test_travel_leg_skips_an_item_without_venue(world):
    ProgrammeItemFactory(
        mission=world.mission, title="Bus", venue=None, starts_at=at(12, 9, 30), ends_at=at(12, 10)
    )

    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    assert _describe(agenda)[0][1][:4] == [
        "09:00 meeting BioPark Charleroi",
        "09:30 programme Bus",
        "leg Gosselies>Charleroi 15 min",
        "10:00 programme Mayor of Charleroi",
    ]


def test_company_agendas_across_missions_latest_first(world):
    later = MissionFactory(starts_on=dt.date(2028, 3, 1), ends_on=dt.date(2028, 3, 3))
    ApplicationFactory(mission=later, company=world.company_a, status=ApplicationStatus.CONFIRMED)
    rejected = MissionFactory(starts_on=dt.date(2028, 5, 1), ends_on=dt.date(2028, 5, 3))
    ApplicationFactory(mission=rejected, company=world.company_a, status=ApplicationStatus.REJECTED)

    agendas = agendas_for_company(company=world.company_a)

    assert [agenda.mission for agenda in agendas] == [later, world.mission]
    assert agendas[0].is_empty
    assert set(agenda_missions_for_company(company=world.company_a)) == {later, world.mission}


def test_company_with_meetings_but_no_seat_still_has_its_agenda(world):
    outsider = CompanyFactory()
    meeting(
        mission=world.mission,
        company=outsider,
        partner=world.biowin,
        venue=world.brussels,
        start=at(14, 9),
    )

    agendas = agendas_for_company(company=outsider)

    assert [agenda.mission for agenda in agendas] == [world.mission]
    assert agendas[0].meetings[0].company_attendees == ""


def _grow(world, *, missions: int = 3, meetings_per_mission: int = 6) -> None:
    """More missions, meetings, partners, venues, travel times and programme items."""
    for m in range(missions):
        mission = MissionFactory(
            starts_on=dt.date(2028, 1 + m, 10),
            ends_on=dt.date(2028, 1 + m, 14),
            time_zone=["Europe/Brussels", "Africa/Dakar", "Africa/Tunis"][m % 3],
        )
        ApplicationFactory(mission=mission, company=world.company_a, status="accepted")
        previous = None
        for n in range(meetings_per_mission):
            venue = VenueFactory()
            if previous is not None:
                travel(previous, venue, 20)
            previous = venue
            partner = PartnerOrganisationFactory(venue=venue)
            start = dt.datetime(2028, 1 + m, 10 + n % 3, 9 + n, tzinfo=dt.UTC)
            meeting(
                mission=mission,
                company=world.company_a,
                partner=partner,
                venue=venue,
                start=start,
                partner_attendees="Someone",
            )
            ProgrammeItemFactory(
                mission=mission,
                venue=venue,
                host=partner,
                starts_at=start + dt.timedelta(hours=1),
                ends_at=start + dt.timedelta(hours=1, minutes=30),
            )


def _read_everything(agendas):
    for agenda in agendas:
        for day in agenda.days:
            for row in day.rows:
                if row.is_leg:
                    str(row.from_venue), str(row.to_venue)
                else:
                    str(row.venue), row.counterpart, row.company_attendees, row.partner_name


def test_company_agendas_query_count_constant_as_data_grows(world):
    few = queries_of(lambda: _read_everything(agendas_for_company(company=world.company_a)))
    _grow(world)

    many = queries_of(lambda: _read_everything(agendas_for_company(company=world.company_a)))

    assert few == many == 4
    assert len(agendas_for_company(company=world.company_a)) == 4


def test_company_agenda_one_mission_query_count_constant_as_data_grows(world):
    def read():
        _read_everything([agenda_for_company(company=world.company_a, mission=world.mission)])

    few = queries_of(read)
    for n in range(8):
        venue = VenueFactory()
        travel(world.gosselies, venue, 10 + n)
        meeting(
            mission=world.mission,
            company=world.company_a,
            partner=PartnerOrganisationFactory(),
            venue=venue,
            start=at(14, 9 + n),
        )

    assert queries_of(read) == few == 4


# --- The partner's agenda -------------------------------------------------------------------


def test_partner_agenda_its_meetings_and_the_items_it_hosts(world):
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)

    agenda = agenda_for_partner(link=link)

    assert agenda.owner_name == "BioPark Charleroi"
    assert _describe(agenda) == [
        (
            "2027-07-12",
            ["09:00 meeting Alpha Pharma SA", "10:00 meeting Beta Biotech SARL"],
        ),
        ("2027-07-13", ["09:00 programme Site visit at BioPark"]),
    ]
    first = agenda.days[0].items[0]
    assert (first.counterpart, first.company_attendees, first.partner_attendees) == (
        "Alpha Pharma SA",
        "Amira Ben Salah",
        "Dr Jean Dupont, CEO",
    )


def test_partner_agenda_only_the_mission_of_its_link(world):
    other = MissionFactory()
    meeting(
        mission=other,
        company=world.company_a,
        partner=world.biopark,
        venue=world.gosselies,
        start=at(20, 9),
    )
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)

    agenda = agenda_for_partner(link=link)

    assert {item.meeting.mission_id for item in agenda.meetings} == {world.mission.pk}


def test_partner_agenda_query_count_constant_as_data_grows(world):
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)
    few = queries_of(lambda: _read_everything([agenda_for_partner(link=link)]))
    for n in range(8):
        company = CompanyFactory()
        ApplicationFactory(mission=world.mission, company=company, status="accepted")
        meeting(
            mission=world.mission,
            company=company,
            partner=world.biopark,
            venue=world.gosselies if n % 2 else world.brussels,
            start=at(14, 9 + n),
        )

    assert queries_of(lambda: _read_everything([agenda_for_partner(link=link)])) == few == 4


# --- Calendar feeds: addresses --------------------------------------------------------------


def test_feed_for_company_made_once(world):
    first = services.calendar_feed_for_company(company=world.company_a)
    again = services.calendar_feed_for_company(company=world.company_a)

    assert first == again
    assert calendar_feed_from_token(token=first.token) == first


def test_feed_token_tampered_or_of_another_kind_resolves_to_nothing(world):
    feed = services.calendar_feed_for_company(company=world.company_a)
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)

    assert calendar_feed_from_token(token=feed.token[:-1] + "x") is None
    assert calendar_feed_from_token(token=link.token) is None  # a partner link is no feed
    assert calendar_feed_from_token(token="") is None


def test_feed_reset_old_address_stops_new_one_works(world):
    feed = services.calendar_feed_for_company(company=world.company_a)
    old = feed.token

    feed = services.calendar_feed_reset(feed=feed)

    assert calendar_feed_from_token(token=old) is None
    assert calendar_feed_from_token(token=feed.token) == feed


def test_feed_revoked_by_staff_stops_and_asking_again_gives_a_new_address(world):
    feed = services.calendar_feed_for_company(company=world.company_a)
    old = feed.token

    services.calendar_feed_revoke(feed=feed)
    assert calendar_feed_from_token(token=old) is None
    again = services.calendar_feed_for_company(company=world.company_a)

    assert again.pk == feed.pk
    assert again.token != old
    assert calendar_feed_from_token(token=again.token) == again


def test_partner_feed_stops_with_a_revoked_link_but_outlives_its_expiry(world):
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)
    feed = services.calendar_feed_for_partner(link=link)
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=at(1, 9).replace(month=1))

    assert calendar_feed_from_token(token=feed.token) == feed

    PartnerLink.objects.filter(pk=link.pk).update(revoked_at=at(1, 9).replace(month=1))
    assert calendar_feed_from_token(token=feed.token) is None


# --- Calendar feeds: content ----------------------------------------------------------------


def _events(ics: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def _company_feed(world) -> bytes:
    feed = services.calendar_feed_for_company(company=world.company_a)
    return services.agenda_feed_ics(items=feed_meetings(feed=feed), name="Alpha")


def test_company_feed_has_its_live_meetings_with_stable_uids_and_local_times(world):
    ics = _company_feed(world)

    calendar = icalendar.Calendar.from_ical(ics)
    events = _events(ics)
    assert str(calendar["method"]) == "PUBLISH"
    assert set(events) == {str(world.with_biopark.uid), str(world.with_biowin.uid)}
    event = events[str(world.with_biopark.uid)]
    assert event.decoded("dtstart") == at(12, 9)
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Brussels"
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("dtend") == at(12, 9, 30)
    assert event["sequence"] == 0
    assert str(event["summary"]) == "Meeting with BioPark Charleroi"
    assert str(event["location"]) == "BioPark Gosselies, Rue Adrienne Bolland 8, Gosselies"
    assert str(event["status"]) == "CONFIRMED"
    description = str(event["description"])
    assert "Table: 2" in description
    assert "Attending for Alpha Pharma SA: Amira Ben Salah" in description
    assert "Attending for BioPark Charleroi: Dr Jean Dupont, CEO" in description
    assert str(events[str(world.with_biowin.uid)]["status"]) == "TENTATIVE"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]


def test_company_feed_moved_meeting_same_uid_higher_sequence_no_duplicate(world):
    before = _events(_company_feed(world))
    moved = world.with_biopark
    moved.starts_at, moved.ends_at = at(13, 14), at(13, 14, 30)
    moved.sequence += 1
    moved.save()

    after = _events(_company_feed(world))

    assert set(after) == set(before)
    event = after[str(moved.uid)]
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == at(13, 14)


def test_company_feed_cancelled_meeting_disappears(world):
    meeting_cancel(meeting=world.with_biowin, by=None)

    assert set(_events(_company_feed(world))) == {str(world.with_biopark.uid)}


def test_partner_feed_only_its_meetings_on_the_mission(world):
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)
    feed = services.calendar_feed_for_partner(link=link)

    events = _events(services.agenda_feed_ics(items=feed_meetings(feed=feed), name="BioPark"))

    assert set(events) == {str(world.with_biopark.uid), str(world.of_b.uid)}
    assert str(events[str(world.of_b.uid)]["summary"]) == "Meeting with Beta Biotech SARL"


def test_feed_escapes_typed_text(world):
    world.with_biopark.request.partner_attendees = "Eve; <b>x</b>, \\ CEO\nDESCRIPTION:evil"
    world.with_biopark.request.save()

    ics = _company_feed(world)

    assert b"\nDESCRIPTION:evil" not in ics.replace(b"\r\n", b"\n")
    event = _events(ics)[str(world.with_biopark.uid)]
    assert "Eve; <b>x</b>, \\ CEO\nDESCRIPTION:evil" in str(event["description"])


# --- PDF ------------------------------------------------------------------------------------


def _pdf(agenda, language: str) -> pypdf.PdfReader:
    with translation.override(language):
        data = services.agenda_pdf(agenda=agenda)
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def _text(page) -> str:
    """A page's text, each run of spaces and line breaks as one space (cells wrap)."""
    return " ".join(page.extract_text().split())


def _fonts(reader: pypdf.PdfReader) -> dict[str, str]:
    """{PDF font name: family name in the embedded font file} over every page."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"]).split("+")[-1]] = TTFont(io.BytesIO(data))[
                "name"
            ].getDebugName(1)
    return fonts


def test_pdf_french_one_a4_page_per_day_with_header_and_page_numbers(world):
    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    reader = _pdf(agenda, "fr")

    assert len(reader.pages) == 2
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    first, second = (_text(page) for page in reader.pages)
    for text in (first, second):
        assert "Wallonie biotech 2027" in text
        assert "Alpha Pharma SA" in text
    assert "lundi 12 juillet 2027" in first
    assert "mardi 13 juillet 2027" in second
    assert "Page 1 / 2" in first
    assert "Page 2 / 2" in second
    assert "09:00–09:30" in first
    assert "BioPark Charleroi" in first
    assert "Rue Adrienne Bolland 8" in first
    assert "Amira Ben Salah" in first
    assert "Dr Jean Dupont, CEO" in first
    assert "15 min" in first
    assert "Mayor of Charleroi" in first
    assert "Site visit at BioPark" in second
    assert set(_fonts(reader).values()) == {"Noto Sans"}


# Noto Naskh draws many letters as a shared skeleton plus a glyph of dots, and a PDF maps each
# glyph back to one character, so text extraction may return a sister letter for a dotted one
# (ت for ق, ث for ش). The words checked here are made of letters drawn as one glyph each,
# which come back exactly; that no letter is a box is checked through the fonts: Arabic is
# drawn with the vendored Noto Naskh Arabic, which has every letter, and no other font.
ARABIC_WORDS = ["السلام", "المعهد", "يوليو", "الاثنين"]


def test_vendored_arabic_font_covers_the_arabic_text():
    from django.contrib.staticfiles import finders

    font = TTFont(finders.find("fonts/noto-naskh-arabic/noto-naskh-arabic-arabic-400-normal.woff"))
    cmap = font.getBestCmap()

    text = "".join(ARABIC_WORDS) + "بعثة الشراكة إلى والونيا مختبر الأبحاث ٠١٢٣٤٥٦٧٨٩"
    assert [char for char in text if not char.isspace() and ord(char) not in cmap] == []


def test_pdf_arabic_right_to_left_words_extracted_with_the_arabic_font(world):
    world.mission.title = "بعثة السلام"
    world.mission.save()
    world.biopark.name = "المعهد"
    world.biopark.save()
    agenda = agenda_for_company(company=world.company_a, mission=world.mission)

    reader = _pdf(agenda, "ar")

    first = reader.pages[0].extract_text()
    for word in ARABIC_WORDS:
        assert word in first
    assert "Alpha Pharma SA" in first
    fonts = _fonts(reader)
    assert "Noto Naskh Arabic" in fonts.values()
    assert set(fonts.values()) <= {"Noto Naskh Arabic", "Noto Sans"}
    # Right to left: the day's title ("الاثنين 12 يوليو 2027") ends at the right margin.
    ends = []

    def visit(text, cm, tm, font, size):
        if "الاثنين" in text:
            ends.append(tm[4] * cm[0] + cm[4])

    reader.pages[0].extract_text(visitor_text=visit)
    width = float(reader.pages[0].mediabox[2])
    assert ends
    assert min(ends) > width / 2


def test_pdf_partner_agenda(world):
    link = PartnerLink.objects.create(mission=world.mission, partner=world.biopark)

    reader = _pdf(agenda_for_partner(link=link), "en")

    text = _text(reader.pages[0])
    assert "BioPark Charleroi" in text
    assert "Meeting with Alpha Pharma SA" in text
    assert "Meeting with Beta Biotech SARL" in text


def test_pdf_of_an_empty_agenda_says_so(world):
    mission = MissionFactory(title="Reverse mission 2028")

    reader = _pdf(agenda_for_company(company=world.company_a, mission=mission), "en")

    assert len(reader.pages) == 1
    assert "Nothing is scheduled yet." in _text(reader.pages[0])


def test_pdf_renders_typed_text_as_text_and_fetches_nothing(world, monkeypatch):
    world.with_biopark.request.partner_attendees = '<img src="https://example.com/x.png">Eve'
    world.with_biopark.request.save()
    fetched = []
    from cepex_portal import pdf

    original = pdf.local_url_fetcher

    def spy():
        fetcher = original()
        fetch = fetcher.fetch

        def recording(url, headers=None):
            fetched.append(url)
            return fetch(url, headers)

        fetcher.fetch = recording
        return fetcher

    monkeypatch.setattr(pdf, "local_url_fetcher", spy)

    reader = _pdf(agenda_for_company(company=world.company_a, mission=world.mission), "en")

    text = _text(reader.pages[0])
    assert '<img src="https://' in text
    assert 'x.png">Eve' in text
    assert fetched
    assert all(url.startswith("file://") for url in fetched)


def test_pdf_fetcher_refuses_the_network_and_files_outside_static():
    from cepex_portal.pdf import local_url_fetcher, static_base_url

    fetcher = local_url_fetcher()

    for url in ("https://example.com/font.woff", "file:///etc/passwd", "data:text/plain,x"):
        with pytest.raises(ValueError):  # noqa: PT011 (WeasyPrint's own convention)
            fetcher.fetch(url)
    with pytest.raises(ValueError):  # noqa: PT011
        fetcher.fetch(static_base_url() + "../pyproject.toml")
    assert fetcher.fetch(static_base_url() + "css/pdf/agenda.css").read().startswith(b"/*")


# --- E-mails of a change --------------------------------------------------------------------


def _notify(meeting, change, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.meeting_notify_change(meeting=meeting, change=change)


def _calendar_of(message) -> icalendar.Calendar:
    parsed = message_from_bytes(message.message().as_bytes())
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_filename() == "meeting.ics"
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    assert parts[0].get_param("method") == str(calendar["method"])
    return calendar


def test_confirmed_meeting_both_sides_get_an_invitation_in_their_language(
    world, django_capture_on_commit_callbacks
):
    _notify(world.with_biopark, MeetingChange.CONFIRMED, django_capture_on_commit_callbacks)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"amira@alpha.example", "jean.dupont@biopark.example"}
    company, partner = by_address["amira@alpha.example"], by_address["jean.dupont@biopark.example"]
    assert company.extra_headers["Content-Language"] == "en"
    assert partner.extra_headers["Content-Language"] == "fr"
    # The times are a left-to-right isolate (U+2066 ... U+2069): Arabic mail keeps them in order.
    assert "Monday 12 July 2027, \u206609:00–09:30\u2069" in company.body
    assert "lundi 12 juillet 2027, \u206609:00–09:30\u2069" in partner.body
    assert "BioPark Gosselies, Rue Adrienne Bolland 8, Gosselies" in company.body
    assert "/company/agenda/" in company.body
    assert "/company/" not in partner.body
    for message in (company, partner):
        calendar = _calendar_of(message)
        (event,) = calendar.walk("VEVENT")
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == str(world.with_biopark.uid)
        assert event["sequence"] == 0
        assert event.decoded("dtstart") == at(12, 9)
        assert str(event["status"]) == "CONFIRMED"
        assert str(event["attendee"]) == f"mailto:{message.to[0]}"
    assert str(_calendar_of(partner).walk("VEVENT")[0]["summary"]) == (
        "Rencontre avec Alpha Pharma SA"
    )
    assert MeetingNotification.objects.filter(sent_at__isnull=False).count() == 2


def test_cancelled_meeting_method_cancel_to_those_told_before(
    world, django_capture_on_commit_callbacks
):
    _notify(world.with_biopark, MeetingChange.CONFIRMED, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=world.with_biopark, by=None)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@alpha.example",
        "jean.dupont@biopark.example",
    ]
    for message in mail.outbox:
        calendar = _calendar_of(message)
        (event,) = calendar.walk("VEVENT")
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == str(world.with_biopark.uid)
        assert event["sequence"] == 1
    assert mail.outbox[0].subject.startswith(("Cancelled", "Annulé"))


def test_cancelled_meeting_also_told_to_a_contact_replaced_since(
    world, django_capture_on_commit_callbacks
):
    _notify(world.with_biopark, MeetingChange.CONFIRMED, django_capture_on_commit_callbacks)
    world.biopark_contact.delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=world.with_biopark, by=None)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"amira@alpha.example", "jean.dupont@biopark.example"}
    former = by_address["jean.dupont@biopark.example"]
    assert former.body.startswith("Bonjour,") or former.body.startswith("Hello,")
    assert former.extra_headers["Content-Language"] == "fr"
    assert str(_calendar_of(former)["method"]) == "CANCEL"


def test_cancelled_meeting_nobody_told_before_no_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=world.with_biowin, by=None)

    assert mail.outbox == []


def test_moved_meeting_invitation_same_uid_higher_sequence(
    world, django_capture_on_commit_callbacks
):
    moved = world.with_biopark
    moved.starts_at, moved.ends_at = at(13, 14), at(13, 14, 30)
    moved.sequence = 1
    moved.save()

    _notify(moved, MeetingChange.MOVED, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject.startswith("Moved")
    (event,) = _calendar_of(mail.outbox[0]).walk("VEVENT")
    assert (str(event["uid"]), event["sequence"]) == (str(moved.uid), 1)
    assert event.decoded("dtstart") == at(13, 14)


def test_notification_task_twice_sends_once_per_recipient(world):
    kwargs = {"meeting_id": world.with_biopark.pk, "sequence": 0, "change": "confirmed"}

    meeting_notify_task.apply(kwargs=kwargs)
    meeting_notify_task.apply(kwargs=kwargs)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@alpha.example",
        "jean.dupont@biopark.example",
    ]
    assert MeetingNotification.objects.count() == 2


def test_notification_superseded_revision_sends_nothing(world):
    world.with_biopark.sequence = 2
    world.with_biopark.save()

    sent = services.meeting_notifications_send(
        meeting_id=world.with_biopark.pk, sequence=1, change="moved"
    )

    assert (sent, mail.outbox) == (0, [])


def test_notification_mail_server_down_for_one_address_retry_sends_only_the_rest(
    world, monkeypatch
):
    real = services.send_meeting_change
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["recipient"].email)
        if kwargs["recipient"].email == "jean.dupont@biopark.example" and len(calls) < 3:
            raise ConnectionRefusedError("mail server down")
        real(**kwargs)

    monkeypatch.setattr(services, "send_meeting_change", flaky)
    kwargs = {"meeting_id": world.with_biopark.pk, "sequence": 0, "change": "confirmed"}

    with pytest.raises(ConnectionRefusedError):
        services.meeting_notifications_send(**kwargs)
    assert services.meeting_notifications_send(**kwargs) == 1

    assert calls == [
        "amira@alpha.example",
        "jean.dupont@biopark.example",
        "jean.dupont@biopark.example",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@alpha.example",
        "jean.dupont@biopark.example",
    ]


def test_notification_vanished_meeting_sends_nothing():
    assert services.meeting_notifications_send(meeting_id=987654, sequence=0, change="moved") == 0
