"""Report generation on the worker: the task through a real Celery worker on Redis (skipped
without CELERY_BROKER_URL; CI sets it). It proves the task is registered under its name,
takes its id as JSON, and writes the PDF and the row from the worker's own connection.
"""

import time

import pytest
from django.db import transaction

from reports.enums import ReportState
from reports.models import Report
from reports.services.generation import report_request
from tests.missions.test_tasks import real_worker  # noqa: F401 - the fixture
from tests.reports.factories_pdfreports import build_world


@pytest.mark.django_db(transaction=True)
def test_report_task_through_real_worker_makes_the_pdf(real_worker):  # noqa: F811
    # Committed data (transaction=True): the worker reads it on its own connection.
    world = build_world()

    with transaction.atomic():
        report = report_request(mission=world.mission, kind="followup", language="en", by=None)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.state not in (ReportState.QUEUED, ReportState.RUNNING):
            break
        time.sleep(0.2)

    assert (report.state, report.progress, report.error) == (ReportState.DONE, 100, "")
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert report.pages >= 1
    assert Report.objects.count() == 1


def test_report_task_is_registered_under_its_name():
    from cepex_portal.celery import app

    assert {"reports.generate", "reports.regenerate_followups"} <= set(app.tasks)
