"""Whatever a company types is shown as text everywhere: pages, admin and e-mails."""

import pytest
from django.urls import reverse

from missions.emails import send_application_confirmation
from tests.factories import ApplicationFactory, CompanyFactory, WishedPartnerFactory

pytestmark = pytest.mark.django_db

EVIL = "<script>alert('x')</script><b>Bold</b>"


@pytest.fixture
def evil_application():
    company = CompanyFactory(legal_name=EVIL, description=EVIL)
    application = ApplicationFactory(company=company, motivation=EVIL)
    WishedPartnerFactory(application=application, motivation=EVIL)
    return application


@pytest.mark.parametrize(
    "url_name",
    ["admin:missions_application_changelist", "admin:partners_company_changelist"],
)
def test_admin_changelist_escapes_company_text(client, superuser, evil_application, url_name):
    client.force_login(superuser)

    body = client.get(reverse(url_name)).content.decode()

    assert "<script>alert('x')</script>" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_admin_application_change_page_escapes_motivation_and_wishes(
    client, superuser, evil_application
):
    client.force_login(superuser)

    url = reverse("admin:missions_application_change", args=[evil_application.pk])
    body = client.get(url).content.decode()

    assert "<script>alert('x')</script>" not in body
    assert "<b>Bold</b>" not in body


def test_confirmation_email_is_plain_text_and_carries_company_name_as_typed(
    evil_application, mailoutbox
):
    send_application_confirmation(application=evil_application)

    message = mailoutbox[0]
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])
    assert EVIL in message.body  # text, never interpreted as markup
