from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CepexPortalConfig(AppConfig):
    name = "cepex_portal"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
