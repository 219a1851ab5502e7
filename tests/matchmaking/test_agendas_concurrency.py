"""Two runs of the e-mail task of one meeting change at the same moment (a redelivery while
the first run is still sending) send each e-mail once.

Real threads and real transactions on PostgreSQL: each address is sent inside a transaction
that holds its ``MeetingNotification`` row, so the second run waits for the first to commit
and then finds the address served. SQLite has no row locks; these tests skip there.
"""

import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

from matchmaking.models import MeetingNotification
from matchmaking.services import agendas as services
from tests.conftest import requires_postgres
from tests.matchmaking import agenda_world

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

# Long enough for the other run to reach the same address while the first is still sending.
SENDING_SECONDS = 0.3


def test_notification_two_runs_at_once_send_each_email_once(monkeypatch):
    world = agenda_world.build()
    send = services.send_meeting_change

    def slow_send(**kwargs):
        time.sleep(SENDING_SECONDS)
        send(**kwargs)

    monkeypatch.setattr(services, "send_meeting_change", slow_send)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                services.meeting_notifications_send(
                    meeting_id=world.with_biopark.pk, sequence=0, change="confirmed"
                )
        except Exception as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@alpha.example",
        "jean.dupont@biopark.example",
    ]
    assert MeetingNotification.objects.filter(sent_at__isnull=False).count() == 2
