"""Missions: the constraints of every model, clean() messages and the querysets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation

from missions.enums import (
    ApplicationStatus,
    MissionKind,
    MissionStatus,
    Objective,
    ProgrammeItemKind,
)
from missions.models import (
    Application,
    ApplicationObjective,
    HeldApplication,
    Mission,
    MissionPartner,
    ProgrammeItem,
    TravelTime,
    Venue,
    WishedPartner,
)
from tests.constraints import untested_constraints, violates
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    RepresentativeClaimFactory,
    VenueFactory,
    WishedPartnerFactory,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the source language, whatever catalogues exist."""
    with translation.override("en"):
        yield


def _mission_values(**kwargs) -> dict:
    starts_on = dt.date(2027, 3, 1)
    values = {
        "slug": "biotech-wallonia",
        "title": "Biotech Wallonia",
        "destination_country": "BE",
        "starts_on": starts_on,
        "ends_on": starts_on + dt.timedelta(days=4),
    }
    values.update(kwargs)
    return values


def test_every_constraint_of_the_missions_models_has_a_test():
    # A constraint added to a model without a test here makes this test fail.
    names, missing = untested_constraints(app_label="missions", test_file=__file__)

    assert names
    assert missing == []


# --- Mission: constraints --------------------------------------------------------------------


@pytest.mark.django_db
def test_mission_ending_before_it_starts_raises_integrity_error():
    with violates("mission_ends_after_start"):
        Mission.objects.create(
            **_mission_values(starts_on=dt.date(2027, 3, 5), ends_on=dt.date(2027, 3, 4))
        )


@pytest.mark.django_db
def test_mission_of_one_day_is_allowed():
    mission = Mission.objects.create(
        **_mission_values(starts_on=dt.date(2027, 3, 5), ends_on=dt.date(2027, 3, 5))
    )

    assert mission.duration_days == 1


@pytest.mark.django_db
def test_mission_negative_capacity_raises_integrity_error():
    # PositiveIntegerField would refuse -1 in Python; a bulk update goes straight to the
    # database. The named constraint sorts before the column check, so PostgreSQL reports it.
    mission = MissionFactory()

    with violates("mission_capacity_gte_0"):
        Mission.objects.filter(pk=mission.pk).update(capacity=-1)


@pytest.mark.django_db
def test_mission_following_itself_raises_integrity_error():
    mission = MissionFactory()

    with violates("mission_does_not_follow_itself"):
        Mission.objects.filter(pk=mission.pk).update(follows=F("pk"))


@pytest.mark.django_db
def test_mission_following_another_mission_is_allowed():
    first = MissionFactory()
    second = MissionFactory(follows=first)

    assert list(first.follow_ups.all()) == [second]


@pytest.mark.django_db
def test_mission_triangular_without_third_market_raises_integrity_error():
    with violates("mission_third_market_iff_triangular"):
        Mission.objects.create(**_mission_values(kind=MissionKind.TRIANGULAR, third_market=""))


@pytest.mark.django_db
def test_mission_outbound_with_third_market_raises_integrity_error():
    with violates("mission_third_market_iff_triangular"):
        Mission.objects.create(**_mission_values(kind=MissionKind.OUTBOUND, third_market="CI"))


@pytest.mark.django_db
def test_mission_triangular_with_third_market_is_allowed():
    mission = Mission.objects.create(
        **_mission_values(kind=MissionKind.TRIANGULAR, third_market="CI")
    )

    mission.refresh_from_db()

    assert mission.third_market.code == "CI"


# --- Mission: clean() ------------------------------------------------------------------------


def test_mission_clean_ending_before_it_starts_raises_on_ends_on():
    mission = Mission(**_mission_values(starts_on=dt.date(2027, 3, 5), ends_on=dt.date(2027, 3, 4)))

    with pytest.raises(ValidationError) as excinfo:
        mission.clean()

    assert excinfo.value.message_dict == {"ends_on": ["A mission cannot end before it starts."]}


def test_mission_clean_triangular_without_third_market_raises_on_third_market():
    mission = Mission(**_mission_values(kind=MissionKind.TRIANGULAR))

    with pytest.raises(ValidationError) as excinfo:
        mission.clean()

    assert excinfo.value.message_dict == {
        "third_market": ["A triangular action needs its third market."]
    }


def test_mission_clean_third_market_without_triangular_raises_on_third_market():
    mission = Mission(**_mission_values(kind=MissionKind.REVERSE, third_market="CI"))

    with pytest.raises(ValidationError) as excinfo:
        mission.clean()

    assert excinfo.value.message_dict == {
        "third_market": ["Only a triangular action has a third market."]
    }


def test_mission_clean_following_itself_raises_on_follows():
    mission = Mission(**_mission_values(pk=7, follows_id=7))

    with pytest.raises(ValidationError) as excinfo:
        mission.clean()

    assert excinfo.value.message_dict == {"follows": ["A mission cannot follow itself."]}


def test_mission_clean_two_problems_reports_both():
    mission = Mission(
        **_mission_values(
            kind=MissionKind.TRIANGULAR, starts_on=dt.date(2027, 3, 5), ends_on=dt.date(2027, 3, 4)
        )
    )

    with pytest.raises(ValidationError) as excinfo:
        mission.clean()

    assert excinfo.value.message_dict == {
        "ends_on": ["A mission cannot end before it starts."],
        "third_market": ["A triangular action needs its third market."],
    }


def test_mission_clean_valid_mission_returns_none():
    mission = Mission(**_mission_values(kind=MissionKind.TRIANGULAR, third_market="CI"))

    assert mission.clean() is None


# --- Mission: accepting applications ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "deadline_in", "expected"),
    [
        (MissionStatus.OPEN, dt.timedelta(days=1), True),
        (MissionStatus.OPEN, None, True),
        (MissionStatus.OPEN, -dt.timedelta(minutes=1), False),
        (MissionStatus.CLOSED, dt.timedelta(days=1), False),
        (MissionStatus.CLOSED, None, False),
        (MissionStatus.DRAFT, dt.timedelta(days=1), False),
    ],
)
def test_mission_is_accepting_applications_by_status_and_deadline(status, deadline_in, expected):
    deadline = None if deadline_in is None else timezone.now() + deadline_in
    mission = Mission(**_mission_values(status=status, application_deadline=deadline))

    assert mission.is_accepting_applications is expected


@pytest.mark.django_db
def test_mission_accepting_applications_returns_open_missions_before_deadline():
    now = timezone.now()
    future = MissionFactory(application_deadline=now + dt.timedelta(days=1))
    no_deadline = MissionFactory(application_deadline=None)
    MissionFactory(application_deadline=now - dt.timedelta(minutes=1))
    MissionFactory(status=MissionStatus.CLOSED, application_deadline=now + dt.timedelta(days=1))
    MissionFactory(status=MissionStatus.DRAFT, application_deadline=None)

    accepting = set(Mission.objects.accepting_applications())

    assert accepting == {future, no_deadline}


@pytest.mark.django_db
def test_mission_published_excludes_draft_and_cancelled():
    published = {
        MissionFactory(status=status)
        for status in (
            MissionStatus.OPEN,
            MissionStatus.CLOSED,
            MissionStatus.IN_PROGRESS,
            MissionStatus.COMPLETED,
        )
    }
    MissionFactory(status=MissionStatus.DRAFT)
    MissionFactory(status=MissionStatus.CANCELLED)

    assert set(Mission.objects.published()) == published


# --- Venue -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_venue_same_name_and_city_raises_integrity_error():
    Venue.objects.create(name="Biopark", city="Gosselies", country="BE")

    with violates("venue_unique_name_city"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE")


@pytest.mark.django_db
def test_venue_without_tables_raises_integrity_error():
    with violates("venue_tables_gte_1"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE", tables=0)


@pytest.mark.django_db
@pytest.mark.parametrize("latitude", [Decimal("90.000001"), Decimal("-90.000001")])
def test_venue_latitude_out_of_range_raises_integrity_error(latitude):
    with violates("venue_latitude_range"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE", latitude=latitude)


@pytest.mark.django_db
@pytest.mark.parametrize("longitude", [Decimal("180.000001"), Decimal("-180.000001")])
def test_venue_longitude_out_of_range_raises_integrity_error(longitude):
    with violates("venue_longitude_range"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE", longitude=longitude)


@pytest.mark.django_db
def test_venue_coordinates_at_the_limits_are_allowed():
    venue = Venue.objects.create(
        name="Pole",
        city="Nowhere",
        country="BE",
        latitude=Decimal("-90"),
        longitude=Decimal("180"),
    )

    venue.refresh_from_db()

    assert (venue.latitude, venue.longitude) == (Decimal("-90"), Decimal("180"))


# --- TravelTime ------------------------------------------------------------------------------


def _two_venues() -> tuple[Venue, Venue]:
    low, high = sorted([VenueFactory(), VenueFactory()], key=lambda venue: venue.pk)
    return low, high


@pytest.mark.django_db
def test_travel_time_same_pair_twice_raises_integrity_error():
    low, high = _two_venues()
    TravelTime.objects.create(from_venue=low, to_venue=high, minutes=20)

    with violates("travel_unique_pair"):
        TravelTime.objects.create(from_venue=low, to_venue=high, minutes=25)


@pytest.mark.django_db
def test_travel_time_pair_in_reverse_order_raises_integrity_error():
    low, high = _two_venues()

    with violates("travel_pair_ordered"):
        TravelTime.objects.create(from_venue=high, to_venue=low, minutes=20)


@pytest.mark.django_db
def test_travel_time_from_a_venue_to_itself_raises_integrity_error():
    venue = VenueFactory()

    with violates("travel_pair_ordered"):
        TravelTime.objects.create(from_venue=venue, to_venue=venue, minutes=0)


@pytest.mark.django_db
def test_travel_time_negative_minutes_raises_integrity_error():
    # PositiveSmallIntegerField would refuse -1 in Python; a bulk update goes straight to the
    # database. PostgreSQL checks constraints in name order, so the column check of the
    # positive field ("missions_traveltime_minutes_check") is the one it reports.
    low, high = _two_venues()
    travel = TravelTime.objects.create(from_venue=low, to_venue=high, minutes=20)

    with violates("travel_minutes_gte_0", reported_as="missions_traveltime_minutes_check"):
        TravelTime.objects.filter(pk=travel.pk).update(minutes=-1)


@pytest.mark.django_db
def test_travel_time_clean_reversed_pair_swaps_it():
    low, high = _two_venues()
    travel = TravelTime(from_venue=high, to_venue=low, minutes=20)

    travel.clean()

    assert (travel.from_venue_id, travel.to_venue_id) == (low.pk, high.pk)
    assert (travel.from_venue, travel.to_venue) == (low, high)


@pytest.mark.django_db
def test_travel_time_full_clean_then_save_reversed_pair_is_stored_ordered():
    low, high = _two_venues()
    travel = TravelTime(from_venue=high, to_venue=low, minutes=20)

    travel.full_clean()
    travel.save()

    assert list(TravelTime.objects.values_list("from_venue", "to_venue")) == [(low.pk, high.pk)]


@pytest.mark.django_db
def test_travel_time_clean_same_venue_raises_validation_error():
    venue = VenueFactory()
    travel = TravelTime(from_venue=venue, to_venue=venue, minutes=0)

    with pytest.raises(ValidationError) as excinfo:
        travel.clean()

    assert excinfo.value.messages == ["A travel time joins two different venues."]


@pytest.mark.django_db
def test_travel_time_between_finds_pair_in_either_order():
    low, high = _two_venues()
    travel = TravelTime.objects.create(from_venue=low, to_venue=high, minutes=20)

    assert list(TravelTime.objects.between(high, low)) == [travel]
    assert list(TravelTime.objects.between(low, high)) == [travel]


# --- MissionPartner --------------------------------------------------------------------------


@pytest.mark.django_db
def test_mission_partner_same_partner_twice_raises_integrity_error():
    mission_partner = MissionPartnerFactory()

    with violates("missionpartner_unique"):
        MissionPartner.objects.create(
            mission=mission_partner.mission, organisation=mission_partner.organisation
        )


# --- ProgrammeItem ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_item_ending_when_it_starts_raises_integrity_error():
    mission = MissionFactory()
    starts_at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)

    with violates("programmeitem_ends_after_start"):
        ProgrammeItem.objects.create(
            mission=mission,
            kind=ProgrammeItemKind.BRIEFING,
            title="Briefing",
            starts_at=starts_at,
            ends_at=starts_at,
        )


@pytest.mark.django_db
def test_programme_item_ending_before_it_starts_raises_integrity_error():
    item = ProgrammeItemFactory()

    with violates("programmeitem_ends_after_start"):
        ProgrammeItem.objects.filter(pk=item.pk).update(
            ends_at=item.starts_at - dt.timedelta(hours=1)
        )


@pytest.mark.django_db
@pytest.mark.parametrize("length", [dt.timedelta(0), -dt.timedelta(minutes=30)])
def test_programme_item_clean_not_ending_after_start_raises_on_ends_at(length):
    starts_at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    item = ProgrammeItem(
        mission=MissionFactory(), title="Briefing", starts_at=starts_at, ends_at=starts_at + length
    )

    with pytest.raises(ValidationError) as excinfo:
        item.clean()

    assert excinfo.value.message_dict == {"ends_at": ["An item must end after it starts."]}


@pytest.mark.django_db
def test_programme_item_clean_ending_after_start_returns_none():
    starts_at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    item = ProgrammeItem(
        mission=MissionFactory(),
        title="Briefing",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )

    assert item.clean() is None


# --- Application -----------------------------------------------------------------------------


def _application_values(**kwargs) -> dict:
    values = {
        "consent_text_version": "test-v1",
        "consent_at": timezone.now(),
    }
    values.update(kwargs)
    return values


@pytest.mark.django_db
def test_application_second_one_of_company_to_mission_raises_integrity_error():
    application = ApplicationFactory()

    with violates("application_one_per_company_and_mission"):
        Application.objects.create(
            **_application_values(mission=application.mission, company=application.company)
        )


@pytest.mark.django_db
def test_application_waitlisted_without_time_raises_integrity_error():
    mission = MissionFactory()
    company = CompanyFactory()

    with violates("application_waitlisted_has_time"):
        Application.objects.create(
            **_application_values(
                mission=mission,
                company=company,
                status=ApplicationStatus.WAITLISTED,
                waitlisted_at=None,
            )
        )


@pytest.mark.django_db
def test_application_without_consent_raises_integrity_error():
    mission = MissionFactory()
    company = CompanyFactory()

    with violates("application_consent_given"):
        Application.objects.create(
            **_application_values(mission=mission, company=company, consent_text_version="")
        )


@pytest.mark.django_db
def test_held_application_without_consent_raises_integrity_error():
    claim = RepresentativeClaimFactory()

    with violates("heldapplication_consent_given"):
        HeldApplication.objects.create(
            claim=claim,
            mission=MissionFactory(),
            consent_text_version="",
            consent_at=timezone.now(),
        )


@pytest.mark.django_db
def test_application_seated_returns_accepted_and_confirmed():
    mission = MissionFactory()
    seated = {
        ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED),
        ApplicationFactory(mission=mission, status=ApplicationStatus.CONFIRMED),
    }
    for status in (
        ApplicationStatus.APPLIED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ):
        ApplicationFactory(mission=mission, status=status)

    assert set(Application.objects.seated()) == seated


@pytest.mark.django_db
def test_application_waitlisted_orders_by_waitlisted_at_then_pk():
    mission = MissionFactory()
    at = timezone.now()
    late = ApplicationFactory(
        mission=mission, status=ApplicationStatus.WAITLISTED, waitlisted_at=at
    )
    tie_first = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=at - dt.timedelta(hours=1),
    )
    tie_second = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=at - dt.timedelta(hours=1),
    )
    early = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=at - dt.timedelta(days=1),
    )
    ApplicationFactory(mission=mission, status=ApplicationStatus.APPLIED)

    assert list(mission.applications.waitlisted()) == [early, tie_first, tie_second, late]


# --- ApplicationObjective --------------------------------------------------------------------


@pytest.mark.django_db
def test_application_objective_same_objective_twice_raises_integrity_error():
    application = ApplicationFactory()
    ApplicationObjective.objects.create(application=application, objective=Objective.EXPORT)

    with violates("applicationobjective_unique"):
        ApplicationObjective.objects.create(application=application, objective=Objective.EXPORT)


# --- WishedPartner ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_wished_partner_same_partner_twice_raises_integrity_error():
    wish = WishedPartnerFactory()

    with violates("wish_unique_partner"):
        WishedPartner.objects.create(application=wish.application, partner=wish.partner)


@pytest.mark.django_db
@pytest.mark.parametrize("priority", [0, 4])
def test_wished_partner_priority_outside_1_to_3_raises_integrity_error(priority):
    application = ApplicationFactory()
    partner = PartnerOrganisationFactory()

    with violates("wish_priority_1_to_3"):
        WishedPartner.objects.create(application=application, partner=partner, priority=priority)


@pytest.mark.django_db
@pytest.mark.parametrize("priority", [1, 3])
def test_wished_partner_priority_at_the_limits_is_allowed(priority):
    wish = WishedPartnerFactory(priority=priority)

    wish.refresh_from_db()

    assert wish.priority == priority
