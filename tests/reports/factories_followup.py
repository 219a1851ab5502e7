"""Factories of the follow-up: meetings that have ended, leads, outcomes. Plain and valid."""

import datetime as dt

import factory
from django.utils import timezone

from matchmaking.enums import MeetingState
from reports.models import Lead, MeetingOutcome
from tests.factories import (
    CompanyFactory,
    MeetingFactory,
    MissionFactory,
    PartnerOrganisationFactory,
)


def _past_start(n: int) -> dt.datetime:
    # A day back, an hour apart per meeting: live meetings never overlap (PostgreSQL).
    start = timezone.now() - dt.timedelta(days=1, hours=n % 500)
    return start.replace(minute=0, second=0, microsecond=0)


class PastMeetingFactory(MeetingFactory):
    """A confirmed meeting that has ended."""

    state = MeetingState.CONFIRMED
    starts_at = factory.Sequence(_past_start)


class MeetingOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingOutcome

    meeting = factory.SubFactory(PastMeetingFactory)
    side = "company"
    attendance = "held"
    interest = "high"


class LeadFactory(factory.django.DjangoModelFactory):
    """An open lead at the stage "contact", its next action due in two weeks."""

    class Meta:
        model = Lead

    mission = factory.SubFactory(MissionFactory)
    company = factory.SubFactory(CompanyFactory)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    title = factory.Sequence(lambda n: f"Lead {n}")
    next_action = "Send the samples"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
