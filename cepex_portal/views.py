"""Project-wide views: the health check, where a login lands, the CSRF failure page, the
admin login's lockout page."""

import math
import os

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down"; the JSON says which part
        return False


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured"
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The laptop's broker is a folder: it is up when the worker and the web can write it.
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return "ok" if os.path.isdir(folder) and os.access(folder, os.W_OK) else "down"
    from cepex_portal.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # unreachable broker, refused connection, DNS, timeout...
        return "down"


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Public: load balancers and uptime monitors call it; it tells nothing private."""
    database = "ok" if _database_ok() else "down"
    broker = _broker_state()
    healthy = database == "ok" and broker != "down"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


@login_required
@require_GET
def after_login(request: HttpRequest) -> HttpResponse:
    """Logged-in users: staff to the admin, representatives to their company space.

    Where a login goes when it was given no safe ``next`` (an off-site one is dropped):
    staff who logged into the admin must not land on a company page that refuses them.
    """
    if request.user.is_staff:
        return redirect("admin:index")
    if getattr(request.user, "company_id", None):
        return redirect("space:home")
    return redirect("portal:list")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (``CSRF_FAILURE_VIEW``), in the portal's look.

    Django's own page carries inline styles, which the Content Security Policy refuses.
    The reason is told only when the visitor can act on it (cookies blocked).
    """
    return render(
        request,
        "403_csrf.html",
        {"is_cookie_missing": reason == REASON_NO_CSRF_COOKIE},
        status=403,
    )


def login_locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """The admin's login after too many failures for this username from this address
    (``AXES_LOCKOUT_CALLABLE``): django-axes refused it before any password was checked.

    Says how long to wait and who can unlock earlier; tells nothing of whether the account
    exists (an unknown username is locked out the same way).
    """
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    answer = render(
        request,
        "admin/locked_out.html",
        {"minutes": minutes, "title": _("Login blocked"), "site_header": admin.site.site_header},
        status=429,
    )
    answer["Retry-After"] = str(int(cool_off.total_seconds()))
    return answer
