"""One way to send an e-mail from templates, in the reader's language, and one retry policy
for the tasks that send them.

E-mails are plain text: whatever was typed into the portal reaches the reader as text, never
as markup. Each has a ``<template>_subject.txt`` and a ``<template>_body.txt``.
"""

from collections.abc import Sequence
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

# Celery options of every task that sends e-mail: a mail server that refuses or times out
# is retried with growing pauses for about a day; anything else is a bug and fails at once.
EMAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


def send_templated_mail(
    *,
    to: str,
    language: str,
    template: str,
    context: dict,
    attachments: Sequence[MIMEBase] = (),
) -> None:
    """Render ``template`` in ``language`` and send it to one address (nothing if empty),
    with ``attachments`` (MIME parts built by the caller, e.g. a text/calendar invitation).
    """
    if not to:
        return
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": language},
    )
    for part in attachments:
        message.attach(part)
    message.send()
