"""Import files as spreadsheets save them (issue 6, item 4): no traceback, no 500.

With debug off, a companies file without its tax_id column, or saved by French Excel (CSV
with semicolons), showed staff a traceback with the server's paths; Windows-1252 and UTF-16
files failed with "UnicodeDecodeError". The admin now reads what spreadsheets write and
says in plain words what it expects when it cannot.
"""

import codecs
import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Company, Contact, PartnerOrganisation
from tests.factories import SectorFactory

CSV_FORMAT, XLSX_FORMAT = "0", "1"
COMPANY_COLUMNS = (
    "tax_id, legal_name, governorate, city, sectors, size, certifications, export_markets, "
    "website, description"
)
FRENCH_ROWS = [
    ["tax_id", "legal_name", "city", "sectors"],
    ["1234567A", "Société Générale de Pharmacie", "Béja", "pharma-t"],
    ["2345678B", "Laboratoires Médis « Sud »", "Gabès", ""],
]
EXPECTED = [
    ("1234567A", "Société Générale de Pharmacie", "Béja"),
    ("2345678B", "Laboratoires Médis « Sud »", "Gabès"),
]


def _lines(rows, separator: str) -> str:
    return "".join(separator.join(row) + "\r\n" for row in rows)


@pytest.fixture
def staff_client(client, staff, settings):
    """Staff in the admin as in production: debug off, English pages."""
    settings.DEBUG = False
    SectorFactory(slug="pharma-t")
    client.force_login(staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _preview(client, content: bytes, *, name="companies.csv", fmt=CSV_FORMAT, url=None):
    return client.post(
        url or reverse("admin:partners_company_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def _confirm(client, preview, url_name="admin:partners_company_process_import"):
    assert "confirm_form" in preview.context, preview.content.decode()
    response = client.post(reverse(url_name), preview.context["confirm_form"].initial)
    assert response.status_code == 302
    return response


def _assert_no_traceback(response):
    page = response.content.decode()
    assert response.status_code == 200
    assert "Traceback" not in page
    assert "site-packages" not in page
    assert str(django_settings.BASE_DIR) not in page
    assert re.search(r"\b\w+(Error|Exception)\b", page) is None  # no exception's name


# --- Encodings and separators --------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [
        pytest.param("utf-8", ",", id="utf8-comma"),
        pytest.param("utf-8-sig", ",", id="utf8-bom-comma"),
        pytest.param("utf-8-sig", ";", id="utf8-bom-semicolon"),
        pytest.param("cp1252", ";", id="french-excel-cp1252-semicolon"),
        pytest.param("cp1252", ",", id="cp1252-comma"),
        pytest.param("utf-16", "\t", id="excel-unicode-text-utf16-tab"),
        pytest.param("utf-16", ",", id="utf16-comma"),
        pytest.param("utf-16-be", ";", id="utf16-big-endian"),
    ],
)
def test_company_import_reads_encoding_and_separator_and_keeps_accents(
    staff_client, encoding, separator
):
    content = _lines(FRENCH_ROWS, separator).encode(encoding)
    if encoding == "utf-16-be":
        content = codecs.BOM_UTF16_BE + content

    preview = _preview(staff_client, content)

    assert preview.context["result"].totals["new"] == 2
    _confirm(staff_client, preview)
    assert sorted(Company.objects.values_list("tax_id", "legal_name", "city")) == EXPECTED
    assert Company.objects.get(tax_id="1234567A").sectors.get().slug == "pharma-t"


def test_company_import_quoted_cells_keep_their_separators(staff_client):
    content = (
        'tax_id;legal_name;description\r\n1234567A;"Alpha; Beta SA";"Vaccins, sérums"\r\n'
    ).encode("cp1252")

    _confirm(staff_client, _preview(staff_client, content))

    assert Company.objects.values_list("legal_name", "description").get() == (
        "Alpha; Beta SA",
        "Vaccins, sérums",
    )


def test_company_import_column_names_in_any_case_with_spaces(staff_client):
    content = b" Tax_ID ;LEGAL_NAME\r\n1234567A;Alpha SA\r\n;;\r\n"

    _confirm(staff_client, _preview(staff_client, content))

    assert Company.objects.values_list("tax_id", "legal_name").get() == ("1234567A", "Alpha SA")


# --- Files the import cannot use -------------------------------------------------------------


def test_company_import_without_tax_id_column_says_which_columns_are_expected(staff_client):
    content = b"legal_name,governorate\r\nAlpha Pharma SA,tunis\r\n"

    preview = _preview(staff_client, content)

    _assert_no_traceback(preview)
    assert "confirm_form" not in preview.context
    assert (
        "The file has no tax_id column, which tells the rows apart. Its first line must name "
        f"the columns: {COMPANY_COLUMNS}."
    ) in preview.content.decode()
    assert Company.objects.count() == 0


def test_partner_import_without_country_column_names_it(staff_client):
    preview = _preview(
        staff_client,
        b"name,kind\r\nBioWin,cluster\r\n",
        url=reverse("admin:partners_partnerorganisation_import"),
    )

    _assert_no_traceback(preview)
    assert "The file has no country column" in preview.content.decode()
    assert PartnerOrganisation.objects.count() == 0


def test_contact_import_without_email_column_names_it(staff_client):
    preview = _preview(
        staff_client,
        b"first_name,last_name\r\nAmira,Ben Salah\r\n",
        url=reverse("admin:partners_contact_import"),
    )

    _assert_no_traceback(preview)
    assert "The file has no email column" in preview.content.decode()
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        pytest.param("companies.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00", CSV_FORMAT, id="zip"),
        pytest.param("companies.csv", "tax_id\n".encode("utf-16-le"), CSV_FORMAT, id="no-bom"),
        pytest.param("companies.csv", b"\xef\xbb\xbftax_id\n\xff\xfe", CSV_FORMAT, id="bad-utf8"),
        pytest.param("companies.xlsx", b"tax_id,legal_name\n1,2\n", XLSX_FORMAT, id="csv-as-xlsx"),
    ],
)
def test_company_import_unreadable_file_says_what_to_send(staff_client, name, content, fmt):
    preview = _preview(staff_client, content, name=name, fmt=fmt)

    _assert_no_traceback(preview)
    assert (
        "This file could not be read. Save it from your spreadsheet as CSV (separated by "
        "commas, semicolons or tabs) or as an Excel workbook (.xlsx), and choose that format; "
        f"its first line names the columns: {COMPANY_COLUMNS}."
    ) in preview.content.decode()
    assert "UnicodeDecodeError" not in preview.content.decode()


def test_company_import_line_with_too_many_cells_is_named(staff_client):
    content = "tax_id;legal_name\r\n1234567A;Alpha SA\r\n2345678B;Beta;SA\r\n".encode("cp1252")

    preview = _preview(staff_client, content)

    _assert_no_traceback(preview)
    assert (
        "Line 3 of the file has more cells than its first line names columns"
        in preview.content.decode()
    )
    assert Company.objects.count() == 0


def test_company_import_messages_are_in_the_staffs_language(staff_client):
    staff_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "fr"

    missing = _preview(staff_client, b"legal_name\r\nAlpha Pharma SA\r\n")
    unreadable = _preview(staff_client, b"PK\x03\x04\x14\x00\x06\x00\x08\x00")

    _assert_no_traceback(missing)
    _assert_no_traceback(unreadable)
    assert (
        "Le fichier n&#x27;a pas de colonne tax_id, qui permet de distinguer les lignes. "
        f"Sa première ligne doit nommer les colonnes : {COMPANY_COLUMNS}."
    ) in missing.content.decode()
    assert (
        "Ce fichier n&#x27;a pas pu être lu. Enregistrez-le depuis votre tableur au format"
    ) in unreadable.content.decode()
