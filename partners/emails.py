"""E-mails to company representatives, each in the representative's language.

Plain text only: whatever was typed into the portal reaches the reader as text, never as markup.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cepex_portal.models import User


def send_login_link(*, user: User, token: str) -> None:
    """Send a one-time login link to a representative."""
    if not user.email:
        return
    with translation.override(user.language):
        context = {
            "user": user,
            "company": user.company,
            "login_url": settings.SITE_URL + reverse("partners:login_confirm", args=[token]),
            "request_url": settings.SITE_URL + reverse("partners:login"),
            "max_age_minutes": settings.LOGIN_LINK_MAX_AGE_MINUTES,
        }
        subject = render_to_string("partners/emails/login_link_subject.txt", context)
        body = render_to_string("partners/emails/login_link_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Content-Language": user.language},
    ).send()
