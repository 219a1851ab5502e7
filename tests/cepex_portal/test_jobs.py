"""Sending e-mail never fails a request (issue 6): the broker or the mail server may be down.

With no broker, tasks run in the web process; with the mail server unreachable they fail.
The record must be kept, the answer must be the normal one, and it must not depend on
whether an address is known (a 500 for known addresses only would tell strangers which
exist).
"""

import datetime as dt
import socket
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cepex_portal.jobs import (
    FAILED,
    MAX_FAILURES,
    STALE_CLAIM,
    TAKEN,
    dispatch,
    enqueue_on_commit,
    relay_outbox,
    retry_delay,
)
from cepex_portal.models import OutboxJob
from missions.models import Application
from missions.tasks import application_confirmation_email_task
from tests.brokers import broker_at, interest_form_data
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


def test_dispatch_failing_task_returns_failed_and_logs(mail_server_down, caplog):
    application = ApplicationFactory()
    job = OutboxJob.objects.create(
        task_name=application_confirmation_email_task.name,
        kwargs={"application_id": application.pk},
    )

    assert dispatch(job_id=job.pk) == FAILED
    assert "not sent, the relay will try again" in caplog.text
    assert "missions.application_confirmation_email" in caplog.text


def test_interest_form_mail_server_down_saves_and_answers_normally(
    client, mail_server_down, django_capture_on_commit_callbacks
):
    mission = MissionFactory(slug="m")
    data = interest_form_data(sector_id=SectorFactory().pk)

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


# --- The outbox: a job is a row until the broker has it -----------------------------------------


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go through a broker (not in process) that refuses connections: Redis down."""
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    with broker_at(url, monkeypatch):
        yield url


def test_enqueue_on_commit_rolled_back_leaves_no_job_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()

    def save_then_fail():
        with transaction.atomic():
            enqueue_on_commit(application_confirmation_email_task, application_id=application.pk)
            inside.append(OutboxJob.objects.count())
            raise RuntimeError("the application was not saved after all")

    inside = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        save_then_fail()

    assert inside == [1]  # the job was a row of the transaction

    assert callbacks == []
    assert OutboxJob.objects.count() == 0
    assert mailoutbox == []


def test_enqueue_on_commit_sent_job_leaves_no_row(mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory(contact__email="amira@alpha.example")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(application_confirmation_email_task, application_id=application.pk)

    assert OutboxJob.objects.count() == 0
    assert [m.to for m in mailoutbox] == [["amira@alpha.example"]]


def test_broker_down_job_waits_with_its_error_then_relay_sends_it_once(
    broker_down, settings, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(contact__email="amira@alpha.example")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(application_confirmation_email_task, application_id=application.pk)

    job = OutboxJob.objects.get()
    assert job.task_name == "missions.application_confirmation_email"
    assert job.kwargs == {"application_id": application.pk}
    assert (job.attempts, job.claimed_at) == (1, None)
    assert job.last_error.startswith("OperationalError")
    assert relay_outbox() == (0, 1, True)  # still down: it waits, tried once more
    assert OutboxJob.objects.get().attempts == 2

    from cepex_portal.celery import app

    app.conf.task_always_eager = True  # the broker is back (in process, as the suite runs)
    assert relay_outbox() == (1, 0, False)
    assert relay_outbox() == (0, 0, False)
    assert [m.to for m in mailoutbox] == [["amira@alpha.example"]]


def test_relay_stops_at_the_first_job_the_broker_refuses(broker_down):
    for _ in range(3):
        OutboxJob.objects.create(task_name="cepex_portal.purge_login_links")

    assert relay_outbox() == (0, 3, True)
    assert list(OutboxJob.objects.values_list("attempts", "failures")) == [(1, 0), (0, 0), (0, 0)]
    assert OutboxJob.objects.filter(retry_after__isnull=False).count() == 0  # no backing off


def test_relay_goes_on_past_a_job_whose_task_failed(mail_server_down):
    failing = OutboxJob.objects.create(
        task_name="missions.application_confirmation_email",
        kwargs={"application_id": ApplicationFactory().pk},
    )
    fine = OutboxJob.objects.create(task_name="cepex_portal.purge_login_links")

    assert relay_outbox() == (1, 1, False)
    assert list(OutboxJob.objects.values_list("pk", flat=True)) == [failing.pk]
    assert not OutboxJob.objects.filter(pk=fine.pk).exists()
    assert "ConnectionRefusedError" in OutboxJob.objects.get().last_error


def test_a_job_another_sender_holds_is_not_sent_twice(mailoutbox):
    application = ApplicationFactory()
    job = OutboxJob.objects.create(
        task_name="missions.application_confirmation_email",
        kwargs={"application_id": application.pk},
        claimed_at=timezone.now(),  # another process is sending it right now
    )

    assert relay_outbox() == (0, 1, False)
    assert dispatch(job_id=job.pk) == TAKEN
    assert mailoutbox == []


def test_a_claim_older_than_stale_claim_is_taken_again(mailoutbox):
    application = ApplicationFactory(contact__email="amira@alpha.example")
    OutboxJob.objects.create(
        task_name="missions.application_confirmation_email",
        kwargs={"application_id": application.pk},
        claimed_at=timezone.now() - STALE_CLAIM - dt.timedelta(seconds=1),  # its sender died
    )

    assert relay_outbox() == (1, 0, False)
    assert [m.to for m in mailoutbox] == [["amira@alpha.example"]]


def test_interest_form_broker_down_saves_and_keeps_the_confirmation_job(
    client, broker_down, django_capture_on_commit_callbacks
):
    mission = MissionFactory(slug="m")
    data = interest_form_data(sector_id=SectorFactory().pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:interest", args=[mission.slug]), data)

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert [job.task_name for job in OutboxJob.objects.all()] == [
        "missions.submission_received_email"
    ]


def test_relay_outbox_command_says_how_many_were_sent(mailoutbox):
    OutboxJob.objects.create(task_name="cepex_portal.purge_login_links")
    out = StringIO()

    call_command("relay_outbox", stdout=out)

    assert out.getvalue() == "1 jobs sent; 0 still in the outbox.\n"


def test_relay_outbox_command_broker_down_exits_1_with_one_line(broker_down):
    OutboxJob.objects.create(task_name="cepex_portal.purge_login_links")

    with pytest.raises(CommandError, match=r"^The broker refused every job: is it running\?$") as e:
        call_command("relay_outbox")

    assert e.value.returncode == 1


def test_a_worker_that_starts_relays_the_outbox(mailoutbox):
    from celery.signals import worker_ready

    application = ApplicationFactory(contact__email="amira@alpha.example")
    OutboxJob.objects.create(
        task_name="missions.application_confirmation_email",
        kwargs={"application_id": application.pk},
    )

    worker_ready.send(sender=None)  # what a worker started by `celery worker` sends when ready

    assert OutboxJob.objects.count() == 0
    assert [m.to for m in mailoutbox] == [["amira@alpha.example"]]


# --- A job that fails on its own backs off, then waits for a superuser --------------------------


def _past(job: OutboxJob) -> None:
    """Time passes: the job's next try is due."""
    OutboxJob.objects.filter(pk=job.pk).update(retry_after=timezone.now() - dt.timedelta(seconds=1))


def test_retry_delay_doubles_from_a_minute_up_to_six_hours():
    delays = [retry_delay(n) for n in (1, 2, 3, 4, 10, 20)]

    assert [d.total_seconds() / 60 for d in delays] == [1, 2, 4, 8, 360, 360]


def test_a_job_whose_task_is_gone_backs_off_instead_of_being_tried_every_minute(caplog):
    job = OutboxJob.objects.create(task_name="missions.renamed_by_a_deploy")
    before = timezone.now()

    assert relay_outbox() == (0, 1, False)
    job.refresh_from_db()
    assert (job.attempts, job.failures) == (1, 1)
    assert job.last_error.startswith("NotRegistered")
    assert before + dt.timedelta(seconds=59) < job.retry_after <= timezone.now() + retry_delay(1)
    assert "will try again in 0:01:00" in caplog.text

    assert relay_outbox() == (0, 1, False)  # a minute has not passed: not tried
    assert OutboxJob.objects.get().attempts == 1

    _past(job)
    relay_outbox()
    job.refresh_from_db()
    assert (job.attempts, job.failures) == (2, 2)
    assert job.retry_after > timezone.now() + dt.timedelta(seconds=119)


def test_a_job_failing_max_failures_times_is_given_up_logged_and_left_alone(caplog):
    job = OutboxJob.objects.create(task_name="missions.renamed_by_a_deploy")
    for _ in range(MAX_FAILURES):
        _past(job)
        relay_outbox()

    job.refresh_from_db()
    assert (job.attempts, job.failures, job.retry_after) == (MAX_FAILURES, MAX_FAILURES, None)
    assert [r.levelname for r in caplog.records if "gives up" in r.getMessage()] == ["ERROR"]

    relay_outbox()
    assert OutboxJob.objects.get().attempts == MAX_FAILURES  # never tried again by the relay


def test_relay_outbox_command_names_the_jobs_given_up(mailoutbox):
    OutboxJob.objects.create(task_name="missions.gone", failures=MAX_FAILURES)
    OutboxJob.objects.create(task_name="cepex_portal.purge_login_links")
    out = StringIO()

    call_command("relay_outbox", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 jobs sent; 1 still in the outbox.",
        f"1 jobs failed {MAX_FAILURES} times and wait for a superuser "
        "(admin: background jobs waiting for the broker).",
    ]


def test_admin_send_now_sends_a_given_up_job_once_its_cause_is_fixed(client, superuser, mailoutbox):
    application = ApplicationFactory(contact__email="amira@alpha.example")
    given_up = OutboxJob.objects.create(
        task_name="missions.application_confirmation_email",
        kwargs={"application_id": application.pk},
        failures=MAX_FAILURES,
        last_error="ConnectionRefusedError: the mail server was down",
    )
    other = OutboxJob.objects.create(task_name="missions.gone", failures=MAX_FAILURES)
    client.force_login(superuser)
    changelist = reverse("admin:cepex_portal_outboxjob_changelist")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(changelist).content.decode()
    response = client.post(
        changelist,
        {"action": "send_now", "_selected_action": [given_up.pk]},
        follow=True,
    )

    assert page.count("given up: send it again once the cause is fixed") == 2
    assert "1 jobs sent; 1 still in the outbox." in response.content.decode()
    assert [m.to for m in mailoutbox] == [["amira@alpha.example"]]
    assert list(OutboxJob.objects.values_list("pk", flat=True)) == [other.pk]
