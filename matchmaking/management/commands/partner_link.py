"""``manage.py partner_link MISSION-SLUG PARTNER``: print the address of a partner's page.

For a demo, or a partner on the phone: the link is issued, or renewed (a new expiry; a
revoked link comes back with a new address), and its address printed. Nothing is e-mailed
(staff send links from the admin) and no request changes state.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from missions.models import Mission
from partners.models import PartnerOrganisation

from ...emails.links import partner_link_url
from ...services.links import link_issue


class Command(BaseCommand):
    help = (
        "Print the address of a partner's signed page for a mission (the partner named by its "
        "name or short name). Issues or renews the link; sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("mission", help="The mission's slug, e.g. wallonie-2017.")
        parser.add_argument("partner", help="The partner's name or short name, e.g. BioWin.")

    def handle(self, *args, **options) -> None:
        mission = Mission.objects.filter(slug=options["mission"]).first()
        if mission is None:
            raise CommandError(f"No mission with the slug “{options['mission']}”.", returncode=2)
        name = options["partner"].strip()
        partners = list(
            PartnerOrganisation.objects.filter(mission_partners__mission=mission).filter(
                Q(name__iexact=name) | Q(short_name__iexact=name)
            )
        )
        if len(partners) != 1:
            known = ", ".join(
                str(p)
                for p in PartnerOrganisation.objects.filter(mission_partners__mission=mission)
            )
            reason = "No partner" if not partners else "More than one partner"
            raise CommandError(
                f"{reason} named “{name}” on {mission.slug} (its partners: {known or 'none'}).",
                returncode=2,
            )
        try:
            link = link_issue(mission=mission, partner=partners[0])
        except ValidationError as exc:
            raise CommandError(exc.messages[0], returncode=2) from exc
        self.stdout.write(partner_link_url(link=link))
