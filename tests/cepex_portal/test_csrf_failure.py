"""The CSRF failure page under the strict CSP (issue 6, item 5).

Django's own page for a form refused by the CSRF check has inline styles, which the policy
blocks: the visitor saw an unstyled page and the browser reported violations. Ours is a
portal page, translated, with no inline code, answered with 403.
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.csp import STRICT_DIRECTIVES, csp_directives, inline_code


@pytest.fixture
def csrf_client():
    """A browser whose forms are checked, as in production; English pages."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_form_without_csrf_token_gets_the_portal_page_without_inline_code(csrf_client, settings):
    settings.DEBUG = False
    csrf_client.get(reverse("space:login"))  # the CSRF cookie is set, the token is not sent

    response = csrf_client.post(reverse("space:login"), {"email": "a@example.com"})

    page = response.content.decode()
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403_csrf.html", "base.html"]
    assert "<h1>The form could not be sent</h1>" in page
    assert "Go back, reload the page and send the form again." in page
    assert "security cookie" not in page
    assert inline_code(page) == []
    assert csp_directives(response) == STRICT_DIRECTIVES


@pytest.mark.django_db
def test_form_without_csrf_cookie_is_told_to_allow_cookies(csrf_client):
    response = csrf_client.post(reverse("space:login"), {"email": "a@example.com"})

    assert response.status_code == 403
    assert (
        "Your browser did not send the portal's security cookie: allow cookies for this site."
        in response.content.decode().replace("&#x27;", "'")
    )
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_admin_login_without_csrf_token_gets_the_same_page(csrf_client):
    csrf_client.get(reverse("admin:login"))

    response = csrf_client.post(reverse("admin:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "<h1>The form could not be sent</h1>" in response.content.decode()
    assert csp_directives(response) == STRICT_DIRECTIVES


@pytest.mark.django_db
def test_csrf_failure_page_follows_the_visitors_language(csrf_client):
    csrf_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = csrf_client.post(reverse("space:login"), {"email": "a@example.com"})

    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>تعذّر إرسال الاستمارة</h1>" in page


@pytest.mark.django_db
def test_csrf_failure_page_is_french_by_default():
    client = Client(enforce_csrf_checks=True)  # no language cookie, no Accept-Language

    response = client.post(reverse("space:login"), {"email": "a@example.com"})

    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 403
    assert '<html lang="fr"' in page
    assert "<title>Le formulaire n'a pas pu être envoyé" in page
    assert "<h1>Le formulaire n'a pas pu être envoyé</h1>" in page
    assert "autorisez les cookies pour ce site." in page
    assert "Revenez en arrière, rechargez la page et renvoyez le formulaire." in page
