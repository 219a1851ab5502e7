"""Sending e-mail never fails a request (issue 6): the broker or the mail server may be down.

With no broker, tasks run in the web process; with the mail server unreachable they fail.
The record must be kept, the answer must be the normal one, and it must not depend on
whether an address is known (a 500 for known addresses only would tell strangers which
exist).
"""

import socket

import pytest
from django.urls import reverse

from cepex_portal.jobs import enqueue
from missions.models import Application
from missions.tasks import application_confirmation_email_task
from tests.factories import ApplicationFactory, MissionFactory, SectorFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def mail_server_down(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2


def test_enqueue_failing_task_returns_false_and_logs(mail_server_down, caplog):
    application = ApplicationFactory()

    assert enqueue(application_confirmation_email_task, application_id=application.pk) is False
    assert "could not run or enqueue missions.application_confirmation_email" in caplog.text


def test_interest_form_mail_server_down_saves_and_answers_normally(
    client, mail_server_down, django_capture_on_commit_callbacks
):
    mission = MissionFactory(slug="m")
    sector = SectorFactory()
    data = {
        "legal_name": "Carthage SA",
        "tax_id": "1234567A",
        "governorate": "tunis",
        "sectors": [str(sector.pk)],
        "size": "small",
        "first_name": "Leila",
        "last_name": "T",
        "email": "leila@carthage.example",
        "phone": "+21671234567",
        "objectives": ["export"],
        "consent": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:interest", args=[mission.slug]), data)

    assert response.status_code == 302
    assert Application.objects.count() == 1


def test_login_link_mail_server_down_same_answer_known_or_not(
    client, mail_server_down, company_a_user, django_capture_on_commit_callbacks
):
    answers = []
    for email in (company_a_user.email, "nobody@nowhere.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("space:login"), {"email": email})
        answers.append((response.status_code, response.get("Location")))

    assert answers[0] == answers[1] == (302, reverse("space:login_sent"))
