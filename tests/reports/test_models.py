"""Reports and follow-up: the constraints of outcomes, leads, reminders and reports."""

import pytest
from django.utils import timezone

from reports.enums import AgreementKind, LeadStage, ReportKind, ReportState
from reports.models import Lead, LeadReminder, MeetingOutcome, Report
from tests.constraints import untested_constraints, violates
from tests.factories import (
    CompanyFactory,
    MeetingFactory,
    MissionFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_every_constraint_of_the_reports_models_has_a_test():
    names, missing = untested_constraints(app_label="reports", test_file=__file__)

    assert names
    assert missing == []


def _lead(**kwargs) -> Lead:
    values = {
        "mission": MissionFactory(),
        "company": CompanyFactory(),
        "partner": PartnerOrganisationFactory(),
        "title": "Biosimilars licence",
    }
    values.update(kwargs)
    return Lead.objects.create(**values)


def test_outcome_twice_for_one_side_raises_integrity_error():
    meeting = MeetingFactory()
    MeetingOutcome.objects.create(meeting=meeting, side="company", attendance="held")

    with violates("outcome_one_per_side"):
        MeetingOutcome.objects.create(meeting=meeting, side="company", attendance="no_show")


def test_outcome_unknown_side_raises_integrity_error():
    with violates("outcome_side_valid"):
        MeetingOutcome.objects.create(meeting=MeetingFactory(), side="press", attendance="held")


def test_outcome_unknown_attendance_raises_integrity_error():
    with violates("outcome_attendance_valid"):
        MeetingOutcome.objects.create(meeting=MeetingFactory(), side="staff", attendance="maybe")


def test_lead_unknown_stage_raises_integrity_error():
    with violates("lead_stage_valid"):
        _lead(stage="won")


def test_lead_dropped_without_reason_raises_integrity_error():
    with violates("lead_dropped_has_reason"):
        _lead(stage=LeadStage.DROPPED)


def test_lead_agreement_without_kind_raises_integrity_error():
    with violates("lead_agreement_has_kind"):
        _lead(stage=LeadStage.AGREEMENT)


def test_lead_negative_value_raises_integrity_error():
    with violates("lead_value_gte_0"):
        _lead(
            stage=LeadStage.AGREEMENT,
            agreement_kind=AgreementKind.LICENSING,
            agreement_value=-1,
            currency="EUR",
        )


def test_lead_value_without_currency_raises_integrity_error():
    with violates("lead_value_has_currency"):
        _lead(agreement_value=1000)


def test_lead_reminder_twice_for_one_milestone_raises_integrity_error():
    mission, company = MissionFactory(), CompanyFactory()
    LeadReminder.objects.create(mission=mission, company=company, milestone_days=30, token_hash="a")

    with violates("reminder_once_per_milestone"):
        LeadReminder.objects.create(
            mission=mission, company=company, milestone_days=30, token_hash="b"
        )


def test_report_unknown_kind_raises_integrity_error():
    with violates("report_kind_valid"):
        Report.objects.create(kind="brochure", mission=MissionFactory())


def test_report_unknown_state_raises_integrity_error():
    with violates("report_state_valid"):
        Report.objects.create(kind=ReportKind.DOSSIER, mission=MissionFactory(), state="lost")


def test_report_done_without_file_raises_integrity_error():
    with violates("report_done_has_file"):
        Report.objects.create(
            kind=ReportKind.DOSSIER, mission=MissionFactory(), state=ReportState.DONE
        )


def test_report_progress_over_100_raises_integrity_error():
    with violates("report_progress_lte_100"):
        Report.objects.create(
            kind=ReportKind.DOSSIER,
            mission=MissionFactory(),
            progress=101,
            finished_at=timezone.now(),
        )
