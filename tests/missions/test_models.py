"""Missions: the constraints of every model, clean() messages and the querysets."""

import datetime as dt

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
    WishedPartner,
)
from tests.conftest import requires_postgres
from tests.constraints import untested_constraints, violates
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    RepresentativeClaimFactory,
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


@requires_postgres
@pytest.mark.django_db
def test_programme_item_overlap_in_same_mission_raises_integrity_error():
    nine = dt.datetime(2027, 7, 10, 9, 0, tzinfo=dt.UTC)
    mission = MissionFactory()
    ProgrammeItemFactory(mission=mission, starts_at=nine, ends_at=nine + dt.timedelta(hours=2))

    with violates("programmeitem_no_overlap_per_mission"):
        ProgrammeItemFactory(
            mission=mission,
            starts_at=nine + dt.timedelta(minutes=30),
            ends_at=nine + dt.timedelta(hours=3),
        )
