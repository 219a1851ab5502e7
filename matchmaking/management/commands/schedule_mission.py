"""``manage.py schedule_mission SLUG [--time-limit S] [--seed N]``: auto-schedule a mission now.

Runs the engine in this process (the admin runs it on the worker) and applies its result;
locked meetings, and those that took place, stay as they are. One summary line; exit 2 with
one line on an unknown mission or a failed run.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchmaking.services.scheduling import schedule_mission_now
from missions.models import Mission


class Command(BaseCommand):
    help = "Auto-schedule the B2B meetings of a mission and apply the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The mission's slug, e.g. wallonie-2017.")
        parser.add_argument("--time-limit", type=int, default=30, help="Seconds (default 30).")
        parser.add_argument("--seed", type=int, default=0, help="Seed: same seed, same result.")

    def handle(self, *args, slug: str, time_limit: int, seed: int, **options) -> None:
        mission = Mission.objects.filter(slug=slug).first()
        if mission is None:
            raise CommandError(f"No mission has the slug {slug!r}.", returncode=2)
        if not 1 <= time_limit <= 240:
            raise CommandError("--time-limit goes from 1 to 240 seconds.", returncode=2)
        try:
            run, preview = schedule_mission_now(
                mission=mission, by=None, time_limit=time_limit, seed=seed
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        self.stdout.write(
            f"{mission.slug}: priority total {run.best_priority_total}, "
            f"{len(preview.added)} added, {len(preview.moved)} moved, "
            f"{len(preview.removed)} cancelled, {len(preview.kept)} unchanged, "
            f"{len(preview.past)} already taken place (left as they are), "
            f"{len(preview.unscheduled)} left out."
        )
