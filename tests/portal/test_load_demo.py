"""The demo data: the Wallonia 2017 mission, its follow-ups, and a loader safe to re-run."""

import datetime as dt
import io
import re
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from missions.enums import MissionKind, MissionStatus
from missions.models import Mission, MissionPartner, ProgrammeItem
from partners.enums import PartnerKind
from partners.models import Company, Contact, KeyFigure, PartnerOrganisation, TravelTime
from partners.validators import validate_e164, validate_tax_id
from portal.management.commands.load_demo import load_demo

PROJECT_APPS = {"cepex_portal", "partners", "missions", "matchmaking", "reports"}


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every model of the portal (many-to-many tables included), as values."""
    return {
        model._meta.label: sorted(model._default_manager.values(), key=repr)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS
    }


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    _run()


@pytest.mark.django_db
def test_load_demo_prints_summary_and_a_representative_to_log_in_as():
    output = _run()

    assert output == (
        "Demo data loaded: 3 missions, 11 companies, 25 partner organisations, 8 venues, "
        "22 programme items, 14 applications, 40 meeting requests, 38 meetings (32 held, "
        "3 no-show, 3 without news), 42 meeting outcomes, 10 leads (319 rows created, "
        "75 updated).\n"
        "A demo company representative: developpement@pole-sidithabet.example (ask for a "
        "login link at /company/login/; in debug it is printed on the console).\n"
    )


@pytest.mark.django_db
def test_load_demo_representative_named_can_log_in_at_once(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _run()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("space:login"), {"email": "developpement@pole-sidithabet.example"})
    token = re.search(r"/company/login/([A-Za-z0-9_-]+)/", mailoutbox[0].body).group(1)
    client.post(reverse("space:login_confirm", args=[token]))

    response = client.get(reverse("space:home"))
    assert response.status_code == 200
    assert "Pôle biotechnologique de Sidi Thabet" in response.content.decode()


@pytest.mark.django_db
def test_load_demo_run_twice_changes_nothing():
    _run()
    first = _snapshot()

    output = _run()

    assert _snapshot() == first
    assert "(0 rows created, 0 updated)" in output
    assert sum(len(rows) for rows in first.values()) > 200


@pytest.mark.django_db
@pytest.mark.parametrize("shift", [1, -1, 2])
def test_load_demo_another_day_moves_only_the_open_action(shift):
    today = dt.date(2030, 3, 1)
    load_demo(today=today)
    before = _snapshot()

    counts = load_demo(today=today + dt.timedelta(days=shift))

    after = _snapshot()
    changed = {label for label in before if before[label] != after[label]}
    assert changed == {"missions.Mission", "missions.ProgrammeItem"}
    assert counts["created"] == 0
    senegal = Mission.objects.get(slug="senegal-triangulaire")
    assert senegal.starts_on == today + dt.timedelta(days=120 + shift)


def test_wallonie_2017_matches_the_article(demo):
    mission = Mission.objects.get(slug="wallonie-2017")

    assert mission.title == "Mission de partenariat sciences de la vie en Wallonie"
    assert mission.kind == MissionKind.OUTBOUND
    assert mission.destination_country == "BE"
    assert mission.destination_region == "Wallonie"
    assert mission.destination_cities == "Gosselies, Charleroi, Bruxelles, Liège, Louvain-la-Neuve"
    assert mission.time_zone == "Europe/Brussels"
    assert (mission.starts_on, mission.ends_on) == (dt.date(2017, 7, 9), dt.date(2017, 7, 15))
    assert mission.application_deadline.astimezone(ZoneInfo("Africa/Tunis")).date() == dt.date(
        2017, 6, 15
    )
    assert mission.status == MissionStatus.COMPLETED
    assert mission.capacity == 12
    assert mission.organiser == "CEPEX"
    assert sorted(mission.sectors.values_list("slug", flat=True)) == [
        "biosimilars",
        "biotech",
        "pharma",
        "vaccines",
    ]
    assert sorted(mission.co_organisers.values_list("short_name", flat=True)) == ["AWEX", "WBI"]
    assert "Afrique du Sud" in mission.objectives
    assert mission.follows is None


def test_wallonie_2017_hosts_are_biopark_and_biowin(demo):
    mission = Mission.objects.get(slug="wallonie-2017")

    hosts = MissionPartner.objects.filter(mission=mission, is_host=True)

    assert sorted(hosts.values_list("organisation__short_name", flat=True)) == [
        "BioPark",
        "BioWin",
    ]
    assert mission.partners.count() == 18
    assert set(mission.partners.values_list("country", flat=True)) == {"BE"}


def test_key_figures_are_rows_from_the_article(demo):
    def figures(name):
        rows = KeyFigure.objects.filter(organisation__name=name)
        return {row.kind: row.value for row in rows}

    assert figures("BioWin") == {"companies": 164, "research_units": 400, "universities": 5}
    assert figures("BioPark Charleroi Brussels South") == {
        "universities": 2,
        "research_centres": 4,
        "companies": 10,
        "tech_transfer_units": 2,
    }
    assert set(KeyFigure.objects.values_list("source", flat=True)) == {"CEPEX, juillet 2017"}


def test_charleroi_cabinet_has_chief_of_staff_contact(demo):
    cabinet = PartnerOrganisation.objects.get(name="Ville de Charleroi — Cabinet du Bourgmestre")

    assert cabinet.kind == PartnerKind.PUBLIC_AUTHORITY
    assert list(cabinet.contacts.values_list("role", flat=True)) == [
        "Chef de cabinet du Bourgmestre"
    ]
    assert cabinet.venue.name == "Hôtel de Ville de Charleroi"


def test_tunis_second_round_follows_wallonie(demo):
    mission = Mission.objects.get(slug="tunis-2017-second-round")

    assert mission.kind == MissionKind.REVERSE
    assert mission.destination_country == "TN"
    assert mission.time_zone == "Africa/Tunis"
    assert mission.starts_on.year == 2017
    assert mission.starts_on.month == 12
    assert mission.follows.slug == "wallonie-2017"
    assert mission.status == MissionStatus.COMPLETED
    assert "Sidi Thabet" in mission.objectives


def test_senegal_triangular_action_accepts_applications(demo):
    mission = Mission.objects.get(slug="senegal-triangulaire")

    assert mission.kind == MissionKind.TRIANGULAR
    assert mission.third_market == "SN"
    assert mission.destination_country == "SN"
    assert mission.follows.slug == "wallonie-2017"
    assert mission.status == MissionStatus.OPEN
    assert mission.capacity == 8
    assert sorted(mission.sectors.values_list("slug", flat=True)) == ["cosmetics", "pharma"]
    assert timezone.now() < mission.application_deadline
    assert mission.application_deadline.date() < mission.starts_on
    assert mission.starts_on == timezone.localdate() + dt.timedelta(days=120)
    assert mission.duration_days == 5
    assert list(Mission.objects.accepting_applications()) == [mission]
    assert mission.partners.count() >= 3


def test_invented_private_organisations_are_examples(demo):
    private_kinds = [PartnerKind.COMPANY, PartnerKind.INVESTOR]

    private_partners = PartnerOrganisation.objects.filter(kind__in=private_kinds)

    assert private_partners.exists()
    assert set(private_partners.values_list("is_example", flat=True)) == {True}
    real_companies = Company.objects.filter(is_example=False)
    assert list(real_companies.values_list("legal_name", flat=True)) == [
        "Pôle biotechnologique de Sidi Thabet"
    ]
    assert "fictifs" in real_companies.get().description
    for company in Company.objects.examples():
        assert company.description == "Entreprise fictive (données de démonstration)."
    assert Company.objects.examples().count() == 10


def test_identifiers_are_valid(demo):
    for company in Company.objects.all():
        validate_tax_id(company.tax_id)
        assert company.contacts.count() == 1
    for contact in Contact.objects.all():
        assert contact.phone.startswith("+")
        validate_e164(contact.phone)
        domain = contact.email.rsplit("@", 1)[1]
        assert domain == "example.com" or domain.endswith(".example")


def test_programme_items_do_not_overlap_and_fall_within_the_mission(demo):
    for mission in Mission.objects.all():
        items = list(ProgrammeItem.objects.filter(mission=mission).order_by("starts_at"))
        assert items, mission.slug
        for earlier, later in pairwise(items):
            assert earlier.ends_at <= later.starts_at, (earlier.title, later.title)
        for item in items:
            local = item.starts_at.astimezone(mission.tzinfo)
            assert mission.starts_on <= local.date() <= mission.ends_on


def test_wallonie_programme_has_about_a_dozen_items(demo):
    items = ProgrammeItem.objects.filter(mission__slug="wallonie-2017")

    assert 10 <= items.count() <= 14
    first = items.first().starts_at.astimezone(ZoneInfo("Europe/Brussels"))
    last = items.last().starts_at.astimezone(ZoneInfo("Europe/Brussels"))
    assert first.date() == dt.date(2017, 7, 9)
    assert last.date() == dt.date(2017, 7, 15)


def test_travel_times_are_stored_once_per_pair(demo):
    times = list(TravelTime.objects.select_related("from_venue", "to_venue"))

    assert len(times) == 11
    for travel in times:
        assert travel.from_venue_id < travel.to_venue_id
        assert 15 <= travel.minutes <= 90
    cities = {t.from_venue.city for t in times} | {t.to_venue.city for t in times}
    assert {"Gosselies", "Charleroi", "Bruxelles", "Liège", "Louvain-la-Neuve"} <= cities


def test_applications_wish_only_partners_of_their_mission(demo):
    mission = Mission.objects.get(slug="wallonie-2017")
    applications = mission.applications.prefetch_related("wishes", "objectives")

    assert applications.count() == 9
    assert set(applications.values_list("status", flat=True)) == {"accepted", "confirmed"}
    partner_ids = set(mission.partners.values_list("pk", flat=True))
    for application in applications:
        assert application.objectives.exists()
        assert application.wishes.exists()
        assert {wish.partner_id for wish in application.wishes.all()} <= partner_ids
        assert {wish.priority for wish in application.wishes.all()} <= {1, 2, 3}
        assert application.contact.company_id == application.company_id


def test_demo_chargés_de_mission_are_agency_staff_on_the_2017_team_and_cannot_log_in(demo):
    from cepex_portal.models import User
    from portal.services import AGENCY_STAFF_GROUP

    team = Mission.objects.get(slug="wallonie-2017").team.order_by("username")

    assert [user.username for user in team] == ["demo-karim.benyoussef", "demo-leila.mansouri"]
    for user in team:
        assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (
            True,
            False,
            False,
        )
        assert list(user.groups.values_list("name", flat=True)) == [AGENCY_STAFF_GROUP]
    assert not User.objects.filter(team_missions__slug="senegal-triangulaire").exists()


@pytest.mark.django_db
def test_schedule_mission_on_the_demo_leaves_the_meetings_that_took_place(
    demo, mailoutbox, django_capture_on_commit_callbacks
):
    # 35 meetings of the demo mission took place (held or no-show): a run used to turn the
    # no-shows back into confirmed meetings, bump their revision and e-mail both sides. The
    # last 3, without news, are the run's to keep or move.
    import re

    from matchmaking.enums import PAST_MEETING_STATES
    from matchmaking.models import Meeting, MeetingNotification

    def taken_place() -> list[tuple]:
        return list(
            Meeting.objects.filter(mission__slug="wallonie-2017", state__in=PAST_MEETING_STATES)
            .order_by("pk")
            .values_list("pk", "starts_at", "venue", "table", "state", "sequence", "updated_at")
        )

    def their_notifications() -> int:
        return MeetingNotification.objects.filter(meeting__state__in=PAST_MEETING_STATES).count()

    before, notified = taken_place(), their_notifications()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("schedule_mission", "wallonie-2017", "--time-limit", "5", stdout=out)

    summary = re.fullmatch(
        r"wallonie-2017: priority total 195, 0 added, (\d) moved, 0 cancelled, (\d) unchanged, "
        r"35 already taken place \(left as they are\), 0 left out.\n",
        out.getvalue(),
    )
    assert summary, out.getvalue()
    moved, unchanged = int(summary[1]), int(summary[2])
    assert moved + unchanged == 3
    assert len(before) == 35
    assert taken_place() == before
    assert their_notifications() == notified
    assert len(mailoutbox) <= 2 * moved  # both sides of each moved meeting, no one else
