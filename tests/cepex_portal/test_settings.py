"""Settings: the guard on SECRET_KEY, the locale, and the documentation of every variable."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from cepex_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS_ENV_CALL = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
LOAD_SETTINGS = "from django.conf import settings; print(settings.LANGUAGE_CODE)"


def _load_settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, where pytest is not loaded."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "PYTEST_"))
    }
    # SECRET_KEY is set empty rather than removed: a developer's .env may define one, and
    # settings never let .env override a variable the environment already has.
    environment.update({"DJANGO_SETTINGS_MODULE": "cepex_portal.settings", "SECRET_KEY": ""})
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", LOAD_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_without_secret_key_in_production_refuse_to_load():
    result = _load_settings_in_subprocess(DJANGO_DEBUG="0", DJANGO_TESTING="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_without_secret_key_in_debug_load():
    result = _load_settings_in_subprocess(DJANGO_DEBUG="1", DJANGO_TESTING="0")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fr"


def test_settings_with_secret_key_in_production_load():
    result = _load_settings_in_subprocess(
        DJANGO_DEBUG="0", DJANGO_TESTING="0", SECRET_KEY="a-real-secret-from-the-environment"
    )

    assert result.returncode == 0, result.stderr


def test_settings_beat_schedule_names_registered_tasks():
    celery_app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_settings_every_variable_is_documented():
    # A variable that settings read but nobody documents is a variable nobody sets.
    variables = set(SETTINGS_ENV_CALL.findall((ROOT / "cepex_portal" / "settings.py").read_text()))
    env_example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()

    assert {name for name in variables if f"# {name}=" not in env_example} == set()
    assert {name for name in variables if f"| `{name}` |" not in readme} == set()
