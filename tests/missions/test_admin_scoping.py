"""The back office shows a chargé de mission the missions of their team and what hangs off
them, and nothing else: lists, form choices, list filters, autocomplete, actions. The team is
chosen by superusers; a chargé who creates a mission joins its team.

(Which page answers what to whom is the permission matrix's:
``tests/cepex_portal/test_permission_matrix.py``.)
"""

import datetime as dt

import pytest
from django.urls import reverse

from missions.enums import ApplicationStatus, MissionKind, Objective
from missions.models import Application, Mission
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    UserFactory,
)
from tests.reports.factories_followup import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(staff):
    mission = MissionFactory(title="Ours")
    mission.team.add(staff)
    return mission


@pytest.fixture
def theirs():
    return MissionFactory(title="Theirs")


@pytest.fixture
def staff_client(client, staff):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    return client


def _mission_form(mission: Mission, **changes) -> dict:
    data = {
        "title": mission.title,
        "slug": mission.slug,
        "kind": mission.kind,
        "destination_country": mission.destination_country.code,
        "time_zone": mission.time_zone,
        "language": mission.language,
        "starts_on": mission.starts_on.isoformat(),
        "ends_on": mission.ends_on.isoformat(),
        "capacity": mission.capacity,
        "organiser": mission.organiser,
        "follows": mission.follows_id or "",
        "programme_items-TOTAL_FORMS": "0",
        "programme_items-INITIAL_FORMS": "0",
        "mission_partners-TOTAL_FORMS": "0",
        "mission_partners-INITIAL_FORMS": "0",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


# --- Choices, filters, autocomplete -------------------------------------------------------------


def test_application_add_form_offers_only_the_team_missions(staff_client, ours, theirs):
    form = staff_client.get(reverse("admin:missions_application_add")).context["adminform"].form

    assert list(form.fields["mission"].queryset) == [ours]


def test_application_add_to_another_mission_refused_and_nothing_created(staff_client, ours, theirs):
    company = CompanyFactory()
    contact = ContactFactory(company=company)

    response = staff_client.post(
        reverse("admin:missions_application_add"),
        {
            "mission": theirs.pk,
            "company": company.pk,
            "contact": contact.pk,
            "language": "fr",
            "objectives": [Objective.EXPORT],
            "consent": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["mission"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Application.objects.exists()


def test_mission_list_filter_offers_only_the_team_missions(staff_client, staff, ours, theirs):
    also_ours = MissionFactory(title="Also ours")
    also_ours.team.add(staff)

    response = staff_client.get(reverse("admin:missions_application_changelist"))

    (spec,) = [
        f for f in response.context["cl"].filter_specs if getattr(f, "field_path", "") == "mission"
    ]
    assert {pk for pk, _title in spec.lookup_choices} == {ours.pk, also_ours.pk}


def test_mission_list_filter_offers_managers_every_mission(client, manager, ours, theirs):
    client.force_login(manager)

    response = client.get(reverse("admin:missions_application_changelist"))

    (spec,) = [
        f for f in response.context["cl"].filter_specs if getattr(f, "field_path", "") == "mission"
    ]
    assert {pk for pk, _title in spec.lookup_choices} == {ours.pk, theirs.pk}


def test_mission_autocomplete_gives_only_the_team_missions(staff_client, ours, theirs):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "missions", "model_name": "application", "field_name": "mission"},
    )

    assert [result["id"] for result in response.json()["results"]] == [str(ours.pk)]


def test_lead_triangular_missions_offered_are_the_team_ones(staff_client, staff, ours):
    triangular = MissionFactory(kind=MissionKind.TRIANGULAR, third_market="SN")
    MissionFactory(kind=MissionKind.TRIANGULAR, third_market="CI")  # another team's
    triangular.team.add(staff)
    lead = LeadFactory(mission=ours)

    response = staff_client.get(reverse("admin:reports_lead_change", args=[lead.pk]))

    form = response.context["adminform"].form
    assert list(form.fields["triangular_mission"].queryset) == [triangular]


# --- Rows of another team's mission ------------------------------------------------------------


def test_action_on_another_mission_application_changes_nothing(staff_client, ours, theirs):
    application = ApplicationFactory(mission=theirs)

    staff_client.post(
        reverse("admin:missions_application_changelist"),
        {"action": "reject", "_selected_action": [application.pk]},
    )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_changelist_of_applications_lists_the_team_missions_only(staff_client, ours, theirs):
    mine = ApplicationFactory(mission=ours)
    ApplicationFactory(mission=theirs)

    response = staff_client.get(reverse("admin:missions_application_changelist"))

    assert list(response.context["cl"].result_list) == [mine]


def test_company_page_shows_the_applications_of_the_team_missions_only(
    staff_client, manager, client, ours, theirs
):
    company = CompanyFactory()
    mine = ApplicationFactory(mission=ours, company=company)
    other = ApplicationFactory(mission=theirs, company=company)
    url = reverse("admin:partners_company_change", args=[company.pk])

    def shown(response) -> list:
        (formset,) = [
            f for f in response.context["inline_admin_formsets"] if f.opts.model is Application
        ]
        return [form.instance for form in formset.formset.forms]

    as_staff = shown(staff_client.get(url))
    client.force_login(manager)
    as_manager = shown(client.get(url))

    assert as_staff == [mine]
    assert sorted(as_manager, key=lambda a: a.pk) == [mine, other]


def test_follow_up_of_another_team_mission_keeps_what_it_follows(staff_client, ours, theirs):
    ours.follows = theirs
    ours.save()
    elsewhere = MissionFactory(title="Elsewhere")
    url = reverse("admin:missions_mission_change", args=[ours.pk])

    form = staff_client.get(url).context["adminform"].form
    kept = staff_client.post(url, _mission_form(ours, follows=theirs.pk))
    moved = staff_client.post(url, _mission_form(ours, follows=elsewhere.pk))

    assert list(form.fields["follows"].queryset) == [ours, theirs]
    assert kept.status_code == 302
    assert moved.status_code == 200
    assert "follows" in moved.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.follows == theirs


# --- The team ----------------------------------------------------------------------------------


def test_team_chosen_by_superusers_read_by_the_others(client, staff, superuser, manager, ours):
    url = reverse("admin:missions_mission_change", args=[ours.pk])

    def fields(user) -> tuple[bool, bool]:
        client.force_login(user)
        response = client.get(url)
        return "team" in response.context["adminform"].form.fields, "charge" in (
            response.content.decode()
        )

    assert fields(superuser) == (True, True)
    assert fields(staff) == (False, True)
    assert fields(manager) == (False, True)


def test_team_posted_by_a_chargé_changes_nothing(staff_client, staff, ours):
    stranger = UserFactory(username="stranger", is_staff=True)

    response = staff_client.post(
        reverse("admin:missions_mission_change", args=[ours.pk]),
        _mission_form(ours, team=[stranger.pk]),
    )

    assert response.status_code == 302
    assert list(ours.team.all()) == [staff]


def test_team_set_by_a_superuser(client, superuser, staff, ours):
    colleague = UserFactory(username="colleague", is_staff=True)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:missions_mission_change", args=[ours.pk]),
        _mission_form(ours, team=[colleague.pk]),
    )

    assert response.status_code == 302
    assert list(ours.team.all()) == [colleague]


def test_team_offers_staff_only(client, superuser, staff, company_a_user, ours):
    client.force_login(superuser)

    form = (
        client.get(reverse("admin:missions_mission_change", args=[ours.pk]))
        .context["adminform"]
        .form
    )

    assert staff in form.fields["team"].queryset
    assert company_a_user not in form.fields["team"].queryset


@pytest.mark.parametrize(("role", "joins"), [("staff", True), ("superuser", False)])
def test_mission_created_by_a_chargé_has_them_on_its_team(client, request, role, joins):
    user = request.getfixturevalue(role)
    client.force_login(user)
    new = Mission(
        title="Tunis 2028",
        slug="tunis-2028",
        destination_country="TN",
        time_zone="Africa/Tunis",
        starts_on=dt.date(2028, 3, 1),
        ends_on=dt.date(2028, 3, 5),
    )

    response = client.post(reverse("admin:missions_mission_add"), _mission_form(new))

    assert response.status_code == 302
    created = Mission.objects.get(slug="tunis-2028")
    assert list(created.team.all()) == ([user] if joins else [])
    assert (
        client.get(reverse("admin:missions_mission_change", args=[created.pk])).status_code == 200
    )
