"""Every page, the admin's included, under the strict Content Security Policy: the header
allows no inline script or style, and no page holds any (issue 11 §2).

The browser would block an inline ``<script>``, a ``<style>`` block, a ``style=`` attribute
or an ``on*=`` handler, and the page would break quietly. The walks cover every address of
the portal (``tests/endpoints.py``) and every page of the admin's URL conf (changelist,
add, change, history, delete, and the custom views), each opened with a row to show.
"""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, reverse

from tests.cepex_portal.test_admin import build_world as build_admin_world
from tests.csp import STRICT_DIRECTIVES, csp_directives, inline_code
from tests.endpoints import ANONYMOUS, ENDPOINTS, REPRESENTATIVE, STAFF, build_world
from tests.reports.factories_followup import MeetingOutcomeFactory

pytestmark = pytest.mark.django_db


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _assert_strict(response, where: str) -> None:
    assert csp_directives(response) == STRICT_DIRECTIVES, where
    assert "unsafe-inline" not in response["Content-Security-Policy"], where
    if _is_html(response):
        assert inline_code(response.content.decode()) == [], where


@pytest.fixture
def world(db):
    return build_world()


# --- The portal -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_portal_page_strict_policy_and_no_inline_code(client, world, name):
    endpoint = ENDPOINTS[name]
    if endpoint.who == REPRESENTATIVE:
        client.force_login(world.representative)
    elif endpoint.who == STAFF:
        client.force_login(world.staff)

    response = client.get(reverse(name, args=endpoint.args(world)), endpoint.query)

    assert response.status_code in (200, 302, 405), response.status_code
    _assert_strict(response, name)
    if endpoint.who == ANONYMOUS and response.status_code == 200 and _is_html(response):
        assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no-such-page/", 404),
        ("/company/login/not-a-token/", 400),
        ("/partner/not-a-token/", 404),
        ("/company/leads/update/not-a-token/", 404),
        ("/verify/not-a-token/", 400),
    ],
)
def test_error_pages_strict_policy_and_no_inline_code(client, world, settings, path, status):
    settings.DEBUG = False

    response = client.get(path)

    assert response.status_code == status
    _assert_strict(response, path)


def test_forbidden_and_rate_limited_pages_strict(client, world, staff, settings):
    client.force_login(staff)
    forbidden = client.get(reverse("space:home"))
    client.logout()
    settings.LINK_FORM_RATE_LIMIT = 0
    endpoint = ENDPOINTS["partner:availability"]
    limited = client.post(reverse(endpoint.name, args=endpoint.args(world)), endpoint.post(world))
    settings.MAX_REQUEST_BYTES = 10
    too_large = client.post(reverse("space:login"), {"email": "someone@example.com"})

    assert (forbidden.status_code, limited.status_code, too_large.status_code) == (403, 429, 413)
    for response in (forbidden, limited, too_large):
        _assert_strict(response, str(response.status_code))


# --- The admin -------------------------------------------------------------------------------


def _admin_patterns():
    """(route, name) of every named page of the admin, its app index pages aside."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((prefix + str(pattern.pattern), pattern.name))

    walk(admin.site.urls[0], "")
    return found


ADMIN_PATTERNS = _admin_patterns()
# Not pages: a redirect to a site, JSON, a script, a file, answers to a POST only; and the
# app indexes, which test_admin_app_index_pages_strict opens for each app.
NOT_PAGES = {
    "app_list",
    "view_on_site",
    "autocomplete",
    "jsi18n",
    "logout",
    "missions_application_decide",
    "missions_application_brochure",
    "matchmaking_schedulerun_progress",
    "matchmaking_schedulerun_apply",
    "matchmaking_schedulerun_discard",
    "partners_company_process_import",
    "partners_contact_process_import",
    "partners_partnerorganisation_process_import",
}


def _first(app_label: str, model_name: str):
    model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the world has no {model._meta.label}"
    return obj


def _admin_args(route: str, world) -> list:
    args = []
    if "/history/([^/]+)/" in route:  # one version of a row (django-simple-history)
        obj = _first(*route.split("/")[:2])
        return [obj.pk, obj.history.earliest().history_id]
    if route.startswith("privacy/erasure/") and "<int:pk>" in route:
        owner = "company" if "/company/" in route else "contact"
        return [_first("partners", owner).pk, *(["json"] if "<str:fmt>" in route else [])]
    if "<path:object_id>" in route or "<id>" in route:
        app_label, model_name = route.split("/")[:2]
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the world has no {model._meta.label}"
        args.append(obj.pk)
    if "<path:mission_id>" in route:
        args.append(world["mission"].pk)
    return args


@pytest.fixture
def admin_world(client, superuser, world, settings):
    built = build_admin_world()
    MeetingOutcomeFactory(meeting=world.company_meeting)
    # A failed login, so that the admin of django-axes has an attempt to show.
    settings.AXES_FAILURE_LIMIT = 10
    client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    client.force_login(superuser)
    return built


@pytest.mark.parametrize(
    ("route", "name"),
    [(route, name) for route, name in ADMIN_PATTERNS if name not in NOT_PAGES],
    ids=[name for _route, name in ADMIN_PATTERNS if name not in NOT_PAGES],
)
def test_admin_page_strict_policy_and_no_inline_code(client, admin_world, route, name):
    args = _admin_args(route, admin_world)

    response = client.get(reverse(f"admin:{name}", args=args))

    assert response.status_code in (200, 302, 403), (name, response.status_code)
    _assert_strict(response, name)


def test_admin_app_index_pages_strict(client, admin_world):
    labels = {model._meta.app_label for model in admin.site._registry}

    for label in sorted(labels):
        response = client.get(reverse("admin:app_list", args=[label]))
        assert response.status_code == 200
        _assert_strict(response, label)


def test_admin_login_page_strict(client, db):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    _assert_strict(response, "login")


def test_admin_walk_covers_every_registered_model():
    covered = {route.split("/")[1] for route, name in ADMIN_PATTERNS if name.endswith("_change")}

    assert {model._meta.model_name for model in admin.site._registry} <= covered
