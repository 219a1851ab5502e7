"""Public pages of the portal: missions, the interest form, e-mail verification, privacy.

Who may see them: everyone (anonymous visitors included). Draft and cancelled missions are
never shown; nothing here reveals another company's data.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cepex_portal.audit import audit_actor
from cepex_portal.ratelimit import bad_token_seen, client_ip, rate_limit_hit, token_guard
from missions import selectors, services
from missions.emails import EMAIL_VERIFICATION_SALT
from missions.enums import ApplicationStatus
from missions.models import Mission
from partners.enums import ClaimStatus
from partners.selectors import claim_for_verification
from partners.services import claim_verify_email, representative_user_for_contact

from ..decorators import account_form_limited, link_form_limited, set_language_cookie
from ..forms.public import InterestForm, RepresentativeInterestForm

logger = logging.getLogger(__name__)


PAST_MISSIONS_PER_PAGE = 12


@require_GET
def mission_list(request: HttpRequest) -> HttpResponse:
    """Public: missions open for applications, those coming up or under way, then the past
    ones a page at a time.
    """
    today = timezone.localdate()
    current = list(selectors.mission_list_current(today=today))
    past = Paginator(selectors.mission_list_past(today=today), PAST_MISSIONS_PER_PAGE)
    return render(
        request,
        "portal/mission_list.html",
        {
            "open_missions": [m for m in current if m.is_accepting_applications],
            "upcoming_missions": [m for m in current if not m.is_accepting_applications],
            "past_page": past.get_page(request.GET.get("page")),
        },
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
    return render(request, "portal/mission_detail.html", {"mission": mission})


def _is_representative(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.company_id is not None


@never_cache  # a form (and, to a representative, their company's name): never stored
@require_http_methods(["GET", "POST"])
def mission_interest(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the interest form. Refuses everything once the mission stops taking them.

    Anyone may send it, and the answer is the same whatever happened: a stranger who types
    a known company's tax id learns nothing (see ``services.application_submit``). A
    logged-in representative gets the short form for their own company instead.
    """
    mission = _get_mission_or_404(slug)
    partners = [mp.organisation for mp in mission.mission_partners.all()]
    context = {"mission": mission}
    if not mission.is_accepting_applications:
        status = 200 if request.method == "GET" else 403
        return render(request, "portal/interest_closed.html", context, status=status)
    if _is_representative(request):
        return _representative_interest(request, mission, partners)

    if request.method == "GET":
        form = InterestForm(partners=partners)
        return render(request, "portal/interest_form.html", {**context, "form": form})

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
        return render(request, "portal/interest_form.html", {**context, "form": form}, status=429)
    if form.is_spam:
        # A robot filled the hidden field: answer as if all went well, keep nothing.
        logger.info("honeypot filled on %s from %s", slug, client_ip(request))
        return _interest_thanks(request, mission)
    if not form.is_valid():
        return render(request, "portal/interest_form.html", {**context, "form": form}, status=400)
    try:
        services.application_submit(
            mission=mission,
            company_data=form.company_data(),
            contact_data=form.contact_data(),
            wishes=form.wishes(),
            language=get_language() or settings.LANGUAGE_CODE,
            **form.application_data(),
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return render(request, "portal/interest_form.html", {**context, "form": form}, status=400)
    return _interest_thanks(request, mission)


def _interest_thanks(request: HttpRequest, mission: Mission) -> HttpResponse:
    # One answer for a new company, a known one, one that had applied, and a robot.
    messages.success(
        request,
        _("Thank you. To complete your application, open the link we sent to your e-mail."),
    )
    return redirect(reverse("portal:interest_done", args=[mission.slug]))


def _representative_interest(request: HttpRequest, mission: Mission, partners) -> HttpResponse:
    """A logged-in representative applies for their own company, or updates its application."""
    existing = selectors.company_application_for(
        company_id=request.user.company_id, mission=mission
    )
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
        messages.info(
            request,
            _("Your company has already applied to this mission: you can update its application."),
        )
        return redirect("space:application_edit", pk=existing.pk)
    context = {"mission": mission, "representative": True}
    form = RepresentativeInterestForm(
        request.POST or None, request.FILES or None, partners=partners
    )
    if request.method == "POST" and account_form_limited.limit.hit(request):
        form.is_valid()  # show what was typed, with its own errors if any
        form.add_error(
            None, _("Too many forms were sent from your account. Please try again in an hour.")
        )
        return render(request, "portal/interest_form.html", {**context, "form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            application, _created = services.application_submit_as_representative(
                mission=mission,
                user=request.user,
                wishes=form.wishes(),
                language=get_language() or settings.LANGUAGE_CODE,
                **form.application_data(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your company's application is recorded."))
            return redirect("space:application_detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/interest_form.html", {**context, "form": form}, status=status)


@require_GET
def mission_interest_done(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: after the form, what happens next."""
    mission = _get_mission_or_404(slug)
    return render(request, "portal/interest_done.html", {"mission": mission})


@token_guard
@link_form_limited
@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """Public, by signed link: the sender of the interest form proves their address.

    GET only shows a button: mail scanners open links, and must not prove anything on the
    owner's behalf. POST settles it: for a new company, or an address the company had, the
    sender can log in at once; anyone else waits for the company's approval.

    When the address was already a contact of a known company, what was sent changes
    nothing yet: whoever typed the address may not be that contact. The first POST logs the
    contact in (the link reached their mailbox, as a login link would) and opens the review
    of what was sent in the company space, where they submit or discard it.
    """
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return render(request, "portal/verify_email.html", {"state": "expired"}, status=400)
    except signing.BadSignature:
        bad_token_seen(request)
        return render(request, "portal/verify_email.html", {"state": "invalid"}, status=400)
    if not isinstance(payload, dict) or not isinstance(payload.get("claim"), int):
        bad_token_seen(request)
        return render(request, "portal/verify_email.html", {"state": "invalid"}, status=400)
    email = str(payload.get("email", ""))
    before = claim_for_verification(claim_id=payload["claim"], email=email)
    if request.method == "GET":
        review = (
            before is not None
            and before.contact_id is not None
            and selectors.held_applications_of_claim(claim=before).exists()
        )
        return render(request, "portal/verify_email.html", {"state": "confirm", "review": review})
    # The sender has no account yet: the audit trail says where the application came from.
    with audit_actor("public form: verified address"):
        claim = claim_verify_email(claim_id=payload["claim"], email=email)
    if claim is None:
        return render(request, "portal/verify_email.html", {"state": "invalid"}, status=400)
    if claim.status == ClaimStatus.APPROVED:
        to_review = list(selectors.held_applications_of_claim(claim=claim))
        if to_review:
            first_time = before is not None and before.status == ClaimStatus.UNVERIFIED
            return _review_held(request, claim, to_review[0], first_time=first_time)
    state = {
        ClaimStatus.APPROVED: "verified",
        ClaimStatus.PENDING: "pending",
        ClaimStatus.DECLINED: "declined",
    }[claim.status]
    return render(request, "portal/verify_email.html", {"state": state, "claim": claim})


def _review_held(request, claim, held, *, first_time: bool) -> HttpResponse:
    """Open the review of ``held`` in the company space, logging its contact in once.

    Only the POST that verified the address logs in, like a one-time login link; a later
    visit of the same link asks to log in as usual. Someone else logged in in this browser
    (staff, another company) is never switched to this account.
    """
    user = request.user
    if user.is_authenticated and user.company_id == claim.company_id:
        return redirect("space:held_review", pk=held.pk)
    account = (
        representative_user_for_contact(contact=claim.contact)
        if first_time and not user.is_authenticated and claim.contact is not None
        else None
    )
    if account is None:
        return render(request, "portal/verify_email.html", {"state": "review", "claim": claim})
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    translation.activate(account.language)
    request.LANGUAGE_CODE = account.language
    response = redirect("space:held_review", pk=held.pk)
    set_language_cookie(response, account.language)
    return response


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """Public: the privacy notice applicants consent to."""
    return render(
        request, "portal/privacy.html", {"consent_version": settings.CONSENT_TEXT_VERSION}
    )
