"""What the privacy app keeps of its own: a record of each erasure, without personal data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("The person asked")
    RETENTION = "retention", _("Retention period over")


class Erasure(models.Model):
    """One contact erased: which row (by id only), why, by whom and when, and how many rows
    were scrubbed. The person's name or address is never written here."""

    contact_id = models.PositiveBigIntegerField(_("contact id"), db_index=True)
    reason = models.CharField(_("reason"), max_length=10, choices=ErasureReason.choices)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    scrubbed = models.JSONField(_("rows scrubbed"), default=dict)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-pk"]
        permissions = [("export_personal_data", _("Can export a person's or a company's data"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ErasureReason.values), name="erasure_reason_valid"
            )
        ]

    def __str__(self) -> str:
        return f"contact #{self.contact_id} ({self.erased_at:%Y-%m-%d})"
