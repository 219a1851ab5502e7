"""Auto-scheduling runs on the worker: the task through a real Celery worker on Redis."""

import time

import pytest

from matchmaking.enums import RunState
from matchmaking.models import MeetingGrid, ScheduleRun
from matchmaking.tasks import schedule_run_task
from tests.factories import CompanyFactory, MissionFactory, VenueFactory
from tests.matchmaking.test_scheduling import _at, _partner, _request  # noqa: F401
from tests.missions.test_tasks import real_worker  # noqa: F401 - the fixture


@pytest.mark.django_db(transaction=True)
def test_schedule_run_task_through_real_worker_records_progress_and_result(real_worker):  # noqa: F811
    # Committed data (transaction=True): the worker reads it on its own connection.
    import datetime as dt

    mission = MissionFactory(
        starts_on=dt.date(2027, 7, 12), ends_on=dt.date(2027, 7, 12), time_zone="Europe/Brussels"
    )
    MeetingGrid.objects.create(mission=mission, day_starts_at=dt.time(9), day_ends_at=dt.time(12))
    partner = _partner(mission, "BioWin", venue=VenueFactory(name="BioPark", tables=2))
    for _ in range(3):
        _request(mission, CompanyFactory(), partner)
    run = ScheduleRun.objects.create(mission=mission, time_limit_seconds=3)

    result = schedule_run_task.delay(run_id=run.pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state not in (RunState.QUEUED, RunState.RUNNING):
            break
        time.sleep(0.2)

    assert result.__class__.__name__ == "AsyncResult"  # it went through the broker
    assert (run.state, run.progress) == (RunState.DONE, 100)
    assert len(run.result["meetings"]) == 3
