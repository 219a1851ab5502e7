"""Claims to represent a company the portal already knows, and how they are settled.

Knowing a company's tax id proves nothing, so whoever names a known company on the public
form gets a ``RepresentativeClaim`` and nothing else:

1. the claimant proves their e-mail address with the link they were sent (a button on the
   page it opens: mail scanners open links, and must not prove anything);
2. if that address is already one of the company's contacts, that is enough: the claim is
   approved at once (the contact owns the mailbox the company gave us). This is also how
   the first contact of a company new to the portal is verified. Approving changes no
   application: what was sent with the claim is only read, and then submitted or discarded,
   by a representative logged in (``missions.services.held_application_submit``);
3. otherwise every confirmed representative of the company is e-mailed a link to approve or
   decline it, and staff see it in the admin; whoever decides first settles it.

Only an approved claim makes a contact, hence a representative who can log in. Apps above
listen to ``claim_approved`` / ``claim_declined`` for what was held with the claim.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit

from ..enums import ClaimStatus
from ..models import Company, Contact, RepresentativeClaim
from ..signals import claim_approved, claim_declined

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

CLAIM_DECISION_SALT = "partners.claim-decision"


def claim_create(
    *, company: Company, company_name: str, contact_data: dict, language: str
) -> RepresentativeClaim:
    """Record that someone says they represent ``company``. Changes nothing else.

    ``contact_data`` has first_name, last_name, role, email and phone. When the address is
    already a contact of the company (the first contact of a company just created, or one
    it had), the claim points at it; its details are not changed (only that contact,
    logged in, or staff change them).
    """
    fields = ("first_name", "last_name", "role", "email", "phone")
    contact = company.contacts.filter(email__iexact=contact_data["email"]).first()
    return RepresentativeClaim.objects.create(
        company=company,
        company_name=company_name,
        contact=contact,
        language=language,
        **{name: contact_data.get(name) or "" for name in fields},
    )


def claim_approvers(*, company: Company | int) -> QuerySet[Contact]:
    """Who may approve claims on a company: its confirmed contacts with an address.

    The first representative of a company new to the portal is not among them until staff
    confirm them (by selecting the company): otherwise whoever registered a company first,
    rightly or not, would decide who else may speak for it.
    """
    company_id = company.pk if isinstance(company, Company) else company
    return Contact.objects.filter(company_id=company_id, is_confirmed=True).exclude(email="")


@transaction.atomic
def claim_verify_email(*, claim_id: int, email: str) -> RepresentativeClaim | None:
    """The claimant opened the link sent to their address. Returns None if it does not match.

    Idempotent: a second visit changes nothing.
    """
    claim = (
        RepresentativeClaim.objects.select_for_update(of=("self",))
        .select_related("company", "contact")
        .filter(pk=claim_id, email__iexact=email)
        .first()
    )
    if claim is None:
        return None
    if claim.status != ClaimStatus.UNVERIFIED:
        return claim
    claim.email_verified_at = timezone.now()
    claim.status = ClaimStatus.PENDING
    claim.save(update_fields=["email_verified_at", "status", "updated_at"])
    if claim.contact is not None and claim.contact.email.lower() == claim.email.lower():
        return _decide(claim, approve=True, by=None, by_contact=None)
    if claim.contact is not None:  # the contact's address changed since: it proves nothing
        claim.contact = None
        claim.save(update_fields=["contact", "updated_at"])
    from ..tasks import claim_approval_request_email_task

    for approver_id in claim_approvers(company=claim.company_id).values_list("pk", flat=True):
        enqueue_on_commit(
            claim_approval_request_email_task, claim_id=claim.pk, approver_id=approver_id
        )
    return claim


def _decide(
    claim: RepresentativeClaim, *, approve: bool, by: User | None, by_contact: Contact | None
) -> RepresentativeClaim:
    """Settle a locked, verified claim and tell the claimant."""
    now = timezone.now()
    if approve:
        contact = claim.contact or claim.company.contacts.filter(email__iexact=claim.email).first()
        if contact is None:
            contact = Contact.objects.create(
                company=claim.company,
                first_name=claim.first_name,
                last_name=claim.last_name,
                role=claim.role,
                email=claim.email,
                phone=claim.phone,
                language=claim.language,
                email_verified_at=claim.email_verified_at,
                is_confirmed=True,
            )
        elif contact.email_verified_at is None:
            contact.email_verified_at = claim.email_verified_at
            contact.save(update_fields=["email_verified_at", "updated_at"])
        claim.contact = contact
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.DECLINED
    claim.decided_at = now
    claim.decided_by = by
    claim.decided_by_contact = by_contact
    claim.save(
        update_fields=[
            "contact",
            "status",
            "decided_at",
            "decided_by",
            "decided_by_contact",
            "updated_at",
        ]
    )
    (claim_approved if approve else claim_declined).send(sender=RepresentativeClaim, claim=claim)
    logger.info(
        "claim %s on company %s %s by user %s / contact %s",
        claim.pk,
        claim.company_id,
        claim.status,
        getattr(by, "pk", None),
        getattr(by_contact, "pk", None),
    )
    from ..tasks import claim_decision_email_task

    enqueue_on_commit(claim_decision_email_task, claim_id=claim.pk)
    return claim


def _locked_pending(claim: RepresentativeClaim) -> RepresentativeClaim:
    claim = (
        RepresentativeClaim.objects.select_for_update(of=("self",))
        .select_related("company", "contact")
        .get(pk=claim.pk)
    )
    if claim.status == ClaimStatus.UNVERIFIED:
        raise ValidationError(
            _("%(name)s has not verified their e-mail address yet.") % {"name": claim.full_name},
            code="unverified",
        )
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(
            _("This request was already %(status)s.")
            % {"status": claim.get_status_display().lower()},
            code="decided",
        )
    return claim


def _check_decider(claim: RepresentativeClaim, by: User | None, by_contact: Contact | None):
    if (
        by_contact is not None
        and not claim_approvers(company=claim.company_id).filter(pk=by_contact.pk).exists()
    ):
        raise ValidationError(
            _("Only a confirmed representative of the company can decide."), code="forbidden"
        )
    if by_contact is None and (by is None or not by.is_staff):
        raise ValidationError(
            _("Only a confirmed representative of the company can decide."), code="forbidden"
        )


@transaction.atomic
def claim_approve(
    *, claim: RepresentativeClaim, by: User | None = None, by_contact: Contact | None = None
) -> RepresentativeClaim:
    """Staff (``by``) or a confirmed representative (``by_contact``) approve a claim.

    The claimant becomes a verified, confirmed contact of the company, so they can log in.
    """
    claim = _locked_pending(claim)
    _check_decider(claim, by, by_contact)
    return _decide(claim, approve=True, by=by, by_contact=by_contact)


@transaction.atomic
def claim_decline(
    *, claim: RepresentativeClaim, by: User | None = None, by_contact: Contact | None = None
) -> RepresentativeClaim:
    """Staff or a confirmed representative decline a claim; nothing of it is kept to use."""
    claim = _locked_pending(claim)
    _check_decider(claim, by, by_contact)
    return _decide(claim, approve=False, by=by, by_contact=by_contact)


def claim_decision_token(*, claim: RepresentativeClaim, approver: Contact) -> str:
    """The signed part of the link that lets ``approver`` decide ``claim`` without logging in."""
    return signing.dumps(
        {"claim": claim.pk, "approver": approver.pk, "email": approver.email.lower()},
        salt=CLAIM_DECISION_SALT,
    )


def claim_from_decision_token(*, token: str) -> tuple[RepresentativeClaim, Contact]:
    """The claim and approver a decision link names. Raises ValidationError when it is
    tampered with, expired, or its approver may no longer decide (left, address changed).
    """
    max_age = settings.CLAIM_DECISION_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=CLAIM_DECISION_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid."), code="invalid") from exc
    claim = (
        RepresentativeClaim.objects.select_related("company").filter(pk=payload["claim"]).first()
    )
    approver = (
        claim_approvers(company=claim.company_id)
        .filter(pk=payload["approver"], email__iexact=payload["email"])
        .first()
        if claim is not None
        else None
    )
    if claim is None or approver is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    return claim, approver


def contacts_confirm(*, contacts: QuerySet[Contact], by: User) -> int:
    """Staff confirm company contacts as representatives (see ``Contact.is_confirmed``)."""
    count = contacts.filter(is_confirmed=False, company__isnull=False).update(
        is_confirmed=True, updated_at=timezone.now()
    )
    logger.info("%d contacts confirmed by user %s", count, by.pk)
    return count
