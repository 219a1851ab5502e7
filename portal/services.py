"""The staff's roles: the two groups of the back office and what each may do.

- **Chargés de mission** (agency staff): every permission of the four domain apps (create
  missions and their programme, curate partners, select companies, schedule meetings,
  follow leads, make reports), on the missions of their team only: they lack
  ``missions.view_all_missions`` (``missions.selectors.missions_visible_to``), and
  ``missions.change_mission_team``, so they do not choose their own missions.
- **Managers**: every view permission of the domain apps, ``missions.view_all_missions``
  (every mission), and ``reports.add_report`` (they make the PDF reports they read); they
  change nothing else: no application, decision, meeting or lead.

Superusers hold every permission. User accounts, groups and login links are theirs alone:
no group here grants a permission of ``auth`` or ``cepex_portal``.

``roles_ensure`` writes both groups with exactly these permissions. It runs after every
``migrate`` (``apps.PortalConfig``), and ``load_demo`` calls it too; a permission added to
one of these groups by hand is taken away at the next run (make another group for that).
The whole matrix, page by page, is in ``docs/security.md``.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q, QuerySet

AGENCY_STAFF_GROUP = "Chargés de mission"
MANAGERS_GROUP = "Managers"

DOMAIN_APPS = ("partners", "missions", "matchmaking", "reports")

# Permissions no chargé de mission holds: seeing every mission, choosing a mission's team.
_TEAM_RULE_PERMISSIONS = Q(content_type__app_label="missions") & Q(
    codename__in=["view_all_missions", "change_mission_team"]
)


def _agency_staff_permissions(using: str) -> QuerySet[Permission]:
    return (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=DOMAIN_APPS)
        .exclude(_TEAM_RULE_PERMISSIONS)
    )


def _managers_permissions(using: str) -> QuerySet[Permission]:
    return Permission.objects.using(using).filter(
        Q(content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_")
        | Q(content_type__app_label="reports", codename="add_report")
    )


def roles_ensure(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Create or bring up to date the two groups of the back office, with exactly their
    permissions; return them by name. Idempotent: a second run changes nothing.
    """
    groups = {}
    with transaction.atomic(using=using):
        for name, permissions in (
            (AGENCY_STAFF_GROUP, _agency_staff_permissions(using)),
            (MANAGERS_GROUP, _managers_permissions(using)),
        ):
            group, _created = Group.objects.using(using).get_or_create(name=name)
            group.permissions.set(permissions)
            groups[name] = group
    return groups
