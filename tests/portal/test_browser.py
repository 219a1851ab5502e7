"""Browser journeys in Debian's Chromium, driven by Playwright, on a phone-sized screen.

A visitor goes from the home page to a submitted application, in French and in Arabic.
"""

import os
import shutil

import pytest

from missions.models import Application
from tests.factories import MissionFactory, MissionPartnerFactory, SectorFactory

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason="needs Debian's Chromium (apt-get install chromium); .ci/run installs it",
    ),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
    # the test itself (not by the live server) are safe: they happen between page actions.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        csp_violations = []
        page.on(
            "console",
            lambda msg: (
                csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        page.csp_violations = csp_violations
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_mission(transactional_db):
    SectorFactory(slug="pharma", name="Pharmacie", name_en="Pharma", name_ar="صيدلة")
    mission = MissionFactory(
        slug="senegal-triangulaire", title="Action triangulaire vers le Sénégal"
    )
    MissionPartnerFactory(mission=mission, organisation__name="BioWin")
    return mission


def _fill_and_submit(page, *, tax_id: str, email: str) -> None:
    page.fill("#id_legal_name", "Laboratoires Carthage SA")
    page.fill("#id_tax_id", tax_id)
    page.select_option("#id_governorate", "sfax")
    page.check("input[name=sectors]")
    page.select_option("#id_size", "medium")
    page.fill("#id_first_name", "Leila")
    page.fill("#id_last_name", "Trabelsi")
    page.fill("#id_email", email)
    page.fill("#id_phone", "+216 74 123 456")
    page.check("input[name=objectives][value=export]")
    page.select_option("select[name$=_priority]", "1")
    page.check("#id_consent")
    page.click("button[type=submit].primary")


@pytest.mark.parametrize(
    ("language", "button_text", "thanks_dir"),
    [("fr", "Français", "ltr"), ("ar", "العربية", "rtl")],
)
def test_visitor_applies_from_home_page_on_a_phone(
    live_server, browser_page, open_mission, language, button_text, thanks_dir
):
    page = browser_page
    page.goto(live_server.url + "/")
    page.click(f"form.language-switch button[value={language}]")
    assert page.locator("html").get_attribute("lang") == language

    page.click(f"a[href='/missions/{open_mission.slug}/']")
    page.wait_for_url(f"**/missions/{open_mission.slug}/")
    page.click(f"a[href='/missions/{open_mission.slug}/interest/']")
    page.wait_for_url(f"**/missions/{open_mission.slug}/interest/")
    page.wait_for_load_state("load")
    # Nothing on the form is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _fill_and_submit(page, tax_id="1234567A/A/M/000", email=f"leila-{language}@carthage.example")

    page.wait_for_url(f"**/missions/{open_mission.slug}/interest/thanks/")
    assert page.locator("html").get_attribute("dir") == thanks_dir
    application = Application.objects.get()
    assert application.language == language
    assert application.contact.email == f"leila-{language}@carthage.example"
    assert page.csp_violations == []


def test_visitor_form_error_keeps_what_was_typed(live_server, browser_page, open_mission):
    page = browser_page
    page.goto(f"{live_server.url}/missions/{open_mission.slug}/interest/")

    _fill_and_submit(page, tax_id="123", email="leila@carthage.example")

    assert page.locator(".form-errors").is_visible()
    assert page.input_value("#id_legal_name") == "Laboratoires Carthage SA"
    assert page.input_value("#id_email") == "leila@carthage.example"
    assert page.is_checked("input[name=objectives][value=export]")
    assert Application.objects.count() == 0
