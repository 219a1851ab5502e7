"""Public pages of the portal: missions, the interest form, e-mail verification, privacy.

Who may see them: everyone (anonymous visitors included). Draft and cancelled missions are
never shown; nothing here reveals another company's data.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cepex_portal.ratelimit import client_ip, rate_limit_hit

from . import selectors, services
from .emails import EMAIL_VERIFICATION_SALT
from .forms import InterestForm
from .models import Mission

logger = logging.getLogger(__name__)


@require_GET
def mission_list(request: HttpRequest) -> HttpResponse:
    """Public: open missions first, then the others, most recent first."""
    missions = list(selectors.mission_list_public())
    open_missions = [m for m in missions if m.is_accepting_applications]
    other_missions = [m for m in missions if not m.is_accepting_applications]
    return render(
        request,
        "missions/mission_list.html",
        {"open_missions": open_missions, "other_missions": other_missions},
    )


def _get_mission_or_404(slug: str) -> Mission:
    mission = selectors.mission_get_public(slug=slug)
    if mission is None:
        raise Http404(_("No such mission."))
    return mission


@require_GET
def mission_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a published mission with its programme, partners and deadline."""
    mission = _get_mission_or_404(slug)
    return render(request, "missions/mission_detail.html", {"mission": mission})


@require_http_methods(["GET", "POST"])
def mission_interest(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the interest form. Refuses everything once the mission stops taking them."""
    mission = _get_mission_or_404(slug)
    partners = [mp.organisation for mp in mission.mission_partners.all()]
    context = {"mission": mission}
    if not mission.is_accepting_applications:
        status = 200 if request.method == "GET" else 403
        return render(request, "missions/interest_closed.html", context, status=status)

    if request.method == "GET":
        form = InterestForm(partners=partners)
        return render(request, "missions/interest_form.html", {**context, "form": form})

    form = InterestForm(request.POST, request.FILES, partners=partners)
    limited = rate_limit_hit(
        key=f"interest:{client_ip(request)}",
        limit=settings.PUBLIC_FORM_RATE_LIMIT,
        window_seconds=settings.PUBLIC_FORM_RATE_WINDOW_SECONDS,
    )
    if limited:
        form.is_valid()  # show what was typed, with its own errors if any
        form.add_error(
            None, _("Too many submissions from your connection. Please try again in an hour.")
        )
        return render(request, "missions/interest_form.html", {**context, "form": form}, status=429)
    if form.is_spam:
        # A robot filled the hidden field: answer as if all went well, keep nothing.
        logger.info("honeypot filled on %s from %s", slug, client_ip(request))
        return redirect("missions:interest_done", slug=mission.slug)
    if not form.is_valid():
        return render(request, "missions/interest_form.html", {**context, "form": form}, status=400)
    try:
        _application, created = services.application_submit(
            mission=mission,
            company_data=form.company_data(),
            contact_data=form.contact_data(),
            objectives=form.cleaned_data["objectives"],
            target_markets=form.cleaned_data["target_markets"],
            motivation=form.cleaned_data["motivation"],
            wishes=form.wishes(),
            brochure=form.cleaned_data.get("brochure"),
            language=get_language() or settings.LANGUAGE_CODE,
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return render(request, "missions/interest_form.html", {**context, "form": form}, status=400)
    if created:
        messages.success(
            request,
            _("Thank you: your application is recorded. Check your e-mail to confirm it."),
        )
    else:
        messages.success(
            request,
            _(
                "Your company had already applied to this mission: we have updated that "
                "application with what you sent."
            ),
        )
    return redirect(reverse("missions:interest_done", args=[mission.slug]))


@require_GET
def mission_interest_done(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: after the form, what happens next."""
    mission = _get_mission_or_404(slug)
    return render(request, "missions/interest_done.html", {"mission": mission})


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """Public, by signed link: confirms the address a contact gave on the interest form."""
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return render(request, "missions/verify_email.html", {"state": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "missions/verify_email.html", {"state": "invalid"}, status=400)
    contact = services.contact_verify_email(
        contact_id=payload.get("contact"), email=payload.get("email", "")
    )
    if contact is None:
        return render(request, "missions/verify_email.html", {"state": "invalid"}, status=400)
    return render(request, "missions/verify_email.html", {"state": "verified"})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """Public: the privacy notice applicants consent to."""
    return render(
        request, "missions/privacy.html", {"consent_version": settings.CONSENT_TEXT_VERSION}
    )
