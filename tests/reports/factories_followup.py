"""Factories of the follow-up tests: meetings that have ended, outcomes, open leads."""

import datetime as dt

import factory
from django.utils import timezone

from reports.enums import InterestLevel
from tests import factories
from tests.factories import PastMeetingFactory

__all__ = ["LeadFactory", "MeetingOutcomeFactory", "PastMeetingFactory"]


class MeetingOutcomeFactory(factories.MeetingOutcomeFactory):
    """The company's word on a meeting that has ended: held, high interest."""

    meeting = factory.SubFactory(PastMeetingFactory)
    interest = InterestLevel.HIGH


class LeadFactory(factories.LeadFactory):
    """An open lead at the stage "contact", its next action due in two weeks."""

    next_action = "Send the samples"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
