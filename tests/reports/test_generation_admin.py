"""The admin of generated reports: read-only list with download links, a page to make one
(staff with the permission), a report's page that follows it while it is made."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from reports.enums import ReportState
from reports.models import Report
from tests.factories import MissionFactory, UserFactory
from tests.queries import page_queries
from tests.reports.factories_pdfreports import ReportFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/reports/report/"
GENERATE = "/admin/reports/report/generate/"


@pytest.fixture
def mission(staff):
    """The mission the chargé de mission works on."""
    mission = MissionFactory(title="Wallonie biotech 2017")
    mission.team.add(staff)
    return mission


def test_list_shows_reports_with_download_links_and_the_make_button(client, staff, mission):
    done = ReportFactory(mission=mission, done=True)
    queued = ReportFactory(mission=mission)
    client.force_login(staff)

    html = client.get(LIST).content.decode()

    assert f'href="/reports/{done.pk}/download/"' in html
    assert f'href="/reports/{queued.pk}/download/"' not in html
    assert f'href="{GENERATE}"' in html
    assert 'href="/reports/"' in html


def test_list_viewer_sees_reports_but_cannot_make_one(client, mission):
    ReportFactory(mission=mission, done=True)
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_report"))
    mission.team.add(viewer)
    client.force_login(viewer)

    html = client.get(LIST).content.decode()

    assert "/download/" in html
    assert GENERATE not in html
    assert client.get(GENERATE).status_code == 403
    assert client.get("/admin/reports/report/add/").status_code == 403


def test_list_manager_sees_every_report_and_makes_one(client, manager):
    done = ReportFactory(done=True)  # of a mission on nobody's team
    client.force_login(manager)

    html = client.get(LIST).content.decode()

    assert f'href="/reports/{done.pk}/download/"' in html
    assert f'href="{GENERATE}"' in html
    assert client.get(GENERATE).status_code == 200
    assert client.get("/admin/reports/report/add/").status_code == 403


def test_list_and_generate_page_staff_see_only_their_team_missions(client, staff, mission):
    ours = ReportFactory(mission=mission, done=True)
    theirs = ReportFactory(done=True)
    client.force_login(staff)

    listed = client.get(LIST).context["cl"].result_list
    page = client.get(GENERATE).content.decode()
    posted = client.post(
        GENERATE, {"mission": theirs.mission.pk, "kind": "followup", "language": "en"}
    )

    assert list(listed) == [ours]
    assert f'<option value="{mission.pk}">' in page
    assert f'<option value="{theirs.mission.pk}"' not in page
    assert posted.status_code == 200  # the form says the choice is not one it offers
    assert "mission" in posted.context["form"].errors
    assert client.get(f"/admin/reports/report/{theirs.pk}/change/").status_code == 404
    assert Report.objects.count() == 2


def test_list_queries_do_not_grow_with_reports(client, staff, mission):
    ReportFactory(mission=mission, done=True)
    client.force_login(staff)
    few = page_queries(client, LIST)
    for _ in range(10):
        ReportFactory(mission=mission, done=True)

    assert page_queries(client, LIST) == few


def test_generate_page_preselects_the_mission_and_queues_the_report(
    client, staff, mission, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    page = client.get(f"{GENERATE}?mission={mission.pk}")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            GENERATE, {"mission": mission.pk, "kind": "followup", "language": "en"}
        )

    assert page.status_code == 200
    assert f'<option value="{mission.pk}" selected>' in page.content.decode()
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/reports/report/{report.pk}/change/"
    assert (report.mission, report.kind, report.language, report.requested_by) == (
        mission,
        "followup",
        "en",
        staff,
    )
    assert len(callbacks) == 1


def test_generate_page_same_report_under_way_shows_the_error(client, staff, mission):
    queued = ReportFactory(mission=mission, kind="dossier", language="fr")
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        GENERATE, {"mission": queued.mission.pk, "kind": "dossier", "language": "fr"}
    )

    assert response.status_code == 200
    assert "This report is already being made in this language" in response.content.decode()
    assert Report.objects.count() == 1


def test_report_page_follows_a_report_under_way(client, staff, mission):
    report = ReportFactory(mission=mission, state=ReportState.RUNNING, progress=60)
    client.force_login(staff)

    html = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()

    assert f'data-state-url="/reports/{report.pk}/state/"' in html
    assert "js/report-progress.js" in html


def test_report_page_of_a_done_report_does_not_poll_and_cannot_be_deleted(client, staff, mission):
    report = ReportFactory(mission=mission, done=True)
    client.force_login(staff)

    html = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()

    assert "data-state-url" not in html
    assert client.get(f"/admin/reports/report/{report.pk}/delete/").status_code == 403
