"""The managers' reports page (``/reports/``): every mission, the newest first, with its
latest mission dossier and follow-up report in each language, the ones being made (their
progress follows without a page reload: ``static/js/report-progress.js`` polls ``state``),
a form to make one, and the earlier versions.

Who may: users with ``reports.view_report`` see the page, follow the progress and download;
making a report also needs ``reports.add_report`` (managers and chargés de mission both
make them). Anyone else logged in gets 403, and a visitor is sent to the staff's login page.
Which missions: those ``missions_visible_to`` gives (managers every one, a chargé de mission
those of their team); another mission's report or slug is a 404. A PDF is read from the
private storage and sent as an attachment by ``download``, after the same checks: it has no
public URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from missions.selectors import missions_visible_to
from reports.enums import ReportKind, ReportState
from reports.selectors.generation import (
    ACTIVE_STATES,
    mission_reports,
    report_downloadable,
    report_get,
    report_missions,
)
from reports.services.generation import report_request

from ..decorators import account_form_limited
from ..forms.reports import ReportRequestForm

VIEW = "reports.view_report"
ADD = "reports.add_report"
MISSIONS_PER_PAGE = 20


def _permission_required(*perms: str, login: bool = True) -> Callable:
    """Let in users holding ``perms``; a visitor goes to the staff's login page (or gets
    403 where a page would make no sense: the JSON polled by a script), anyone else 403.
    Answers are private: no shared cache keeps them, no browser stores them.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated and login:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not user.has_perms(perms):
                raise PermissionDenied
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
            return response

        return wrapper

    return decorator


@_permission_required(VIEW)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    missions = report_missions(user=request.user)
    page = Paginator(missions, MISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/reports/index.html",
        {
            "page": page,
            "rows": mission_reports(missions=list(page.object_list)),
            "form": ReportRequestForm(auto_id=False, initial={"page": page.number}),
            "can_generate": request.user.has_perm(ADD),
        },
    )


@account_form_limited
@_permission_required(VIEW, ADD)
@require_POST
def generate(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_object_or_404(missions_visible_to(user=request.user), slug=slug)
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        kind, language = form.cleaned_data["kind"], form.cleaned_data["language"]
        try:
            report_request(mission=mission, kind=kind, language=language, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The %(kind)s of “%(mission)s” is being made; this page follows it.")
                % {"kind": ReportKind(kind).label.lower(), "mission": mission.title},
            )
    else:
        messages.error(request, _("Choose a report and a language from the lists."))
    page = form.cleaned_data.get("page") if form.is_valid() else None
    query = f"?{urlencode({'page': page})}" if page and page > 1 else ""
    return redirect(f"{reverse('reports:index')}{query}#mission-{mission.pk}")


@_permission_required(VIEW, login=False)
@require_safe
def state(request: HttpRequest, pk: int) -> JsonResponse:
    """A report's state and progress, polled by the pages that show it while it is made."""
    report = report_get(pk=pk, user=request.user)
    if report is None:
        raise Http404
    return JsonResponse(
        {
            "state": report.state,
            "state_label": report.get_state_display(),
            "progress": report.progress,
            "is_active": report.state in ACTIVE_STATES,
            "error": report.error if report.state == ReportState.FAILED else "",
        }
    )


@_permission_required(VIEW)
@require_safe
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A done report's PDF, as an attachment, from the private storage."""
    report = report_downloadable(pk=pk, user=request.user)
    if report is None:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (a restored backup, say)
        raise Http404 from exc
    made_on = timezone.localdate(report.finished_at or report.created_at)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{report.mission.slug}-{report.kind}-{report.language}-{made_on:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
