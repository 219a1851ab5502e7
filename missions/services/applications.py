"""Applications from the portal: the public form, representatives, and what is held.

Knowing a company's tax id proves nothing: it is printed on invoices and in public
registers. So the public form, which anyone may fill in, never changes a company the portal
already knows (its profile, contacts or applications) and its answer never says whether the
company is known or had applied. A company new to the portal is created with its first
contact, who proves their address by e-mail. For a known company, what was sent is held
(``HeldApplication``) beside a ``RepresentativeClaim``, and changes nothing, not even once the
claim is approved: a verified representative of the company, logged in, reads it and
submits or discards it (``held_application_submit`` / ``held_application_discard``).
Representatives who are logged in apply and update their applications directly; staff add
one in the admin.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from partners.enums import ClaimStatus
from partners.models import Company, Contact, RepresentativeClaim
from partners.selectors import representative_contact_get
from partners.services import claim_create, company_get_or_register

from ..enums import ApplicationStatus, MissionStatus
from ..models import Application, ApplicationObjective, HeldApplication, Mission, WishedPartner
from ..selectors import held_application_wishes
from .wishes import Wish, wishes_check

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)


def _check_submission(*, mission: Mission, wishes: list[Wish]) -> Mission:
    """Lock the mission and check it takes applications and the wishes follow the rule."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if not mission.is_accepting_applications:
        raise ValidationError(_("This mission no longer accepts applications."))
    wishes_check(mission=mission, wishes=wishes)
    return mission


def _application_write(
    *,
    application: Application,
    contact: Contact | None,
    objectives: list[str],
    target_markets: list[str],
    motivation: str,
    wishes: list[Wish],
    brochure,
    language: str,
) -> Application:
    """Save what a company says about a mission, replacing objectives and wishes."""
    now = timezone.now()
    if application.pk is None:
        application.submitted_at = now
    elif application.status == ApplicationStatus.WITHDRAWN:
        # Coming back after withdrawing is a new application, reviewed again: it keeps no
        # decision and no place on the old wait-list.
        application.status = ApplicationStatus.APPLIED
        application.submitted_at = now
        application.decided_at = None
        application.decided_by = None
        application.waitlisted_at = None
    if contact is not None or application.contact_id is None:
        application.contact = contact
    application.target_markets = target_markets
    application.motivation = motivation
    application.language = language
    application.consent_text_version = settings.CONSENT_TEXT_VERSION
    application.consent_at = now
    if brochure:
        application.brochure = brochure
    application.save()

    application.objectives.all().delete()
    ApplicationObjective.objects.bulk_create(
        ApplicationObjective(application=application, objective=objective)
        for objective in dict.fromkeys(objectives)
    )
    application.wishes.all().delete()
    WishedPartner.objects.bulk_create(
        WishedPartner(application=application, partner=partner, priority=priority, motivation=text)
        for partner, priority, text in wishes
    )
    return application


def _notify_received(*, claim: RepresentativeClaim, mission: Mission) -> None:
    """One acknowledgement for every public submission, whose link proves the address."""
    from ..tasks import submission_received_email_task

    enqueue_on_commit(submission_received_email_task, claim_id=claim.pk, mission_id=mission.pk)


def _notify_application_received(*, application: Application) -> None:
    """Acknowledge an application a logged-in representative made."""
    from ..tasks import application_confirmation_email_task

    enqueue_on_commit(application_confirmation_email_task, application_id=application.pk)


@transaction.atomic
def application_submit(
    *,
    mission: Mission,
    company_data: dict,
    contact_data: dict,
    objectives: list[str],
    target_markets: list[str],
    motivation: str,
    wishes: list[Wish],
    brochure=None,
    language: str,
) -> Application | HeldApplication:
    """Record what the public form sent; returns the new application, or what is held.

    A company new to the portal is created, with its first contact (unconfirmed until staff
    select the company) and its application. A company already known by its tax id, in any
    spelling, changes not at all: the submission is held until the sender's claim to
    represent it is approved. Either way a ``RepresentativeClaim`` records the sender, who
    gets the same e-mail, whose link proves their address; the caller must give the same
    answer, whatever happened.
    """
    mission = _check_submission(mission=mission, wishes=wishes)
    company, contact = company_get_or_register(
        company_data=company_data, contact_data=contact_data, language=language
    )
    if contact is not None:
        application = _application_write(
            application=Application(company=company, mission=mission),
            contact=contact,
            objectives=objectives,
            target_markets=target_markets,
            motivation=motivation,
            wishes=wishes,
            brochure=brochure,
            language=language,
        )
        claim = claim_create(
            company=company,
            company_name=company_data["legal_name"],
            contact_data=contact_data,
            language=language,
        )
        _notify_received(claim=claim, mission=mission)
        return application

    claim = claim_create(
        company=company,
        company_name=company_data["legal_name"],
        contact_data=contact_data,
        language=language,
    )
    held = HeldApplication.objects.create(
        claim=claim,
        mission=mission,
        objectives=list(dict.fromkeys(objectives)),
        target_markets=target_markets,
        motivation=motivation,
        wishes=[[partner.pk, priority, text] for partner, priority, text in wishes],
        language=language,
        brochure=brochure or "",
        consent_text_version=settings.CONSENT_TEXT_VERSION,
        consent_at=timezone.now(),
    )
    _notify_received(claim=claim, mission=mission)
    return held


# Applications a representative may still change; a rejected one is settled, and a
# withdrawn one comes back as a new application.
_UPDATABLE_STATUSES = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.WITHDRAWN,
)


def application_update_refused(*, application: Application) -> ValidationError | None:
    """Why a representative may no longer update this application, or None if they may."""
    if not application.mission.is_accepting_applications:
        return ValidationError(
            _("The mission no longer takes applications: this one can no longer be changed."),
            code="deadline",
        )
    if application.status not in _UPDATABLE_STATUSES:
        return ValidationError(
            _("A rejected application can no longer be changed."), code="rejected"
        )
    return None


@transaction.atomic
def application_submit_as_representative(
    *,
    mission: Mission,
    user: User,
    objectives: list[str],
    target_markets: list[str],
    motivation: str,
    wishes: list[Wish],
    brochure=None,
    language: str,
) -> tuple[Application, bool]:
    """A logged-in representative applies for their company; returns (application, created).

    The company's application to the mission, if it has one, is updated (a withdrawn one
    comes back as new); the representative becomes its contact person if it had none.
    """
    if user.company_id is None:
        raise ValidationError(_("Only a company representative can apply for a company."))
    mission = _check_submission(mission=mission, wishes=wishes)
    application = (
        Application.objects.select_for_update()
        .filter(company_id=user.company_id, mission=mission)
        .first()
    )
    created = application is None
    if created:
        application = Application(company_id=user.company_id, mission=mission)
    else:
        refused = application_update_refused(application=application)
        if refused is not None:
            raise refused
    application = _application_write(
        application=application,
        contact=None
        if not created and application.contact_id
        else representative_contact_get(user=user),
        objectives=objectives,
        target_markets=target_markets,
        motivation=motivation,
        wishes=wishes,
        brochure=brochure,
        language=language,
    )
    if created:
        _notify_application_received(application=application)
    return application, created


@transaction.atomic
def application_update(
    *,
    application: Application,
    user: User,
    objectives: list[str],
    target_markets: list[str],
    motivation: str,
    brochure=None,
    language: str,
) -> Application:
    """A logged-in representative updates their company's application (not its wishes)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.company_id != user.company_id:
        raise ValidationError(_("This application is not your company's."))
    refused = application_update_refused(application=application)
    if refused is not None:
        raise refused
    wishes = [(w.partner, w.priority, w.motivation) for w in application.wishes.all()]
    return _application_write(
        application=application,
        contact=None,
        objectives=objectives,
        target_markets=target_markets,
        motivation=motivation,
        wishes=wishes,
        brochure=brochure,
        language=language,
    )


class HeldOutcome:
    """What became of a held application (only ever ``APPLIED`` now; the other two values
    are kept for rows settled before held applications needed a representative's review).
    """

    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    CLOSED = "closed"


def held_application_submit_refused(*, held: HeldApplication) -> ValidationError | None:
    """Why a held application can no longer be submitted, or None if it can."""
    if not held.mission.is_accepting_applications:
        return ValidationError(
            _("The mission no longer takes applications: this one can only be discarded."),
            code="closed",
        )
    existing = Application.objects.filter(
        company_id=held.claim.company_id, mission_id=held.mission_id
    ).first()
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
        return ValidationError(
            _(
                "Your company has already applied to this mission: update that application"
                " instead, and discard this one."
            ),
            code="already_applied",
        )
    return None


def _held_locked(*, held: HeldApplication, user: User) -> HeldApplication:
    """Lock a held application that ``user``, a representative of its company, may review."""
    held = (
        HeldApplication.objects.select_for_update(of=("self",))
        .select_related("claim", "mission")
        .filter(
            pk=held.pk,
            outcome="",
            claim__company_id=user.company_id,
            claim__status=ClaimStatus.APPROVED,
        )
        .first()
    )
    if held is None or user.company_id is None:
        raise ValidationError(_("This application is no longer waiting for review."))
    return held


@transaction.atomic
def held_application_submit(*, held: HeldApplication, user: User) -> Application:
    """A logged-in representative read a held application and chose to submit it.

    This is the only way what the public form sent for a known company reaches its
    application: never on proving an address, never on approving a claim. A withdrawn
    application comes back as a new one; an active one is left alone (its representatives
    update it).
    """
    held = _held_locked(held=held, user=user)
    refused = held_application_submit_refused(held=held)
    if refused is not None:
        raise refused
    wishes = held_application_wishes(held=held)
    mission = _check_submission(mission=held.mission, wishes=wishes)
    existing = (
        Application.objects.select_for_update()
        .filter(company_id=user.company_id, mission=mission)
        .first()
    )
    application = _application_write(
        application=existing or Application(company_id=user.company_id, mission=mission),
        contact=None
        if existing is not None and existing.contact_id
        else (held.claim.contact or representative_contact_get(user=user)),
        objectives=held.objectives,
        target_markets=held.target_markets,
        motivation=held.motivation,
        wishes=wishes,
        brochure=held.brochure.name or None,
        language=held.language,
    )
    held.application = application
    held.outcome = HeldOutcome.APPLIED
    held.save(update_fields=["outcome", "application", "updated_at"])
    logger.info(
        "held application %s submitted as application %s by user %s",
        held.pk,
        application.pk,
        user.pk,
    )
    if existing is None:
        _notify_application_received(application=application)
    return application


@transaction.atomic
def held_application_discard(*, held: HeldApplication, user: User) -> None:
    """A logged-in representative read a held application and chose to discard it: it is
    deleted with its brochure, and the company's application is left as it was.
    """
    held = _held_locked(held=held, user=user)
    logger.info("held application %s discarded by user %s", held.pk, user.pk)
    held_application_delete(held=held)


def held_application_delete(*, held: HeldApplication) -> None:
    """Delete a held application, and its brochure once the row is gone for good (a
    rolled-back deletion keeps it). Declined claims, discards and retention all end here."""
    brochure, storage = held.brochure.name, held.brochure.storage
    held.delete()
    if brochure:
        transaction.on_commit(lambda: storage.delete(brochure))


def held_applications_discard(*, claim: RepresentativeClaim) -> int:
    """The claim was declined: forget what was held, brochures included."""
    count = 0
    for held in claim.held_applications.all():
        held_application_delete(held=held)
        count += 1
    return count


# Missions staff may still add an application to: not after it took place or was cancelled.
_STAFF_ADDABLE_MISSION_STATUSES = (MissionStatus.DRAFT, MissionStatus.OPEN, MissionStatus.CLOSED)


def application_add_refused(
    *, mission: Mission, company: Company, contact: Contact | None
) -> ValidationError | None:
    """Why staff may not add this application, or None if they may."""
    if mission.status not in _STAFF_ADDABLE_MISSION_STATUSES:
        return ValidationError(
            _("Applications cannot be added to a mission that is %(status)s.")
            % {"status": mission.get_status_display().lower()},
            code="mission_status",
        )
    if Application.objects.filter(company=company, mission=mission).exists():
        return ValidationError(
            _("%(company)s has already applied to this mission: change that application.")
            % {"company": company.legal_name},
            code="duplicate",
        )
    return application_contact_refused(company=company, contact=contact)


def application_contact_refused(
    *, company: Company, contact: Contact | None
) -> ValidationError | None:
    """Why ``contact`` may not be the contact of ``company``'s application: decisions are
    e-mailed to that person, so it must work at the company."""
    if contact is not None and contact.company_id != company.pk:
        return ValidationError(
            _("%(contact)s does not work at %(company)s.")
            % {"contact": contact, "company": company.legal_name},
            code="contact",
        )
    return None


@transaction.atomic
def application_add_by_staff(
    *,
    mission: Mission,
    company: Company,
    contact: Contact | None,
    objectives: list[str],
    target_markets: list[str],
    motivation: str,
    wishes: list[Wish],
    language: str,
    by: User,
) -> Application:
    """Staff record an application that reached them otherwise (a call, a letter, a fair).

    The same write as the portal's, with the same rule for wishes; staff may add one after
    the deadline (late entries are theirs to allow), not to a mission that took place or was
    cancelled, and never a second one for a company (they change the first).
    """
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    refused = application_add_refused(mission=mission, company=company, contact=contact)
    if refused is not None:
        raise refused
    wishes_check(mission=mission, wishes=wishes)
    application = _application_write(
        application=Application(company=company, mission=mission),
        contact=contact,
        objectives=objectives,
        target_markets=target_markets,
        motivation=motivation,
        wishes=wishes,
        brochure=None,
        language=language,
    )
    logger.info("application %s added by staff user %s", application.pk, by.pk)
    return application
