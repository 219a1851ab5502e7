"""The managers' reports page (/reports/): who may see it, make a report, follow it and
download it, on which missions; what it shows; a fixed number of queries however many
missions and reports.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from reports.enums import ReportState
from reports.models import Report
from tests.csp import inline_code
from tests.factories import MissionFactory, UserFactory
from tests.queries import page_queries
from tests.reports.factories_pdfreports import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are checked in English (French, the default, has its own tests)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


INDEX = "/reports/"


@pytest.fixture
def mission(staff):
    mission = MissionFactory(slug="wallonie-2017", title="Wallonie biotech 2017")
    mission.team.add(staff)  # the chargé de mission works on it
    return mission


@pytest.fixture
def done(mission):
    return ReportFactory(mission=mission, kind="dossier", language="fr", done=True)


@pytest.fixture
def viewer(mission):
    """Staff on the mission's team who may see and download reports, not make one."""
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_report"))
    mission.team.add(user)
    return user


@pytest.fixture
def staff_without_reports(db):
    """Staff who may see missions but not reports."""
    user = UserFactory(username="no-reports", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_mission"))
    return user


def _generate(client, mission, **data):
    return client.post(
        f"/reports/missions/{mission.slug}/generate/",
        {"kind": "dossier", "language": "fr", **data},
    )


# --- Who may see the page --------------------------------------------------------------------


def test_index_manager_sees_every_mission_downloads_and_the_form(client, manager, mission, done):
    MissionFactory(title="Nobody's mission")  # on no team
    client.force_login(manager)

    response = client.get(INDEX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Wallonie biotech 2017" in html
    assert "Nobody&#x27;s mission" in html
    assert f'href="/reports/{done.pk}/download/"' in html
    assert f'action="/reports/missions/{mission.slug}/generate/"' in html
    assert "no-store" in response["Cache-Control"]


def test_index_viewer_sees_downloads_but_no_form(client, viewer, mission, done):
    client.force_login(viewer)

    response = client.get(INDEX)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/reports/{done.pk}/download/"' in html
    assert "/generate/" not in html


def test_index_staff_sees_only_the_missions_of_their_team(client, staff, mission, done):
    other = MissionFactory(title="Senegal 2027")
    ReportFactory(mission=other, kind="dossier", language="fr", done=True)
    client.force_login(staff)

    html = client.get(INDEX).content.decode()

    assert "Wallonie biotech 2017" in html
    assert "Senegal 2027" not in html
    assert f"/reports/missions/{other.slug}/generate/" not in html


def test_index_staff_sees_the_form(client, staff, mission):
    client.force_login(staff)

    response = client.get(INDEX)

    assert response.status_code == 200
    assert f'action="/reports/missions/{mission.slug}/generate/"' in response.content.decode()


def test_index_form_offers_each_mission_its_own_language_first(client, staff, mission):
    mission.language = "ar"
    mission.save(update_fields=["language"])
    client.force_login(staff)

    html = client.get(INDEX).content.decode()

    assert '<option value="ar" selected>' in html
    assert '<option value="fr" selected>' not in html


def test_index_anonymous_sent_to_the_staff_login(client):
    response = client.get(INDEX)

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/reports/"


def test_index_company_user_refused(client, company_a_user):
    client.force_login(company_a_user)

    assert client.get(INDEX).status_code == 403


def test_index_staff_without_the_view_permission_refused(client, staff_without_reports):
    client.force_login(staff_without_reports)

    assert client.get(INDEX).status_code == 403


def test_index_has_no_inline_script_or_style(client, staff, mission, done):
    ReportFactory(mission=mission, kind="followup", state=ReportState.RUNNING, progress=40)
    client.force_login(staff)

    html = client.get(INDEX).content.decode()

    assert inline_code(html) == []
    assert '<script src="/static/js/report-progress.js" defer></script>' in html
    assert 'data-state-url="/reports/' in html
    assert '<progress max="100" value="40">' in html


def test_index_pages_missions_newest_first(client, manager):
    import datetime as dt

    for n in range(25):
        MissionFactory(title=f"Mission {n:02d}", starts_on=dt.date(2020, 1, 1) + dt.timedelta(n))
    client.force_login(manager)

    first = client.get(INDEX).content.decode()
    second = client.get(INDEX + "?page=2").content.decode()
    beyond = client.get(INDEX + "?page=nonsense")

    assert first.index("Mission 24") < first.index("Mission 05")
    assert "Mission 04" not in first
    assert "Mission 04" in second
    assert "Mission 00" in second
    assert beyond.status_code == 200


def test_index_queries_do_not_grow_with_missions_and_reports(client, manager, mission, done):
    client.force_login(manager)
    few = page_queries(client, INDEX)
    for _ in range(6):
        other = MissionFactory()
        ReportFactory(mission=other, kind="dossier", language="en", done=True)
        ReportFactory(mission=other, kind="followup", language="ar", state=ReportState.FAILED)
        ReportFactory(mission=other, kind="followup", language="ar", state=ReportState.RUNNING)
    for _ in range(5):
        ReportFactory(mission=mission, kind="dossier", language="fr", done=True)

    assert page_queries(client, INDEX) == few


# --- Making a report -------------------------------------------------------------------------


def test_generate_staff_queues_the_report_and_comes_back_to_the_mission(
    client, staff, mission, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks() as callbacks:
        response = _generate(client, mission, kind="followup", language="ar", page="2")

    assert response.status_code == 302
    assert response["Location"] == f"/reports/?page=2#mission-{mission.pk}"
    report = Report.objects.get()
    assert (report.kind, report.language, report.state, report.requested_by) == (
        "followup",
        "ar",
        ReportState.QUEUED,
        staff,
    )
    assert len(callbacks) == 1  # the task, once committed
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "The follow-up report of “Wallonie biotech 2017” is being made; this page follows it."
    ]


def test_generate_same_report_under_way_says_so(client, staff, mission):
    ReportFactory(mission=mission, kind="dossier", language="fr", state=ReportState.QUEUED)
    client.force_login(staff)

    response = _generate(client, mission)

    assert response.status_code == 302
    assert Report.objects.count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "This report is already being made in this language; it will be ready shortly."
    ]


@pytest.mark.parametrize("data", [{"kind": "annual"}, {"language": "de"}, {"kind": ""}])
def test_generate_bad_choice_says_so_and_makes_nothing(client, staff, mission, data):
    client.force_login(staff)

    response = _generate(client, mission, **data)

    assert response.status_code == 302
    assert Report.objects.count() == 0
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Choose a report and a language from the lists."]


def test_generate_unknown_mission_404(client, staff):
    client.force_login(staff)

    response = client.post("/reports/missions/nowhere/generate/", {"kind": "dossier"})

    assert response.status_code == 404


def test_generate_viewer_without_the_add_permission_refused(client, viewer, mission):
    client.force_login(viewer)

    assert _generate(client, mission).status_code == 403
    assert Report.objects.count() == 0


def test_generate_manager_queues_the_report(client, manager, mission):
    client.force_login(manager)

    response = _generate(client, mission, kind="dossier", language="en")

    assert response.status_code == 302
    assert Report.objects.get().requested_by == manager


def test_generate_mission_not_on_the_staff_team_404(client, staff):
    other = MissionFactory()
    client.force_login(staff)

    assert _generate(client, other).status_code == 404
    assert Report.objects.count() == 0


def test_generate_company_user_refused_and_get_not_allowed(client, company_a_user, staff, mission):
    client.force_login(company_a_user)
    assert _generate(client, mission).status_code == 403
    client.force_login(staff)
    assert client.get(f"/reports/missions/{mission.slug}/generate/").status_code == 405
    assert Report.objects.count() == 0


# --- Following it ----------------------------------------------------------------------------


def test_state_gives_progress_as_json(client, manager, mission):
    report = ReportFactory(mission=mission, state=ReportState.RUNNING, progress=45)
    client.force_login(manager)

    response = client.get(f"/reports/{report.pk}/state/")

    assert response.status_code == 200
    assert response.json() == {
        "state": "running",
        "state_label": "Running",
        "progress": 45,
        "is_active": True,
        "error": "",
    }


def test_state_failed_report_gives_its_error(client, manager, mission):
    report = ReportFactory(mission=mission, state=ReportState.FAILED, error="ValueError: boom")
    client.force_login(manager)

    data = client.get(f"/reports/{report.pk}/state/").json()

    assert data["state"] == "failed"
    assert data["is_active"] is False
    assert data["error"] == "ValueError: boom"


def test_state_anonymous_and_company_user_refused(client, company_a_user, mission):
    report = ReportFactory(mission=mission)

    assert client.get(f"/reports/{report.pk}/state/").status_code == 403
    client.force_login(company_a_user)
    assert client.get(f"/reports/{report.pk}/state/").status_code == 403


def test_state_report_of_a_mission_not_on_the_staff_team_404(client, staff, mission):
    report = ReportFactory(mission=MissionFactory(), state=ReportState.RUNNING)
    client.force_login(staff)

    assert client.get(f"/reports/{report.pk}/state/").status_code == 404


def test_state_unknown_report_404(client, manager):
    client.force_login(manager)

    assert client.get("/reports/987654/state/").status_code == 404


# --- Downloading it --------------------------------------------------------------------------


def test_download_manager_gets_the_pdf_as_a_private_attachment(client, manager, done):
    client.force_login(manager)

    response = client.get(f"/reports/{done.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    made_on = timezone.localdate(done.created_at)
    assert response["Content-Disposition"] == (
        f'attachment; filename="wallonie-2017-dossier-fr-{made_on:%Y-%m-%d}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test\n%%EOF\n"


def test_download_staff_off_the_mission_team_404_on_it_gets_the_pdf(client, staff, done):
    outsider = UserFactory(username="outsider", is_staff=True)
    outsider.groups.set(staff.groups.all())  # a chargé de mission too, on another team
    client.force_login(outsider)
    refused = client.get(f"/reports/{done.pk}/download/")
    client.force_login(staff)
    allowed = client.get(f"/reports/{done.pk}/download/")

    assert refused.status_code == 404
    assert allowed.status_code == 200
    assert allowed["Content-Type"] == "application/pdf"


def test_download_anonymous_sent_to_login(client, done):
    response = client.get(f"/reports/{done.pk}/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_download_company_user_refused(client, company_a_user, done):
    client.force_login(company_a_user)

    assert client.get(f"/reports/{done.pk}/download/").status_code == 403


def test_download_staff_without_the_view_permission_refused(client, staff_without_reports, done):
    client.force_login(staff_without_reports)

    assert client.get(f"/reports/{done.pk}/download/").status_code == 403


@pytest.mark.parametrize("state", [ReportState.QUEUED, ReportState.RUNNING, ReportState.FAILED])
def test_download_report_not_done_404(client, manager, mission, state):
    report = ReportFactory(mission=mission, state=state)
    client.force_login(manager)

    assert client.get(f"/reports/{report.pk}/download/").status_code == 404


def test_download_file_gone_from_disk_404(client, manager, done):
    done.file.storage.delete(done.file.name)
    client.force_login(manager)

    assert client.get(f"/reports/{done.pk}/download/").status_code == 404


def test_report_files_have_no_public_url(done):
    with pytest.raises(ValueError, match="no public URL"):
        done.file.url  # noqa: B018
