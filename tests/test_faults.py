"""Faults on the real services, with nothing lost (issue 11 §5).

- Redis down: the interest form still takes the application; its e-mail waits in the
  outbox; ``/health/`` says the broker is down; once Redis is back, the worker that starts
  sends it, exactly once.
- A worker killed in the middle of a report: the next worker makes it, and it ends done.
- PostgreSQL drops the portal's connections (what a restart does): the next requests of a
  running server succeed.

They need PostgreSQL (``DATABASE_URL``) and the ``redis-server`` program, and skip with the
reason otherwise; CI has both. Redis here is a server of the test's own, on a free port,
that the test stops and starts again (the machine's Redis is left alone).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from cepex_portal.celery import app as celery_app
from cepex_portal.models import OutboxJob
from cepex_portal.tasks import relay_outbox_task
from missions.models import Application
from reports.enums import ReportState
from reports.models import Report
from reports.services.generation import report_request
from tests.brokers import broker_at, interest_form_data
from tests.factories import MissionFactory, SectorFactory
from tests.reports.factories_pdfreports import build_world

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="fault tests run on PostgreSQL (DATABASE_URL); CI sets it",
    ),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs the redis-server program"
    ),
    pytest.mark.django_db(transaction=True),  # servers and workers read committed rows
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.1)


class RedisServer:
    """A redis-server of the test's own, which it can stop and start on the same port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self._answers, 10, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(settings, monkeypatch):
    server = RedisServer()
    server.start()
    settings.CELERY_BROKER_URL = server.url  # what /health/ reads
    try:
        with broker_at(server.url, monkeypatch):
            yield server
    finally:
        server.stop()


# --- Redis down ---------------------------------------------------------------------------------


def test_redis_down_form_still_works_and_the_email_goes_once_redis_is_back(client, redis_server):
    mission = MissionFactory(slug="wallonie")
    data = interest_form_data(
        sector_id=SectorFactory().pk,
        legal_name="Carthage Pharma SA",
        last_name="Trabelsi",
    )
    redis_server.stop()

    response = client.post(reverse("portal:interest", args=[mission.slug]), data)
    health = client.get(reverse("health"))

    assert response.status_code == 302
    assert Application.objects.filter(mission=mission).count() == 1
    job = OutboxJob.objects.get()
    assert job.task_name == "missions.submission_received_email"
    assert job.last_error  # the broker refused it
    assert (health.status_code, health.json()["broker"]) == (503, "down")

    redis_server.start()
    mail.outbox = []
    assert client.get(reverse("health")).json()["broker"] == "ok"
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        # What beat sends every minute (and a worker started from the command line at its
        # start): the relay, through the broker, to the worker, which sends what waited.
        relay_outbox_task.delay()
        _wait(lambda: mail.outbox and not OutboxJob.objects.exists(), 60, "the e-mail")
        time.sleep(1)  # anything sent twice would arrive now

    assert [message.to for message in mail.outbox] == [["leila@carthage.example"]]
    assert OutboxJob.objects.count() == 0


# --- A worker killed mid-report -----------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_env(broker_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_TESTING", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")
        and not key.startswith(("CELERY_", "CACHE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cepex_portal.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=_database_url(),
        **({"CELERY_BROKER_URL": broker_url} if broker_url else {}),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # Short limits so the test waits seconds, not the hour of production's defaults:
        # a report running for 13 s lost its worker; Redis gives an unacknowledged message
        # to another worker after 15 s.
        CELERY_TASK_TIME_LIMIT="12",
        CELERY_TASK_SOFT_TIME_LIMIT="10",
        REPORT_STALE_MARGIN_SECONDS="1",
        CELERY_VISIBILITY_TIMEOUT="15",
    )
    return env


def _start_worker_process(broker_url: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our interpreter, our app
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cepex_portal",
            "worker",
            "--concurrency",
            "1",
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=_worker_env(broker_url),
        start_new_session=True,  # its own process group: killed whole, children included
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def test_worker_killed_mid_report_the_next_worker_makes_it(redis_server, settings):
    world = build_world()
    report = report_request(mission=world.mission, kind="dossier", language="fr", by=None)
    first = _start_worker_process(redis_server.url, "first")
    try:
        _wait(
            lambda: Report.objects.filter(pk=report.pk, state=ReportState.RUNNING).exists(),
            90,
            "the first worker to start the report",
        )
    finally:
        _kill(first)  # SIGKILL: no goodbye, no acknowledgement, the report left "running"
    report.refresh_from_db()
    assert (report.state, report.attempts) == (ReportState.RUNNING, 1)

    second = _start_worker_process(redis_server.url, "second")
    try:
        _wait(
            lambda: Report.objects.filter(pk=report.pk, state=ReportState.DONE).exists(),
            120,
            "the second worker to make the report",
        )
    finally:
        _kill(second)

    report.refresh_from_db()
    assert (report.state, report.progress, report.error, report.attempts) == (
        ReportState.DONE,
        100,
        "",
        2,
    )
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


# --- PostgreSQL drops the connections -----------------------------------------------------------


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - our server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_postgres_drops_the_connections_the_next_requests_succeed(live_server_env):
    base, database = live_server_env
    MissionFactory(slug="wallonie", title="Wallonie 2017")
    assert b'"database": "ok"' in _get(f"{base}/health/")[1]
    assert _get(f"{base}/")[0] == 200

    with connection.cursor() as cursor:  # what a restart does to every connection but ours
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        (terminated,) = cursor.fetchone()

    assert terminated >= 1  # the server's persistent connection was there, and is gone
    assert b'"database": "ok"' in _get(f"{base}/health/")[1]
    status, body = _get(f"{base}/")
    assert status == 200
    assert "Wallonie 2017" in body.decode()


@pytest.fixture
def live_server_env():
    """The portal on gunicorn with persistent connections, on the test database."""
    port = _free_port()
    env = _worker_env("")
    # Persistent connections, as in production (debug's default is a connection per request,
    # which would hide the fault).
    env.update(SITE_URL=f"http://127.0.0.1:{port}", CONN_MAX_AGE="600", CACHE_URL="locmemcache://")
    server = subprocess.Popen(  # noqa: S603 - our interpreter, our app
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cepex_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "1",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return _get(f"{base}/health/")[0] in (200, 503)
        except OSError:
            return False

    try:
        _wait(answers, 30, "gunicorn to answer")
        yield base, connection.settings_dict["NAME"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
