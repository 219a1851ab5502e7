"""What each side was told about a meeting: one row per revision of the meeting and address.

Both sides get an e-mail with an .ics when a meeting is confirmed, moved or cancelled (see
``services.agendas``). The task that sends them may run twice (a retry, a redelivery after a
worker died): the row, unique per meeting, calendar revision and address, is how it knows an
address was served already.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import MeetingChange
from .meetings import Meeting


class MeetingNotification(models.Model):
    """An e-mail about one revision (``sequence``) of a meeting, sent to one address."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    sequence = models.PositiveIntegerField(_("calendar revision"))
    recipient = models.EmailField(_("recipient"))
    side = models.CharField(
        _("side"),
        max_length=8,
        choices=[("company", _("Company")), ("partner", _("Partner"))],
    )
    change = models.CharField(_("change"), max_length=12, choices=MeetingChange.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting notification")
        verbose_name_plural = _("meeting notifications")
        ordering = ["meeting", "sequence", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "sequence", "recipient"],
                name="meetingnotification_once_per_revision_and_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.sequence} → {self.recipient}"
