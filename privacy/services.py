"""Exporting and erasing personal data, and the retention rule (docs/privacy.md)."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import zipfile
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cepex_portal.models import LoginLink
from matchmaking.models import MeetingNotification, MeetingRequest
from missions.services import held_application_delete, held_applications_discard
from partners.models import CompanyRevision, Contact, RepresentativeClaim
from partners.spreadsheets import spreadsheet_safe

from .models import Erasure, ErasureReason
from .selectors import (
    Data,
    claims_never_verified,
    contact_accounts,
    contact_claims,
    contacts_past_retention,
    held_applications_never_reviewed,
)

logger = logging.getLogger(__name__)
User = get_user_model()

ERASED = "—"  # what an erased text field shows


# --- Export -----------------------------------------------------------------------------------


def export_json(*, data: Data) -> bytes:
    """One JSON document, sections in order, readable by a person and by a program."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


def export_csv_zip(*, data: Data) -> bytes:
    """A zip of one CSV file per section (UTF-8 with BOM, so spreadsheets read accents);
    every cell made safe from formulas."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section, rows in data.items():
            text = io.StringIO()
            columns: list[str] = []
            for row in rows:
                columns += [key for key in row if key not in columns]
            writer = csv.DictWriter(text, fieldnames=columns or ["empty"])
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _cell(value) for key, value in row.items()})
            archive.writestr(f"{section}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return spreadsheet_safe(value)


# --- Erasure ----------------------------------------------------------------------------------


def _placeholder_email(kind: str, pk: int) -> str:
    # .invalid never resolves (RFC 2606): nothing can be sent there by mistake.
    return f"erased-{kind}-{pk}@erased.invalid"


def _scrub_text(text: str, needles: list[str]) -> str:
    """``text`` with each needle (whole words, any case) replaced by the erased mark; the
    longest needles first, so a full name goes before the surname alone."""
    for needle in needles:
        text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
    return text


def _scrub_history(needles: list[str]) -> int:
    """Scrub the audit trail: every version of every audited model whose text holds the
    person's name, address or phone (a partner's attendees, a motivation, a next step)."""
    changed = 0
    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or not any(
            field.name == "history_id" for field in model._meta.concrete_fields
        ):
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        condition = Q()
        for field in fields:
            for needle in needles:
                condition |= Q(**{f"{field}__icontains": needle})
        if not fields or not needles:
            continue
        for version in model.objects.filter(condition):
            values = {
                field: _scrub_text(getattr(version, field) or "", needles) for field in fields
            }
            model.objects.filter(pk=version.pk).update(**values)
            changed += 1
    return changed


def _scrub_json(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, needles)
    if isinstance(value, list):
        return [_scrub_json(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, needles) for key, item in value.items()}
    return value


@transaction.atomic
def contact_erase(*, contact: Contact, by: User | None, reason: str) -> Erasure:
    """Erase a person: their name, address, phone and role are gone everywhere the portal
    kept them; the business records (applications, meetings, outcomes, leads, figures) stay,
    pointing at a contact that says "Erased contact #id".

    Also scrubbed: their portal accounts (deactivated, renamed, logged out, login links
    deleted), their claims to represent a company, the meeting e-mails' recipient, the
    partner's list of attendees, the company's change log, the admin's log, and failed
    login attempts under their address. Irreversible; an :class:`Erasure` row says who did
    it and when, without the person's data.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    needles = sorted(
        {
            value
            for value in (
                contact.email,
                contact.phone,
                f"{contact.first_name} {contact.last_name}".strip(),
                # "Mrs Dumont will attend": the surname alone names the person too. Whole
                # words only, and not a two-letter one that would hit other words.
                contact.last_name.strip() if len(contact.last_name.strip()) >= 3 else "",
            )
            if value
        },
        key=len,
        reverse=True,
    )
    scrubbed: dict[str, int] = {}
    accounts = list(contact_accounts(contact=contact))
    claims = list(contact_claims(contact=contact))

    # Accounts: no name, no address, no way in.
    for user in accounts:
        user.username = f"erased-{user.pk}"
        user.email = ""
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    scrubbed["accounts"] = len(accounts)
    scrubbed["login_links"] = LoginLink.objects.filter(user__in=accounts).delete()[0]
    account_ids = {str(user.pk) for user in accounts}
    # Sessions are opaque rows: read the live ones (expired ones go every night, with
    # cepex_portal.clear_expired_sessions) and close those of the accounts.
    sessions = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in account_ids
    ]
    scrubbed["sessions"] = Session.objects.filter(pk__in=sessions).delete()[0]

    for claim in claims:
        claim.first_name, claim.last_name = ERASED, f"#{claim.pk}"
        claim.role, claim.phone = "", ""
        claim.email = _placeholder_email("claim", claim.pk)
        claim.save()
    scrubbed["representative_claims"] = len(claims)

    if contact.email:
        scrubbed["meeting_emails"] = MeetingNotification.objects.filter(
            recipient__iexact=contact.email
        ).update(recipient=_placeholder_email("contact", contact.pk))
    if contact.organisation_id:
        requests = MeetingRequest.objects.filter(partner_id=contact.organisation_id)
        changed = 0
        for request in requests.exclude(partner_attendees=""):
            text = _scrub_text(request.partner_attendees, needles)
            if text != request.partner_attendees:
                MeetingRequest.objects.filter(pk=request.pk).update(partner_attendees=text)
                changed += 1
        scrubbed["meeting_attendees"] = changed
    if contact.company_id:
        changed = 0
        for revision in CompanyRevision.objects.filter(company_id=contact.company_id):
            changes = _scrub_json(revision.changes, needles)
            if changes != revision.changes:
                CompanyRevision.objects.filter(pk=revision.pk).update(changes=changes)
                changed += 1
        scrubbed["company_revisions"] = changed

    scrubbed["history"] = _scrub_history(needles)

    # The admin's log names the row as it was ("Leila Trabelsi") and what changed.
    logs = LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk))
        | Q(
            content_type=ContentType.objects.get_for_model(RepresentativeClaim),
            object_id__in=[str(claim.pk) for claim in claims],
        )
        | Q(content_type=ContentType.objects.get_for_model(User), object_id__in=account_ids)
    )
    scrubbed["admin_log"] = logs.update(
        object_repr=f"Erased contact #{contact.pk}", change_message="[]"
    )
    from axes.models import AccessAttempt

    if contact.email:
        scrubbed["login_attempts"] = AccessAttempt.objects.filter(
            username__iexact=contact.email
        ).delete()[0]

    contact.first_name, contact.last_name = ERASED, f"#{contact.pk}"
    contact.role = contact.email = contact.phone = ""
    contact.erased_at = timezone.now()
    contact.save()
    erasure = Erasure.objects.create(
        contact_id=contact.pk, reason=reason, erased_by=by, scrubbed=scrubbed
    )
    logger.info("contact %s erased (%s) by %s: %s", contact.pk, reason, by, scrubbed)
    return erasure


def retention_apply(*, months: int, dry_run: bool = False) -> list[int]:
    """Erase the contacts past the retention period (``contacts_past_retention``); return
    their ids. ``dry_run``: only say which."""
    ids = list(contacts_past_retention(months=months).values_list("pk", flat=True))
    if not dry_run:
        for contact in Contact.objects.filter(pk__in=ids):
            contact_erase(contact=contact, by=None, reason=ErasureReason.RETENTION)
    return ids


def unverified_claims_delete(*, days: int, dry_run: bool = False) -> int:
    """Delete the claims never verified after ``days`` days, with what they held (the held
    application and its brochure); return how many."""
    claims = list(claims_never_verified(days=days))
    if not dry_run:
        for claim in claims:
            with transaction.atomic():
                held_applications_discard(claim=claim)
                claim.delete()
    return len(claims)


def unreviewed_held_applications_delete(*, days: int, dry_run: bool = False) -> int:
    """Delete what the public form held for a company and nobody reviewed within ``days``
    days (with its brochure); return how many."""
    held = list(held_applications_never_reviewed(days=days))
    if not dry_run:
        for row in held:
            with transaction.atomic():
                held_application_delete(held=row)
    return len(held)
