"""Invalid UTF-8 in a form is refused with 400, never stored as replacement characters."""

import pytest
from django.conf import settings
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


# --- The size of a request ------------------------------------------------------------------


def test_request_larger_than_the_limit_refused_413_unread(client, url, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    brochure = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 // 2 * 3))

    response = client.post(url, {"legal_name": "Big SA", "brochure": brochure})

    assert response.status_code == 413
    assert "What you sent is too large (1.5 MB); the portal accepts at most 1 MB" in (response.text)
    assert Company.objects.count() == 0


def test_request_within_the_limit_reaches_the_form(client, url, settings):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    brochure = SimpleUploadedFile("small.pdf", b"%PDF-1.4\n" + b"0" * 8192)

    response = client.post(url, {"legal_name": "Small SA", "brochure": brochure})

    assert response.status_code == 400  # the form's own errors: required fields missing
    assert "Small SA" in response.text


def test_request_with_a_length_that_is_not_a_number_refused_400(client, url):
    response = client.post(url, {"legal_name": "X"}, CONTENT_LENGTH="12abc")

    assert response.status_code == 400
    assert Company.objects.count() == 0


def test_default_request_limit_holds_a_brochure_and_its_form(settings):
    assert settings.MAX_REQUEST_BYTES >= settings.BROCHURE_MAX_BYTES + 1024 * 1024
    assert settings.MAX_REQUEST_BYTES >= settings.IMPORT_FILE_MAX_BYTES + 1024 * 1024


@pytest.mark.parametrize(
    "query",
    [
        "mission__id__in=1,99999999999999999999",
        "mission__id__exact=99999999999999999999",
        "company__id__exact=-99999999999999999999",
    ],
)
def test_admin_filter_with_an_id_too_large_for_the_database_never_answers_500(client, query):
    # SQLite cannot bind the id of an "in" filter (OverflowError: 400 with the reason);
    # PostgreSQL compares it and finds nothing (200).
    from tests.factories import ApplicationFactory, UserFactory

    ApplicationFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"/admin/missions/application/?{query}")

    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert "A number in the address or the form is too large." in response.content.decode()


def test_number_out_of_range_middleware_turns_an_overflow_into_400_and_lets_others_pass(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from cepex_portal.middleware import NumberOutOfRangeMiddleware

    middleware = NumberOutOfRangeMiddleware(lambda request: None)
    request = rf.get("/admin/missions/application/?mission__id__in=1,99999999999999999999")
    request.user = AnonymousUser()

    with translation.override("en"):
        answer = middleware.process_exception(request, OverflowError("too large"))

    assert answer.status_code == 400
    assert "A number in the address or the form is too large." in answer.content.decode()
    assert middleware.process_exception(request, ValueError("other")) is None
