"""The staff's side of the follow-up: outcomes, leads and reminders in the admin. Every save
goes through the services (the same rules and history as the company space); managers see
and change nothing; reminders are read-only.
"""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import MeetingState
from reports.models import Lead, LeadEvent, LeadReminder, MeetingOutcome
from tests.factories import CompanyFactory, MeetingFactory, MissionFactory
from tests.queries import page_queries
from tests.reports.factories_followup import LeadFactory, PastMeetingFactory

pytestmark = pytest.mark.django_db

LEADS = reverse("admin:reports_lead_changelist")
OUTCOMES = reverse("admin:reports_meetingoutcome_changelist")
REMINDERS = reverse("admin:reports_leadreminder_changelist")
INLINE = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


@pytest.fixture
def staff_client(client, staff):
    client.cookies["django_language"] = "en"
    client.force_login(staff)
    return client


@pytest.fixture
def mission(staff):
    """The mission the chargé de mission works on: the rows of these tests hang off it."""
    mission = MissionFactory()
    mission.team.add(staff)
    return mission


@pytest.fixture
def manager_client(client, manager):
    client.cookies["django_language"] = "en"
    client.force_login(manager)
    return client


def _change(lead) -> str:
    return reverse("admin:reports_lead_change", args=[lead.pk])


def _form(lead, **values) -> dict:
    data = {
        "title": lead.title,
        "stage": lead.stage,
        "owner": lead.owner_id or "",
        "next_action": lead.next_action,
        "due_on": lead.due_on.isoformat() if lead.due_on else "",
        "dropped_reason": lead.dropped_reason,
        "agreement_kind": lead.agreement_kind,
        "agreement_value": "",
        "currency": lead.currency,
        "signed_on": "",
        "third_market": str(lead.third_market or ""),
        "triangular_mission": "",
        "notes": lead.notes,
        "note": "",
        **INLINE,
    }
    data.update(values)
    return data


def _action(client, name: str, leads) -> None:
    client.post(LEADS, {"action": name, "_selected_action": [str(lead.pk) for lead in leads]})


# --- Leads ----------------------------------------------------------------------------------


def test_admin_lead_add_goes_through_the_service_with_history(staff_client, staff, mission):
    meeting = PastMeetingFactory(request__mission=mission)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()

    response = staff_client.post(
        reverse("admin:reports_lead_add"),
        {
            "mission": meeting.mission_id,
            "company": meeting.company_id,
            "partner": meeting.partner_id,
            "meeting": meeting.pk,
            "title": "Licence",
            "stage": "contact",
            "owner": staff.pk,
            "next_action": "Call",
            "due_on": due,
            "note": "Opened after a phone call",
            **INLINE,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    lead = Lead.objects.get()
    assert (lead.meeting, lead.owner, lead.stage) == (meeting, staff, "contact")
    assert list(lead.events.values_list("stage_to", "side", "by", "note")) == [
        ("contact", "staff", staff.pk, "Opened after a phone call")
    ]


def test_admin_lead_stage_change_writes_the_history(staff_client, staff, mission):
    lead = LeadFactory(mission=mission, stage="negotiation")

    response = staff_client.post(
        _change(lead),
        _form(
            lead,
            stage="agreement",
            agreement_kind="licensing",
            agreement_value="480000",
            currency="EUR",
            note="Signed in Tunis",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    lead.refresh_from_db()
    assert (lead.stage, lead.agreement_kind, lead.currency) == ("agreement", "licensing", "EUR")
    assert lead.signed_on == timezone.localdate()
    event = LeadEvent.objects.get()
    assert (event.stage_from, event.stage_to, event.side, event.by, event.note) == (
        "negotiation",
        "agreement",
        "staff",
        staff,
        "Signed in Tunis",
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"stage": "dropped"}, "dropped_reason", "Say why the lead was dropped."),
        ({"stage": "agreement"}, "agreement_kind", "Say what kind of agreement was signed."),
        (
            {
                "agreement_value": "10",
                "currency": "EUA",
                "stage": "agreement",
                "agreement_kind": "mou",
            },
            "currency",
            "“EUA” is not an ISO 4217 currency code (for example EUR, USD, TND, XOF).",
        ),
    ],
)
def test_admin_lead_refused_by_the_rules_shows_on_the_form(
    staff_client, values, field, message, mission
):
    lead = LeadFactory(mission=mission)

    response = staff_client.post(_change(lead), _form(lead, **values))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    lead.refresh_from_db()
    assert lead.stage == "contact"
    assert not LeadEvent.objects.exists()


def test_admin_lead_triangular_mission_must_be_triangular(staff_client, mission):
    lead = LeadFactory(mission=mission)
    outbound = MissionFactory()

    response = staff_client.post(_change(lead), _form(lead, triangular_mission=outbound.pk))

    assert response.status_code == 200
    assert "triangular_mission" in response.context["adminform"].form.errors


def test_admin_lead_change_page_shows_the_history_read_only(staff_client, mission):
    lead = LeadFactory(mission=mission)
    LeadEvent.objects.create(lead=lead, stage_to="contact", side="company", note="From the fair")

    body = staff_client.get(_change(lead)).content.decode()

    assert "From the fair" in body
    assert 'name="events-0-note"' not in body


def test_admin_lead_actions_go_through_the_service(staff_client, staff, mission):
    lead = LeadFactory(mission=mission)
    closed = LeadFactory(mission=mission, stage="dropped", dropped_reason="No")
    no_date = LeadFactory(mission=mission, due_on=None)

    _action(staff_client, "move_to_negotiation", [lead, closed, no_date])
    _action(staff_client, "assign_to_me", [lead])

    lead.refresh_from_db()
    assert (lead.stage, lead.owner) == ("negotiation", staff)
    closed.refresh_from_db()
    assert closed.stage == "negotiation"  # staff may reopen
    no_date.refresh_from_db()
    assert no_date.stage == "contact"  # refused: an open lead needs its due date
    assert list(LeadEvent.objects.order_by("lead").values_list("lead", "stage_to")) == [
        (lead.pk, "negotiation"),
        (closed.pk, "negotiation"),
    ]


def test_admin_lead_overdue_filter(staff_client, mission):
    today = timezone.localdate()
    late = LeadFactory(mission=mission, due_on=today - dt.timedelta(days=1))
    LeadFactory(mission=mission, due_on=today)
    LeadFactory(
        mission=mission, stage="dropped", dropped_reason="No", due_on=today - dt.timedelta(days=5)
    )

    response = staff_client.get(LEADS, {"overdue": "yes"})

    assert list(response.context["cl"].result_list) == [late]


def test_admin_lead_changelist_queries_same_for_one_and_many(staff_client, staff, mission):
    LeadFactory(mission=mission, owner=staff)
    one = page_queries(staff_client, LEADS)
    for _ in range(5):
        LeadFactory(mission=mission, owner=staff, company=CompanyFactory())
    many = page_queries(staff_client, LEADS)

    assert one == many


def test_manager_sees_leads_and_changes_nothing(manager_client):
    lead = LeadFactory()

    page = manager_client.get(_change(lead))
    post = manager_client.post(_change(lead), _form(lead, stage="nda"))
    _action(manager_client, "move_to_negotiation", [lead])

    assert page.status_code == 200
    assert post.status_code == 403
    assert "move_to_negotiation" not in manager_client.get(LEADS).content.decode()
    lead.refresh_from_db()
    assert lead.stage == "contact"
    assert not LeadEvent.objects.exists()


# --- Outcomes -------------------------------------------------------------------------------


def test_admin_outcome_add_is_staff_word_and_sets_the_meeting_state(staff_client, staff, mission):
    meeting = PastMeetingFactory(request__mission=mission)
    MeetingOutcome.objects.create(
        meeting=meeting, side="company", attendance="held", interest="low"
    )

    response = staff_client.post(
        reverse("admin:reports_meetingoutcome_add"),
        {"meeting": meeting.pk, "attendance": "no_show", "interest": "", "next_step": ""},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    staff_outcome = MeetingOutcome.objects.get(side="staff")
    assert (staff_outcome.attendance, staff_outcome.recorded_by) == ("no_show", staff)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.NO_SHOW


def test_admin_outcome_meeting_not_ended_refused_on_the_form(staff_client, mission):
    meeting = MeetingFactory(request__mission=mission, state=MeetingState.CONFIRMED)

    response = staff_client.post(
        reverse("admin:reports_meetingoutcome_add"),
        {"meeting": meeting.pk, "attendance": "held", "interest": "", "next_step": ""},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["meeting"] == [
        "This meeting has not ended yet: record its outcome afterwards."
    ]
    assert not MeetingOutcome.objects.exists()


def test_admin_outcome_of_a_company_is_not_staff_to_change(staff_client, mission):
    outcome = MeetingOutcome.objects.create(
        meeting=PastMeetingFactory(request__mission=mission),
        side="company",
        attendance="held",
        interest="high",
    )
    url = reverse("admin:reports_meetingoutcome_change", args=[outcome.pk])

    response = staff_client.post(url, {"attendance": "no_show"})

    assert response.status_code == 403
    outcome.refresh_from_db()
    assert outcome.attendance == "held"


def test_admin_outcome_changelist_queries_same_for_one_and_many(staff_client, mission):
    MeetingOutcome.objects.create(
        meeting=PastMeetingFactory(request__mission=mission), side="staff", attendance="held"
    )
    one = page_queries(staff_client, OUTCOMES)
    for _ in range(5):
        MeetingOutcome.objects.create(
            meeting=PastMeetingFactory(request__mission=mission), side="staff", attendance="held"
        )
    many = page_queries(staff_client, OUTCOMES)

    assert one == many


# --- Reminders ------------------------------------------------------------------------------


def test_admin_reminders_read_only_and_never_show_the_hash(staff_client, manager_client, mission):
    token_hash = hashlib.sha256(b"secret").hexdigest()
    reminder = LeadReminder.objects.create(
        mission=mission, company=CompanyFactory(), milestone_days=30, token_hash=token_hash
    )
    url = reverse("admin:reports_leadreminder_change", args=[reminder.pk])

    for client in (staff_client, manager_client):
        assert client.get(REMINDERS).status_code == 200
        page = client.get(url)
        assert page.status_code == 200
        assert token_hash not in page.content.decode()
        assert client.post(url, {"milestone_days": 90}).status_code == 403
    assert staff_client.get(reverse("admin:reports_leadreminder_add")).status_code == 403
    assert (
        staff_client.post(
            reverse("admin:reports_leadreminder_delete", args=[reminder.pk])
        ).status_code
        == 403
    )
    reminder.refresh_from_db()
    assert reminder.milestone_days == 30
