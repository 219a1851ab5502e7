"""``manage.py relay_outbox``: send the background jobs that waited for the broker.

Beat does it every minute and every worker when it starts; this is for an operator who
wants it now (after Redis came back, say) or to see how many jobs wait.
"""

from django.core.management.base import BaseCommand, CommandError

from cepex_portal.jobs import MAX_FAILURES, relay_outbox
from cepex_portal.models import OutboxJob


class Command(BaseCommand):
    help = "Send the background jobs waiting in the outbox for the broker; print how many."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--count", action="store_true", help="Only print how many jobs wait; send nothing."
        )

    def handle(self, *args, count: bool = False, **options) -> None:
        given_up = OutboxJob.objects.filter(failures__gte=MAX_FAILURES).count()
        if count:
            self.stdout.write(f"{OutboxJob.objects.count()} jobs waiting for the broker.")
        else:
            relay = relay_outbox()
            self.stdout.write(f"{relay.sent} jobs sent; {relay.waiting} still in the outbox.")
            if relay.broker_refused and not relay.sent:
                raise CommandError("The broker refused every job: is it running?", returncode=1)
        if given_up:
            self.stdout.write(
                f"{given_up} jobs failed {MAX_FAILURES} times and wait for a superuser "
                "(admin: background jobs waiting for the broker)."
            )
