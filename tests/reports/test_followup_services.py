"""The follow-up's rules, through its services: outcomes and the meeting's state, leads born
of meetings, the pipeline's transitions and what each stage needs, and the history.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from matchmaking.enums import MeetingState
from matchmaking.services.links import link_issue
from missions.enums import MissionKind
from reports.enums import AgreementKind, LeadStage
from reports.models import Lead, LeadEvent, MeetingOutcome
from reports.services.followup import (
    company_outcome_record,
    lead_create,
    lead_open_from_meeting,
    lead_stages_allowed,
    lead_update,
    link_outcome_record,
    meeting_state_from_outcomes,
    outcome_record,
)
from tests.factories import (
    CompanyFactory,
    MeetingFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    UserFactory,
)
from tests.reports.factories_followup import LeadFactory, PastMeetingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)


def _messages(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


# --- The meeting's state from its outcomes --------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "state"),
    [
        ([], None),
        ([("company", "held")], MeetingState.HELD),
        ([("company", "no_show")], MeetingState.NO_SHOW),
        ([("company", "no_show"), ("partner", "no_show")], MeetingState.NO_SHOW),
        ([("company", "no_show"), ("partner", "held")], MeetingState.HELD),
        ([("company", "held"), ("staff", "no_show")], MeetingState.NO_SHOW),
        ([("company", "no_show"), ("partner", "no_show"), ("staff", "held")], MeetingState.HELD),
    ],
)
def test_meeting_state_from_outcomes_staff_wins_else_one_held(outcomes, state):
    assert meeting_state_from_outcomes(outcomes) == state


# --- Outcomes -------------------------------------------------------------------------------


def test_outcome_record_company_held_marks_meeting_held():
    meeting = PastMeetingFactory()

    outcome = outcome_record(
        meeting=meeting, side="company", attendance="held", interest="low", next_step=" Call "
    )

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert (outcome.side, outcome.attendance, outcome.interest, outcome.next_step) == (
        "company",
        "held",
        "low",
        "Call",
    )


def test_outcome_record_same_side_again_updates_its_outcome():
    meeting = PastMeetingFactory()
    outcome_record(meeting=meeting, side="company", attendance="held", interest="low")

    outcome_record(meeting=meeting, side="company", attendance="no_show", interest="high")

    assert list(MeetingOutcome.objects.values_list("side", "attendance", "interest")) == [
        ("company", "no_show", "")
    ]
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.NO_SHOW


def test_outcome_record_one_held_beats_the_other_sides_no_show():
    meeting = PastMeetingFactory()
    outcome_record(meeting=meeting, side="company", attendance="no_show")

    outcome_record(meeting=meeting, side="partner", attendance="held", interest="none")

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD


def test_outcome_record_staff_word_wins_over_both_sides():
    meeting = PastMeetingFactory()
    outcome_record(meeting=meeting, side="staff", attendance="no_show")

    outcome_record(meeting=meeting, side="company", attendance="held", interest="low")
    outcome_record(meeting=meeting, side="partner", attendance="held", interest="low")

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.NO_SHOW


def test_outcome_record_meeting_not_ended_refused():
    meeting = MeetingFactory(state=MeetingState.CONFIRMED)  # in 30 days

    with pytest.raises(ValidationError) as exc_info:
        outcome_record(meeting=meeting, side="company", attendance="held", interest="high")

    assert exc_info.value.messages == [
        "This meeting has not ended yet: record its outcome afterwards."
    ]
    assert not MeetingOutcome.objects.exists()


@pytest.mark.parametrize("state", [MeetingState.CANCELLED, MeetingState.PROPOSED])
def test_outcome_record_cancelled_or_unconfirmed_meeting_refused(state):
    meeting = PastMeetingFactory(state=state)

    with pytest.raises(ValidationError) as exc_info:
        outcome_record(meeting=meeting, side="partner", attendance="held", interest="high")

    assert exc_info.value.code == "not_a_meeting"
    meeting.refresh_from_db()
    assert meeting.state == state


@pytest.mark.parametrize("side", ["company", "partner"])
def test_outcome_record_held_without_interest_refused_for_the_two_sides(side):
    with pytest.raises(ValidationError) as exc_info:
        outcome_record(meeting=PastMeetingFactory(), side=side, attendance="held")

    assert _messages(exc_info) == {"interest": ["Say how interested you are in going further."]}


def test_outcome_record_staff_may_confirm_held_without_interest():
    meeting = PastMeetingFactory()

    outcome_record(meeting=meeting, side="staff", attendance="held")

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert not Lead.objects.exists()


def test_outcome_record_unknown_attendance_refused():
    with pytest.raises(ValidationError) as exc_info:
        outcome_record(meeting=PastMeetingFactory(), side="company", attendance="maybe")

    assert _messages(exc_info) == {"attendance": ["Say whether the meeting took place."]}


@pytest.mark.parametrize("interest", ["high", "medium"])
def test_outcome_record_held_with_interest_opens_one_lead(interest):
    meeting = PastMeetingFactory()

    outcome_record(
        meeting=meeting,
        side="company",
        attendance="held",
        interest=interest,
        next_step="Send samples",
    )
    outcome_record(meeting=meeting, side="partner", attendance="held", interest="high")

    lead = Lead.objects.get()
    assert (lead.meeting, lead.mission, lead.company, lead.partner) == (
        meeting,
        meeting.mission,
        meeting.company,
        meeting.partner,
    )
    assert (lead.stage, lead.next_action) == (LeadStage.CONTACT, "Send samples")
    assert lead.due_on == timezone.localdate() + dt.timedelta(days=14)
    assert list(lead.events.values_list("stage_from", "stage_to", "side")) == [
        ("", "contact", "company")
    ]


@pytest.mark.parametrize("interest", ["low", "none"])
def test_outcome_record_low_interest_opens_no_lead(interest):
    outcome_record(
        meeting=PastMeetingFactory(), side="company", attendance="held", interest=interest
    )

    assert not Lead.objects.exists()


def test_lead_open_from_meeting_owner_follows_the_company_other_leads(staff):
    meeting = PastMeetingFactory()
    LeadFactory(mission=meeting.mission, company=meeting.company, owner=staff)

    lead = lead_open_from_meeting(meeting=meeting, side="company", today=TODAY)

    assert lead.owner == staff
    # Stored in the agency's language (French), whatever language the caller speaks.
    with translation.override("fr"):
        assert lead.next_action == gettext("Get back to the partner after the meeting")
    assert lead.due_on == TODAY + dt.timedelta(days=14)


def test_lead_open_from_meeting_first_lead_of_the_mission_goes_to_its_team(staff):
    # A company's answer opens the mission's first lead: someone of the team follows it up
    # (the weekly digest of overdue actions goes to owners only).
    meeting = PastMeetingFactory()
    outsider = UserFactory(username="outsider", is_staff=True)
    meeting.mission.team.add(staff)

    lead = lead_open_from_meeting(meeting=meeting, side="company", today=TODAY)

    assert lead.owner == staff != outsider


def test_lead_open_from_meeting_mission_without_team_has_no_owner_yet():
    lead = lead_open_from_meeting(meeting=PastMeetingFactory(), side="company", today=TODAY)

    assert lead.owner is None


def test_lead_open_from_meeting_by_staff_owns_it(staff):
    lead = lead_open_from_meeting(meeting=PastMeetingFactory(), side="staff", by=staff)

    assert lead.owner == staff
    assert lead.events.get().by == staff


def test_company_outcome_record_other_company_meeting_refused(company_a):
    meeting = PastMeetingFactory()

    with pytest.raises(ValidationError) as exc_info:
        company_outcome_record(
            company=company_a, meeting=meeting, attendance="held", interest="high"
        )

    assert exc_info.value.code == "not_yours"
    assert not MeetingOutcome.objects.exists()


def test_link_outcome_record_records_partner_side_and_touches_link():
    meeting = PastMeetingFactory()
    link = link_issue(mission=meeting.mission, partner=meeting.partner)

    link_outcome_record(link=link, meeting=meeting, attendance="held", interest="medium")

    assert MeetingOutcome.objects.get().side == "partner"
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_link_outcome_record_other_partner_meeting_refused():
    meeting = PastMeetingFactory()
    other = MissionPartnerFactory(mission=meeting.mission).organisation
    link = link_issue(mission=meeting.mission, partner=other)

    with pytest.raises(ValidationError) as exc_info:
        link_outcome_record(link=link, meeting=meeting, attendance="held", interest="high")

    assert exc_info.value.code == "not_yours"


# --- Stages: which moves are allowed --------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "side", "allowed"),
    [
        ("contact", "company", ["contact", "nda", "negotiation", "agreement", "dropped"]),
        ("nda", "company", ["nda", "negotiation", "agreement", "dropped"]),
        ("negotiation", "company", ["negotiation", "agreement", "dropped"]),
        ("agreement", "company", ["agreement"]),
        ("dropped", "company", ["dropped"]),
        ("negotiation", "partner", ["negotiation"]),
        ("dropped", "staff", ["contact", "nda", "negotiation", "agreement", "dropped"]),
    ],
)
def test_lead_stages_allowed_companies_forward_staff_anywhere_partners_nowhere(
    current, side, allowed
):
    assert lead_stages_allowed(current=current, side=side) == allowed


@pytest.mark.parametrize(
    ("start", "stage"),
    [("nda", "contact"), ("negotiation", "nda"), ("agreement", "negotiation")],
)
def test_lead_update_company_moving_back_refused(start, stage):
    extra = {"agreement_kind": AgreementKind.MOU} if start == "agreement" else {}
    lead = LeadFactory(stage=start, **extra)

    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=lead, side="company", stage=stage)

    assert list(_messages(exc_info)) == ["stage"]
    lead.refresh_from_db()
    assert lead.stage == start
    assert not LeadEvent.objects.exists()


def test_lead_update_company_closed_lead_says_ask_cepex():
    lead = LeadFactory(stage="dropped", dropped_reason="No budget")

    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=lead, side="company", stage="contact")

    assert _messages(exc_info) == {
        "stage": ["This lead is closed (Dropped). Ask the CEPEX team if it should be reopened."]
    }


def test_lead_update_staff_reopens_a_dropped_lead(staff):
    lead = LeadFactory(stage="dropped", dropped_reason="No budget")

    lead_update(lead=lead, side="staff", by=staff, stage="negotiation", today=TODAY)

    lead.refresh_from_db()
    assert (lead.stage, lead.dropped_reason) == ("negotiation", "")


def test_lead_update_partner_refused_whatever_it_changes():
    lead = LeadFactory()

    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=lead, side="partner", note="We signed")

    assert exc_info.value.code == "partner"
    assert not LeadEvent.objects.exists()


def test_lead_update_company_may_not_change_the_owner(staff):
    lead = LeadFactory()

    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=lead, side="company", owner=staff)

    assert exc_info.value.messages == ["You may not change this of a lead: owner."]


# --- Stages: what each needs, and the history -----------------------------------------------


def test_lead_update_stage_change_writes_event_with_who_and_side(company_a_user):
    lead = LeadFactory()

    lead_update(lead=lead, side="company", by=company_a_user, stage="nda", note=" NDA signed ")

    event = LeadEvent.objects.get()
    assert (event.lead, event.stage_from, event.stage_to, event.side, event.by, event.note) == (
        lead,
        "contact",
        "nda",
        "company",
        company_a_user,
        "NDA signed",
    )
    lead.refresh_from_db()
    assert lead.stage == "nda"


def test_lead_update_note_alone_writes_event_at_same_stage():
    lead = LeadFactory(stage="negotiation")

    lead_update(lead=lead, side="company", note="Second draft received")

    assert list(LeadEvent.objects.values_list("stage_from", "stage_to", "note")) == [
        ("negotiation", "negotiation", "Second draft received")
    ]


def test_lead_update_next_action_only_writes_no_event():
    lead = LeadFactory()

    lead_update(lead=lead, side="company", next_action="Visit in May", due_on=TODAY, today=TODAY)

    lead.refresh_from_db()
    assert (lead.next_action, lead.due_on) == ("Visit in May", TODAY)
    assert not LeadEvent.objects.exists()


def test_lead_update_nothing_changed_writes_nothing():
    lead = LeadFactory()
    before = Lead.objects.values().get()

    lead_update(lead=lead, side="company", stage="contact", next_action="Send the samples")

    assert Lead.objects.values().get() == before
    assert not LeadEvent.objects.exists()


def test_lead_update_agreement_without_kind_refused():
    lead = LeadFactory()

    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=lead, side="company", stage="agreement")

    assert _messages(exc_info) == {"agreement_kind": ["Say what kind of agreement was signed."]}


def test_lead_update_agreement_with_value_in_eur_signed_today_by_default():
    lead = LeadFactory(stage="negotiation")

    lead_update(
        lead=lead,
        side="company",
        stage="agreement",
        agreement_kind="licensing",
        agreement_value=Decimal("480000"),
        currency=" eur ",
        today=TODAY,
    )

    lead.refresh_from_db()
    assert (lead.stage, lead.agreement_kind, lead.agreement_value, lead.currency) == (
        "agreement",
        "licensing",
        Decimal("480000.00"),
        "EUR",
    )
    assert lead.signed_on == TODAY


@pytest.mark.parametrize(
    ("value", "currency", "errors"),
    [
        (
            Decimal(1000),
            "",
            {"currency": ["Give the currency of the value (ISO 4217 code, e.g. EUR)."]},
        ),
        (None, "EUR", {"agreement_value": ["Give the value, or leave the currency empty."]}),
        (
            Decimal(1000),
            "EUA",
            {
                "currency": [
                    "“EUA” is not an ISO 4217 currency code (for example EUR, USD, TND, XOF)."
                ]
            },
        ),
        (Decimal(-1), "EUR", {"agreement_value": ["The value cannot be negative."]}),
    ],
)
def test_lead_update_agreement_value_and_currency_checked(value, currency, errors):
    lead = LeadFactory()

    with pytest.raises(ValidationError) as exc_info:
        lead_update(
            lead=lead,
            side="company",
            stage="agreement",
            agreement_kind="mou",
            agreement_value=value,
            currency=currency,
        )

    assert _messages(exc_info) == errors


def test_lead_update_agreement_signed_in_the_future_refused():
    with pytest.raises(ValidationError) as exc_info:
        lead_update(
            lead=LeadFactory(),
            side="company",
            stage="agreement",
            agreement_kind="mou",
            signed_on=TODAY + dt.timedelta(days=1),
            today=TODAY,
        )

    assert _messages(exc_info) == {"signed_on": ["The date of signature cannot be in the future."]}


def test_lead_update_dropped_without_reason_refused():
    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=LeadFactory(), side="company", stage="dropped", dropped_reason="  ")

    assert _messages(exc_info) == {"dropped_reason": ["Say why the lead was dropped."]}


def test_lead_update_dropped_with_reason_keeps_it_and_clears_agreement_fields():
    lead = LeadFactory(agreement_kind="mou")

    lead_update(lead=lead, side="company", stage="dropped", dropped_reason="No budget")

    lead.refresh_from_db()
    assert (lead.stage, lead.dropped_reason, lead.agreement_kind) == ("dropped", "No budget", "")


def test_lead_update_open_lead_without_next_action_or_date_refused():
    with pytest.raises(ValidationError) as exc_info:
        lead_update(lead=LeadFactory(), side="company", next_action="", due_on=None)

    assert _messages(exc_info) == {
        "next_action": ["Say what the next action is."],
        "due_on": ["Give the date of the next action."],
    }


def test_lead_update_due_date_moved_into_the_past_refused():
    with pytest.raises(ValidationError) as exc_info:
        lead_update(
            lead=LeadFactory(),
            side="company",
            due_on=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )

    assert _messages(exc_info) == {"due_on": ["The date of the next action cannot be in the past."]}


def test_lead_update_overdue_lead_moves_on_without_a_new_date():
    lead = LeadFactory(due_on=TODAY - dt.timedelta(days=30))

    lead_update(lead=lead, side="company", stage="nda", today=TODAY)

    lead.refresh_from_db()
    assert lead.stage == "nda"


# --- Leads opened by staff: owner, meeting, triangular action -------------------------------


def _parties():
    meeting = PastMeetingFactory()
    return {"mission": meeting.mission, "company": meeting.company, "partner": meeting.partner}


def test_lead_create_by_staff_with_owner_and_history(staff):
    parties = _parties()

    lead = lead_create(
        **parties,
        by=staff,
        title="Distribution in Senegal",
        owner=staff,
        next_action="Call",
        due_on=TODAY,
        note="Met at the reception",
        today=TODAY,
    )

    assert (lead.title, lead.owner, lead.stage, lead.meeting) == (
        "Distribution in Senegal",
        staff,
        "contact",
        None,
    )
    assert list(lead.events.values_list("stage_from", "stage_to", "side", "by", "note")) == [
        ("", "contact", "staff", staff.pk, "Met at the reception")
    ]


def test_lead_create_without_an_owner_is_owned_by_the_staff_who_opened_it(staff):
    lead = lead_create(**_parties(), by=staff, title="T", next_action="Call", due_on=TODAY)

    assert lead.owner == staff


def test_lead_create_owner_must_be_active_staff(staff, company_a_user):
    with pytest.raises(ValidationError) as exc_info:
        lead_create(
            **_parties(),
            by=staff,
            title="T",
            owner=company_a_user,
            next_action="Call",
            due_on=TODAY,
            today=TODAY,
        )

    assert _messages(exc_info) == {
        "owner": ["The owner must be an active member of the CEPEX staff."]
    }


def test_lead_create_meeting_of_another_pair_refused(staff):
    parties = _parties()

    with pytest.raises(ValidationError) as exc_info:
        lead_create(
            **parties,
            meeting=PastMeetingFactory(mission=parties["mission"]),
            by=staff,
            title="T",
            next_action="Call",
            due_on=TODAY,
            today=TODAY,
        )

    assert _messages(exc_info) == {
        "meeting": ["This meeting is not between this company and this partner."]
    }


def test_lead_create_meeting_with_a_lead_already_refused(staff):
    meeting = PastMeetingFactory()
    lead_open_from_meeting(meeting=meeting, side="company")

    with pytest.raises(ValidationError) as exc_info:
        lead_create(
            mission=meeting.mission,
            company=meeting.company,
            partner=meeting.partner,
            meeting=meeting,
            by=staff,
            title="T",
            next_action="Call",
            due_on=TODAY,
            today=TODAY,
        )

    assert _messages(exc_info) == {"meeting": ["This meeting already has a lead."]}


def _triangular():
    return MissionFactory(
        title="Sénégal triangulaire", kind=MissionKind.TRIANGULAR, third_market="SN"
    )


def test_lead_create_triangular_takes_the_third_market_of_its_mission(staff):
    triangular = _triangular()

    lead = lead_create(
        **_parties(),
        by=staff,
        title="Cosmetics to Dakar",
        next_action="Call",
        due_on=TODAY,
        triangular_mission=triangular,
        today=TODAY,
    )

    assert (lead.third_market.code, lead.triangular_mission) == ("SN", triangular)


def test_lead_create_triangular_other_third_market_refused(staff):
    with pytest.raises(ValidationError) as exc_info:
        lead_create(
            **_parties(),
            by=staff,
            title="T",
            next_action="Call",
            due_on=TODAY,
            third_market="CI",
            triangular_mission=_triangular(),
            today=TODAY,
        )

    assert _messages(exc_info) == {
        "third_market": ["The third market of “Sénégal triangulaire” is Senegal."]
    }


def test_lead_create_triangular_mission_of_another_kind_refused(staff):
    outbound = MissionFactory(title="Wallonie 2027")

    with pytest.raises(ValidationError) as exc_info:
        lead_create(
            **_parties(),
            by=staff,
            title="T",
            next_action="Call",
            due_on=TODAY,
            triangular_mission=outbound,
            today=TODAY,
        )

    assert _messages(exc_info) == {
        "triangular_mission": ["“Wallonie 2027” is not a triangular action towards a third market."]
    }


def test_lead_update_company_keeps_working_after_its_owner_left():
    former = UserFactory(is_staff=True, is_active=False)
    lead = LeadFactory(owner=former)

    lead_update(lead=lead, side="company", stage="nda")

    lead.refresh_from_db()
    assert (lead.stage, lead.owner) == ("nda", former)


def test_lead_create_lead_with_other_company_and_partner_than_the_meeting_is_separate(staff):
    # A lead without a meeting may join any company and partner of the mission.
    mission = MissionFactory()
    lead = lead_create(
        mission=mission,
        company=CompanyFactory(),
        partner=PartnerOrganisationFactory(),
        by=staff,
        title="From the reception",
        next_action="Call",
        due_on=TODAY,
        today=TODAY,
    )

    assert lead.meeting is None
