"""Personas and shared fixtures.

Permission tests read like prose: ``staff`` (a chargé de mission), ``manager``, a
representative of company A and one of company B, and the anonymous visitor (``client``).
Staff and managers hold the real groups of ``portal.services.roles_ensure``; a chargé de
mission sees only the missions of their team, so a test puts ``staff`` on the team of the
missions it works on (``mission.team.add(staff)``), as a superuser would.
"""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from portal.services import AGENCY_STAFF_GROUP, MANAGERS_GROUP, roles_ensure
from tests.factories import CompanyFactory, ContactFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called outside a request (services, tasks) speaks English, so tests can assert
    its messages verbatim. Pages still pick their language per request (French by default),
    and tests of French or Arabic say so with the language cookie or translation.override.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_rate_limit_carry_over():
    """Rate-limit counters live in the cache; each test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


requires_postgres = pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL (row locks / exclusion constraints); CI runs it with DATABASE_URL",
)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(db):
    """A chargé de mission: staff in the agency staff group (every permission of the domain
    apps), on no mission's team until a test puts them on one."""
    user = UserFactory(username="charge", is_staff=True)
    user.groups.add(roles_ensure()[AGENCY_STAFF_GROUP])
    return user


@pytest.fixture
def manager(db):
    """A manager: staff in the managers' group, who see every mission, make reports and
    change nothing else."""
    user = UserFactory(username="manager", is_staff=True)
    user.groups.add(roles_ensure()[MANAGERS_GROUP])
    return user


@pytest.fixture
def company_a(db):
    return CompanyFactory(legal_name="Alpha Pharma SA")


@pytest.fixture
def company_b(db):
    return CompanyFactory(legal_name="Beta Biotech SARL")


@pytest.fixture
def company_a_user(company_a):
    ContactFactory(company=company_a, email="rep-a@alpha.example")
    return UserFactory(username="rep-a", email="rep-a@alpha.example", company=company_a)


@pytest.fixture
def company_b_user(company_b):
    ContactFactory(company=company_b, email="rep-b@beta.example")
    return UserFactory(username="rep-b", email="rep-b@beta.example", company=company_b)
