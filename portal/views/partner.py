"""A partner's page, behind the signed link e-mailed to its contacts: no account.

Who may see it: whoever holds a usable link of a partner for a mission (the token in the
address is the credential, checked on every request by ``link_resolve``). It shows that one
partner's requests on that one mission and nothing else: no other partner's requests,
answers or availability, no other mission, and no contact details of the companies (names,
e-mail addresses, phones), neither before nor after acceptance: the link may be forwarded
inside the partner's organisation, CEPEX arranges the meetings, and the agenda names who
attends. What the page shows of a company is its business profile: name, city, sectors,
description, website, what it seeks on this mission and why it asks for this partner.

GET only reads (mail scanners open links); answers and availability are POSTed. Every answer
is private and never stored by a cache (``Cache-Control: private, no-store``), and the token
never leaves for another site: ``Referrer-Policy: same-origin`` on every answer (whatever the
settings say), and the one kind of outbound link, a company's website, has
``rel="noreferrer"``. Not ``no-referrer``: browsers then send ``Origin: null`` with the page's
forms, and Django's CSRF check refuses every answer. A refused link (tampered, expired,
revoked, another kind of token) is a 404 or a 400 with a message, never a 500.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cepex_portal.audit import audit_actor
from cepex_portal.ratelimit import bad_token_seen, token_guard
from matchmaking.enums import LIVE_MEETING_STATES, PAST_MEETING_STATES, RequestState
from matchmaking.models import PartnerLink
from matchmaking.selectors import (
    availability_days,
    partner_availability_by_day,
    partner_link_request_get,
    partner_link_requests,
)
from matchmaking.services.links import link_availability_set, link_resolve, link_respond

from ..decorators import link_form_limited
from ..forms.partner import ACCEPT, DECLINE, AvailabilityForm, RequestAnswerForm


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    response["Referrer-Policy"] = "same-origin"
    return response


def _refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(request, "portal/partner/refused.html", {"reason": reason}, status=status)


def partner_link_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let in the holder of a usable partner link; the view gets the link instead of the token.

    An address that is not one of our partner links is a 404 (and counts against the
    visitor's address: ``token_guard``); a real link that no longer works (expired,
    withdrawn) is a 400 that says so.
    """

    @token_guard
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            link = link_resolve(token=token)
        except ValidationError as exc:
            if exc.code == "invalid":
                bad_token_seen(request)
            status = 404 if exc.code == "invalid" else 400
            return _private(_refused(request, exc.messages[0], status=status))
        # No account: the audit trail names the link's partner as the author.
        with audit_actor(f"partner link: {link.partner}"):
            return _private(view(request, link, *args, **kwargs))

    return wrapper


def _home(link: PartnerLink, anchor: str = "") -> str:
    return reverse("partner:home", args=[link.token]) + (f"#{anchor}" if anchor else "")


def _answer_form(meeting_request, data=None) -> RequestAnswerForm:
    decision = {RequestState.ACCEPTED: ACCEPT, RequestState.DECLINED: DECLINE}.get(
        meeting_request.state
    )
    return RequestAnswerForm(
        data,
        prefix=f"r{meeting_request.pk}",
        initial={
            "decision": decision,
            "partner_attendees": meeting_request.partner_attendees,
            "partner_note": meeting_request.partner_note,
        },
    )


def _page(
    request: HttpRequest,
    link: PartnerLink,
    *,
    bound_answer: RequestAnswerForm | None = None,
    bound_answer_for: int | None = None,
    availability_form: AvailabilityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mission, partner = link.mission, link.partner
    items = []
    for meeting_request in partner_link_requests(link=link):
        meeting = getattr(meeting_request, "meeting", None)
        has_happened = meeting is not None and meeting.state in PAST_MEETING_STATES
        is_open = meeting_request.state != RequestState.CANCELLED and not has_happened
        applications = meeting_request.company.mission_applications
        items.append(
            {
                "request": meeting_request,
                "company": meeting_request.company,
                "application": applications[0] if applications else None,
                "meeting": meeting if meeting and meeting.state in LIVE_MEETING_STATES else None,
                "has_happened": has_happened,
                "form": (
                    (
                        bound_answer
                        if bound_answer_for == meeting_request.pk
                        else _answer_form(meeting_request)
                    )
                    if is_open
                    else None
                ),
            }
        )
    if availability_form is None:
        availability_form = AvailabilityForm(
            days=availability_days(mission=mission),
            current=partner_availability_by_day(mission=mission, partner=partner),
        )
    return render(
        request,
        "portal/partner/page.html",
        {
            "link": link,
            "token": link.token,
            "mission": mission,
            "partner": partner,
            "items": items,
            "waiting": sum(1 for item in items if item["request"].state == RequestState.SENT),
            "availability_form": availability_form,
        },
        status=status,
    )


@require_safe
@partner_link_required
def home(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """The holder of the partner's link: its requests on the mission, its availability."""
    return _page(request, link)


@link_form_limited
@require_POST
@partner_link_required
def answer(request: HttpRequest, link: PartnerLink, pk: int) -> HttpResponse:
    """The holder of the partner's link: accept or decline one request, name who attends.

    A request of another partner or mission, or one not sent yet, is a 404 (as if it did not
    exist).
    """
    meeting_request = partner_link_request_get(link=link, request_id=pk)
    if meeting_request is None:
        return _refused(request, _("This request is not on your page."), status=404)
    form = _answer_form(meeting_request, request.POST)
    if form.is_valid():
        try:
            link_respond(
                link=link,
                request=meeting_request,
                accept=form.accept,
                attendees=form.cleaned_data["partner_attendees"],
                note=form.cleaned_data["partner_note"],
            )
        except ValidationError as exc:
            # Cancelled by CEPEX, or the meeting took place: nothing typed can change that.
            for message in exc.messages:
                messages.error(request, message)
            return redirect(_home(link, f"request-{meeting_request.pk}"))
        else:
            company = meeting_request.company.legal_name
            if form.accept:
                text = _("You accepted the meeting with %(company)s. Thank you.")
            else:
                text = _("You declined the meeting with %(company)s.")
            messages.success(request, text % {"company": company})
            return redirect(_home(link, f"request-{meeting_request.pk}"))
    return _page(request, link, bound_answer=form, bound_answer_for=meeting_request.pk, status=400)


@link_form_limited
@require_POST
@partner_link_required
def availability(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """The holder of the partner's link: when the partner can receive the delegation."""
    form = AvailabilityForm(
        request.POST,
        days=availability_days(mission=link.mission),
        current=partner_availability_by_day(mission=link.mission, partner=link.partner),
    )
    if form.is_valid():
        try:
            link_availability_set(link=link, days=form.answers())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your availability is saved. Thank you."))
            return redirect(_home(link, "availability"))
    return _page(request, link, availability_form=form, status=400)
