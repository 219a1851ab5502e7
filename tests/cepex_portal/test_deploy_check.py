"""``check --deploy --fail-level WARNING`` is clean with production's settings, and the
headers production sends (issue 11 §2).

Production's settings are the project's settings with debug off and the environment of
``.ci/production.env`` (what CI gives the check too), in a fresh interpreter: settings are
derived from the environment at import, so only a new process sees them as a deployment
does. One test also runs the check in process with production's values as overrides.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Warning as CheckWarning
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.csp import STRICT_DIRECTIVES

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = ROOT / ".ci" / "production.env"
HOST = "missions.cepex.nat.tn"


def production_env(**overrides: str) -> dict[str, str]:
    """The process environment of a deployment: ``.ci/production.env``, a fresh key."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "SECRET_KEY"))
    }
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            environment[name.strip()] = value.strip()
    environment.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "cepex_portal.settings",
            # A database of its own: the check reads none, the header probe none either.
            "DATABASE_URL": "sqlite:////tmp/cepex-deploy-check.sqlite3",
        }
    )
    environment.update(overrides)
    return {key: value for key, value in environment.items() if value is not None}


def _run(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check_deploy(**overrides: str) -> subprocess.CompletedProcess:
    return _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides)
    )


# --- The check -------------------------------------------------------------------------------


def test_check_deploy_production_settings_clean_at_warning_level():
    result = check_deploy()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": "0"}, "security.W012"),
        ({"SITE_URL": f"http://{HOST}"}, "cepex_portal.W002"),
        ({"ALLOWED_HOSTS": "portal.example"}, "cepex_portal.W003"),
        ({"ALLOWED_HOSTS": f"{HOST},*"}, "cepex_portal.W004"),
        ({"TRUSTED_PROXY_COUNT": "0"}, "cepex_portal.W006"),
        ({"CACHE_URL": "locmemcache://"}, "cepex_portal.W001"),
        ({"DJANGO_TESTING": "1"}, "cepex_portal.E002"),
        ({"CELERY_VISIBILITY_TIMEOUT": "300"}, "cepex_portal.W007"),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
def test_check_deploy_one_production_setting_wrong_fails_naming_it(overrides, check_id):
    result = check_deploy(**overrides)

    assert result.returncode != 0
    assert check_id in result.stderr


PRODUCTION_OVERRIDES = {
    "DEBUG": False,
    "TESTING": False,
    "SECRET_KEY": "k" + secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": [HOST],
    "SITE_URL": f"https://{HOST}",
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "TRUSTED_PROXY_COUNT": 1,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }
    },
}


def test_check_deploy_in_process_with_production_values_passes(settings):
    for name, value in PRODUCTION_OVERRIDES.items():
        setattr(settings, name, value)

    call_command("check", deploy=True, fail_level="WARNING")


def test_check_deploy_in_process_with_a_loose_csp_fails(settings):
    for name, value in PRODUCTION_OVERRIDES.items():
        setattr(settings, name, value)
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**policy["DIRECTIVES"], "style-src": ["'self'", "'unsafe-inline'"]}
    }

    with pytest.raises(SystemCheckError, match=r"cepex_portal\.W005"):
        call_command("check", deploy=True, fail_level="WARNING")


def test_check_csp_the_portals_own_policy_is_strict(settings):
    from cepex_portal.checks import content_security_policy_is_strict

    settings.DEBUG = False

    assert content_security_policy_is_strict(None) == []
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", "data:"]}}
    assert [w.id for w in content_security_policy_is_strict(None)] == ["cepex_portal.W005"]
    assert isinstance(content_security_policy_is_strict(None)[0], CheckWarning)


# --- What production sends ------------------------------------------------------------------

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

HOST = {host!r}
client = Client(HTTP_HOST=HOST)
answers = {{}}
for name, path in (("privacy", "/privacy/"), ("admin_login", "/admin/login/")):
    response = client.get(path, HTTP_X_FORWARDED_PROTO="https")
    answers[name] = {{
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {{
            key: {{"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                   "samesite": m["samesite"]}}
            for key, m in response.cookies.items()
        }},
    }}
plain = client.get("/privacy/", HTTP_X_FORWARDED_PROTO="http")
answers["plain"] = {{"status": plain.status_code, "location": plain.get("Location", "")}}
health = client.get("/health/", HTTP_X_FORWARDED_PROTO="http")
answers["plain_health"] = {{"status": health.status_code}}
answers["settings"] = {{
    name: getattr(settings, name)
    for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                 "LANGUAGE_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "DEBUG")
}}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def production_answers(tmp_path_factory):
    # As the image is built: static files collected with their manifest, then served.
    environment = production_env(STATIC_ROOT=str(tmp_path_factory.mktemp("static")))
    collected = _run(["manage.py", "collectstatic", "--noinput", "-v", "0"], environment)
    assert collected.returncode == 0, collected.stderr
    result = _run(["-c", PROBE.format(host=HOST)], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("page", ["privacy", "admin_login"])
def test_production_headers_hsts_frame_referrer_nosniff_coop(production_answers, page):
    headers = production_answers[page]["headers"]

    assert production_answers[page]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("page", ["privacy", "admin_login"])
def test_production_csp_is_the_strict_policy(production_answers, page):
    header = production_answers[page]["headers"]["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)

    assert directives == STRICT_DIRECTIVES
    assert "unsafe-inline" not in header


def test_production_csrf_cookie_secure_httponly_lax(production_answers):
    cookie = production_answers["admin_login"]["cookies"]["csrftoken"]

    assert cookie == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_session_and_language_cookies_secure(production_answers):
    assert production_answers["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "DEBUG": False,
    }


def test_production_plain_http_redirected_to_https_but_not_the_health_check(production_answers):
    assert production_answers["plain"] == {
        "status": 301,
        "location": f"https://{HOST}/privacy/",
    }
    assert production_answers["plain_health"]["status"] in (200, 503)  # answered, not moved
