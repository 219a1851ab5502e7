from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CepexPortalConfig(AppConfig):
    name = "cepex_portal"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import (
            audit,  # noqa: F401 - names the author of changes made without an account
            checks,  # noqa: F401 - registers the deployment checks
        )

        # The filesystem broker (debug without Redis) needs its folders before anyone sends.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
