"""Knowing a company's tax id must give a stranger nothing (issue 6, item 1).

The matricule fiscal is printed on invoices and in public registers. These tests play the
attack the probe found, end to end through the pages and e-mails, and then the honest
paths that replaced it: a colleague approved by a confirmed representative or by staff.
"""

import base64
import json
import re

import pytest
from django.core import signing
from django.urls import reverse

from cepex_portal.models import User
from missions.emails import EMAIL_VERIFICATION_SALT
from missions.enums import ApplicationStatus, Objective
from missions.models import Application, HeldApplication
from partners.enums import ClaimStatus
from partners.models import Contact, RepresentativeClaim
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    MissionPartnerFactory,
    SectorFactory,
    UserFactory,
    WishedPartnerFactory,
)

pytestmark = pytest.mark.django_db

VERIFY_RE = re.compile(r"http://127\.0\.0\.1:8000(/verify/[^/\s]+/)")
DECIDE_RE = re.compile(r"http://127\.0\.0\.1:8000(/company/claims/[^/\s]+/)")
LOGIN_RE = re.compile(r"/company/login/([A-Za-z0-9_-]+)/")

VICTIM_TAX_ID = "1234567AAM000"


@pytest.fixture
def mission():
    mission = MissionFactory(slug="wallonie-test", title="Wallonie biotech")
    MissionPartnerFactory(mission=mission, organisation__name="BioWin")
    return mission


@pytest.fixture
def sector():
    return SectorFactory(slug="pharma", name="Pharmacie")


@pytest.fixture
def victim(mission):
    """A company that applied, with a confirmed representative and a wished partner."""
    company = CompanyFactory(
        legal_name="Victime Pharma SA", tax_id=VICTIM_TAX_ID, description="Vaccins."
    )
    contact = ContactFactory(
        company=company,
        first_name="Sonia",
        last_name="Gharbi",
        role="Directrice",
        phone="+21671000001",
        email="sonia@victime.example",
    )
    application = ApplicationFactory(
        mission=mission, company=company, contact=contact, motivation="Nos vaccins."
    )
    WishedPartnerFactory(application=application, partner=mission.partners.get(), priority=1)
    return application


def _form(mission, sector, **overrides) -> dict:
    data = {
        "legal_name": "Nouvelle Société SA",
        "tax_id": "7654321B",
        "governorate": "sfax",
        "sectors": [str(sector.pk)],
        "size": "small",
        "first_name": "Mallory",
        "last_name": "Attacker",
        "role": "Boss",
        "email": "mallory@evil.example",
        "phone": "+21698000000",
        "objectives": ["export"],
        "motivation": "Pirate motivation.",
        "consent": "on",
    }
    data.update(overrides)
    return data


def _submit(client, mission, data, captured):
    with captured(execute=True):
        return client.post(reverse("portal:interest", args=[mission.slug]), data, follow=True)


def _page(response) -> str:
    """The page as a person sees it: CSRF tokens are masked afresh for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _verify_path(mail) -> str:
    return VERIFY_RE.search(mail.body).group(1)


def _ask_login_link(client, email, captured, mailoutbox) -> list:
    before = len(mailoutbox)
    with captured(execute=True):
        client.post(reverse("space:login"), {"email": email})
    return mailoutbox[before:]


# --- The attack ----------------------------------------------------------------------------


def test_stranger_with_tax_id_gets_no_space_no_change_and_the_same_answer(
    client, mission, sector, victim, mailoutbox, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    # A genuinely new company first: the answer a stranger must not be able to tell apart.
    new = _submit(client, mission, _form(mission, sector, email="new@new.example"), captured)
    attack = _submit(
        client,
        mission,
        _form(mission, sector, tax_id="1234567/a/a/m/000", legal_name="Mallory Holding"),
        captured,
    )

    # 1. The answer says nothing a stranger did not know.
    assert new.status_code == attack.status_code == 200
    assert new.redirect_chain == attack.redirect_chain
    assert _page(new) == _page(attack)

    # 2. The victim's application, profile and contacts are untouched.
    victim.refresh_from_db()
    assert (victim.contact.email, victim.motivation) == ("sonia@victime.example", "Nos vaccins.")
    assert victim.wishes.count() == 1
    assert list(victim.company.contacts.values_list("email", flat=True)) == [
        "sonia@victime.example"
    ]
    assert victim.company.legal_name == "Victime Pharma SA"

    # 3. The e-mails are the same too, but for the names typed and the link.
    new_mail, attack_mail = mailoutbox
    assert attack_mail.to == ["mallory@evil.example"]
    assert "Victime Pharma" not in attack_mail.body + attack_mail.subject
    assert VERIFY_RE.sub("LINK", new_mail.body).replace(
        "Nouvelle Société SA", "NAME"
    ) == VERIFY_RE.sub("LINK", attack_mail.body).replace("Mallory Holding", "NAME")
    # The link is signed, not encrypted: its readable payload has the same shape.
    payloads = []
    for mail in (new_mail, attack_mail):
        token = _verify_path(mail).split("/")[2]
        head = token.split(":")[0]
        payloads.append(sorted(json.loads(base64.urlsafe_b64decode(head + "==")).keys()))
    assert payloads[0] == payloads[1] == ["claim", "email"]

    # 4. Proving the address gives no access: a claim awaits the company's approval.
    page = client.post(_verify_path(attack_mail))
    assert page.status_code == 200
    assert RepresentativeClaim.objects.get(email="mallory@evil.example").status == (
        ClaimStatus.PENDING
    )
    assert _ask_login_link(client, "mallory@evil.example", captured, mailoutbox) == []
    assert not User.objects.filter(email__iexact="mallory@evil.example").exists()
    assert client.get(reverse("space:home")).status_code == 302  # to the login page
    victim.refresh_from_db()
    assert victim.status == ApplicationStatus.APPLIED


def test_stranger_with_victims_own_address_rewrites_nothing(
    client, mission, sector, victim, mailoutbox, django_capture_on_commit_callbacks
):
    _submit(
        client,
        mission,
        _form(
            mission,
            sector,
            tax_id=VICTIM_TAX_ID,
            email="SONIA@victime.example",
            first_name="Mallory",
            phone="+21698000000",
            role="Intern",
        ),
        django_capture_on_commit_callbacks,
    )

    contact = Contact.objects.get(email="sonia@victime.example")
    assert (contact.first_name, contact.phone, contact.role) == (
        "Sonia",
        "+21671000001",
        "Directrice",
    )
    victim.refresh_from_db()
    assert victim.motivation == "Nos vaccins."
    # The e-mail went to the victim's own mailbox, as the company gave it, which the
    # stranger does not read.
    assert mailoutbox[0].to == ["sonia@victime.example"]


def _victim_submits_nothing_yet(client, mission, sector, victim, mailoutbox, captured):
    """The attack with the victim's own address: the victim gets the e-mail and confirms."""
    victim.status = ApplicationStatus.WITHDRAWN
    victim.save()
    victim.contact.language = "en"  # not the language the stranger's browser asked for
    victim.contact.save()
    _submit(
        client,
        mission,
        _form(
            mission,
            sector,
            tax_id=VICTIM_TAX_ID,
            legal_name="Mallory Holding",
            email="sonia@victime.example",
            motivation="ATTACKER TEXT",
            **{
                f"wish_{mission.partners.get().pk}_priority": "1",
                f"wish_{mission.partners.get().pk}_motivation": "ATTACKER WISH",
            },
            brochure=_pdf(),
        ),
        captured,
    )
    (mail,) = mailoutbox
    victim_client = client.__class__()
    victim_client.get(_verify_path(mail))
    with captured(execute=True):
        review = victim_client.post(_verify_path(mail), follow=True)
    return mail, victim_client, review


def _assert_untouched(victim):
    victim.refresh_from_db()
    assert (victim.status, victim.motivation) == (ApplicationStatus.WITHDRAWN, "Nos vaccins.")
    assert [w.motivation for w in victim.wishes.all()] == [""]
    assert not victim.brochure
    assert list(victim.company.contacts.values_list("first_name", flat=True)) == ["Sonia"]


def test_stranger_with_victims_address_changes_nothing_until_the_contact_reviews_and_submits(
    client, mission, sector, victim, mailoutbox, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    mail, victim_client, review = _victim_submits_nothing_yet(
        client, mission, sector, victim, mailoutbox, captured
    )

    # Confirming the address wrote nothing: the page shows what would be submitted.
    _assert_untouched(victim)

    # The e-mail names what the portal knows (in the contact's language), never what the
    # stranger typed, and says why it came.
    assert mail.to == ["sonia@victime.example"]
    assert "Sonia Gharbi" in mail.body
    assert "Victime Pharma SA" in mail.body + mail.subject
    assert "Mallory" not in mail.body + mail.subject
    assert "with your e-mail address" in mail.body
    assert "Nothing happens unless you review it" in mail.body

    page = review.content.decode()
    assert review.status_code == 200
    held = HeldApplication.objects.get()
    assert review.redirect_chain[-1][0] == reverse("space:held_review", args=[held.pk])
    assert "ATTACKER TEXT" in page
    assert "ATTACKER WISH" in page
    assert "BioWin" in page
    assert held.brochure.name.rsplit("/", 1)[-1] in page

    # Only the explicit choice of the representative, logged in, re-opens the application.
    with captured(execute=True):
        submitted = victim_client.post(
            reverse("space:held_review", args=[held.pk]), {"decision": "submit"}
        )
    assert submitted.status_code == 302
    victim.refresh_from_db()
    assert (victim.status, victim.motivation) == (ApplicationStatus.APPLIED, "ATTACKER TEXT")
    assert [w.motivation for w in victim.wishes.all()] == ["ATTACKER WISH"]
    held.refresh_from_db()
    assert (held.outcome, held.application) == ("applied", victim)


def test_stranger_with_victims_address_discarded_by_the_contact_changes_nothing(
    client, mission, sector, victim, mailoutbox, django_capture_on_commit_callbacks, settings
):
    captured = django_capture_on_commit_callbacks
    _mail, victim_client, _review = _victim_submits_nothing_yet(
        client, mission, sector, victim, mailoutbox, captured
    )
    held = HeldApplication.objects.get()
    path = settings.MEDIA_ROOT / held.brochure.name

    with captured(execute=True):
        response = victim_client.post(
            reverse("space:held_review", args=[held.pk]), {"decision": "discard"}
        )

    assert response.status_code == 302
    assert HeldApplication.objects.count() == 0
    assert not path.exists()
    _assert_untouched(victim)
    # Discarded is gone: the link of the e-mail shows nothing more to submit.
    assert victim_client.get(reverse("space:held_review", args=[held.pk])).status_code == 404


def test_held_review_of_another_company_is_not_found(
    client,
    mission,
    sector,
    victim,
    mailoutbox,
    django_capture_on_commit_callbacks,
    company_b_user,
):
    captured = django_capture_on_commit_callbacks
    _victim_submits_nothing_yet(client, mission, sector, victim, mailoutbox, captured)
    held = HeldApplication.objects.get()
    client.force_login(company_b_user)

    response = client.post(reverse("space:held_review", args=[held.pk]), {"decision": "submit"})

    assert response.status_code == 404
    _assert_untouched(victim)


def test_mail_scanner_opening_the_link_proves_nothing(
    client, mission, sector, victim, mailoutbox, django_capture_on_commit_callbacks
):
    _submit(
        client,
        mission,
        _form(mission, sector, tax_id=VICTIM_TAX_ID, email="sonia@victime.example"),
        django_capture_on_commit_callbacks,
    )

    response = client.get(_verify_path(mailoutbox[0]))

    assert response.status_code == 200
    assert RepresentativeClaim.objects.get().status == ClaimStatus.UNVERIFIED
    assert HeldApplication.objects.get().outcome == ""


def test_verify_token_of_one_claim_cannot_verify_another(client, victim):
    mine = RepresentativeClaim.objects.create(
        company=victim.company,
        company_name="x",
        first_name="M",
        last_name="A",
        email="mallory@evil.example",
    )
    theirs = RepresentativeClaim.objects.create(
        company=victim.company,
        company_name="x",
        first_name="S",
        last_name="G",
        email="someone@victime.example",
    )
    # A link of mine, edited to name their claim: the signature breaks.
    token = signing.dumps({"claim": mine.pk, "email": mine.email}, salt=EMAIL_VERIFICATION_SALT)
    forged = token.replace(
        token.split(":")[0],
        base64.urlsafe_b64encode(json.dumps({"claim": theirs.pk, "email": mine.email}).encode())
        .decode()
        .rstrip("="),
    )

    response = client.post(reverse("portal:verify_email", args=[forged]))

    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == ClaimStatus.UNVERIFIED


# --- The honest paths ----------------------------------------------------------------------


def test_colleague_approved_by_representative_link_gets_space_and_submits_application(
    client, mission, sector, mailoutbox, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    company = CompanyFactory(legal_name="Carthage Labs", tax_id=VICTIM_TAX_ID)
    ContactFactory(company=company, email="boss@carthage.example", language="en")
    _submit(
        client,
        mission,
        _form(mission, sector, tax_id=VICTIM_TAX_ID, email="colleague@carthage.example"),
        captured,
    )
    with captured(execute=True):
        client.post(_verify_path(mailoutbox[0]))
    request_mail = mailoutbox[1]
    assert request_mail.to == ["boss@carthage.example"]
    assert "Mallory Attacker" in request_mail.body
    assert "Wallonie biotech" in request_mail.body

    decide = DECIDE_RE.search(request_mail.body).group(1)
    assert "Mallory Attacker" in client.get(decide).content.decode()
    with captured(execute=True):
        client.post(decide, {"decision": "approve"})

    claim = RepresentativeClaim.objects.get(email="colleague@carthage.example")
    assert claim.status == ClaimStatus.APPROVED
    assert claim.decided_by_contact.email == "boss@carthage.example"
    # Approving the person submits nothing: the new representative, logged in, does.
    assert not Application.objects.filter(company=company).exists()
    assert mailoutbox[2].to == ["colleague@carthage.example"]
    login_mails = _ask_login_link(client, "colleague@carthage.example", captured, mailoutbox)
    token = LOGIN_RE.search(login_mails[0].body).group(1)
    client.post(reverse("space:login_confirm", args=[token]))
    held = HeldApplication.objects.get()
    home = client.get(reverse("space:home"))
    assert reverse("space:held_review", args=[held.pk]) in home.content.decode()
    with captured(execute=True):
        client.post(reverse("space:held_review", args=[held.pk]), {"decision": "submit"})
    application = Application.objects.get(company=company, mission=mission)
    assert (application.contact, application.motivation) == (claim.contact, "Pirate motivation.")
    assert list(application.objectives.values_list("objective", flat=True)) == [Objective.EXPORT]


def test_colleague_declined_gets_nothing_and_held_brochure_is_deleted(
    client, mission, sector, mailoutbox, django_capture_on_commit_callbacks, settings
):
    captured = django_capture_on_commit_callbacks
    company = CompanyFactory(tax_id=VICTIM_TAX_ID)
    ContactFactory(company=company, email="boss@carthage.example")
    brochure = _pdf()
    _submit(
        client,
        mission,
        _form(mission, sector, tax_id=VICTIM_TAX_ID, brochure=brochure),
        captured,
    )
    path = HeldApplication.objects.get().brochure.path
    with captured(execute=True):
        client.post(_verify_path(mailoutbox[0]))
    with captured(execute=True):
        client.post(DECIDE_RE.search(mailoutbox[1].body).group(1), {"decision": "decline"})

    assert RepresentativeClaim.objects.get().status == ClaimStatus.DECLINED
    assert HeldApplication.objects.count() == 0
    assert not (settings.MEDIA_ROOT / path).exists()
    assert Application.objects.count() == 0
    assert company.contacts.count() == 1
    assert _ask_login_link(client, "mallory@evil.example", captured, mailoutbox) == []


def test_first_representative_unconfirmed_cannot_approve_a_claim(
    client, mission, sector, mailoutbox, django_capture_on_commit_callbacks
):
    # Whoever registered a company first, rightly or not, must not decide who else may
    # speak for it until staff confirm them.
    captured = django_capture_on_commit_callbacks
    _submit(client, mission, _form(mission, sector, email="first@new.example"), captured)
    with captured(execute=True):
        client.post(_verify_path(mailoutbox[0]))
    _submit(
        client,
        mission,
        _form(mission, sector, email="second@new.example", tax_id="7654321B"),
        captured,
    )
    with captured(execute=True):
        client.post(_verify_path(mailoutbox[-1]))

    assert [mail.to for mail in mailoutbox] == [["first@new.example"], ["second@new.example"]]
    assert RepresentativeClaim.objects.get(email="second@new.example").status == (
        ClaimStatus.PENDING
    )
    first = UserFactory(email="first@new.example", company=Contact.objects.get().company)
    client.force_login(first)
    assert "second@new.example" not in client.get(reverse("space:home")).content.decode()


def test_representative_decides_claims_in_company_space(
    client, mission, django_capture_on_commit_callbacks
):
    company = CompanyFactory()
    ContactFactory(company=company, email="boss@carthage.example")
    boss = UserFactory(email="boss@carthage.example", company=company)
    claim = RepresentativeClaim.objects.create(
        company=company,
        company_name="Carthage",
        first_name="Nadia",
        last_name="Colleague",
        email="nadia@carthage.example",
        status=ClaimStatus.PENDING,
        email_verified_at="2026-11-01T10:00:00Z",
    )
    client.force_login(boss)
    assert "nadia@carthage.example" in client.get(reverse("space:home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("space:claim_decide_in_space", args=[claim.pk]), {"decision": "approve"}
        )

    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.APPROVED, boss)
    assert company.contacts.filter(email="nadia@carthage.example").exists()


def test_representative_cannot_decide_another_companys_claim(client, company_b_user):
    claim = RepresentativeClaim.objects.create(
        company=CompanyFactory(),
        company_name="x",
        first_name="N",
        last_name="C",
        email="nadia@carthage.example",
        status=ClaimStatus.PENDING,
        email_verified_at="2026-11-01T10:00:00Z",
    )
    client.force_login(company_b_user)

    response = client.post(
        reverse("space:claim_decide_in_space", args=[claim.pk]), {"decision": "approve"}
    )

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_logged_in_representative_applies_and_updates_through_the_portal(
    client, mission, company_a_user
):
    client.force_login(company_a_user)
    url = reverse("portal:interest", args=[mission.slug])
    data = {"objectives": ["export"], "motivation": "Ours.", "consent": "on"}

    created = client.post(url, data)
    application = Application.objects.get()
    again = client.get(url)
    edited = client.post(
        reverse("space:application_edit", args=[application.pk]),
        {"objectives": ["licensing"], "motivation": "Updated.", "consent": "on"},
    )

    assert created.status_code == again.status_code == edited.status_code == 302
    assert again.url == reverse("space:application_edit", args=[application.pk])
    application.refresh_from_db()
    assert (application.company, application.motivation) == (
        company_a_user.company,
        "Updated.",
    )
    assert application.contact.email == company_a_user.email


def test_representative_changes_own_contact_details_only(client, company_a_user):
    client.force_login(company_a_user)

    response = client.post(
        reverse("space:contact_details"),
        {
            "first_name": "Amina",
            "last_name": "K",
            "role": "CFO",
            "phone": "+216 ٧١ ٢٣٤ ٥٦٧",
            "language": "en",
        },
    )

    contact = Contact.objects.get(email=company_a_user.email)
    assert response.status_code == 302
    assert (contact.first_name, contact.role, contact.phone) == ("Amina", "CFO", "+21671234567")


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("brochure.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
