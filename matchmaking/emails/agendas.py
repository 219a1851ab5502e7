"""E-mails of matchmaking: agendas. Both sides of a meeting hear when it is confirmed, moved
or cancelled, each in its language, with the .ics attached (built by ``services.agendas``).
"""

from __future__ import annotations

from email.mime.base import MIMEBase
from typing import TYPE_CHECKING

from cepex_portal.mail import send_templated_mail

if TYPE_CHECKING:
    from ..selectors import AgendaItem, Recipient


def send_meeting_change(
    *,
    recipient: Recipient,
    item: AgendaItem,
    change: str,
    attachment: MIMEBase,
    agenda_url: str = "",
) -> None:
    """Tell one person about a meeting's change; times are the mission's local times."""
    mission = item.meeting.mission
    send_templated_mail(
        to=recipient.email,
        language=recipient.language,
        template="matchmaking/emails/meeting_change",
        context={
            "recipient": recipient,
            "item": item,
            "change": change,
            "mission": mission,
            "time_zone": mission.time_zone,
            "agenda_url": agenda_url,
        },
        attachments=[attachment],
    )
