"""Accounts of the portal and the pieces every app shares.

Agency staff and managers log into the admin with a password. Company representatives have
no password: they log in with one-time links sent to their e-mail address (``LoginLink``).
"""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who logs in: agency staff, a manager, or a company representative."""

    email = models.EmailField(_("email address"), blank=True, default="")
    company = models.ForeignKey(
        "partners.Company",
        verbose_name=_("company"),
        # A company with representatives is not deleted by accident: staff first remove or
        # reassign its accounts (a representative must never become a plain account).
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Set for company representatives: they see this company's data only."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
            # A representative logs in with an e-mailed one-time link; staff with a password.
            # One account both would open the back office to whoever reads that mailbox.
            models.CheckConstraint(
                condition=Q(company__isnull=True) | Q(is_staff=False, is_superuser=False),
                name="user_representative_not_staff",
                violation_error_message=_(
                    "A company representative cannot be staff or a superuser: they log in "
                    "with a link sent by e-mail. Give staff an account of their own."
                ),
            ),
        ]

    @property
    def is_company_representative(self) -> bool:
        return self.company_id is not None


class LoginLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())

    def spent(self):
        return self.filter(Q(used_at__isnull=False) | Q(expires_at__lte=timezone.now()))


class LoginLink(models.Model):
    """A one-time login link. Only the SHA-256 of the token is stored, never the token."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_links"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = LoginLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="loginlink_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class OutboxJob(models.Model):
    """A background job waiting to reach the broker (the transactional outbox).

    ``cepex_portal.jobs.enqueue_on_commit`` writes the row in the caller's transaction, so a
    job exists exactly when what it is about was saved. Right after the commit the job is
    sent to the broker and its row deleted; when the broker is down the row stays, with the
    error, and the relay (beat every minute, every worker start, ``manage.py relay_outbox``)
    sends it once the broker is back. A row is claimed (``claimed_at``) before it is sent, so
    two senders never send it twice; a claim older than ``STALE_CLAIM`` means its sender died
    mid-send, and the relay takes the job again.

    Rows hold the task's arguments (ids, and for login links the token the e-mail carries)
    only until they are sent.
    """

    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # Failures of the job itself (a task renamed by a deploy, an eager task that raised), not
    # of the broker: each one doubles the wait before the next try, and after
    # ``jobs.MAX_FAILURES`` the relay leaves the job to the superuser (admin action).
    failures = models.PositiveSmallIntegerField(_("failures"), default=0)
    retry_after = models.DateTimeField(_("next try not before"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job waiting for the broker")
        verbose_name_plural = _("background jobs waiting for the broker")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
