from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The faces of the portal for people outside the agency: public mission pages and the
    interest form, the company space, and the signed-link pages of partners and colleagues.
    It sits on top of the domain apps and holds no models.
    """

    name = "portal"
    verbose_name = _("Portal")
