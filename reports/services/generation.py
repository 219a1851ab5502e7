"""Writes of reports: generation of the PDF reports of a mission.

Two reports, each in French (the default), English or Arabic (right to left):

- the **mission dossier** (``ReportKind.DOSSIER``), before and during the mission: cover,
  objectives, programme day by day, delegation and partner profiles, one agenda per company,
  practical information and contacts;
- the **follow-up report** (``ReportKind.FOLLOWUP``), after it: meetings planned, held and
  missed, leads by stage, agreements and their value, overdue actions, figures against the
  mission's objectives, with bar charts drawn as SVG inside the HTML.

A ``Report`` row is one generation. ``report_request`` queues it (one under way at a time per
mission, kind and language) and the worker runs ``report_generate`` after commit: the row
goes queued → running (with its progress saved as it goes, for the page that polls it) →
done, with the file, its SHA-256, size and page count; or failed, with the error. The PDF is
written to a temporary file beside its final name and renamed into place, so that no reader
ever sees half a file; the earlier done versions are other rows and stay downloadable
whatever happens to a new one.

``manage.py build_report`` renders the same PDF synchronously with ``report_render``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from cepex_portal.pdf import RenderedPdf, render_pdf, static_base_url
from cepex_portal.storage import private_storage
from missions.models import Mission

from ..enums import ReportKind, ReportState
from ..models import Report
from ..models.reports import report_upload_to
from ..selectors.generation import (
    ACTIVE_STATES,
    dossier_data,
    followup_data,
    followup_languages,
    missions_for_followup_regeneration,
    report_job_waiting,
    report_stale_before,
)

if TYPE_CHECKING:
    import datetime as dt

    from cepex_portal.models import User

logger = logging.getLogger(__name__)

TEMPLATES = {
    ReportKind.DOSSIER: "reports/pdf/dossier.html",
    ReportKind.FOLLOWUP: "reports/pdf/followup.html",
}

# Progress (%) saved in the row at each step; WeasyPrint's layout fills the gap between
# HTML_DONE and LAYOUT_DONE page by page.
CLAIMED, DATA_START, DATA_DONE, HTML_DONE, LAYOUT_DONE, WRITING = 2, 5, 40, 45, 88, 94

Progress = Callable[[int], None]


# --- Choices --------------------------------------------------------------------------------


def report_check_choice(*, kind: str, language: str) -> tuple[str, str]:
    """``(kind, language)`` if both are known, else a ValidationError that says which is not."""
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Unknown kind of report “%(kind)s”: choose %(choices)s.") % {
            "kind": kind,
            "choices": ", ".join(ReportKind.values),
        }
    languages = [code for code, _name in settings.LANGUAGES]
    if language not in languages:
        errors["language"] = _("Unknown language “%(language)s”: choose %(choices)s.") % {
            "language": language,
            "choices": ", ".join(languages),
        }
    if errors:
        raise ValidationError(errors)
    return kind, language


# --- Rendering ------------------------------------------------------------------------------


def report_html(
    *,
    mission: Mission,
    kind: str,
    language: str,
    today: dt.date | None = None,
    on_progress: Progress | None = None,
) -> str:
    """The HTML of a report, in ``language``: every value typed by a user is escaped by the
    templates (no ``|safe`` on data), and the only URLs in it are our static files."""
    report_check_choice(kind=kind, language=language)
    with translation.override(language):
        if kind == ReportKind.DOSSIER:

            def on_agenda(done: int, total: int) -> None:
                if on_progress is not None:
                    on_progress(DATA_START + (DATA_DONE - DATA_START) * done // max(total, 1))

            data = dossier_data(mission=mission, on_agenda=on_agenda)
        else:
            data = followup_data(mission=mission, today=today)
        if on_progress is not None:
            on_progress(DATA_DONE)
        return render_to_string(
            TEMPLATES[kind],
            {
                "data": data,
                "mission": data.mission,
                "kind": kind,
                "kind_label": ReportKind(kind).label,
                "pdf_static": static_base_url(),
                "generated_at": timezone.now(),
            },
        )


class _LayoutProgress(logging.Handler):
    """WeasyPrint logs each page it lays out on ``weasyprint.progress``; this turns those
    lines into progress between HTML_DONE and LAYOUT_DONE. The page count is not known before
    the layout, so the figure grows towards LAYOUT_DONE without reaching it.
    """

    def __init__(self, on_progress: Progress):
        super().__init__(level=logging.INFO)
        self.on_progress = on_progress
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Creating layout - Page" in message:
            self.pages += 1
            span = LAYOUT_DONE - HTML_DONE
            self.on_progress(HTML_DONE + span * self.pages // (self.pages + 40))
        elif "Creating PDF" in message:
            self.on_progress(LAYOUT_DONE)


@contextlib.contextmanager
def _layout_progress(on_progress: Progress | None) -> Iterator[None]:
    """While WeasyPrint renders: its line per page goes to ``on_progress`` (when given), not
    to the log of the worker or the console of ``build_report``."""
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _LayoutProgress(on_progress) if on_progress is not None else None
    level, propagate = progress_logger.level, progress_logger.propagate
    progress_logger.propagate = False
    if handler is not None:
        progress_logger.setLevel(logging.INFO)
        progress_logger.addHandler(handler)
    try:
        yield
    finally:
        if handler is not None:
            progress_logger.removeHandler(handler)
        progress_logger.setLevel(level)
        progress_logger.propagate = propagate


def report_render(
    *,
    mission: Mission,
    kind: str,
    language: str,
    today: dt.date | None = None,
    on_progress: Progress | None = None,
) -> RenderedPdf:
    """The PDF of a report (bytes and page count), rendered offline by WeasyPrint."""
    html = report_html(
        mission=mission, kind=kind, language=language, today=today, on_progress=on_progress
    )
    if on_progress is not None:
        on_progress(HTML_DONE)
    with _layout_progress(on_progress):
        return render_pdf(html)


def write_file_atomically(*, path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed into
    place once complete and on disk: a reader finds the old file, or the whole new one,
    never a part. The temporary file is removed if anything fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)  # private like every upload (FILE_UPLOAD_PERMISSIONS)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _store(report: Report, data: bytes) -> str:
    """Write the PDF under a new random name of the private storage; the name."""
    name = private_storage.get_available_name(report_upload_to(report, "report.pdf"))
    write_file_atomically(path=Path(private_storage.path(name)), data=data)
    return name


# --- Requests and generation ----------------------------------------------------------------


def _fail_stale(**filters) -> int:
    """Mark failed the reports that a dead worker left running (see report_stale_before)."""
    now = timezone.now()
    return Report.objects.filter(
        state=ReportState.RUNNING, started_at__lt=report_stale_before(), **filters
    ).update(
        state=ReportState.FAILED,
        error=_("The worker stopped before the report was finished."),
        finished_at=now,
        updated_at=now,
    )


@transaction.atomic
def report_request(*, mission: Mission, kind: str, language: str, by: User | None) -> Report:
    """Queue the generation of a report; the worker makes it once this transaction commits.

    Refused (ValidationError) for an unknown kind or language, and while the same report
    (mission, kind and language) is queued or running: a second one would only repeat it.
    """
    kind, language = report_check_choice(kind=kind, language=language)
    # Two requests at once for one mission queue one report, not two (PostgreSQL).
    Mission.objects.select_for_update().get(pk=mission.pk)
    _fail_stale(mission=mission, kind=kind, language=language)
    if Report.objects.filter(
        mission=mission, kind=kind, language=language, state__in=ACTIVE_STATES
    ).exists():
        raise ValidationError(
            _("This report is already being made in this language; it will be ready shortly."),
            code="running",
        )
    report = Report.objects.create(mission=mission, kind=kind, language=language, requested_by=by)
    from ..tasks.generation import report_generate_task

    enqueue_on_commit(report_generate_task, report_id=report.pk)
    return report


class _RowProgress:
    """Save the report's progress in its row, never backwards, at most every half second
    (each save commits: the page that polls the row sees it move)."""

    def __init__(self, report_id: int):
        self.report_id = report_id
        self.value = CLAIMED
        self.saved_at = 0.0

    def __call__(self, percent: int) -> None:
        percent = min(99, percent)
        if percent <= self.value:
            return
        self.value = percent
        now = time.monotonic()
        if now - self.saved_at >= 0.5 or percent in (DATA_DONE, HTML_DONE, LAYOUT_DONE):
            self.saved_at = now
            Report.objects.filter(pk=self.report_id, state=ReportState.RUNNING).update(
                progress=percent
            )


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:2000]


# Errors that may pass: a full disk, a lost mount, the database restarting or its
# connection dropped. Anything else (a bug in a template or in the data) would fail the same
# way again.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


def report_generate(*, report: Report, may_retry: bool = False) -> Report:
    """Make the PDF of a queued report, recording its progress in the row as it goes.

    Outside any transaction on purpose: each save of the row commits, so that the pages
    that poll it see the progress. Idempotent: a report that is not queued is left as it is
    (a report still "running" long after any worker could be is taken over).

    On a transient error (``TRANSIENT_ERRORS``: a full disk, a file that cannot be read, the
    database connection lost) with ``may_retry``, the
    report goes back to the queue and the error is raised again for the task to retry it
    later; any other error (a bug in a template or in the data) fails it at once, with the
    error in the row. Earlier done versions are never touched.
    """
    claimed = (
        Report.objects.filter(pk=report.pk)
        .filter(
            Q(state=ReportState.QUEUED)
            | Q(state=ReportState.RUNNING, started_at__lt=report_stale_before())
        )
        .update(
            state=ReportState.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress=CLAIMED,
            error="",
            finished_at=None,
            updated_at=timezone.now(),
        )
    )
    report.refresh_from_db()
    if not claimed:
        logger.info("report %s is %s: nothing to do", report.pk, report.state)
        return report
    progress = _RowProgress(report.pk)
    name = ""
    try:
        rendered = report_render(
            mission=report.mission,
            kind=report.kind,
            language=report.language,
            on_progress=progress,
        )
        progress(WRITING)
        name = _store(report, rendered.data)
        now = timezone.now()
        with transaction.atomic():
            saved = Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).update(
                state=ReportState.DONE,
                progress=100,
                file=name,
                checksum=hashlib.sha256(rendered.data).hexdigest(),
                size_bytes=len(rendered.data),
                pages=rendered.pages,
                error="",
                finished_at=now,
                updated_at=now,
            )
        if not saved:
            # Deleted, or taken over as stale, while it rendered: this file is nobody's.
            private_storage.delete(name)
            logger.warning("report %s changed hands while it rendered; file dropped", report.pk)
    except TRANSIENT_ERRORS as exc:
        if name:
            private_storage.delete(name)
        if may_retry:
            logger.warning("report %s: transient error, to be retried: %s", report.pk, exc)
            try:
                Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).update(
                    state=ReportState.QUEUED,
                    progress=0,
                    error=_("Will try again after: %(error)s") % {"error": _error_text(exc)},
                    updated_at=timezone.now(),
                )
            except DatabaseError:  # the database is still away: the watchdog queues it
                logger.warning("report %s left running; the watchdog will take it", report.pk)
            raise
        _mark_failed(report, exc)
    except Exception as exc:  # the row says what happened; the worker goes on
        if name:
            private_storage.delete(name)
        _mark_failed(report, exc)
    report.refresh_from_db()
    return report


def _mark_failed(report: Report, exc: BaseException) -> None:
    logger.exception("report %s failed", report.pk, exc_info=exc)
    now = timezone.now()
    Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).update(
        state=ReportState.FAILED, error=_error_text(exc), finished_at=now, updated_at=now
    )


# A report that lost its worker this many times fails instead of being queued again: something
# about it (its size, the data) kills workers, and a person must look.
REPORT_ATTEMPTS = 3


def reports_watchdog() -> tuple[int, int]:
    """Take back the reports that no worker is making; return (queued again, failed).

    Beat runs it every five minutes. A report "running" since before ``report_stale_before``
    lost its worker (killed, out of memory, a machine gone): no task lives that long. A
    report "queued" that long, with no job waiting in the outbox, lost its message. Both go
    back to the queue with a new job, unless the report was already taken
    ``REPORT_ATTEMPTS`` times: then it fails with a message saying so. Generation claims a
    report atomically, so a job sent twice makes it once.
    """
    stale = report_stale_before()
    requeued = failed = 0
    candidates = Report.objects.filter(
        Q(state=ReportState.RUNNING, started_at__lt=stale)
        | Q(state=ReportState.QUEUED, updated_at__lt=stale)
    ).only("pk", "state", "attempts", "updated_at")
    for report in candidates:
        if report.state == ReportState.QUEUED and report_job_waiting(report_id=report.pk):
            continue  # the broker is down; the outbox sends it when it is back
        now = timezone.now()
        same = Report.objects.filter(pk=report.pk, state=report.state, updated_at=report.updated_at)
        if report.attempts >= REPORT_ATTEMPTS:
            failed += same.update(
                state=ReportState.FAILED,
                error=_(
                    "Workers stopped %(n)s times while making this report; it was not "
                    "queued again. Ask an administrator to look at the workers' logs."
                )
                % {"n": report.attempts},
                finished_at=now,
                updated_at=now,
            )
            continue
        with transaction.atomic():
            if same.update(state=ReportState.QUEUED, progress=0, updated_at=now):
                from ..tasks.generation import report_generate_task

                enqueue_on_commit(report_generate_task, report_id=report.pk)
                requeued += 1
    if requeued or failed:
        logger.warning("report watchdog: %s queued again, %s failed", requeued, failed)
    return requeued, failed


def followups_regenerate(*, today: dt.date | None = None) -> list[Report]:
    """The monthly job: queue the follow-up report of every mission that ended and may still
    have news (``missions_for_followup_regeneration``), in each language it was made in
    (French when it never was). A report already under way is left to finish.
    """
    today = today or timezone.localdate()
    missions = list(missions_for_followup_regeneration(today=today))
    languages = followup_languages(missions=missions)
    queued = []
    for mission in missions:
        for language in languages[mission.pk]:
            try:
                queued.append(
                    report_request(
                        mission=mission, kind=ReportKind.FOLLOWUP, language=language, by=None
                    )
                )
            except ValidationError:
                logger.info("follow-up report of %s (%s) already under way", mission, language)
    return queued
