from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions")

    def ready(self) -> None:
        from partners.signals import claim_declined

        from . import receivers

        claim_declined.connect(receivers.discard_held_applications, dispatch_uid="missions.discard")
