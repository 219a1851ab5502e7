"""The links people open without a password, and their rules (issue 11 §2).

- partner's page: signed {link id, version}; expires with its row
  (``PARTNER_LINK_MAX_AGE_DAYS``); used many times; revoked by staff (a new version) or by
  the partner leaving the mission;
- calendar feed: signed {feed id, version}; no expiry; reset by its owner or staff, dies with
  a revoked partner link;
- login: 32 random bytes, only the SHA-256 stored; ``LOGIN_LINK_MAX_AGE_MINUTES``; works
  once; dies with the account leaving its company or being deactivated;
- reminder: 32 random bytes, SHA-256 stored; ``LEAD_REMINDER_LINK_MAX_AGE_DAYS``; spent by a
  successful answer;
- e-mail verification: signed and timestamped {claim, email};
  ``EMAIL_VERIFICATION_MAX_AGE_DAYS``; idempotent;
- claim decision: signed and timestamped {claim, approver, email};
  ``CLAIM_DECISION_MAX_AGE_DAYS``; the claim is decided once; dies with the approver leaving
  or changing address.

The same rules as a table: ``docs/security.md``, "Signed links".

For all: a GET only reads (mail scanners open links); a token that is altered, truncated, of
another kind, or signed with another key is refused with 400/404 and counts against the
address (``BAD_TOKEN_RATE_LIMIT``); one company's or partner's link never reaches another's
rows. Signed tokens die with the key that signed them unless it is kept in
``SECRET_KEY_FALLBACKS`` while the key is rotated.

The single rules of each kind are tested beside its code (``tests/matchmaking/test_links.py``,
``tests/portal/test_partner.py``, ``test_space.py``, ``test_leads.py``, ``test_public.py``,
``test_agendas.py``, ``tests/partners/test_claims.py``); here are the rules across kinds.
"""

import secrets

import pytest
from django.urls import reverse

from cepex_portal.models import LoginLink
from reports.models import Lead, LeadReminder
from tests.endpoints import LOGIN_TOKEN, REMINDER_TOKEN, build_world
from tests.reports.factories_followup import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _tokens(world) -> dict[str, str]:
    return {
        "partner": world.link.token,
        "feed": world.feed.token,
        "login": LOGIN_TOKEN,
        "reminder": REMINDER_TOKEN,
        "verify": world.verify_token,
        "claim": world.claim_token,
    }


# Each kind's page, opened with GET (which only reads).
PAGES = {
    "partner": "partner:home",
    "feed": "feeds:calendar",
    "login": "space:login_confirm",
    "reminder": "space:lead_reminder",
    "verify": "portal:verify_email",
    "claim": "space:claim_decide",
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_a_token_opens_its_own_page_only(english, world, kind, page):
    token = _tokens(world)[kind]

    response = english.get(reverse(PAGES[page], args=[token]))

    if kind == page:
        assert response.status_code == 200
    else:
        assert response.status_code in (400, 404), response.status_code


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-6],
        lambda t: t + "x",
        lambda t: t.upper(),
        lambda t: t[::-1],
        lambda t: "x" + t[1:],
    ],
    ids=["last-char", "truncated", "lengthened", "upper", "reversed", "first-char"],
)
def test_an_altered_token_is_refused_and_changes_nothing(english, world, kind, alter):
    token = _tokens(world)[kind]
    before = _state()

    response = english.get(reverse(PAGES[kind], args=[alter(token)]))
    posted = english.post(reverse(PAGES[kind], args=[alter(token)]))

    assert response.status_code in (400, 404)
    assert posted.status_code in (400, 404, 405)
    assert _state() == before


def _state():
    return (
        list(LoginLink.objects.values("used_at")),
        list(LeadReminder.objects.values("used_at")),
        list(Lead.objects.values()),
    )


@pytest.mark.parametrize("kind", ["partner", "feed", "verify", "claim"])
def test_signed_token_dies_with_its_key_unless_kept_as_a_fallback(english, world, settings, kind):
    token = _tokens(world)[kind]
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY = secrets.token_urlsafe(50)
    rotated = english.get(reverse(PAGES[kind], args=[token]))
    settings.SECRET_KEY_FALLBACKS = [old_key]
    kept = english.get(reverse(PAGES[kind], args=[token]))

    assert rotated.status_code in (400, 404)
    assert kept.status_code == 200


@pytest.mark.parametrize("kind", ["login", "reminder"])
def test_random_token_does_not_depend_on_the_key(english, world, settings, kind):
    settings.SECRET_KEY = secrets.token_urlsafe(50)

    response = english.get(reverse(PAGES[kind], args=[_tokens(world)[kind]]))

    assert response.status_code == 200


def test_login_link_gives_a_new_session_key(client, world):
    client.get(reverse("space:login"))  # a visitor's session, as an attacker could plant
    client.session["planted"] = "yes"
    client.session.save()
    before = client.session.session_key

    response = client.post(reverse("space:login_confirm", args=[LOGIN_TOKEN]))

    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(world.representative.pk)


def test_login_link_of_a_deactivated_account_refused(english, world):
    world.representative.is_active = False
    world.representative.save()

    response = english.post(reverse("space:login_confirm", args=[LOGIN_TOKEN]))

    assert response.status_code == 400
    assert "_auth_user_id" not in english.session


def test_login_link_works_once_even_after_logging_out(english, world):
    world.representative.language = "en"
    world.representative.save()
    url = reverse("space:login_confirm", args=[LOGIN_TOKEN])
    assert english.post(url).status_code == 302
    english.post(reverse("space:logout"))

    again = english.post(url)

    assert again.status_code == 400
    assert "This login link has already been used." in again.text
    assert "_auth_user_id" not in english.session


def test_reminder_touches_only_its_company_and_mission(english, world, company_b):
    other_company = LeadFactory(mission=world.mission, company=company_b, title="B's")
    other_mission = LeadFactory(company=world.alpha, title="Alpha elsewhere")
    data = {}
    for lead in (world.lead, other_company, other_mission):
        data.update(
            {
                f"lead{lead.pk}-stage": "nda",
                f"lead{lead.pk}-next_action": "Sign",
                f"lead{lead.pk}-due_on": "2099-01-01",
                f"lead{lead.pk}-note": "",
            }
        )

    response = english.post(reverse("space:lead_reminder", args=[REMINDER_TOKEN]), data)

    assert response.status_code == 200
    assert Lead.objects.get(pk=world.lead.pk).stage == "nda"
    assert Lead.objects.get(pk=other_company.pk).stage == "contact"
    assert Lead.objects.get(pk=other_mission.pk).stage == "contact"
    assert "B&#x27;s" not in response.text
    assert "Alpha elsewhere" not in response.text


def test_claim_decision_link_decides_once(english, world):
    url = reverse("space:claim_decide", args=[world.claim_token])

    first = english.post(url, {"decision": "approve"}, follow=True)
    second = english.post(url, {"decision": "decline"}, follow=True)

    world.colleague.refresh_from_db()
    assert world.colleague.status == "approved"
    assert first.status_code == 200
    assert second.status_code in (200, 400)
    assert "now represents your company" in first.text


def test_partner_link_of_one_mission_reaches_no_request_of_another(english, world):
    from tests.factories import MeetingRequestFactory, MissionFactory, MissionPartnerFactory

    elsewhere = MissionFactory()
    MissionPartnerFactory(mission=elsewhere, organisation=world.biowin)
    request = MeetingRequestFactory(
        mission=elsewhere, company=world.alpha, partner=world.biowin, state="sent"
    )

    response = english.post(
        reverse("partner:answer", args=[world.link.token, request.pk]),
        {f"r{request.pk}-decision": "accept"},
    )

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == "sent"
