"""Every page of the admin opens, and the account admin shows what staff need (and no more).

The smoke tests walk ``admin.site._registry``: a model registered tomorrow is covered
without touching this file. ``world`` builds one linked object of every model of the portal,
with its children, so that change pages render their inlines too.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cepex_portal.models import LoginLink, OutboxJob, User
from matchmaking.enums import RequestState, RunState
from matchmaking.models import (
    CalendarFeed,
    MeetingGrid,
    MeetingNotification,
    PartnerAvailability,
    ScheduleRun,
)
from matchmaking.services.links import link_issue
from missions.enums import Objective
from missions.models import ApplicationObjective, HeldApplication
from partners.enums import ClaimStatus, KeyFigureKind
from partners.models import Certification, CompanyRevision, KeyFigure
from privacy.models import Erasure
from reports.enums import Attendance, OutcomeSide, ReportKind
from reports.models import Lead, LeadReminder, MeetingOutcome, Report
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingFactory,
    MeetingRequestFactory,
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
from tests.queries import page_queries

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
PORTAL_APPS = {"cepex_portal", "partners", "missions", "matchmaking", "privacy", "reports", "axes"}
# What managers read; the plumbing, erasures and access attempts are the superuser's
# (docs/security.md; the permission matrix asserts their 403).
MANAGERS_READ = {"partners", "missions", "matchmaking", "reports"}
MANAGER_PAGES = [(m, a) for m, a in REGISTERED if m._meta.app_label in MANAGERS_READ]


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def build_world(n: int = 0) -> dict:
    """One object of every model, linked as in real life; ``n`` keeps unique fields apart."""
    sector = SectorFactory(slug=f"pharma-test-{n}")
    certification = Certification.objects.create(code=f"gmp-test-{n}", name=f"GMP {n}")
    company = CompanyFactory(legal_name=f"Alpha Pharma {n} SA", export_markets=["BE", "SN"])
    company.sectors.add(sector)
    company.certifications.add(certification)
    partner = PartnerOrganisationFactory(name=f"BioWin {n}", short_name=f"BioWin {n}")
    partner.sectors.add(sector)
    KeyFigure.objects.create(organisation=partner, kind=KeyFigureKind.COMPANIES, value=164)
    ContactFactory(company=None, organisation=partner, email=f"host{n}@biowin.example")
    user = UserFactory(username=f"rep-alpha-{n}", company=company)
    CompanyRevision.objects.create(
        company=company, changed_by=user, changes={"city": ["", "Tunis"]}
    )
    LoginLink.objects.create(
        user=user,
        token_hash=LoginLink.hash_token(f"a-token-{n}"),
        expires_at=timezone.now() + dt.timedelta(minutes=30),
    )
    Group.objects.create(name=f"Managers {n}")
    OutboxJob.objects.create(
        task_name="cepex_portal.purge_login_links", last_error="OperationalError: refused"
    )
    Erasure.objects.create(contact_id=987654, reason="request", scrubbed={"accounts": 1})
    mission = MissionFactory(title=f"Wallonie {n}")
    mission.sectors.add(sector)
    venue = VenueFactory(name=f"BioPark {n}", city="Charleroi")
    TravelTimeFactory(from_venue=venue, to_venue=VenueFactory(name=f"HQ {n}", city="Gosselies"))
    MissionPartnerFactory(mission=mission, organisation=partner, is_host=True)
    ProgrammeItemFactory(mission=mission, venue=venue, host=partner)
    application = ApplicationFactory(mission=mission, company=company)
    application.brochure.save("alpha.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    ApplicationObjective.objects.create(application=application, objective=Objective.LICENSING)
    WishedPartnerFactory(application=application, partner=partner)
    claim = RepresentativeClaimFactory(
        company=company, status=ClaimStatus.PENDING, email_verified_at=timezone.now()
    )
    HeldApplication.objects.create(
        claim=claim,
        mission=mission,
        objectives=["export"],
        wishes=[[partner.pk, 1, "Vaccines"]],
        consent_text_version="v1",
        consent_at=timezone.now(),
    )
    meeting_request = MeetingRequestFactory(
        mission=mission,
        company=company,
        partner=partner,
        state=RequestState.SENT,
        sent_at=timezone.now(),
        motivation="Vaccines",
    )
    link = link_issue(mission=mission, partner=partner)
    PartnerAvailability.objects.create(
        mission=mission, partner=partner, day=mission.starts_on, is_available=False
    )
    MeetingGrid.objects.create(mission=mission, meeting_venue=venue)
    meeting = MeetingFactory(request=meeting_request, venue=venue)
    MeetingNotification.objects.create(
        meeting=meeting,
        sequence=0,
        recipient=f"contact{n}@alpha.example",
        side="company",
        change="confirmed",
        language="fr",
        sent_at=timezone.now(),
    )
    CalendarFeed.objects.create(company=company)
    CalendarFeed.objects.create(partner_link=link)
    ScheduleRun.objects.create(
        mission=mission, state=RunState.DONE, result={"meetings": [], "unscheduled": []}
    )
    MeetingOutcome.objects.create(
        meeting=meeting, side=OutcomeSide.COMPANY, attendance=Attendance.HELD
    )
    Lead.objects.create(
        mission=mission,
        company=company,
        partner=partner,
        meeting=meeting,
        title=f"Licence of the vaccine {n}",
        owner=UserFactory(username=f"owner-{n}", is_staff=True),
        next_action="Send the samples",
        due_on=timezone.localdate(),
    )
    LeadReminder.objects.create(
        mission=mission,
        company=company,
        milestone_days=30,
        token_hash=LoginLink.hash_token(f"a-reminder-{n}"),
    )
    Report.objects.create(kind=ReportKind.DOSSIER, mission=mission, language="fr")
    AccessAttempt.objects.create(
        username=f"intruder-{n}",
        ip_address="203.0.113.9",
        user_agent="curl",
        http_accept="*/*",
        path_info="/admin/login/",
        failures_since_start=3,
    )
    return {"company": company, "mission": mission, "application": application}


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_admin_pages_any_model_superuser_gets_200(client, superuser, world, model, model_admin):
    client.force_login(superuser)

    assert client.get(_admin_url(model, "changelist")).status_code == 200
    if model_admin.has_add_permission(_request_of(superuser)):
        assert client.get(_admin_url(model, "add")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.fail(f"world must build one {model._meta.label}")
    assert client.get(_admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    ("model", "model_admin"),
    MANAGER_PAGES,
    ids=[m._meta.label for m, _ in MANAGER_PAGES],
)
def test_admin_pages_any_model_manager_views_without_editing(
    client, manager, world, model, model_admin
):
    client.force_login(manager)
    obj = model._default_manager.order_by("pk").first()

    changelist = client.get(_admin_url(model, "changelist"))
    change = client.get(_admin_url(model, "change", obj.pk))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(_admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_admin_changelist_any_model_queries_same_for_one_and_many_rows(
    client, superuser, model, model_admin
):
    build_world(0)
    client.force_login(superuser)
    url = _admin_url(model, "changelist")

    def count() -> int:
        return page_queries(client, url)

    one = count()
    for n in range(1, 5):
        build_world(n)
    assert model._default_manager.count() > 1 or model._meta.app_label not in PORTAL_APPS

    assert count() == one


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# --- Users -----------------------------------------------------------------------------------


def test_user_changelist_shows_company_and_language(client, superuser, company_a):
    UserFactory(username="rep-x", company=company_a, language="ar")
    client.force_login(superuser)

    response = client.get(_admin_url(User, "changelist"))

    content = response.content.decode()
    assert "Alpha Pharma SA" in content
    assert {"company", "language"} <= set(response.context["cl"].list_display)


def test_user_add_with_company_and_language_creates_the_representative(
    client, superuser, company_a
):
    client.force_login(superuser)

    response = client.post(
        _admin_url(User, "add"),
        {
            "username": "rep-new",
            "email": "rep-new@alpha.example",
            "company": company_a.pk,
            "language": "en",
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="rep-new")
    assert (user.company, user.language, user.has_usable_password()) == (company_a, "en", False)


# --- Login links -----------------------------------------------------------------------------


def test_login_link_changelist_never_shows_the_token_hash(client, superuser):
    link = LoginLink.objects.create(
        user=superuser,
        token_hash=LoginLink.hash_token("secret-token"),
        expires_at=timezone.now() + dt.timedelta(minutes=30),
    )
    client.force_login(superuser)

    listing = client.get(_admin_url(LoginLink, "changelist"))
    change = client.get(_admin_url(LoginLink, "change", link.pk))

    assert link.token_hash not in listing.content.decode()
    assert link.token_hash not in change.content.decode()
    assert 'name="_save"' not in change.content.decode()


def test_login_link_add_refused(client, superuser):
    client.force_login(superuser)

    response = client.get(_admin_url(LoginLink, "add"))

    assert response.status_code == 403


def test_login_link_state_filter_usable_lists_only_usable_links(client, superuser):
    usable = LoginLink.objects.create(
        user=superuser,
        token_hash=LoginLink.hash_token("fresh"),
        expires_at=timezone.now() + dt.timedelta(minutes=30),
    )
    LoginLink.objects.create(
        user=superuser,
        token_hash=LoginLink.hash_token("used"),
        expires_at=timezone.now() + dt.timedelta(minutes=30),
        used_at=timezone.now(),
    )
    client.force_login(superuser)

    response = client.get(_admin_url(LoginLink, "changelist"), {"state": "usable"})

    assert list(response.context["cl"].result_list) == [usable]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, '<html lang="fr" dir="ltr">'), ("ar", '<html lang="ar" dir="rtl">')],
)
def test_admin_speaks_the_staff_language_and_names_the_portal(client, staff, language, expected):
    client.force_login(staff)
    if language:
        client.post(reverse("set_language"), {"language": language, "next": "/admin/"})

    page = client.get(reverse("admin:index")).content.decode()

    assert expected in page  # French by default; the switch applies to the admin too
    assert "Django" not in page.split("<body")[1].split('id="site-name"')[1][:200]
    assert 'class="admin-language-switch"' in page


def test_user_change_company_on_a_staff_account_refused_with_the_reason(
    client, superuser, company_a
):
    charge = UserFactory(username="charge-x", email="charge-x@cepex.example", is_staff=True)
    client.force_login(superuser)
    client.cookies["django_language"] = "en"

    response = client.post(
        _admin_url(User, "change", charge.pk),
        {
            "username": "charge-x",
            "email": "charge-x@cepex.example",
            "is_active": "on",
            "is_staff": "on",
            "company": company_a.pk,
            "language": "fr",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "A company representative cannot be staff or a superuser: they log in with a link sent "
        "by e-mail. Give staff an account of their own."
    ]
    charge.refresh_from_db()
    assert charge.company is None
