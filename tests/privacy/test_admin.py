"""The privacy pages of the back office: export and erase, for superusers and for those
given the permissions by hand; nobody else (the matrix checks every role)."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from partners.models import Contact
from privacy.models import Erasure
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the pages are read in English


@pytest.fixture
def contact():
    return ContactFactory(first_name="Leila", last_name="Trabelsi", email="leila@carthage.example")


@pytest.fixture
def dpo(staff):
    """A chargé de mission given the privacy permissions by hand (the data protection
    officer's role)."""
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="privacy", codename__in=["export_personal_data", "add_erasure"]
        )
    )
    return staff


def test_export_contact_json_is_an_attachment_with_the_persons_data(client, superuser, contact):
    client.force_login(superuser)

    response = client.get(
        reverse("admin:privacy_erasure_export_contact", args=[contact.pk, "json"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="contact-{contact.pk}-'
    )
    assert json.loads(response.content)["contact"][0]["email"] == "leila@carthage.example"


def test_export_company_csv_is_a_zip_of_sections(client, dpo, contact):
    client.force_login(dpo)

    response = client.get(
        reverse("admin:privacy_erasure_export_company", args=[contact.company.pk, "zip"])
    )

    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert {"company.csv", "contacts.csv", "applications.csv", "leads.csv"} <= set(names)


def test_export_unknown_format_is_not_found(client, superuser, contact):
    client.force_login(superuser)

    url = reverse("admin:privacy_erasure_export_contact", args=[contact.pk, "xlsx"])

    assert client.get(url).status_code == 404


def test_erase_asks_for_confirmation_then_erases(client, dpo, contact):
    client.force_login(dpo)
    url = reverse("admin:privacy_erasure_erase", args=[contact.pk])

    page = client.get(url)
    unconfirmed = client.post(url, {}, follow=True)
    contact.refresh_from_db()
    still_there = contact.email
    done = client.post(url, {"confirm": "yes"})

    assert page.status_code == 200
    assert "This cannot be undone." in page.content.decode()
    assert "Tick the box to confirm the erasure." in unconfirmed.content.decode()
    assert still_there == "leila@carthage.example"
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:partners_contact_change", args=[contact.pk])
    contact.refresh_from_db()
    assert (contact.email, contact.erased_at is not None) == ("", True)
    assert list(Erasure.objects.values_list("contact_id", "erased_by", "reason")) == [
        (contact.pk, dpo.pk, "request")
    ]


def test_contact_page_shows_the_privacy_tools_to_those_allowed_only(client, dpo, contact):
    other = UserFactory(username="another-charge", is_staff=True, is_superuser=True)
    url = reverse("admin:partners_contact_change", args=[contact.pk])
    erase = reverse("admin:privacy_erasure_erase", args=[contact.pk])

    client.force_login(dpo)
    shown = client.get(url).content.decode()
    client.force_login(UserFactory(username="plain", is_staff=True))
    plain = client.get(url)

    assert erase in shown
    assert "Export personal data (JSON)" in shown
    assert plain.status_code == 403  # a member of staff without any permission
    client.force_login(other)
    assert erase in client.get(url).content.decode()


def test_an_erased_contact_offers_no_second_erasure(client, superuser, contact):
    Contact.objects.filter(pk=contact.pk).update(erased_at="2026-01-01T00:00:00Z")
    client.force_login(superuser)

    page = client.get(reverse("admin:partners_contact_change", args=[contact.pk]))
    again = client.get(reverse("admin:privacy_erasure_erase", args=[contact.pk]))

    assert reverse("admin:privacy_erasure_erase", args=[contact.pk]) not in page.content.decode()
    assert again.status_code == 302
