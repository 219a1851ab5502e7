"""The managers' reports page in Debian's Chromium (Playwright): a report under way is
followed without reloading by hand, and a report made from the page downloads as a PDF.
No inline script, nothing the Content Security Policy refuses.
"""

import shutil

import pytest
from django.core.files.base import ContentFile

from reports.enums import ReportState
from reports.models import Report
from tests.portal.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture
from tests.reports.factories_pdfreports import ReportFactory, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason="needs Debian's Chromium (apt-get install chromium); .ci/run installs it",
    ),
]


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/reports/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_url("**/reports/")


def test_page_follows_a_report_under_way_until_its_download_shows(
    live_server,
    browser_page,  # noqa: F811
    manager,
):
    page = browser_page
    world = build_world()
    report = ReportFactory(mission=world.mission, state=ReportState.RUNNING, progress=30)
    _log_in(page, live_server, manager)
    assert page.locator(".report-progress progress").get_attribute("value") == "30"

    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 made\n%%EOF\n"), save=False)
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.DONE, progress=100, file=report.file.name, checksum="0" * 64
    )

    link = page.locator(f"a[href='/reports/{report.pk}/download/']")
    link.wait_for(timeout=15000)  # the script polled, saw it done, and reloaded the page
    assert page.locator(".report-progress").count() == 0
    assert page.csp_violations == []


def test_staff_makes_a_report_and_downloads_it(
    live_server,
    browser_page,  # noqa: F811
    staff,
):
    page = browser_page
    world = build_world()
    world.mission.team.add(staff)  # the chargé de mission works on it
    _log_in(page, live_server, staff)

    form = page.locator(f"form[action='/reports/missions/{world.mission.slug}/generate/']")
    form.locator("select[name=kind]").select_option("followup")
    form.locator("select[name=language]").select_option("en")
    form.locator("button[type=submit]").click()
    # Tests run tasks in process: the report is made before the page comes back.
    report = Report.objects.get()
    link = page.locator(f"a[href='/reports/{report.pk}/download/']")
    link.wait_for(timeout=30000)
    with page.expect_download() as download:
        link.click()

    assert download.value.suggested_filename.startswith(f"{world.mission.slug}-followup-en-")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert page.csp_violations == []
