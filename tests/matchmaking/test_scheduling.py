"""Auto-scheduling of a mission: the adapter, runs, preview, apply, manual placement, commands."""

import datetime as dt
import io
import json
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from matchmaking.enums import PRIORITY_WEIGHTS, MeetingState, RequestState, RunState
from matchmaking.models import Meeting, MeetingGrid, PartnerAvailability, ScheduleRun
from matchmaking.scheduling import parse_instance, validate
from matchmaking.scheduling.solution import parse_solution
from matchmaking.services.meetings import meeting_cancel, meeting_place
from matchmaking.services.scheduling import (
    company_key,
    current_solution_as_json,
    instance_as_json,
    mission_instance,
    partner_key,
    request_key,
    schedule_preview,
    schedule_run_apply,
    schedule_run_discard,
    schedule_run_execute,
    schedule_run_request,
    venue_key,
)
from partners.models import PartnerOrganisation
from tests.conftest import requires_postgres
from tests.factories import (
    CompanyFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    TravelTimeFactory,
    VenueFactory,
)
from tests.queries import page_queries

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2027, 7, 12)


def _at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=BRUSSELS)


@pytest.fixture
def mission(staff):
    mission = MissionFactory(
        slug="wal", starts_on=DAY, ends_on=DAY, time_zone="Europe/Brussels", capacity=10
    )
    mission.team.add(staff)  # the chargé de mission works on it
    MeetingGrid.objects.create(
        mission=mission,
        slot_minutes=30,
        day_starts_at=dt.time(9),
        day_ends_at=dt.time(12),
        meeting_venue=VenueFactory(name="Hotel", city="Bruxelles", tables=2),
    )
    return mission


def _partner(mission, name: str, *, venue=None):
    partner = PartnerOrganisationFactory(name=name, venue=venue)
    MissionPartnerFactory(mission=mission, organisation=partner)
    return partner


def _request(mission, company, partner, *, priority=1, state=RequestState.ACCEPTED):
    return MeetingRequestFactory(
        mission=mission, company=company, partner=partner, priority=priority, state=state
    )


def _run(mission, **kwargs) -> ScheduleRun:
    run = ScheduleRun.objects.create(mission=mission, time_limit_seconds=3, **kwargs)
    return schedule_run_execute(run=run)


# --- The adapter --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mission_instance_programme_items_block_every_delegate(mission):
    company = CompanyFactory()
    _request(mission, company, _partner(mission, "BioWin"))
    ProgrammeItemFactory(mission=mission, starts_at=_at("10:00"), ends_at=_at("11:00"))

    instance = mission_instance(mission=mission).instance

    assert instance.participant_by_id[company_key(company.pk)].unavailable == {
        "2027-07-12T10:00",
        "2027-07-12T10:30",
    }


@pytest.mark.django_db
def test_mission_instance_partner_availability_and_host_venue(mission):
    lab = VenueFactory(name="Lab", city="Liège")
    partner = _partner(mission, "GIGA", venue=lab)
    _request(mission, CompanyFactory(), partner)
    PartnerAvailability.objects.create(
        mission=mission, partner=partner, day=DAY, available_from=dt.time(10, 30)
    )

    participant = mission_instance(mission=mission).instance.participant_by_id[
        partner_key(partner.pk)
    ]

    assert participant.venue == venue_key(lab.pk)
    assert participant.unavailable == {"2027-07-12T09:00", "2027-07-12T09:30", "2027-07-12T10:00"}


@pytest.mark.django_db
def test_mission_instance_partner_without_premises_meets_at_the_grid_venue(mission):
    partner = _partner(mission, "Investor")
    _request(mission, CompanyFactory(), partner)

    prepared = mission_instance(mission=mission)

    hotel = mission.meeting_grid.meeting_venue
    assert prepared.instance.participant_by_id[partner_key(partner.pk)].venue == venue_key(hotel.pk)


@pytest.mark.django_db
def test_mission_instance_no_grid_venue_leaves_the_request_out_with_a_reason(mission):
    MeetingGrid.objects.filter(mission=mission).update(meeting_venue=None)
    request = _request(mission, CompanyFactory(), _partner(mission, "Investor"))

    prepared = mission_instance(mission=mission)

    assert prepared.instance.requests == ()
    assert "has no premises of its own" in prepared.left_out[request_key(request.pk)].note


@pytest.mark.django_db
def test_mission_instance_travel_recorded_and_same_city_default(mission):
    a = VenueFactory(name="A", city="Gosselies")
    b = VenueFactory(name="B", city="Gosselies")
    c = VenueFactory(name="C", city="Liège")
    TravelTimeFactory(from_venue=a, to_venue=c, minutes=75)
    company = CompanyFactory()
    for venue in (a, b, c):
        _request(mission, company, _partner(mission, f"P {venue.name}", venue=venue))

    instance = mission_instance(mission=mission).instance

    assert instance.travel_minutes(venue_key(a.pk), venue_key(c.pk)) == 75
    assert instance.travel_minutes(venue_key(a.pk), venue_key(b.pk)) == 20  # same city
    assert instance.travel_minutes(venue_key(b.pk), venue_key(c.pk)) is None  # unknown


@pytest.mark.django_db
def test_mission_instance_only_accepted_requests_are_scheduled(mission):
    partner = _partner(mission, "BioWin")
    accepted = _request(mission, CompanyFactory(), partner)
    _request(mission, CompanyFactory(), partner, state=RequestState.SENT)
    _request(mission, CompanyFactory(), partner, state=RequestState.DECLINED)

    instance = mission_instance(mission=mission).instance

    assert [r.id for r in instance.requests] == [request_key(accepted.pk)]


# --- Runs: execute, preview, apply -------------------------------------------------------------


@pytest.fixture
def busy_mission(mission):
    """Three companies, two partners hosting at their sites 20 minutes apart."""
    a = VenueFactory(name="BioPark", city="Gosselies", tables=1)
    b = VenueFactory(name="Lab", city="Charleroi", tables=1)
    TravelTimeFactory(from_venue=a, to_venue=b, minutes=20)
    biowin, lab = _partner(mission, "BioWin", venue=a), _partner(mission, "Lab", venue=b)
    for n in range(3):
        company = CompanyFactory(legal_name=f"Company {n}")
        _request(mission, company, biowin, priority=1)
        _request(mission, company, lab, priority=2)
    return mission


@pytest.mark.django_db
def test_run_execute_proposes_a_schedule_the_validator_accepts(busy_mission):
    run = _run(busy_mission)

    prepared = mission_instance(mission=busy_mission)
    solution = parse_solution({"format": "b2b-schedule/1", **run.result})
    report = validate(prepared.instance, solution)
    assert run.state == RunState.DONE
    assert report.violations == ()
    assert (report.scheduled, run.progress) == (6, 100)
    assert run.best_priority_total == report.priority_total


@pytest.mark.django_db
def test_run_apply_writes_meetings_with_tables_and_is_refused_twice(busy_mission):
    run = _run(busy_mission)

    preview = schedule_run_apply(run=run, by=None, notify=False)

    meetings = list(Meeting.objects.live().filter(mission=busy_mission))
    assert len(preview.added) == len(meetings) == 6
    assert {m.state for m in meetings} == {MeetingState.CONFIRMED}
    assert {m.table for m in meetings} == {1}
    with pytest.raises(ValidationError):
        schedule_run_apply(run=run, by=None, notify=False)


@pytest.mark.django_db
def test_run_keeps_locked_meetings_where_they_are(busy_mission):
    request = busy_mission.meeting_requests.order_by("pk").first()
    meeting = meeting_place(
        request=request,
        starts_at=_at("11:30"),
        venue=request.partner.venue,
        by=None,
        lock=True,
    )

    run = _run(busy_mission)
    preview = schedule_preview(run=run)
    schedule_run_apply(run=run, by=None, notify=False)

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.is_locked, meeting.state) == (
        _at("11:30"),
        True,
        MeetingState.CONFIRMED,
    )
    assert meeting.pk not in [c.meeting.pk for c in preview.moved + preview.removed if c.meeting]


def _took_place(meeting, state: str):
    """What recording the meeting's outcome does to it (the reports app sets the state)."""
    Meeting.objects.filter(pk=meeting.pk).update(state=state)
    meeting.refresh_from_db()
    return meeting


def _as_is(meeting) -> tuple:
    meeting = Meeting.objects.get(pk=meeting.pk)
    return (
        meeting.starts_at,
        meeting.ends_at,
        meeting.venue_id,
        meeting.table,
        meeting.state,
        meeting.sequence,
        meeting.updated_at,
    )


def _placed(request, hhmm: str):
    return meeting_place(request=request, starts_at=_at(hhmm), venue=request.partner.venue, by=None)


@pytest.mark.django_db
def test_mission_instance_held_meeting_locked_and_no_show_left_out(busy_mission):
    held_request, missed_request = busy_mission.meeting_requests.filter(priority=1).order_by("pk")[
        :2
    ]
    _took_place(_placed(held_request, "11:30"), MeetingState.HELD)
    _took_place(_placed(missed_request, "09:00"), MeetingState.NO_SHOW)

    instance = mission_instance(mission=busy_mission).instance

    held = instance.request_by_id[request_key(held_request.pk)]
    assert (held.locked.slot, held.locked.venue) == (
        "2027-07-12T11:30",
        venue_key(held_request.partner.venue_id),
    )
    assert request_key(missed_request.pk) not in instance.request_by_id


@pytest.mark.django_db
@pytest.mark.parametrize("state", [MeetingState.HELD, MeetingState.NO_SHOW])
def test_run_leaves_a_meeting_that_took_place_exactly_as_it_is(busy_mission, state):
    request = busy_mission.meeting_requests.filter(priority=1).order_by("pk").first()
    meeting = _took_place(_placed(request, "11:30"), state)
    before = _as_is(meeting)

    run = _run(busy_mission)
    preview = schedule_preview(run=run)
    applied = schedule_run_apply(run=run, by=None, notify=False)

    changes = preview.added + preview.moved + preview.removed + preview.kept
    assert request not in [c.request for c in changes + applied.added + applied.moved]
    assert [c.meeting for c in preview.past] == [meeting]
    assert _as_is(meeting) == before
    assert preview.unscheduled == []


@pytest.mark.django_db
def test_run_held_meeting_still_takes_its_participants_time_and_table(busy_mission):
    request = busy_mission.meeting_requests.filter(priority=1).order_by("pk").first()
    meeting = _took_place(_placed(request, "09:00"), MeetingState.HELD)

    schedule_run_apply(run=_run(busy_mission), by=None, notify=False)

    at_nine = Meeting.objects.live().filter(starts_at=_at("09:00"))
    assert list(at_nine.filter(company=request.company)) == [meeting]
    assert list(at_nine.filter(venue=request.partner.venue)) == [meeting]
    assert Meeting.objects.live().filter(mission=busy_mission).count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize("state", [MeetingState.HELD, MeetingState.NO_SHOW])
def test_run_made_before_the_outcome_leaves_the_meeting_as_it_is(busy_mission, state):
    # The run is made while the meeting is still confirmed; its outcome comes before apply.
    request = busy_mission.meeting_requests.filter(priority=1).order_by("pk").first()
    meeting = _placed(request, "11:30")
    run = _run(busy_mission)
    meeting = _took_place(meeting, state)
    before = _as_is(meeting)

    preview = schedule_run_apply(run=run, by=None, notify=False)

    assert request not in [
        c.request for c in preview.added + preview.moved + preview.removed + preview.kept
    ]
    assert _as_is(meeting) == before


@pytest.mark.django_db
def test_run_apply_after_the_mission_changed_is_refused(busy_mission):
    run = _run(busy_mission)
    ProgrammeItemFactory(mission=busy_mission, starts_at=_at("09:00"), ends_at=_at("12:00"))

    with pytest.raises(ValidationError) as excinfo:
        schedule_run_apply(run=run, by=None, notify=False)

    assert excinfo.value.code == "stale"
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_run_preview_gives_the_reason_of_every_request_left_out(mission):
    biowin = _partner(mission, "BioWin", venue=VenueFactory(name="BioPark", tables=1))
    ProgrammeItemFactory(mission=mission, starts_at=_at("09:00"), ends_at=_at("12:00"))
    _request(mission, CompanyFactory(), biowin)

    preview = schedule_preview(run=_run(mission))

    assert [reason for _request_, reason in preview.unscheduled] == ["no common free slot"]


@pytest.mark.django_db
def test_run_request_second_while_one_is_active_refused(mission):
    ScheduleRun.objects.create(mission=mission, state=RunState.RUNNING)

    with pytest.raises(ValidationError) as excinfo:
        schedule_run_request(mission=mission, by=None)

    assert excinfo.value.code == "running"


@pytest.mark.django_db
def test_run_execute_twice_runs_once(busy_mission):
    run = _run(busy_mission)
    finished_at = run.finished_at

    again = schedule_run_execute(run=run)

    assert (again.state, again.finished_at) == (RunState.DONE, finished_at)


@pytest.mark.django_db
def test_run_discard_then_apply_refused(busy_mission):
    run = schedule_run_discard(run=_run(busy_mission), by=None)

    with pytest.raises(ValidationError):
        schedule_run_apply(run=run, by=None, notify=False)
    assert run.state == RunState.DISCARDED


# --- Meetings by hand ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_meeting_place_refused_for_each_broken_rule(busy_mission):
    first, second = busy_mission.meeting_requests.filter(priority=1).order_by("pk")[:2]
    meeting_place(request=first, starts_at=_at("09:00"), venue=first.partner.venue, by=None)
    ProgrammeItemFactory(mission=busy_mission, starts_at=_at("11:00"), ends_at=_at("11:30"))
    other_venue = busy_mission.meeting_requests.filter(priority=2).first().partner.venue

    cases = {
        "overlap": (second, _at("09:00"), second.partner.venue),
        "availability": (second, _at("11:00"), second.partner.venue),
        "venue": (second, _at("10:00"), other_venue),
    }
    messages = {}
    for name, (request, start, venue) in cases.items():
        with pytest.raises(ValidationError) as excinfo:
            meeting_place(request=request, starts_at=start, venue=venue, by=None)
        messages[name] = " ".join(excinfo.value.messages)

    assert "already has a meeting then" in messages["overlap"]
    assert "not available then" in messages["availability"]
    assert "must take place there" in messages["venue"]
    assert Meeting.objects.count() == 1


@pytest.mark.django_db
def test_meeting_place_travel_between_sites_checked(busy_mission):
    company_requests = busy_mission.meeting_requests.filter(
        company=busy_mission.meeting_requests.first().company
    ).order_by("priority")
    at_biopark, at_lab = list(company_requests)
    meeting_place(
        request=at_biopark, starts_at=_at("09:00"), venue=at_biopark.partner.venue, by=None
    )

    with pytest.raises(ValidationError) as excinfo:
        meeting_place(request=at_lab, starts_at=_at("09:30"), venue=at_lab.partner.venue, by=None)
    moved = meeting_place(
        request=at_lab, starts_at=_at("10:00"), venue=at_lab.partner.venue, by=None
    )

    assert "cannot travel" in " ".join(excinfo.value.messages)
    assert moved.starts_at == _at("10:00")


@pytest.mark.django_db
@pytest.mark.parametrize("state", [MeetingState.HELD, MeetingState.NO_SHOW])
def test_meeting_place_meeting_that_took_place_refused(busy_mission, state):
    request = busy_mission.meeting_requests.first()
    _took_place(_placed(request, "09:00"), state)

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _placed(request, "10:00")

    assert (excinfo.value.code, excinfo.value.messages) == (
        "held",
        ["This meeting has already taken place."],
    )


@pytest.mark.django_db
def test_meeting_place_off_the_grid_refused(busy_mission):
    request = busy_mission.meeting_requests.first()

    with pytest.raises(ValidationError) as excinfo:
        meeting_place(request=request, starts_at=_at("09:10"), venue=request.partner.venue, by=None)

    assert excinfo.value.code == "not_on_grid"


@pytest.mark.django_db
def test_meeting_move_and_cancel_bump_the_calendar_revision(busy_mission):
    request = busy_mission.meeting_requests.first()
    meeting = meeting_place(
        request=request, starts_at=_at("09:00"), venue=request.partner.venue, by=None
    )

    moved = meeting_place(
        request=request, starts_at=_at("10:00"), venue=request.partner.venue, by=None
    )
    cancelled = meeting_cancel(meeting=moved, by=None)

    assert (moved.pk, moved.uid) == (meeting.pk, meeting.uid)
    assert (meeting.sequence, moved.sequence, cancelled.sequence) == (0, 1, 2)
    assert cancelled.state == MeetingState.CANCELLED


def _together(*calls) -> list[object]:
    """Run each call in its own thread, released at once; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # reported to the test thread
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_meeting_place_two_staff_at_once_one_wins_the_other_is_told(busy_mission):
    company = busy_mission.meeting_requests.first().company
    first, second = list(busy_mission.meeting_requests.filter(company=company))

    outcomes = _together(
        *(
            lambda r=r: meeting_place(
                request=r, starts_at=_at("09:00"), venue=r.partner.venue, by=None
            )
            for r in (first, second)
        )
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Meeting", "ValidationError"]
    assert Meeting.objects.live().filter(company=company).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_meeting_place_one_partner_two_companies_at_once_one_wins(busy_mission):
    biowin = PartnerOrganisation.objects.get(name="BioWin")
    first, second = list(busy_mission.meeting_requests.filter(partner=biowin)[:2])
    assert first.company != second.company

    outcomes = _together(
        *(
            lambda r=r: meeting_place(
                request=r, starts_at=_at("09:00"), venue=biowin.venue, by=None
            )
            for r in (first, second)
        )
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Meeting", "ValidationError"]
    assert Meeting.objects.live().filter(partner=biowin).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_meeting_place_last_table_of_a_venue_two_pairs_at_once_one_wins(busy_mission):
    # Two partners host at the same one-table venue; two different pairs race for 09:00.
    biowin = PartnerOrganisation.objects.get(name="BioWin")
    neighbour = _partner(busy_mission, "Neighbour", venue=biowin.venue)
    first = busy_mission.meeting_requests.filter(partner=biowin).first()
    second = _request(busy_mission, CompanyFactory(legal_name="Other"), neighbour)

    outcomes = _together(
        *(
            lambda r=r: meeting_place(
                request=r, starts_at=_at("09:00"), venue=biowin.venue, by=None
            )
            for r in (first, second)
        )
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Meeting", "ValidationError"]
    assert Meeting.objects.live().filter(venue=biowin.venue).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_meeting_overlap_written_at_once_past_the_checks_database_refuses_one(busy_mission):
    # Two writes that skip the services' checks (a bug, a script): the exclusion constraint
    # still lets only one of them in. Each insert can see the other's uncommitted row and wait
    # for it; PostgreSQL then refuses the loser either as an exclusion violation (23P01) or,
    # when both waited on each other, through its deadlock detector (40P01).
    from django.db import DatabaseError, transaction

    company = busy_mission.meeting_requests.first().company
    requests = list(busy_mission.meeting_requests.filter(company=company))

    def write(request):
        with transaction.atomic():
            return Meeting.objects.create(
                request=request,
                mission=busy_mission,
                company=company,
                partner=request.partner,
                venue=request.partner.venue,
                starts_at=_at("09:00"),
                ends_at=_at("09:30"),
                state=MeetingState.CONFIRMED,
            )

    outcomes = _together(*(lambda r=r: write(r) for r in requests))

    assert sorted(type(o).__name__ for o in outcomes if isinstance(o, Meeting)) == ["Meeting"]
    refused = next(o for o in outcomes if not isinstance(o, Meeting))
    assert isinstance(refused, DatabaseError)
    assert refused.__cause__.pgcode in {"23P01", "40P01"}, refused
    assert Meeting.objects.live().filter(company=company).count() == 1


# --- Travel to and from programme items --------------------------------------------------------


@pytest.fixture
def item_elsewhere(mission):
    """A company wishing to meet BioWin at its Brussels site, and the delegation's visit in
    Charleroi from 09:30 to 10:30, an hour away; Lab receives in Charleroi, at the visit's site."""
    brussels = VenueFactory(name="BioWin site", city="Bruxelles", tables=1)
    charleroi = VenueFactory(name="Biopark", city="Charleroi", tables=1)
    TravelTimeFactory(from_venue=brussels, to_venue=charleroi, minutes=60)
    company = CompanyFactory(legal_name="Carthabio")
    biowin = _partner(mission, "BioWin", venue=brussels)
    lab = _partner(mission, "Lab", venue=charleroi)
    ProgrammeItemFactory(
        mission=mission,
        title="Visit",
        venue=charleroi,
        starts_at=_at("09:30"),
        ends_at=_at("10:30"),
    )
    return _request(mission, company, biowin), _request(mission, company, lab)


@pytest.mark.django_db
def test_run_keeps_travel_time_to_and_from_a_programme_item_elsewhere(mission, item_elsewhere):
    at_biowin, at_lab = item_elsewhere
    at_lab.state = RequestState.SENT  # only the Brussels meeting is to be scheduled
    at_lab.save()

    run = _run(mission)
    preview = schedule_run_apply(run=run, by=None, notify=False)

    meetings = list(Meeting.objects.live().filter(mission=mission))
    # 09:00 leaves no time to reach Charleroi by 09:30; from 10:30, Brussels is an hour away.
    assert [(m.request, m.starts_at) for m in meetings] == [(at_biowin, _at("11:30"))]
    assert [c.request for c in preview.added] == [at_biowin]
    assert (preview.unscheduled, run.best_priority_total) == ([], PRIORITY_WEIGHTS[1])


@pytest.mark.django_db
def test_meeting_place_too_close_to_a_programme_item_elsewhere_refused(mission, item_elsewhere):
    at_biowin, at_lab = item_elsewhere

    refused = {}
    for hhmm in ("09:00", "10:30", "11:00"):
        with translation.override("en"), pytest.raises(ValidationError) as excinfo:
            _placed(at_biowin, hhmm)
        refused[hhmm] = excinfo.value.messages
    at_charleroi = _placed(at_lab, "09:00")
    later = _placed(at_biowin, "11:30")

    assert refused == {
        hhmm: [
            "Carthabio cannot travel in time between this meeting and the programme item "
            "“Visit” at Biopark (Charleroi)."
        ]
        for hhmm in ("09:00", "10:30", "11:00")
    }
    assert (at_charleroi.starts_at, later.starts_at) == (_at("09:00"), _at("11:30"))


@pytest.mark.django_db
def test_meeting_place_during_a_programme_item_with_a_venue_refused(mission, item_elsewhere):
    _at_biowin, at_lab = item_elsewhere

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _placed(at_lab, "10:00")

    assert "not available then" in " ".join(excinfo.value.messages)


@pytest.mark.django_db
def test_meeting_place_travel_kept_to_a_programme_item_off_the_grid(mission, item_elsewhere):
    at_biowin, _at_lab = item_elsewhere
    charleroi = at_biowin.mission.programme_items.get().venue
    ProgrammeItemFactory(  # a lunch after the grid's last slot (12:00)
        mission=mission,
        title="Lunch",
        venue=charleroi,
        starts_at=_at("12:00"),
        ends_at=_at("13:30"),
    )

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _placed(at_biowin, "11:30")

    assert "“Lunch”" in " ".join(excinfo.value.messages)


@pytest.mark.django_db
def test_mission_instance_programme_stand_ins_never_meetings_nor_tables(mission, item_elsewhere):
    prepared = mission_instance(mission=mission)

    instance = prepared.instance
    stand_ins = [instance.request_by_id[key] for key in prepared.programme]
    assert [(r.locked.slot, r.slots) for r in stand_ins] == [("2027-07-12T09:30", 2)]
    assert {r.locked.venue for r in stand_ins}.isdisjoint(prepared.venues)
    assert set(prepared.programme).isdisjoint(prepared.requests)
    assert parse_instance(instance_as_json(prepared)).requests == instance.requests


# --- A venue two missions share -----------------------------------------------------------------


@pytest.fixture
def shared_venue(mission):
    """A one-table venue where BioWin receives for ``mission``, and Investor for another mission
    on the same day, with a meeting there at 09:00."""
    venue = VenueFactory(name="BioPark", city="Gosselies", tables=1)
    _partner(mission, "BioWin", venue=venue)
    other = MissionFactory(
        slug="other", starts_on=DAY, ends_on=DAY, time_zone="Europe/Brussels", capacity=10
    )
    MeetingGrid.objects.create(
        mission=other, slot_minutes=30, day_starts_at=dt.time(9), day_ends_at=dt.time(12)
    )
    investor = _partner(other, "Investor", venue=venue)
    _placed(_request(other, CompanyFactory(legal_name="Theirs"), investor), "09:00")
    return venue


@pytest.mark.django_db
def test_meeting_place_venue_full_with_another_missions_meeting_refused(mission, shared_venue):
    request = _request(mission, CompanyFactory(), PartnerOrganisation.objects.get(name="BioWin"))

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _placed(request, "09:00")

    assert excinfo.value.messages == ["Every table of the venue is taken then."]
    assert not Meeting.objects.filter(mission=mission).exists()


@pytest.mark.django_db
def test_meeting_place_no_one_table_free_throughout_refused_not_crashed(mission, shared_venue):
    # Two tables: the other mission has table 1 at 09:00 and table 2 at 09:30. A meeting of an
    # hour from 09:00 finds a table free in each slot, but no one table free for the hour.
    type(shared_venue).objects.filter(pk=shared_venue.pk).update(tables=2)
    theirs = Meeting.objects.get(mission__slug="other")
    second = _request(theirs.mission, CompanyFactory(), theirs.partner)
    Meeting.objects.create(
        request=second,
        mission=theirs.mission,
        company=second.company,
        partner=second.partner,
        venue=theirs.venue,
        table=2,
        starts_at=_at("09:30"),
        ends_at=_at("10:00"),
        state=MeetingState.CONFIRMED,
    )
    request = _request(mission, CompanyFactory(), PartnerOrganisation.objects.get(name="BioWin"))
    request.length_slots = 2
    request.save()

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _placed(request, "09:00")

    assert (excinfo.value.code, excinfo.value.messages) == (
        "tables",
        ["Every table of the venue is taken then."],
    )
    assert not Meeting.objects.filter(mission=mission).exists()


@pytest.mark.django_db
def test_run_leaves_the_table_another_mission_takes(mission, shared_venue):
    biowin = PartnerOrganisation.objects.get(name="BioWin")
    for n in range(6):  # as many as the grid has slots
        _request(mission, CompanyFactory(legal_name=f"Company {n}"), biowin)

    run = _run(mission)
    preview = schedule_run_apply(run=run, by=None, notify=False)

    ours = Meeting.objects.live().filter(mission=mission)
    assert _at("09:00") not in [m.starts_at for m in ours]
    assert (ours.count(), {m.table for m in ours}, len(preview.unscheduled)) == (5, {1}, 1)
    assert run.best_priority_total == 5 * PRIORITY_WEIGHTS[1]  # not the other mission's


@pytest.mark.django_db
def test_run_apply_refused_when_another_mission_took_the_table_since(mission, shared_venue):
    _request(mission, CompanyFactory(), PartnerOrganisation.objects.get(name="BioWin"))
    run = _run(mission)
    hhmm = run.result["meetings"][0]["slot"][-5:]
    theirs = Meeting.objects.get(mission__slug="other")
    Meeting.objects.filter(pk=theirs.pk).update(
        starts_at=_at(hhmm), ends_at=_at(hhmm) + dt.timedelta(minutes=30)
    )

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        schedule_run_apply(run=run, by=None, notify=False)

    assert (excinfo.value.code, excinfo.value.messages) == (
        "tables",
        [
            "Every table is taken, by meetings of this mission or of another one at the same "
            f"venue: BioPark (Gosselies), Mon 12 Jul {hhmm}. Run the scheduling again."
        ],
    )
    assert not Meeting.objects.filter(mission=mission).exists()


# --- Commands -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_schedule_mission_then_export_schedule_validates(busy_mission, tmp_path):
    out = io.StringIO()

    call_command("schedule_mission", "wal", "--time-limit", "3", stdout=out)
    call_command(
        "export_schedule", "wal", tmp_path / "i.json", tmp_path / "s.json", stdout=io.StringIO()
    )

    instance = parse_instance(json.loads((tmp_path / "i.json").read_text()))
    report = validate(instance, parse_solution(json.loads((tmp_path / "s.json").read_text())))
    assert out.getvalue().startswith("wal: priority total ")
    assert report.violations == ()
    assert report.scheduled == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command", [["schedule_mission", "nope"], ["export_schedule", "nope", "x"]]
)
def test_commands_unknown_mission_exit_2_with_one_line(command):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as excinfo:
        call_command(*command)

    assert excinfo.value.returncode == 2
    assert str(excinfo.value) == "No mission has the slug 'nope'."


@pytest.mark.django_db
def test_instance_as_json_round_trips_through_the_engine_reader(busy_mission):
    prepared = mission_instance(mission=busy_mission)

    parsed = parse_instance(instance_as_json(prepared))
    empty = current_solution_as_json(prepared, busy_mission)

    assert parsed.requests == prepared.instance.requests
    assert len(empty["unscheduled"]) == 6


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_auto_schedule_start_run_preview_and_apply(
    client, staff, busy_mission, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        start = client.post(
            reverse("admin:matchmaking_schedulerun_start", args=[busy_mission.pk]),
            {"time_limit": 3, "seed": 0},
        )
    run = ScheduleRun.objects.get()  # eager in tests: the task ran on commit
    page = client.get(reverse("admin:matchmaking_schedulerun_change", args=[run.pk]))
    progress = client.get(reverse("admin:matchmaking_schedulerun_progress", args=[run.pk]))
    applied = client.post(reverse("admin:matchmaking_schedulerun_apply", args=[run.pk]))

    assert start.status_code == 302
    assert progress.json()["state"] == RunState.DONE
    assert "Company 0" in page.content.decode()
    assert applied.status_code == 302
    assert Meeting.objects.live().count() == 6


@pytest.mark.django_db
def test_admin_manager_sees_runs_but_cannot_start_or_apply(client, manager, busy_mission):
    run = _run(busy_mission)
    client.force_login(manager)

    start = client.post(reverse("admin:matchmaking_schedulerun_start", args=[busy_mission.pk]))
    apply = client.post(reverse("admin:matchmaking_schedulerun_apply", args=[run.pk]))

    assert (start.status_code, apply.status_code) == (403, 403)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_admin_day_grid_queries_constant_as_meetings_grow(client, staff, mission):
    client.force_login(staff)
    url = reverse("admin:matchmaking_meeting_grid", args=[mission.pk])
    venue = VenueFactory(name="Big hall", tables=10)

    def add(count: int, start: str) -> None:
        for _ in range(count):
            partner = _partner(mission, f"P {PartnerOrganisation.objects.count()}", venue=venue)
            request = _request(mission, CompanyFactory(), partner)
            meeting_place(request=request, starts_at=_at(start), venue=venue, by=None)

    add(1, "09:00")
    one = page_queries(client, url)
    add(8, "10:00")

    assert page_queries(client, url) == one
    assert "Big hall" in client.get(url).content.decode()
