"""The demo's follow-up: what came of the 2017 meetings of ``wallonie-2017``."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from matchmaking.enums import MeetingState
from matchmaking.models import Meeting
from reports.enums import OPEN_LEAD_STAGES, LeadStage
from reports.models import Lead, MeetingOutcome
from reports.services.followup import LEAD_INTEREST, meeting_state_from_outcomes


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=None)


def test_demo_meetings_held_and_no_show_follow_the_outcomes(demo):
    meetings = Meeting.objects.filter(mission__slug="wallonie-2017").prefetch_related("outcomes")

    states = Counter(meeting.state for meeting in meetings)

    assert states == {MeetingState.HELD: 32, MeetingState.NO_SHOW: 3, MeetingState.CONFIRMED: 3}
    for meeting in meetings:
        outcomes = [(o.side, o.attendance) for o in meeting.outcomes.all()]
        if meeting.state == MeetingState.CONFIRMED:  # no news of it yet
            assert outcomes == []
        else:
            assert meeting.state == meeting_state_from_outcomes(outcomes), meeting


def test_demo_meeting_without_news_moved_by_hand_and_an_impossible_move_refused(demo):
    # Issue 9's "done when": on the demo mission, staff move one meeting by hand and get a
    # clear refusal for an impossible move.
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from matchmaking.services.meetings import meeting_place
    from matchmaking.services.scheduling import grid_for

    confirmed = Meeting.objects.filter(
        mission__slug="wallonie-2017", state=MeetingState.CONFIRMED
    ).order_by("starts_at", "pk")
    meeting = confirmed.first()
    other = Meeting.objects.filter(
        mission__slug="wallonie-2017", company=meeting.company, state=MeetingState.HELD
    ).first()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        meeting_place(
            request=meeting.request, starts_at=other.starts_at, venue=meeting.venue, by=None
        )
    assert refused.value.messages, "an impossible move is refused with a message"

    original = meeting.starts_at
    moved = None
    for slot in grid_for(mission=meeting.mission).slots():  # the first slot it can move to
        if slot.start == original:
            continue
        try:
            moved = meeting_place(
                request=meeting.request, starts_at=slot.start, venue=meeting.venue, by=None
            )
            break
        except ValidationError:
            continue
    assert moved is not None, "a free slot of the grid to move it to"
    assert (moved.pk, moved.sequence) == (meeting.pk, meeting.sequence + 1)
    assert moved.starts_at != original


def test_demo_leads_at_every_stage_with_owners_and_dates(demo):
    leads = Lead.objects.filter(mission__slug="wallonie-2017").select_related("owner")

    assert set(leads.values_list("stage", flat=True)) == set(LeadStage.values)
    for lead in leads:
        assert lead.owner.is_staff
        assert not lead.owner.has_usable_password()
        assert lead.events.exists()
        assert list(lead.events.values_list("stage_to", flat=True))[-1] == lead.stage
        if lead.stage in OPEN_LEAD_STAGES:
            assert lead.next_action
            assert lead.due_on is not None


def test_demo_two_agreements_with_a_value_in_eur(demo):
    agreements = Lead.objects.filter(stage=LeadStage.AGREEMENT).order_by("agreement_value")

    assert [(a.agreement_kind, a.agreement_value, a.currency) for a in agreements] == [
        ("licensing", Decimal("480000.00"), "EUR"),
        ("technology_transfer", Decimal("1250000.00"), "EUR"),
    ]


def test_demo_triangular_lead_towards_senegal(demo):
    lead = Lead.objects.get(third_market="SN")

    assert lead.triangular_mission.slug == "senegal-triangulaire"
    assert lead.company.legal_name == "Oléa Derma Cosmétiques SA"
    assert lead.mission.slug == "wallonie-2017"


def test_demo_every_interested_held_meeting_has_its_lead(demo):
    interested = MeetingOutcome.objects.filter(attendance="held", interest__in=LEAD_INTEREST)

    for outcome in interested.select_related("meeting"):
        assert Lead.objects.filter(meeting=outcome.meeting).exists(), outcome
    assert Lead.objects.filter(meeting__isnull=True).count() == 0
