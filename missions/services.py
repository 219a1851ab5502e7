"""Writes on missions and applications: the mission workflow and the selection of companies.

Every decision goes through here, from the admin (actions and forms) as from the public
portal, so that capacity, the wait-list and the e-mails behave the same everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cepex_portal.jobs import enqueue_on_commit
from partners.claims import claim_create
from partners.models import Company, Contact, PartnerOrganisation, RepresentativeClaim
from partners.validators import normalize_tax_id

from .enums import SEATED_STATUSES, ApplicationStatus, MissionStatus
from .models import Application, ApplicationObjective, HeldApplication, Mission, WishedPartner

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


def _check_transition(application: Application, status: str) -> None:
    if status not in APPLICATION_TRANSITIONS[application.status]:
        raise ValidationError(
            _("The application of %(company)s cannot go from “%(old)s” to “%(new)s”.")
            % {
                "company": application.company.legal_name,
                "old": application.get_status_display(),
                "new": ApplicationStatus(status).label,
            }
        )


def _lock(application: Application) -> tuple[Application, Mission]:
    """Lock the mission row first: every change to its seats is serialised behind it."""
    mission = Mission.objects.select_for_update().get(pk=application.mission_id)
    application = (
        Application.objects.select_for_update().select_related("company").get(pk=application.pk)
    )
    return application, mission


def _notify_decision(application: Application) -> None:
    from .tasks import application_decision_email_task

    enqueue_on_commit(application_decision_email_task, application_id=application.pk)


def _decide(application: Application, *, status: str, by: User | None) -> Application:
    application.status = status
    application.decided_at = timezone.now()
    application.decided_by = by
    if status == ApplicationStatus.WAITLISTED:
        application.waitlisted_at = application.waitlisted_at or application.decided_at
    application.save(
        update_fields=["status", "decided_at", "decided_by", "waitlisted_at", "updated_at"]
    )
    _notify_decision(application)
    return application


@transaction.atomic
def application_accept(*, application: Application, by: User | None) -> Application:
    """Accept a company into the delegation, within the mission's capacity."""
    application, mission = _lock(application)
    if application.status == ApplicationStatus.ACCEPTED:
        return application
    _check_transition(application, ApplicationStatus.ACCEPTED)
    if mission.applications.seated().count() >= mission.capacity:
        raise ValidationError(
            ngettext(
                "The mission is full (%(capacity)s company): wait-list %(company)s instead.",
                "The mission is full (%(capacity)s companies): wait-list %(company)s instead.",
                mission.capacity,
            )
            % {"capacity": mission.capacity, "company": application.company.legal_name}
        )
    _confirm_contact(application)
    return _decide(application, status=ApplicationStatus.ACCEPTED, by=by)


def _confirm_contact(application: Application) -> None:
    """Selecting a company confirms the representative who applied for it (see Contact)."""
    if application.contact_id is not None:
        Contact.objects.filter(pk=application.contact_id, is_confirmed=False).update(
            is_confirmed=True, updated_at=timezone.now()
        )


@transaction.atomic
def application_waitlist(*, application: Application, by: User | None) -> Application:
    """Put an application on the wait-list; it keeps its place in line if it had one."""
    application, mission = _lock(application)
    if application.status == ApplicationStatus.WAITLISTED:
        return application
    _check_transition(application, ApplicationStatus.WAITLISTED)
    was_seated = application.status in SEATED_STATUSES
    application = _decide(application, status=ApplicationStatus.WAITLISTED, by=by)
    if was_seated:
        _promote_waitlisted(mission=mission, by=by, skip=application)
    return application


@transaction.atomic
def application_reject(*, application: Application, by: User | None) -> Application:
    """Decline an application."""
    application, mission = _lock(application)
    if application.status == ApplicationStatus.REJECTED:
        return application
    _check_transition(application, ApplicationStatus.REJECTED)
    was_seated = application.status in SEATED_STATUSES
    application = _decide(application, status=ApplicationStatus.REJECTED, by=by)
    if was_seated:
        _promote_waitlisted(mission=mission, by=by)
    return application


@transaction.atomic
def application_confirm(*, application: Application, by: User | None) -> Application:
    """The company confirms that it takes its place in the delegation."""
    application, _mission = _lock(application)
    if application.status == ApplicationStatus.CONFIRMED:
        return application
    _check_transition(application, ApplicationStatus.CONFIRMED)
    application.status = ApplicationStatus.CONFIRMED
    application.save(update_fields=["status", "updated_at"])
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: User | None) -> Application:
    """The company withdraws; its place, if it had one, goes to the first wait-listed."""
    application, mission = _lock(application)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    _check_transition(application, ApplicationStatus.WITHDRAWN)
    was_seated = application.status in SEATED_STATUSES
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    if was_seated:
        _promote_waitlisted(mission=mission, by=by)
    return application


def _promote_waitlisted(
    *, mission: Mission, by: User | None, skip: Application | None = None
) -> list[Application]:
    """Fill free seats from the wait-list, first wait-listed first. Caller holds the lock."""
    free = mission.capacity - mission.applications.seated().count()
    if free <= 0:
        return []
    queue = mission.applications.waitlisted().select_for_update()
    if skip is not None:
        queue = queue.exclude(pk=skip.pk)
    promoted = []
    for application in queue[:free]:
        _confirm_contact(application)
        promoted.append(_decide(application, status=ApplicationStatus.ACCEPTED, by=by))
    return promoted


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


# --- Applications from the portal -------------------------------------------------------------
#
# Knowing a company's tax id proves nothing: it is printed on invoices and in public
# registers. So the public form, which anyone may fill in, never changes a company the
# portal already knows (its profile, contacts or applications) and its answer never says
# whether the company is known or had applied. A company new to the portal is created with
# its first contact, who proves their address by e-mail. For a known company, what was sent
# is held (``HeldApplication``) beside a ``RepresentativeClaim`` until the sender proves their
# address and a confirmed representative of the company, or staff, approves them.
# Representatives who are logged in apply and update their applications directly.

Wish = tuple[PartnerOrganisation, int, str]


def _check_submission(*, mission: Mission, wishes: list[Wish]) -> Mission:
    """Lock the mission and check it takes applications and the wished partners are its own."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if not mission.is_accepting_applications:
        raise ValidationError(_("This mission no longer accepts applications."))
    partner_ids = set(mission.mission_partners.values_list("organisation_id", flat=True))
    for partner, priority, _motivation in wishes:
        if partner.pk not in partner_ids:
            raise ValidationError(
                _("%(partner)s does not take part in this mission.") % {"partner": partner}
            )
        if priority not in (1, 2, 3):
            raise ValidationError(_("A priority is 1, 2 or 3."))
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
    from .tasks import submission_received_email_task

    enqueue_on_commit(submission_received_email_task, claim_id=claim.pk, mission_id=mission.pk)


def _notify_application_received(*, application: Application) -> None:
    """Acknowledge an application a logged-in representative made."""
    from .tasks import application_confirmation_email_task

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
    tax_id = normalize_tax_id(company_data["tax_id"])
    company, created = Company.objects.get_or_create(
        tax_id=tax_id,
        defaults={
            "legal_name": company_data["legal_name"],
            "export_markets": company_data.get("export_markets") or [],
            **{
                name: company_data.get(name) or ""
                for name in ("governorate", "city", "size", "website", "description")
            },
        },
    )
    if created:
        company.sectors.set(company_data.get("sectors") or [])
        company.certifications.set(company_data.get("certifications") or [])
        contact = Contact.objects.create(
            company=company, language=language, is_confirmed=False, **contact_data
        )
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


def representative_contact(*, user: User) -> Contact | None:
    """The contact of a logged-in representative at their company, found by address."""
    if user.company_id is None or not user.email:
        return None
    return Contact.objects.filter(company_id=user.company_id, email__iexact=user.email).first()


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
        else representative_contact(user=user),
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
    """What became of a held application once its claim was approved."""

    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    CLOSED = "closed"


@transaction.atomic
def held_applications_release(*, claim: RepresentativeClaim) -> list[HeldApplication]:
    """The claim was approved: each held application becomes the company's application to
    its mission, unless the company applied meanwhile (its representatives update that one)
    or the mission stopped taking applications. Records the outcome on each held row.
    """
    released = []
    for held in claim.held_applications.select_related("mission").filter(outcome=""):
        mission = Mission.objects.select_for_update().get(pk=held.mission_id)
        existing = (
            Application.objects.select_for_update()
            .filter(company_id=claim.company_id, mission=mission)
            .first()
        )
        if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
            held.outcome = HeldOutcome.ALREADY_APPLIED
        elif not mission.is_accepting_applications:
            held.outcome = HeldOutcome.CLOSED
        else:
            partners = {
                mp.organisation.pk: mp.organisation
                for mp in mission.mission_partners.select_related("organisation")
            }
            # A partner may have left the mission since: its wish goes with it.
            wishes = [
                (partners[partner_id], priority, text)
                for partner_id, priority, text in held.wishes
                if partner_id in partners and priority in (1, 2, 3)
            ]
            held.application = _application_write(
                application=existing or Application(company_id=claim.company_id, mission=mission),
                contact=claim.contact,
                objectives=held.objectives,
                target_markets=held.target_markets,
                motivation=held.motivation,
                wishes=wishes,
                brochure=held.brochure.name or None,
                language=held.language,
            )
            held.outcome = HeldOutcome.APPLIED
        held.save(update_fields=["outcome", "application", "updated_at"])
        released.append(held)
    return released


def held_applications_discard(*, claim: RepresentativeClaim) -> int:
    """The claim was declined: forget what was held, brochures included."""
    count = 0
    for held in claim.held_applications.all():
        if held.brochure:
            held.brochure.delete(save=False)
        held.delete()
        count += 1
    return count
