"""Everything the portal holds about a contact or a company, as plain data (export).

Each export is a dictionary of sections; a section is a list of rows, a row a dictionary of
JSON-safe values (dates as ISO text, related rows as their id). Secrets are never exported:
token hashes, passwords, signed links.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from cepex_portal.models import LoginLink
from matchmaking.models import Meeting, MeetingNotification, MeetingRequest
from missions.enums import ApplicationStatus
from missions.models import Application, HeldApplication
from partners.enums import ClaimStatus
from partners.models import Company, Contact, RepresentativeClaim
from reports.models import Lead, MeetingOutcome

User = get_user_model()

# Fields never exported, whatever the model: secrets and what proves a login.
SECRET_FIELDS = {"password", "token_hash", "token", "secret", "signing_key"}

Data = dict[str, list[dict[str, Any]]]

# Applications that ended without the company joining the delegation.
CLOSED_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if hasattr(value, "code") and hasattr(value, "name"):  # a django-countries Country
        return value.code
    if not isinstance(value, str | int | float | bool | dict | type(None)):
        return str(value)
    return value


def row(obj: models.Model) -> dict[str, Any]:
    """The concrete fields of ``obj`` (a foreign key as its id), secrets left out."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS or field.attname in SECRET_FIELDS:
            continue
        data[field.attname] = _value(field.value_from_object(obj))
    return data


def _rows(queryset: QuerySet) -> list[dict[str, Any]]:
    return [row(obj) for obj in queryset]


def contact_accounts(*, contact: Contact) -> QuerySet:
    """The portal accounts of a contact: the representatives of the contact's company with
    the contact's e-mail address (never a member of staff who shares an address)."""
    if not contact.email or contact.company_id is None:
        return User.objects.none()
    return User.objects.filter(
        email__iexact=contact.email, company_id=contact.company_id, is_staff=False
    )


def contact_claims(*, contact: Contact) -> QuerySet[RepresentativeClaim]:
    condition = Q(contact=contact)
    if contact.email:
        condition |= Q(email__iexact=contact.email)
    return RepresentativeClaim.objects.filter(condition)


def contact_data(*, contact: Contact) -> Data:
    """Everything about one person: the contact, their accounts and logins, their claims to
    represent a company, the applications they made (with the consent they gave), the
    meeting e-mails sent to them, and the changes they made (the audit trail)."""
    accounts = list(contact_accounts(contact=contact))
    claims = contact_claims(contact=contact)
    history = []
    for model in (Application, MeetingRequest, Meeting, MeetingOutcome, Lead):
        for version in model.history.filter(history_user__in=accounts).order_by("history_date"):
            history.append(
                {
                    "model": model._meta.label,
                    "object_id": version.id,
                    "change": version.history_type,
                    "at": _value(version.history_date),
                }
            )
    return {
        "contact": [row(contact)],
        "accounts": [
            {
                key: value
                for key, value in row(user).items()
                if key not in ("is_superuser", "is_staff")
            }
            for user in accounts
        ],
        "login_links": [
            {"created_at": _value(link.created_at), "used_at": _value(link.used_at)}
            for link in LoginLink.objects.filter(user__in=accounts).order_by("created_at")
        ],
        "representative_claims": _rows(claims.order_by("created_at")),
        "held_applications": _rows(
            HeldApplication.objects.filter(claim__in=claims).order_by("created_at")
        ),
        "applications": _rows(Application.objects.filter(contact=contact).order_by("pk")),
        "meeting_emails": _rows(
            MeetingNotification.objects.filter(recipient__iexact=contact.email).order_by("pk")
            if contact.email
            else MeetingNotification.objects.none()
        ),
        "changes_made": history,
    }


def company_data(*, company: Company) -> Data:
    """Everything about one company: its record, its contacts (each person's own data),
    claims, applications, meeting requests, meetings, outcomes and leads."""
    contacts = list(company.contacts.order_by("pk"))
    meetings = Meeting.objects.filter(company=company).order_by("pk")
    return {
        "company": [row(company)],
        "contacts": [row(contact) for contact in contacts],
        "representative_claims": _rows(
            RepresentativeClaim.objects.filter(company=company).order_by("pk")
        ),
        "applications": _rows(Application.objects.filter(company=company).order_by("pk")),
        "meeting_requests": _rows(MeetingRequest.objects.filter(company=company).order_by("pk")),
        "meetings": _rows(meetings),
        "meeting_outcomes": _rows(
            MeetingOutcome.objects.filter(meeting__in=meetings).order_by("pk")
        ),
        "leads": _rows(Lead.objects.filter(company=company).order_by("pk")),
    }


def contacts_past_retention(*, months: int, now: dt.datetime | None = None) -> QuerySet[Contact]:
    """Company contacts whose every application ended rejected or withdrawn, none of them
    touched for ``months`` months, whose company never met anyone, and who are not erased
    yet: the portal has no more reason to keep who they are. Partner contacts are kept while
    their organisation is in the directory; contacts of selected companies are kept for the
    follow-up."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=round(months * 365.25 / 12))
    still_open = [s for s in ApplicationStatus.values if s not in CLOSED_STATUSES]
    return (
        Contact.objects.filter(company__isnull=False, applications__isnull=False)
        .exclude(erased_at__isnull=False)
        .exclude(applications__status__in=still_open)
        .exclude(applications__updated_at__gte=cutoff)
        .exclude(company__meetings__isnull=False)
        .distinct()
    )


def claims_never_verified(*, days: int, now: dt.datetime | None = None) -> QuerySet:
    """Claims to represent a company whose sender never opened the link that proves their
    address, made more than ``days`` days ago: nobody knows who they were."""
    now = now or timezone.now()
    return RepresentativeClaim.objects.filter(
        status=ClaimStatus.UNVERIFIED, created_at__lt=now - dt.timedelta(days=days)
    )


def held_applications_never_reviewed(*, days: int, now: dt.datetime | None = None) -> QuerySet:
    """Applications the public form held for a company, which no representative submitted
    or discarded within ``days`` days: text about the company nobody of it chose to keep."""
    now = now or timezone.now()
    return HeldApplication.objects.filter(
        outcome="", submitted_at__lt=now - dt.timedelta(days=days)
    ).exclude(claim__status=ClaimStatus.UNVERIFIED)  # those go with their claim
