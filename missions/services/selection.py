"""The selection of companies: accept, wait-list, reject, confirm, withdraw.

Every decision goes through here, from the admin (actions and forms) as from the company
space, so that capacity, the wait-list and the e-mails behave the same everywhere. The five
verbs share one locked transition (``_move``): the mission row is locked first, so every
change to its places is serialised behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cepex_portal.jobs import enqueue_on_commit
from partners.models import Contact

from ..enums import SEATED_STATUSES, ApplicationStatus
from ..models import Application, Mission

if TYPE_CHECKING:
    from cepex_portal.models import User

# Which decisions staff may take on an application in each status.
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.APPLIED: {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.WAITLISTED: {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.ACCEPTED: {
        ApplicationStatus.CONFIRMED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.CONFIRMED: {ApplicationStatus.WITHDRAWN},
    ApplicationStatus.REJECTED: {ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED},
    ApplicationStatus.WITHDRAWN: set(),
}

# Staff decisions: they record who decided and when, and the company hears of them.
_DECISIONS = (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED)


def _lock(application: Application) -> tuple[Application, Mission]:
    """Lock the mission row first: every change to its places is serialised behind it."""
    mission = Mission.objects.select_for_update().get(pk=application.mission_id)
    application = (
        Application.objects.select_for_update().select_related("company").get(pk=application.pk)
    )
    return application, mission


def _set_status(application: Application, *, to: str, by: User | None) -> Application:
    """Write the new status (and, for a staff decision, who took it and when)."""
    application.status = to
    application._history_user = by  # the audit trail names who, also outside a request
    fields = ["status", "updated_at"]
    if to in _DECISIONS:
        application.decided_at = timezone.now()
        application.decided_by = by
        fields += ["decided_at", "decided_by"]
        if to == ApplicationStatus.WAITLISTED:
            application.waitlisted_at = application.waitlisted_at or application.decided_at
            fields.append("waitlisted_at")
        from ..tasks import application_decision_email_task

        enqueue_on_commit(application_decision_email_task, application_id=application.pk)
    if to == ApplicationStatus.ACCEPTED and application.contact_id is not None:
        # Selecting a company confirms the representative who applied for it (Contact).
        Contact.objects.filter(pk=application.contact_id, is_confirmed=False).update(
            is_confirmed=True, updated_at=timezone.now()
        )
    application.save(update_fields=fields)
    return application


@transaction.atomic
def _move(application: Application, *, to: str, by: User | None) -> Application:
    """The one locked transition every verb below goes through."""
    application, mission = _lock(application)
    if application.status == to:
        return application  # idempotent: twice the same decision is one decision
    if to not in APPLICATION_TRANSITIONS[application.status]:
        raise ValidationError(
            _("The application of %(company)s cannot go from “%(old)s” to “%(new)s”.")
            % {
                "company": application.company.legal_name,
                "old": application.get_status_display(),
                "new": ApplicationStatus(to).label,
            }
        )
    if to == ApplicationStatus.ACCEPTED and mission.applications.seated().count() >= (
        mission.capacity
    ):
        raise ValidationError(
            ngettext(
                "The mission is full (%(capacity)s company): wait-list %(company)s instead.",
                "The mission is full (%(capacity)s companies): wait-list %(company)s instead.",
                mission.capacity,
            )
            % {"capacity": mission.capacity, "company": application.company.legal_name}
        )
    was_seated = application.status in SEATED_STATUSES
    application = _set_status(application, to=to, by=by)
    if was_seated and to not in SEATED_STATUSES:
        promote_waitlisted(mission=mission, by=by, skip=application)
    return application


def promote_waitlisted(
    *, mission: Mission, by: User | None, skip: Application | None = None
) -> list[Application]:
    """Fill free places from the wait-list, first wait-listed first. Caller holds the lock."""
    free = mission.capacity - mission.applications.seated().count()
    if free <= 0:
        return []
    queue = mission.applications.waitlisted().select_for_update()
    if skip is not None:
        queue = queue.exclude(pk=skip.pk)
    return [
        _set_status(application, to=ApplicationStatus.ACCEPTED, by=by)
        for application in queue[:free]
    ]


def application_accept(*, application: Application, by: User | None) -> Application:
    """Accept a company into the delegation, within the mission's capacity."""
    return _move(application, to=ApplicationStatus.ACCEPTED, by=by)


def application_waitlist(*, application: Application, by: User | None) -> Application:
    """Put an application on the wait-list; it keeps its place in line if it had one."""
    return _move(application, to=ApplicationStatus.WAITLISTED, by=by)


def application_reject(*, application: Application, by: User | None) -> Application:
    """Decline an application."""
    return _move(application, to=ApplicationStatus.REJECTED, by=by)


def application_confirm(*, application: Application, by: User | None) -> Application:
    """The company confirms that it takes its place in the delegation."""
    return _move(application, to=ApplicationStatus.CONFIRMED, by=by)


def application_withdraw(*, application: Application, by: User | None) -> Application:
    """The company withdraws; its place, if it had one, goes to the first wait-listed."""
    return _move(application, to=ApplicationStatus.WITHDRAWN, by=by)


DECISIONS = {
    ApplicationStatus.ACCEPTED: application_accept,
    ApplicationStatus.WAITLISTED: application_waitlist,
    ApplicationStatus.REJECTED: application_reject,
}


def applications_decide(
    *, applications: list[Application], status: str, by: User | None
) -> tuple[list[Application], list[str]]:
    """Apply one decision to many applications (admin bulk action), each on its own.

    Returns the applications decided and the messages of those that could not be, so that
    one full mission does not undo the decisions that fit.
    """
    decide = DECISIONS[status]
    done, errors = [], []
    for application in applications:
        try:
            done.append(decide(application=application, by=by))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return done, errors
