"""Smaller holes the attacker's probe found (issue 6, item 5)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from tests.factories import MissionFactory

ROOT = Path(__file__).resolve().parent.parent.parent


# --- Where a login lands ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_admin_login_with_offsite_or_no_next_lands_staff_in_the_admin(client, staff, next_url):
    staff.set_password("pw-for-the-test-123")
    staff.save()
    url = reverse("admin:login") + (f"?next={next_url}" if next_url else "")

    response = client.post(
        url,
        {"username": staff.username, "password": "pw-for-the-test-123", "next": next_url},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:index")


@pytest.mark.django_db
def test_after_login_sends_representatives_to_their_space(client, company_a_user):
    client.force_login(company_a_user)

    response = client.get(reverse("after_login"))

    assert response.url == reverse("space:home")


# --- Caching and cookies ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["space:home", "space:profile", "space:contact_details"])
def test_company_space_pages_are_never_stored(client, company_a_user, name):
    client.force_login(company_a_user)

    response = client.get(reverse(name))

    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache", "max-age=0"} <= directives


@pytest.mark.django_db
def test_interest_form_of_a_representative_is_never_stored(client, company_a_user):
    mission = MissionFactory(slug="open")
    client.force_login(company_a_user)

    response = client.get(reverse("portal:interest", args=[mission.slug]))

    assert company_a_user.company.legal_name in response.content.decode()
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache", "max-age=0"} <= directives


@pytest.mark.django_db
def test_language_cookie_secure_samesite_httponly_when_session_cookie_secure(client, settings):
    # Settings are read once at import: the values are derived there, checked here.
    assert settings.LANGUAGE_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE
    settings.LANGUAGE_COOKIE_SECURE = True

    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


# --- Deployment checks -----------------------------------------------------------------------


def _check_deploy(**env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "CACHE_URL"))
    }
    environment.update(
        {
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "x" * 60 + "-a-long-random-enough-key-for-the-check",
            "ALLOWED_HOSTS": "missions.example",
            "DATABASE_URL": "sqlite:////tmp/cepex-check-deploy.sqlite3",
        }
    )
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


def test_check_deploy_hsts_subdomains_and_preload_come_from_the_environment():
    quiet = _check_deploy(
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    loud = _check_deploy(SECURE_HSTS_SECONDS="31536000")

    assert "security.W005" not in quiet
    assert "security.W021" not in quiet
    assert "security.W005" in loud
    assert "security.W021" in loud


def test_check_deploy_warns_when_rate_limits_count_per_process():
    assert "cepex_portal.W001" in _check_deploy()
    assert "cepex_portal.W001" not in _check_deploy(CACHE_URL="redis://127.0.0.1:6379/1")


def test_check_deploy_with_the_compose_files_defaults_has_no_cookie_or_cache_warning():
    # The compose file runs the portal as in production: its defaults must pass the checks
    # that configuration can satisfy (W012/W016 secure cookies, our shared-cache W001).
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = {}
    for name, value in compose["services"]["web"]["environment"].items():
        match = re.fullmatch(r"\$\{(\w+):([-?])(.*)\}", str(value))
        if match is None:
            environment[name] = str(value)
        elif match.group(2) == "-":
            environment[name] = match.group(3)
    environment.pop("DATABASE_URL")  # the compose network's PostgreSQL is not here
    assert environment["CACHE_URL"].startswith("redis://")
    environment["CACHE_URL"] = "redis://127.0.0.1:6379/1"  # redis://redis:... is not here

    output = _check_deploy(**environment)

    assert "security.W012" not in output
    assert "security.W016" not in output
    assert "cepex_portal.W001" not in output
