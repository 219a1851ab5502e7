"""Company space selectors: one company's data, in a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cepex_portal.models import LoginLink
from missions.enums import Objective
from missions.models import ApplicationObjective
from partners.models import CompanyRevision
from partners.selectors import (
    company_applications,
    company_revisions_recent,
    login_link_get_usable,
)
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    WishedPartnerFactory,
)

pytestmark = pytest.mark.django_db


def _application_with_relations(company, days: int):
    mission = MissionFactory(starts_on=timezone.localdate() + dt.timedelta(days=days))
    application = ApplicationFactory(mission=mission, company=company)
    ApplicationObjective.objects.create(application=application, objective=Objective.EXPORT)
    WishedPartnerFactory(application=application)
    return application


def _read_everything(applications) -> None:
    for application in applications:
        _ = application.mission.title
        _ = [o.objective for o in application.objectives.all()]
        _ = [w.partner.name for w in application.wishes.all()]


def test_company_applications_only_the_company_own(company_a, company_b):
    mine = _application_with_relations(company_a, days=40)
    _application_with_relations(company_b, days=40)

    assert list(company_applications(company=company_a)) == [mine]
    assert list(company_applications(company=company_a.pk)) == [mine]


def test_company_applications_latest_mission_first(company_a):
    soon = _application_with_relations(company_a, days=20)
    later = _application_with_relations(company_a, days=90)

    assert list(company_applications(company=company_a)) == [later, soon]


def test_company_applications_query_count_does_not_grow(company_a):
    _application_with_relations(company_a, days=30)
    with CaptureQueriesContext(connection) as one:
        _read_everything(company_applications(company=company_a))

    for days in range(31, 40):
        _application_with_relations(company_a, days=days)
    with CaptureQueriesContext(connection) as ten:
        applications = list(company_applications(company=company_a))
        _read_everything(applications)

    assert len(applications) == 10
    assert len(one) == len(ten) == 3


def test_company_revisions_recent_newest_first_and_limited(company_a, company_b):
    revisions = [
        CompanyRevision.objects.create(company=company_a, changes={"city": ["", str(n)]})
        for n in range(4)
    ]
    CompanyRevision.objects.create(company=company_b, changes={"city": ["", "Sfax"]})

    assert company_revisions_recent(company=company_a, limit=3) == revisions[::-1][:3]


def test_login_link_get_usable_only_unused_and_unexpired(company_a_user):
    now = timezone.now()

    def link(token, **kwargs):
        values = {"created_at": now, "expires_at": now + dt.timedelta(minutes=30), **kwargs}
        return LoginLink.objects.create(
            user=company_a_user, token_hash=LoginLink.hash_token(token), **values
        )

    fresh = link("fresh")
    link("used", used_at=now)
    link(
        "expired",
        created_at=now - dt.timedelta(hours=1),
        expires_at=now - dt.timedelta(minutes=1),
    )

    assert login_link_get_usable(token="fresh") == fresh
    assert login_link_get_usable(token="used") is None
    assert login_link_get_usable(token="expired") is None
    assert login_link_get_usable(token="unknown") is None
