"""Companies and their contacts: registering a company, its profile, a contact's details."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from ..models import COMPANY_PROFILE_FIELDS, Company, CompanyRevision, Contact
from ..validators import normalize_tax_id

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# Many-to-many fields, recorded in revisions by a stable key rather than by id.
_PROFILE_M2M_KEYS = {"sectors": "slug", "certifications": "code"}

CONTACT_FIELDS = ("first_name", "last_name", "role", "email", "phone")
CONTACT_SELF_FIELDS = ("first_name", "last_name", "role", "phone", "language")


def company_get_or_register(
    *, company_data: dict[str, Any], contact_data: dict[str, Any], language: str
) -> tuple[Company, Contact | None]:
    """The company a public form names by its tax id; returns (company, new first contact).

    A company new to the portal is created with the profile that was typed and its first
    contact, unconfirmed until staff select the company (``Contact.is_confirmed``). A known
    company is returned untouched with no contact: whoever typed its tax id may be anyone.
    Two first submissions of one company at once get one company (the loser of the race on
    the unique tax id gets the winner's row, as a known company).
    """
    company, created = Company.objects.get_or_create(
        tax_id=normalize_tax_id(company_data["tax_id"]),
        defaults={
            "legal_name": company_data["legal_name"],
            "export_markets": company_data.get("export_markets") or [],
            **{
                name: company_data.get(name) or ""
                for name in ("governorate", "city", "size", "website", "description")
            },
        },
    )
    if not created:
        return company, None
    company.sectors.set(company_data.get("sectors") or [])
    company.certifications.set(company_data.get("certifications") or [])
    contact = Contact.objects.create(
        company=company,
        language=language,
        is_confirmed=False,
        **{name: contact_data.get(name) or "" for name in CONTACT_FIELDS},
    )
    return company, contact


def _profile_value(company: Company, field: str) -> Any:
    """A field's value in a form fit for JSON and for comparison."""
    if field in _PROFILE_M2M_KEYS:
        return sorted(getattr(company, field).values_list(_PROFILE_M2M_KEYS[field], flat=True))
    if field == "export_markets":
        return sorted(country.code for country in company.export_markets)
    return getattr(company, field)


def _new_profile_value(field: str, value: Any) -> Any:
    if field in _PROFILE_M2M_KEYS:
        key = _PROFILE_M2M_KEYS[field]
        return sorted(getattr(item, key) if isinstance(item, Model) else item for item in value)
    if field == "export_markets":
        return sorted(getattr(country, "code", country) for country in value or [])
    return "" if value is None else value


@transaction.atomic
def company_update_profile(
    *, company: Company, data: dict[str, Any], by: User | None
) -> CompanyRevision | None:
    """Save a company's profile and record what changed, field by field.

    ``data`` holds some of ``COMPANY_PROFILE_FIELDS`` (other keys are ignored): sectors and
    certifications as model instances, export markets as country codes. The revision keeps
    ``{field: [old, new]}``, many-to-many fields by slug or code. Returns None, and writes
    nothing, when nothing changed.
    """
    company = Company.objects.select_for_update().get(pk=company.pk)
    changes: dict[str, list[Any]] = {}
    for field in COMPANY_PROFILE_FIELDS:
        if field not in data:
            continue
        old, new = _profile_value(company, field), _new_profile_value(field, data[field])
        if old != new:
            changes[field] = [old, new]
    if not changes:
        return None

    scalar_fields = [f for f in changes if f not in _PROFILE_M2M_KEYS]
    for field in scalar_fields:
        setattr(company, field, changes[field][1])
    # The tax id is not the representative's to fix: an old one that no longer validates
    # must not block the rest of the profile.
    company.full_clean(exclude=["tax_id"], validate_unique=False, validate_constraints=False)
    if scalar_fields:
        company.save(update_fields=[*scalar_fields, "updated_at"])
    for field in _PROFILE_M2M_KEYS:
        if field in changes:
            getattr(company, field).set(data[field])
    return CompanyRevision.objects.create(company=company, changed_by=by, changes=changes)


@transaction.atomic
def contact_update_details(*, contact: Contact, data: dict[str, Any], by: User) -> Contact:
    """A representative corrects their own contact details (not their address: staff do).

    Only the contact whose address the logged-in account has may do it; staff use the admin.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if by.company_id != contact.company_id or by.email.lower() != contact.email.lower():
        raise ValidationError(_("You can only change your own contact details."), code="forbidden")
    changed = [
        name
        for name in CONTACT_SELF_FIELDS
        if name in data and data[name] != getattr(contact, name)
    ]
    for name in changed:
        setattr(contact, name, data[name])
    if changed:
        contact.full_clean(exclude=["company", "organisation"], validate_constraints=False)
        contact.save(update_fields=[*changed, "updated_at"])
        logger.info("contact %s changed %s by user %s", contact.pk, changed, by.pk)
    return contact
