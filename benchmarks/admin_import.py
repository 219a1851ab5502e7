"""Time a company import through the admin: the preview, then the confirmed import.

The issue this answers (issue 6): a 10,000-row company file took about 60 s in the request,
and gunicorn cut it at 30 s. This script posts such a file to the admin as staff do (debug
off, a staff user, the test client), first new companies, then the same file with every row
changed, and prints the seconds each step took.

    .venv/bin/python benchmarks/admin_import.py                 # SQLite, 10,000 rows
    .venv/bin/python benchmarks/admin_import.py --rows 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cepex_bench \\
        .venv/bin/python benchmarks/admin_import.py             # PostgreSQL

It builds a throwaway test database (a file in a temporary folder for SQLite, ``test_<name>``
on PostgreSQL) from the migrations and drops it at the end: yours is never touched.
Results go to ``docs/benchmarks.md``.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cepex_portal.settings")
os.environ.setdefault("DJANGO_TESTING", "1")  # a throwaway secret key, tasks in process
warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

GOVERNORATES = ["tunis", "sfax", "sousse", "ariana", "nabeul", "monastir", "beja", "gabes"]
SIZES = ["micro", "small", "medium", "large"]
SECTORS = ["pharma", "biotech", "vaccines", "cosmetics", "diagnostics", "medical-devices"]
CERTIFICATIONS = ["gmp", "iso-9001", "iso-13485", ""]


def company_csv(rows: int, *, edition: int) -> bytes:
    """``rows`` companies; another ``edition`` changes every row's name, city and sectors."""
    lines = ["tax_id,legal_name,governorate,city,sectors,size,certifications,export_markets"]
    for n in range(rows):
        sectors = ",".join(SECTORS[(n + edition + k) % len(SECTORS)] for k in range(1 + n % 2))
        lines.append(
            f"{2000000 + n:07d}A,"
            f"Société Exemple {n} édition {edition} SA,"
            f"{GOVERNORATES[n % len(GOVERNORATES)]},"
            f"Ville {n % 97} {edition},"
            f'"{sectors}",'
            f"{SIZES[n % len(SIZES)]},"
            f"{CERTIFICATIONS[(n + edition) % len(CERTIFICATIONS)]},"
            '"BE,FR,SN"'
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(line for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()
    return f"{model.split(':', 1)[1].strip()} ({os.cpu_count()} CPUs)"


def timed_import(client: Client, content: bytes) -> tuple[float, float]:
    """Seconds for the preview and for the confirmed import of one file."""
    started = time.perf_counter()
    preview = client.post(
        reverse("admin:partners_company_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("companies.csv", content, content_type="text/csv"),
        },
    )
    preview_seconds = time.perf_counter() - started
    assert preview.status_code == 200, preview.status_code
    assert "confirm_form" in preview.context, "the preview found errors"

    started = time.perf_counter()
    confirm = client.post(
        reverse("admin:partners_company_process_import"), preview.context["confirm_form"].initial
    )
    confirm_seconds = time.perf_counter() - started
    assert confirm.status_code == 302, confirm.status_code
    return preview_seconds, confirm_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows

    database = settings.DATABASES["default"]
    folder = tempfile.TemporaryDirectory()
    if database["ENGINE"].endswith("sqlite3"):
        # A file, as `make run` uses, not the in-memory database tests get.
        database.setdefault("TEST", {})["NAME"] = str(Path(folder.name) / "bench.sqlite3")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.DEBUG = False
    try:
        from partners.models import Company
        from tests.factories import UserFactory

        staff = UserFactory(username="bench", is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(staff)

        print(
            f"{rows} company rows; {connection.vendor} {database_version()}; "
            f"Python {platform.python_version()}; {cpu()}"
        )
        new = timed_import(client, company_csv(rows, edition=1))
        assert Company.objects.count() == rows
        changed = timed_import(client, company_csv(rows, edition=2))
        assert Company.objects.count() == rows
        sample = Company.objects.get(tax_id="2000001A")
        assert sample.legal_name == "Société Exemple 1 édition 2 SA", sample.legal_name
        assert sorted(sample.sectors.values_list("slug", flat=True)) == ["cosmetics", "diagnostics"]
        for label, (preview, confirm) in [("new companies", new), ("every row changed", changed)]:
            print(f"{label:<18} preview {preview:5.1f} s, confirmed import {confirm:5.1f} s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        folder.cleanup()


if __name__ == "__main__":
    main()
