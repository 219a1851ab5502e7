"""Generation of reports: requests (one under way per mission, kind and language), the
worker's run (progress in the row, the file written whole, done or failed), the monthly
regeneration of follow-up reports.
"""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pypdf
import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cepex_portal.models import OutboxJob
from missions.enums import MissionStatus
from reports.enums import LeadStage, ReportKind, ReportState
from reports.models import Report
from reports.services import generation
from reports.services.generation import (
    HTML_DONE,
    followups_regenerate,
    report_generate,
    report_request,
)
from reports.tasks.generation import report_generate_task
from tests.factories import MissionFactory, UserFactory
from tests.reports.factories_pdfreports import LeadFactory, ReportFactory, build_world

pytestmark = pytest.mark.django_db


def _folder(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports"


# --- Requests --------------------------------------------------------------------------------


def test_request_queues_a_report_and_enqueues_its_task_after_commit(
    django_capture_on_commit_callbacks,
):
    mission = MissionFactory()
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = report_request(mission=mission, kind="followup", language="ar", by=user)

    # The job is a row of the outbox, written with the report; it is sent after the commit
    # (the worker must find the row).
    assert len(callbacks) == 1
    assert list(OutboxJob.objects.values_list("task_name", "kwargs")) == [
        (report_generate_task.name, {"report_id": report.pk})
    ]
    report.refresh_from_db()
    assert (report.kind, report.language, report.state, report.progress) == (
        "followup",
        "ar",
        ReportState.QUEUED,
        0,
    )
    assert report.requested_by == user


@pytest.mark.parametrize("state", [ReportState.QUEUED, ReportState.RUNNING])
def test_request_same_report_under_way_refused(state):
    mission = MissionFactory()
    ReportFactory(mission=mission, kind="dossier", language="fr", state=state)

    with pytest.raises(ValidationError) as caught:
        report_request(mission=mission, kind="dossier", language="fr", by=None)

    assert caught.value.code == "running"
    assert caught.value.messages == [
        "This report is already being made in this language; it will be ready shortly."
    ]
    assert Report.objects.count() == 1


def test_request_other_language_or_kind_while_one_runs_queued():
    mission = MissionFactory()
    ReportFactory(mission=mission, kind="dossier", language="fr", state=ReportState.RUNNING)

    english = report_request(mission=mission, kind="dossier", language="en", by=None)
    followup = report_request(mission=mission, kind="followup", language="fr", by=None)

    assert english.state == followup.state == ReportState.QUEUED


def test_request_after_a_done_or_failed_one_queued():
    mission = MissionFactory()
    ReportFactory(mission=mission, kind="dossier", language="fr", done=True)
    ReportFactory(mission=mission, kind="dossier", language="fr", state=ReportState.FAILED)

    report = report_request(mission=mission, kind="dossier", language="fr", by=None)

    assert report.state == ReportState.QUEUED


def test_request_unknown_kind_and_language_refused_with_both_messages():
    with pytest.raises(ValidationError) as caught:
        report_request(mission=MissionFactory(), kind="annual", language="de", by=None)

    assert caught.value.message_dict == {
        "kind": ["Unknown kind of report “annual”: choose dossier, followup."],
        "language": ["Unknown language “de”: choose fr, en, ar."],
    }
    assert Report.objects.count() == 0


def test_request_report_left_running_by_a_dead_worker_failed_and_a_new_one_queued(settings):
    mission = MissionFactory()
    stale = ReportFactory(
        mission=mission,
        state=ReportState.RUNNING,
        started_at=timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120),
    )

    report = report_request(mission=mission, kind=stale.kind, language=stale.language, by=None)

    stale.refresh_from_db()
    assert stale.state == ReportState.FAILED
    assert stale.error == "The worker stopped before the report was finished."
    assert report.state == ReportState.QUEUED


# --- Generation ------------------------------------------------------------------------------


def test_generate_writes_the_pdf_and_records_checksum_size_and_pages(settings):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")

    report = report_generate(report=report)

    assert report.state == ReportState.DONE
    assert report.progress == 100
    assert report.error == ""
    assert report.started_at <= report.finished_at
    data = report.file.read()
    report.file.close()
    assert data.startswith(b"%PDF-")
    assert report.checksum == hashlib.sha256(data).hexdigest()
    assert report.size_bytes == len(data)
    assert report.pages == len(pypdf.PdfReader(io.BytesIO(data)).pages)
    assert report.file.name.startswith("reports/followup-")
    # Nothing half-written is left beside it.
    assert [path.name for path in _folder(settings).iterdir()] == [Path(report.file.name).name]
    assert (_folder(settings) / Path(report.file.name).name).stat().st_mode & 0o777 == 0o600


def test_generate_saves_its_progress_in_the_row_as_it_goes(monkeypatch):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")
    seen = []
    render_pdf = generation.render_pdf

    def watching(html):
        row = Report.objects.get(pk=report.pk)
        seen.append((row.state, row.progress))
        return render_pdf(html)

    monkeypatch.setattr(generation, "render_pdf", watching)

    report_generate(report=report)

    assert seen == [(ReportState.RUNNING, HTML_DONE)]


@pytest.mark.parametrize("state", [ReportState.DONE, ReportState.FAILED, ReportState.RUNNING])
def test_generate_a_report_not_queued_does_nothing(state, monkeypatch):
    if state == ReportState.DONE:
        report = ReportFactory(done=True)
    else:
        report = ReportFactory(state=state, started_at=timezone.now(), error="before")
    monkeypatch.setattr(generation, "render_pdf", lambda html: pytest.fail("rendered"))
    before = Report.objects.filter(pk=report.pk).values().get()

    report_generate(report=report)

    assert Report.objects.filter(pk=report.pk).values().get() == before


def test_generate_failing_render_marks_failed_and_earlier_version_stays_downloadable(
    client, manager, monkeypatch, settings
):
    world = build_world()
    earlier = ReportFactory(mission=world.mission, kind="dossier", language="fr", done=True)
    report = ReportFactory(mission=world.mission, kind="dossier", language="fr")

    def broken(html):
        raise ValueError("cannot lay out the table of contents")

    monkeypatch.setattr(generation, "render_pdf", broken)

    report = report_generate(report=report)

    assert report.state == ReportState.FAILED
    assert report.error == "ValueError: cannot lay out the table of contents"
    assert report.file.name == ""
    assert report.finished_at is not None
    earlier.refresh_from_db()
    assert earlier.state == ReportState.DONE
    client.force_login(manager)
    response = client.get(f"/reports/{earlier.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_generate_failing_template_marks_failed_with_the_error(monkeypatch):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")
    monkeypatch.setitem(generation.TEMPLATES, ReportKind.FOLLOWUP, "reports/pdf/missing.html")

    report = report_generate(report=report)

    assert report.state == ReportState.FAILED
    assert report.error == "TemplateDoesNotExist: reports/pdf/missing.html"


def test_generate_write_failure_leaves_no_file_and_fails_on_the_last_attempt(monkeypatch, settings):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generation.os, "replace", full_disk)

    report = report_generate(report=report, may_retry=False)

    assert report.state == ReportState.FAILED
    assert report.error == "OSError: [Errno 28] No space left on device"
    assert list(_folder(settings).iterdir()) == []


def test_generate_transient_error_with_retries_left_queues_again_and_raises(monkeypatch):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")

    def unreadable(html):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(generation, "render_pdf", unreadable)

    with pytest.raises(OSError, match="Input/output error"):
        report_generate(report=report, may_retry=True)

    report.refresh_from_db()
    assert report.state == ReportState.QUEUED
    assert report.progress == 0
    assert report.error == "Will try again after: OSError: [Errno 5] Input/output error"


def test_task_retries_a_transient_error_then_fails_the_report_on_the_last_attempt(monkeypatch):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")

    def unreadable(html):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(generation, "render_pdf", unreadable)

    with pytest.raises(Retry):
        report_generate_task.apply(kwargs={"report_id": report.pk}, retries=0, throw=True)
    report.refresh_from_db()
    assert report.state == ReportState.QUEUED

    last = report_generate_task.max_retries
    result = report_generate_task.apply(kwargs={"report_id": report.pk}, retries=last)

    assert result.successful()
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == "OSError: [Errno 5] Input/output error"


def test_task_retries_when_the_database_connection_drops_mid_report(monkeypatch):
    # PostgreSQL restarted while the report rendered: a transient error like a full disk.
    from django.db import OperationalError

    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")

    def connection_lost(html):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(generation, "render_pdf", connection_lost)

    with pytest.raises(Retry):
        report_generate_task.apply(kwargs={"report_id": report.pk}, retries=0, throw=True)

    report.refresh_from_db()
    assert report.state == ReportState.QUEUED
    assert report.error == (
        "Will try again after: OperationalError: server closed the connection unexpectedly"
    )


def test_task_vanished_report_does_nothing():
    result = report_generate_task.apply(kwargs={"report_id": 987654})

    assert result.successful()


def test_generate_report_taken_over_as_stale_while_it_rendered_drops_its_file(
    monkeypatch, settings
):
    world = build_world()
    report = ReportFactory(mission=world.mission, kind="followup", language="en")
    render_pdf = generation.render_pdf

    def taken_over(html):
        Report.objects.filter(pk=report.pk).update(state=ReportState.FAILED)
        return render_pdf(html)

    monkeypatch.setattr(generation, "render_pdf", taken_over)

    report = report_generate(report=report)

    assert report.state == ReportState.FAILED
    assert list(_folder(settings).iterdir()) == []


# --- Monthly regeneration of follow-up reports -----------------------------------------------


def test_regenerate_followups_of_missions_that_ended_in_their_languages():
    today = dt.date(2028, 6, 1)
    MissionFactory(
        title="Completed",
        status=MissionStatus.COMPLETED,
        starts_on=dt.date(2028, 5, 1),
        ends_on=dt.date(2028, 5, 5),
    )
    past_end = MissionFactory(
        title="Past its end",
        status=MissionStatus.IN_PROGRESS,
        starts_on=dt.date(2027, 11, 1),
        ends_on=dt.date(2027, 11, 5),
    )
    ReportFactory(mission=past_end, kind="followup", language="en", done=True)
    ReportFactory(mission=past_end, kind="followup", language="ar", done=True)
    ReportFactory(mission=past_end, kind="dossier", language="fr", done=True)
    MissionFactory(title="Coming", starts_on=dt.date(2028, 7, 1), ends_on=dt.date(2028, 7, 5))
    MissionFactory(
        title="Cancelled",
        status=MissionStatus.CANCELLED,
        starts_on=dt.date(2028, 1, 1),
        ends_on=dt.date(2028, 1, 5),
    )
    old_closed = MissionFactory(
        title="Old, every lead closed",
        status=MissionStatus.COMPLETED,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 1, 5),
    )
    LeadFactory(mission=old_closed, stage=LeadStage.DROPPED, dropped_reason="No budget")
    old_open = MissionFactory(
        title="Old, a lead still open",
        status=MissionStatus.COMPLETED,
        starts_on=dt.date(2025, 2, 1),
        ends_on=dt.date(2025, 2, 5),
        language="en",  # no follow-up made yet: in the mission's language
    )
    LeadFactory(mission=old_open, stage=LeadStage.NEGOTIATION)
    LeadFactory(mission=old_open, stage=LeadStage.CONTACT)

    with transaction.atomic():
        queued = followups_regenerate(today=today)

    assert sorted((r.mission.title, r.kind, r.language, r.requested_by) for r in queued) == [
        ("Completed", "followup", "fr", None),
        ("Old, a lead still open", "followup", "en", None),
        ("Past its end", "followup", "ar", None),
        ("Past its end", "followup", "en", None),
    ]


def test_regenerate_followups_leaves_one_under_way_alone():
    mission = MissionFactory(
        status=MissionStatus.COMPLETED,
        starts_on=dt.date(2028, 5, 1),
        ends_on=dt.date(2028, 5, 5),
    )
    running = ReportFactory(
        mission=mission, kind="followup", state=ReportState.RUNNING, started_at=timezone.now()
    )

    queued = followups_regenerate(today=dt.date(2028, 6, 1))

    assert queued == []
    assert list(Report.objects.all()) == [running]
