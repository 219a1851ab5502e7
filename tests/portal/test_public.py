"""Public pages: mission list, mission page, interest form, e-mail verification."""

import datetime as dt
import io

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from missions.emails import EMAIL_VERIFICATION_SALT
from missions.enums import ApplicationStatus, MissionStatus
from missions.models import Application, HeldApplication
from partners.enums import ClaimStatus
from partners.models import Company, Contact, RepresentativeClaim
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    RepresentativeClaimFactory,
    SectorFactory,
)
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def mission():
    mission = MissionFactory(slug="senegal-test", title="Action triangulaire Sénégal")
    MissionPartnerFactory(mission=mission, organisation__name="BioWin")
    MissionPartnerFactory(mission=mission, organisation__name="BioPark Charleroi")
    return mission


@pytest.fixture
def sector():
    return SectorFactory(slug="pharma", name="Pharmacie", name_en="Pharma", name_ar="صيدلة")


def form_data(mission, sector, **overrides):
    partners = list(mission.partners.order_by("name"))
    data = {
        "legal_name": "Laboratoires Carthage SA",
        "tax_id": "1234567A/A/M/000",
        "governorate": "tunis",
        "city": "Tunis",
        "sectors": [str(sector.pk)],
        "size": "medium",
        "export_markets": ["DZ", "LY"],
        "website": "https://carthage.example",
        "description": "Génériques et biosimilaires.",
        "first_name": "Leila",
        "last_name": "Trabelsi",
        "role": "Directrice export",
        "email": "leila@carthage.example",
        "phone": "+216 71 234 567",
        "objectives": ["technology", "export"],
        "target_markets": ["SN", "CI"],
        "motivation": "Trouver un distributeur.",
        "consent": "on",
    }
    if partners:
        data[f"wish_{partners[0].pk}_priority"] = "1"
        data[f"wish_{partners[0].pk}_motivation"] = "Cluster santé"
    data.update(overrides)
    return data


def post_interest(client, mission, data, **extra):
    return client.post(reverse("portal:interest", args=[mission.slug]), data, **extra)


# --- Mission list and page -----------------------------------------------------------------


def test_mission_list_shows_open_upcoming_and_past_missions_never_drafts(client):
    today = timezone.localdate()
    open_mission = MissionFactory(title="Mission ouverte")
    closed = MissionFactory(title="Mission complète", status=MissionStatus.CLOSED)
    MissionFactory(title="Brouillon secret", status=MissionStatus.DRAFT)
    done = MissionFactory(
        title="Mission passée",
        status=MissionStatus.COMPLETED,
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=35),
    )

    response = client.get(reverse("portal:list"))

    assert response.status_code == 200
    assert list(response.context["open_missions"]) == [open_mission]
    assert list(response.context["upcoming_missions"]) == [closed]
    assert list(response.context["past_page"]) == [done]
    assert "Brouillon secret" not in response.content.decode()


def test_mission_list_pages_the_past_missions(client):
    today = timezone.localdate()
    past = [
        MissionFactory(
            status=MissionStatus.COMPLETED,
            starts_on=today - dt.timedelta(days=30 * n + 10),
            ends_on=today - dt.timedelta(days=30 * n + 5),
        )
        for n in range(15)
    ]

    first = client.get(reverse("portal:list"))
    second = client.get(reverse("portal:list"), {"page": 2})
    beyond = client.get(reverse("portal:list"), {"page": "999999999999999999999"})

    assert list(first.context["past_page"]) == past[:12]
    assert list(second.context["past_page"]) == past[12:]
    assert "open_missions" in second.context  # the current ones stay on the first page only
    assert beyond.status_code == 200
    assert list(beyond.context["past_page"]) == past[12:]


def test_mission_list_query_count_constant_as_missions_grow(client, sector):
    def count_queries():
        return page_queries(client, reverse("portal:list"))

    def add_missions(count: int) -> None:
        today = timezone.localdate()
        for n in range(count):
            MissionFactory().sectors.add(sector)
            MissionFactory(
                status=MissionStatus.COMPLETED,
                starts_on=today - dt.timedelta(days=100 + n),
                ends_on=today - dt.timedelta(days=99 + n),
            ).sectors.add(sector)

    add_missions(1)
    one = count_queries()
    add_missions(20)
    assert count_queries() == one


def test_mission_detail_draft_gives_404(client):
    mission = MissionFactory(status=MissionStatus.DRAFT)

    assert client.get(reverse("portal:detail", args=[mission.slug])).status_code == 404


def test_mission_detail_shows_programme_in_local_time_and_partners(client, mission):
    ProgrammeItemFactory(
        mission=mission,
        title="Rencontre BioWin",
        starts_at=dt.datetime(2027, 7, 10, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 7, 10, 8, 0, tzinfo=dt.UTC),
    )

    response = client.get(reverse("portal:detail", args=[mission.slug]))

    body = response.content.decode()
    assert "Rencontre BioWin" in body
    assert "09:00–10:00" in body  # Europe/Brussels in summer is UTC+2
    assert "BioPark Charleroi" in body
    assert reverse("portal:interest", args=[mission.slug]) in body


def test_mission_detail_query_count_constant_as_partners_and_items_grow(client, mission):
    def count_queries():
        return page_queries(client, reverse("portal:detail", args=[mission.slug]))

    ProgrammeItemFactory(mission=mission)
    one = count_queries()
    for _ in range(8):
        MissionPartnerFactory(mission=mission)
        ProgrammeItemFactory(mission=mission)
    assert count_queries() == one


def test_mission_detail_escapes_html_in_partner_description(client, mission):
    partner = PartnerOrganisationFactory(description="<script>alert('x')</script>")
    MissionPartnerFactory(mission=mission, organisation=partner)

    body = client.get(reverse("portal:detail", args=[mission.slug])).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


# --- Interest form -------------------------------------------------------------------------


def test_interest_form_get_lists_mission_partners(client, mission):
    response = client.get(reverse("portal:interest", args=[mission.slug]))

    assert response.status_code == 200
    assert [p.name for p in response.context["form"].partners] == ["BioPark Charleroi", "BioWin"]


def test_interest_submit_creates_company_contact_application_and_sends_email(
    client, mission, sector, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_interest(client, mission, form_data(mission, sector))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:interest_done", args=[mission.slug])
    company = Company.objects.get()
    assert (company.legal_name, company.tax_id) == ("Laboratoires Carthage SA", "1234567AAM000")
    assert list(company.sectors.all()) == [sector]
    assert [str(c) for c in company.export_markets] == ["DZ", "LY"]
    contact = Contact.objects.get()
    assert (contact.email, contact.phone, contact.company) == (
        "leila@carthage.example",
        "+21671234567",
        company,
    )
    application = Application.objects.get()
    assert application.status == ApplicationStatus.APPLIED
    assert application.language == "fr"
    assert application.consent_text_version == "2026-11-v1"
    assert sorted(o.objective for o in application.objectives.all()) == ["export", "technology"]
    assert [(w.partner.name, w.priority, w.motivation) for w in application.wishes.all()] == [
        ("BioPark Charleroi", 1, "Cluster santé")
    ]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["leila@carthage.example"]
    assert "Action triangulaire Sénégal" in mailoutbox[0].subject


def test_interest_confirmation_email_verification_link_verifies_contact(
    client, mission, sector, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_interest(client, mission, form_data(mission, sector))
    link = next(line for line in mailoutbox[0].body.splitlines() if "/verify/" in line).strip()
    path = link.removeprefix("http://127.0.0.1:8000")

    opened = client.get(path)  # what a mail scanner does: nothing is proved yet
    assert Contact.objects.get().email_verified_at is None
    response = client.post(path)

    assert opened.status_code == response.status_code == 200
    assert Contact.objects.get().email_verified_at is not None
    assert RepresentativeClaim.objects.get().status == ClaimStatus.APPROVED


def test_interest_email_in_english_when_form_sent_in_english(
    client, mission, sector, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        post_interest(client, mission, form_data(mission, sector))

    assert Application.objects.get().language == "en"
    assert "We have received the application of Laboratoires Carthage SA" in mailoutbox[0].body


def test_verify_email_tampered_token_refused(client):
    claim = RepresentativeClaimFactory()
    token = signing.dumps({"claim": claim.pk, "email": claim.email}, salt="other-salt")

    response = client.post(reverse("portal:verify_email", args=[token]))

    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.email_verified_at is None


def test_verify_email_expired_token_refused(client, settings):
    claim = RepresentativeClaimFactory()
    signer = signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT)
    # A token signed eight days ago, past the seven-day limit.
    old = timezone.now() - dt.timedelta(days=8)
    signer.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    token = signer.sign_object({"claim": claim.pk, "email": claim.email})

    response = client.post(reverse("portal:verify_email", args=[token]))

    assert response.status_code == 400
    assert "a expiré" in response.content.decode()  # French, the default language
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNVERIFIED


def test_interest_same_company_twice_second_is_held_and_first_kept(client, mission, sector):
    post_interest(client, mission, form_data(mission, sector))

    post_interest(
        client,
        mission,
        form_data(mission, sector, tax_id="1234567aam000", motivation="Deuxième envoi"),
    )

    assert Company.objects.count() == 1
    assert Application.objects.get().motivation == "Trouver un distributeur."
    assert HeldApplication.objects.get().motivation == "Deuxième envoi"


def test_interest_known_company_profile_not_touched_by_public_form(client, mission, sector):
    company = Company.objects.create(
        legal_name="Nom officiel SA", tax_id="1234567AAM000", description="Texte du profil"
    )

    post_interest(
        client,
        mission,
        form_data(mission, sector, legal_name="Autre nom", description="Vandalisme"),
    )

    company.refresh_from_db()
    assert (company.legal_name, company.description) == ("Nom officiel SA", "Texte du profil")
    assert company.governorate == ""  # not even blank fields are filled in by a stranger
    assert Application.objects.count() == 0


def test_interest_withdrawn_application_stays_withdrawn_for_anonymous_sender(
    client, mission, sector
):
    company = Company.objects.create(legal_name="Carthage", tax_id="1234567AAM000")
    ApplicationFactory(mission=mission, company=company, status=ApplicationStatus.WITHDRAWN)

    post_interest(client, mission, form_data(mission, sector))

    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_id", "12345", "valid Tunisian tax id"),
        ("email", "not-an-email", "valid email"),
        ("phone", "12", "valid phone number"),
        ("legal_name", "", "This field is required"),
        ("objectives", [], "This field is required"),
        ("objectives", ["bribery"], "Select a valid choice"),
        ("website", "not a url", "valid URL"),
        ("consent", "", "We need your consent"),
        ("governorate", "paris", "Select a valid choice"),
        ("export_markets", ["XX"], "Select a valid choice"),
    ],
)
def test_interest_invalid_field_shows_message_and_keeps_input(
    client, mission, sector, field, value, message
):
    client.cookies["django_language"] = "en"
    data = form_data(mission, sector, **{field: value})

    response = post_interest(client, mission, data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    body = response.content.decode()
    assert 'value="Laboratoires Carthage SA"' in body or field == "legal_name"
    assert 'value="leila@carthage.example"' in body or field == "email"
    assert Application.objects.count() == 0


def test_interest_error_message_in_french_by_default(client, mission, sector):
    response = post_interest(client, mission, form_data(mission, sector, legal_name=""))

    assert "Ce champ est obligatoire." in response.context["form"].errors["legal_name"]


def test_interest_motivation_without_priority_refused(client, mission, sector):
    partner = mission.partners.order_by("name").last()
    data = form_data(mission, sector, **{f"wish_{partner.pk}_motivation": "Sans priorité"})

    response = post_interest(client, mission, data)

    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_interest_wish_priority_out_of_range_refused(client, mission, sector):
    partner = mission.partners.order_by("name").first()

    response = post_interest(
        client, mission, form_data(mission, sector, **{f"wish_{partner.pk}_priority": "9"})
    )

    assert response.status_code == 400


def test_interest_brochure_pdf_stored_privately_under_random_name(client, mission, sector):
    upload = io.BytesIO(PDF_BYTES)
    upload.name = "Notre brochure <b>.pdf"

    post_interest(client, mission, {**form_data(mission, sector), "brochure": upload})

    brochure = Application.objects.get().brochure
    assert brochure.name.startswith("brochures/")
    assert "brochure" not in brochure.name.removeprefix("brochures/")
    assert brochure.read() == PDF_BYTES
    with pytest.raises(ValueError, match="no public URL"):
        brochure.url  # noqa: B018


def test_interest_brochure_not_pdf_refused_by_content(client, mission, sector):
    upload = io.BytesIO(b"MZ\x90\x00 this is an executable")
    upload.name = "brochure.pdf"

    response = post_interest(client, mission, {**form_data(mission, sector), "brochure": upload})

    assert response.status_code == 400
    assert response.context["form"].errors["brochure"] == [
        "La brochure doit être un fichier PDF."
    ] or (response.context["form"].errors["brochure"] == ["The brochure must be a PDF file."])
    assert Application.objects.count() == 0


def test_interest_brochure_too_large_refused(client, mission, sector, settings):
    settings.BROCHURE_MAX_BYTES = 1024
    upload = io.BytesIO(PDF_BYTES + b"0" * 2048)
    upload.name = "big.pdf"

    response = post_interest(client, mission, {**form_data(mission, sector), "brochure": upload})

    assert response.status_code == 400
    assert "brochure" in response.context["form"].errors
    assert Application.objects.count() == 0


def test_interest_honeypot_filled_saves_nothing(client, mission, sector):
    response = post_interest(client, mission, form_data(mission, sector, nickname="bot"))

    assert response.status_code == 302
    assert Application.objects.count() == 0
    assert Company.objects.count() == 0


def test_interest_rate_limit_per_ip_refuses_and_keeps_input(client, mission, sector, settings):
    settings.PUBLIC_FORM_RATE_LIMIT = 2
    for _ in range(2):
        post_interest(client, mission, form_data(mission, sector, legal_name=""))

    response = post_interest(client, mission, form_data(mission, sector))

    assert response.status_code == 429
    assert 'value="Laboratoires Carthage SA"' in response.content.decode()
    assert Application.objects.count() == 0
    other_ip = post_interest(client, mission, form_data(mission, sector), REMOTE_ADDR="10.9.9.9")
    assert other_ip.status_code == 302


def test_interest_after_deadline_says_so_and_accepts_nothing(client, sector):
    mission = MissionFactory(application_deadline=timezone.now() - dt.timedelta(minutes=1))

    get = client.get(reverse("portal:interest", args=[mission.slug]))
    post = post_interest(client, mission, form_data(mission, sector))

    assert get.status_code == 200
    assert "form" not in get.context
    assert post.status_code == 403
    assert Application.objects.count() == 0


def test_interest_closed_mission_accepts_nothing(client, sector):
    mission = MissionFactory(status=MissionStatus.CLOSED)

    response = post_interest(client, mission, form_data(mission, sector))

    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_interest_html_in_fields_shown_as_text_on_error_page(client, mission, sector):
    evil = '"><script>alert(1)</script>'
    response = post_interest(
        client, mission, form_data(mission, sector, legal_name=evil, tax_id="bad")
    )

    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_interest_arabic_page_is_right_to_left(client, mission):
    client.cookies["django_language"] = "ar"

    body = client.get(reverse("portal:interest", args=[mission.slug])).content.decode()

    assert '<html lang="ar" dir="rtl">' in body


def test_interest_unknown_mission_404(client):
    assert client.get(reverse("portal:interest", args=["nope"])).status_code == 404


def test_privacy_page_shows_consent_version(client):
    response = client.get(reverse("portal:privacy"))

    assert "2026-11-v1" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sectors", [str(2**63)]),
        ("certifications", [str(2**64)]),
        ("email", "a" * 250 + "@carthage.example"),
    ],
)
def test_interest_out_of_range_values_get_a_message_not_a_500(
    client, mission, sector, field, value
):
    response = post_interest(client, mission, form_data(mission, sector, **{field: value}))

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "typed",
    ["١٢٣٤٥٦٧A/A/M/000", "１２３４５６７A/A/M/000", "1234567A/A/M/०००", "۱۲۳۴۵۶۷a/a/m/000"],
)
def test_interest_tax_id_in_other_scripts_digits_is_the_same_company(
    client, mission, sector, typed
):
    company = Company.objects.create(legal_name="Carthage", tax_id="1234567AAM000")

    response = post_interest(
        client, mission, form_data(mission, sector, tax_id=typed, phone="+٢١٦ ٧١ ٢٣٤ ٥٦٧")
    )

    assert response.status_code == 302
    assert list(Company.objects.all()) == [company]
    claim = RepresentativeClaim.objects.get()
    assert (claim.company, claim.phone) == (company, "+21671234567")
