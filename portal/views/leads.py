"""The follow-up pages: what came of each meeting, and the leads followed up for months.

Who may see what:

- **Company space** (``/company/leads/``): a logged-in representative of a company
  (``company_member_required``) sees that company's leads across missions and its past
  meetings, records the company's outcome of each meeting, and moves its open leads forward
  (or drops them). Another company's lead or meeting is a 404, as if it did not exist.
- **Reminder page** (``/company/leads/update/<token>/``): whoever holds the one-time link of a
  reminder e-mail, no account: the open leads of that company on that mission only. GET only
  reads (mail scanners open links); a successful POST spends the link.
- **Partner's page** (``/partner/<token>/meetings/``): the holder of a partner's signed link
  (``partner_link_required``) records the partner's outcome of its past meetings of that
  mission; it never sees the company's outcome or its leads.

Every answer is private (``Cache-Control: private, no-store``); the token pages also keep
their address from other sites (``Referrer-Policy: same-origin``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cepex_portal.audit import audit_actor
from cepex_portal.ratelimit import bad_token_seen, token_guard
from matchmaking.models import PartnerLink
from reports.enums import OPEN_LEAD_STAGES, OutcomeSide
from reports.selectors.followup import (
    company_lead_get,
    company_leads,
    company_past_meeting_get,
    company_past_meetings,
    partner_link_past_meeting_get,
    partner_link_past_meetings,
    reminder_open_leads,
    reminder_recipient,
)
from reports.services.followup import (
    LeadUpdatesRefused,
    company_outcome_record,
    lead_update,
    link_outcome_record,
    reminder_answer,
    reminder_resolve,
)

from ..decorators import account_form_limited, company_member_required, link_form_limited
from ..forms.leads import LeadUpdateForm, OutcomeForm, add_service_errors


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    response["Referrer-Policy"] = "same-origin"
    return response


def _outcome_items(meetings, *, bound: OutcomeForm | None = None, bound_for: int | None = None):
    items = []
    for meeting in meetings:
        outcome = meeting.side_outcomes[0] if meeting.side_outcomes else None
        form = (
            bound
            if bound_for == meeting.pk
            else OutcomeForm(outcome=outcome, prefix=f"meeting{meeting.pk}")
        )
        items.append({"meeting": meeting, "outcome": outcome, "form": form})
    return items


def _lead_items(leads, *, side: str, bound: LeadUpdateForm | None = None):
    today = timezone.localdate()
    items = []
    for lead in leads:
        is_open = lead.stage in OPEN_LEAD_STAGES
        if bound is not None and bound.lead.pk == lead.pk:
            form = bound
        else:
            form = LeadUpdateForm(lead=lead, side=side) if is_open else None
        items.append(
            {
                "lead": lead,
                "is_open": is_open,
                "is_overdue": is_open and lead.due_on is not None and lead.due_on < today,
                "form": form,
            }
        )
    return items


# --- Company space --------------------------------------------------------------------------


def _leads_page(
    request: HttpRequest,
    *,
    bound_lead: LeadUpdateForm | None = None,
    bound_outcome: OutcomeForm | None = None,
    bound_meeting: int | None = None,
    status: int = 200,
) -> HttpResponse:
    company_id = request.user.company_id
    leads = company_leads(company=company_id).prefetch_related("events")
    meetings = company_past_meetings(company=company_id)
    lead_items = _lead_items(leads, side=OutcomeSide.COMPANY, bound=bound_lead)
    return render(
        request,
        "portal/space/leads.html",
        {
            "section": "leads",
            "lead_items": lead_items,
            "open_count": sum(1 for item in lead_items if item["is_open"]),
            "meeting_items": _outcome_items(meetings, bound=bound_outcome, bound_for=bound_meeting),
        },
        status=status,
    )


@company_member_required
@require_safe
def company_leads_page(request: HttpRequest) -> HttpResponse:
    """A representative: their company's leads across missions, and the outcome of each of
    its past meetings.
    """
    return _leads_page(request)


@account_form_limited
@company_member_required
@require_POST
def company_lead_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: move one of their company's open leads on, or say what comes next."""
    lead = company_lead_get(company=request.user.company_id, pk=pk)
    if lead is None:
        raise Http404
    if lead.stage not in OPEN_LEAD_STAGES:
        messages.error(
            request, _("This lead is closed. Ask the CEPEX team if it should be reopened.")
        )
        return redirect(reverse("space:leads") + f"#lead-{lead.pk}")
    form = LeadUpdateForm(request.POST, lead=lead, side=OutcomeSide.COMPANY)
    if form.is_valid():
        changes = form.changes()
        note = changes.pop("note")
        try:
            lead_update(lead=lead, side=OutcomeSide.COMPANY, by=request.user, note=note, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The lead with %(partner)s is updated.") % {"partner": lead.partner.name},
            )
            return redirect(reverse("space:leads") + f"#lead-{lead.pk}")
    return _leads_page(request, bound_lead=form, status=400)


@account_form_limited
@company_member_required
@require_POST
def company_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: what came of one of their company's meetings that has ended."""
    meeting = company_past_meeting_get(company=request.user.company_id, pk=pk)
    if meeting is None:
        raise Http404
    form = OutcomeForm(request.POST, prefix=f"meeting{meeting.pk}")
    if form.is_valid():
        try:
            company_outcome_record(
                company=request.user.company, meeting=meeting, by=request.user, **form.answer()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you: the outcome of your meeting with %(partner)s is recorded.")
                % {"partner": meeting.partner.name},
            )
            return redirect(reverse("space:leads") + f"#meeting-{meeting.pk}")
    return _leads_page(request, bound_outcome=form, bound_meeting=meeting.pk, status=400)


# --- The reminder's one-time page -----------------------------------------------------------


@token_guard
@link_form_limited
@require_http_methods(["GET", "HEAD", "POST"])
def lead_reminder(request: HttpRequest, token: str) -> HttpResponse:
    """Whoever holds a reminder's one-time link: update the company's open leads of the
    mission, without an account. Looking changes nothing; the first successful answer
    spends the link; an answer with errors leaves it usable.
    """
    try:
        reminder = reminder_resolve(token=token)
    except ValidationError as exc:
        return _reminder_refused(request, exc)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The page speaks the language of the e-mail that brought the reader here.
        recipient = reminder_recipient(mission=reminder.mission, company=reminder.company)
        if recipient is not None:
            translation.activate(recipient.language)
            request.LANGUAGE_CODE = recipient.language
    leads = list(reminder_open_leads(reminder=reminder))
    data = request.POST if request.method == "POST" else None
    forms = [LeadUpdateForm(data, lead=lead, side=OutcomeSide.COMPANY) for lead in leads]
    status = 200
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            try:
                with audit_actor(f"reminder link: {reminder.company}"):
                    reminder_answer(
                        token=token, updates={form.lead.pk: form.changes() for form in forms}
                    )
            except LeadUpdatesRefused as exc:
                for form in forms:
                    if form.lead.pk in exc.errors:
                        add_service_errors(form, exc.errors[form.lead.pk])
            except ValidationError as exc:
                # Used or expired between the page and the answer.
                return _reminder_refused(request, exc)
            else:
                return _private(
                    render(request, "portal/leads/reminder_done.html", {"reminder": reminder})
                )
        status = 400
    items = _lead_items(leads, side=OutcomeSide.COMPANY)
    for item, form in zip(items, forms, strict=True):
        item["form"] = form
    return _private(
        render(
            request,
            "portal/leads/reminder.html",
            {"reminder": reminder, "lead_items": items, "token": token},
            status=status,
        )
    )


def _reminder_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if exc.code == "invalid":
        bad_token_seen(request)
    status = 404 if exc.code == "invalid" else 400
    return _private(
        render(
            request,
            "portal/leads/reminder_refused.html",
            {"reason": exc.messages[0]},
            status=status,
        )
    )


# --- The partner's page, behind its signed link --------------------------------------------
# Wrapped by ``partner_link_required`` in ``urls/partner.py``: it resolves the link, refuses
# a bad one, and makes every answer private.


def _partner_page(
    request: HttpRequest,
    link: PartnerLink,
    *,
    bound: OutcomeForm | None = None,
    bound_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    meetings = partner_link_past_meetings(link=link)
    return render(
        request,
        "portal/partner/outcomes.html",
        {
            "link": link,
            "token": link.token,
            "mission": link.mission,
            "partner": link.partner,
            "items": _outcome_items(meetings, bound=bound, bound_for=bound_for),
        },
        status=status,
    )


@require_safe
def partner_outcomes(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """The holder of a partner's link: its meetings of the mission that have ended, each with
    the partner's outcome to record or change.
    """
    return _partner_page(request, link)


@link_form_limited
@require_POST
def partner_outcome(request: HttpRequest, link: PartnerLink, pk: int) -> HttpResponse:
    """The holder of a partner's link: what came of one of its meetings. A meeting of another
    partner or mission, or one that has not ended, is a 404.
    """
    meeting = partner_link_past_meeting_get(link=link, pk=pk)
    if meeting is None:
        return render(
            request,
            "portal/partner/refused.html",
            {"reason": _("This meeting is not on your page.")},
            status=404,
        )
    form = OutcomeForm(request.POST, prefix=f"meeting{meeting.pk}")
    if form.is_valid():
        try:
            link_outcome_record(link=link, meeting=meeting, **form.answer())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you: the outcome of your meeting with %(company)s is recorded.")
                % {"company": meeting.company.legal_name},
            )
            return redirect(
                reverse("partner:outcomes", args=[link.token]) + f"#meeting-{meeting.pk}"
            )
    return _partner_page(request, link, bound=form, bound_for=meeting.pk, status=400)
