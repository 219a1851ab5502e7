"""Reads of the follow-up: a company's leads and past meetings, a partner's past meetings,
the reminders due on a day, and the overdue actions of the agency's owners.

Every list comes with its ``select_related`` / ``prefetch_related`` done, so that pages
make the same number of queries for one row and for many.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from matchmaking.enums import MeetingState
from matchmaking.models import Meeting, PartnerLink
from missions.enums import MissionStatus
from missions.models import Application, Mission
from partners.models import Company, Contact

from ..enums import OPEN_LEAD_STAGES, REMINDER_MILESTONES, OutcomeSide
from ..models import Lead, LeadReminder, MeetingOutcome

# Meetings that were meant to happen: an outcome can be recorded once they have ended.
OUTCOME_MEETING_STATES = (MeetingState.CONFIRMED, MeetingState.HELD, MeetingState.NO_SHOW)

# A milestone still goes out this many days late (a beat that was down over a weekend), but a
# mission that ended long ago does not start sending reminders the day the portal runs.
REMINDER_CATCH_UP_DAYS = 14


# --- Leads ----------------------------------------------------------------------------------


def _leads() -> QuerySet[Lead]:
    return Lead.objects.select_related(
        "mission", "company", "partner", "owner", "triangular_mission"
    )


def _open_first(queryset: QuerySet[Lead]) -> QuerySet[Lead]:
    """Open leads first, the most urgent action on top; closed ones after, latest first."""
    return queryset.annotate(
        is_closed=Case(
            When(stage__in=OPEN_LEAD_STAGES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("is_closed", F("due_on").asc(nulls_last=True), "-updated_at", "pk")


def company_leads(*, company: Company | int) -> QuerySet[Lead]:
    """Every lead of one company, across missions."""
    return _open_first(_leads().filter(company=company))


def company_lead_get(*, company: Company | int, pk: int) -> Lead | None:
    """One lead of the company, or None: another company's lead does not exist for it."""
    return _leads().filter(company=company, pk=pk).first()


def lead_events(*, lead: Lead) -> QuerySet:
    return lead.events.select_related("by").order_by("at", "pk")


# --- Past meetings and their outcomes -------------------------------------------------------


def _past_meetings(*, side: str, now: dt.datetime | None) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return (
        Meeting.objects.filter(state__in=OUTCOME_MEETING_STATES, ends_at__lte=now)
        .select_related("mission", "company", "partner", "venue", "lead")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=MeetingOutcome.objects.filter(side=side),
                to_attr="side_outcomes",
            )
        )
        .order_by("-starts_at", "pk")
    )


def company_past_meetings(*, company: Company | int, now: dt.datetime | None = None):
    """The company's meetings that have ended, latest first, each with ``side_outcomes``
    (the company's own outcome, or nothing yet) and its lead when there is one.
    """
    return _past_meetings(side=OutcomeSide.COMPANY, now=now).filter(company=company)


def company_past_meeting_get(
    *, company: Company | int, pk: int, now: dt.datetime | None = None
) -> Meeting | None:
    return company_past_meetings(company=company, now=now).filter(pk=pk).first()


def partner_link_past_meetings(*, link: PartnerLink, now: dt.datetime | None = None):
    """The partner's meetings of the link's mission that have ended, with the partner's own
    outcome (``side_outcomes``). Never the company's outcome: each side speaks for itself.
    """
    return _past_meetings(side=OutcomeSide.PARTNER, now=now).filter(
        mission_id=link.mission_id, partner_id=link.partner_id
    )


def partner_link_past_meeting_get(
    *, link: PartnerLink, pk: int, now: dt.datetime | None = None
) -> Meeting | None:
    return partner_link_past_meetings(link=link, now=now).filter(pk=pk).first()


# --- Reminders ------------------------------------------------------------------------------


def reminder_milestone_due(*, ends_on: dt.date, today: dt.date) -> int | None:
    """The milestone (days after the mission) a mission that ended on ``ends_on`` is at
    ``today``, within its catch-up window; None between milestones, before and after.
    """
    for milestone in REMINDER_MILESTONES:
        first_day = ends_on + dt.timedelta(days=milestone)
        if first_day <= today < first_day + dt.timedelta(days=REMINDER_CATCH_UP_DAYS):
            return milestone
    return None


@dataclass(frozen=True)
class DueReminder:
    mission_id: int
    company_id: int
    milestone_days: int


def reminders_due(*, today: dt.date) -> list[DueReminder]:
    """Companies to ask today for news of their open leads of a mission: the mission ended
    30, 90 or 180 days ago (or up to ``REMINDER_CATCH_UP_DAYS`` - 1 more), the company has an
    open lead of it, and was not asked at that milestone yet.
    """
    due = []
    for milestone in REMINDER_MILESTONES:
        latest_end = today - dt.timedelta(days=milestone)
        earliest_end = latest_end - dt.timedelta(days=REMINDER_CATCH_UP_DAYS - 1)
        missions = Mission.objects.filter(ends_on__range=(earliest_end, latest_end)).exclude(
            status__in=[MissionStatus.DRAFT, MissionStatus.CANCELLED]
        )
        pairs = set(
            Lead.objects.open()
            .filter(mission__in=missions)
            .values_list("mission_id", "company_id")
            .distinct()
        )
        asked = set(
            LeadReminder.objects.filter(milestone_days=milestone, mission__in=missions).values_list(
                "mission_id", "company_id"
            )
        )
        due.extend(DueReminder(m, c, milestone) for m, c in sorted(pairs - asked))
    return due


def reminder_open_leads(*, reminder: LeadReminder) -> QuerySet[Lead]:
    """The leads a reminder asks about: the company's open leads of the mission, today."""
    return _open_first(
        _leads().open().filter(mission_id=reminder.mission_id, company_id=reminder.company_id)
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str


def reminder_recipient(*, mission: Mission, company: Company) -> Recipient | None:
    """Who hears from us about a company's leads of a mission: the contact person of its
    application to the mission, in the application's language (the one the company chose to
    hear from us in); without one, its first confirmed contact with an address. One person,
    one e-mail, one link: a one-time link shared by several people would be used up by the
    first and surprise the others.
    """
    application = (
        Application.objects.filter(mission=mission, company=company)
        .select_related("contact")
        .first()
    )
    if application is not None and application.contact and application.contact.email:
        contact = application.contact
        return Recipient(contact.email, contact.full_name, application.language)
    contact = (
        Contact.objects.filter(company=company, is_confirmed=True)
        .exclude(email="")
        .order_by("pk")
        .first()
    )
    if contact is None:
        return None
    return Recipient(contact.email, contact.full_name, contact.language)


# --- Overdue actions ------------------------------------------------------------------------


def overdue_leads(*, today: dt.date, owner_id: int | None = None) -> QuerySet[Lead]:
    """Open leads whose next action was due before ``today``, oldest first."""
    queryset = _leads().overdue(today=today)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    return queryset.order_by("due_on", "mission__starts_on", "company__legal_name", "pk")


def overdue_owner_ids(*, today: dt.date) -> list[int]:
    """Staff who own at least one overdue lead and can read an e-mail about it."""
    return list(
        Lead.objects.overdue(today=today)
        .filter(owner__is_active=True, owner__is_staff=True)
        .exclude(owner__email="")
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
        .distinct()
    )
