"""The permission matrix: for every URL of the project, what each role gets.

``docs/security.md`` explains the roles and the rules; this module is the same matrix as
data, and ``test_permission_matrix.py`` walks the URL conf and checks every URL against it
for every role. A URL without a row here fails the suite: a new view needs its rule.

Each row maps a role to what it gets when it opens the URL with the objects of the test's
world (mission M, company A, partner P; see the test module):

- a status (200, 400, 403, 404, 405);
- ``to(prefix)``: a redirect (302) to an address starting with ``prefix``;
  ``ADMIN_LOGIN`` and ``SPACE_LOGIN`` are the two login pages.

Pages reached by a signed or secret token (a partner's link, a calendar address, a login,
reminder or decision link): each role uses the token it holds. Only the role a token was
sent to holds it (``rep`` the company's links, ``partner`` the partner's); every other role
tries a made-up token of the same shape.

Views that only accept POST are checked with an empty POST (``POSTED``): a GET would be
refused with 405 before anyone's rights are looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

# The roles, as the docs name them:
# anonymous    a visitor, not logged in
# rep          a representative of company A (A applied to mission M, meets partner P)
# other_rep    a representative of company B (nothing to do with M)
# partner      a contact of partner P, holding P's signed link for mission M; no account
# staff        a chargé de mission on mission M's team
# other_staff  a chargé de mission on another mission's team only
# manager      a manager (every mission, read only, makes reports)
# superuser    a superuser
ROLES = (
    "anonymous",
    "rep",
    "other_rep",
    "partner",
    "staff",
    "other_staff",
    "manager",
    "superuser",
)
VISITORS = ("anonymous", "partner")  # no session
REPRESENTATIVES = ("rep", "other_rep")
AGENCY = ("staff", "other_staff", "manager", "superuser")

OK, BAD_REQUEST, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 400, 403, 404, 405


@dataclass(frozen=True)
class Redirect:
    """A 302 to an address starting with ``prefix``."""

    prefix: str

    def __str__(self) -> str:
        return f"302 → {self.prefix}"


def to(prefix: str) -> Redirect:
    return Redirect(prefix)


ADMIN_LOGIN = to("/admin/login/?next=")
SPACE_LOGIN = to("/company/login/?next=")

Expected = int | Redirect


def row(default: Expected, **by_role: Expected) -> dict[str, Expected]:
    """Every role gets ``default`` but those named."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"not roles: {sorted(unknown)}")
    return {role: by_role.get(role, default) for role in ROLES}


def _company_space(own: Expected, other: Expected | None = None) -> dict[str, Expected]:
    """A page of the company space: visitors log in first, staff have no company (403)."""
    return row(
        FORBIDDEN,
        anonymous=SPACE_LOGIN,
        partner=SPACE_LOGIN,
        rep=own,
        other_rep=own if other is None else other,
    )


def _token_page(holder: str, *, held: Expected, made_up: Expected) -> dict[str, Expected]:
    """A page behind a token: the role it was sent to gets ``held``, the others, trying a
    made-up token, ``made_up``."""
    return row(made_up, **{holder: held})


def _staff_page(
    *,
    visitor: Expected = ADMIN_LOGIN,
    rep: Expected = FORBIDDEN,
    staff: Expected = OK,
    other_staff: Expected = OK,
    manager: Expected = OK,
    superuser: Expected = OK,
) -> dict[str, Expected]:
    """A staff page outside the admin (the managers' reports page)."""
    return {
        "anonymous": visitor,
        "partner": visitor,
        "rep": rep,
        "other_rep": rep,
        "staff": staff,
        "other_staff": other_staff,
        "manager": manager,
        "superuser": superuser,
    }


def _admin_page(
    *,
    staff: Expected = OK,
    other_staff: Expected | None = None,
    manager: Expected = OK,
    superuser: Expected | None = None,
) -> dict[str, Expected]:
    """An admin page: anyone who is not staff is sent to the admin's login page."""
    return {
        **dict.fromkeys(VISITORS + REPRESENTATIVES, ADMIN_LOGIN),
        "staff": staff,
        "other_staff": staff if other_staff is None else other_staff,
        "manager": manager,
        "superuser": staff if superuser is None else superuser,
    }


# --- Pages outside the admin ------------------------------------------------------------------

PAGES: dict[str, dict[str, Expected]] = {
    # The site's plumbing.
    "health": row(OK),
    "after_login": row(
        to("/admin/"),
        anonymous=SPACE_LOGIN,
        partner=SPACE_LOGIN,
        rep=to("/company/"),
        other_rep=to("/company/"),
    ),
    "set_language": row(to("/")),
    # Public pages.
    "portal:list": row(OK),
    "portal:privacy": row(OK),
    "portal:detail": row(OK),
    # A representative whose company applied is sent to update its application instead.
    "portal:interest": row(OK, rep=to("/company/applications/")),
    "portal:interest_done": row(OK),
    "portal:verify_email": _token_page("rep", held=OK, made_up=BAD_REQUEST),
    # The company space: logging in.
    "space:login": row(OK, rep=to("/company/"), other_rep=to("/company/")),
    "space:login_sent": row(OK),
    "space:login_confirm": _token_page("rep", held=OK, made_up=BAD_REQUEST),
    "space:logout": row(to("/")),
    # The company space: a representative's own company only; another company's row is 404.
    "space:home": _company_space(OK),
    "space:profile": _company_space(OK),
    "space:contact_details": _company_space(OK),
    "space:held_review": _company_space(OK, NOT_FOUND),
    "space:application_detail": _company_space(OK, NOT_FOUND),
    "space:wishes_edit": _company_space(OK, NOT_FOUND),
    "space:withdraw": _company_space(to("/company/applications/"), NOT_FOUND),
    "space:application_edit": _company_space(OK, NOT_FOUND),
    "space:claim_decide_in_space": _company_space(to("/company/"), NOT_FOUND),
    "space:agenda": _company_space(OK),
    "space:calendar_feed": _company_space(to("/company/agenda/")),
    "space:agenda_pdf": _company_space(OK, NOT_FOUND),
    "space:leads": _company_space(OK),
    "space:lead_update": _company_space(BAD_REQUEST, NOT_FOUND),
    "space:outcome": _company_space(BAD_REQUEST, NOT_FOUND),
    # Links e-mailed to a company's people.
    "space:claim_decide": _token_page("rep", held=OK, made_up=BAD_REQUEST),
    "space:lead_reminder": _token_page("rep", held=OK, made_up=NOT_FOUND),
    # A partner's pages, behind its signed link for one mission.
    "partner:home": _token_page("partner", held=OK, made_up=NOT_FOUND),
    "partner:answer": _token_page("partner", held=BAD_REQUEST, made_up=NOT_FOUND),
    # An empty answer is an answer (no day ticked): saved, back to the page.
    "partner:availability": _token_page("partner", held=to("/partner/"), made_up=NOT_FOUND),
    "partner:agenda": _token_page("partner", held=OK, made_up=NOT_FOUND),
    "partner:agenda_pdf": _token_page("partner", held=OK, made_up=NOT_FOUND),
    "partner:outcomes": _token_page("partner", held=OK, made_up=NOT_FOUND),
    "partner:outcome": _token_page("partner", held=BAD_REQUEST, made_up=NOT_FOUND),
    "partner:calendar_feed": _token_page("partner", held=to("/partner/"), made_up=NOT_FOUND),
    # Calendar addresses: company A's is the representative's, P's on M the partner's.
    "feeds:calendar": row(NOT_FOUND, rep=OK, partner=OK),
    # The managers' reports page: managers and superusers every mission, staff their team's.
    "reports:index": _staff_page(),
    "reports:generate": _staff_page(
        staff=to("/reports/"),
        other_staff=NOT_FOUND,
        manager=to("/reports/"),
        superuser=to("/reports/"),
    ),
    # Polled by a script: a visitor gets 403, not a login page.
    "reports:state": _staff_page(visitor=FORBIDDEN, other_staff=NOT_FOUND),
    "reports:download": _staff_page(other_staff=NOT_FOUND),
}

# --- The admin: the site's own pages, and the custom pages of some admins ---------------------

ADMIN_PAGES: dict[str, dict[str, Expected]] = {
    "admin:index": _admin_page(),
    # The login page: staff already logged in go to the index; anyone else sees the form.
    "admin:login": row(OK, **dict.fromkeys(AGENCY, to("/admin/"))),
    # Logging out (POST): staff see "logged out"; anyone else is sent to the index first.
    "admin:logout": row(to("/admin/"), **dict.fromkeys(AGENCY, OK)),
    "admin:password_change": _admin_page(),
    "admin:password_change_done": _admin_page(),
    "admin:jsi18n": _admin_page(),
    # Without the field it completes: refused for everyone who gets that far.
    "admin:autocomplete": _admin_page(staff=FORBIDDEN, manager=FORBIDDEN),
    "admin:app_list": _admin_page(),
    # Missions have no public address to show: 404 for every member of staff.
    "admin:view_on_site": _admin_page(staff=NOT_FOUND, manager=NOT_FOUND),
    # An address under /admin/ that is nothing.
    "admin/(?P<url>.*)$": _admin_page(staff=NOT_FOUND, manager=NOT_FOUND),
    # Accounts are the superusers' business.
    "admin:auth_user_password_change": _admin_page(
        staff=FORBIDDEN, manager=FORBIDDEN, superuser=OK
    ),
    # An application: one decision (POST), its brochure.
    "admin:missions_application_decide": _admin_page(
        staff=to("/admin/missions/application/"), other_staff=NOT_FOUND, manager=FORBIDDEN
    ),
    "admin:missions_application_brochure": _admin_page(other_staff=NOT_FOUND),
    # Personal data (privacy): export a contact's or a company's data, erase a contact.
    # Superusers, and those given the permissions by hand (the groups have none of them).
    "admin:privacy_erasure_export_contact": _admin_page(
        staff=FORBIDDEN, manager=FORBIDDEN, superuser=OK
    ),
    "admin:privacy_erasure_export_company": _admin_page(
        staff=FORBIDDEN, manager=FORBIDDEN, superuser=OK
    ),
    "admin:privacy_erasure_erase": _admin_page(staff=FORBIDDEN, manager=FORBIDDEN, superuser=OK),
    # A mission's day grid, its suggested meetings, auto-scheduling.
    "admin:matchmaking_meeting_grid": _admin_page(other_staff=NOT_FOUND),
    "admin:matchmaking_mission_suggestions": _admin_page(other_staff=NOT_FOUND),
    "admin:matchmaking_mission_suggestions_by_partner": _admin_page(other_staff=NOT_FOUND),
    "admin:matchmaking_schedulerun_start": _admin_page(other_staff=NOT_FOUND, manager=FORBIDDEN),
    "admin:matchmaking_schedulerun_progress": _admin_page(other_staff=NOT_FOUND),
    "admin:matchmaking_schedulerun_apply": _admin_page(
        staff=to("/admin/matchmaking/schedulerun/"), other_staff=NOT_FOUND, manager=FORBIDDEN
    ),
    "admin:matchmaking_schedulerun_discard": _admin_page(
        staff=to("/admin/matchmaking/schedulerun/"), other_staff=NOT_FOUND, manager=FORBIDDEN
    ),
    # Requests from the delegation's wishes: the form offers the user's missions only.
    "admin:matchmaking_meetingrequest_from_wishes": _admin_page(manager=FORBIDDEN),
    # Making a report: managers too; the form offers the user's missions only.
    "admin:reports_report_generate": _admin_page(),
    # Import and export of the shared directory (partners app).
    **{
        f"admin:partners_{model}_{view}": _admin_page(manager=manager)
        for model in ("company", "partnerorganisation", "contact")
        for view, manager in (
            ("import", FORBIDDEN),
            ("process_import", FORBIDDEN),
            ("export", OK),
        )
    },
}

# --- The admin: every registered model's pages, from a few facts per model ---------------------


@dataclass(frozen=True)
class AdminModel:
    """What the admin of one model lets staff do.

    ``scoped``: its rows belong to a mission, so a chargé de mission off that mission's team
    gets 404 on them. ``add`` / ``delete``: whether anyone (a superuser) may add or delete
    one in the admin (some rows are only written by services). ``accounts``: user accounts
    and what logs them in, for superusers only (403 to every other member of staff).
    ``audited``: its rows keep their versions (the audit trail), shown one by one at
    ``admin:<app>_<model>_simple_history``, read only, to whoever sees the row's history.
    """

    scoped: bool = False
    add: bool = True
    delete: bool = True
    accounts: bool = False
    audited: bool = False


ADMIN_MODELS: dict[str, AdminModel] = {
    # Accounts.
    "auth.group": AdminModel(accounts=True),
    "cepex_portal.user": AdminModel(accounts=True),
    "cepex_portal.loginlink": AdminModel(accounts=True, add=False),
    # Background jobs waiting for the broker: their arguments may hold a login link's token.
    "cepex_portal.outboxjob": AdminModel(accounts=True, add=False),
    # Erasures of personal data: who erased which contact (by id) and when; kept for good.
    "privacy.erasure": AdminModel(accounts=True, add=False, delete=False),
    # django-axes: failed admin logins and lockouts; deleting an attempt lifts its lockout.
    "axes.accessattempt": AdminModel(accounts=True, add=False),
    # The ground floor: a directory every chargé de mission shares.
    "partners.sector": AdminModel(),
    "partners.certification": AdminModel(),
    "partners.company": AdminModel(),
    "partners.companyrevision": AdminModel(add=False),
    "partners.partnerorganisation": AdminModel(),
    "partners.keyfigure": AdminModel(),
    "partners.venue": AdminModel(),
    "partners.traveltime": AdminModel(),
    "partners.contact": AdminModel(),
    "partners.representativeclaim": AdminModel(add=False),
    # Missions and what hangs off them: the team's.
    "missions.mission": AdminModel(scoped=True),
    "missions.programmeitem": AdminModel(scoped=True),
    "missions.missionpartner": AdminModel(scoped=True),
    "missions.application": AdminModel(scoped=True, audited=True),
    "missions.applicationobjective": AdminModel(scoped=True),
    "missions.wishedpartner": AdminModel(scoped=True, add=False, audited=True),
    "missions.heldapplication": AdminModel(scoped=True, add=False),
    "matchmaking.meetinggrid": AdminModel(scoped=True),
    "matchmaking.meetingrequest": AdminModel(scoped=True, audited=True),
    "matchmaking.partnerlink": AdminModel(scoped=True, add=False),
    "matchmaking.partneravailability": AdminModel(scoped=True),
    "matchmaking.meeting": AdminModel(scoped=True, delete=False, audited=True),
    "matchmaking.schedulerun": AdminModel(scoped=True, add=False),
    # A company's calendar spans its missions; a partner's belongs to its link's mission (the
    # world's feed is P's on M).
    "matchmaking.calendarfeed": AdminModel(scoped=True, add=False),
    "matchmaking.meetingnotification": AdminModel(scoped=True, add=False, delete=False),
    "reports.meetingoutcome": AdminModel(scoped=True, delete=False, audited=True),
    "reports.lead": AdminModel(scoped=True, audited=True),
    "reports.leadreminder": AdminModel(scoped=True, add=False, delete=False),
    "reports.report": AdminModel(scoped=True, add=False, delete=False),
}

ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


def admin_model_rows(label: str, facts: AdminModel) -> dict[str, dict[str, Expected]]:
    """The rows of one model's admin pages (named ``admin:<app>_<model>_<view>``), and of its
    unnamed address ``<object id>/``, which sends staff on to the change page."""
    app_label, model_name = label.split(".")
    name = f"admin:{app_label}_{model_name}"

    def page(view: str, user: str) -> Expected:
        if facts.accounts and user != "superuser":
            return FORBIDDEN
        if view == "add" and (not facts.add or user == "manager"):
            return FORBIDDEN
        if view == "delete" and (not facts.delete or user == "manager"):
            return FORBIDDEN
        if view in ("change", "delete", "history") and facts.scoped and user == "other_staff":
            return NOT_FOUND
        return OK

    views = (*ADMIN_VIEWS, "simple_history") if facts.audited else ADMIN_VIEWS
    rows = {
        f"{name}_{view}": _admin_page(
            **{u: page("history" if view == "simple_history" else view, u) for u in AGENCY}
        )
        for view in views
    }
    rows[f"admin/{app_label}/{model_name}/<path:object_id>/"] = _admin_page(
        staff=to(f"/admin/{app_label}/{model_name}/"),
        manager=to(f"/admin/{app_label}/{model_name}/"),
    )
    return rows


def matrix() -> dict[str, dict[str, Expected]]:
    """The whole matrix: URL name (or the route of an unnamed URL) → role → expected."""
    rows = {**PAGES, **ADMIN_PAGES}
    for label, facts in ADMIN_MODELS.items():
        rows.update(admin_model_rows(label, facts))
    return rows


# Views that take POST only: checked with an empty POST.
POSTED = frozenset(
    {
        "space:logout",
        "space:withdraw",
        "space:claim_decide_in_space",
        "space:calendar_feed",
        "space:lead_update",
        "space:outcome",
        "partner:answer",
        "partner:availability",
        "partner:outcome",
        "partner:calendar_feed",
        "reports:generate",
        "admin:logout",
        "admin:missions_application_decide",
        "admin:matchmaking_schedulerun_apply",
        "admin:matchmaking_schedulerun_discard",
        "admin:partners_company_process_import",
        "admin:partners_partnerorganisation_process_import",
        "admin:partners_contact_process_import",
    }
)


# --- The matrix as docs/security.md shows it ---------------------------------------------------

_HEADER = ("anonymous", "rep", "other rep", "partner", "staff", "other staff", "manager", "super")


def _cell(expected: Expected) -> str:
    if expected == ADMIN_LOGIN:
        return "login (admin)"
    if expected == SPACE_LOGIN:
        return "login (company)"
    if isinstance(expected, Redirect):
        return f"→ `{expected.prefix}`"
    return str(expected)


def _table(rows: dict[str, dict[str, Expected]]) -> list[str]:
    lines = [
        "| URL | " + " | ".join(_HEADER) + " |",
        "|---|" + "---|" * len(_HEADER),
    ]
    for key, rule in rows.items():
        name = f"`{key}`" + (" (POST)" if key in POSTED else "")
        lines.append(f"| {name} | " + " | ".join(_cell(rule[role]) for role in ROLES) + " |")
    return lines


def _models_table() -> list[str]:
    lines = ["| model | rows of | add | delete |", "|---|---|---|---|"]
    for label, facts in ADMIN_MODELS.items():
        kind = "accounts" if facts.accounts else "a mission" if facts.scoped else "the directory"
        add, delete = ("yes" if facts.add else "no"), ("yes" if facts.delete else "no")
        lines.append(f"| `{label}` | {kind} | {add} | {delete} |")
    return lines


def markdown() -> str:
    """The tables of ``docs/security.md`` (a test checks that the page shows them)."""
    return "\n".join(
        [
            "### Pages outside the admin",
            "",
            *_table(PAGES),
            "",
            "### The admin's own pages and custom pages",
            "",
            *_table(ADMIN_PAGES),
            "",
            "### Every model's admin pages",
            "",
            *_models_table(),
        ]
    )


if __name__ == "__main__":  # python -m tests.cepex_portal.permission_matrix
    print(markdown())
