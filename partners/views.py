"""The company space: one-time login, applications, profile, wished partners, agenda, leads.

Every page but the login ones is for a representative of a company
(``company_member_required``), and reads through a queryset filtered on that company: any
other company's id in a URL is a 404.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from missions.selectors import mission_partner_choices

from .decorators import company_member_required, set_language_cookie
from .forms import CompanyProfileForm, LoginRequestForm, WishFormSet, WithdrawForm
from .selectors import (
    company_applications,
    company_profile_get,
    company_revision_rows,
    login_link_get_usable,
)
from .services import (
    MAX_WISHES,
    company_can_withdraw,
    company_update_profile,
    company_withdraw,
    login_link_consume,
    login_link_request,
    wishes_locked,
    wishes_update,
)

# --- Login ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_request(request: HttpRequest) -> HttpResponse:
    """Public: ask for a login link. The answer never tells whether the address is known."""
    if request.user.is_authenticated and request.user.company_id:
        return redirect("partners:space")
    form = LoginRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login_link_request(email=form.cleaned_data["email"], language=translation.get_language())
        return redirect("partners:login_sent")
    return render(request, "partners/login.html", {"form": form})


@require_http_methods(["GET"])
def login_sent(request: HttpRequest) -> HttpResponse:
    """Public: the same answer for every address, known or not."""
    return render(request, "partners/login_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def login_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Public: log in with a one-time link.

    GET only shows a button: mail scanners open links to check them, and must not spend the
    link before its owner does. POST spends it and logs in.
    """
    if request.method == "GET":
        if login_link_get_usable(token=token) is None:
            return _login_refused(request, _("This login link is no longer valid."))
        return render(request, "partners/login_confirm.html")
    try:
        user = login_link_consume(token=token)
    except ValidationError as exc:
        return _login_refused(request, exc.messages[0])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    messages.success(request, _("Welcome. You are logged in."))
    response = redirect("partners:space")
    set_language_cookie(response, user.language)
    return response


def _login_refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "partners/login_invalid.html", {"reason": reason}, status=400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("missions:list")


# --- Company space --------------------------------------------------------------------------


@company_member_required
@require_http_methods(["GET"])
def space(request: HttpRequest) -> HttpResponse:
    """A representative: their company's applications and where each stands."""
    company = request.user.company
    applications = company_applications(company=company)
    return render(
        request,
        "partners/space.html",
        {"company": company, "applications": applications, "section": "applications"},
    )


@company_member_required
@require_http_methods(["GET"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: one application of their company."""
    application = get_object_or_404(company_applications(company=request.user.company_id), pk=pk)
    return render(
        request,
        "partners/application_detail.html",
        {
            "application": application,
            "mission": application.mission,
            "can_edit_wishes": wishes_locked(application=application) is None,
            "can_withdraw": company_can_withdraw(application=application),
            "withdraw_form": WithdrawForm(),
            "section": "applications",
        },
    )


@company_member_required
@require_http_methods(["GET", "POST"])
def wishes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative: the partners of the mission their company wants to meet."""
    application = get_object_or_404(company_applications(company=request.user.company_id), pk=pk)
    mission = application.mission
    locked = wishes_locked(application=application)
    if locked is not None:
        messages.error(request, locked.messages[0])
        return redirect("partners:application_detail", pk=application.pk)

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
                return redirect("partners:application_detail", pk=application.pk)
    else:
        formset = WishFormSet(initial=initial, partner_choices=choices)
    return render(
        request,
        "partners/wishes_edit.html",
        {
            "application": application,
            "mission": mission,
            "formset": formset,
            "has_partners": bool(partners),
            "section": "applications",
        },
    )


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
    return redirect("partners:application_detail", pk=application.pk)


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
                return redirect("partners:profile")
    else:
        form = CompanyProfileForm(instance=company)
    return render(
        request,
        "partners/profile.html",
        {
            "legal_name": legal_name,
            "tax_id": tax_id,
            "form": form,
            "revisions": company_revision_rows(company=company),
            "section": "profile",
        },
    )


@company_member_required
@require_http_methods(["GET"])
def agenda(request: HttpRequest) -> HttpResponse:
    """A representative: their meetings. Comes with matchmaking; for now, an honest page."""
    return render(request, "partners/agenda.html", {"section": "agenda"})


@company_member_required
@require_http_methods(["GET"])
def leads(request: HttpRequest) -> HttpResponse:
    """A representative: what came of their meetings. Comes with the follow-up pipeline."""
    return render(request, "partners/leads.html", {"section": "leads"})
