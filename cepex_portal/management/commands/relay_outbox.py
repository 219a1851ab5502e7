"""``manage.py relay_outbox``: send the background jobs that waited for the broker.

Beat does it every minute and every worker when it starts; this is for an operator who
wants it now (after Redis came back, say) or to see how many jobs wait.
"""

from django.core.management.base import BaseCommand, CommandError

from cepex_portal.jobs import relay_outbox
from cepex_portal.models import OutboxJob


class Command(BaseCommand):
    help = "Send the background jobs waiting in the outbox for the broker; print how many."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--count", action="store_true", help="Only print how many jobs wait; send nothing."
        )

    def handle(self, *args, count: bool = False, **options) -> None:
        if count:
            self.stdout.write(f"{OutboxJob.objects.count()} jobs waiting for the broker.")
            return
        sent, waiting = relay_outbox()
        self.stdout.write(f"{sent} jobs sent; {waiting} still waiting for the broker.")
        if waiting and not sent:
            raise CommandError("The broker refused every job: is it running?", returncode=1)
