from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_roles_after_migrate(sender, using, **kwargs) -> None:
    """After ``migrate``: the staff's groups, with the permissions of this code's models.

    Connected to the signal ``auth`` sends, which comes before the domain apps' own: their
    permissions are made here first (Django makes them app by app, and would make them a
    moment later), so that the groups get every one of them on a fresh database too.
    """
    from django.contrib.auth.management import create_permissions

    from .services import DOMAIN_APPS, roles_ensure

    for label in DOMAIN_APPS:
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    roles_ensure(using=using)


class PortalConfig(AppConfig):
    """The faces of the portal for people outside the agency: public mission pages and the
    interest form, the company space, and the signed-link pages of partners and colleagues.
    It sits on top of the domain apps and holds no models; it sets up the staff's roles
    (``services.roles_ensure``) after every ``migrate``.
    """

    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        post_migrate.connect(
            ensure_roles_after_migrate,
            sender=self.apps.get_app_config("auth"),
            dispatch_uid="portal.ensure_roles_after_migrate",
        )
