"""Reads on missions: querysets with their relations loaded, for pages and the admin.

``missions_visible_to`` is the one rule of who sees which mission in the back office and on
the staff's pages; every admin of something that hangs off a mission, and the managers'
reports page, reads through it (``docs/security.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from partners.enums import ClaimStatus
from partners.models import Company, PartnerOrganisation, RepresentativeClaim

from .enums import SEATED_STATUSES, MissionStatus
from .models import (
    Application,
    HeldApplication,
    Mission,
    MissionPartner,
    ProgrammeItem,
    WishedPartner,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cepex_portal.models import User

# Held by managers (their group) and, as every permission, by superusers.
VIEW_ALL_MISSIONS = "missions.view_all_missions"
CHANGE_MISSION_TEAM = "missions.change_mission_team"


def user_sees_all_missions(*, user: User | AnonymousUser) -> bool:
    """Managers and superusers see every mission; everyone else, at most their team's."""
    return user.is_active and user.has_perm(VIEW_ALL_MISSIONS)


def missions_visible_to(*, user: User | AnonymousUser) -> QuerySet[Mission]:
    """The missions ``user`` may see in the back office and on the staff's pages.

    - a superuser or a manager (``missions.view_all_missions``): every mission;
    - other staff (the chargés de mission): the missions whose team they are on;
    - anyone else (a visitor, a company representative): none. Their pages read through
      their company or their signed link instead.

    What this rule lets a user see is also what they may act on: the admin's permissions
    say which actions, this rule says on which missions.
    """
    if not user.is_authenticated or not user.is_active:
        return Mission.objects.none()
    if user_sees_all_missions(user=user):
        return Mission.objects.all()
    if user.is_staff:
        return Mission.objects.filter(team=user)
    return Mission.objects.none()


def mission_is_visible_to(*, user: User | AnonymousUser, mission: Mission | int) -> bool:
    """Whether ``user`` may see ``mission`` (or the mission of that id)."""
    mission_id = mission.pk if isinstance(mission, Mission) else mission
    return missions_visible_to(user=user).filter(pk=mission_id).exists()


def _seated_count() -> Subquery:
    # A per-mission subquery on the (mission, status) index, not a join over every
    # application of the history.
    return Coalesce(
        Subquery(
            Application.objects.filter(mission=OuterRef("pk"), status__in=SEATED_STATUSES)
            .order_by()
            .values("mission")
            .annotate(total=Count("pk"))
            .values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


def mission_list_public() -> QuerySet[Mission]:
    """Missions a visitor may see: published ones, open first, then the most recent."""
    return (
        Mission.objects.published()
        .alias(is_open=Case(When(status=MissionStatus.OPEN, then=Value(0)), default=Value(1)))
        .order_by("is_open", "-starts_on", "title")
        .prefetch_related("sectors")
        .annotate(seated_count=_seated_count())
    )


def mission_list_current(*, today: dt.date) -> QuerySet[Mission]:
    """Published missions not over yet: open ones first, then the soonest."""
    return (
        mission_list_public().filter(ends_on__gte=today).order_by("is_open", "starts_on", "title")
    )


def mission_list_past(*, today: dt.date) -> QuerySet[Mission]:
    """Published missions that are over, the most recent first (the page shows them in pages:
    ten years of history must not make the home page ten times slower).
    """
    return mission_list_public().filter(ends_on__lt=today).order_by("-starts_on", "title")


def mission_get_public(*, slug: str) -> Mission | None:
    """A published mission with its programme, partners, sectors and related missions."""
    return (
        Mission.objects.published()
        .select_related("follows")
        .prefetch_related(
            "sectors",
            "co_organisers",
            Prefetch(
                "programme_items",
                queryset=ProgrammeItem.objects.select_related("venue", "host"),
            ),
            Prefetch(
                "mission_partners",
                queryset=MissionPartner.objects.select_related("organisation").prefetch_related(
                    "organisation__key_figures"
                ),
            ),
            Prefetch("follow_ups", queryset=Mission.objects.published()),
        )
        .filter(slug=slug)
        .first()
    )


def mission_partner_choices(*, mission: Mission) -> QuerySet[PartnerOrganisation]:
    """The partners of a mission a company may wish to meet."""
    return PartnerOrganisation.objects.filter(mission_partners__mission=mission).order_by("name")


def company_application_for(*, company_id: int, mission: Mission) -> Application | None:
    """The application of a company to a mission, if it made one."""
    return Application.objects.filter(company_id=company_id, mission=mission).first()


def company_applications(*, company: Company | int) -> QuerySet[Application]:
    """The applications of a company (or company id), with mission, objectives and wishes.

    The number of queries does not grow with the number of applications.
    """
    return (
        Application.objects.filter(company=company)
        .select_related("mission")
        .prefetch_related(
            "objectives",
            Prefetch("wishes", queryset=WishedPartner.objects.select_related("partner")),
        )
        .order_by("-mission__starts_on", "-pk")
    )


def held_applications_to_review(*, company: Company | int) -> QuerySet[HeldApplication]:
    """What the public form sent for a company, by someone it now counts as a representative
    (an address it had, or a colleague approved), waiting for a representative of the
    company, logged in, to submit or discard it. Nothing of it is the company's yet.
    """
    return (
        HeldApplication.objects.filter(
            claim__company=company, claim__status=ClaimStatus.APPROVED, outcome=""
        )
        .select_related("mission", "claim")
        .order_by("submitted_at", "pk")
    )


def held_applications_of_claim(*, claim: RepresentativeClaim | int) -> QuerySet[HeldApplication]:
    """What was sent with one claim and is still held (neither submitted nor discarded)."""
    return HeldApplication.objects.filter(claim=claim, outcome="").order_by("submitted_at", "pk")


def held_application_wishes(*, held: HeldApplication) -> list[tuple[PartnerOrganisation, int, str]]:
    """The wishes of a held application as they would be submitted: those for partners
    still on the mission (a partner may have left it since), in the order they were made.
    """
    partners = {
        mp.organisation.pk: mp.organisation
        for mp in MissionPartner.objects.filter(mission_id=held.mission_id).select_related(
            "organisation"
        )
    }
    return [
        (partners[partner_id], priority, text)
        for partner_id, priority, text in held.wishes
        if partner_id in partners and priority in (1, 2, 3)
    ]
