from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data (GDPR, Tunisian law 2004-63): export, erasure and retention.

    It sits above the domain apps (it reads and scrubs what all of them hold about a person)
    and below the faces; see docs/privacy.md.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Privacy (GDPR)")
