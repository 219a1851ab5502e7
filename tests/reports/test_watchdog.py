"""The report watchdog: a report no worker is making goes back to the queue, or fails once
workers stopped on it ``REPORT_ATTEMPTS`` times; a report whose job waits in the outbox
(broker down) is left to the outbox."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from cepex_portal.models import OutboxJob
from reports.enums import ReportState
from reports.models import Report
from reports.selectors.generation import report_stale_before
from reports.services.generation import REPORT_ATTEMPTS, report_generate, reports_watchdog
from tests.reports.factories_pdfreports import ReportFactory, build_world

pytestmark = pytest.mark.django_db


def _age(report: Report, *, before: dt.datetime, started: bool = True) -> None:
    """Date the row as a dead worker left it (``update`` keeps ``auto_now`` out of it)."""
    fields = {"updated_at": before}
    if started:
        fields["started_at"] = before
    Report.objects.filter(pk=report.pk).update(**fields)


def test_running_report_of_a_dead_worker_is_made_again(django_capture_on_commit_callbacks):
    world = build_world()
    report = ReportFactory(
        mission=world.mission, kind="followup", language="en", state=ReportState.RUNNING
    )
    Report.objects.filter(pk=report.pk).update(attempts=1, progress=40)
    _age(report, before=report_stale_before() - dt.timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert reports_watchdog() == (1, 0)

    report.refresh_from_db()
    assert (report.state, report.progress, report.attempts) == (ReportState.DONE, 100, 2)
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert OutboxJob.objects.count() == 0


def test_running_report_not_yet_stale_is_left_to_its_worker():
    report = ReportFactory(state=ReportState.RUNNING)
    _age(report, before=report_stale_before() + dt.timedelta(seconds=30))

    assert reports_watchdog() == (0, 0)
    report.refresh_from_db()
    assert report.state == ReportState.RUNNING


def test_report_that_killed_workers_three_times_fails_with_a_message():
    report = ReportFactory(state=ReportState.RUNNING)
    Report.objects.filter(pk=report.pk).update(attempts=REPORT_ATTEMPTS)
    _age(report, before=report_stale_before() - dt.timedelta(minutes=1))

    with translation.override("en"):  # the error is written in the language of the moment
        assert reports_watchdog() == (0, 1)

    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error.startswith(f"Workers stopped {REPORT_ATTEMPTS} times")
    assert report.finished_at is not None
    assert OutboxJob.objects.count() == 0


def test_queued_report_whose_message_was_lost_is_sent_again():
    report = ReportFactory(state=ReportState.QUEUED)
    _age(report, before=report_stale_before() - dt.timedelta(seconds=1), started=False)

    assert reports_watchdog() == (1, 0)

    # The test's transaction never commits: the new job waits in the outbox, as it would
    # for the moment of the commit.
    job = OutboxJob.objects.get()
    assert (job.task_name, job.kwargs) == ("reports.generate", {"report_id": report.pk})


def test_queued_report_whose_job_waits_in_the_outbox_is_left_alone():
    report = ReportFactory(state=ReportState.QUEUED)
    _age(report, before=report_stale_before() - dt.timedelta(hours=1), started=False)
    OutboxJob.objects.create(task_name="reports.generate", kwargs={"report_id": report.pk})

    assert reports_watchdog() == (0, 0)
    assert OutboxJob.objects.count() == 1


def test_a_redelivered_job_for_a_done_report_does_nothing():
    report = ReportFactory(done=True)
    finished = timezone.now() - dt.timedelta(minutes=3)
    Report.objects.filter(pk=report.pk).update(finished_at=finished, attempts=1)

    report_generate(report=report)

    report.refresh_from_db()
    assert (report.state, report.attempts, report.finished_at) == (ReportState.DONE, 1, finished)
