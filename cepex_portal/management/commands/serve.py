"""``manage.py serve [ADDRPORT]``: the development server with a Celery worker and beat.

What ``make run`` starts: long jobs (scheduling runs, PDF dossiers) never run inside a web
request, not even on a laptop, so the laptop gets a worker too, on the broker of the
settings (a folder of the checkout in debug: nothing to install). One Ctrl-C stops all.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the development web server with a Celery worker and beat beside it."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--concurrency", type=int, default=2, help="worker processes (default 2)"
        )

    def handle(self, *args, addrport: str, concurrency: int, **options) -> None:
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "CELERY_BROKER_URL is not set (debug off?): run `make run`, or set it.",
                returncode=2,
            )
        # runserver's autoreloader runs this command again in a child (RUN_MAIN=true) that
        # serves the pages; only the first process starts the worker.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cepex_portal",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    str(concurrency),
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                ],
            )
            self.stdout.write(f"Celery worker and beat started (pid {worker.pid}).")
        try:
            call_command("runserver", addrport)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
