"""E-mails about applications, each in the language of the company that applied.

Plain text only: whatever a company typed reaches the reader as text, never as markup.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .enums import ApplicationStatus
from .models import Application

EMAIL_VERIFICATION_SALT = "missions.email-verification"


def email_verification_token(*, application: Application) -> str:
    """A signed token naming the contact and the address it was sent to."""
    contact = application.contact
    return signing.dumps(
        {"contact": contact.pk, "email": contact.email}, salt=EMAIL_VERIFICATION_SALT
    )


def _send(*, application: Application, template: str, context: dict) -> None:
    contact = application.contact
    if contact is None or not contact.email:
        return
    with translation.override(application.language):
        context = {"application": application, "mission": application.mission, **context}
        subject = render_to_string(f"missions/emails/{template}_subject.txt", context)
        body = render_to_string(f"missions/emails/{template}_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        headers={"Content-Language": application.language},
    ).send()


def send_application_confirmation(*, application: Application) -> None:
    """Acknowledge an application and ask the contact to verify their address."""
    token = email_verification_token(application=application)
    verify_url = settings.SITE_URL + reverse("missions:verify_email", args=[token])
    _send(
        application=application,
        template="application_received",
        context={"verify_url": verify_url},
    )


def send_application_decision(*, application: Application) -> None:
    """Tell a company the staff's decision on its application."""
    if application.status not in (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    ):
        return
    login_url = settings.SITE_URL + reverse("partners:login")
    _send(
        application=application,
        template="application_decision",
        context={"login_url": login_url},
    )
