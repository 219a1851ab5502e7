"""Reads on missions: what a visitor sees, and in how many queries; which missions each
member of staff sees (the one rule of the back office)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from missions.enums import ApplicationStatus, MissionStatus, Objective
from missions.models import ApplicationObjective, Mission
from missions.selectors import (
    company_applications,
    mission_get_public,
    mission_is_visible_to,
    mission_list_public,
    mission_partner_choices,
    missions_visible_to,
    user_sees_all_missions,
)
from partners.enums import KeyFigureKind
from partners.models import KeyFigure
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    SectorFactory,
    UserFactory,
    VenueFactory,
    WishedPartnerFactory,
)
from tests.queries import queries_of

pytestmark = pytest.mark.django_db


# --- mission_list_public ---------------------------------------------------------------------


def test_mission_list_public_excludes_draft_and_cancelled():
    visible = {
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

    assert set(mission_list_public()) == visible


def test_mission_list_public_seated_count_counts_accepted_and_confirmed_only():
    mission = MissionFactory()
    other = MissionFactory()
    for status in (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.CONFIRMED,
        ApplicationStatus.APPLIED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ):
        ApplicationFactory(mission=mission, status=status)
    ApplicationFactory(mission=other, status=ApplicationStatus.ACCEPTED)

    counts = {m.pk: m.seated_count for m in mission_list_public()}

    assert counts == {mission.pk: 3, other.pk: 1}


def test_mission_list_public_seated_count_not_multiplied_by_sectors():
    mission = MissionFactory()
    mission.sectors.set(SectorFactory.create_batch(3))
    ApplicationFactory.create_batch(2, mission=mission, status=ApplicationStatus.ACCEPTED)

    assert [m.seated_count for m in mission_list_public()] == [2]


def test_mission_list_public_without_applications_has_seated_count_0():
    MissionFactory()

    assert [m.seated_count for m in mission_list_public()] == [0]


def test_mission_list_public_lists_open_missions_first_then_most_recent():
    # The docstring promises "open first, then the most recent".
    today = timezone.localdate()
    closed_later = MissionFactory(
        status=MissionStatus.CLOSED, starts_on=today + dt.timedelta(days=90)
    )
    open_sooner = MissionFactory(status=MissionStatus.OPEN, starts_on=today + dt.timedelta(days=30))
    open_later = MissionFactory(status=MissionStatus.OPEN, starts_on=today + dt.timedelta(days=60))
    completed = MissionFactory(
        status=MissionStatus.COMPLETED, starts_on=today - dt.timedelta(days=90)
    )

    assert list(mission_list_public()) == [open_later, open_sooner, closed_later, completed]


def test_mission_list_public_same_query_count_with_1_and_10_missions(
    django_assert_num_queries,
):
    def list_page() -> None:
        for mission in mission_list_public():
            _ = (
                mission.title,
                mission.seated_count,
                [s.display_name for s in mission.sectors.all()],
            )

    sector = SectorFactory()
    MissionFactory().sectors.add(sector)
    one = queries_of(list_page)
    for mission in MissionFactory.create_batch(9):
        mission.sectors.add(sector)

    with django_assert_num_queries(one):
        list_page()


# --- mission_get_public ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [MissionStatus.DRAFT, MissionStatus.CANCELLED])
def test_mission_get_public_unpublished_returns_none(status):
    mission = MissionFactory(status=status)

    assert mission_get_public(slug=mission.slug) is None


def test_mission_get_public_unknown_slug_returns_none():
    assert mission_get_public(slug="nowhere") is None


def test_mission_get_public_published_returns_it_with_published_follow_ups_only():
    mission = MissionFactory(status=MissionStatus.COMPLETED)
    follow_up = MissionFactory(follows=mission, status=MissionStatus.OPEN)
    MissionFactory(follows=mission, status=MissionStatus.DRAFT)

    result = mission_get_public(slug=mission.slug)

    assert result == mission
    assert list(result.follow_ups.all()) == [follow_up]


def _detail_page(slug: str) -> None:
    """Touch what templates/missions/mission_detail.html shows."""
    mission = mission_get_public(slug=slug)
    _ = mission.follows
    _ = [sector.display_name for sector in mission.sectors.all()]
    _ = [str(organisation) for organisation in mission.co_organisers.all()]
    _ = [follow_up.title for follow_up in mission.follow_ups.all()]
    for item in mission.programme_items.all():
        _ = (item.title, item.venue, item.host)
    for mission_partner in mission.mission_partners.all():
        organisation = mission_partner.organisation
        _ = (organisation.name, organisation.get_kind_display(), organisation.city)
        _ = [str(figure) for figure in organisation.key_figures.all()]


def _add_partner(mission: Mission, n: int) -> None:
    """The n-th partner, with two key figures and a visit of its own at n o'clock."""
    organisation = PartnerOrganisationFactory()
    KeyFigure.objects.create(organisation=organisation, kind=KeyFigureKind.COMPANIES, value=n)
    KeyFigure.objects.create(organisation=organisation, kind=KeyFigureKind.EMPLOYEES, value=n)
    MissionPartnerFactory(mission=mission, organisation=organisation)
    starts_at = dt.datetime.combine(mission.starts_on, dt.time(n), tzinfo=dt.UTC)
    ProgrammeItemFactory(
        mission=mission,
        venue=VenueFactory(),
        host=organisation,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=45),
    )


def test_mission_get_public_same_query_count_with_1_and_10_partners():
    mission = MissionFactory(follows=MissionFactory(status=MissionStatus.COMPLETED))
    mission.sectors.add(SectorFactory())
    mission.co_organisers.add(PartnerOrganisationFactory())
    _add_partner(mission, 1)
    one = queries_of(lambda: _detail_page(mission.slug))
    for n in range(2, 11):
        _add_partner(mission, n)

    ten = queries_of(lambda: _detail_page(mission.slug))

    assert (mission.mission_partners.count(), mission.programme_items.count()) == (10, 10)
    assert ten == one


# --- mission_partner_choices -----------------------------------------------------------------


def test_mission_partner_choices_returns_partners_of_that_mission_by_name():
    mission = MissionFactory()
    zeta = MissionPartnerFactory(
        mission=mission, organisation=PartnerOrganisationFactory(name="Zeta")
    ).organisation
    alpha = MissionPartnerFactory(
        mission=mission, organisation=PartnerOrganisationFactory(name="Alpha")
    ).organisation
    MissionPartnerFactory()

    assert list(mission_partner_choices(mission=mission)) == [alpha, zeta]


# --- A company's applications ----------------------------------------------------------------


def _application_with_relations(company, days: int):
    mission = MissionFactory(starts_on=timezone.localdate() + dt.timedelta(days=days))
    application = ApplicationFactory(mission=mission, company=company)
    ApplicationObjective.objects.create(application=application, objective=Objective.EXPORT)
    WishedPartnerFactory(application=application)
    return application


def _read_everything(applications) -> None:
    for application in applications:
        _ = application.mission.title
        _ = [o.objective for o in application.objectives.all()]
        _ = [w.partner.name for w in application.wishes.all()]


def test_company_applications_only_the_company_own(company_a, company_b):
    mine = _application_with_relations(company_a, days=40)
    _application_with_relations(company_b, days=40)

    assert list(company_applications(company=company_a)) == [mine]
    assert list(company_applications(company=company_a.pk)) == [mine]


def test_company_applications_latest_mission_first(company_a):
    soon = _application_with_relations(company_a, days=20)
    later = _application_with_relations(company_a, days=90)

    assert list(company_applications(company=company_a)) == [later, soon]


def test_company_applications_query_count_does_not_grow(company_a):
    _application_with_relations(company_a, days=30)
    one = queries_of(lambda: _read_everything(company_applications(company=company_a)))

    for days in range(31, 40):
        _application_with_relations(company_a, days=days)
    ten = queries_of(lambda: _read_everything(company_applications(company=company_a)))

    assert company_applications(company=company_a).count() == 10
    assert one == ten == 3


# --- Who sees which mission ------------------------------------------------------------------


@pytest.fixture
def two_missions(staff):
    ours = MissionFactory(title="Ours", status=MissionStatus.DRAFT)
    theirs = MissionFactory(title="Theirs")
    ours.team.add(staff)
    return ours, theirs


def test_missions_visible_to_chargé_de_mission_gives_their_team_missions_only(staff, two_missions):
    ours, theirs = two_missions

    assert list(missions_visible_to(user=staff)) == [ours]
    assert user_sees_all_missions(user=staff) is False
    assert (
        mission_is_visible_to(user=staff, mission=ours),
        mission_is_visible_to(user=staff, mission=theirs.pk),
    ) == (True, False)


def test_missions_visible_to_manager_and_superuser_gives_every_mission(
    manager, superuser, two_missions
):
    everything = set(two_missions)

    assert set(missions_visible_to(user=manager)) == everything
    assert set(missions_visible_to(user=superuser)) == everything


def test_missions_visible_to_staff_holding_the_permission_gives_every_mission(two_missions):
    user = UserFactory(username="head", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_all_missions"))

    assert set(missions_visible_to(user=user)) == set(two_missions)


def test_missions_visible_to_staff_on_no_team_gives_none(two_missions):
    user = UserFactory(username="newcomer", is_staff=True)

    assert list(missions_visible_to(user=user)) == []


def test_missions_visible_to_representative_visitor_or_inactive_staff_gives_none(
    company_a_user, staff, two_missions
):
    staff.is_active = False
    staff.save()
    two_missions[0].team.add(company_a_user)  # by mistake: a team is for staff

    assert list(missions_visible_to(user=company_a_user)) == []
    assert list(missions_visible_to(user=AnonymousUser())) == []
    assert list(missions_visible_to(user=staff)) == []
