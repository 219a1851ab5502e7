"""The admin's export page under the strict CSP (issue 6, item 5).

django-import-export's export form has an inline ``onchange`` handler and ``style``
attributes, which the policy blocks: "Select all" did nothing. The page is ours now, its
behaviour in a static script and its styles in a static sheet, and exporting still works.
"""

import csv
import io

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from partners.resources import CompanyResource
from tests.csp import STRICT_DIRECTIVES, csp_directives, inline_code
from tests.factories import CompanyFactory


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:partners_company_export",
        "admin:partners_contact_export",
        "admin:partners_partnerorganisation_export",
    ],
)
def test_export_page_has_no_inline_code_and_the_strict_policy(client, staff, url_name):
    client.force_login(staff)

    response = client.get(reverse(url_name))

    page = response.content.decode()
    assert response.status_code == 200
    assert inline_code(page) == []
    assert csp_directives(response) == STRICT_DIRECTIVES
    assert '<script src="/static/partners/admin/export.js" defer></script>' in page
    assert '<link rel="stylesheet" href="/static/partners/admin/export.css">' in page
    assert 'class="select-toggle" id="select-all-toggle-0" checked>' in page
    assert '<label class="select-all-label" for="select-all-toggle-0">' in page


def test_export_page_script_and_styles_are_static_files():
    script = finders.find("partners/admin/export.js")
    styles = finders.find("partners/admin/export.css")

    assert script is not None
    assert styles is not None
    with open(script, encoding="utf-8") as file:
        assert 'addEventListener("change"' in file.read()
    with open(styles, encoding="utf-8") as file:
        assert ".select-all-label { font-weight: bold; }" in file.read()


def test_export_page_post_still_returns_the_file(client, staff):
    CompanyFactory(tax_id="1234567A", legal_name="Alpha Pharma SA")
    client.force_login(staff)
    page = client.get(reverse("admin:partners_company_export"))
    fields = CompanyResource().get_export_order()

    response = client.post(
        reverse("admin:partners_company_export"),
        {
            **page.context["form"].initial,
            "format": "0",
            "resource": "0",
            **{f"companyresource_{name}": "on" for name in fields},
        },
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="Company-')
    [row] = csv.DictReader(io.StringIO(response.content.decode()))
    assert (row["tax_id"], row["legal_name"]) == ("1234567A", "Alpha Pharma SA")


def test_export_page_is_french_by_default(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:partners_company_export"))

    page = response.content.decode()
    assert "Cet export comprendra les champs suivants : " in page
    assert 'for="select-all-toggle-0">Tout sélectionner</label>' in page
    assert '<input type="submit" class="default" value="Valider">' in page
