"""The audit trail (issue 11 §4): every change to applications, wishes, meeting requests,
meetings, outcomes and leads keeps a version with who and when, shown in the admin under
"History", inside the same walls as the change page, and never saved back."""

import pytest
from django.urls import reverse

from missions.enums import ApplicationStatus
from missions.models import Application
from missions.services import application_withdraw
from portal.services import AGENCY_STAFF_GROUP, roles_ensure
from tests.factories import ApplicationFactory, MissionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission(staff):
    mission = MissionFactory(title="Wallonie 2017", capacity=5)
    mission.team.add(staff)
    return mission


def _versions(application: Application) -> list[tuple[str, str, str | None]]:
    return [
        (v.history_type, v.status, v.history_user.username if v.history_user else None)
        for v in application.history.order_by("history_date", "history_id")
    ]


def test_a_staff_decision_in_the_admin_is_recorded_with_who(client, staff, mission):
    application = ApplicationFactory(mission=mission, status=ApplicationStatus.APPLIED)
    client.force_login(staff)

    response = client.post(
        reverse(
            "admin:missions_application_decide",
            args=[application.pk, ApplicationStatus.ACCEPTED],
        )
    )

    assert response.status_code == 302
    assert _versions(application) == [
        ("+", ApplicationStatus.APPLIED, None),  # made by the factory, outside any request
        ("~", ApplicationStatus.ACCEPTED, "charge"),
    ]


def test_a_representative_withdrawing_in_the_company_space_is_recorded(
    client, company_a, company_a_user, mission
):
    application = ApplicationFactory(mission=mission, company=company_a)
    client.force_login(company_a_user)

    client.post(reverse("space:withdraw", args=[application.pk]), {"confirm": "on"})

    assert _versions(application)[-1] == (
        "~",
        ApplicationStatus.WITHDRAWN,
        company_a_user.username,
    )


def test_a_service_called_outside_a_request_records_its_by(mission):
    application = ApplicationFactory(mission=mission)
    someone = UserFactory(username="from-a-command")

    application_withdraw(application=application, by=someone)

    assert _versions(application)[-1] == ("~", ApplicationStatus.WITHDRAWN, "from-a-command")


def test_the_history_page_lists_each_change_with_who(client, staff, mission):
    application = ApplicationFactory(mission=mission, motivation="Vaccines")
    application.motivation = "Vaccines and biosimilars"
    application._history_user = staff
    application.save()
    client.force_login(staff)

    page = client.get(reverse("admin:missions_application_history", args=[application.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Vaccines and biosimilars" in text  # the change, old → new
    assert "charge" in text


def test_another_teams_history_is_not_found(client, mission):
    application = ApplicationFactory(mission=mission)
    outsider = UserFactory(username="other-charge", is_staff=True)
    outsider.groups.add(roles_ensure()[AGENCY_STAFF_GROUP])
    client.force_login(outsider)
    version = application.history.get()

    assert (
        client.get(reverse("admin:missions_application_history", args=[application.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse(
                "admin:missions_application_simple_history",
                args=[application.pk, version.history_id],
            )
        ).status_code
        == 404
    )


def test_an_old_version_is_shown_and_never_saved_back(client, superuser, mission):
    application = ApplicationFactory(mission=mission, status=ApplicationStatus.APPLIED)
    first = application.history.get()
    application.status = ApplicationStatus.ACCEPTED
    application.save()
    client.force_login(superuser)
    url = reverse("admin:missions_application_simple_history", args=[application.pk, first.pk])

    shown = client.get(url)
    posted = client.post(url, {"status": ApplicationStatus.APPLIED})

    assert shown.status_code == 200
    assert posted.status_code == 405
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.history.count() == 2
