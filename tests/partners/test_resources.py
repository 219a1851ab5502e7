"""CSV / Excel resources: matching on natural keys, row errors instead of crashes."""

import pytest
import tablib

from partners.enums import PartnerKind
from partners.models import Company, Contact, PartnerOrganisation
from partners.resources import CompanyResource, ContactResource, PartnerOrganisationResource
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    PartnerOrganisationFactory,
    SectorFactory,
)

COMPANY_HEADERS = ["tax_id", "legal_name", "governorate", "size", "sectors", "export_markets"]


def _dataset(headers, rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=headers)


def _csv(headers, rows) -> tablib.Dataset:
    """Through CSV text, as staff's files arrive (every cell a string)."""
    text = tablib.Dataset(*rows, headers=headers).export("csv")
    return tablib.Dataset().load(text, format="csv")


@pytest.fixture
def sectors(db):
    return [SectorFactory(slug="pharma-t"), SectorFactory(slug="biotech-t")]


def _three_companies():
    return [
        ["1234567/A/A/M/000", "Alpha Pharma SA", "tunis", "medium", "pharma-t", "BE,SN"],
        ["2345678B", "Beta Biotech SARL", "sfax", "small", "biotech-t, pharma-t", "fr"],
        ["3456789c", "Gamma Vaccins", "", "", "", ""],
    ]


def _row_errors(result) -> list[dict]:
    return [row.error_dict for row in result.invalid_rows]


# --- Companies -------------------------------------------------------------------------------


def test_company_import_three_rows_creates_three(sectors):
    result = CompanyResource().import_data(_csv(COMPANY_HEADERS, _three_companies()), dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["new"] == 3
    alpha = Company.objects.get(tax_id="1234567AAM000")
    beta = Company.objects.get(tax_id="2345678B")
    assert alpha.legal_name == "Alpha Pharma SA"
    assert [s.slug for s in alpha.sectors.order_by("slug")] == ["pharma-t"]
    assert [s.slug for s in beta.sectors.order_by("slug")] == ["biotech-t", "pharma-t"]
    assert [c.code for c in alpha.export_markets] == ["BE", "SN"]
    assert [c.code for c in beta.export_markets] == ["FR"]
    assert Company.objects.get(tax_id="3456789C").size == ""


def test_company_import_dry_run_writes_nothing(sectors):
    result = CompanyResource().import_data(_csv(COMPANY_HEADERS, _three_companies()), dry_run=True)

    assert result.totals["new"] == 3
    assert Company.objects.count() == 0


def test_company_import_twice_updates_instead_of_duplicating(sectors):
    CompanyResource().import_data(_csv(COMPANY_HEADERS, _three_companies()), dry_run=False)
    rows = _three_companies()
    rows[0][1] = "Alpha Pharma Tunisie SA"
    rows[1][4] = "biotech-t"

    result = CompanyResource().import_data(_csv(COMPANY_HEADERS, rows), dry_run=False)

    assert Company.objects.count() == 3
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 2, 1)
    assert Company.objects.get(tax_id="1234567AAM000").legal_name == "Alpha Pharma Tunisie SA"
    beta = Company.objects.get(tax_id="2345678B")
    assert [s.slug for s in beta.sectors.all()] == ["biotech-t"]


def test_company_import_tax_id_with_separators_matches_the_stored_company(sectors):
    existing = CompanyFactory(tax_id="1234567AAM000", legal_name="Old name")

    CompanyResource().import_data(
        _csv(["tax_id", "legal_name"], [["1234567/a/a/m/000", "Alpha Pharma SA"]]),
        dry_run=False,
    )

    existing.refresh_from_db()
    assert Company.objects.count() == 1
    assert existing.legal_name == "Alpha Pharma SA"


def test_company_import_bad_tax_id_is_a_row_error_and_the_other_rows_import(sectors):
    rows = [*_three_companies(), ["12-AB", "Broken SA", "", "", "", ""]]

    result = CompanyResource().import_data(_csv(COMPANY_HEADERS, rows), dry_run=False)

    assert not result.has_errors()
    assert [set(errors) for errors in _row_errors(result)] == [{"tax_id"}]
    assert result.invalid_rows[0].number == 4
    assert Company.objects.count() == 3


def test_company_import_unknown_sector_is_a_row_error(sectors):
    rows = [["1234567A", "Alpha Pharma SA", "", "", "pharma-t,space-mining", ""]]

    result = CompanyResource().import_data(_csv(COMPANY_HEADERS, rows), dry_run=False)

    assert not result.has_errors()
    errors = _row_errors(result)
    assert [set(e) for e in errors] == [{"sectors"}]
    assert "space-mining" in errors[0]["sectors"][0]
    assert Company.objects.count() == 0


def test_company_import_unknown_country_and_governorate_are_row_errors(sectors):
    rows = [["1234567A", "Alpha Pharma SA", "atlantis", "", "", "BE,XX"]]

    result = CompanyResource().import_data(_csv(COMPANY_HEADERS, rows), dry_run=False)

    assert [set(e) for e in _row_errors(result)] == [{"governorate", "export_markets"}]


def test_company_import_missing_legal_name_is_a_row_error(sectors):
    result = CompanyResource().import_data(
        _csv(["tax_id", "legal_name"], [["1234567A", ""]]), dry_run=False
    )

    assert [set(e) for e in _row_errors(result)] == [{"legal_name"}]


def test_company_export_round_trips(sectors):
    company = CompanyFactory(tax_id="1234567AAM000", export_markets=["SN", "BE"])
    company.sectors.set(sectors)

    dataset = CompanyResource().export(Company.objects.prefetch_related("sectors"))

    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["tax_id"] == "1234567AAM000"
    assert sorted(row["sectors"].split(",")) == ["biotech-t", "pharma-t"]
    assert sorted(row["export_markets"].split(",")) == ["BE", "SN"]
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert (result.totals["skip"], Company.objects.count()) == (1, 1)


def test_company_import_from_xlsx_works(sectors):
    xlsx = _dataset(COMPANY_HEADERS, _three_companies()).export("xlsx")
    dataset = tablib.Dataset().load(xlsx, format="xlsx")

    result = CompanyResource().import_data(dataset, dry_run=False)

    assert result.totals["new"] == 3
    assert Company.objects.count() == 3


# --- Partner organisations -------------------------------------------------------------------

PARTNER_HEADERS = ["name", "kind", "country", "city", "sectors"]


def test_partner_import_two_hundred_rows_creates_them_all(sectors):
    rows = [
        [f"BioWin member {n:03d}", "company", "BE", "Gosselies", "biotech-t,pharma-t"]
        for n in range(200)
    ]

    result = PartnerOrganisationResource().import_data(_csv(PARTNER_HEADERS, rows), dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["new"] == 200
    assert PartnerOrganisation.objects.count() == 200
    member = PartnerOrganisation.objects.get(name="BioWin member 123")
    assert (member.kind, member.country.code) == (PartnerKind.COMPANY, "BE")
    assert member.sectors.count() == 2


def test_partner_import_two_hundred_rows_again_duplicates_nothing(sectors):
    rows = [
        [f"BioWin member {n:03d}", "company", "BE", "Gosselies", "biotech-t"] for n in range(200)
    ]
    PartnerOrganisationResource().import_data(_csv(PARTNER_HEADERS, rows), dry_run=False)
    rows[7][3] = "Charleroi"

    result = PartnerOrganisationResource().import_data(_csv(PARTNER_HEADERS, rows), dry_run=False)

    assert PartnerOrganisation.objects.count() == 200
    assert (result.totals["update"], result.totals["skip"]) == (1, 199)
    assert PartnerOrganisation.objects.get(name="BioWin member 007").city == "Charleroi"


def test_partner_import_same_name_in_another_country_is_another_partner(sectors):
    PartnerOrganisationFactory(name="Institut Pasteur", country="FR")

    PartnerOrganisationResource().import_data(
        _csv(PARTNER_HEADERS, [["Institut Pasteur", "research_centre", "tun", "Tunis", ""]]),
        dry_run=False,
    )

    assert sorted(PartnerOrganisation.objects.values_list("country", flat=True)) == ["FR", "TN"]


def test_partner_import_unknown_kind_and_sector_are_row_errors(sectors):
    rows = [
        ["BioPark", "science_park", "BE", "Charleroi", "pharma-t"],
        ["Nowhere", "spaceport", "BE", "", "pharma-t"],
        ["Elsewhere", "cluster", "BE", "", "rocket-science"],
    ]

    result = PartnerOrganisationResource().import_data(_csv(PARTNER_HEADERS, rows), dry_run=False)

    assert [set(e) for e in _row_errors(result)] == [{"kind"}, {"sectors"}]
    assert list(PartnerOrganisation.objects.values_list("name", flat=True)) == ["BioPark"]


# --- Contacts --------------------------------------------------------------------------------

CONTACT_HEADERS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "company_tax_id",
    "partner_name",
    "partner_country",
]


def test_contact_import_matches_email_and_employer(db):
    company = CompanyFactory(tax_id="1234567AAM000")
    partner = PartnerOrganisationFactory(name="BioWin", country="BE")
    existing = ContactFactory(company=company, email="amira@alpha.example", role="")
    rows = [
        [
            "Amira",
            "Ben Salah",
            "AMIRA@alpha.example",
            "71 234 567",
            "fr",
            "1234567/A/A/M/000",
            "",
            "",
        ],
        ["Sylvie", "Martin", "s.martin@biowin.example", "", "en", "", "biowin", "BE"],
    ]

    result = ContactResource().import_data(_csv(CONTACT_HEADERS, rows), dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert (result.totals["update"], result.totals["new"]) == (1, 1)
    existing.refresh_from_db()
    assert (existing.last_name, existing.phone) == ("Ben Salah", "+21671234567")
    sylvie = Contact.objects.get(email="s.martin@biowin.example")
    assert (sylvie.organisation, sylvie.company, sylvie.language) == (partner, None, "en")


def test_contact_import_same_email_at_another_company_is_another_contact(db):
    alpha = CompanyFactory(tax_id="1234567A")
    beta = CompanyFactory(tax_id="2345678B")
    ContactFactory(company=alpha, email="shared@example.com")

    ContactResource().import_data(
        _csv(
            ["first_name", "last_name", "email", "company_tax_id"],
            [["Sami", "Trabelsi", "shared@example.com", "2345678B"]],
        ),
        dry_run=False,
    )

    assert sorted(Contact.objects.values_list("company__tax_id", flat=True)) == [
        alpha.tax_id,
        beta.tax_id,
    ]


def test_contact_import_unknown_employer_and_bad_phone_are_row_errors(db):
    PartnerOrganisationFactory(name="Twin", country="BE")
    PartnerOrganisationFactory(name="Twin", country="FR")
    rows = [
        ["A", "One", "a@example.com", "", "fr", "9999999Z", "", ""],
        ["B", "Two", "b@example.com", "not a phone", "fr", "", "", ""],
        ["C", "Three", "c@example.com", "", "fr", "", "Twin", ""],
    ]

    result = ContactResource().import_data(_csv(CONTACT_HEADERS, rows), dry_run=False)

    assert not result.has_errors()
    assert [set(e) for e in _row_errors(result)] == [
        {"company"},
        {"phone", "company"},
        {"organisation"},
    ]
    assert Contact.objects.count() == 0
