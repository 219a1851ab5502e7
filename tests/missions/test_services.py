"""The mission workflow and the selection of companies: capacity, wait-list and e-mails."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from missions.enums import ApplicationStatus, MissionStatus, Objective
from missions.models import Application, HeldApplication, Mission
from missions.services import (
    application_accept,
    application_confirm,
    application_reject,
    application_submit,
    application_submit_as_representative,
    application_update,
    application_waitlist,
    application_withdraw,
    applications_decide,
    mission_close,
    mission_publish,
    mission_set_status,
    mission_team_add,
)
from partners.enums import ClaimStatus
from partners.models import Company, RepresentativeClaim
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the source language, whatever catalogues exist."""
    with translation.override("en"):
        yield


def _status(application: Application) -> str:
    application.refresh_from_db()
    return application.status


def _waitlisted(mission: Mission, *, at: dt.datetime, name: str) -> Application:
    return ApplicationFactory(
        mission=mission,
        company=CompanyFactory(legal_name=name),
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=at,
    )


# --- Mission workflow ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (MissionStatus.DRAFT, MissionStatus.OPEN),
        (MissionStatus.DRAFT, MissionStatus.CANCELLED),
        (MissionStatus.OPEN, MissionStatus.CLOSED),
        (MissionStatus.OPEN, MissionStatus.DRAFT),
        (MissionStatus.OPEN, MissionStatus.CANCELLED),
        (MissionStatus.CLOSED, MissionStatus.OPEN),
        (MissionStatus.CLOSED, MissionStatus.IN_PROGRESS),
        (MissionStatus.CLOSED, MissionStatus.CANCELLED),
        (MissionStatus.IN_PROGRESS, MissionStatus.COMPLETED),
        (MissionStatus.CANCELLED, MissionStatus.DRAFT),
    ],
)
def test_mission_set_status_allowed_transition_saves_new_status(old, new):
    mission = MissionFactory(status=old)

    result = mission_set_status(mission=mission, status=new)

    mission.refresh_from_db()
    assert result.status == new
    assert mission.status == new


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            MissionStatus.DRAFT,
            MissionStatus.COMPLETED,
            "A mission cannot go from “Draft” to “Completed”.",
        ),
        (
            MissionStatus.DRAFT,
            MissionStatus.CLOSED,
            "A mission cannot go from “Draft” to “Applications closed”.",
        ),
        (
            MissionStatus.COMPLETED,
            MissionStatus.OPEN,
            "A mission cannot go from “Completed” to “Open for applications”.",
        ),
        (
            MissionStatus.IN_PROGRESS,
            MissionStatus.CANCELLED,
            "A mission cannot go from “In progress” to “Cancelled”.",
        ),
        (
            MissionStatus.CANCELLED,
            MissionStatus.OPEN,
            "A mission cannot go from “Cancelled” to “Open for applications”.",
        ),
    ],
)
def test_mission_set_status_refused_transition_raises_and_keeps_status(old, new, message):
    mission = MissionFactory(status=old)

    with pytest.raises(ValidationError) as excinfo:
        mission_set_status(mission=mission, status=new)

    mission.refresh_from_db()
    assert excinfo.value.messages == [message]
    assert mission.status == old


def test_mission_set_status_same_status_returns_mission_unchanged():
    mission = MissionFactory(status=MissionStatus.COMPLETED)

    result = mission_set_status(mission=mission, status=MissionStatus.COMPLETED)

    assert result.status == MissionStatus.COMPLETED


def test_mission_publish_draft_opens_it():
    mission = MissionFactory(status=MissionStatus.DRAFT)

    mission_publish(mission=mission)

    mission.refresh_from_db()
    assert mission.status == MissionStatus.OPEN


def test_mission_close_open_mission_closes_it():
    mission = MissionFactory(status=MissionStatus.OPEN)

    mission_close(mission=mission)

    mission.refresh_from_db()
    assert mission.status == MissionStatus.CLOSED


def test_mission_close_draft_raises_validation_error():
    mission = MissionFactory(status=MissionStatus.DRAFT)

    with pytest.raises(ValidationError) as excinfo:
        mission_close(mission=mission)

    assert excinfo.value.messages == ["A mission cannot go from “Draft” to “Applications closed”."]


# --- Team ------------------------------------------------------------------------------------


def test_mission_team_add_puts_staff_on_the_team_once(staff):
    mission = MissionFactory()
    colleague = UserFactory(username="colleague", is_staff=True)

    mission_team_add(mission=mission, users=[staff, colleague])
    mission_team_add(mission=mission, users=[staff])

    assert list(mission.team.order_by("username")) == [staff, colleague]


def test_mission_team_add_representative_refused_and_nobody_added(staff, company_a_user):
    mission = MissionFactory()

    with pytest.raises(ValidationError) as excinfo:
        mission_team_add(mission=mission, users=[staff, company_a_user])

    assert excinfo.value.messages == ["Only agency staff join a mission's team, not rep-a."]
    assert list(mission.team.all()) == []


# --- Accept ----------------------------------------------------------------------------------


def test_application_accept_within_capacity_seats_it(staff):
    application = ApplicationFactory(mission=MissionFactory(capacity=2))

    result = application_accept(application=application, by=staff)

    application.refresh_from_db()
    assert result.status == ApplicationStatus.ACCEPTED
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.decided_by == staff
    assert application.decided_at is not None
    assert application.waitlisted_at is None


def test_application_accept_last_seat_seats_it(staff):
    mission = MissionFactory(capacity=2)
    ApplicationFactory(mission=mission, status=ApplicationStatus.CONFIRMED)
    application = ApplicationFactory(mission=mission)

    application_accept(application=application, by=staff)

    assert _status(application) == ApplicationStatus.ACCEPTED
    assert mission.applications.seated().count() == 2


@pytest.mark.parametrize("seated", [ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED])
def test_application_accept_full_mission_raises_and_keeps_status(staff, seated):
    mission = MissionFactory(capacity=1)
    ApplicationFactory(mission=mission, status=seated)
    application = ApplicationFactory(
        mission=mission, company=CompanyFactory(legal_name="Beta Biotech SARL")
    )

    with pytest.raises(ValidationError) as excinfo:
        application_accept(application=application, by=staff)

    application.refresh_from_db()
    assert excinfo.value.messages == [
        "The mission is full (1 company): wait-list Beta Biotech SARL instead."
    ]
    assert application.status == ApplicationStatus.APPLIED
    assert application.decided_at is None
    assert mission.applications.seated().count() == 1


def test_application_accept_mission_without_capacity_raises_validation_error(staff):
    application = ApplicationFactory(mission=MissionFactory(capacity=0))

    with pytest.raises(ValidationError):
        application_accept(application=application, by=staff)

    assert _status(application) == ApplicationStatus.APPLIED


def test_application_accept_already_accepted_returns_it_unchanged(staff):
    # Idempotent, even in a full mission: accepting twice is no error and no second decision.
    mission = MissionFactory(capacity=1)
    decided_at = timezone.now() - dt.timedelta(days=2)
    application = ApplicationFactory(
        mission=mission, status=ApplicationStatus.ACCEPTED, decided_at=decided_at
    )

    result = application_accept(application=application, by=staff)

    application.refresh_from_db()
    assert result.status == ApplicationStatus.ACCEPTED
    assert application.decided_at == decided_at
    assert application.decided_by is None


def test_application_accept_waitlisted_seats_it(staff):
    application = ApplicationFactory(status=ApplicationStatus.WAITLISTED)

    application_accept(application=application, by=staff)

    assert _status(application) == ApplicationStatus.ACCEPTED


def test_application_accept_rejected_seats_it(staff):
    application = ApplicationFactory(status=ApplicationStatus.REJECTED)

    application_accept(application=application, by=staff)

    assert _status(application) == ApplicationStatus.ACCEPTED


# --- Wait-list -------------------------------------------------------------------------------


def test_application_waitlist_applied_sets_waitlisted_at_to_decision_time(staff):
    application = ApplicationFactory()

    application_waitlist(application=application, by=staff)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    assert application.waitlisted_at is not None
    assert application.waitlisted_at == application.decided_at


def test_application_waitlist_already_waitlisted_keeps_waitlisted_at(staff):
    at = timezone.now() - dt.timedelta(days=3)
    application = ApplicationFactory(status=ApplicationStatus.WAITLISTED, waitlisted_at=at)

    application_waitlist(application=application, by=staff)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    assert application.waitlisted_at == at
    assert application.decided_at is None


def test_application_waitlist_again_after_acceptance_keeps_original_waitlisted_at(staff):
    at = timezone.now() - dt.timedelta(days=3)
    application = ApplicationFactory(status=ApplicationStatus.WAITLISTED, waitlisted_at=at)
    application_accept(application=application, by=staff)

    application_waitlist(application=application, by=staff)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    assert application.waitlisted_at == at


def test_application_waitlist_accepted_promotes_another_but_not_itself(staff):
    # The accepted company was wait-listed first long ago: first in line, it must still not
    # get its own seat back.
    now = timezone.now()
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.ACCEPTED,
        waitlisted_at=now - dt.timedelta(days=10),
    )
    waiting = _waitlisted(mission, at=now - dt.timedelta(days=1), name="Waiting SA")

    application_waitlist(application=seated, by=staff)

    assert _status(seated) == ApplicationStatus.WAITLISTED
    assert _status(waiting) == ApplicationStatus.ACCEPTED
    assert list(mission.applications.seated()) == [waiting]


# --- Reject ----------------------------------------------------------------------------------


def test_application_reject_applied_rejects_it(staff):
    application = ApplicationFactory()

    application_reject(application=application, by=staff)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decided_by == staff


def test_application_reject_accepted_promotes_first_waitlisted(staff):
    now = timezone.now()
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    second = _waitlisted(mission, at=now - dt.timedelta(hours=1), name="Second SA")
    first = _waitlisted(mission, at=now - dt.timedelta(hours=2), name="First SA")

    application_reject(application=seated, by=staff)

    assert _status(seated) == ApplicationStatus.REJECTED
    assert _status(first) == ApplicationStatus.ACCEPTED
    assert _status(second) == ApplicationStatus.WAITLISTED


def test_application_reject_applied_promotes_nobody(staff):
    mission = MissionFactory(capacity=1)
    application = ApplicationFactory(mission=mission)
    waiting = _waitlisted(mission, at=timezone.now(), name="Waiting SA")

    application_reject(application=application, by=staff)

    assert _status(waiting) == ApplicationStatus.WAITLISTED


# --- Withdraw and the wait-list --------------------------------------------------------------


def test_application_withdraw_seated_promotes_first_waitlisted(staff):
    # Created out of order, so that the line follows waitlisted_at and not the primary key;
    # "tie" shares its time with "first" and comes after it by primary key.
    now = timezone.now()
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    last = _waitlisted(mission, at=now - dt.timedelta(hours=1), name="Last SA")
    first = _waitlisted(mission, at=now - dt.timedelta(hours=3), name="First SA")
    tie = _waitlisted(mission, at=now - dt.timedelta(hours=3), name="Tie SA")

    application_withdraw(application=seated, by=None)

    assert _status(seated) == ApplicationStatus.WITHDRAWN
    assert _status(first) == ApplicationStatus.ACCEPTED
    assert _status(tie) == ApplicationStatus.WAITLISTED
    assert _status(last) == ApplicationStatus.WAITLISTED
    assert list(mission.applications.waitlisted()) == [tie, last]


def test_application_withdraw_seated_tie_on_waitlisted_at_promotes_lower_pk(staff):
    at = timezone.now() - dt.timedelta(hours=1)
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.CONFIRMED)
    earlier_pk = _waitlisted(mission, at=at, name="Earlier SA")
    later_pk = _waitlisted(mission, at=at, name="Later SA")

    application_withdraw(application=seated, by=staff)

    assert _status(earlier_pk) == ApplicationStatus.ACCEPTED
    assert _status(later_pk) == ApplicationStatus.WAITLISTED


def test_application_withdraw_seated_promotes_with_decider(staff):
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    waiting = _waitlisted(mission, at=timezone.now(), name="Waiting SA")

    application_withdraw(application=seated, by=staff)

    waiting.refresh_from_db()
    assert waiting.decided_by == staff
    assert waiting.decided_at is not None


def test_application_withdraw_one_seat_freed_promotes_one_only(staff):
    now = timezone.now()
    mission = MissionFactory(capacity=2)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    waiting = [
        _waitlisted(mission, at=now - dt.timedelta(hours=3 - i), name=f"Waiting {i} SA")
        for i in range(3)
    ]

    application_withdraw(application=seated, by=staff)

    assert [_status(application) for application in waiting] == [
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.WAITLISTED,
    ]
    assert mission.applications.seated().count() == 2


@pytest.mark.parametrize("status", [ApplicationStatus.APPLIED, ApplicationStatus.WAITLISTED])
def test_application_withdraw_not_seated_promotes_nobody(staff, status):
    # The mission has a free seat already: only a freed seat triggers a promotion.
    now = timezone.now()
    mission = MissionFactory(capacity=2)
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    application = ApplicationFactory(
        mission=mission, status=status, waitlisted_at=now - dt.timedelta(days=1)
    )
    waiting = _waitlisted(mission, at=now, name="Waiting SA")

    application_withdraw(application=application, by=None)

    assert _status(application) == ApplicationStatus.WITHDRAWN
    assert _status(waiting) == ApplicationStatus.WAITLISTED


def test_application_withdraw_already_withdrawn_returns_it_unchanged():
    application = ApplicationFactory(status=ApplicationStatus.WITHDRAWN)

    result = application_withdraw(application=application, by=None)

    assert result.status == ApplicationStatus.WITHDRAWN


# --- Confirm ---------------------------------------------------------------------------------


def test_application_confirm_accepted_confirms_it():
    application = ApplicationFactory(status=ApplicationStatus.ACCEPTED)

    application_confirm(application=application, by=None)

    assert _status(application) == ApplicationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (ApplicationStatus.APPLIED, "Applied"),
        (ApplicationStatus.WAITLISTED, "Wait-listed"),
        (ApplicationStatus.REJECTED, "Rejected"),
        (ApplicationStatus.WITHDRAWN, "Withdrawn"),
    ],
)
def test_application_confirm_not_accepted_raises_validation_error(status, label):
    application = ApplicationFactory(
        status=status, company=CompanyFactory(legal_name="Alpha Pharma SA")
    )

    with pytest.raises(ValidationError) as excinfo:
        application_confirm(application=application, by=None)

    assert excinfo.value.messages == [
        f"The application of Alpha Pharma SA cannot go from “{label}” to “Confirmed”."
    ]
    assert _status(application) == status


# --- Refused transitions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "service", "message"),
    [
        (ApplicationStatus.WITHDRAWN, application_accept, "“Withdrawn” to “Accepted”"),
        (ApplicationStatus.WITHDRAWN, application_waitlist, "“Withdrawn” to “Wait-listed”"),
        (ApplicationStatus.WITHDRAWN, application_reject, "“Withdrawn” to “Rejected”"),
        (ApplicationStatus.CONFIRMED, application_accept, "“Confirmed” to “Accepted”"),
        (ApplicationStatus.CONFIRMED, application_waitlist, "“Confirmed” to “Wait-listed”"),
        (ApplicationStatus.CONFIRMED, application_reject, "“Confirmed” to “Rejected”"),
        (ApplicationStatus.REJECTED, application_withdraw, "“Rejected” to “Withdrawn”"),
    ],
)
def test_application_refused_transition_raises_and_keeps_status(staff, status, service, message):
    application = ApplicationFactory(
        status=status, company=CompanyFactory(legal_name="Alpha Pharma SA")
    )

    with pytest.raises(ValidationError) as excinfo:
        service(application=application, by=staff)

    assert excinfo.value.messages == [
        f"The application of Alpha Pharma SA cannot go from {message}."
    ]
    assert _status(application) == status


# --- Bulk decisions --------------------------------------------------------------------------


def test_applications_decide_accept_more_than_capacity_returns_done_and_errors(staff):
    mission = MissionFactory(capacity=2)
    fits = [
        ApplicationFactory(mission=mission, company=CompanyFactory(legal_name=f"Fits {i} SA"))
        for i in range(2)
    ]
    too_many = ApplicationFactory(mission=mission, company=CompanyFactory(legal_name="Late SA"))
    withdrawn = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WITHDRAWN,
        company=CompanyFactory(legal_name="Gone SA"),
    )

    done, errors = applications_decide(
        applications=[*fits, too_many, withdrawn], status=ApplicationStatus.ACCEPTED, by=staff
    )

    assert done == fits
    assert [application.status for application in done] == [ApplicationStatus.ACCEPTED] * 2
    assert errors == [
        "The mission is full (2 companies): wait-list Late SA instead.",
        "The application of Gone SA cannot go from “Withdrawn” to “Accepted”.",
    ]
    assert _status(too_many) == ApplicationStatus.APPLIED


def test_applications_decide_waitlist_returns_all_done(staff):
    mission = MissionFactory()
    applications = ApplicationFactory.create_batch(3, mission=mission)

    done, errors = applications_decide(
        applications=applications, status=ApplicationStatus.WAITLISTED, by=staff
    )

    assert done == applications
    assert errors == []
    assert mission.applications.waitlisted().count() == 3


def test_applications_decide_reject_returns_all_done(staff):
    applications = ApplicationFactory.create_batch(2)

    done, errors = applications_decide(
        applications=applications, status=ApplicationStatus.REJECTED, by=staff
    )

    assert done == applications
    assert errors == []
    assert [_status(application) for application in applications] == [
        ApplicationStatus.REJECTED
    ] * 2


# --- Decision e-mails ------------------------------------------------------------------------


def test_application_accept_sends_one_email_after_commit(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    contact = ContactFactory(email="amira@alpha.example")
    application = ApplicationFactory(
        company=contact.company,
        contact=contact,
        language="en",
        mission=MissionFactory(title="Biotech Wallonia"),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_accept(application=application, by=staff)
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["amira@alpha.example"]
    assert email.subject == "Your application to “Biotech Wallonia”"
    assert (
        f"{application.company.legal_name} is accepted in the delegation of the mission "
        "“Biotech Wallonia”." in email.body
    )
    assert email.extra_headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("service", "sentence"),
    [
        (application_waitlist, "is on the waiting list"),
        (application_reject, "has not been retained"),
    ],
)
def test_application_decision_sends_email_with_its_sentence(
    staff, django_capture_on_commit_callbacks, mailoutbox, service, sentence
):
    application = ApplicationFactory(language="en")

    with django_capture_on_commit_callbacks(execute=True):
        service(application=application, by=staff)

    assert len(mailoutbox) == 1
    assert sentence in mailoutbox[0].body
    assert mailoutbox[0].to == [application.contact.email]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_application_decision_email_is_in_application_language(
    staff, django_capture_on_commit_callbacks, mailoutbox, language
):
    application = ApplicationFactory(language=language)

    with django_capture_on_commit_callbacks(execute=True):
        application_accept(application=application, by=staff)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Content-Language"] == language


def test_application_accept_without_contact_sends_no_email(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    application = ApplicationFactory(contact=None)

    with django_capture_on_commit_callbacks(execute=True):
        application_accept(application=application, by=staff)

    assert _status(application) == ApplicationStatus.ACCEPTED
    assert mailoutbox == []


def test_application_accept_contact_without_email_sends_no_email(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    contact = ContactFactory(email="")
    application = ApplicationFactory(company=contact.company, contact=contact)

    with django_capture_on_commit_callbacks(execute=True):
        application_accept(application=application, by=staff)

    assert mailoutbox == []


def test_application_accept_already_accepted_sends_no_email(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    application = ApplicationFactory(status=ApplicationStatus.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_accept(application=application, by=staff)

    assert callbacks == []
    assert mailoutbox == []


def test_application_accept_full_mission_sends_no_email(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    mission = MissionFactory(capacity=0)
    application = ApplicationFactory(mission=mission)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        application_accept(application=application, by=staff)

    assert mailoutbox == []


@pytest.mark.parametrize(
    ("status", "service"),
    [
        (ApplicationStatus.ACCEPTED, application_confirm),
        (ApplicationStatus.APPLIED, application_withdraw),
    ],
)
def test_application_confirm_or_withdraw_sends_no_email(
    django_capture_on_commit_callbacks, mailoutbox, status, service
):
    application = ApplicationFactory(status=status)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        service(application=application, by=None)

    assert callbacks == []
    assert mailoutbox == []


def test_application_withdraw_seated_emails_the_promoted_company_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    waiting = _waitlisted(mission, at=timezone.now(), name="Waiting SA")

    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=seated, by=None)

    assert [email.to for email in mailoutbox] == [[waiting.contact.email]]
    assert (
        "Waiting SA est acceptée dans la délégation" in mailoutbox[0].body
    )  # French: its language


def test_application_waitlist_accepted_emails_both_companies(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    mission = MissionFactory(capacity=1)
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    waiting = _waitlisted(mission, at=timezone.now(), name="Waiting SA")

    with django_capture_on_commit_callbacks(execute=True):
        application_waitlist(application=seated, by=staff)

    assert [email.to for email in mailoutbox] == [[seated.contact.email], [waiting.contact.email]]
    assert "est sur liste d'attente" in mailoutbox[0].body
    assert "Waiting SA est acceptée dans la délégation" in mailoutbox[1].body


def test_applications_decide_sends_one_email_per_decision(
    staff, django_capture_on_commit_callbacks, mailoutbox
):
    mission = MissionFactory(capacity=2)
    applications = ApplicationFactory.create_batch(3, mission=mission)

    with django_capture_on_commit_callbacks(execute=True):
        done, errors = applications_decide(
            applications=applications, status=ApplicationStatus.ACCEPTED, by=staff
        )

    assert (len(done), len(errors)) == (2, 1)
    assert sorted(email.to[0] for email in mailoutbox) == sorted(
        application.contact.email for application in applications[:2]
    )


# --- Public application ----------------------------------------------------------------------


def _company_data(**kwargs) -> dict:
    data = {
        "legal_name": "Alpha Pharma SA",
        "tax_id": "1234567/a/a/m/000",
        "governorate": "sfax",
        "city": "Sfax",
        "sectors": [],
        "size": "medium",
        "certifications": [],
        "export_markets": ["FR"],
        "website": "https://alpha.example",
        "description": "Generic medicines.",
    }
    data.update(kwargs)
    return data


def _contact_data(**kwargs) -> dict:
    data = {
        "first_name": "Amira",
        "last_name": "Ben Salah",
        "role": "Export manager",
        "email": "amira@alpha.example",
        "phone": "+21671234567",
    }
    data.update(kwargs)
    return data


def _submit(mission: Mission, **kwargs) -> Application | HeldApplication:
    values = {
        "mission": mission,
        "company_data": _company_data(),
        "contact_data": _contact_data(),
        "objectives": [Objective.EXPORT],
        "target_markets": ["BE"],
        "motivation": "We export to Europe.",
        "wishes": [],
        "language": "en",
    }
    values.update(kwargs)
    return application_submit(**values)


def test_application_submit_new_company_creates_company_contact_and_application():
    mission = MissionFactory()
    partner = MissionPartnerFactory(mission=mission).organisation

    application = _submit(
        mission,
        objectives=[Objective.EXPORT, Objective.LICENSING, Objective.EXPORT],
        wishes=[(partner, 1, "Their cluster.")],
    )

    assert application.status == ApplicationStatus.APPLIED
    assert application.company.tax_id == "1234567AAM000"
    assert application.contact.email == "amira@alpha.example"
    assert application.contact.language == "en"
    assert application.consent_text_version == "2026-11-v1"
    assert sorted(application.objectives.values_list("objective", flat=True)) == [
        Objective.EXPORT,
        Objective.LICENSING,
    ]
    assert list(application.wishes.values_list("partner", "priority", "motivation")) == [
        (partner.pk, 1, "Their cluster.")
    ]


def test_application_submit_new_company_records_claim_for_its_first_contact():
    mission = MissionFactory()

    application = _submit(mission)

    claim = RepresentativeClaim.objects.get()
    assert (claim.company, claim.contact) == (application.company, application.contact)
    assert (claim.status, claim.company_name) == (ClaimStatus.UNVERIFIED, "Alpha Pharma SA")
    # The first representative of a company new to the portal waits for staff to select it.
    assert application.contact.is_confirmed is False


def test_application_submit_known_tax_id_in_other_spelling_changes_nothing_and_holds():
    company = CompanyFactory(
        legal_name="Alpha Pharmaceuticals", tax_id="1234567AAM000", city="", website=""
    )
    mission = MissionFactory()
    partner = MissionPartnerFactory(mission=mission).organisation

    held = _submit(
        mission,
        company_data=_company_data(tax_id="1234567aam000"),
        wishes=[(partner, 1, "Vaccines.")],
    )

    company.refresh_from_db()
    assert isinstance(held, HeldApplication)
    assert (held.claim.company, held.mission) == (company, mission)
    assert (held.objectives, held.wishes) == ([Objective.EXPORT], [[partner.pk, 1, "Vaccines."]])
    assert Company.objects.count() == 1
    assert Application.objects.count() == 0
    assert company.contacts.count() == 0
    # Not even empty fields are filled in: the sender may be anyone.
    assert (company.legal_name, company.city, company.website) == ("Alpha Pharmaceuticals", "", "")


def test_application_submit_known_company_leaves_its_application_alone():
    mission = MissionFactory()
    partner = MissionPartnerFactory(mission=mission).organisation
    first = _submit(mission, motivation="First.", wishes=[(partner, 1, "")])
    contact = first.contact

    _submit(
        mission,
        contact_data=_contact_data(email="stranger@evil.example"),
        objectives=[Objective.RD_COLLABORATION],
        motivation="Rewritten.",
    )

    first.refresh_from_db()
    assert (first.contact, first.motivation) == (contact, "First.")
    assert list(first.objectives.values_list("objective", flat=True)) == [Objective.EXPORT]
    assert list(first.wishes.values_list("partner", flat=True)) == [partner.pk]
    assert Application.objects.count() == 1


def test_application_submit_known_contact_address_does_not_rewrite_the_contact():
    contact = ContactFactory(
        first_name="Amira",
        last_name="Ben Salah",
        role="CEO",
        phone="+21671000000",
        email="amira@alpha.example",
        company__tax_id="1234567AAM000",
    )
    mission = MissionFactory()

    held = _submit(
        mission,
        contact_data=_contact_data(first_name="Mallory", role="Intern", phone="+21698000000"),
    )

    contact.refresh_from_db()
    assert (contact.first_name, contact.role, contact.phone) == ("Amira", "CEO", "+21671000000")
    assert held.claim.contact == contact


def _rep(company: Company, email: str = "rep@alpha.example"):
    ContactFactory(company=company, email=email)
    return UserFactory(email=email, company=company)


def test_application_submit_as_representative_creates_then_updates():
    mission = MissionFactory()
    company = CompanyFactory()
    user = _rep(company)

    first, created = _submit_as_rep(mission, user, motivation="First.")
    second, created_again = _submit_as_rep(
        mission, user, objectives=[Objective.RD_COLLABORATION], motivation="2nd."
    )

    assert (created, created_again) == (True, False)
    assert second.pk == first.pk
    assert first.contact.email == "rep@alpha.example"
    assert Application.objects.get().motivation == "2nd."
    assert list(second.objectives.values_list("objective", flat=True)) == [
        Objective.RD_COLLABORATION
    ]


def _submit_as_rep(mission: Mission, user, **kwargs) -> tuple[Application, bool]:
    values = {
        "mission": mission,
        "user": user,
        "objectives": [Objective.EXPORT],
        "target_markets": ["BE"],
        "motivation": "We export to Europe.",
        "wishes": [],
        "language": "en",
    }
    values.update(kwargs)
    return application_submit_as_representative(**values)


def test_application_submit_as_representative_after_withdrawal_goes_back_to_applied():
    mission = MissionFactory()
    user = _rep(CompanyFactory())
    application, _ = _submit_as_rep(mission, user)
    application_withdraw(application=application, by=None)

    again, created = _submit_as_rep(mission, user)

    assert created is False
    assert again.pk == application.pk
    assert _status(application) == ApplicationStatus.APPLIED


def test_application_submit_as_representative_rejected_is_refused():
    mission = MissionFactory()
    user = _rep(CompanyFactory())
    application, _ = _submit_as_rep(mission, user, motivation="Kept.")
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.REJECTED)

    with pytest.raises(ValidationError) as excinfo:
        _submit_as_rep(mission, user, motivation="Changed.")

    assert excinfo.value.messages == ["A rejected application can no longer be changed."]
    application.refresh_from_db()
    assert application.motivation == "Kept."


def test_application_submit_after_withdrawal_then_waitlisted_joins_end_of_line(staff):
    # "Coming back after withdrawing is a new application": it must not keep the place in
    # line it had before withdrawing, ahead of companies wait-listed in the meantime.
    now = timezone.now()
    mission = MissionFactory(capacity=1)
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    user = _rep(CompanyFactory())
    application, _ = _submit_as_rep(mission, user)
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.WAITLISTED, waitlisted_at=now - dt.timedelta(days=10)
    )
    application_withdraw(application=application, by=None)
    meanwhile = _waitlisted(mission, at=now - dt.timedelta(days=5), name="Meanwhile SA")
    _submit_as_rep(mission, user)

    application_waitlist(application=application, by=staff)

    assert list(mission.applications.waitlisted()) == [meanwhile, application]


def test_application_update_changes_fields_and_keeps_wishes():
    mission = MissionFactory()
    partner = MissionPartnerFactory(mission=mission).organisation
    user = _rep(CompanyFactory())
    application, _ = _submit_as_rep(mission, user, wishes=[(partner, 2, "Labs.")])

    application_update(
        application=application,
        user=user,
        objectives=[Objective.LICENSING],
        target_markets=["SN"],
        motivation="New plan.",
        language="fr",
    )

    application.refresh_from_db()
    assert (application.motivation, application.language) == ("New plan.", "fr")
    assert [c.code for c in application.target_markets] == ["SN"]
    assert list(application.wishes.values_list("partner", "priority")) == [(partner.pk, 2)]


def test_application_update_other_company_refused():
    mission = MissionFactory()
    application = ApplicationFactory(mission=mission, motivation="Theirs.")
    intruder = _rep(CompanyFactory(), email="intruder@other.example")

    with pytest.raises(ValidationError):
        application_update(
            application=application,
            user=intruder,
            objectives=[],
            target_markets=[],
            motivation="Mine.",
            language="en",
        )

    application.refresh_from_db()
    assert application.motivation == "Theirs."


def test_application_submit_sends_confirmation_email_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    mission = MissionFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _submit(mission)
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert [email.to for email in mailoutbox] == [["amira@alpha.example"]]


@pytest.mark.parametrize(
    "mission_values",
    [
        {"status": MissionStatus.CLOSED},
        {"status": MissionStatus.DRAFT},
        {"application_deadline": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    ],
)
def test_application_submit_mission_not_accepting_raises_and_saves_nothing(mission_values):
    mission = MissionFactory(**mission_values)

    with pytest.raises(ValidationError) as excinfo:
        _submit(mission)

    assert excinfo.value.messages == ["This mission no longer accepts applications."]
    assert (Application.objects.count(), Company.objects.count()) == (0, 0)


def test_application_submit_wish_for_partner_of_other_mission_raises_and_saves_nothing():
    mission = MissionFactory()
    stranger = PartnerOrganisationFactory(name="Stranger Lab")

    with pytest.raises(ValidationError) as excinfo:
        _submit(mission, wishes=[(stranger, 1, "")])

    assert excinfo.value.messages == ["Stranger Lab does not take part in this mission."]
    assert (Application.objects.count(), Company.objects.count()) == (0, 0)


@pytest.mark.parametrize("priority", [0, 4])
def test_application_submit_wish_priority_outside_1_to_3_raises(priority):
    mission = MissionFactory()
    partner = MissionPartnerFactory(mission=mission).organisation

    with pytest.raises(ValidationError) as excinfo:
        _submit(mission, wishes=[(partner, priority, "")])

    assert excinfo.value.messages == ["The priority goes from 1 to 3."]
    assert Application.objects.count() == 0
