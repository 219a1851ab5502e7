"""Writes of the ground floor: companies, their contacts and representatives.

- ``companies``: registering a company from the public form, its profile, a contact's own
  details;
- ``claims``: who may speak for a company (representative claims and their approval);
- ``login``: one-time login links of representatives.
"""

from .claims import (
    CLAIM_DECISION_SALT,
    claim_approve,
    claim_approvers,
    claim_create,
    claim_decision_token,
    claim_decline,
    claim_from_decision_token,
    claim_verify_email,
    contacts_confirm,
)
from .companies import (
    CONTACT_FIELDS,
    CONTACT_SELF_FIELDS,
    company_get_or_register,
    company_update_profile,
    contact_update_details,
)
from .login import (
    LOGIN_LINKS_PER_HOUR,
    login_link_consume,
    login_link_request,
    representative_set_language,
    representative_user_for_contact,
)

__all__ = [
    "CLAIM_DECISION_SALT",
    "CONTACT_FIELDS",
    "CONTACT_SELF_FIELDS",
    "LOGIN_LINKS_PER_HOUR",
    "claim_approve",
    "claim_approvers",
    "claim_create",
    "claim_decision_token",
    "claim_decline",
    "claim_from_decision_token",
    "claim_verify_email",
    "company_get_or_register",
    "company_update_profile",
    "contact_update_details",
    "contacts_confirm",
    "login_link_consume",
    "login_link_request",
    "representative_set_language",
    "representative_user_for_contact",
]
