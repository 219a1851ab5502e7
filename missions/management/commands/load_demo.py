"""``manage.py load_demo``: load (or refresh) the Wallonia 2017 demo data. Safe to re-run."""

from django.core.management.base import BaseCommand

from missions.demo import load_demo


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
            "{applications} applications ({created} rows created, {updated} updated).".format(
                **counts
            )
        )
