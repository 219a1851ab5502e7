"""Periodic tasks of the accounts app."""

import datetime as dt

import pytest
from django.utils import timezone

from cepex_portal.models import LoginLink
from cepex_portal.tasks import clear_expired_sessions_task, purge_login_links_task
from tests.factories import UserFactory

# --- Purge of spent login links --------------------------------------------------------------


def _login_link(user, *, token: str, created: dt.timedelta, expires: dt.timedelta, used=None):
    """A login link created, expiring and (maybe) used at offsets from now."""
    now = timezone.now()
    return LoginLink.objects.create(
        user=user,
        token_hash=LoginLink.hash_token(token),
        created_at=now + created,
        expires_at=now + expires,
        used_at=None if used is None else now + used,
    )


@pytest.mark.django_db
def test_purge_login_links_deletes_links_spent_over_a_day_ago():
    user = UserFactory()
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    usable = _login_link(user, token="usable", created=-hour, expires=hour)
    used_recently = _login_link(user, token="used-1h", created=-2 * hour, expires=hour, used=-hour)
    expired_recently = _login_link(user, token="expired-1h", created=-2 * hour, expires=-hour)
    _login_link(user, token="used-2d", created=-3 * day, expires=-3 * day + hour, used=-2 * day)
    _login_link(user, token="expired-2d", created=-3 * day, expires=-2 * day)

    deleted = purge_login_links_task.delay().get()

    assert deleted == 2
    assert set(LoginLink.objects.all()) == {usable, used_recently, expired_recently}


@pytest.mark.django_db
def test_purge_login_links_with_nothing_spent_deletes_nothing():
    user = UserFactory()
    _login_link(user, token="usable", created=-dt.timedelta(hours=1), expires=dt.timedelta(1))

    assert purge_login_links_task.delay().get() == 0
    assert LoginLink.objects.count() == 1


# --- Expired sessions ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_sessions_past_expiry(client):
    from django.contrib.sessions.models import Session

    client.force_login(UserFactory())
    live = Session.objects.get()
    Session.objects.create(
        session_key="x" * 32,
        session_data=live.session_data,
        expire_date=timezone.now() - dt.timedelta(seconds=1),
    )

    deleted = clear_expired_sessions_task.delay().get()

    assert deleted == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
