"""A partner answers through its signed link on a phone, in Debian's Chromium (Playwright):
accepts a request, names who attends, gives its availability; then reads the page in Arabic.
"""

import datetime as dt

import pytest
from django.utils import timezone

from matchmaking.enums import RequestState
from matchmaking.models import PartnerAvailability
from matchmaking.services.links import link_issue
from missions.enums import ApplicationStatus, Objective
from missions.models import ApplicationObjective
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
)
from tests.portal.test_browser import PHONE, browser_page, pytestmark

# The browser fixture and the skip-without-Chromium marks are those of the other journeys.
__all__ = ["browser_page", "pytestmark"]


@pytest.fixture
def partner_link(transactional_db):
    mission = MissionFactory(
        title="Mission Wallonie biotech 2027",
        starts_on=dt.date(2027, 7, 12),
        ends_on=dt.date(2027, 7, 13),
        destination_cities="Charleroi, Liège",
    )
    partner = PartnerOrganisationFactory(name="BioWin, le pôle de compétitivité santé wallon")
    MissionPartnerFactory(mission=mission, organisation=partner)
    for name in ("Laboratoires Carthage SA", "Pôle biotechnologique de Sidi Thabet"):
        company = CompanyFactory(legal_name=name, description="Vaccins et biosimilaires. " * 20)
        application = ApplicationFactory(
            mission=mission, company=company, status=ApplicationStatus.ACCEPTED
        )
        ApplicationObjective.objects.create(
            application=application, objective=Objective.TECHNOLOGY_PARTNERSHIP
        )
        MeetingRequestFactory(
            mission=mission,
            company=company,
            partner=partner,
            state=RequestState.SENT,
            sent_at=timezone.now(),
            motivation="Remplissage aseptique et transfert de technologie " * 5,
        )
    return link_issue(mission=mission, partner=partner)


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_partner_accepts_a_request_and_gives_availability_on_a_phone(
    live_server, browser_page, partner_link
):
    page = browser_page
    request = partner_link.partner.meeting_requests.order_by("company__legal_name").first()
    page.goto(f"{live_server.url}/partner/{partner_link.token}/")
    page.click("form.language-switch button[value=fr]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert _fits_the_phone(page)

    card = page.locator(f"#request-{request.pk}")
    card.locator("input[value=accept]").check()
    card.locator("input[name$=partner_attendees]").fill("Dr Anne Dupont, directrice R&D")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator(".messages .success").is_visible()
    request.refresh_from_db()
    assert (request.state, request.partner_attendees) == (
        RequestState.ACCEPTED,
        "Dr Anne Dupont, directrice R&D",
    )

    page.uncheck("#id_d20270712_available")
    page.fill("#id_d20270713_from", "09:00")
    page.fill("#id_d20270713_to", "12:30")
    page.click(".availability-form button[type=submit]")
    page.wait_for_load_state()

    rows = PartnerAvailability.objects.order_by("day")
    assert [(r.is_available, r.available_from, r.available_to) for r in rows] == [
        (False, None, None),
        (True, dt.time(9), dt.time(12, 30)),
    ]
    page.click("form.language-switch button[value=ar]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.url.endswith(f"/partner/{partner_link.token}/")
    assert _fits_the_phone(page)
    assert page.csp_violations == []
