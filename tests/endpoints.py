"""Every address of the portal outside the admin, with what it takes to reach it.

``ENDPOINTS`` names each URL of the URL conf (the admin aside) with who may open it, the
arguments of its address in a world where every page has something to show
(:func:`build_world`), and, for the views that take a POST, a form that reaches them. The
walks of the rate limits (``tests/test_rate_limits.py``) and of bad input
(``tests/test_bad_input.py``) use it; :func:`public_url_names` reads the URL conf, so an
address added without an entry here fails both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.models import Permission
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cepex_portal.models import LoginLink
from matchmaking.enums import RequestState
from matchmaking.services.agendas import calendar_feed_for_company
from matchmaking.services.links import link_issue
from missions.emails import EMAIL_VERIFICATION_SALT
from missions.models import HeldApplication
from partners.enums import ClaimStatus
from partners.services import claim_decision_token
from reports.models import LeadReminder
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    RepresentativeClaimFactory,
    SectorFactory,
    UserFactory,
    WishedPartnerFactory,
)
from tests.reports.factories_followup import LeadFactory, PastMeetingFactory
from tests.reports.factories_pdfreports import ReportFactory

ANONYMOUS, REPRESENTATIVE, STAFF = "anonymous", "representative", "staff"

LOGIN_TOKEN = "a-login-token-of-the-e-mail-0123456789abcdef"
REMINDER_TOKEN = "a-reminder-token-of-the-e-mail-0123456789abc"


def build_world() -> SimpleNamespace:
    """A mission open for applications with two partners; Alpha Pharma, whose representative
    logs in, has applied, wishes to meet BioWin, had a meeting with BioPark that has ended, and
    a lead; BioWin has a sent request from Alpha to answer and an ended meeting with Beta; a
    colleague of Alpha waits for approval; an application sent with an address of Alpha's
    waits for review; every kind of link has a token.
    """
    sector = SectorFactory(slug="pharma-world")
    mission = MissionFactory(slug="wallonie-world", title="Wallonie World")
    biowin = MissionPartnerFactory(
        mission=mission, organisation=PartnerOrganisationFactory(name="BioWin")
    ).organisation
    biopark = MissionPartnerFactory(
        mission=mission, organisation=PartnerOrganisationFactory(name="BioPark")
    ).organisation

    alpha = CompanyFactory(legal_name="Alpha Pharma SA")
    alpha.sectors.add(sector)
    contact = ContactFactory(company=alpha, email="rep-a@alpha.example", is_confirmed=True)
    representative = UserFactory(username="rep-a", email=contact.email, company=alpha)
    application = ApplicationFactory(mission=mission, company=alpha, contact=contact)
    WishedPartnerFactory(application=application, partner=biowin, priority=1)

    sent = MeetingRequestFactory(
        mission=mission,
        company=alpha,
        partner=biowin,
        state=RequestState.SENT,
        sent_at=timezone.now(),
    )
    company_meeting = PastMeetingFactory(
        request=MeetingRequestFactory(
            mission=mission, company=alpha, partner=biopark, state=RequestState.ACCEPTED
        )
    )
    beta = CompanyFactory(legal_name="Beta Biotech SARL")
    partner_meeting = PastMeetingFactory(
        request=MeetingRequestFactory(
            mission=mission, company=beta, partner=biowin, state=RequestState.ACCEPTED
        )
    )
    link = link_issue(mission=mission, partner=biowin)
    lead = LeadFactory(mission=mission, company=alpha, partner=biopark, title="Vaccines")

    LeadReminder.objects.create(
        mission=mission,
        company=alpha,
        milestone_days=30,
        token_hash=hashlib.sha256(REMINDER_TOKEN.encode()).hexdigest(),
        sent_at=timezone.now() - dt.timedelta(days=1),
    )
    LoginLink.objects.create(
        user=representative,
        token_hash=LoginLink.hash_token(LOGIN_TOKEN),
        expires_at=timezone.now() + dt.timedelta(minutes=30),
    )
    colleague = RepresentativeClaimFactory(
        company=alpha, status=ClaimStatus.PENDING, email_verified_at=timezone.now()
    )
    unverified = RepresentativeClaimFactory(company=alpha, status=ClaimStatus.UNVERIFIED)
    # A contact's address was used on the public form: what was sent waits for review.
    held = HeldApplication.objects.create(
        claim=RepresentativeClaimFactory(
            company=alpha,
            status=ClaimStatus.APPROVED,
            email_verified_at=timezone.now(),
            decided_at=timezone.now(),
        ),
        mission=mission,
        objectives=["export"],
        consent_text_version="v1",
        consent_at=timezone.now(),
    )
    feed = calendar_feed_for_company(company=alpha)
    report = ReportFactory(mission=mission, done=True)

    staff = UserFactory(username="charge-world", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="reports", codename__in=["view_report", "add_report"]
        )
    )
    mission.team.add(staff)  # a chargé de mission sees the reports of their team's missions
    return SimpleNamespace(
        mission=mission,
        biowin=biowin,
        biopark=biopark,
        alpha=alpha,
        contact=contact,
        representative=representative,
        application=application,
        sent_request=sent,
        company_meeting=company_meeting,
        partner_meeting=partner_meeting,
        link=link,
        lead=lead,
        colleague=colleague,
        held=held,
        claim_token=claim_decision_token(claim=colleague, approver=contact),
        verify_token=signing.dumps(
            {"claim": unverified.pk, "email": unverified.email}, salt=EMAIL_VERIFICATION_SALT
        ),
        feed=feed,
        report=report,
        staff=staff,
    )


@dataclass(frozen=True)
class Endpoint:
    """One address: who opens it, its arguments, and for a POST view a form that reaches it.

    ``text_fields``: the fields a person types free text in, which a refused form must show
    again as typed. ``token``: the argument that is a token (a tampered one must be refused).
    """

    name: str
    who: str
    args: Callable[[SimpleNamespace], list] = lambda w: []
    post: Callable[[SimpleNamespace], dict] | None = None
    text_fields: tuple[str, ...] = ()
    token: bool = False
    query: dict[str, str] = field(default_factory=dict)
    # What makes the form refused whatever else it holds (a choice it cannot be).
    refuse: Callable[[SimpleNamespace], dict] | None = None


def _lead_data(w, **values) -> dict:
    data = {
        "stage": "contact",
        "next_action": "Send the samples",
        "due_on": "",
        "dropped_reason": "",
        "agreement_kind": "",
        "agreement_value": "",
        "currency": "",
        "signed_on": "",
        "note": "",
        **values,
    }
    return {f"lead{w.lead.pk}-{name}": value for name, value in data.items()}


def _outcome_data(meeting, **values) -> dict:
    data = {"attendance": "held", "interest": "high", "next_step": "", **values}
    return {f"meeting{meeting.pk}-{name}": value for name, value in data.items()}


def _interest_data(w) -> dict:
    return {
        "legal_name": "Gamma Cosmetics SARL",
        "tax_id": "7654321B/A/M/000",
        "governorate": "sfax",
        "city": "Sfax",
        "sectors": [str(w.alpha.sectors.get().pk)],
        "size": "small",
        "website": "gamma.example",
        "description": "Cosmetics",
        "first_name": "Sami",
        "last_name": "Trabelsi",
        "role": "CEO",
        "email": "sami@gamma.example",
        "phone": "+216 74 000 000",
        "objectives": ["export"],
        "motivation": "New markets",
        "consent": "on",
    }


_PROFILE_TEXT = ("legal_name", "city", "website", "description")
_LEAD_TEXT = tuple(f"lead{{pk}}-{name}" for name in ("next_action", "dropped_reason", "note"))

ENDPOINTS: dict[str, Endpoint] = {
    endpoint.name: endpoint
    for endpoint in [
        # --- the site ---
        Endpoint("health", ANONYMOUS),
        Endpoint("after_login", REPRESENTATIVE),
        Endpoint(
            "set_language",
            ANONYMOUS,
            post=lambda w: {"language": "en", "next": "/"},
        ),
        # --- public pages ---
        Endpoint("portal:list", ANONYMOUS, query={"page": "2"}),
        Endpoint("portal:privacy", ANONYMOUS),
        Endpoint(
            "portal:verify_email",
            ANONYMOUS,
            args=lambda w: [w.verify_token],
            post=lambda w: {},
            token=True,
        ),
        Endpoint("portal:detail", ANONYMOUS, args=lambda w: [w.mission.slug]),
        Endpoint(
            "portal:interest",
            ANONYMOUS,
            args=lambda w: [w.mission.slug],
            post=_interest_data,
            refuse=lambda w: {"governorate": "atlantis"},
            text_fields=(
                "legal_name",
                "tax_id",
                "city",
                "description",
                "first_name",
                "last_name",
                "role",
                "email",
                "phone",
                "motivation",
            ),
        ),
        Endpoint("portal:interest_done", ANONYMOUS, args=lambda w: [w.mission.slug]),
        # --- company space: logging in ---
        Endpoint(
            "space:login",
            ANONYMOUS,
            post=lambda w: {"email": "someone@example.com"},
            refuse=lambda w: {"email": "not an address"},
            text_fields=("email",),
        ),
        Endpoint("space:login_sent", ANONYMOUS),
        Endpoint(
            "space:login_confirm",
            ANONYMOUS,
            args=lambda w: [LOGIN_TOKEN],
            post=lambda w: {},
            token=True,
        ),
        Endpoint("space:logout", REPRESENTATIVE, post=lambda w: {}),
        # --- company space ---
        Endpoint("space:home", REPRESENTATIVE),
        Endpoint(
            "space:profile",
            REPRESENTATIVE,
            post=lambda w: {
                "legal_name": "Alpha Pharma SA",
                "governorate": "tunis",
                "city": "Tunis",
                "size": "medium",
                "website": "",
                "description": "",
            },
            text_fields=_PROFILE_TEXT,
            refuse=lambda w: {"governorate": "atlantis"},
        ),
        Endpoint("space:application_detail", REPRESENTATIVE, args=lambda w: [w.application.pk]),
        Endpoint(
            "space:wishes_edit",
            REPRESENTATIVE,
            args=lambda w: [w.application.pk],
            post=lambda w: {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-partner": str(w.biowin.pk),
                "form-0-priority": "1",
                "form-0-motivation": "Vaccines",
            },
            text_fields=("form-0-motivation",),
            refuse=lambda w: {"form-0-priority": "9"},
        ),
        Endpoint(
            "space:withdraw",
            REPRESENTATIVE,
            args=lambda w: [w.application.pk],
            post=lambda w: {},  # without the box ticked: refused, nothing changes
        ),
        Endpoint(
            "space:application_edit",
            REPRESENTATIVE,
            args=lambda w: [w.application.pk],
            post=lambda w: {"objectives": ["export"], "motivation": "More", "consent": "on"},
            text_fields=("motivation",),
            refuse=lambda w: {"objectives": ["nonsense"]},
        ),
        Endpoint(
            "space:contact_details",
            REPRESENTATIVE,
            post=lambda w: {
                "first_name": "Amira",
                "last_name": "Ben Salah",
                "role": "",
                "phone": "+216 71 234 567",
                "language": "fr",
            },
            text_fields=("first_name", "last_name", "role", "phone"),
            refuse=lambda w: {"language": "xx"},
        ),
        Endpoint(
            "space:claim_decide_in_space",
            REPRESENTATIVE,
            args=lambda w: [w.colleague.pk],
            post=lambda w: {"decision": "maybe"},  # not a decision: refused
        ),
        Endpoint(
            "space:held_review",
            REPRESENTATIVE,
            args=lambda w: [w.held.pk],
            post=lambda w: {"decision": "maybe"},  # not a decision: refused
        ),
        Endpoint(
            "space:claim_decide",
            ANONYMOUS,
            args=lambda w: [w.claim_token],
            post=lambda w: {"decision": "maybe"},
            token=True,
        ),
        Endpoint("space:agenda", REPRESENTATIVE),
        Endpoint("space:calendar_feed", REPRESENTATIVE, post=lambda w: {"action": "get"}),
        Endpoint("space:agenda_pdf", REPRESENTATIVE, args=lambda w: [w.mission.slug]),
        Endpoint("space:leads", REPRESENTATIVE),
        Endpoint(
            "space:lead_update",
            REPRESENTATIVE,
            args=lambda w: [w.lead.pk],
            post=_lead_data,
            text_fields=_LEAD_TEXT,
            refuse=lambda w: _lead_data(w, stage="nonsense"),
        ),
        Endpoint(
            "space:outcome",
            REPRESENTATIVE,
            args=lambda w: [w.company_meeting.pk],
            post=lambda w: _outcome_data(w.company_meeting),
            text_fields=("meeting{pk}-next_step",),
            refuse=lambda w: _outcome_data(w.company_meeting, attendance="maybe"),
        ),
        Endpoint(
            "space:lead_reminder",
            ANONYMOUS,
            args=lambda w: [REMINDER_TOKEN],
            post=_lead_data,
            text_fields=_LEAD_TEXT,
            refuse=lambda w: _lead_data(w, stage="nonsense"),
            token=True,
        ),
        # --- a partner's pages, behind its signed link ---
        Endpoint("partner:home", ANONYMOUS, args=lambda w: [w.link.token], token=True),
        Endpoint(
            "partner:answer",
            ANONYMOUS,
            args=lambda w: [w.link.token, w.sent_request.pk],
            post=lambda w: {
                f"r{w.sent_request.pk}-decision": "accept",
                f"r{w.sent_request.pk}-partner_attendees": "Dr Anne Dupont",
                f"r{w.sent_request.pk}-partner_note": "",
            },
            text_fields=("r{pk}-partner_attendees", "r{pk}-partner_note"),
            refuse=lambda w: {f"r{w.sent_request.pk}-decision": "maybe"},
            token=True,
        ),
        Endpoint(
            "partner:availability",
            ANONYMOUS,
            args=lambda w: [w.link.token],
            post=lambda w: {
                f"d{w.mission.starts_on:%Y%m%d}_available": "on",
                f"d{w.mission.starts_on:%Y%m%d}_from": "09:00",
                f"d{w.mission.starts_on:%Y%m%d}_to": "17:00",
            },
            token=True,
        ),
        Endpoint("partner:agenda", ANONYMOUS, args=lambda w: [w.link.token], token=True),
        Endpoint("partner:agenda_pdf", ANONYMOUS, args=lambda w: [w.link.token], token=True),
        Endpoint("partner:outcomes", ANONYMOUS, args=lambda w: [w.link.token], token=True),
        Endpoint(
            "partner:outcome",
            ANONYMOUS,
            args=lambda w: [w.link.token, w.partner_meeting.pk],
            post=lambda w: _outcome_data(w.partner_meeting),
            text_fields=("meeting{pk}-next_step",),
            refuse=lambda w: _outcome_data(w.partner_meeting, attendance="maybe"),
            token=True,
        ),
        Endpoint(
            "partner:calendar_feed",
            ANONYMOUS,
            args=lambda w: [w.link.token],
            post=lambda w: {"action": "get"},
            token=True,
        ),
        # --- calendar feeds ---
        Endpoint(
            "feeds:calendar",
            ANONYMOUS,
            args=lambda w: [w.feed.token],
            token=True,
            query={"lang": "en"},
        ),
        # --- the managers' reports page ---
        Endpoint("reports:index", STAFF, query={"page": "1"}),
        Endpoint(
            "reports:generate",
            STAFF,
            args=lambda w: [w.mission.slug],
            post=lambda w: {"kind": "nonsense", "language": "fr"},  # refused: nothing queued
        ),
        Endpoint("reports:state", STAFF, args=lambda w: [w.report.pk]),
        Endpoint("reports:download", STAFF, args=lambda w: [w.report.pk]),
    ]
}

# Views that take a POST with no rate limit, and why it is safe.
UNLIMITED_POSTS = {
    # Django's own: sets the language cookie and redirects; stores nothing.
    "set_language",
    # Ends the caller's own session; stores nothing.
    "space:logout",
}


def public_url_names() -> set[str]:
    """Every named URL of the URL conf but the admin's."""
    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def field_name(name: str, world: SimpleNamespace, endpoint: Endpoint) -> str:
    """A text field's name with the row's id in it (``lead{pk}-note`` → ``lead7-note``)."""
    if "{pk}" not in name:
        return name
    prefix = name.split("{pk}")[0]
    pk = {
        "lead": world.lead.pk,
        "meeting": (
            world.company_meeting.pk
            if endpoint.name == "space:outcome"
            else world.partner_meeting.pk
        ),
        "r": world.sent_request.pk,
    }[prefix]
    return name.format(pk=pk)
