"""Two members of staff deciding at the same moment never seat more companies than capacity.

Real threads and real transactions on PostgreSQL: the services lock the mission row
(``SELECT ... FOR UPDATE``) before counting seats, so the second decision waits for the
first to commit and then sees its seat. SQLite has no row locks; these tests skip there.
"""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from missions.enums import ApplicationStatus
from missions.models import Application
from missions.services import application_accept, application_withdraw, selection
from tests.conftest import requires_postgres
from tests.factories import ApplicationFactory, CompanyFactory, MissionFactory

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

# Long enough for the other thread to reach its own count while the first decision is still
# uncommitted: without the lock both would see a free seat.
DECISION_DELAY_SECONDS = 0.3


@pytest.fixture
def slow_decisions(monkeypatch):
    """Widen the race window: each decision waits between counting seats and saving."""
    set_status = selection._set_status

    def slow_set_status(*args, **kwargs):
        time.sleep(DECISION_DELAY_SECONDS)
        return set_status(*args, **kwargs)

    monkeypatch.setattr(selection, "_set_status", slow_set_status)


def _run_together(*calls) -> list[Exception | None]:
    """Run each call in its own thread, all released at once; return what each raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Exception | None] = [None] * len(calls)

    def run(index, call):
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                call()
        except Exception as exc:  # reported to the test thread
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.usefixtures("slow_decisions")
def test_application_accept_two_at_once_for_last_seat_seats_one():
    mission = MissionFactory(capacity=1)
    first = ApplicationFactory(mission=mission, company=CompanyFactory(legal_name="Alpha SA"))
    second = ApplicationFactory(mission=mission, company=CompanyFactory(legal_name="Beta SA"))

    outcomes = _run_together(
        lambda: application_accept(application=first, by=None),
        lambda: application_accept(application=second, by=None),
    )

    refused = [exc for exc in outcomes if exc is not None]
    assert len(refused) == 1
    assert isinstance(refused[0], ValidationError)
    assert "The mission is full (1 company)" in refused[0].messages[0]
    assert Application.objects.filter(mission=mission).seated().count() == 1
    statuses = sorted(Application.objects.filter(mission=mission).values_list("status", flat=True))
    assert statuses == [ApplicationStatus.ACCEPTED, ApplicationStatus.APPLIED]


@pytest.mark.usefixtures("slow_decisions")
def test_application_accept_races_withdraw_seat_goes_to_first_waitlisted():
    # One seat, held by "seated". "seated" withdraws (its seat goes to "waiting", first on
    # the wait-list) while staff accept "newcomer": whichever runs first, the newcomer finds
    # the delegation full and exactly one company holds the seat.
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    waiting = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=timezone.now() - dt.timedelta(days=1),
    )
    newcomer = ApplicationFactory(mission=mission, company=CompanyFactory(legal_name="New SA"))

    withdraw_outcome, accept_outcome = _run_together(
        lambda: application_withdraw(application=seated, by=None),
        lambda: application_accept(application=newcomer, by=None),
    )

    assert withdraw_outcome is None
    assert isinstance(accept_outcome, ValidationError)
    assert accept_outcome.messages == ["The mission is full (1 company): wait-list New SA instead."]
    assert list(Application.objects.filter(mission=mission).seated()) == [waiting]
    newcomer.refresh_from_db()
    assert newcomer.status == ApplicationStatus.APPLIED
