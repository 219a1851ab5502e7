"""E-mails of matchmaking: a partner's signed link, to each contact of the partner.

Plain text only: whatever was typed into the portal reaches the reader as text, never as
markup.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cepex_portal.mail import send_templated_mail
from partners.models import Contact

from ..enums import RequestState
from ..models import PartnerLink


def partner_link_url(*, link: PartnerLink) -> str:
    """The full address of the partner's page (the link's current token)."""
    return settings.SITE_URL + reverse("partner:home", args=[link.token])


def send_partner_link(*, link: PartnerLink, contact: Contact) -> None:
    """Send one contact of the partner its link, in the contact's language."""
    mission = link.mission
    waiting = link.partner.meeting_requests.filter(mission=mission, state=RequestState.SENT).count()
    send_templated_mail(
        to=contact.email,
        language=contact.language,
        template="matchmaking/emails/partner_link",
        context={
            "contact": contact,
            "partner": link.partner,
            "mission": mission,
            "waiting": waiting,
            "link_url": partner_link_url(link=link),
            "expires_on": timezone.localdate(link.expires_at),
        },
    )
