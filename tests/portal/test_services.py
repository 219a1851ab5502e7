"""The staff's roles: the two groups ``roles_ensure`` writes, with exactly their permissions,
made by ``migrate`` on a fresh database and by every later run, changing nothing twice."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from portal.services import AGENCY_STAFF_GROUP, DOMAIN_APPS, MANAGERS_GROUP, roles_ensure

pytestmark = pytest.mark.django_db


def _codes(group: Group) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_roles_exist_after_migrate_without_anyone_asking():
    # The test database was made by ``migrate``: its post_migrate handler wrote them.
    groups = {group.name: group for group in Group.objects.all()}

    assert {AGENCY_STAFF_GROUP, MANAGERS_GROUP} <= set(groups)
    assert "missions.change_application" in _codes(groups[AGENCY_STAFF_GROUP])
    assert "missions.view_all_missions" in _codes(groups[MANAGERS_GROUP])


def test_roles_managers_view_everything_make_reports_and_change_nothing():
    managers = roles_ensure()[MANAGERS_GROUP]
    every_view = {
        f"{app}.{code}"
        for app, code in Permission.objects.filter(
            content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_"
        ).values_list("content_type__app_label", "codename")
    }

    assert _codes(managers) == every_view | {"reports.add_report"}
    assert "missions.view_all_missions" in every_view
    assert "missions.change_application" not in _codes(managers)
    assert "missions.change_mission_team" not in _codes(managers)


def test_roles_chargés_de_mission_do_everything_on_their_team_missions_only():
    agency = roles_ensure()[AGENCY_STAFF_GROUP]
    domain = set(
        Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).values_list(
            "content_type__app_label", "codename"
        )
    )

    assert _codes(agency) == {f"{app}.{code}" for app, code in domain} - {
        "missions.view_all_missions",
        "missions.change_mission_team",
    }


def test_roles_grant_nothing_on_accounts():
    for group in roles_ensure().values():
        apps = set(group.permissions.values_list("content_type__app_label", flat=True))
        assert apps <= set(DOMAIN_APPS), group.name


def test_roles_ensure_twice_changes_nothing_and_undoes_a_permission_added_by_hand():
    groups = roles_ensure()
    before = {name: _codes(group) for name, group in groups.items()}
    groups[MANAGERS_GROUP].permissions.add(Permission.objects.get(codename="change_application"))

    again = roles_ensure()

    assert {name: _codes(group) for name, group in again.items()} == before
    assert Group.objects.filter(name__in=[AGENCY_STAFF_GROUP, MANAGERS_GROUP]).count() == 2


def test_roles_migrate_again_keeps_the_groups_and_their_members(staff):
    call_command("migrate", verbosity=0)

    assert staff.groups.get().name == AGENCY_STAFF_GROUP
    assert "missions.change_application" in _codes(staff.groups.get())
