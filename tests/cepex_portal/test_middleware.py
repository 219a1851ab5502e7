"""Invalid UTF-8 in a form is refused with 400, never stored as replacement characters."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from django.urls import reverse

from partners.models import Company
from tests.factories import MissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url():
    return reverse("portal:interest", args=[MissionFactory(slug="m").slug])


def test_urlencoded_body_with_invalid_utf8_refused(client, url):
    response = client.post(
        url,
        b"legal_name=Soci%E9t%E9&tax_id=1234567A",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert Company.objects.count() == 0


def test_urlencoded_body_raw_latin1_bytes_refused(client, url):
    response = client.post(
        url,
        "legal_name=Société".encode("latin-1"),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


def test_multipart_body_with_invalid_utf8_field_refused(client, url):
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="legal_name"\r\n\r\n'.encode()
        + "Société".encode("latin-1")
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 400


def test_multipart_with_binary_file_and_utf8_text_passes(client, url):
    boundary = "BoUnDaRy"
    body = encode_multipart(
        boundary,
        {
            "legal_name": "Société Tunisienne السلام",
            "brochure": SimpleUploadedFile("b.pdf", b"%PDF-1.4\xff\xfe\x00binary"),
        },
    )

    response = client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 400  # the form's own errors: required fields missing
    assert "UTF-8" not in response.content.decode()
    assert "Société Tunisienne السلام" in response.content.decode()


def test_query_string_with_invalid_utf8_refused(client):
    response = client.get("/?q=%FF")

    assert response.status_code == 400


def test_valid_utf8_query_string_passes(client):
    assert client.get("/?q=%C3%A9").status_code == 200
