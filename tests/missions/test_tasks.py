"""Celery tasks: run eagerly (as in every other test) and once through a real worker.

The real-worker test sends a task through the Redis broker of CELERY_BROKER_URL to a worker
started in a thread of this process, and waits for its result: it proves the task is
registered under its name, serialises its arguments as JSON, and reaches the database and the
mail backend from a worker, which no eager test can.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.conf import settings
from django.core import mail

from cepex_portal.celery import app as celery_app
from missions.enums import ApplicationStatus
from missions.tasks import application_decision_email_task
from tests.factories import ApplicationFactory, MissionFactory

# --- Decision e-mail, eager ------------------------------------------------------------------


@pytest.mark.django_db
def test_decision_email_task_accepted_in_english_sends_one_english_email(mailoutbox):
    application = ApplicationFactory(
        mission=MissionFactory(title="Wallonia 2017"),
        company__legal_name="Alpha Pharma SA",
        contact__email="amira@alpha.example",
        status=ApplicationStatus.ACCEPTED,
        language="en",
    )

    application_decision_email_task.delay(application_id=application.pk)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["amira@alpha.example"]
    assert message.subject == "Your application to “Wallonia 2017”"
    assert (
        "We are pleased to tell you that Alpha Pharma SA is accepted in the delegation of the "
        "mission “Wallonia 2017”." in message.body
    )
    assert message.extra_headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_decision_email_task_accepted_in_french_sends_one_email_in_french(mailoutbox):
    application = ApplicationFactory(
        mission=MissionFactory(title="Wallonie 2017"),
        status=ApplicationStatus.ACCEPTED,
        language="fr",
    )

    application_decision_email_task.delay(application_id=application.pk)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    # The French catalogue may not translate this text yet: only the title is certain.
    assert "Wallonie 2017" in message.subject
    assert message.extra_headers["Content-Language"] == "fr"


@pytest.mark.django_db
def test_decision_email_task_missing_application_sends_nothing(mailoutbox):
    result = application_decision_email_task.delay(application_id=987654)

    assert result.successful()
    assert mailoutbox == []


@pytest.mark.django_db
def test_decision_email_task_undecided_application_sends_nothing(mailoutbox):
    application = ApplicationFactory(status=ApplicationStatus.APPLIED)

    application_decision_email_task.delay(application_id=application.pk)

    assert mailoutbox == []


# --- Decision e-mail, through a real worker --------------------------------------------------


@pytest.fixture
def real_worker():
    """A Celery worker in a thread of this process, fed by the broker of the settings."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL (Redis); CI sets it")
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = was_eager


@pytest.mark.django_db(transaction=True)
def test_decision_email_task_through_real_worker_sends_the_email(real_worker):
    # Committed data (transaction=True): the worker reads it on its own connection.
    application = ApplicationFactory(
        mission=MissionFactory(title="Wallonia 2017"),
        contact__email="amira@alpha.example",
        status=ApplicationStatus.ACCEPTED,
        language="en",
    )
    mail.outbox = []

    result = application_decision_email_task.delay(application_id=application.pk)
    # No result backend (job state lives in our rows): wait for the effect itself.
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not isinstance(result, EagerResult)  # it went through the broker
    # The worker runs in a thread of this process: its locmem backend is this outbox.
    assert [message.to for message in mail.outbox] == [["amira@alpha.example"]]
    assert mail.outbox[0].subject == "Your application to “Wallonia 2017”"
