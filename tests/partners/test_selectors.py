"""Company space selectors: one company's data, in a constant number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from cepex_portal.models import LoginLink
from partners.models import CompanyRevision
from partners.selectors import (
    company_revisions_recent,
    login_link_get_usable,
)

pytestmark = pytest.mark.django_db


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
