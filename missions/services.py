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

from partners.models import Company, Contact, PartnerOrganisation
from partners.validators import normalize_tax_id

from .enums import SEATED_STATUSES, ApplicationStatus, MissionStatus
from .models import Application, ApplicationObjective, Mission, WishedPartner

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

    application_id = application.pk
    transaction.on_commit(
        lambda: application_decision_email_task.delay(application_id=application_id)
    )


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
    return _decide(application, status=ApplicationStatus.ACCEPTED, by=by)


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


# Profile fields a public form may fill in on a company already known by its tax id. Filled
# only where empty: whoever knows a tax id must not be able to rewrite a company's profile
# (the company's representatives edit it in their own space, after logging in).
_COMPANY_FILLABLE = ("governorate", "city", "size", "website", "description")


def _company_match_or_create(*, data: dict) -> tuple[Company, bool]:
    tax_id = normalize_tax_id(data["tax_id"])
    # get_or_create survives two first submissions of one company to two missions at once:
    # the loser of the race on the unique tax id gets the winner's row.
    company, created = Company.objects.get_or_create(
        tax_id=tax_id,
        defaults={
            "legal_name": data["legal_name"],
            "export_markets": data.get("export_markets") or [],
            **{name: data.get(name) or "" for name in _COMPANY_FILLABLE},
        },
    )
    if created:
        company.sectors.set(data.get("sectors") or [])
        company.certifications.set(data.get("certifications") or [])
        return company, True
    company = Company.objects.select_for_update().get(pk=company.pk)
    changed = [name for name in _COMPANY_FILLABLE if not getattr(company, name) and data.get(name)]
    for name in changed:
        setattr(company, name, data[name])
    if not company.export_markets and data.get("export_markets"):
        company.export_markets = data["export_markets"]
        changed.append("export_markets")
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
    if not company.sectors.exists():
        company.sectors.set(data.get("sectors") or [])
    if not company.certifications.exists():
        company.certifications.set(data.get("certifications") or [])
    return company, False


def _contact_match_or_create(*, company: Company, data: dict, language: str) -> Contact:
    contact = company.contacts.filter(email__iexact=data["email"]).first()
    if contact is None:
        return Contact.objects.create(company=company, language=language, **data)
    for name, value in data.items():
        setattr(contact, name, value)
    contact.language = language
    contact.save()
    return contact


@transaction.atomic
def application_submit(
    *,
    mission: Mission,
    company_data: dict,
    contact_data: dict,
    objectives: list[str],
    target_markets: list[str],
    motivation: str,
    wishes: list[tuple[PartnerOrganisation, int, str]],
    brochure=None,
    language: str,
) -> tuple[Application, bool]:
    """Record a company's interest in a mission; returns the application and ``created``.

    A company already known by its tax id is matched, not duplicated, and a second
    application to the same mission updates the first one. The confirmation e-mail, with
    its address-verification link, leaves after commit.
    """
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

    company, _company_created = _company_match_or_create(data=company_data)
    contact = _contact_match_or_create(company=company, data=contact_data, language=language)
    now = timezone.now()
    application = (
        Application.objects.select_for_update().filter(company=company, mission=mission).first()
    )
    created = application is None
    if created:
        application = Application(company=company, mission=mission, submitted_at=now)
    elif application.status == ApplicationStatus.WITHDRAWN:
        # Coming back after withdrawing is a new application, reviewed again: it keeps no
        # decision and no place on the old wait-list.
        application.status = ApplicationStatus.APPLIED
        application.submitted_at = now
        application.decided_at = None
        application.decided_by = None
        application.waitlisted_at = None
    application.contact = contact
    application.target_markets = target_markets
    application.motivation = motivation
    application.language = language
    application.consent_text_version = settings.CONSENT_TEXT_VERSION
    application.consent_at = now
    if brochure is not None:
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

    from .tasks import application_confirmation_email_task

    application_id = application.pk
    transaction.on_commit(
        lambda: application_confirmation_email_task.delay(application_id=application_id)
    )
    return application, created


def contact_verify_email(*, contact_id: int, email: str) -> Contact | None:
    """Mark a contact's address verified, if the link was sent to the address it still has."""
    contact = Contact.objects.filter(pk=contact_id, email__iexact=email).first()
    if contact is None:
        return None
    if contact.email_verified_at is None:
        contact.email_verified_at = timezone.now()
        contact.save(update_fields=["email_verified_at", "updated_at"])
    return contact
