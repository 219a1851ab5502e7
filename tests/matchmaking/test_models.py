"""Matchmaking: the constraints of grids, requests, meetings, links and runs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matchmaking.enums import MeetingState, RequestState
from matchmaking.models import (
    CalendarFeed,
    Meeting,
    MeetingGrid,
    MeetingNotification,
    MeetingRequest,
    PartnerAvailability,
    PartnerLink,
    ScheduleRun,
)
from tests.conftest import requires_postgres
from tests.constraints import untested_constraints, violates
from tests.factories import (
    CompanyFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    PartnerOrganisationFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def test_every_constraint_of_the_matchmaking_models_has_a_test():
    names, missing = untested_constraints(app_label="matchmaking", test_file=__file__)

    assert names
    assert missing == []


# --- Grid -----------------------------------------------------------------------------------


def _grid(**kwargs) -> MeetingGrid:
    mission = MissionFactory(
        starts_on=dt.date(2027, 7, 10), ends_on=dt.date(2027, 7, 11), time_zone="Europe/Brussels"
    )
    return MeetingGrid.objects.create(mission=mission, **kwargs)


def test_grid_slot_length_out_of_range_raises_integrity_error():
    with violates("meetinggrid_slot_5_to_240_minutes"):
        _grid(slot_minutes=2)


def test_grid_day_ending_before_start_raises_integrity_error():
    with violates("meetinggrid_day_ends_after_start"):
        _grid(day_starts_at=dt.time(18), day_ends_at=dt.time(9))


def test_grid_slots_skip_breaks_and_skipped_days_in_mission_time():
    grid = _grid(
        day_starts_at=dt.time(9),
        day_ends_at=dt.time(11),
        slot_minutes=30,
        breaks=[["10:00", "10:30"]],
        skipped_days=["2027-07-11"],
    )

    slots = grid.slots()

    assert [slot.id for slot in slots] == [
        "2027-07-10T09:00",
        "2027-07-10T09:30",
        "2027-07-10T10:30",
    ]
    assert slots[0].start.utcoffset() == dt.timedelta(hours=2)  # Brussels in July


def test_grid_clean_bad_break_refused():
    grid = _grid()
    grid.breaks = [["14:00", "12:30"]]

    with pytest.raises(ValidationError):
        grid.full_clean()


# --- Availability ---------------------------------------------------------------------------


def test_availability_twice_the_same_day_raises_integrity_error():
    mission, partner = MissionFactory(), PartnerOrganisationFactory()
    PartnerAvailability.objects.create(mission=mission, partner=partner, day=mission.starts_on)

    with violates("availability_one_per_day"):
        PartnerAvailability.objects.create(mission=mission, partner=partner, day=mission.starts_on)


def test_availability_ending_before_start_raises_integrity_error():
    mission, partner = MissionFactory(), PartnerOrganisationFactory()

    with violates("availability_ends_after_start"):
        PartnerAvailability.objects.create(
            mission=mission,
            partner=partner,
            day=mission.starts_on,
            available_from=dt.time(14),
            available_to=dt.time(10),
        )


# --- Requests -------------------------------------------------------------------------------


def test_request_second_open_one_for_the_pair_raises_integrity_error():
    first = MeetingRequestFactory()

    with violates("meetingrequest_one_open_per_pair"):
        MeetingRequest.objects.create(
            mission=first.mission, company=first.company, partner=first.partner
        )


def test_request_again_after_cancellation_allowed():
    first = MeetingRequestFactory(state=RequestState.CANCELLED)

    MeetingRequest.objects.create(
        mission=first.mission, company=first.company, partner=first.partner
    )

    assert MeetingRequest.objects.count() == 2


def test_request_priority_out_of_range_raises_integrity_error():
    with violates("meetingrequest_priority_1_to_3"):
        MeetingRequestFactory(priority=4)


def test_request_length_out_of_range_raises_integrity_error():
    with violates("meetingrequest_length_1_to_8"):
        MeetingRequestFactory(length_slots=0)


def test_request_unknown_state_raises_integrity_error():
    with violates("meetingrequest_state_valid"):
        MeetingRequestFactory(state="maybe")


# --- Meetings -------------------------------------------------------------------------------


def test_meeting_ending_before_start_raises_integrity_error():
    start = timezone.now()
    with violates("meeting_ends_after_start"):
        MeetingFactory(starts_at=start, ends_at=start - dt.timedelta(minutes=1))


def test_meeting_table_zero_raises_integrity_error():
    with violates("meeting_table_gte_1"):
        MeetingFactory(table=0)


def test_meeting_unknown_state_raises_integrity_error():
    with violates("meeting_state_valid"):
        MeetingFactory(state="perhaps")


def _overlapping(first: Meeting, **kwargs) -> Meeting:
    request = MeetingRequestFactory(
        mission=first.mission,
        company=kwargs.pop("company", CompanyFactory()),
        partner=kwargs.pop("partner", None) or PartnerOrganisationFactory(),
    )
    return MeetingFactory(
        request=request,
        starts_at=first.starts_at + dt.timedelta(minutes=15),
        ends_at=first.ends_at + dt.timedelta(minutes=15),
        **kwargs,
    )


@requires_postgres
def test_meeting_company_in_two_meetings_at_once_raises_integrity_error():
    first = MeetingFactory()

    with violates("meeting_company_no_overlap"):
        _overlapping(first, company=first.company)


@requires_postgres
def test_meeting_partner_in_two_meetings_at_once_raises_integrity_error():
    first = MeetingFactory()

    with violates("meeting_partner_no_overlap"):
        _overlapping(first, partner=first.partner)


@requires_postgres
def test_meeting_two_at_one_table_at_once_raises_integrity_error():
    first = MeetingFactory(venue=VenueFactory(tables=3))

    with violates("meeting_table_no_overlap"):
        _overlapping(first, venue=first.venue, table=first.table)


@requires_postgres
def test_meeting_cancelled_frees_the_time_for_another():
    first = MeetingFactory(state=MeetingState.CANCELLED)

    _overlapping(first, company=first.company)

    assert Meeting.objects.live().count() == 1


def test_meeting_clean_table_beyond_the_venue_refused():
    meeting = MeetingFactory.build(
        request=MeetingRequestFactory(), venue=VenueFactory(tables=2), table=3
    )

    with pytest.raises(ValidationError):
        meeting.full_clean(exclude=["request"])


# --- Links, feeds and runs ------------------------------------------------------------------


def test_partner_link_twice_for_one_partner_and_mission_raises_integrity_error():
    link = PartnerLink.objects.create(
        mission=MissionFactory(), partner=PartnerOrganisationFactory()
    )

    with violates("partnerlink_unique"):
        PartnerLink.objects.create(mission=link.mission, partner=link.partner)


def test_partner_link_token_round_trips_and_a_new_version_breaks_the_old():
    link = PartnerLink.objects.create(
        mission=MissionFactory(), partner=PartnerOrganisationFactory()
    )
    old = link.token

    link.version += 1

    assert PartnerLink.unsign(old) == {"id": link.pk, "v": 1}
    assert PartnerLink.unsign(link.token) == {"id": link.pk, "v": 2}
    assert PartnerLink.unsign(old + "x") is None
    assert CalendarFeed.unsign(old) is None  # another kind's salt


def test_calendar_feed_for_neither_or_both_raises_integrity_error():
    with violates("calendarfeed_company_xor_partner"):
        CalendarFeed.objects.create()


def test_run_progress_over_100_raises_integrity_error():
    with violates("schedulerun_progress_lte_100"):
        ScheduleRun.objects.create(mission=MissionFactory(), progress=101)


def test_run_unknown_state_raises_integrity_error():
    with violates("schedulerun_state_valid"):
        ScheduleRun.objects.create(mission=MissionFactory(), state="lost")


# --- Notifications --------------------------------------------------------------------------


def test_notification_twice_for_one_revision_and_address_raises_integrity_error():
    meeting = MeetingFactory()
    MeetingNotification.objects.create(
        meeting=meeting,
        sequence=0,
        recipient="a@example.com",
        change="confirmed",
        language="fr",
        side="company",
    )
    MeetingNotification.objects.create(
        meeting=meeting,
        sequence=1,
        recipient="a@example.com",
        change="moved",
        language="fr",
        side="company",
    )

    with violates("meetingnotification_once_per_revision_and_address"):
        MeetingNotification.objects.create(
            meeting=meeting,
            sequence=1,
            recipient="a@example.com",
            change="moved",
            language="fr",
            side="company",
        )
