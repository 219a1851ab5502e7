"""docker-compose.yml describes the stack the README promises, with variables settings read.

No Docker engine runs in CI, so the file is checked as data: every variable handed to the
portal is one that settings.py reads (a misspelt name would be silently ignored in
production). That its defaults pass `check --deploy` is tested in tests/cepex_portal.
"""

import re
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


def settings_variables(settings_text: str) -> set[str]:
    return set(SETTINGS_ENV_CALL.findall(settings_text))


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
