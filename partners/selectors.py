"""Reads on companies and their people: every queryset is limited to one company.

A representative sees their own company only, so each selector takes the company and filters
on it; views then use ``get_object_or_404`` on the result, and another company's id is a 404.
"""

from django.db.models import QuerySet
from django_countries import countries

from cepex_portal.models import LoginLink

from .enums import ClaimStatus
from .models import (
    COMPANY_PROFILE_FIELDS,
    Certification,
    Company,
    CompanyRevision,
    Contact,
    RepresentativeClaim,
    Sector,
)


def company_profile_get(*, company_id: int) -> Company:
    """A company with the sectors and certifications its profile shows."""
    return Company.objects.prefetch_related("sectors", "certifications").get(pk=company_id)


def company_revisions_recent(*, company: Company, limit: int = 10) -> list[CompanyRevision]:
    """The last changes made to a company profile, newest first."""
    return list(
        CompanyRevision.objects.filter(company=company).select_related("changed_by")[:limit]
    )


def login_link_get_usable(*, token: str) -> LoginLink | None:
    """The login link of this token if it can still be used (unused, not expired).

    A read only: showing the confirmation page must not spend the link.
    """
    return LoginLink.objects.usable().filter(token_hash=LoginLink.hash_token(token)).first()


def login_link_is_known(*, token: str) -> bool:
    """Whether this token is one of our login links, usable or not (a guessed or mangled
    token is not).
    """
    return LoginLink.objects.filter(token_hash=LoginLink.hash_token(token)).exists()


def company_revision_rows(*, company: Company, limit: int = 10) -> list[dict]:
    """The last profile changes as rows of (field label, old value, new value), newest first.

    Sectors, certifications and countries are shown by name, not by code, in two queries
    whatever the number of revisions.
    """
    revisions = company_revisions_recent(company=company, limit=limit)
    fields = {name: Company._meta.get_field(name) for name in COMPANY_PROFILE_FIELDS}
    keys = {"sectors": set(), "certifications": set()}
    for revision in revisions:
        for field in keys:
            for values in revision.changes.get(field, []):
                keys[field].update(values)
    names = {
        "sectors": {s.slug: str(s) for s in Sector.objects.filter(slug__in=keys["sectors"])},
        "certifications": dict(
            Certification.objects.filter(code__in=keys["certifications"]).values_list(
                "code", "name"
            )
        ),
    }

    def show(field: str, value) -> str:
        if field in names:
            return ", ".join(names[field].get(key, key) for key in value)
        if field == "export_markets":
            return ", ".join(countries.name(code) or code for code in value)
        choices = dict(fields[field].choices or []) if field in fields else {}
        return str(choices.get(value, value))

    return [
        {
            "revision": revision,
            "changes": [
                {
                    "label": fields[field].verbose_name if field in fields else field,
                    "old": show(field, old),
                    "new": show(field, new),
                }
                for field, (old, new) in revision.changes.items()
            ],
        }
        for revision in revisions
    ]


def claims_pending(*, company: Company | int) -> QuerySet[RepresentativeClaim]:
    """Claims on a company whose claimant proved their address, awaiting a decision."""
    return RepresentativeClaim.objects.filter(company=company, status=ClaimStatus.PENDING).order_by(
        "created_at", "pk"
    )


def claim_for_verification(*, claim_id: int, email: str) -> RepresentativeClaim | None:
    """The claim a verification link names, with its company and contact, if it matches."""
    return (
        RepresentativeClaim.objects.select_related("company", "contact")
        .filter(pk=claim_id, email__iexact=email)
        .first()
    )


def representative_contact_get(*, user) -> Contact | None:
    """A logged-in representative's own contact at their company, found by address."""
    if user.company_id is None or not user.email:
        return None
    return Contact.objects.filter(company_id=user.company_id, email__iexact=user.email).first()
