"""Writes on missions and applications.

- ``missions``: the mission workflow and its capacity;
- ``selection``: accept, wait-list, reject, confirm, withdraw (one locked transition);
- ``applications``: applications from the public form, from representatives and from
  staff, and what is held until a representative reviews it;
- ``wishes``: the one rule for wished partners, and a company's withdrawal.
"""

from ..rules import MAX_WISHES
from .applications import (
    HeldOutcome,
    application_add_by_staff,
    application_add_refused,
    application_contact_refused,
    application_submit,
    application_submit_as_representative,
    application_update,
    application_update_refused,
    held_application_delete,
    held_application_discard,
    held_application_submit,
    held_application_submit_refused,
    held_applications_discard,
)
from .missions import (
    MISSION_TRANSITIONS,
    mission_capacity_refused,
    mission_close,
    mission_publish,
    mission_set_capacity,
    mission_set_status,
    mission_team_add,
)
from .selection import (
    APPLICATION_TRANSITIONS,
    DECISIONS,
    application_accept,
    application_confirm,
    application_reject,
    application_waitlist,
    application_withdraw,
    applications_decide,
    promote_waitlisted,
)
from .wishes import (
    Wish,
    company_can_withdraw,
    company_withdraw,
    wishes_check,
    wishes_locked,
    wishes_update,
)

__all__ = [
    "APPLICATION_TRANSITIONS",
    "DECISIONS",
    "MAX_WISHES",
    "MISSION_TRANSITIONS",
    "HeldOutcome",
    "Wish",
    "application_accept",
    "application_add_by_staff",
    "application_add_refused",
    "application_confirm",
    "application_contact_refused",
    "application_reject",
    "application_submit",
    "application_submit_as_representative",
    "application_update",
    "application_update_refused",
    "application_waitlist",
    "application_withdraw",
    "applications_decide",
    "company_can_withdraw",
    "company_withdraw",
    "held_application_delete",
    "held_application_discard",
    "held_application_submit",
    "held_application_submit_refused",
    "held_applications_discard",
    "mission_capacity_refused",
    "mission_close",
    "mission_publish",
    "mission_set_capacity",
    "mission_set_status",
    "mission_team_add",
    "promote_waitlisted",
    "wishes_check",
    "wishes_locked",
    "wishes_update",
]
