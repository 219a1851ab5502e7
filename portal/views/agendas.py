"""Agendas: a company's (company space), a partner's (behind its signed link), their PDFs,
and the private calendar feeds that calendar applications subscribe to.

- The company's pages are for its representatives only (``company_member_required``): they
  read through the company of the logged-in user, so another company's agenda is a 404.
- The partner's views take a ``PartnerLink`` the partner's pages resolved (and checked:
  signature, version, expiry, revocation) from their signed address; they show that
  partner's meetings on that mission, and nothing else.
- A feed is reached by its secret token alone (calendar applications cannot log in): a
  tampered, replaced or revoked token is a 404, and a feed shows one company's or one
  partner's meetings.

Every answer here holds private data: no cache keeps it (``Cache-Control: private,
no-store``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from cepex_portal.ratelimit import bad_token_seen, token_guard
from matchmaking.models import CalendarFeed, PartnerLink
from matchmaking.selectors import (
    Agenda,
    agenda_for_company,
    agenda_for_partner,
    agenda_missions_for_company,
    agendas_for_company,
    calendar_feed_from_token,
    calendar_feed_of_company,
    calendar_feed_of_partner,
    feed_meetings,
)
from matchmaking.services.agendas import (
    agenda_feed_ics,
    agenda_pdf,
    calendar_feed_for_company,
    calendar_feed_for_partner,
    calendar_feed_reset,
)

from ..decorators import account_form_limited, company_member_required, link_form_limited


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    return response


def _feed_urls(feed: CalendarFeed | None) -> dict:
    """The subscription address (https) and its webcal:// twin, which phones and desktop
    calendars open as "subscribe". The language of the page that shows it is kept in the
    address: the feed's texts are written in it.
    """
    if feed is None:
        return {"feed_url": "", "webcal_url": ""}
    path = reverse("feeds:calendar", kwargs={"token": feed.token})
    url = f"{settings.SITE_URL}{path}?lang={translation.get_language()}"
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


def _pdf(agenda: Agenda) -> HttpResponse:
    response = HttpResponse(agenda_pdf(agenda=agenda), content_type="application/pdf")
    filename = f"agenda-{agenda.mission.slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


# --- Company space --------------------------------------------------------------------------


@company_member_required
@require_GET
def company_agenda(request: HttpRequest) -> HttpResponse:
    """A representative: their company's agenda on every mission where it is in the
    delegation or has meetings, with the PDF of each and the calendar subscription.
    """
    company = request.user.company
    return render(
        request,
        "portal/space/agenda.html",
        {
            "agendas": agendas_for_company(company=company),
            "feed_action": reverse("space:calendar_feed"),
            **_feed_urls(calendar_feed_of_company(company=company)),
            "section": "agenda",
        },
    )


@company_member_required
@require_GET
def company_agenda_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """A representative: the printable agenda of one mission of their company."""
    company = request.user.company
    mission = get_object_or_404(agenda_missions_for_company(company=company), slug=slug)
    return _pdf(agenda_for_company(company=company, mission=mission))


@account_form_limited
@company_member_required
@require_POST
def company_calendar_feed(request: HttpRequest) -> HttpResponse:
    """A representative: get the company's calendar address, or a new one (the old one
    stops working: for an address that was shared too widely).
    """
    company = request.user.company
    feed = calendar_feed_of_company(company=company)
    if request.POST.get("action") == "reset" and feed is not None:
        calendar_feed_reset(feed=feed)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
    else:
        calendar_feed_for_company(company=company)
        messages.success(request, _("Your calendar address is ready."))
    return redirect(reverse("space:agenda") + "#calendar")


# --- Partners (the partner's pages resolve the link and call these) ------------------------


@require_GET
def partner_agenda(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """A partner, through its signed link: its agenda on the mission of the link."""
    return _private(
        render(
            request,
            "portal/agendas/partner_agenda.html",
            {
                "link": link,
                "agenda": agenda_for_partner(link=link),
                "feed_action": reverse("partner:calendar_feed", args=[link.token]),
                "pdf_url": reverse("partner:agenda_pdf", args=[link.token]),
                **_feed_urls(calendar_feed_of_partner(link=link)),
            },
        )
    )


@require_GET
def partner_agenda_pdf(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """A partner, through its signed link: the printable agenda."""
    return _pdf(agenda_for_partner(link=link))


@link_form_limited
@require_POST
def partner_calendar_feed(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """A partner, through its signed link: get its calendar address, or a new one."""
    feed = calendar_feed_of_partner(link=link)
    if request.POST.get("action") == "reset" and feed is not None:
        calendar_feed_reset(feed=feed)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
    else:
        calendar_feed_for_partner(link=link)
        messages.success(request, _("Your calendar address is ready."))
    return redirect(reverse("partner:agenda", args=[link.token]) + "#calendar")


# --- Calendar feeds -------------------------------------------------------------------------


@token_guard
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by its secret token: the live meetings of a company (all its missions) or of
    a partner (the mission of its link), as iCalendar.

    Only a token that is not ours counts against the address (``token_guard``): calendar
    services poll a replaced feed for weeks, from addresses many people's feeds share.
    """
    feed = calendar_feed_from_token(token=token)
    if feed is None:
        if CalendarFeed.unsign(token) is None:
            bad_token_seen(request)
        raise Http404
    language = request.GET.get("lang")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        if feed.company_id is not None:
            name = _("CEPEX agenda: %(name)s") % {"name": feed.company.legal_name}
        else:
            name = _("CEPEX agenda: %(name)s, %(mission)s") % {
                "name": feed.partner_link.partner,
                "mission": feed.partner_link.mission.title,
            }
        ics = agenda_feed_ics(items=feed_meetings(feed=feed), name=name)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cepex-agenda.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return _private(response)
