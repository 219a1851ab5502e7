"""``manage.py export_schedule SLUG INSTANCE.json [SOLUTION.json]``: a mission in the JSON
contract of the engine (``b2b-schedule/1``), and its current meetings as a solution, so that
``solve_schedule`` and the engine's validator can be run on real missions.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchmaking.services.scheduling import (
    current_solution_as_json,
    instance_as_json,
    mission_instance,
)
from missions.models import Mission


def _write(path: str, data: dict) -> None:
    try:
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}.", returncode=2) from exc


class Command(BaseCommand):
    help = "Write a mission's scheduling instance (and its current meetings) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("instance", help="Where to write the instance.")
        parser.add_argument("solution", nargs="?", help="Where to write the current meetings.")

    def handle(self, *args, slug: str, instance: str, solution: str | None, **options) -> None:
        mission = Mission.objects.filter(slug=slug).first()
        if mission is None:
            raise CommandError(f"No mission has the slug {slug!r}.", returncode=2)
        prepared = mission_instance(mission=mission)
        _write(instance, instance_as_json(prepared))
        if solution:
            _write(solution, current_solution_as_json(prepared, mission))
        self.stdout.write(
            f"{mission.slug}: {len(prepared.instance.requests)} requests, "
            f"{len(prepared.instance.participants)} participants, "
            f"{len(prepared.instance.slots)} slots written to {instance}"
            + (f" and its meetings to {solution}" if solution else "")
            + "."
        )
