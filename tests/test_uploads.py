"""Uploaded files (issue 11 §2): size and content checked, stored outside the web root under
random names, downloaded only through permission-checked views as attachments.

What people upload:

- a **brochure** (PDF, ``BROCHURE_MAX_BYTES``) with the interest form, the company space's
  "update my application" and the admin's application form;
- a **spreadsheet** staff import in the admin (CSV or Excel, ``IMPORT_FILE_MAX_BYTES``,
  ``IMPORT_FILE_MAX_ROWS``, an Excel file unpacking to ``IMPORT_FILE_MAX_UNPACKED_BYTES``
  at most), read once and never stored by the portal.

The worker also writes PDF reports into the same private storage. Every request is bounded
as a whole (``MAX_REQUEST_BYTES``, tested in ``tests/cepex_portal/test_middleware.py``).
"""

import io
import re
import stat
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from cepex_portal.checks import private_files_are_not_static
from missions.models import Application
from partners.models import Company
from tests.endpoints import build_world
from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RANDOM_PDF_NAME = re.compile(r"^brochures/[0-9a-f]{32}\.pdf$")


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(db):
    return build_world()


def _interest(client, world, brochure, **overrides):
    data = {
        "legal_name": "Gamma Cosmetics SARL",
        "tax_id": "7654321B/A/M/000",
        "governorate": "sfax",
        "sectors": [str(world.alpha.sectors.get().pk)],
        "size": "small",
        "first_name": "Sami",
        "last_name": "Trabelsi",
        "email": "sami@gamma.example",
        "phone": "+216 74 000 000",
        "objectives": ["export"],
        "consent": "on",
        "brochure": brochure,
        **overrides,
    }
    return client.post(reverse("portal:interest", args=[world.mission.slug]), data)


# --- Brochures: what is accepted ------------------------------------------------------------


@pytest.mark.parametrize(
    "filename",
    [
        "../../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "brochure.php",
        "index.html",
        "Notre brochure <script>.PDF",
        "brochure.pdf\x00.exe",
        "نشرة.pdf",
    ],
)
def test_brochure_stored_under_a_random_pdf_name_whatever_it_was_called(english, world, filename):
    response = _interest(english, world, SimpleUploadedFile(filename, PDF))

    assert response.status_code == 302
    brochure = Application.objects.get(company__legal_name="Gamma Cosmetics SARL").brochure
    assert RANDOM_PDF_NAME.match(brochure.name), brochure.name
    path = Path(brochure.path).resolve()
    assert path.parent == (Path(django_settings.MEDIA_ROOT) / "brochures").resolve()
    assert path.read_bytes() == PDF


def test_brochure_file_readable_by_the_portal_only(english, world):
    _interest(english, world, SimpleUploadedFile("b.pdf", PDF))

    brochure = Application.objects.get(company__legal_name="Gamma Cosmetics SARL").brochure
    assert stat.S_IMODE(Path(brochure.path).stat().st_mode) == 0o600


def test_brochure_names_never_repeat(english, world):
    from missions.models import brochure_upload_to

    names = {brochure_upload_to(None, "same.pdf") for _ in range(200)}

    assert len(names) == 200


# --- Brochures: what is refused -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"<html><script>alert(1)</script></html>", "brochure.pdf"),
        (b"MZ\x90\x00\x03 an executable", "brochure.pdf"),
        (b"PK\x03\x04 a zip", "brochure.pdf"),
        (b"\x89PNG\r\n\x1a\n", "brochure.pdf"),
        (b"%PD", "brochure.pdf"),
    ],
    ids=["html", "exe", "zip", "png", "truncated-magic"],
)
def test_brochure_judged_by_its_content_not_its_name(english, world, content, filename):
    response = _interest(english, world, SimpleUploadedFile(filename, content))

    assert response.status_code == 400
    assert response.context["form"].errors["brochure"] == ["The brochure must be a PDF file."]
    assert not Company.objects.filter(legal_name="Gamma Cosmetics SARL").exists()
    assert not (Path(django_settings.MEDIA_ROOT) / "brochures").exists()


def test_brochure_too_large_refused_with_its_size_and_the_limit(english, world, settings):
    settings.BROCHURE_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024 + 200 * 1024)

    response = _interest(english, world, SimpleUploadedFile("big.pdf", big))

    assert response.status_code == 400
    assert response.context["form"].errors["brochure"] == [
        "The brochure is too large (1.2 MB); the limit is 1 MB."
    ]
    assert "Gamma Cosmetics SARL" in response.text  # what was typed stays
    assert not (Path(django_settings.MEDIA_ROOT) / "brochures").exists()


def test_brochure_empty_file_refused(english, world):
    response = _interest(english, world, SimpleUploadedFile("empty.pdf", b""))

    assert response.status_code == 400
    assert "brochure" in response.context["form"].errors


def test_brochure_of_the_company_space_gets_a_random_name_too(client, world):
    client.force_login(world.representative)

    response = client.post(
        reverse("space:application_edit", args=[world.application.pk]),
        {
            "objectives": ["export"],
            "consent": "on",
            "brochure": SimpleUploadedFile("../../static/js/portal.js", PDF),
        },
    )

    assert response.status_code == 302
    world.application.refresh_from_db()
    assert RANDOM_PDF_NAME.match(world.application.brochure.name)


# --- Where files live, and how they leave ---------------------------------------------------


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def test_no_address_serves_the_media_folder(client, world, english):
    _interest(english, world, SimpleUploadedFile("b.pdf", PDF))
    name = Application.objects.get(company__legal_name="Gamma Cosmetics SARL").brochure.name

    assert serve not in set(_views(get_resolver().url_patterns))
    for path in (f"/media/{name}", f"/{name}", f"/static/../var/media/{name}"):
        assert client.get(path).status_code == 404, path


def test_private_storage_gives_no_url(world):
    from cepex_portal.storage import private_storage

    with pytest.raises(ValueError, match="no public URL"):
        private_storage.url("brochures/x.pdf")


def test_deploy_check_refuses_media_inside_the_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    assert private_files_are_not_static(None) == []

    settings.MEDIA_ROOT = tmp_path / "static" / "media"
    assert [e.id for e in private_files_are_not_static(None)] == ["cepex_portal.E003"]
    settings.MEDIA_ROOT = Path(django_settings.BASE_DIR) / "static" / "uploads"
    assert [e.id for e in private_files_are_not_static(None)] == ["cepex_portal.E003"]


def test_project_media_root_is_outside_the_static_files():
    assert private_files_are_not_static(None) == []


@pytest.mark.parametrize(
    "who", ["staff", "representative", "manager-of-reports", "partner-link"], ids=str
)
def test_every_file_download_is_an_attachment_never_sniffed(client, world, staff, who):
    from django.core.files.base import ContentFile

    world.application.brochure.save("b.pdf", ContentFile(PDF), save=True)
    if who == "staff":
        world.mission.team.add(staff)
        client.force_login(staff)
        url = reverse("admin:missions_application_brochure", args=[world.application.pk])
    elif who == "representative":
        client.force_login(world.representative)
        url = reverse("space:agenda_pdf", args=[world.mission.slug])
    elif who == "manager-of-reports":
        client.force_login(world.staff)
        url = reverse("reports:download", args=[world.report.pk])
    else:
        url = reverse("partner:agenda_pdf", args=[world.link.token])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_brochure_download_refused_without_permission(client, world, company_b_user):
    from django.core.files.base import ContentFile

    world.application.brochure.save("b.pdf", ContentFile(PDF), save=True)
    url = reverse("admin:missions_application_brochure", args=[world.application.pk])
    client.force_login(world.representative)  # even the company's own representative

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Spreadsheets staff import --------------------------------------------------------------

CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def importer(client, staff, settings):
    settings.DEBUG = False
    SectorFactory(slug="pharma-t")
    client.force_login(staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _import(client, content: bytes, *, name="companies.csv", fmt=CSV_FORMAT):
    return client.post(
        reverse("admin:partners_company_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def _errors(response) -> list[str]:
    return response.context["form"].errors.get("import_file", [])


def test_import_file_too_large_refused_with_its_size(importer, settings):
    settings.IMPORT_FILE_MAX_BYTES = 1024 * 1024
    content = b"tax_id,legal_name\r\n" + b"1234567A,Alpha\r\n" * 80_000

    response = _import(importer, content)

    assert response.status_code == 200
    assert _errors(response) == ["The file is too large (1.2 MB); the limit is 1 MB."]
    assert Company.objects.count() == 0


def _workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["tax_id", "legal_name"])
    for n in range(rows):
        sheet.append([f"{1000000 + n}A", f"Company {n}"])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


TOO_BIG = (
    "This file holds more than an import takes (%(rows)s rows at most, or %(mb)s MB once an "
    "Excel workbook is unpacked). Split it into smaller files."
)


def test_import_excel_too_many_rows_refused(importer, settings):
    settings.IMPORT_FILE_MAX_ROWS = 5

    response = _import(importer, _workbook(6), name="companies.xlsx", fmt=XLSX_FORMAT)

    assert _errors(response) == [TOO_BIG % {"rows": 5, "mb": 50}]
    assert Company.objects.count() == 0


def test_import_csv_too_many_rows_refused(importer, settings):
    settings.IMPORT_FILE_MAX_ROWS = 5
    content = b"tax_id,legal_name\r\n" + b"".join(
        f"{1000000 + n}A,Company {n}\r\n".encode() for n in range(6)
    )

    response = _import(importer, content)

    assert _errors(response) == [TOO_BIG % {"rows": 5, "mb": 50}]


def test_import_excel_within_the_limits_previews(importer, settings):
    settings.IMPORT_FILE_MAX_ROWS = 5

    response = _import(importer, _workbook(5), name="companies.xlsx", fmt=XLSX_FORMAT)

    assert response.context["result"].totals["new"] == 5


def test_import_excel_that_unpacks_too_large_refused_unread(importer, settings):
    # A few kilobytes that unpack to 60 MB of one repeated byte: the archive's directory
    # says so, and nothing is unpacked.
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    bomb = stream.getvalue()
    assert len(bomb) < 100 * 1024

    response = _import(importer, bomb, name="companies.xlsx", fmt=XLSX_FORMAT)

    assert _errors(response) == [TOO_BIG % {"rows": settings.IMPORT_FILE_MAX_ROWS, "mb": 50}]


@pytest.mark.parametrize(
    "content",
    [b"tax_id,legal_name\r\n1234567A,Alpha\r\n", b"%PDF-1.4 not a workbook", b"PK\x03\x04broken"],
    ids=["csv-named-xlsx", "pdf", "damaged-zip"],
)
def test_import_excel_judged_by_its_content_not_its_name(importer, content):
    response = _import(importer, content, name="companies.xlsx", fmt=XLSX_FORMAT)

    assert response.status_code == 200
    assert _errors(response)[0].startswith("This file could not be read.")
    assert Company.objects.count() == 0


def test_import_csv_that_is_binary_refused(importer):
    response = _import(importer, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", name="companies.csv")

    assert _errors(response)[0].startswith("This file could not be read.")
