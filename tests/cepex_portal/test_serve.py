"""`manage.py serve` (what `make run` starts): the web server with a worker and beat on the
filesystem broker, so that long jobs never run inside a web request, even on a laptop.

One end-to-end run: a fresh database, the demo data, the server on a free port; a login
link asked for on the page reaches the worker through the broker, whose e-mail (the console
backend in debug) prints the link. Then one SIGINT stops everything.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CELERY_BROKER_FOLDER": str(tmp_path / "broker"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SITE_URL": f"http://127.0.0.1:{port}",
            "CACHE_URL": "locmemcache://",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env, *args) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _serve(env, port: int, log: Path) -> subprocess.Popen:
    """``manage.py serve`` in its own process group, as a terminal gives ``make run``."""
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _group_empty(pgid: int) -> bool:
    """No process is left in the process group ``pgid``."""
    left = subprocess.run(  # noqa: S603
        ["ps", "-o", "pid=", "-g", str(pgid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return left == []


def test_serve_runs_web_worker_and_beat_and_one_sigint_stops_them(tmp_path):
    port = _free_port()
    env = _env(tmp_path, port)
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo")
    log = tmp_path / "serve.log"
    server = _serve(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"{base}/health/", timeout=2) as response:  # noqa: S310
                    return b'"broker": "ok"' in response.read()
            except OSError:
                return False

        assert _wait_for(healthy, 60), log.read_text()[-3000:]
        assert _wait_for(lambda: "celery@" in log.read_text() and " ready." in log.read_text(), 60)

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(f"{base}/company/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "email": "developpement@pole-sidithabet.example"}
        request = urllib.request.Request(  # noqa: S310
            f"{base}/company/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{base}/company/login/"},
        )
        assert opener.open(request).url.endswith("/company/login/sent/")

        # The worker, not the web process, sent it: the task went through the folder broker.
        link = re.compile(r"/company/login/[A-Za-z0-9_-]{30,}/")
        assert _wait_for(lambda: link.search(log.read_text()), 60), log.read_text()[-3000:]
        assert re.search(r"Task partners\.login_link_email\[[^]]+\] succeeded", log.read_text())
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            pytest.fail("serve did not stop on SIGINT")

    # The web server's reloader child and the worker's pool finish their own shutdown.
    assert _wait_for(lambda: _group_empty(server.pid), 30)


def test_serve_sigterm_to_its_process_alone_stops_the_worker_too(tmp_path):
    # A process manager or `kill PID` signals serve alone, not its group: the worker and the
    # web server's reloader child must not be left behind. (Django's reloader turns SIGTERM
    # into SystemExit, so serve's ``finally`` stops the worker.)
    port = _free_port()
    env = _env(tmp_path, port)
    log = tmp_path / "serve.log"
    server = _serve(env, port, log)
    try:
        assert _wait_for(lambda: " ready." in log.read_text(), 60), log.read_text()[-3000:]

        server.send_signal(signal.SIGTERM)  # this process only
        server.wait(timeout=40)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)

    try:
        outlived = "the worker or the web server outlived serve"
        assert _wait_for(lambda: _group_empty(server.pid), 30), outlived
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
