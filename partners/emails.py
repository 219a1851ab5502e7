"""E-mails to company representatives, each in the representative's language.

Plain text only: whatever was typed into the portal reaches the reader as text, never as markup.
"""

from django.conf import settings
from django.urls import reverse

from cepex_portal.mail import send_templated_mail
from cepex_portal.models import User

from .models import Contact, RepresentativeClaim


def send_login_link(*, user: User, token: str) -> None:
    """Send a one-time login link to a representative."""
    send_templated_mail(
        to=user.email,
        language=user.language,
        template="partners/emails/login_link",
        context={
            "user": user,
            "company": user.company,
            "login_url": settings.SITE_URL + reverse("space:login_confirm", args=[token]),
            "request_url": settings.SITE_URL + reverse("space:login"),
            "max_age_minutes": settings.LOGIN_LINK_MAX_AGE_MINUTES,
        },
    )


def send_claim_approval_request(*, claim: RepresentativeClaim, approver: Contact) -> None:
    """Ask a confirmed representative whether the claimant speaks for their company."""
    from .services import claim_decision_token

    if not approver.email:
        return
    token = claim_decision_token(claim=claim, approver=approver)
    send_templated_mail(
        to=approver.email,
        language=approver.language,
        template="partners/emails/claim_approval_request",
        context={
            "claim": claim,
            "approver": approver,
            "company": claim.company,
            "decide_url": settings.SITE_URL + reverse("space:claim_decide", args=[token]),
            "max_age_days": settings.CLAIM_DECISION_MAX_AGE_DAYS,
        },
    )


def send_claim_decision(*, claim: RepresentativeClaim) -> None:
    """Tell the claimant what was decided; once approved, what became of what they sent.

    A claim settled by proving an address the company had (the first contact of a new
    company) with nothing held needs no e-mail: the page they saw said it all.
    """
    held = list(claim.held_applications.select_related("mission"))
    if claim.decided_by_id is None and claim.decided_by_contact_id is None and not held:
        return
    send_templated_mail(
        to=claim.email,
        language=claim.language,
        template="partners/emails/claim_decision",
        context={
            "claim": claim,
            "company": claim.company,
            "held_applications": held,
            "login_url": settings.SITE_URL + reverse("space:login"),
        },
    )
