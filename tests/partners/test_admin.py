"""The partners admin: import with its preview, export, search by tax id, permissions."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Company, Contact, PartnerOrganisation, TravelTime
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    PartnerOrganisationFactory,
    SectorFactory,
    VenueFactory,
)

COMPANIES_CSV = (
    "tax_id,legal_name,governorate,sectors,export_markets\n"
    '1234567/A/A/M/000,Alpha Pharma SA,tunis,pharma-t,"BE,SN"\n'
    "2345678B,Beta Biotech SARL,sfax,,FR\n"
    "3456789C,Gamma Vaccins,,pharma-t,\n"
)
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin offers CSV first, then XLSX


def _import(client, url_name: str, content: str, name: str = "companies.csv"):
    return client.post(
        reverse(url_name),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content.encode(), content_type="text/csv"),
        },
    )


@pytest.fixture
def pharma(db):
    return SectorFactory(slug="pharma-t")


def test_company_import_preview_then_confirm_creates_the_companies(client, staff, pharma):
    client.force_login(staff)

    preview = _import(client, "admin:partners_company_import", COMPANIES_CSV)

    assert preview.status_code == 200
    assert Company.objects.count() == 0  # the preview writes nothing
    assert preview.context["result"].totals["new"] == 3
    confirm_form = preview.context["confirm_form"]
    assert confirm_form is not None

    confirm = client.post(reverse("admin:partners_company_process_import"), confirm_form.initial)

    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("admin:partners_company_changelist")
    assert sorted(Company.objects.values_list("tax_id", flat=True)) == [
        "1234567AAM000",
        "2345678B",
        "3456789C",
    ]
    assert Company.objects.get(tax_id="1234567AAM000").sectors.get() == pharma


def test_company_import_preview_with_a_bad_row_offers_no_confirmation(client, staff, pharma):
    client.force_login(staff)
    content = COMPANIES_CSV + "12-AB,Broken SA,,,\n"

    preview = _import(client, "admin:partners_company_import", content)

    assert preview.status_code == 200
    assert preview.context["result"].has_validation_errors()
    assert "confirm_form" not in preview.context
    assert "Broken SA" in preview.content.decode()
    assert Company.objects.count() == 0


def test_company_import_page_opens_for_staff(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:partners_company_import"))

    assert response.status_code == 200
    assert [label for _value, label in response.context["form"].fields["format"].choices] == [
        "---",
        "csv",
        "xlsx",
    ]


def test_company_import_from_excel_preview_then_confirm(client, staff, pharma):
    dataset = tablib.Dataset(
        ["1234567A", "Alpha Pharma SA", "pharma-t"], headers=["tax_id", "legal_name", "sectors"]
    )
    client.force_login(staff)

    preview = client.post(
        reverse("admin:partners_company_import"),
        {
            "resource": "0",
            "format": XLSX_FORMAT,
            "import_file": SimpleUploadedFile("companies.xlsx", dataset.export("xlsx")),
        },
    )
    client.post(
        reverse("admin:partners_company_process_import"), preview.context["confirm_form"].initial
    )

    assert Company.objects.get().sectors.get() == pharma


def test_partner_import_preview_then_confirm_two_hundred_rows(client, staff, pharma):
    client.force_login(staff)
    content = "name,kind,country,sectors\n" + "".join(
        f"BioWin member {n:03d},company,BE,pharma-t\n" for n in range(200)
    )

    preview = _import(client, "admin:partners_partnerorganisation_import", content)
    confirm = client.post(
        reverse("admin:partners_partnerorganisation_process_import"),
        preview.context["confirm_form"].initial,
    )

    assert confirm.status_code == 302
    assert PartnerOrganisation.objects.count() == 200


def test_contact_import_preview_then_confirm(client, staff):
    CompanyFactory(tax_id="1234567A")
    client.force_login(staff)
    content = (
        "first_name,last_name,email,phone,company_tax_id\n"
        "Amira,Ben Salah,a@x.tn,+21671234567,1234567A\n"
    )

    preview = _import(client, "admin:partners_contact_import", content)
    client.post(
        reverse("admin:partners_contact_process_import"), preview.context["confirm_form"].initial
    )

    assert Contact.objects.get().company.tax_id == "1234567A"


def test_company_import_refused_to_manager(client, manager):
    client.force_login(manager)

    response = client.get(reverse("admin:partners_company_import"))

    assert response.status_code == 403


def test_company_export_by_manager_gives_csv(client, manager, pharma):
    company = CompanyFactory(tax_id="1234567AAM000", legal_name="Alpha Pharma SA")
    company.sectors.add(pharma)
    client.force_login(manager)

    response = client.post(
        reverse("admin:partners_company_export"),
        {
            "format": CSV_FORMAT,
            "resource": "0",
            **{f"companyresource_{name}": "on" for name in ("tax_id", "legal_name", "sectors")},
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines == ["tax_id,legal_name,sectors", "1234567AAM000,Alpha Pharma SA,pharma-t"]


def test_company_search_by_printed_tax_id_finds_the_company(client, staff):
    alpha = CompanyFactory(tax_id="1234567AAM000")
    CompanyFactory(tax_id="7654321B")
    client.force_login(staff)

    response = client.get(reverse("admin:partners_company_changelist"), {"q": "1234567/A/A/M/000"})

    assert list(response.context["cl"].result_list) == [alpha]


def test_company_add_with_a_known_tax_id_in_another_spelling_refused(client, staff):
    CompanyFactory(tax_id="1234567A")
    client.force_login(staff)

    response = client.post(
        reverse("admin:partners_company_add"),
        {
            "legal_name": "Alpha Pharma bis SA",
            "tax_id": "1234567/a",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "applications-TOTAL_FORMS": "0",
            "applications-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["tax_id"]
    assert Company.objects.count() == 1


def test_company_add_stores_the_tax_id_normalised(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("admin:partners_company_add"),
        {
            "legal_name": "Alpha Pharma SA",
            "tax_id": "1234567/a/a/m/000",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "applications-TOTAL_FORMS": "0",
            "applications-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Company.objects.get().tax_id == "1234567AAM000"


def test_company_changelist_counts_the_applications_each_user_may_see(client, staff, manager):
    company = CompanyFactory()
    ours, _theirs = ApplicationFactory.create_batch(2, company=company)
    ours.mission.team.add(staff)

    def counted(user) -> int:
        client.force_login(user)
        response = client.get(reverse("admin:partners_company_changelist"))
        row = response.context["cl"].result_list[0]
        return response.context["cl"].model_admin.application_count(row)

    # Managers see every mission; a chargé de mission, the applications of their team's.
    assert (counted(manager), counted(staff)) == (2, 1)


def test_company_change_page_lists_contacts_and_applications(client, manager):
    company = CompanyFactory(legal_name="Alpha Pharma SA")
    ContactFactory(company=company, last_name="Ben Salah")
    application = ApplicationFactory(company=company)
    client.force_login(manager)

    response = client.get(reverse("admin:partners_company_change", args=[company.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ben Salah" in content
    assert reverse("admin:missions_application_change", args=[application.pk]) in content


def test_partner_change_page_adds_a_contact_inline(client, staff):
    partner = PartnerOrganisationFactory(name="BioWin", country="BE", kind="cluster")
    client.force_login(staff)
    url = reverse("admin:partners_partnerorganisation_change", args=[partner.pk])

    response = client.post(
        url,
        {
            "name": "BioWin",
            "short_name": "",
            "kind": "cluster",
            "country": "BE",
            "region": "Wallonia",
            "city": "Gosselies",
            "capabilities": "",
            "description": "",
            "website": "",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-first_name": "Sylvie",
            "contacts-0-last_name": "Martin",
            "contacts-0-role": "",
            "contacts-0-email": "s.martin@biowin.example",
            "contacts-0-phone": "",
            "contacts-0-language": "en",
            "key_figures-TOTAL_FORMS": "1",
            "key_figures-INITIAL_FORMS": "0",
            "key_figures-0-kind": "companies",
            "key_figures-0-value": "164",
            "key_figures-0-as_of": "",
            "key_figures-0-source": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    contact = partner.contacts.get()
    assert (contact.full_name, contact.company) == ("Sylvie Martin", None)
    assert partner.key_figures.get().value == 164


def test_contact_changelist_filter_partner_contacts(client, staff):
    partner_contact = ContactFactory(company=None, organisation=PartnerOrganisationFactory())
    ContactFactory()
    client.force_login(staff)

    response = client.get(reverse("admin:partners_contact_changelist"), {"employer": "partner"})

    assert list(response.context["cl"].result_list) == [partner_contact]


# --- Travel times ----------------------------------------------------------------------------


def test_travel_time_add_in_reverse_order_is_stored_ordered(client, staff):
    a = VenueFactory(name="BioPark", city="Charleroi")
    b = VenueFactory(name="Science park", city="Louvain-la-Neuve")
    assert b.pk > a.pk
    client.force_login(staff)

    response = client.post(
        reverse("admin:partners_traveltime_add"),
        {"from_venue": b.pk, "to_venue": a.pk, "minutes": 45},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    travel = TravelTime.objects.get()
    assert (travel.from_venue, travel.to_venue, travel.minutes) == (a, b, 45)


def test_travel_time_add_of_a_known_pair_in_reverse_order_refused(client, staff):
    a = VenueFactory(name="BioPark", city="Charleroi")
    b = VenueFactory(name="Science park", city="Louvain-la-Neuve")
    TravelTime.objects.create(from_venue=a, to_venue=b, minutes=45)
    client.force_login(staff)

    response = client.post(
        reverse("admin:partners_traveltime_add"),
        {"from_venue": b.pk, "to_venue": a.pk, "minutes": 50},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert TravelTime.objects.get().minutes == 45
