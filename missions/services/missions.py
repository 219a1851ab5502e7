"""The mission workflow and its capacity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..enums import MissionStatus
from ..models import Mission

if TYPE_CHECKING:
    from cepex_portal.models import User

# Which status a mission may move to from which; anything else is refused.
MISSION_TRANSITIONS: dict[str, set[str]] = {
    MissionStatus.DRAFT: {MissionStatus.OPEN, MissionStatus.CANCELLED},
    MissionStatus.OPEN: {MissionStatus.CLOSED, MissionStatus.DRAFT, MissionStatus.CANCELLED},
    MissionStatus.CLOSED: {MissionStatus.OPEN, MissionStatus.IN_PROGRESS, MissionStatus.CANCELLED},
    MissionStatus.IN_PROGRESS: {MissionStatus.COMPLETED},
    MissionStatus.COMPLETED: set(),
    MissionStatus.CANCELLED: {MissionStatus.DRAFT},
}


@transaction.atomic
def mission_set_status(*, mission: Mission, status: str) -> Mission:
    """Move a mission along its workflow (draft → open → closed → in progress → completed)."""
    if status not in MissionStatus.values:
        raise ValidationError(_("Unknown mission status: %(status)s.") % {"status": status})
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if status == mission.status:
        return mission
    if status not in MISSION_TRANSITIONS[mission.status]:
        raise ValidationError(
            _("A mission cannot go from “%(old)s” to “%(new)s”.")
            % {"old": mission.get_status_display(), "new": MissionStatus(status).label}
        )
    mission.status = status
    mission.save(update_fields=["status", "updated_at"])
    return mission


def mission_publish(*, mission: Mission) -> Mission:
    """Open a mission for applications."""
    return mission_set_status(mission=mission, status=MissionStatus.OPEN)


def mission_close(*, mission: Mission) -> Mission:
    """Stop taking applications."""
    return mission_set_status(mission=mission, status=MissionStatus.CLOSED)


def mission_capacity_refused(*, mission: Mission, capacity: int) -> ValidationError | None:
    """Why a mission's capacity cannot be set to ``capacity``, or None if it can."""
    seated = mission.applications.seated().count() if mission.pk else 0
    if capacity < seated:
        return ValidationError(
            ngettext(
                "%(seated)d company already has a place: the capacity cannot go below "
                "%(seated)d. Wait-list or reject a company first.",
                "%(seated)d companies already have a place: the capacity cannot go below "
                "%(seated)d. Wait-list or reject companies first.",
                seated,
            )
            % {"seated": seated},
            code="below_seated",
        )
    return None


@transaction.atomic
def mission_set_capacity(*, mission: Mission, capacity: int, by: User | None) -> Mission:
    """Change how many companies a mission takes.

    Lowering it below the places already given is refused (staff decide who leaves, not
    the arithmetic); raising it gives the new places to the wait-list, first come first
    served, and e-mails those promoted.
    """
    from .selection import promote_waitlisted

    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    refused = mission_capacity_refused(mission=mission, capacity=capacity)
    if refused is not None:
        raise refused
    if capacity == mission.capacity:
        return mission
    mission.capacity = capacity
    mission.save(update_fields=["capacity", "updated_at"])
    promote_waitlisted(mission=mission, by=by)
    return mission


def mission_team_add(*, mission: Mission, users: Iterable[User]) -> None:
    """Put staff users on a mission's team (those already on it stay, once).

    Only staff work on a mission: a company representative or a plain account on a team
    would be refused by the form's choices; here it is refused outright.
    """
    users = list(users)
    outsiders = [user for user in users if not user.is_staff]
    if outsiders:
        raise ValidationError(
            _("Only agency staff join a mission's team, not %(names)s.")
            % {"names": ", ".join(user.get_username() for user in outsiders)},
            code="not_staff",
        )
    mission.team.add(*users)
