"""The admin's password login against brute force (django-axes, issue 11 §2).

Rules: ``AXES_FAILURE_LIMIT`` failed attempts for one username from one address lock that
pair out for ``AXES_COOLOFF_TIME``; the same username from another address, and another
username from the same address, are not locked (an office behind one NAT address is not
locked out by one colleague's typos). The address is the client's behind the trusted
proxies, as for the rate limits. A lockout answers 429 with a page in the visitor's
language, is logged, and ``manage.py axes_reset`` lifts it.
"""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.csp import STRICT_DIRECTIVES, csp_directives, inline_code

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-the-lockout-test-123"
WRONG = "not-the-password"


@pytest.fixture
def charge(staff):
    staff.set_password(PASSWORD)
    staff.save()
    return staff


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _login(client, username, password, ip="203.0.113.10", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **extra,
    )


def _fail(client, username, times, **kwargs):
    return [_login(client, username, WRONG, **kwargs).status_code for _ in range(times)]


def test_login_failures_below_the_limit_show_the_form_again(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 3

    assert _fail(english, charge.username, 2) == [200, 200]
    assert _login(english, charge.username, PASSWORD).status_code == 302


def test_login_at_the_limit_locks_the_username_and_address_out_even_with_the_password(
    english, charge, settings
):
    settings.AXES_FAILURE_LIMIT = 3

    statuses = _fail(english, charge.username, 3)
    locked = _login(english, charge.username, PASSWORD)

    assert statuses == [200, 200, 429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in english.session
    assert "Too many failed logins with this username from your connection." in locked.text
    assert "blocked for 30 minutes" in locked.text
    assert locked["Retry-After"] == "1800"


def test_lockout_same_username_from_another_address_still_logs_in(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _fail(english, charge.username, 3, ip="203.0.113.10")

    response = _login(english, charge.username, PASSWORD, ip="198.51.100.20")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_lockout_another_username_from_the_same_address_is_not_locked(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _fail(english, "someone-else", 3)

    assert _login(english, charge.username, PASSWORD).status_code == 302


def test_lockout_unknown_username_gets_the_same_page_as_a_real_one(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(english, charge.username, 2)
    _fail(english, "nobody-here", 2)

    real = _login(english, charge.username, WRONG)
    unknown = _login(english, "nobody-here", WRONG)

    assert (real.status_code, unknown.status_code) == (429, 429)
    assert real.text.replace(charge.username, "X") == unknown.text.replace("nobody-here", "X")


def test_lockout_behind_the_proxy_counts_each_visitor_not_the_proxy(english, charge, settings):
    # Behind one proxy every request comes from its address; X-Forwarded-For names the
    # visitor (the last hop, which our proxy appended).
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    proxy = "10.0.0.2"

    attacker = _fail(
        english, charge.username, 2, ip=proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.66"
    )
    colleague = _login(
        english, charge.username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert attacker == [200, 429]
    assert colleague.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"


def test_lockout_is_logged_with_username_and_address(english, charge, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 2

    with caplog.at_level(logging.WARNING, logger="axes"):
        _fail(english, charge.username, 2)

    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert len(lockouts) == 1
    assert charge.username in lockouts[0]
    assert "203.0.113.10" in lockouts[0]


def test_lockout_ends_after_the_cool_off(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(english, charge.username, 2)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )

    assert _login(english, charge.username, PASSWORD).status_code == 302


def test_lockout_failure_during_it_does_not_extend_it(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(english, charge.username, 2)
    started = AccessAttempt.objects.get().attempt_time

    assert _fail(english, charge.username, 3) == [429, 429, 429]
    assert AccessAttempt.objects.get().attempt_time == started


def test_axes_reset_command_unlocks_at_once(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(english, charge.username, 2)

    call_command("axes_reset", verbosity=0)

    assert AccessAttempt.objects.count() == 0
    assert _login(english, charge.username, PASSWORD).status_code == 302


def test_successful_login_forgets_earlier_failures(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _fail(english, charge.username, 2)
    assert _login(english, charge.username, PASSWORD).status_code == 302
    english.logout()
    english.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    # Two more failures do not reach the limit: the count started again.
    assert _fail(english, charge.username, 2) == [200, 200]


def test_lockout_page_in_the_visitors_language_without_inline_code(client, charge, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = _login(client, charge.username, WRONG)

    assert response.status_code == 429
    assert '<html lang="ar" dir="rtl">' in response.text
    assert inline_code(response.text) == []
    assert csp_directives(response) == STRICT_DIRECTIVES
    assert PASSWORD not in response.text
    assert WRONG not in response.text


def test_lockout_records_no_password(english, charge, settings):
    settings.AXES_FAILURE_LIMIT = 1

    _fail(english, charge.username, 1)

    attempt = AccessAttempt.objects.get()
    assert WRONG not in attempt.post_data
    assert (attempt.username, attempt.failures_since_start) == (charge.username, 1)
