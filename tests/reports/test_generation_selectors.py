"""What the reports show, read from the data (no rendering): the follow-up report's figures,
the dossier's programme and profiles, the HTML's escaping, direction and charts, the query
counts, and the rows of the managers' page.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from reports.enums import AgreementKind, LeadStage, ReportState
from reports.selectors.generation import (
    HISTORY_SHOWN,
    Money,
    bars,
    dossier_data,
    followup_data,
    mission_reports,
)
from reports.services.generation import report_html
from tests.factories import MissionFactory
from tests.queries import queries_of
from tests.reports.factories_pdfreports import LeadFactory, ReportFactory, build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2028, 6, 1)


@pytest.fixture
def world():
    return build_world()


# --- Follow-up report ------------------------------------------------------------------------


def test_followup_meetings_planned_held_no_show_from_states_and_outcomes(world):
    data = followup_data(mission=world.mission, today=TODAY)

    meetings = data.meetings
    assert (meetings.total, meetings.cancelled, meetings.planned) == (4, 1, 3)
    assert (meetings.held, meetings.no_show, meetings.without_news) == (1, 1, 1)
    assert meetings.held_percent == 33
    assert [(bar.key, bar.value) for bar in meetings.by_state] == [
        ("proposed", 0),
        ("confirmed", 1),
        ("held", 1),
        ("cancelled", 1),
        ("no_show", 1),
    ]
    assert [(bar.key, bar.value) for bar in meetings.interest] == [
        ("high", 1),
        ("medium", 1),
        ("low", 0),
        ("none", 0),
    ]


def test_followup_outcome_says_held_for_a_confirmed_meeting_counts_it_held(world):
    from tests.reports.factories_pdfreports import MeetingOutcomeFactory

    MeetingOutcomeFactory(meeting=world.confirmed, side="partner", attendance="held")

    meetings = followup_data(mission=world.mission, today=TODAY).meetings

    assert (meetings.held, meetings.no_show, meetings.without_news) == (2, 1, 0)


def test_followup_leads_by_stage_kind_company_partner_and_overdue(world):
    LeadFactory(
        mission=world.mission,
        company=world.hedi,
        partner=world.biowin,
        title="Distribution au Maghreb",
        stage=LeadStage.AGREEMENT,
        agreement_kind=AgreementKind.LICENSING,
        agreement_value="1000.50",
        currency="usd",
    )
    LeadFactory(  # another mission's lead: not in this report
        company=world.hedi, partner=world.biowin, stage=LeadStage.AGREEMENT, agreement_kind="mou"
    )

    data = followup_data(mission=world.mission, today=TODAY)

    assert [(bar.key, bar.value) for bar in data.stages] == [
        ("contact", 1),
        ("nda", 0),
        ("negotiation", 1),
        ("agreement", 2),
        ("dropped", 1),
    ]
    assert [(row.label, row.count, row.values) for row in data.kinds] == [
        (
            "Licensing",
            2,
            [Money("EUR", Decimal("250000.00")), Money("USD", Decimal("1000.50"))],
        ),
    ]
    assert data.totals == [Money("EUR", Decimal("250000.00")), Money("USD", Decimal("1000.50"))]
    assert [lead.title for lead in data.agreements] == [
        "Licence de biosimilaires",  # signed on 3 November 2027
        "Distribution au Maghreb",  # no date: last
    ]
    assert [(t.name, t.total, t.open, t.agreements, t.dropped) for t in data.per_company] == [
        ("Laboratoires Pharmaceutiques Hédi SA", 3, 1, 1, 1),
        ("Société Médicale de Sfax", 2, 1, 1, 0),
    ]
    assert [(t.name, t.total, t.open, t.agreements, t.dropped) for t in data.per_partner] == [
        ("BioPark Charleroi", 2, 1, 1, 0),
        ("BioWin", 3, 1, 1, 1),
    ]
    # Only open leads whose action was due before today; the triangular one is due later.
    assert [(row.lead, row.days_late) for row in data.overdue] == [(world.overdue, 92)]
    assert data.third_markets == [world.triangular]
    assert data.leads == 5


def test_followup_figures_against_the_objectives(world):
    data = followup_data(mission=world.mission, today=TODAY)

    assert [(f.label, f.value, f.note) for f in data.figures] == [
        ("Companies in the delegation", "2", "capacity: 8"),
        ("Partners of the mission", "2", ""),
        ("Meeting requests", "4", ""),
        ("Meetings planned", "3", ""),
        ("Meetings held", "1", "33 % of the meetings planned"),
        ("No-shows", "1", ""),
        ("Leads followed up", "4", "2 still open"),
        ("Agreements signed", "1", ""),
        ("Value of the agreements", "250,000.00 EUR", ""),
        ("Leads towards a third market", "1", ""),
    ]


def test_followup_of_a_mission_without_meetings_or_leads():
    data = followup_data(mission=MissionFactory(), today=TODAY)

    assert (data.meetings.planned, data.meetings.held_percent, data.leads) == (0, None, 0)
    assert [bar.share for bar in data.stages] == [0, 0, 0, 0, 0]
    assert data.totals == data.kinds == data.overdue == []


def test_followup_reads_in_a_fixed_number_of_queries(world):
    few = queries_of(lambda: followup_data(mission=world.mission, today=TODAY))
    for _ in range(20):
        LeadFactory(mission=world.mission, company=world.medis, stage=LeadStage.CONTACT)

    assert queries_of(lambda: followup_data(mission=world.mission, today=TODAY)) == few


def test_bars_scale_to_the_longest_and_give_svg_numbers_with_a_dot():
    with translation.override("fr"):
        found = bars([("a", "A", 3), ("b", "B", 1), ("c", "C", 0)])

    assert [(bar.width, bar.start_rtl) for bar in found] == [
        ("100.00", "0.00"),
        ("33.33", "66.67"),
        ("0.00", "100.00"),
    ]


# --- Mission dossier -------------------------------------------------------------------------


def test_dossier_programme_every_day_with_travel_legs_and_meetings_per_day(world):
    data = dossier_data(mission=world.mission)

    assert [day.day.day for day in data.days] == [12, 13, 14, 15, 16]
    monday = data.days[0]
    assert [row.is_leg for row in monday.rows] == [False, True, False]
    leg = monday.rows[1]
    assert (leg.from_venue, leg.to_venue, leg.minutes, leg.gap_minutes) == (
        world.gosselies,
        world.brussels,
        20,
        60,
    )
    assert monday.rows[0].starts_at.strftime("%H:%M") == "09:00"  # Brussels time
    # Live meetings only: the held and the confirmed ones on Tuesday, at one venue.
    assert [(day.meetings, day.meeting_venues) for day in data.days] == [
        (0, 0),
        (2, 1),
        (0, 0),
        (0, 0),
        (0, 0),
    ]


def test_dossier_delegation_partners_agendas_venues_and_contacts(world):
    with translation.override("en"):
        data = dossier_data(mission=world.mission)

    assert [p.company for p in data.delegation] == [world.hedi, world.medis]
    medis = data.delegation[1]
    assert medis.export_markets == ["Algeria", "Senegal"]
    assert medis.contact.full_name == "Amira Ben Salah"
    assert [p.organisation for p in data.partners] == [world.biopark, world.biowin]
    biopark = data.partners[0]
    assert [(f.get_kind_display(), f.value) for f in biopark.key_figures] == [
        ("Companies", 10),
        ("Universities", 2),
    ]
    assert biopark.mission_partner.is_host
    assert biopark.meetings == 2
    assert [contact.full_name for contact in data.partners[1].contacts] == ["Claire Dubois"]
    assert [page.agenda.owner_name for page in data.agendas] == [
        "Laboratoires Pharmaceutiques Hédi SA",
        "Société Médicale de Sfax",
    ]
    assert [page.contact.full_name for page in data.agendas][1] == "Amira Ben Salah"
    assert [len(page.agenda.meetings) for page in data.agendas] == [1, 1]
    assert [info.venue for info in data.venues] == [world.brussels, world.gosselies]
    assert [info.hosts for info in data.venues] == [["BioWin"], ["BioPark Charleroi"]]
    assert [(row.minutes) for row in data.travel] == [20]
    assert [(row.name, row.organisation) for row in data.partner_contacts] == [
        ("Claire Dubois", "BioWin")
    ]
    assert (data.meetings, data.requests) == (2, 4)


def test_dossier_queries_grow_only_with_the_agendas(world):
    """Four queries per company (matchmaking's agenda selector), nothing per partner."""
    from tests.factories import MissionPartnerFactory

    few = queries_of(lambda: dossier_data(mission=world.mission))
    for _ in range(10):
        MissionPartnerFactory(mission=world.mission)

    assert queries_of(lambda: dossier_data(mission=world.mission)) == few


# --- The HTML of the reports -----------------------------------------------------------------


def test_html_escapes_every_typed_value(world):
    world.medis.legal_name = "<b>Médis</b> & Fils"
    world.medis.save()
    world.mission.objectives = "<script>alert(1)</script>"
    world.mission.save()
    world.overdue.next_action = '<img src="x" onerror="y">'
    world.overdue.save()

    dossier = report_html(mission=world.mission, kind="dossier", language="en")
    followup = report_html(mission=world.mission, kind="followup", language="en", today=TODAY)

    for html in (dossier, followup):
        assert "<b>Médis</b>" not in html
        assert "&lt;b&gt;Médis&lt;/b&gt; &amp; Fils" in html
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in followup
    assert "&lt;img src=&quot;x&quot; onerror=&quot;y&quot;&gt;" in followup


def test_html_arabic_is_right_to_left_with_bars_starting_on_the_right(world):
    html = report_html(mission=world.mission, kind="followup", language="ar", today=TODAY)

    assert '<html lang="ar" dir="rtl">' in html
    # The stage bars: four of 1 (the longest, full width) and the NDA one empty.
    assert html.count('class="bar-fill" fill="#b3261e" x="0.00" y="0" width="100.00"') >= 4


def test_html_charts_are_inline_svg_with_no_script_and_no_url(world):
    html = report_html(mission=world.mission, kind="followup", language="en", today=TODAY)

    assert html.count("<svg ") == 5 + 4 + 5  # states, interest levels, stages
    assert "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert 'class="bar-fill" fill="#b3261e" x="0" y="0" width="100.00"' in html


# --- The managers' page ----------------------------------------------------------------------


def test_mission_reports_latest_done_under_way_failed_and_history_per_kind():
    mission = MissionFactory()
    old = ReportFactory(mission=mission, kind="dossier", language="fr", done=True)
    latest = ReportFactory(mission=mission, kind="dossier", language="fr", done=True)
    failed = ReportFactory(
        mission=mission, kind="dossier", language="fr", state=ReportState.FAILED, error="boom"
    )
    running = ReportFactory(mission=mission, kind="dossier", language="fr", state="running")
    english = ReportFactory(mission=mission, kind="followup", language="en", done=True)

    [row] = mission_reports(missions=[mission])

    dossier, followup = row.kinds
    assert dossier.kind == "dossier"
    french = dossier.cells[0]
    assert (french.language, french.latest, french.active, french.failed) == (
        "fr",
        latest,
        running,
        failed,
    )
    assert dossier.history == [failed, old]
    assert [cell.latest for cell in followup.cells] == [None, english, None]
    assert row.active == [running]


def test_mission_reports_history_is_cut_and_counts_the_rest():
    mission = MissionFactory()
    for _ in range(HISTORY_SHOWN + 3):
        ReportFactory(mission=mission, kind="followup", language="fr", done=True)

    [row] = mission_reports(missions=[mission])

    followup = row.kinds[1]
    assert (len(followup.history), followup.older) == (HISTORY_SHOWN, 2)


def test_html_typed_text_keeps_its_own_direction(world):
    world.mission.objectives = "Trouver des partenaires."
    world.mission.save()
    world.medis.description = "مختبر السلام للأدوية."
    world.medis.save()

    arabic = report_html(mission=world.mission, kind="dossier", language="ar")
    english = report_html(mission=world.mission, kind="dossier", language="en")

    assert '<div class="text" dir="ltr"><p>Trouver des partenaires.</p></div>' in arabic
    assert '<div class="text" dir="rtl"><p>مختبر السلام للأدوية.</p></div>' in english
