"""Every URL of the project, for every role, against the permission matrix.

The URLs come from the URL conf itself (``get_resolver().url_patterns``, walked into every
include: the admin's, i18n's, the portal's), so a view added tomorrow without a rule in
``permission_matrix.py`` fails ``test_every_url_has_a_rule``; and one rule left for a view
that is gone fails ``test_every_rule_has_a_url``.

Each (URL, role) pair is then opened with the objects of one world, built once for the
module and rolled back at its end (each test runs in its own savepoint on top of it):

- mission M, open for applications, on whose team the chargé ``staff`` is; mission N, the
  ``other_staff``'s;
- company A (``rep``) with its application to M, its brochure, wishes, a meeting with
  partner P that has ended, its outcome, its lead, a reminder, a colleague's claim; company
  B (``other_rep``), with nothing on M;
- partner P on M, with its signed link (``partner``), availability, calendar addresses;
- M's meeting grid, programme, an auto-scheduling run, a PDF report; and one row of every
  other model registered in the admin.

Every model's admin pages use that model's row of mission M (or its only row), so the
chargé off M's team meets the rows of a mission that is not theirs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from cepex_portal.models import LoginLink, OutboxJob
from matchmaking.enums import RequestState, RunState
from matchmaking.models import (
    CalendarFeed,
    MeetingGrid,
    MeetingNotification,
    PartnerAvailability,
    ScheduleRun,
)
from matchmaking.services.links import link_issue
from missions.emails import EMAIL_VERIFICATION_SALT
from missions.enums import ApplicationStatus, Objective
from missions.models import ApplicationObjective, HeldApplication
from partners.enums import ClaimStatus, KeyFigureKind
from partners.models import Certification, CompanyRevision, KeyFigure
from partners.services import claim_decision_token
from portal.services import AGENCY_STAFF_GROUP, MANAGERS_GROUP, roles_ensure
from privacy.models import Erasure
from reports.models import LeadReminder, MeetingOutcome
from tests.cepex_portal.permission_matrix import (
    ADMIN_MODELS,
    POSTED,
    ROLES,
    Expected,
    Redirect,
    markdown,
    matrix,
)
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    RepresentativeClaimFactory,
    SectorFactory,
    TravelTimeFactory,
    UserFactory,
    VenueFactory,
    WishedPartnerFactory,
)
from tests.reports.factories_followup import LeadFactory, PastMeetingFactory
from tests.reports.factories_pdfreports import ReportFactory

MATRIX = matrix()
# "missions_application" (in the admin's URL names) → "missions.application".
ADMIN_LABELS = {label.replace(".", "_"): label for label in ADMIN_MODELS}


def _url_keys(patterns=None, prefix: str = "", namespace: str = "") -> list[str]:
    """Every URL of the URL conf: ``namespace:name``, or its route when it has no name."""
    keys = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            keys += _url_keys(pattern.url_patterns, route, inner)
        else:
            keys.append(f"{namespace}{pattern.name}" if pattern.name else route)
    return keys


URL_KEYS = _url_keys()


def test_every_url_has_a_rule():
    missing = [key for key in URL_KEYS if key not in MATRIX]

    assert missing == [], (
        "These URLs have no rule in tests/cepex_portal/permission_matrix.py (and "
        f"docs/security.md): {missing}. Say what every role gets on them."
    )


def test_every_rule_has_a_url():
    assert sorted(set(MATRIX) - set(URL_KEYS)) == []


def test_every_rule_names_every_role():
    assert {key: sorted(rule) for key, rule in MATRIX.items() if set(rule) != set(ROLES)} == {}


def test_every_registered_admin_is_in_the_matrix():
    # The admin's URLs say it too; this names the model when one is missing.
    assert sorted(m._meta.label_lower for m in admin.site._registry) == sorted(ADMIN_MODELS)


def test_security_page_shows_the_matrix():
    page = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()

    assert markdown() in page, (
        "docs/security.md does not show the matrix of tests/cepex_portal/permission_matrix.py: "
        "print it (python -m tests.cepex_portal.permission_matrix) and paste it there."
    )


# --- The world ---------------------------------------------------------------------------------

MADE_UP_SIGNED = "eyJpZCI6MX0:1abcde:not-a-signature"
MADE_UP_SECRET = "made-up-token-of-nobody-000000000000000000"


def _build_world() -> dict:
    groups = roles_ensure()
    now = timezone.now()

    def agency(username: str, group: str):
        user = UserFactory(username=username, is_staff=True)
        user.groups.add(groups[group])
        return user

    users = {
        "staff": agency("charge-m", AGENCY_STAFF_GROUP),
        "other_staff": agency("charge-n", AGENCY_STAFF_GROUP),
        "manager": agency("manager", MANAGERS_GROUP),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    mission = MissionFactory(slug="mission-m", title="Mission M")
    other_mission = MissionFactory(slug="mission-n", title="Mission N")
    mission.team.add(users["staff"])
    other_mission.team.add(users["other_staff"])

    # Company A and its representative; company B and its own.
    sector = SectorFactory(slug="matrix-pharma")
    company = CompanyFactory(legal_name="Alpha Pharma SA")
    company.sectors.add(sector)
    contact = ContactFactory(
        company=company, email="rep@alpha.example", is_confirmed=True, email_verified_at=now
    )
    users["rep"] = UserFactory(username="rep-a", email="rep@alpha.example", company=company)
    other_company = CompanyFactory(legal_name="Beta Biotech SARL")
    ContactFactory(company=other_company, email="rep@beta.example", is_confirmed=True)
    users["other_rep"] = UserFactory(
        username="rep-b", email="rep@beta.example", company=other_company
    )
    CompanyRevision.objects.create(
        company=company, changed_by=users["rep"], changes={"city": ["", "Tunis"]}
    )
    Certification.objects.create(code="matrix-gmp", name="GMP")

    # Partner P on mission M, where it hosts; its venue and the programme.
    venue = VenueFactory(name="BioPark", city="Charleroi")
    travel = TravelTimeFactory(from_venue=venue, to_venue=VenueFactory(name="HQ", city="Gosselies"))
    partner = PartnerOrganisationFactory(name="BioWin", short_name="BioWin", venue=venue)
    KeyFigure.objects.create(organisation=partner, kind=KeyFigureKind.COMPANIES, value=164)
    ContactFactory(company=None, organisation=partner, email="host@biowin.example")
    MissionPartnerFactory(mission=mission, organisation=partner, is_host=True)
    ProgrammeItemFactory(mission=mission, venue=venue, host=partner)

    # A's application to M, with its brochure, objectives and wishes.
    application = ApplicationFactory(
        mission=mission, company=company, contact=contact, status=ApplicationStatus.ACCEPTED
    )
    application.brochure.save("alpha.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    ApplicationObjective.objects.create(application=application, objective=Objective.LICENSING)
    WishedPartnerFactory(application=application, partner=partner)

    # Someone asks to speak for A too: their claim, held application and links.
    claim = RepresentativeClaimFactory(
        company=company, status=ClaimStatus.PENDING, email_verified_at=now
    )
    HeldApplication.objects.create(
        claim=claim,
        mission=mission,
        objectives=["export"],
        consent_text_version="v1",
        consent_at=now,
    )
    # An address of A's was used on the public form and confirmed: held for A's review.
    held_to_review = HeldApplication.objects.create(
        claim=RepresentativeClaimFactory(
            company=company, status=ClaimStatus.APPROVED, email_verified_at=now, decided_at=now
        ),
        mission=mission,
        objectives=["export"],
        consent_text_version="v1",
        consent_at=now,
    )

    # Matchmaking: the request A ↔ P (sent), P's link, a meeting that has ended.
    link = link_issue(mission=mission, partner=partner)
    meeting = PastMeetingFactory(
        request__mission=mission,
        request__company=company,
        request__partner=partner,
        request__state=RequestState.ACCEPTED,
        request__sent_at=now - dt.timedelta(days=3),
        venue=venue,
    )
    PartnerAvailability.objects.create(
        mission=mission, partner=partner, day=mission.starts_on, is_available=False
    )
    MeetingGrid.objects.create(mission=mission, meeting_venue=venue)
    MeetingNotification.objects.create(
        meeting=meeting,
        sequence=0,
        recipient="rep@alpha.example",
        side="company",
        change="confirmed",
        language="fr",
        sent_at=now,
    )
    company_feed = CalendarFeed.objects.create(company=company)
    partner_feed = CalendarFeed.objects.create(partner_link=link)
    run = ScheduleRun.objects.create(
        mission=mission, state=RunState.DONE, result={"meetings": [], "unscheduled": []}
    )

    # Follow-up: the company's outcome, the lead, a reminder sent with its one-time link.
    outcome = MeetingOutcome.objects.create(
        meeting=meeting, side="company", attendance="held", interest="high"
    )
    lead = LeadFactory(mission=mission, company=company, partner=partner, meeting=meeting)
    reminder_token = "matrix-reminder-token"
    reminder = LeadReminder.objects.create(
        mission=mission,
        company=company,
        milestone_days=30,
        token_hash=LoginLink.hash_token(reminder_token),  # the same SHA-256
        sent_at=now,
    )
    report = ReportFactory(mission=mission, done=True)

    # The representative's one-time login link.
    login_token = "matrix-login-token"
    login_link = LoginLink.objects.create(
        user=users["rep"],
        token_hash=LoginLink.hash_token(login_token),
        expires_at=now + dt.timedelta(minutes=30),
    )

    # The row each model's admin pages open: M's (or the only one).
    objects = {
        "auth.group": Group.objects.get(name=AGENCY_STAFF_GROUP),
        "cepex_portal.user": users["rep"],
        "cepex_portal.loginlink": login_link,
        "cepex_portal.outboxjob": OutboxJob.objects.create(task_name="reports.watchdog"),
        "privacy.erasure": Erasure.objects.create(contact_id=987654, reason="request"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="someone", ip_address="192.0.2.1", failures_since_start=3
        ),
        "partners.sector": sector,
        "partners.certification": Certification.objects.get(code="matrix-gmp"),
        "partners.company": company,
        "partners.companyrevision": CompanyRevision.objects.get(company=company),
        "partners.partnerorganisation": partner,
        "partners.keyfigure": KeyFigure.objects.get(organisation=partner),
        "partners.venue": venue,
        "partners.traveltime": travel,
        "partners.contact": contact,
        "partners.representativeclaim": claim,
        "missions.mission": mission,
        "missions.programmeitem": mission.programme_items.get(),
        "missions.missionpartner": mission.mission_partners.get(),
        "missions.application": application,
        "missions.applicationobjective": application.objectives.get(),
        "missions.wishedpartner": application.wishes.get(),
        "missions.heldapplication": claim.held_applications.get(),
        "matchmaking.meetinggrid": mission.meeting_grid,
        "matchmaking.meetingrequest": meeting.request,
        "matchmaking.partnerlink": link,
        "matchmaking.partneravailability": PartnerAvailability.objects.get(mission=mission),
        "matchmaking.meeting": meeting,
        "matchmaking.schedulerun": run,
        "matchmaking.calendarfeed": partner_feed,
        "matchmaking.meetingnotification": MeetingNotification.objects.get(meeting=meeting),
        "reports.meetingoutcome": outcome,
        "reports.lead": lead,
        "reports.leadreminder": reminder,
        "reports.report": report,
    }
    return {
        "users": users,
        "mission": mission,
        "application": application,
        "claim": claim,
        "held_to_review": held_to_review,
        "contact": contact,
        "meeting": meeting,
        "lead": lead,
        "run": run,
        "report": report,
        "objects": objects,
        "tokens": {
            "partner": link.token,
            "company_feed": company_feed.token,
            "partner_feed": partner_feed.token,
            "login": login_token,
            "reminder": reminder_token,
            "claim_decision": claim_decision_token(claim=claim, approver=contact),
            "verify_email": signing.dumps(
                {"claim": claim.pk, "email": claim.email}, salt=EMAIL_VERIFICATION_SALT
            ),
        },
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once; everything the module wrote is rolled back at its end."""
    media = tmp_path_factory.mktemp("matrix-media")
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build_world()
            built["media"] = media
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _private_media(request, settings, tmp_path):
    """The world's files stay where it saved them (tests/conftest.py gives each test its own
    folder otherwise)."""
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world")["media"]
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


# --- Addresses ---------------------------------------------------------------------------------


def _holds(role: str, holder: str, token: str, made_up: str) -> str:
    return token if role == holder else made_up


def _kwargs(key: str, role: str, world: dict) -> dict:
    """The arguments of ``key``'s address, for ``role`` (who holds which token)."""
    tokens = world["tokens"]
    contact_pk = world["objects"]["partners.contact"].pk
    company_pk = world["objects"]["partners.company"].pk
    partner_token = _holds(role, "partner", tokens["partner"], MADE_UP_SIGNED)
    mission, application = world["mission"], world["application"]
    by_key = {
        "portal:detail": {"slug": mission.slug},
        "portal:interest": {"slug": mission.slug},
        "portal:interest_done": {"slug": mission.slug},
        "portal:verify_email": {
            "token": _holds(role, "rep", tokens["verify_email"], MADE_UP_SIGNED)
        },
        "space:login_confirm": {"token": _holds(role, "rep", tokens["login"], MADE_UP_SECRET)},
        "space:application_detail": {"pk": application.pk},
        "space:wishes_edit": {"pk": application.pk},
        "space:withdraw": {"pk": application.pk},
        "space:application_edit": {"pk": application.pk},
        "space:claim_decide_in_space": {"pk": world["claim"].pk},
        "space:held_review": {"pk": world["held_to_review"].pk},
        "space:claim_decide": {
            "token": _holds(role, "rep", tokens["claim_decision"], MADE_UP_SIGNED)
        },
        "space:agenda_pdf": {"slug": mission.slug},
        "space:lead_update": {"pk": world["lead"].pk},
        "space:outcome": {"pk": world["meeting"].pk},
        "space:lead_reminder": {"token": _holds(role, "rep", tokens["reminder"], MADE_UP_SECRET)},
        "partner:answer": {"token": partner_token, "pk": world["meeting"].request_id},
        "partner:outcome": {"token": partner_token, "pk": world["meeting"].pk},
        "feeds:calendar": {
            "token": {"rep": tokens["company_feed"], "partner": tokens["partner_feed"]}.get(
                role, MADE_UP_SIGNED
            )
        },
        "reports:generate": {"slug": mission.slug},
        "reports:state": {"pk": world["report"].pk},
        "reports:download": {"pk": world["report"].pk},
        "admin:app_list": {"app_label": "missions"},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(mission).pk,
            "object_id": mission.pk,
        },
        "admin:auth_user_password_change": {"id": world["users"]["rep"].pk},
        "admin:missions_application_decide": {
            "object_id": application.pk,
            "status": ApplicationStatus.REJECTED,
        },
        "admin:missions_application_brochure": {"object_id": application.pk},
        "admin:privacy_erasure_export_contact": {"pk": contact_pk, "fmt": "zip"},
        "admin:privacy_erasure_export_company": {"pk": company_pk, "fmt": "json"},
        "admin:privacy_erasure_erase": {"pk": contact_pk},
        "admin:matchmaking_meeting_grid": {"mission_id": mission.pk},
        "admin:matchmaking_mission_suggestions": {"object_id": mission.pk},
        "admin:matchmaking_mission_suggestions_by_partner": {"object_id": mission.pk},
        "admin:matchmaking_schedulerun_start": {"mission_id": mission.pk},
        "admin:matchmaking_schedulerun_progress": {"object_id": world["run"].pk},
        "admin:matchmaking_schedulerun_apply": {"object_id": world["run"].pk},
        "admin:matchmaking_schedulerun_discard": {"object_id": world["run"].pk},
    }
    if key in by_key:
        return by_key[key]
    if key.startswith("partner:"):
        return {"token": partner_token}
    model_view = re.fullmatch(r"admin:(\w+)_(change|delete|history)", key)
    if model_view and model_view[1] in ADMIN_LABELS:
        return {"object_id": world["objects"][ADMIN_LABELS[model_view[1]]].pk}
    return {}


def _address(key: str, role: str, world: dict) -> str:
    if key == "admin/(?P<url>.*)$":
        return "/admin/nothing-here/"
    if key.startswith("admin/") and key.endswith("/<path:object_id>/"):
        label = ".".join(key.split("/")[1:3])
        return "/" + key.replace("<path:object_id>", str(world["objects"][label].pk))
    version = re.fullmatch(r"admin:(\w+)_simple_history", key)
    if version:  # the row's first version, by position as the library's URL takes it
        row = world["objects"][ADMIN_LABELS[version[1]]]
        return reverse(key, args=[row.pk, row.history.earliest().history_id])
    return reverse(key, kwargs=_kwargs(key, role, world))


# --- Every URL, every role ---------------------------------------------------------------------

CASES = [(key, role) for key in URL_KEYS if key in MATRIX for role in ROLES]


def _outcome(response) -> Expected:
    if response.status_code == 302:
        return Redirect(response["Location"])
    return response.status_code


def _matches(got: Expected, expected: Expected) -> bool:
    if isinstance(expected, Redirect):
        return isinstance(got, Redirect) and got.prefix.startswith(expected.prefix)
    return got == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{key}-{role}" for key, role in CASES])
def test_url_answers_each_role_as_the_matrix_says(key, role, world):
    client = Client()
    user = world["users"].get(role)
    if user is not None:
        client.force_login(user)
    address = _address(key, role, world)

    response = client.post(address) if key in POSTED else client.get(address)

    got, expected = _outcome(response), MATRIX[key][role]
    assert _matches(got, expected), f"{role} on {address}: got {got}, the matrix says {expected}"


# --- What the lists show -----------------------------------------------------------------------

SCOPED = sorted(label for label, facts in ADMIN_MODELS.items() if facts.scoped)


@pytest.mark.django_db
@pytest.mark.parametrize("label", SCOPED)
def test_admin_list_shows_a_mission_row_to_its_team_managers_and_superusers(label, world):
    row = world["objects"][label]
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")

    def listed(role: str) -> bool:
        client = Client()
        client.force_login(world["users"][role])
        return row in client.get(url).context["cl"].result_list

    assert {role: listed(role) for role in ("staff", "other_staff", "manager", "superuser")} == {
        "staff": True,
        "other_staff": False,
        "manager": True,
        "superuser": True,
    }
