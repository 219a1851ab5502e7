"""Signed addresses for people without an account: a partner's page for one mission, and
calendar feeds that calendar applications subscribe to.

The token in the address is signed (``Signer``) over the row's id and a version, and the row
is checked on every use: staff revoke an address by bumping the version (the old address
stops working at once, a new one can be sent), and a partner's link also expires.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cepex_portal.models import TimeStampedModel
from missions.models import Mission
from partners.models import Company, PartnerOrganisation


class _VersionedToken(TimeStampedModel):
    version = models.PositiveIntegerField(_("version"), default=1)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    salt = ""

    class Meta:
        abstract = True

    @property
    def token(self) -> str:
        return signing.Signer(salt=self.salt).sign_object({"id": self.pk, "v": self.version})

    @classmethod
    def unsign(cls, token: str) -> dict | None:
        """The payload of a token of this kind, or None when it is not one of ours."""
        try:
            payload = signing.Signer(salt=cls.salt).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
            return None
        return payload


def _link_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.PARTNER_LINK_MAX_AGE_DAYS)


class PartnerLink(_VersionedToken):
    """The address a partner's contacts use to answer the requests of one mission."""

    salt = "matchmaking.partner-link"

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="partner_links"
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="mission_links",
    )
    expires_at = models.DateTimeField(_("expires at"), default=_link_expiry)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner link")
        verbose_name_plural = _("partner links")
        constraints = [
            models.UniqueConstraint(fields=["mission", "partner"], name="partnerlink_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} / {self.mission}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class CalendarFeed(_VersionedToken):
    """A private iCalendar address: a company's meetings across missions, or a partner's
    meetings on one mission.
    """

    salt = "matchmaking.calendar-feed"

    company = models.OneToOneField(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )
    partner_link = models.OneToOneField(
        PartnerLink,
        verbose_name=_("partner link"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False) & Q(partner_link__isnull=True))
                | (Q(company__isnull=True) & Q(partner_link__isnull=False)),
                name="calendarfeed_company_xor_partner",
            ),
        ]

    def __str__(self) -> str:
        return str(self.company or self.partner_link)
