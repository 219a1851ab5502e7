"""The company space: one-time login, applications, profile, wished partners, leads (the
agenda is in ``agendas``).

Every page but the login ones is for a representative of a company
(``company_member_required``), and reads through a queryset filtered on that company: any
other company's id in a URL is a 404.

Every form has a rate limit: the login-link form per address and per e-mail (in the view),
the pages of a token per address (``LINK_FORM_RATE_LIMIT``, and ``token_guard`` against
guessing), the company space per account (``ACCOUNT_FORM_RATE_LIMIT``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cepex_portal.ratelimit import bad_token_seen, client_ip, hashed, rate_limit_hit, token_guard
from missions.enums import Objective, WishPriority
from missions.selectors import (
    company_application_for,
    company_applications,
    held_application_wishes,
    held_applications_to_review,
    mission_partner_choices,
)
from missions.services import (
    MAX_WISHES,
    application_update,
    application_update_refused,
    company_can_withdraw,
    company_withdraw,
    held_application_discard,
    held_application_submit,
    held_application_submit_refused,
    wishes_locked,
    wishes_update,
)
from partners.models import RepresentativeClaim
from partners.selectors import (
    claims_pending,
    company_profile_get,
    company_revision_rows,
    login_link_get_usable,
    login_link_is_known,
    representative_contact_get,
)
from partners.services import (
    claim_approve,
    claim_decline,
    claim_from_decision_token,
    company_update_profile,
    contact_update_details,
    login_link_consume,
    login_link_request,
)

from ..decorators import (
    account_form_limited,
    company_member_required,
    link_form_limited,
    set_language_cookie,
)
from ..forms.public import ApplicationFieldsForm
from ..forms.space import (
    ClaimDecisionForm,
    CompanyProfileForm,
    ContactDetailsForm,
    HeldReviewForm,
    LoginRequestForm,
    WishFormSet,
    WithdrawForm,
)

# --- Login ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_request(request: HttpRequest) -> HttpResponse:
    """Public: ask for a login link. The answer never tells whether the address is known."""
    if request.user.is_authenticated and request.user.company_id:
        return redirect("space:home")
    form = LoginRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        window = settings.PUBLIC_FORM_RATE_WINDOW_SECONDS
        # Both counters count every attempt, known address or not: the limit must not tell
        # which addresses exist.
        by_ip = rate_limit_hit(
            key=f"login:ip:{client_ip(request)}",
            limit=settings.LOGIN_RATE_LIMIT_PER_IP,
            window_seconds=window,
        )
        by_address = rate_limit_hit(
            key=f"login:address:{hashed(email)}",
            limit=settings.LOGIN_RATE_LIMIT_PER_ADDRESS,
            window_seconds=window,
        )
        if by_ip or by_address:
            form.add_error(None, _("Too many login requests. Please try again in an hour."))
            return render(request, "portal/space/login.html", {"form": form}, status=429)
        login_link_request(email=email, language=translation.get_language())
        return redirect("space:login_sent")
    return render(request, "portal/space/login.html", {"form": form})


@require_http_methods(["GET"])
def login_sent(request: HttpRequest) -> HttpResponse:
    """Public: the same answer for every address, known or not."""
    return render(request, "portal/space/login_sent.html")


@token_guard
@link_form_limited
@never_cache
@require_http_methods(["GET", "POST"])
def login_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Public: log in with a one-time link.

    GET only shows a button: mail scanners open links to check them, and must not spend the
    link before its owner does. POST spends it and logs in.
    """
    if request.method == "GET":
        if login_link_get_usable(token=token) is None:
            if not login_link_is_known(token=token):
                bad_token_seen(request)
            return _login_refused(request, _("This login link is no longer valid."))
        return render(request, "portal/space/login_confirm.html")
    try:
        user = login_link_consume(token=token)
    except ValidationError as exc:
        if exc.code == "invalid":
            bad_token_seen(request)
        return _login_refused(request, exc.messages[0])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    messages.success(request, _("Welcome. You are logged in."))
    response = redirect("space:home")
    set_language_cookie(response, user.language)
    return response


def _login_refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "portal/space/login_invalid.html", {"reason": reason}, status=400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("portal:list")


# --- Company space --------------------------------------------------------------------------


@company_member_required
@require_http_methods(["GET"])
def space(request: HttpRequest) -> HttpResponse:
    """A representative: their company's applications and where each stands."""
    company = request.user.company
    applications = company_applications(company=company)
    contact = representative_contact_get(user=request.user)
    # The same rule as claim_approvers(), on the row at hand: one query less per page.
    may_decide = contact is not None and contact.is_confirmed and bool(contact.email)
    return render(
        request,
        "portal/space/space.html",
        {
            "company": company,
            "applications": applications,
            "claims": (
                list(claims_pending(company=company).prefetch_related("held_applications__mission"))
                if may_decide
                else []
            ),
            "held_to_review": list(held_applications_to_review(company=company)),
            "section": "applications",
        },
    )


@company_member_required
@require_http_methods(["GET"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: one application of their company."""
    application = get_object_or_404(company_applications(company=request.user.company_id), pk=pk)
    return render(
        request,
        "portal/space/application_detail.html",
        {
            "application": application,
            "mission": application.mission,
            "can_edit_wishes": wishes_locked(application=application) is None,
            "can_update": application_update_refused(application=application) is None,
            "can_withdraw": company_can_withdraw(application=application),
            "withdraw_form": WithdrawForm(),
            "section": "applications",
        },
    )


@account_form_limited
@company_member_required
@require_http_methods(["GET", "POST"])
def wishes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: the partners of the mission their company wants to meet."""
    application = get_object_or_404(company_applications(company=request.user.company_id), pk=pk)
    mission = application.mission
    locked = wishes_locked(application=application)
    if locked is not None:
        messages.error(request, locked.messages[0])
        return redirect("space:application_detail", pk=application.pk)

    partners = {partner.pk: partner for partner in mission_partner_choices(mission=mission)}
    choices = [(pk, str(partner)) for pk, partner in partners.items()]
    current = [
        {"partner": w.partner_id, "priority": w.priority, "motivation": w.motivation}
        for w in application.wishes.all()
    ]
    rows = max(len(current), min(MAX_WISHES, len(partners)))
    initial = current + [{} for _row in range(rows - len(current))]

    if request.method == "POST":
        formset = WishFormSet(request.POST, initial=initial, partner_choices=choices)
        if formset.is_valid():
            wishes = [
                (partners[partner_id], priority, motivation)
                for partner_id, priority, motivation in formset.wished()
            ]
            try:
                wishes_update(application=application, wishes=wishes, by=request.user)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(
                    exc.messages, error_class="nonform", renderer=formset.renderer
                )
            else:
                messages.success(request, _("Your wished partners are saved."))
                return redirect("space:application_detail", pk=application.pk)
    else:
        formset = WishFormSet(initial=initial, partner_choices=choices)
    return render(
        request,
        "portal/space/wishes_edit.html",
        {
            "application": application,
            "mission": mission,
            "formset": formset,
            "has_partners": bool(partners),
            "section": "applications",
        },
    )


@account_form_limited
@company_member_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: withdraw their company from a mission."""
    application = get_object_or_404(company_applications(company=request.user.company_id), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that your company withdraws."))
    else:
        try:
            company_withdraw(application=application, by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Your company has withdrawn from this mission."))
    return redirect("space:application_detail", pk=application.pk)


@account_form_limited
@company_member_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """A representative: their company's profile, and the last changes made to it."""
    company = company_profile_get(company_id=request.user.company_id)
    legal_name, tax_id = company.legal_name, company.tax_id_display
    if request.method == "POST":
        form = CompanyProfileForm(request.POST, instance=company)
        if form.is_valid():
            try:
                revision = company_update_profile(
                    company=company, data=form.cleaned_data, by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if revision is None:
                    messages.info(request, _("Nothing changed in your profile."))
                else:
                    messages.success(request, _("Your company profile is saved."))
                return redirect("space:profile")
    else:
        form = CompanyProfileForm(instance=company)
    return render(
        request,
        "portal/space/profile.html",
        {
            "legal_name": legal_name,
            "tax_id": tax_id,
            "form": form,
            "revisions": company_revision_rows(company=company),
            "section": "profile",
        },
    )


@account_form_limited
@company_member_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: update their company's application while the mission takes them."""
    application = get_object_or_404(company_applications(company=request.user.company_id), pk=pk)
    refused = application_update_refused(application=application)
    if refused is not None:
        messages.error(request, refused.messages[0])
        return redirect("space:application_detail", pk=application.pk)
    initial = {
        "objectives": [o.objective for o in application.objectives.all()],
        "target_markets": [country.code for country in application.target_markets],
        "motivation": application.motivation,
    }
    form = ApplicationFieldsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application_update(
                application=application,
                user=request.user,
                language=translation.get_language(),
                **form.application_data(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your application is updated."))
            return redirect("space:application_detail", pk=application.pk)
    return render(
        request,
        "portal/space/application_edit.html",
        {
            "application": application,
            "mission": application.mission,
            "form": form,
            "section": "applications",
        },
        status=400 if request.method == "POST" else 200,
    )


@account_form_limited
@company_member_required
@require_http_methods(["GET", "POST"])
def held_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: what the public form sent for their company, by someone who gave
    the address of one of its contacts (or a colleague since approved), shown exactly as it
    would be submitted. Nothing of it is the company's until they submit it; they may
    discard it. Held applications of another company, or not approved, are a 404.
    """
    held = get_object_or_404(held_applications_to_review(company=request.user.company_id), pk=pk)
    if request.method == "POST":
        form = HeldReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to submit or discard this application."))
            return redirect("space:held_review", pk=held.pk)
        try:
            if form.cleaned_data["decision"] == "submit":
                application = held_application_submit(held=held, user=request.user)
            else:
                held_application_discard(held=held, user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("space:held_review", pk=held.pk)
        if form.cleaned_data["decision"] == "submit":
            messages.success(request, _("The application is submitted for your company."))
            return redirect("space:application_detail", pk=application.pk)
        messages.success(request, _("The application is discarded; nothing was changed."))
        return redirect("space:home")
    refused = held_application_submit_refused(held=held)
    return render(
        request,
        "portal/space/held_review.html",
        {
            "held": held,
            "mission": held.mission,
            "objectives": [dict(Objective.choices).get(code, code) for code in held.objectives],
            "wishes": [
                (partner, dict(WishPriority.choices)[priority], text)
                for partner, priority, text in held_application_wishes(held=held)
            ],
            "brochure_name": held.brochure.name.rsplit("/", 1)[-1] if held.brochure else "",
            "existing": company_application_for(
                company_id=request.user.company_id, mission=held.mission
            ),
            "refused": refused.messages[0] if refused is not None else "",
            "section": "applications",
        },
    )


@account_form_limited
@company_member_required
@require_http_methods(["GET", "POST"])
def contact_details(request: HttpRequest) -> HttpResponse:
    """A representative: their own contact details (the address is changed by staff)."""
    contact = representative_contact_get(user=request.user)
    if contact is None:
        messages.info(request, _("The CEPEX team keeps your contact details."))
        return redirect("space:home")
    form = ContactDetailsForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            contact_update_details(contact=contact, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your contact details are saved."))
            return redirect("space:contact_details")
    return render(
        request,
        "portal/space/contact_details.html",
        {"form": form, "email": contact.email, "section": "details"},
        status=400 if request.method == "POST" else 200,
    )


@account_form_limited
@company_member_required
@require_POST
def claim_decide_in_space(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmed representative approves or declines a colleague's claim."""
    claim = get_object_or_404(RepresentativeClaim, pk=pk, company_id=request.user.company_id)
    contact = representative_contact_get(user=request.user)
    return _claim_decide(request, claim, contact, by=request.user, redirect_to="space:home")


def _claim_decide(request, claim, contact, *, by, redirect_to: str, **redirect_kwargs):
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid() or contact is None:
        messages.error(request, _("Choose to approve or decline the request."))
        return redirect(redirect_to, **redirect_kwargs)
    decide = claim_approve if form.cleaned_data["decision"] == "approve" else claim_decline
    try:
        decide(claim=claim, by=by, by_contact=contact)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if form.cleaned_data["decision"] == "approve":
            messages.success(
                request,
                _("%(name)s now represents your company.") % {"name": claim.full_name},
            )
        else:
            messages.success(
                request, _("The request of %(name)s is declined.") % {"name": claim.full_name}
            )
    return redirect(redirect_to, **redirect_kwargs)


@token_guard
@link_form_limited
@never_cache
@require_http_methods(["GET", "POST"])
def claim_decide(request: HttpRequest, token: str) -> HttpResponse:
    """Public, by a signed link e-mailed to one confirmed representative of the company:
    approve or decline someone who claims to be a colleague. GET shows, POST decides.
    """
    try:
        claim, approver = claim_from_decision_token(token=token)
    except ValidationError as exc:
        if exc.code == "invalid":
            bad_token_seen(request)
        return render(
            request, "portal/space/claim_decide.html", {"error": exc.messages[0]}, status=400
        )
    if request.method == "POST":
        return _claim_decide(
            request, claim, approver, by=None, redirect_to="space:claim_decide", token=token
        )
    held = list(claim.held_applications.select_related("mission"))
    return render(
        request,
        "portal/space/claim_decide.html",
        {"claim": claim, "approver": approver, "held_applications": held},
    )
