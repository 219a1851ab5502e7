"""E-mails about applications, each in the language of the company that applied.

Plain text only: whatever a company typed reaches the reader as text, never as markup.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cepex_portal.mail import send_templated_mail
from partners.models import RepresentativeClaim

from .enums import ApplicationStatus
from .models import Application, Mission

EMAIL_VERIFICATION_SALT = "missions.email-verification"


def _send(*, application: Application, template: str, context: dict) -> None:
    contact = application.contact
    send_templated_mail(
        to=contact.email if contact is not None else "",
        language=application.language,
        template=f"missions/emails/{template}",
        context={"application": application, "mission": application.mission, **context},
    )


def email_verification_token(*, claim: RepresentativeClaim) -> str:
    """A signed token naming a claim and the address it was sent to.

    Every submission of the public form gets one of the same shape, whether the company was
    new or known: the token is readable (signed, not encrypted) and must not tell.
    """
    return signing.dumps({"claim": claim.pk, "email": claim.email}, salt=EMAIL_VERIFICATION_SALT)


def send_submission_received(*, claim: RepresentativeClaim, mission: Mission) -> None:
    """Acknowledge a public submission and ask the sender to prove their address.

    The same e-mail whether the company was new or known, and whether it had applied: it
    repeats the company name as the sender typed it, never the name on record. But for one
    case: the address is already a contact of a known company. Whoever typed it may not be
    that contact, so the e-mail goes to the contact in their words (the name and company on
    record, their language), says that someone used their address, and that nothing happens
    unless they review it. The sender does not read that mailbox: nothing is revealed.
    """
    token = email_verification_token(claim=claim)
    verify_url = settings.SITE_URL + reverse("portal:verify_email", args=[token])
    contact = claim.contact
    if contact is not None and claim.held_applications.exists():
        send_templated_mail(
            to=contact.email,
            language=contact.language,
            template="missions/emails/application_review",
            context={
                "contact_name": contact.full_name,
                "company_name": claim.company.legal_name,
                "mission": mission,
                "verify_url": verify_url,
                "max_age_days": settings.EMAIL_VERIFICATION_MAX_AGE_DAYS,
            },
        )
        return
    send_templated_mail(
        to=claim.email,
        language=claim.language,
        template="missions/emails/application_received",
        context={
            "contact_name": claim.full_name,
            "company_name": claim.company_name,
            "mission": mission,
            "verify_url": verify_url,
        },
    )


def send_application_confirmation(*, application: Application) -> None:
    """Acknowledge an application a logged-in representative made."""
    _send(
        application=application,
        template="application_received",
        context={
            "contact_name": application.contact.full_name if application.contact else "",
            "company_name": application.company.legal_name,
            "space_url": settings.SITE_URL
            + reverse("space:application_detail", args=[application.pk]),
        },
    )


def send_application_decision(*, application: Application) -> None:
    """Tell a company the staff's decision on its application."""
    if application.status not in (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    ):
        return
    login_url = settings.SITE_URL + reverse("space:login")
    _send(
        application=application,
        template="application_decision",
        context={"login_url": login_url},
    )
