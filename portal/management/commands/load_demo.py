"""``manage.py load_demo``: load (or refresh) the demo data of every app, in layer order.

The reference is CEPEX's partnership mission to Wallonia (9-15 July 2017, see
``reference/cepex-wallonie-2017.fr.txt``), its partners and delegation, a second round in
Tunis and a triangular action towards Senegal. Each app keeps the demo data of its own
models (``<app>/demo.py``); this command, above them all, composes them in order: the ground
floor first, then missions, then matchmaking (requests, and a schedule the engine makes).
Idempotent: rows are found by natural key and written only when a value differs.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cepex_portal.demo import DemoWriter
from cepex_portal.models import User
from matchmaking import demo as matchmaking_demo
from missions import demo as missions_demo
from partners import demo as partners_demo
from reports import demo as reports_demo

from ...services import AGENCY_STAFF_GROUP, roles_ensure


@transaction.atomic
def load_demo(*, today=None) -> dict[str, int]:
    """Create or refresh all demo data; return how many demo rows of each kind there are.

    ``today`` (the portal's local date by default) anchors the dates of the open triangular
    action. The counts include ``created`` and ``updated``: rows written by this run.
    """
    writer = DemoWriter()
    ground = partners_demo.load(writer=writer)
    counts = {
        **ground.counts,
        **missions_demo.load(writer=writer, ground=ground, today=today or timezone.localdate()),
        **matchmaking_demo.load(writer=writer, ground=ground),
        **reports_demo.load(writer=writer, ground=ground),
    }
    # The demo chargés de mission (on the 2017 mission's team) are agency staff.
    roles_ensure()[AGENCY_STAFF_GROUP].user_set.add(
        *User.objects.filter(username__in=[o["username"] for o in reports_demo.OWNERS.values()])
    )
    return {**counts, "created": writer.created, "updated": writer.updated}


class Command(BaseCommand):
    help = (
        "Load the demo data: the Wallonia 2017 mission, its partners and delegation, the "
        "second round in Tunis and the triangular action towards Senegal. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        counts = load_demo()
        self.stdout.write(
            "Demo data loaded: {missions} missions, {companies} companies, {partners} partner "
            "organisations, {venues} venues, {programme_items} programme items, "
            "{applications} applications, {meeting_requests} meeting requests, {meetings} "
            "meetings ({held} held, {no_show} no-show, {no_news} without news), {meeting_outcomes} "
            "meeting outcomes, "
            "{leads} leads ({created} rows created, {updated} updated).".format(**counts)
        )
        self.stdout.write(
            "A demo company representative: developpement@pole-sidithabet.example (ask for a "
            "login link at /company/login/; in debug it is printed on the console)."
        )
