"""The admin's day grid: a row per delegate and partner of the mission, meetings or not, so
that staff see who is free, and when a partner is away."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from matchmaking.models import MeetingGrid, PartnerAvailability
from matchmaking.services.meetings import meeting_place
from missions.enums import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    VenueFactory,
)
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 7, 12)


@pytest.fixture
def mission(staff):
    mission = MissionFactory(slug="wal", starts_on=DAY, ends_on=DAY, time_zone="Europe/Brussels")
    mission.team.add(staff)
    MeetingGrid.objects.create(
        mission=mission,
        slot_minutes=30,
        day_starts_at=dt.time(9),
        day_ends_at=dt.time(11),
        meeting_venue=VenueFactory(name="Hotel", tables=4),
    )
    return mission


def _delegate(mission, name: str):
    company = CompanyFactory(legal_name=name)
    ApplicationFactory(mission=mission, company=company, status=ApplicationStatus.ACCEPTED)
    return company


def _partner(mission, name: str):
    partner = PartnerOrganisationFactory(name=name, short_name=name)
    MissionPartnerFactory(mission=mission, organisation=partner)
    return partner


def _grid(client, staff, mission):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("admin:matchmaking_meeting_grid", args=[mission.pk]))
    assert response.status_code == 200
    return {row["name"]: row for row in response.context["rows"]}


def test_grid_has_a_row_for_each_delegate_and_partner_without_meetings(client, staff, mission):
    _delegate(mission, "Médis SA")
    _partner(mission, "BioWin")
    ApplicationFactory(
        mission=mission, company=CompanyFactory(legal_name="Rejected SA"), status="rejected"
    )

    rows = _grid(client, staff, mission)

    assert sorted(rows) == ["BioWin", "Médis SA"]
    assert rows["Médis SA"]["cells"] == [None] * 4  # 9:00 to 11:00, all free
    assert rows["BioWin"]["kind"] == 1


def test_grid_shows_when_a_partner_is_away(client, staff, mission):
    away, late = _partner(mission, "Away"), _partner(mission, "Late")
    PartnerAvailability.objects.create(mission=mission, partner=away, day=DAY, is_available=False)
    PartnerAvailability.objects.create(
        mission=mission, partner=late, day=DAY, available_from=dt.time(10)
    )

    rows = _grid(client, staff, mission)

    assert [c and c["state"] for c in rows["Away"]["cells"]] == ["unavailable"] * 4
    assert [c and c["state"] for c in rows["Late"]["cells"]] == [
        "unavailable",
        "unavailable",
        None,
        None,
    ]


def test_grid_meeting_fills_both_rows(client, staff, mission):
    company, partner = _delegate(mission, "Médis SA"), _partner(mission, "BioWin")
    request = MeetingRequestFactory(mission=mission, company=company, partner=partner)
    start = dt.datetime.combine(DAY, dt.time(9, 30), tzinfo=dt.timezone(dt.timedelta(hours=2)))
    meeting_place(
        request=request, starts_at=start, venue=mission.meeting_grid.meeting_venue, by=None
    )

    rows = _grid(client, staff, mission)

    assert [bool(c) for c in rows["Médis SA"]["cells"]] == [False, True, False, False]
    assert rows["BioWin"]["cells"][1]["label"].startswith("Médis SA")


def test_grid_queries_constant_as_participants_grow(client, staff, mission):
    client.force_login(staff)
    url = reverse("admin:matchmaking_meeting_grid", args=[mission.pk])
    _delegate(mission, "D 0")
    _partner(mission, "P 0")
    one = page_queries(client, url)
    for n in range(1, 8):
        _delegate(mission, f"D {n}")
        partner = _partner(mission, f"P {n}")
        PartnerAvailability.objects.create(
            mission=mission, partner=partner, day=DAY, is_available=False
        )

    assert page_queries(client, url) == one
