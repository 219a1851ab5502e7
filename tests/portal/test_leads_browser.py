"""Browser journeys of the follow-up in Debian's Chromium, on a phone-sized screen: a
representative records a meeting's outcome and moves a lead on in the company space; a
contact answers a reminder through its one-time link, in Arabic. Real CSRF, the strict CSP,
nothing wider than the screen.
"""

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from reports.models import Lead, LeadReminder, MeetingOutcome
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    UserFactory,
)
from tests.portal.test_browser import CHROMIUM, PHONE, browser_page  # noqa: F401 (fixture)
from tests.reports.factories_followup import LeadFactory, PastMeetingFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        __import__("shutil").which(CHROMIUM) is None,
        reason="needs Debian's Chromium (apt-get install chromium); .ci/run installs it",
    ),
]


@pytest.fixture
def world(transactional_db):
    mission = MissionFactory(title="Wallonie 2027")
    company = CompanyFactory(legal_name="Alpha Pharma SA")
    contact = ContactFactory(company=company, email="amira@alpha.example")
    ApplicationFactory(mission=mission, company=company, contact=contact, language="ar")
    biowin = MissionPartnerFactory(
        mission=mission, organisation=PartnerOrganisationFactory(name="BioWin")
    ).organisation
    meeting = PastMeetingFactory(
        request=MeetingRequestFactory(mission=mission, company=company, partner=biowin)
    )
    lead = LeadFactory(
        mission=mission,
        company=company,
        partner=PartnerOrganisationFactory(name="BioPark Charleroi"),
        title="Clinical batches",
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    user = UserFactory(username="rep", email="amira@alpha.example", company=company)
    return {"mission": mission, "company": company, "meeting": meeting, "lead": lead, "user": user}


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_representative_records_outcome_and_moves_lead_on_a_phone(
    live_server,
    browser_page,  # noqa: F811
    world,
):
    page = browser_page
    _log_in(page, live_server, world["user"])
    page.goto(live_server.url + "/company/leads/")
    assert _fits(page)

    meeting = world["meeting"]
    card = page.locator(f"#meeting-{meeting.pk}")
    card.locator("summary").click()
    card.locator(f"input[name=meeting{meeting.pk}-attendance][value=held]").check()
    card.locator(f"input[name=meeting{meeting.pk}-interest][value=high]").check()
    card.locator(f"textarea[name=meeting{meeting.pk}-next_step]").fill("Visit the plant")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(".message.success")
    assert MeetingOutcome.objects.get().interest == "high"

    lead = world["lead"]
    card = page.locator(f"#lead-{lead.pk}")
    card.locator("details.lead-update > summary").click()
    card.locator(f"select[name=lead{lead.pk}-stage]").select_option("nda")
    card.locator(f"textarea[name=lead{lead.pk}-note]").fill("NDA signed")
    assert _fits(page)
    card.locator("button[type=submit]").click()
    page.wait_for_selector(".message.success")

    lead.refresh_from_db()
    assert lead.stage == "nda"
    assert Lead.objects.count() == 2  # the new one, from the meeting's high interest
    assert page.csp_violations == []


def test_contact_answers_a_reminder_in_arabic_on_a_phone(
    live_server,
    browser_page,  # noqa: F811
    world,
):
    token = "token-from-the-e-mail"
    LeadReminder.objects.create(
        mission=world["mission"],
        company=world["company"],
        milestone_days=30,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        sent_at=timezone.now(),
    )
    page = browser_page
    page.goto(f"{live_server.url}/company/leads/update/{token}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert _fits(page)

    lead = world["lead"]
    page.locator(f"select[name=lead{lead.pk}-stage]").select_option("negotiation")
    page.locator("button[type=submit].primary").click()
    page.wait_for_load_state()

    lead.refresh_from_db()
    assert lead.stage == "negotiation"
    assert LeadReminder.objects.get().used_at is not None
    assert page.csp_violations == []
