"""docker-compose.yml describes the stack the README promises, with variables settings read.

No Docker engine runs in CI, so the file is checked as data: the services, their commands,
their wiring, and that every variable handed to the portal is one that settings.py reads
(a misspelt name would be silently ignored in production).
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SETTINGS_FILE = ROOT / "cepex_portal" / "settings.py"

# env("NAME", ...), env.bool("NAME", ...), env.int(...), env.db(...), env.cache(...), ...
SETTINGS_ENV_CALL = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# ${NAME}, ${NAME:-default}, ${NAME:?error} anywhere in the compose file.
COMPOSE_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
# The services that run the portal's own image (the others are stock images).
PORTAL_SERVICES = ("web", "worker", "beat")


def settings_variables(settings_text: str) -> set[str]:
    return set(SETTINGS_ENV_CALL.findall(settings_text))


def command_line(service: dict) -> str:
    command = service.get("command", "")
    return shlex.join(command) if isinstance(command, list) else command


def unknown_variables(compose: dict, known: set[str]) -> set[str]:
    """Variables given to a portal container, or interpolated anywhere, unknown to settings."""
    services = compose["services"]
    names = set()
    for service in services.values():
        if "build" not in service:
            continue  # postgres, redis: their variables are theirs
        environment = service.get("environment", {})
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        names |= set(environment)
        names |= set(COMPOSE_INTERPOLATION.findall(yaml.safe_dump(service)))
    return names - known


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_compose_services_all_five_present(services):
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)


def test_compose_portal_services_build_the_project_image(services):
    for name in PORTAL_SERVICES:
        assert services[name]["build"] == ".", name


def test_compose_web_runs_gunicorn_on_the_wsgi_app(services):
    command = command_line(services["web"])

    assert command.startswith("gunicorn cepex_portal.wsgi:application")
    assert "0.0.0.0:8000" in command


def test_compose_worker_runs_a_celery_worker(services):
    assert command_line(services["worker"]).startswith("celery -A cepex_portal worker")


def test_compose_beat_runs_celery_beat(services):
    assert command_line(services["beat"]).startswith("celery -A cepex_portal beat")


def test_compose_migrations_run_before_web_and_worker(services):
    assert command_line(services["migrate"]) == "python manage.py migrate --noinput"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name


def test_compose_portal_services_wait_for_healthy_backing_services(services):
    healthy = {"condition": "service_healthy"}
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["postgres"] == healthy, name
        assert services[name]["depends_on"]["redis"] == healthy, name
    assert services["beat"]["depends_on"]["redis"] == healthy
    assert services["migrate"]["depends_on"]["postgres"] == healthy


def test_compose_backing_services_have_healthchecks(services):
    assert services["postgres"]["image"] == "postgres:16"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["image"] == "redis:7"
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_compose_portal_points_at_the_compose_database_and_broker(services):
    for name in ("web", "worker", "beat", "migrate"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert environment["DJANGO_DEBUG"] == "0", name


def test_compose_keeps_postgres_data_and_media_in_volumes(compose, services):
    assert {"postgres-data", "media"} <= set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert services["web"]["environment"]["MEDIA_ROOT"] == "/app/var/media"
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"], name


def test_compose_every_variable_is_read_by_settings(compose):
    known = settings_variables(SETTINGS_FILE.read_text())

    assert unknown_variables(compose, known) == set()


def test_compose_variable_check_catches_a_misspelt_name():
    # The check above must be able to fail: a name settings.py never reads is reported.
    compose = {
        "services": {
            "web": {"build": ".", "environment": {"DATABASE_URL": "x", "DJANGO_DEBUGG": "0"}},
            "worker": {"build": ".", "environment": ["SECRET_KEY=${SECRET_KEEY}"]},
            "postgres": {"image": "postgres:16", "environment": {"POSTGRES_USER": "x"}},
        }
    }
    known = settings_variables('env.db("DATABASE_URL")\nSECRET_KEY = env("SECRET_KEY")')

    assert unknown_variables(compose, known) == {"DJANGO_DEBUGG", "SECRET_KEEY"}


def test_settings_variables_finds_every_kind_of_env_call():
    text = 'A = env("A")\nB = env.bool("B", default=False)\nC = env.list(\n    "C")\nd = "D"'

    assert settings_variables(text) == {"A", "B", "C"}
