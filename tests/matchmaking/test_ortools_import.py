"""OR-Tools (about 50 MB) is loaded by a scheduling run only, not by every web or worker
process: a worker making a PDF report needs the memory (docs/benchmarks.md, Reports)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import django
django.setup()
from django.urls import resolve
resolve("/admin/")  # loads the URL conf and every admin, as the first request does
from cepex_portal.celery import app
app.loader.import_default_modules()  # every app's tasks, as a worker loads them
assert "matchmaking.schedule_run" in app.tasks
print("ortools" in sys.modules)
from matchmaking.scheduling import engine  # what a scheduling run imports
print("ortools" in sys.modules)
"""


def test_ortools_is_imported_by_the_engine_only():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cepex_portal.settings", "DJANGO_DEBUG": "1"}

    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
