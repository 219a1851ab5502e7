"""200 interest-form submissions at once, over loopback, against gunicorn and PostgreSQL.

Issue 11 §5: every submission is stored exactly once or refused with a clear message; no
answer is a 500; nothing is lost when the broker is down. Run by hand (not by the tests):

    .venv/bin/python benchmarks/concurrent_submissions.py                 # Redis up
    .venv/bin/python benchmarks/concurrent_submissions.py --broker-down   # Redis unreachable
    .venv/bin/python benchmarks/concurrent_submissions.py --write         # both, into docs

It needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379. It makes
a throwaway database ``cepex_bench_load`` from the migrations, one open mission, and starts
the portal on gunicorn (debug off, 3 workers of 4 threads, persistent connections, the
rate limit raised: every request comes from 127.0.0.1). Then 200 threads each open the form
(its CSRF cookie and token) and, all released at once, send it:

- 170 companies new to the portal, each once;
- 15 companies new to the portal, each sent twice at the same moment by two people (two
  addresses): the race of two first submissions for one tax id.

It checks, in the database: one company per tax id; one representative claim per
accepted submission (by its address); at most one application per company; every
confirmation e-mail either sent to the broker or waiting in the outbox; and no answer in
the 500s. The table goes into ``docs/benchmarks.md`` under ``## 200 concurrent
submissions`` with ``--write``.
"""

# A script of ours that starts our own programs and opens our own server on loopback.
# ruff: noqa: S603, S607, S310

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "cepex_bench_load"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
SINGLES, PAIRS = 170, 15
TOTAL = SINGLES + 2 * PAIRS
LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(broker_url: str, port: int, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cepex_portal.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "benchmark-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": broker_url,
        "CACHE_URL": "redis://127.0.0.1:6379/10",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "PUBLIC_FORM_RATE_LIMIT": "100000",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "ERROR",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _prepare(env: dict[str, str]) -> str:
    # The broker's database of this script: jobs of an earlier run are not this run's.
    subprocess.run(["redis-cli", "-n", "9", "flushdb"], check=True, capture_output=True)
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    slug = "load-2026"
    _manage(
        env,
        "shell",
        "-c",
        "import datetime as dt; from django.utils import timezone; "
        "from missions.models import Mission; from partners.models import Sector; "
        "Sector.objects.get_or_create(slug='pharma', defaults={'name': 'Pharmacie'}); "
        "today = timezone.localdate(); "
        f"Mission.objects.create(slug='{slug}', title='Mission de charge', "
        "destination_country='BE', starts_on=today + dt.timedelta(days=60), "
        "ends_on=today + dt.timedelta(days=64), "
        "application_deadline=timezone.now() + dt.timedelta(days=30), capacity=40, "
        "status='open')",
    )
    return slug


def _start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cepex_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "60",
            "--backlog",
            "512",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=15)
            return server
        except urllib.error.HTTPError:
            return server  # 503 with the broker down: it answers
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not answer")


def _submissions() -> list[dict[str, str]]:
    people = []
    for n in range(SINGLES + PAIRS):
        tax_id = f"{9000000 + n:07d}{LETTERS[n % len(LETTERS)]}"
        senders = 2 if n >= SINGLES else 1
        for k in range(senders):
            people.append(
                {
                    "legal_name": f"Laboratoire de charge {n}",
                    "tax_id": tax_id,
                    "governorate": "tunis",
                    "size": "small",
                    "first_name": "Sami",
                    "last_name": f"Charge {n}-{k}",
                    "email": f"sami.{n}.{k}@load.example",
                    "phone": "+21671234567",
                    "objectives": "export",
                    "consent": "on",
                }
            )
    return people


class Submission:
    """One person: opens the form (cookie and token), waits for the start, sends it."""

    def __init__(self, base: str, slug: str, data: dict[str, str], sector: str):
        self.url = f"{base}/missions/{slug}/interest/"
        self.data = {**data, "sectors": sector}
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )
        self.status = 0
        self.seconds = 0.0
        self.message = ""

    def open_form(self) -> None:
        page = self.opener.open(self.url, timeout=60).read().decode()
        self.data["csrfmiddlewaretoken"] = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', page
        )[1]

    def send(self, start: threading.Barrier) -> None:
        body = urllib.parse.urlencode(self.data).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Referer": self.url}, method="POST"
        )
        start.wait()
        began = time.perf_counter()
        try:
            response = self.opener.open(request, timeout=120)
            self.status = response.status
        except urllib.error.HTTPError as error:
            self.status = error.code
            text = error.read().decode(errors="replace")
            found = re.findall(r'<ul class="errorlist[^"]*"[^>]*><li>([^<]+)', text)
            self.message = " / ".join(found) if found else text[:120]
        except OSError as error:
            self.status, self.message = -1, str(error)
        self.seconds = time.perf_counter() - began


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we count

    def http_error_302(self, req, fp, code, msg, headers):
        response = urllib.response.addinfourl(fp, headers, req.full_url, code)
        return response


def _check(env: dict[str, str], people: list[dict], runs: list[Submission]) -> dict:
    accepted = {s.data["email"] for s in runs if s.status == 302}
    script = (
        "import json; from collections import Counter; "
        "from partners.models import Company, RepresentativeClaim; "
        "from missions.models import Application, HeldApplication; "
        "from cepex_portal.models import OutboxJob; "
        "ids = Counter(Company.objects.values_list('tax_id', flat=True)); "
        "claims = Counter(RepresentativeClaim.objects.values_list('email', flat=True)); "
        "apps = Counter(Application.objects.values_list('company_id', flat=True)); "
        "print(json.dumps({'companies': len(ids), 'duplicate_tax_ids': sum(v > 1 for v in "
        "ids.values()), 'claims': sorted(claims), 'duplicate_claims': sum(v > 1 for v in "
        "claims.values()), 'applications': sum(apps.values()), 'companies_applied_twice': "
        "sum(v > 1 for v in apps.values()), 'held': HeldApplication.objects.count(), "
        "'outbox': OutboxJob.objects.count()}))"
    )
    import json

    facts = json.loads(_manage(env, "shell", "-c", script).strip().splitlines()[-1])
    facts["accepted_without_claim"] = len(accepted - set(facts["claims"]))
    facts["claims_without_accepted"] = len(set(facts["claims"]) - accepted)
    del facts["claims"]
    return facts


def run(*, broker_down: bool) -> dict:
    port = _free_port()
    broker = f"redis://127.0.0.1:{_free_port()}/0" if broker_down else "redis://127.0.0.1:6379/9"
    with tempfile.TemporaryDirectory() as static_root:
        env = _env(broker, port, static_root)
        slug = _prepare(env)
        sector = (
            _manage(
                env,
                "shell",
                "-c",
                "from partners.models import Sector; print(Sector.objects.get(slug='pharma').pk)",
            )
            .strip()
            .splitlines()[-1]
        )  # the shell may first say what it imported
        server = _start_gunicorn(env, port)
        try:
            people = _submissions()
            runs = [Submission(f"http://127.0.0.1:{port}", slug, p, sector) for p in people]
            with ThreadPoolExecutor(max_workers=32) as pool:
                list(pool.map(lambda s: s.open_form(), runs))
            start = threading.Barrier(len(runs))
            began = time.perf_counter()
            threads = [threading.Thread(target=s.send, args=(start,)) for s in runs]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        facts = _check(env, people, runs)
    seconds = sorted(s.seconds for s in runs)
    return {
        "broker": "down" if broker_down else "up",
        "statuses": dict(sorted(Counter(s.status for s in runs).items())),
        "messages": dict(Counter(s.message for s in runs if s.message)),
        "wall": wall,
        "p50": statistics.median(seconds),
        "p95": seconds[int(len(seconds) * 0.95) - 1],
        **facts,
    }


def _table(results: list[dict]) -> list[str]:
    lines = [
        "| broker | answers | all sent in | latency p50 / p95 | companies (distinct tax ids) "
        "| duplicate tax ids | claims: accepted without one / duplicates | applications "
        "(companies applied twice) | e-mails waiting in the outbox |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        answers = ", ".join(f"{n} × {status}" for status, n in r["statuses"].items())
        lines.append(
            f"| {r['broker']} | {answers} | {r['wall']:.1f} s | {r['p50']:.2f} / "
            f"{r['p95']:.2f} s | {r['companies']} | {r['duplicate_tax_ids']} | "
            f"{r['accepted_without_claim']} / {r['duplicate_claims']} | "
            f"{r['applications']} ({r['companies_applied_twice']}) | {r['outbox']} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker-down", action="store_true")
    parser.add_argument("--write", action="store_true", help="both runs, into docs")
    args = parser.parse_args()
    modes = [False, True] if args.write else [args.broker_down]
    results = [run(broker_down=mode) for mode in modes]
    for result in results:
        print(result)
    lines = _table(results)
    print("\n".join(lines))
    if args.write:
        _write(lines, results)


def _verdicts(results: list[dict]) -> list[str]:
    """What the figures say, written from them (a run that went wrong says so)."""
    out = []
    for r in results:
        errors = sum(n for status, n in r["statuses"].items() if status >= 500 or status < 0)
        refused = sum(n for status, n in r["statuses"].items() if 400 <= status < 500)
        lost = r["accepted_without_claim"] + r["claims_without_accepted"]
        twice = r["duplicate_tax_ids"] + r["duplicate_claims"] + r["companies_applied_twice"]
        waiting = r["outbox"]
        out.append(
            f"- Broker {r['broker']}: {errors} answers in the 500s or lost connections; "
            f"{refused} refused with a message; {lost} submissions answered one way and "
            f"stored another; {twice} rows stored twice; {waiting} e-mails waiting in the "
            "outbox" + (" (to go once the broker is back)." if waiting else ".")
        )
    return out


def _write(lines: list[str], results: list[dict]) -> None:
    today = dt.datetime.now(dt.UTC).date()
    machine = f"{platform.node()} ({os.cpu_count()} cores), Python {platform.python_version()}"
    section = "\n".join(
        [
            "## 200 concurrent submissions",
            "",
            f"`benchmarks/concurrent_submissions.py --write`, {today}, {machine}: "
            f"{TOTAL} interest-form submissions released at once over loopback against "
            "gunicorn (3 workers × 4 threads, debug off) and PostgreSQL: 170 new companies, "
            "and 15 new companies each sent twice at the same moment by two people (the "
            "first of a pair makes the company; the second is held until the first "
            "representative approves it). With Redis up, then with the broker unreachable.",
            "",
            *lines,
            "",
            *_verdicts(results),
            "",
        ]
    )
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    marker = "## 200 concurrent submissions"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
