"""The admin's export page and the CSRF failure page in Chromium, under the strict CSP.

The policy blocked the export form's inline handler ("Select all" did nothing) and the
styles of Django's CSRF failure page; the browser reported each violation.
"""

import shutil

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.portal.test_browser import CHROMIUM, browser_page  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason="needs Debian's Chromium (apt-get install chromium); .ci/run installs it",
    ),
]


@pytest.fixture
def staff_page(live_server, browser_page, transactional_db):  # noqa: F811
    UserFactory(username="charge", is_staff=True, is_superuser=True)
    page = browser_page
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "charge")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{reverse('admin:index')}")
    return page


def test_export_page_select_all_ticks_and_clears_every_field(live_server, staff_page):
    page = staff_page
    page.goto(live_server.url + reverse("admin:partners_company_export"))
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:not(.select-toggle)")
    ticked = "els => els.map(el => el.checked)"
    count = fields.count()

    page.uncheck("input.select-toggle")
    cleared = fields.evaluate_all(ticked)
    page.check("input.select-toggle")

    assert count == 10
    assert cleared == [False] * count
    assert fields.evaluate_all(ticked) == [True] * count
    assert page.csp_violations == []


def test_csrf_failure_page_is_styled_without_violations(live_server, browser_page):  # noqa: F811
    page = browser_page
    page.goto(live_server.url + reverse("space:login"))
    # A token that no longer matches the cookie, as after logging in in another tab.
    page.eval_on_selector("main input[name=csrfmiddlewaretoken]", "el => el.value = 'x'.repeat(64)")

    page.fill("input[name=email]", "someone@example.com")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click("main button[type=submit]")

    assert answer.value.status == 403
    assert page.locator("h1").count() == 1
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.csp_violations == []
