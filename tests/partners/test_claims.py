"""Representative claims: proving an address, approval by whom, and what each decision does."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from missions.models import Application, HeldApplication
from partners.enums import ClaimStatus
from partners.models import Contact, RepresentativeClaim
from partners.services import (
    claim_approve,
    claim_approvers,
    claim_decision_token,
    claim_decline,
    claim_from_decision_token,
    claim_verify_email,
)
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    RepresentativeClaimFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _pending(**kwargs) -> RepresentativeClaim:
    return RepresentativeClaimFactory(
        status=ClaimStatus.PENDING, email_verified_at=timezone.now(), **kwargs
    )


def _held(claim: RepresentativeClaim, mission, **kwargs) -> HeldApplication:
    return HeldApplication.objects.create(
        claim=claim,
        mission=mission,
        objectives=["export"],
        motivation="Held.",
        consent_text_version="v1",
        consent_at=timezone.now(),
        **kwargs,
    )


def test_claim_approvers_excludes_unconfirmed_and_addressless_contacts():
    company = CompanyFactory()
    confirmed = ContactFactory(company=company)
    ContactFactory(company=company, is_confirmed=False)
    ContactFactory(company=company, email="")

    assert list(claim_approvers(company=company)) == [confirmed]


def test_claim_verify_email_wrong_address_returns_none_and_changes_nothing():
    claim = RepresentativeClaimFactory(email="mallory@evil.example")

    assert claim_verify_email(claim_id=claim.pk, email="other@evil.example") is None

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNVERIFIED


def test_claim_verify_email_asks_each_confirmed_representative(
    mailoutbox, django_capture_on_commit_callbacks
):
    company = CompanyFactory()
    ContactFactory(company=company, email="a@co.example")
    ContactFactory(company=company, email="b@co.example")
    ContactFactory(company=company, email="new@co.example", is_confirmed=False)
    claim = RepresentativeClaimFactory(company=company)

    with django_capture_on_commit_callbacks(execute=True):
        claim_verify_email(claim_id=claim.pk, email=claim.email.upper())

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert sorted(mail.to[0] for mail in mailoutbox) == ["a@co.example", "b@co.example"]


def test_claim_verify_email_twice_is_idempotent(mailoutbox, django_capture_on_commit_callbacks):
    claim = RepresentativeClaimFactory()
    ContactFactory(company=claim.company)
    with django_capture_on_commit_callbacks(execute=True):
        claim_verify_email(claim_id=claim.pk, email=claim.email)
    first_verified_at = RepresentativeClaim.objects.get().email_verified_at

    with django_capture_on_commit_callbacks(execute=True):
        claim_verify_email(claim_id=claim.pk, email=claim.email)

    assert RepresentativeClaim.objects.get().email_verified_at == first_verified_at
    assert len(mailoutbox) == 1


def test_claim_verify_email_of_existing_contact_approves_without_touching_it():
    contact = ContactFactory(first_name="Sonia", phone="+21671000001")
    claim = RepresentativeClaimFactory(
        company=contact.company, contact=contact, email=contact.email, first_name="Mallory"
    )

    claim_verify_email(claim_id=claim.pk, email=contact.email)

    claim.refresh_from_db()
    contact.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.decided_by_contact) == (
        ClaimStatus.APPROVED,
        None,
        None,
    )
    assert (contact.first_name, contact.phone) == ("Sonia", "+21671000001")
    assert contact.email_verified_at is not None


def test_claim_verify_email_contact_whose_address_changed_since_needs_approval():
    contact = ContactFactory(email="old@co.example")
    claim = RepresentativeClaimFactory(
        company=contact.company, contact=contact, email="old@co.example"
    )
    Contact.objects.filter(pk=contact.pk).update(email="new@co.example")

    claim_verify_email(claim_id=claim.pk, email="old@co.example")

    claim.refresh_from_db()
    assert (claim.status, claim.contact) == (ClaimStatus.PENDING, None)


def test_claim_approve_by_staff_creates_confirmed_verified_contact(staff):
    claim = _pending(first_name="Nadia", role="CFO", phone="+21671000002")

    claim_approve(claim=claim, by=staff)

    claim.refresh_from_db()
    contact = claim.contact
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, staff)
    assert (contact.first_name, contact.role, contact.phone) == ("Nadia", "CFO", "+21671000002")
    assert contact.is_confirmed is True
    assert contact.email_verified_at == claim.email_verified_at


def test_claim_approve_by_representative_of_other_company_refused():
    claim = _pending()
    outsider = ContactFactory()  # a confirmed contact, of another company

    with pytest.raises(ValidationError) as excinfo:
        claim_approve(claim=claim, by_contact=outsider)

    assert excinfo.value.messages == ["Only a confirmed representative of the company can decide."]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_claim_approve_by_non_staff_user_refused():
    claim = _pending()

    with pytest.raises(ValidationError):
        claim_approve(claim=claim, by=UserFactory())


def test_claim_approve_unverified_refused(staff):
    claim = RepresentativeClaimFactory(first_name="Nadia", last_name="K")

    with pytest.raises(ValidationError) as excinfo:
        claim_approve(claim=claim, by=staff)

    assert excinfo.value.messages == ["Nadia K has not verified their e-mail address yet."]


def test_claim_decide_twice_refused(staff):
    claim = _pending()
    claim_decline(claim=claim, by=staff)

    with pytest.raises(ValidationError) as excinfo:
        claim_approve(claim=claim, by=staff)

    assert excinfo.value.messages == ["This request was already declined."]
    assert Contact.objects.filter(email=claim.email).count() == 0


def test_claim_approve_writes_no_application_and_keeps_what_was_held(staff):
    mission = MissionFactory()
    claim = _pending()
    existing = ApplicationFactory(
        mission=mission, company=claim.company, motivation="Ours.", status="withdrawn"
    )
    held = _held(claim, mission, target_markets=["SN"])

    claim_approve(claim=claim, by=staff)

    held.refresh_from_db()
    existing.refresh_from_db()
    # Approving the person is not submitting what they sent: a representative reviews it.
    assert (held.outcome, held.application) == ("", None)
    assert (existing.status, existing.motivation) == ("withdrawn", "Ours.")
    assert Application.objects.count() == 1


def test_claim_decision_email_sends_to_the_company_space_to_review(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    mission = MissionFactory(title="Wallonie biotech")
    claim = _pending(email="nadia@co.example", language="en")
    _held(claim, mission)

    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, by=staff)

    assert mailoutbox[0].to == ["nadia@co.example"]
    assert (
        "What you sent for the mission “Wallonie biotech” is not submitted yet: log in to your"
        " company space, review it and submit it." in " ".join(mailoutbox[0].body.split())
    )


def test_claim_from_decision_token_refuses_approver_who_left_the_company():
    claim = _pending()
    approver = ContactFactory(company=claim.company)
    token = claim_decision_token(claim=claim, approver=approver)
    Contact.objects.filter(pk=approver.pk).update(company=CompanyFactory())

    with pytest.raises(ValidationError) as excinfo:
        claim_from_decision_token(token=token)

    assert excinfo.value.messages == ["This link is not valid."]


def test_claim_from_decision_token_tampered_refused():
    claim = _pending()
    approver = ContactFactory(company=claim.company)
    token = claim_decision_token(claim=claim, approver=approver)

    with pytest.raises(ValidationError):
        claim_from_decision_token(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


def test_claim_from_decision_token_expired_refused(settings):
    claim = _pending()
    approver = ContactFactory(company=claim.company)
    token = claim_decision_token(claim=claim, approver=approver)
    settings.CLAIM_DECISION_MAX_AGE_DAYS = -1

    with pytest.raises(ValidationError) as excinfo:
        claim_from_decision_token(token=token)

    assert excinfo.value.messages == ["This link has expired."]


def test_claim_decide_page_get_decides_nothing(client):
    claim = _pending()
    approver = ContactFactory(company=claim.company)
    token = claim_decision_token(claim=claim, approver=approver)

    response = client.get(reverse("space:claim_decide", args=[token]))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


# --- Admin -----------------------------------------------------------------------------------


def test_admin_claims_staff_approves_pending_claim(client, staff):
    claim = _pending()
    client.force_login(staff)

    response = client.post(
        reverse("admin:partners_representativeclaim_changelist"),
        {"action": "approve", "_selected_action": [claim.pk]},
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, staff)


def test_admin_claims_manager_sees_but_cannot_decide(client, manager):
    claim = _pending(first_name="Nadia")
    client.force_login(manager)
    changelist = reverse("admin:partners_representativeclaim_changelist")

    page = client.get(changelist)
    client.post(changelist, {"action": "approve", "_selected_action": [claim.pk]})

    assert "Nadia" in page.content.decode()
    assert 'value="approve"' not in page.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_admin_contacts_confirm_action_confirms_first_representative(client, staff):
    contact = ContactFactory(is_confirmed=False)
    client.force_login(staff)

    client.post(
        reverse("admin:partners_contact_changelist"),
        {"action": "confirm_representatives", "_selected_action": [contact.pk]},
    )

    contact.refresh_from_db()
    assert contact.is_confirmed is True
