"""Personal data (issue 11 §3): export everything about a contact or a company, erase a
contact so that no trace of who they were remains anywhere in the database while the
business records stay, and the retention rule."""

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cepex_portal.models import LoginLink
from matchmaking.models import MeetingNotification
from missions.enums import ApplicationStatus
from missions.models import Application
from partners.models import CompanyRevision, Contact, RepresentativeClaim
from privacy.models import Erasure, ErasureReason
from privacy.selectors import company_data, contact_data, contacts_past_retention
from privacy.services import (
    contact_erase,
    export_csv_zip,
    export_json,
    retention_apply,
    unreviewed_held_applications_delete,
    unverified_claims_delete,
)
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    PartnerOrganisationFactory,
    RepresentativeClaimFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Leila Trabelsi", "leila.trabelsi@carthage.example", "+21698765432"


@pytest.fixture
def person():
    """Leila, representative of Carthage Pharma: a contact, an account that logged in, a
    claim, an application with its consent, a meeting e-mail, a company change she made,
    an admin log line, and a version of her application in the audit trail."""
    company = CompanyFactory(legal_name="Carthage Pharma SA")
    contact = ContactFactory(
        company=company, first_name="Leila", last_name="Trabelsi", email=EMAIL, phone=PHONE
    )
    user = UserFactory(
        username="leila", email=EMAIL, first_name="Leila", last_name="Trabelsi", company=company
    )
    LoginLink.objects.create(
        user=user,
        token_hash=LoginLink.hash_token("a-token"),
        expires_at=timezone.now() + dt.timedelta(minutes=30),
    )
    RepresentativeClaimFactory(
        company=company, first_name="Leila", last_name="Trabelsi", email=EMAIL, phone=PHONE
    )
    mission = MissionFactory(title="Wallonie 2017")
    application = ApplicationFactory(
        mission=mission, company=company, contact=contact, motivation="Vaccines"
    )
    application._history_user = user
    application.motivation = "Vaccines and biosimilars"
    application.save()
    meeting = MeetingFactory(request=MeetingRequestFactory(mission=mission, company=company))
    MeetingNotification.objects.create(
        meeting=meeting,
        sequence=0,
        recipient=EMAIL,
        side="company",
        change="confirmed",
        language="fr",
        sent_at=timezone.now(),
    )
    CompanyRevision.objects.create(
        company=company, changed_by=user, changes={"phone": ["", PHONE], "contact": ["", NAME]}
    )
    LogEntry.objects.log_actions(
        user_id=UserFactory(username="charge").pk,
        queryset=[contact],
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["{NAME}"]}}}}]',
    )
    return contact


def _traces(*needles: str) -> list[str]:
    """Every row of every table (audit trail and admin log included) whose text holds one
    of ``needles``: ``app.Model#pk.field``."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for field in (f for f in fields if not isinstance(f, models.JSONField)):
            condition = Q()
            for needle in needles:
                condition |= Q(**{f"{field.attname}__icontains": needle})
            if condition:
                for pk in model._default_manager.filter(condition).values_list("pk", flat=True):
                    found.append(f"{model._meta.label}#{pk}.{field.name}")
        for field in (f for f in fields if isinstance(f, models.JSONField)):
            for pk, value in model._default_manager.values_list("pk", field.attname):
                text = json.dumps(value, ensure_ascii=False).lower()
                if any(needle.lower() in text for needle in needles):
                    found.append(f"{model._meta.label}#{pk}.{field.name}")
    return found


# --- Export -----------------------------------------------------------------------------------


def test_contact_export_holds_everything_about_the_person(person):
    data = contact_data(contact=person)

    assert data["contact"][0]["email"] == EMAIL
    assert data["contact"][0]["phone"] == PHONE
    assert [a["username"] for a in data["accounts"]] == ["leila"]
    assert "password" not in data["accounts"][0]
    assert len(data["login_links"]) == 1
    assert "token_hash" not in json.dumps(data)
    assert [c["email"] for c in data["representative_claims"]] == [EMAIL]
    assert [a["motivation"] for a in data["applications"]] == ["Vaccines and biosimilars"]
    assert data["applications"][0]["consent_text_version"]
    assert [n["recipient"] for n in data["meeting_emails"]] == [EMAIL]
    assert [(c["model"], c["change"]) for c in data["changes_made"]] == [
        ("missions.Application", "~")
    ]


def test_company_export_holds_its_contacts_applications_and_meetings(person):
    data = company_data(company=person.company)

    assert data["company"][0]["legal_name"] == "Carthage Pharma SA"
    assert [c["email"] for c in data["contacts"]] == [EMAIL]
    assert len(data["applications"]) == 1
    assert len(data["meetings"]) == 1
    assert len(data["meeting_requests"]) == 1


def test_json_export_is_one_document_in_utf8():
    document = json.loads(export_json(data={"contact": [{"last_name": "Ben Salah – بن صالح"}]}))

    assert document == {"contact": [{"last_name": "Ben Salah – بن صالح"}]}


def test_csv_export_is_a_zip_of_one_csv_per_section_safe_from_formulas():
    data = {
        "contact": [{"first_name": "=HYPERLINK(1)", "phone": "+21671234567"}],
        "applications": [],
    }

    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip(data=data)))

    assert sorted(archive.namelist()) == ["applications.csv", "contact.csv"]
    text = archive.read("contact.csv").decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(text))) == [
        {"first_name": "'=HYPERLINK(1)", "phone": "+21671234567"}
    ]


# --- Erasure ----------------------------------------------------------------------------------


def test_erase_leaves_no_trace_of_the_person_anywhere(person):
    assert len(_traces(EMAIL, PHONE, NAME)) >= 8  # the fixture put them everywhere
    staff = UserFactory(username="dpo", is_staff=True, is_superuser=True)

    erasure = contact_erase(contact=person, by=staff, reason=ErasureReason.REQUEST)

    assert _traces(EMAIL, PHONE, NAME) == []
    assert (erasure.contact_id, erasure.erased_by, erasure.reason) == (person.pk, staff, "request")
    assert erasure.scrubbed["accounts"] == 1
    assert erasure.scrubbed["history"] >= 0


def test_erase_keeps_the_business_records(person):
    application = Application.objects.get(contact=person)

    contact_erase(contact=person, by=None, reason=ErasureReason.REQUEST)

    person.refresh_from_db()
    application.refresh_from_db()
    assert application.contact == person
    assert application.motivation == "Vaccines and biosimilars"
    assert person.company.meetings.count() == 1
    assert person.erased_at is not None
    assert (person.first_name, person.email, person.phone, person.role) == ("—", "", "", "")
    assert str(person.pk) in person.last_name


def test_erase_closes_the_persons_account(person):
    contact_erase(contact=person, by=None, reason=ErasureReason.REQUEST)

    assert LoginLink.objects.count() == 0
    account = UserFactory._meta.model.objects.get(username__startswith="erased-")
    assert account.is_active is False
    assert account.has_usable_password() is False
    assert RepresentativeClaim.objects.get().email.endswith("@erased.invalid")


def test_erase_a_partner_contact_scrubs_the_attendees_lists():
    partner = PartnerOrganisationFactory(name="BioWin")
    contact = ContactFactory(
        company=None, organisation=partner, first_name="Sylvie", last_name="Dumont"
    )
    request = MeetingRequestFactory(partner=partner, partner_attendees="Sylvie Dumont, CEO")

    contact_erase(contact=contact, by=None, reason=ErasureReason.REQUEST)

    request.refresh_from_db()
    assert request.partner_attendees == "—, CEO"
    assert _traces("Sylvie Dumont") == []


# --- Retention --------------------------------------------------------------------------------


def _ended(application: Application, *, months_ago: int) -> None:
    when = timezone.now() - dt.timedelta(days=round(months_ago * 30.5))
    Application.objects.filter(pk=application.pk).update(updated_at=when)


def test_retention_erases_contacts_of_applications_rejected_long_ago():
    old = ApplicationFactory(status=ApplicationStatus.REJECTED)
    recent = ApplicationFactory(status=ApplicationStatus.REJECTED)
    accepted = ApplicationFactory(status=ApplicationStatus.ACCEPTED)
    _ended(old, months_ago=25)
    _ended(recent, months_ago=23)
    _ended(accepted, months_ago=40)

    assert list(contacts_past_retention(months=24)) == [old.contact]
    assert retention_apply(months=24, dry_run=True) == [old.contact.pk]
    assert Erasure.objects.count() == 0

    assert retention_apply(months=24) == [old.contact.pk]
    assert list(Erasure.objects.values_list("contact_id", "reason")) == [
        (old.contact.pk, "retention")
    ]
    assert retention_apply(months=24) == []  # erased once


def test_retention_keeps_a_contact_whose_company_met_partners():
    application = ApplicationFactory(status=ApplicationStatus.WITHDRAWN)
    _ended(application, months_ago=30)
    MeetingFactory(
        request=MeetingRequestFactory(mission=application.mission, company=application.company)
    )

    assert list(contacts_past_retention(months=24)) == []


def test_retention_keeps_a_contact_with_another_application_still_open():
    rejected = ApplicationFactory(status=ApplicationStatus.REJECTED)
    _ended(rejected, months_ago=30)
    ApplicationFactory(
        company=rejected.company, contact=rejected.contact, status=ApplicationStatus.APPLIED
    )

    assert list(contacts_past_retention(months=24)) == []


def test_admin_log_of_the_contact_is_scrubbed(person):
    contact_erase(contact=person, by=None, reason=ErasureReason.REQUEST)

    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Contact))
    assert entry.object_repr == f"Erased contact #{person.pk}"


# --- The command ------------------------------------------------------------------------------


def test_apply_retention_command_dry_run_lists_and_erases_nothing():
    old = ApplicationFactory(status=ApplicationStatus.REJECTED)
    _ended(old, months_ago=30)
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    assert out.getvalue() == (
        f"Retention (24 months): would erase 1 contacts. #{old.contact.pk}\n"
        "Claims never verified (30 days): would delete 0. "
        "Applications nobody reviewed (30 days): would delete 0.\n"
    )
    assert Erasure.objects.count() == 0


def test_apply_retention_command_bad_months_exits_2_with_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "apply_retention", "--months", "0"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_DEBUG": "1"},
    )

    assert result.returncode == 2
    assert result.stderr == "CommandError: --months must be at least 1, not 0.\n"


def test_retention_deletes_claims_never_verified_after_30_days():
    old = RepresentativeClaimFactory(email="stranger@nowhere.example")
    recent = RepresentativeClaimFactory()
    verified = RepresentativeClaimFactory(
        status="pending", email_verified_at=timezone.now() - dt.timedelta(days=90)
    )
    for claim, days in ((old, 31), (recent, 29), (verified, 90)):
        RepresentativeClaim.objects.filter(pk=claim.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days)
        )

    assert unverified_claims_delete(days=30, dry_run=True) == 1
    assert unverified_claims_delete(days=30) == 1

    assert sorted(RepresentativeClaim.objects.values_list("pk", flat=True)) == sorted(
        [recent.pk, verified.pk]
    )
    assert _traces("stranger@nowhere.example") == []


def _held(claim, *, days_ago: int, outcome: str = ""):
    from django.core.files.base import ContentFile

    from missions.models import HeldApplication

    held = HeldApplication.objects.create(
        claim=claim,
        mission=MissionFactory(),
        motivation="Texte confidentiel de Mallory",
        consent_text_version="v1",
        consent_at=timezone.now(),
        outcome=outcome,
    )
    held.brochure.save("mallory.pdf", ContentFile(b"%PDF-1.4 held"), save=True)
    HeldApplication.objects.filter(pk=held.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return held


def test_retention_deletes_held_applications_nobody_reviewed_with_their_brochure(
    django_capture_on_commit_callbacks,
):
    from missions.models import HeldApplication

    approved = RepresentativeClaimFactory(
        status="approved", email_verified_at=timezone.now(), decided_at=timezone.now()
    )
    forgotten = _held(approved, days_ago=31)
    recent = _held(approved, days_ago=29)
    submitted = _held(approved, days_ago=90, outcome="applied")
    storage, brochure = forgotten.brochure.storage, forgotten.brochure.name
    assert storage.exists(brochure)

    assert unreviewed_held_applications_delete(days=30, dry_run=True) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert unreviewed_held_applications_delete(days=30) == 1

    assert sorted(HeldApplication.objects.values_list("pk", flat=True)) == sorted(
        [recent.pk, submitted.pk]
    )
    assert not storage.exists(brochure)


def test_apply_retention_command_deletes_claims_and_held_applications_as_beat_does():
    old_claim = RepresentativeClaimFactory()
    RepresentativeClaim.objects.filter(pk=old_claim.pk).update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )
    _held(
        RepresentativeClaimFactory(
            status="approved", email_verified_at=timezone.now(), decided_at=timezone.now()
        ),
        days_ago=31,
    )
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert out.getvalue().splitlines()[1] == (
        "Claims never verified (30 days): deleted 1. "
        "Applications nobody reviewed (30 days): deleted 1."
    )
    assert not RepresentativeClaim.objects.filter(pk=old_claim.pk).exists()


def test_erase_never_touches_a_staff_account_sharing_the_address():
    contact = ContactFactory(email="shared@cepex.example")
    staff = UserFactory(username="agent", email="shared@cepex.example", is_staff=True)

    contact_erase(contact=contact, by=None, reason=ErasureReason.REQUEST)

    staff.refresh_from_db()
    assert (staff.username, staff.is_active, staff.email) == ("agent", True, "shared@cepex.example")


def test_erase_scrubs_the_surname_alone_as_a_whole_word_only():
    partner = PartnerOrganisationFactory(name="BioWin")
    contact = ContactFactory(
        company=None, organisation=partner, first_name="Sylvie", last_name="Dumont"
    )
    request = MeetingRequestFactory(
        partner=partner, partner_attendees="Mme DUMONT; M. Dumontier (Dumontier SA)"
    )

    contact_erase(contact=contact, by=None, reason=ErasureReason.REQUEST)

    request.refresh_from_db()
    assert request.partner_attendees == "Mme —; M. Dumontier (Dumontier SA)"


def test_erase_logs_the_persons_account_out_and_no_one_else(client, person):
    from django.contrib.sessions.models import Session
    from django.test import Client

    account = UserFactory._meta.model.objects.get(email__iexact=EMAIL)
    client.force_login(account)
    other = Client()
    other.force_login(UserFactory(username="someone-else"))
    assert Session.objects.count() == 2

    erasure = contact_erase(contact=person, by=None, reason=ErasureReason.REQUEST)

    assert erasure.scrubbed["sessions"] == 1
    assert [s.get_decoded()["_auth_user_id"] for s in Session.objects.all()] == [
        str(UserFactory._meta.model.objects.get(username="someone-else").pk)
    ]
