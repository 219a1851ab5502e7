"""Large company imports (issue 6, item 5): 10,000 rows through the admin.

A 10,000-row company file took about a minute in the request (a query or more per row) and
gunicorn cut it at 30 s. Companies are now written a thousand at a time, sectors and
certifications included, and reading a row asks the database nothing. The timings are in
docs/benchmarks.md (benchmarks/admin_import.py); here, that it works and stays so.
"""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Certification, Company
from partners.resources import CompanyResource
from partners.spreadsheets import CSV
from tests.factories import CompanyFactory, SectorFactory
from tests.queries import queries_of

SECTORS = ["pharma-t", "biotech-t", "vaccines-t"]
HEADER = "tax_id,legal_name,governorate,city,sectors,size,certifications,export_markets"


def _row(n: int, *, edition: int = 1) -> str:
    sectors = ",".join(SECTORS[(n + edition + k) % len(SECTORS)] for k in range(1 + n % 2))
    certifications = "gmp-t" if n % 3 == 0 else ""
    return (
        f"{2000000 + n:07d}A,Société {n} édition {edition},tunis,Ville {edition},"
        f'"{sectors}",small,{certifications},"BE,FR"'
    )


def _csv(*lines: str) -> bytes:
    return "\r\n".join([HEADER, *lines]).encode()


def _rows(numbers: range, *, edition: int = 1) -> list[str]:
    return [_row(n, edition=edition) for n in numbers]


def _dataset(content: bytes) -> tablib.Dataset:
    """The file as the admin reads it."""
    return CSV().create_dataset(content)


@pytest.fixture
def reference_lists(db):
    Certification.objects.create(code="gmp-t", name="GMP")
    return [SectorFactory(slug=slug) for slug in SECTORS]


def _preview_then_confirm(client, content: bytes):
    preview = client.post(
        reverse("admin:partners_company_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("c.csv", content)},
    )
    assert preview.status_code == 200
    assert "confirm_form" in preview.context, preview.context["result"].invalid_rows[:3]
    confirm = client.post(
        reverse("admin:partners_company_process_import"), preview.context["confirm_form"].initial
    )
    assert confirm.status_code == 302
    return preview


def _sector_slugs(tax_id: str) -> list[str]:
    return sorted(Company.objects.get(tax_id=tax_id).sectors.values_list("slug", flat=True))


def test_company_import_ten_thousand_rows_preview_then_confirm_writes_them_all(
    client, staff, reference_lists, settings
):
    settings.DEBUG = False
    client.force_login(staff)

    preview = _preview_then_confirm(client, _csv(*_rows(range(10_000))))

    assert preview.context["result"].totals["new"] == 10_000
    assert Company.objects.count() == 10_000
    # n % 2 == 0: one sector, else two; every third company holds the certification.
    assert Company.sectors.through.objects.count() == 15_000
    assert Company.certifications.through.objects.filter(certification__code="gmp-t").count() == (
        3334
    )
    assert _sector_slugs("2000000A") == ["biotech-t"]
    assert _sector_slugs("2009999A") == ["biotech-t", "vaccines-t"]
    last = Company.objects.get(tax_id="2009999A")
    assert (last.legal_name, last.city, [c.code for c in last.export_markets]) == (
        "Société 9999 édition 1",
        "Ville 1",
        ["BE", "FR"],
    )


def test_company_import_again_updates_rows_and_replaces_their_sectors(
    client, staff, reference_lists
):
    client.force_login(staff)
    _preview_then_confirm(client, _csv(*_rows(range(300))))
    before = Company.objects.get(tax_id="2000001A").updated_at

    preview = _preview_then_confirm(
        client, _csv(*_rows(range(150), edition=2), *_rows(range(150, 300)))
    )

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 150, 150)
    assert Company.objects.count() == 300
    changed = Company.objects.get(tax_id="2000001A")
    assert (changed.legal_name, changed.city) == ("Société 1 édition 2", "Ville 2")
    assert changed.updated_at > before
    assert _sector_slugs("2000001A") == ["biotech-t", "pharma-t"]  # was pharma-t, vaccines-t
    assert _sector_slugs("2000151A") == ["pharma-t", "vaccines-t"]  # left as it was
    assert Company.sectors.through.objects.count() == 450  # replaced, not added


def test_company_import_preview_shows_old_and_new_values_without_inline_styles(
    client, staff, reference_lists
):
    CompanyFactory(tax_id="2000001A", legal_name="Old name", city="Ville 2")
    client.force_login(staff)

    preview = client.post(
        reverse("admin:partners_company_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("c.csv", _csv(_row(1, edition=2))),
        },
    )

    [row] = preview.context["result"].valid_rows()
    assert row.diff[:2] == [
        "<span>2000001A</span>",
        "<del>Old name</del> <ins>Société 1 édition 2</ins>",
    ]
    assert row.diff[4] == "<ins>biotech-t,pharma-t</ins>"
    assert "style=" not in preview.content.decode()


def test_company_import_same_tax_id_twice_in_a_file_is_a_row_error(reference_lists):
    content = _csv(*_rows(range(3)), _row(1).replace("2000001A", "2000001/a"))

    result = CompanyResource().import_data(_dataset(content), dry_run=False)

    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [(4, ["tax_id"])]
    assert result.invalid_rows[0].error_dict["tax_id"] == [
        "Line 2 of the file has the same tax_id; give each once."
    ]
    assert Company.objects.count() == 3


@pytest.mark.parametrize("existing", [False, True], ids=["new", "update"])
def test_company_import_queries_do_not_grow_with_rows(reference_lists, existing):
    def queries(rows: int) -> int:
        Company.objects.all().delete()
        if existing:
            CompanyResource().import_data(_dataset(_csv(*_rows(range(rows)))), dry_run=False)
        dataset = _dataset(_csv(*_rows(range(rows), edition=2)))
        results = []
        count = queries_of(
            lambda: results.append(CompanyResource().import_data(dataset, dry_run=False))
        )
        assert not results[0].has_errors()
        assert not results[0].has_validation_errors()
        assert results[0].totals["update" if existing else "new"] == rows
        return count

    few, many = queries(10), queries(400)

    # Inserts split into batches as the database allows; never a query a row.
    assert many < few + 10
