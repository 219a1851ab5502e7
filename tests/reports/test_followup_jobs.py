"""The follow-up's jobs, with frozen time (the ``today`` of the services and tasks): reminders
at 30, 90 and 180 days after a mission, each once, never after a lead is closed; the weekly
digest of overdue actions.
"""

import datetime as dt
import hashlib
import re
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from reports.models import LeadReminder
from reports.services import followup as services
from reports.services.followup import (
    lead_reminder_send,
    lead_reminders_run,
    lead_update,
    overdue_digest_send,
    overdue_digests_run,
)
from reports.tasks.followup import lead_reminders_task, overdue_digests_task
from tests.conftest import requires_postgres
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    PartnerOrganisationFactory,
    UserFactory,
)
from tests.reports.factories_followup import LeadFactory

END = dt.date(2027, 1, 10)  # the mission's last day


def day(n: int) -> dt.date:
    return END + dt.timedelta(days=n)


@pytest.fixture
def mission(db):
    return MissionFactory(title="Wallonie 2027", starts_on=END - dt.timedelta(days=6), ends_on=END)


@pytest.fixture
def company(mission):
    company = CompanyFactory(legal_name="Alpha Pharma SA")
    contact = ContactFactory(company=company, first_name="Amira", email="amira@alpha.example")
    ApplicationFactory(mission=mission, company=company, contact=contact, language="fr")
    return company


@pytest.fixture
def lead(mission, company):
    return LeadFactory(
        mission=mission,
        company=company,
        partner=PartnerOrganisationFactory(name="BioWin"),
        title="Biosimilars licence",
        due_on=day(45),
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The daily job on a given day, its e-mail tasks run as after commit."""

    def run_on(today: dt.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return lead_reminders_run(today=today)

    return run_on


def _reminders() -> list[tuple]:
    """(company, milestone, sent?) of every reminder row."""
    return [
        (reminder.company.legal_name, reminder.milestone_days, reminder.sent_at is not None)
        for reminder in LeadReminder.objects.select_related("company").order_by("milestone_days")
    ]


# --- Reminders: when ------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_daily_for_200_days_send_each_milestone_once(run, lead):
    sent_on = {}

    for n in range(201):
        before = len(mail.outbox)
        run(day(n))
        if len(mail.outbox) > before:
            sent_on[n] = len(mail.outbox) - before

    assert sent_on == {30: 1, 90: 1, 180: 1}
    assert _reminders() == [
        ("Alpha Pharma SA", 30, True),
        ("Alpha Pharma SA", 90, True),
        ("Alpha Pharma SA", 180, True),
    ]


@pytest.mark.django_db
def test_reminders_none_before_the_first_milestone(run, lead):
    for n in range(30):
        run(day(n))

    assert _reminders() == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminders_run_twice_the_same_day_send_once(run, lead):
    assert run(day(30)) == 1
    assert run(day(30)) == 0
    assert lead_reminders_task.delay(today=day(30).isoformat()).get() == 0

    assert len(mail.outbox) == 1
    assert _reminders() == [("Alpha Pharma SA", 30, True)]


@pytest.mark.django_db
def test_reminder_send_twice_sends_once(run, lead):
    run(day(30))
    reminder = LeadReminder.objects.get()

    assert lead_reminder_send(reminder_id=reminder.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminders_late_beat_catches_up_within_two_weeks_only(run, lead):
    run(day(44))  # 30 + 14: the 30-day reminder is no longer due
    assert _reminders() == []

    run(day(95))  # beat down from day 90 to day 94
    assert _reminders() == [("Alpha Pharma SA", 90, True)]


@pytest.mark.django_db
def test_reminders_mission_long_past_sends_nothing(run, lead):
    run(day(400))

    assert _reminders() == []


@pytest.mark.django_db
def test_reminders_none_after_the_lead_is_closed(run, lead):
    run(day(30))
    lead_update(lead=lead, side="company", stage="dropped", dropped_reason="No budget")

    for n in (90, 180):
        run(day(n))

    assert _reminders() == [("Alpha Pharma SA", 30, True)]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminders_company_with_every_lead_closed_gets_none(run, mission, company):
    LeadFactory(mission=mission, company=company, stage="dropped", dropped_reason="No")
    LeadFactory(mission=mission, company=company, stage="agreement", agreement_kind="mou")

    run(day(30))

    assert _reminders() == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminders_one_per_company_for_all_its_open_leads(run, mission, lead):
    LeadFactory(
        mission=mission,
        company=lead.company,
        partner=PartnerOrganisationFactory(name="BioPark"),
        title="Clinical batches",
    )
    LeadFactory(mission=mission, stage="dropped", dropped_reason="No")  # another company

    run(day(30))

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "- BioWin: Biosimilars licence" in body
    assert "- BioPark: Clinical batches" in body


@pytest.mark.django_db
def test_reminder_lead_closed_before_the_email_leaves_sends_nothing(lead, mission):
    lead_reminders_run(today=day(30))  # the row is written; the task not run (no commit)
    lead_update(lead=lead, side="company", stage="dropped", dropped_reason="No")

    assert lead_reminder_send(reminder_id=LeadReminder.objects.get().pk) is False
    assert mail.outbox == []


# --- Reminders: what is sent, and when the mail server fails --------------------------------


@pytest.mark.django_db
def test_reminder_email_in_the_application_language_with_a_one_time_link(run, lead):
    run(day(30))

    message = mail.outbox[0]
    assert message.to == ["amira@alpha.example"]
    assert message.extra_headers["Content-Language"] == "fr"
    token = re.search(r"/company/leads/update/([A-Za-z0-9_-]+)/", message.body).group(1)
    reminder = LeadReminder.objects.get()
    # Only the hash is kept; the token is the one e-mailed.
    assert reminder.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(LeadReminder.objects.values().get())
    assert reminder.sent_at is not None
    assert reminder.used_at is None


@pytest.mark.django_db
def test_reminder_email_english_text_lists_the_lead(run, lead, company):
    company.applications.update(language="en")

    run(day(90))

    message = mail.outbox[0]
    assert message.subject == "What came of your meetings? Your leads from “Wallonie 2027”"
    assert "The mission “Wallonie 2027” ended 90 days ago." in message.body
    assert "- BioWin: Biosimilars licence" in message.body
    assert "Next action: Send the samples" in message.body


@pytest.mark.django_db
def test_reminder_without_application_goes_to_a_confirmed_contact(run, mission):
    company = CompanyFactory()
    ContactFactory(company=company, email="unconfirmed@x.example", is_confirmed=False)
    ContactFactory(company=company, email="boss@x.example", language="ar")
    LeadFactory(mission=mission, company=company)

    run(day(30))

    assert [(m.to, m.extra_headers["Content-Language"]) for m in mail.outbox] == [
        (["boss@x.example"], "ar")
    ]


@pytest.mark.django_db
def test_reminder_without_any_address_is_kept_unsent(run, mission):
    LeadFactory(mission=mission, company=CompanyFactory())

    run(day(30))

    assert mail.outbox == []
    assert LeadReminder.objects.get().sent_at is None


@pytest.mark.django_db
def test_reminder_mail_server_down_row_kept_then_sent_once_the_next_day(run, lead, monkeypatch):
    calls = []

    def down(**kwargs):
        calls.append(kwargs["to"])
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_templated_mail", down)
    run(day(30))

    reminder = LeadReminder.objects.get()  # written before sending: it survives the failure
    assert reminder.sent_at is None
    assert calls  # tried (a worker retries with growing pauses: EMAIL_TASK_OPTIONS)

    monkeypatch.undo()
    run(day(31))
    run(day(32))

    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_reminders_two_runs_at_once_send_once(monkeypatch, lead):
    """Two workers run the daily job at the same moment (beat restarted, a redelivery): the
    row's unique constraint makes one reminder, its lock one e-mail.
    """
    send = services.send_templated_mail

    def slow_send(**kwargs):
        time.sleep(0.3)  # the other run reaches the same row while this one sends
        send(**kwargs)

    monkeypatch.setattr(services, "send_templated_mail", slow_send)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                lead_reminders_run(today=day(30))
        except Exception as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(mail.outbox) == 1
    assert LeadReminder.objects.filter(sent_at__isnull=False).count() == 1


# --- Weekly digest of overdue actions -------------------------------------------------------


@pytest.fixture
def owner(db):
    return UserFactory(
        username="leila",
        first_name="Leïla",
        is_staff=True,
        email="leila@cepex.example",
        language="en",
    )


@pytest.mark.django_db
def test_digest_lists_only_the_owner_overdue_open_leads(owner, django_capture_on_commit_callbacks):
    today = dt.date(2027, 6, 7)
    mission = MissionFactory(title="Wallonie 2027")
    LeadFactory(
        mission=mission,
        owner=owner,
        company=CompanyFactory(legal_name="Alpha Pharma SA"),
        partner=PartnerOrganisationFactory(name="BioWin"),
        next_action="Call BioWin back",
        due_on=today - dt.timedelta(days=3),
    )
    LeadFactory(owner=owner, due_on=today, next_action="Due today: not late")
    LeadFactory(
        owner=owner,
        stage="dropped",
        dropped_reason="No",
        due_on=today - dt.timedelta(days=9),
        next_action="Closed",
    )
    LeadFactory(owner=UserFactory(is_staff=True), due_on=today - dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        owners = overdue_digests_task.delay(today=today.isoformat()).get()

    assert owners == 2
    mine = [m for m in mail.outbox if m.to == ["leila@cepex.example"]]
    assert len(mine) == 1
    assert mine[0].subject == "Follow-up: 1 overdue action"
    body = mine[0].body
    assert "Hello Leïla," in body
    assert "- Alpha Pharma SA / BioWin (Wallonie 2027)" in body
    assert "Next action: Call BioWin back" in body
    assert "3 days late" in body
    assert "Due today" not in body
    assert "Closed" not in body


@pytest.mark.django_db
def test_digest_in_the_owner_language(owner):
    owner.language = "ar"
    owner.save()
    today = dt.date(2027, 6, 7)
    LeadFactory(owner=owner, due_on=today - dt.timedelta(days=1))

    assert overdue_digest_send(owner_id=owner.pk, today=today) == 1

    assert mail.outbox[0].extra_headers["Content-Language"] == "ar"


@pytest.mark.django_db
def test_digest_nothing_overdue_sends_nothing(owner, django_capture_on_commit_callbacks):
    LeadFactory(owner=owner, due_on=timezone.localdate() + dt.timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_digests_run() == 0

    assert mail.outbox == []


@pytest.mark.django_db
def test_digest_owner_who_left_gets_nothing(owner):
    today = dt.date(2027, 6, 7)
    LeadFactory(owner=owner, due_on=today - dt.timedelta(days=1))
    owner.is_active = False
    owner.save()

    assert overdue_digests_run(today=today) == 0
    assert overdue_digest_send(owner_id=owner.pk, today=today) == 0
    assert mail.outbox == []
