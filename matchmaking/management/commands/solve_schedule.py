"""``manage.py solve_schedule IN.json OUT.json``: run the scheduling engine on a JSON instance.

Needs no database rows: the engine works on the JSON contract (``b2b-schedule/1``). The time
limit is wall clock from the start of the process, reading and writing included. A bad
instance is refused with exit status 2 and one line that names the bad field or id, and then
nothing is written.
"""

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchmaking.scheduling import InstanceError, load_instance, solve, validate, write_solution


def _process_age() -> float:
    """Seconds since this process started (Django's start-up counts against the limit too);
    0 where /proc does not tell."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return max(0.0, uptime - int(fields[19]) / ticks)
    except (OSError, ValueError, IndexError):
        return 0.0


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Schedule the B2B meetings of a JSON instance (b2b-schedule/1) and write the solution. "
        "Exit status 2 on a malformed or inconsistent instance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", help="The instance, a b2b-schedule/1 JSON file.")
        parser.add_argument("solution", help="Where to write the solution (JSON).")
        parser.add_argument(
            "--time-limit",
            type=_positive,
            default=30.0,
            help="Wall-clock seconds for the whole command, reading and writing included "
            "(default 30).",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Seed of the search: same seed, same schedule."
        )

    from_command_line = False

    def run_from_argv(self, argv: list[str]) -> None:
        # Run as its own process: the clock started with the process, Django's start-up
        # included. Called from code (call_command), it starts now.
        self.from_command_line = True
        super().run_from_argv(argv)

    def handle(self, *args, **options) -> None:
        started_at = time.monotonic() - (_process_age() if self.from_command_line else 0.0)
        source = Path(options["instance"])
        target = Path(options["solution"])
        if not target.parent.is_dir():
            raise CommandError(f"{target}: no such folder to write into", returncode=2)
        try:
            instance = load_instance(source)
        except InstanceError as error:
            raise CommandError(_one_line(f"{source}: {error}"), returncode=2) from None

        result = solve(
            instance, time_limit=options["time_limit"], seed=options["seed"], started_at=started_at
        )
        report = validate(instance, result.solution)
        if not report.is_valid:  # a bug of the engine: never write an invalid schedule
            raise CommandError(
                _one_line(f"internal error, invalid schedule: {report.violations[0]}"),
                returncode=1,
            )
        try:
            write_solution(result.solution, target)
        except OSError as error:
            message = _one_line(f"{target}: cannot write ({error})")
            raise CommandError(message, returncode=2) from None
        seconds = time.monotonic() - started_at
        self.stdout.write(
            f"{instance.name or source.name}: priority total {report.priority_total}, "
            f"scheduled {report.scheduled}/{report.requested}, idle holes {report.holes}, "
            f"{seconds:.1f} s"
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())
