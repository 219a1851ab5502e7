"""Services of the ground floor: one-time login links and the company profile."""

import datetime as dt
import re
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cepex_portal.models import LoginLink, User
from partners.models import Certification, CompanyRevision
from partners.services import (
    LOGIN_LINKS_PER_HOUR,
    company_update_profile,
    login_link_consume,
    login_link_request,
    representative_set_language,
)
from tests.conftest import requires_postgres
from tests.factories import (
    ContactFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"/company/login/([A-Za-z0-9_-]+)/")


def request_link(email: str, capture, *, language: str = "fr") -> None:
    with capture(execute=True):
        login_link_request(email=email, language=language)


def token_from(mail) -> str:
    return LINK_RE.search(mail.body).group(1)


def make_link(user: User, token: str, *, minutes: int = 30) -> LoginLink:
    now = timezone.now()
    return LoginLink.objects.create(
        user=user,
        token_hash=LoginLink.hash_token(token),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )


# --- login_link_request ---------------------------------------------------------------------


def test_login_link_request_known_representative_sends_one_link(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    request_link("rep-a@alpha.example", django_capture_on_commit_callbacks)

    link = LoginLink.objects.get()
    assert link.user == company_a_user
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["rep-a@alpha.example"]
    token = token_from(mail)
    assert f"{settings.SITE_URL}/company/login/{token}/" in mail.body
    assert link.token_hash == LoginLink.hash_token(token)
    assert token not in link.token_hash
    assert link.used_at is None
    assert link.expires_at - link.created_at == dt.timedelta(
        minutes=settings.LOGIN_LINK_MAX_AGE_MINUTES
    )


def test_login_link_request_email_in_user_language(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    company_a_user.language = "ar"
    company_a_user.save()

    request_link("rep-a@alpha.example", django_capture_on_commit_callbacks, language="en")

    assert mailoutbox[0].extra_headers["Content-Language"] == "ar"


def test_login_link_request_address_case_does_not_matter(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    request_link("  REP-A@Alpha.Example ", django_capture_on_commit_callbacks)

    assert LoginLink.objects.get().user == company_a_user
    assert len(mailoutbox) == 1


def test_login_link_request_unknown_address_sends_nothing(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    request_link("nobody@example.com", django_capture_on_commit_callbacks)

    assert LoginLink.objects.count() == 0
    assert mailoutbox == []


def test_login_link_request_staff_without_company_sends_nothing(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    request_link(staff.email, django_capture_on_commit_callbacks)

    assert LoginLink.objects.count() == 0
    assert mailoutbox == []


def test_login_link_request_inactive_user_sends_nothing(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    company_a_user.is_active = False
    company_a_user.save()

    request_link("rep-a@alpha.example", django_capture_on_commit_callbacks)

    assert LoginLink.objects.count() == 0
    assert mailoutbox == []


def test_login_link_request_verified_contact_gets_an_account(
    company_a, mailoutbox, django_capture_on_commit_callbacks
):
    ContactFactory(company=company_a, email="Salma@Alpha.example", email_verified_at=timezone.now())

    request_link("salma@alpha.example", django_capture_on_commit_callbacks, language="en")

    user = User.objects.get(email="salma@alpha.example")
    assert user.username == "salma@alpha.example"
    assert user.company == company_a
    assert user.language == "en"
    assert not user.has_usable_password()
    assert LoginLink.objects.get().user == user
    assert len(mailoutbox) == 1


def test_login_link_request_unverified_contact_gets_nothing(
    company_a, mailoutbox, django_capture_on_commit_callbacks
):
    ContactFactory(company=company_a, email="salma@alpha.example", email_verified_at=None)

    request_link("salma@alpha.example", django_capture_on_commit_callbacks)

    assert not User.objects.filter(email="salma@alpha.example").exists()
    assert LoginLink.objects.count() == 0
    assert mailoutbox == []


def test_login_link_request_contact_of_two_companies_gets_nothing(
    company_a, company_b, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    ContactFactory(company=company_a, email="shared@example.com", email_verified_at=now)
    ContactFactory(company=company_b, email="shared@example.com", email_verified_at=now)

    request_link("shared@example.com", django_capture_on_commit_callbacks)

    assert not User.objects.filter(email="shared@example.com").exists()
    assert mailoutbox == []


def test_login_link_request_over_hourly_limit_sends_nothing_more(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(LOGIN_LINKS_PER_HOUR + 2):
        request_link("rep-a@alpha.example", django_capture_on_commit_callbacks)

    assert LoginLink.objects.count() == LOGIN_LINKS_PER_HOUR
    assert len(mailoutbox) == LOGIN_LINKS_PER_HOUR


# --- login_link_consume ---------------------------------------------------------------------


def test_login_link_consume_valid_token_returns_user_once(company_a_user):
    link = make_link(company_a_user, "a-valid-token")

    user = login_link_consume(token="a-valid-token")

    assert user == company_a_user
    link.refresh_from_db()
    assert link.used_at is not None


def test_login_link_consume_second_time_refused(company_a_user):
    make_link(company_a_user, "a-valid-token")
    login_link_consume(token="a-valid-token")

    with pytest.raises(ValidationError) as excinfo:
        login_link_consume(token="a-valid-token")

    assert excinfo.value.code == "used"


def test_login_link_consume_expired_refused(
    company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    request_link("rep-a@alpha.example", django_capture_on_commit_callbacks)
    token = token_from(mailoutbox[0])
    past = timezone.now() - dt.timedelta(hours=2)
    LoginLink.objects.update(created_at=past, expires_at=past + dt.timedelta(minutes=30))

    with pytest.raises(ValidationError) as excinfo:
        login_link_consume(token=token)

    assert excinfo.value.code == "expired"
    assert LoginLink.objects.get().used_at is None


@pytest.mark.parametrize("tamper", [lambda t: t[:-1], lambda t: t + "x", lambda t: t.upper()])
def test_login_link_consume_tampered_token_refused(company_a_user, tamper):
    make_link(company_a_user, "a-valid-token")

    with pytest.raises(ValidationError) as excinfo:
        login_link_consume(token=tamper("a-valid-token"))

    assert excinfo.value.code == "invalid"
    assert LoginLink.objects.get().used_at is None


def test_login_link_consume_user_no_longer_in_a_company_refused(company_a_user):
    make_link(company_a_user, "a-valid-token")
    company_a_user.company = None
    company_a_user.save()

    with pytest.raises(ValidationError) as excinfo:
        login_link_consume(token="a-valid-token")

    assert excinfo.value.code == "invalid"


def test_representative_set_language_saves_a_known_language(company_a_user):
    representative_set_language(user=company_a_user, language="ar")
    representative_set_language(user=company_a_user, language="xx")

    company_a_user.refresh_from_db()
    assert company_a_user.language == "ar"


# --- company_update_profile -----------------------------------------------------------------


def _profile_data(company, **changes):
    data = {
        "legal_name": company.legal_name,
        "governorate": company.governorate,
        "city": company.city,
        "sectors": list(company.sectors.all()),
        "size": company.size,
        "certifications": list(company.certifications.all()),
        "export_markets": [c.code for c in company.export_markets],
        "website": company.website,
        "description": company.description,
    }
    return {**data, **changes}


def test_company_update_profile_records_exact_changes(company_a, company_a_user):
    pharma = SectorFactory(slug="pharma-test")
    biotech = SectorFactory(slug="biotech-test")
    gmp = Certification.objects.create(code="cert-test", name="Test certification")
    company_a.sectors.set([pharma])
    company_a.export_markets = ["DZ"]
    company_a.city = "Tunis"
    company_a.save()

    revision = company_update_profile(
        company=company_a,
        data=_profile_data(
            company_a,
            city="Sfax",
            sectors=[biotech, pharma],
            certifications=[gmp],
            export_markets=["SN", "BE", "DZ"],
        ),
        by=company_a_user,
    )

    assert revision.changes == {
        "city": ["Tunis", "Sfax"],
        "sectors": [["pharma-test"], ["biotech-test", "pharma-test"]],
        "certifications": [[], ["cert-test"]],
        "export_markets": [["DZ"], ["BE", "DZ", "SN"]],
    }
    assert revision.changed_by == company_a_user
    assert revision.company == company_a
    company_a.refresh_from_db()
    assert company_a.city == "Sfax"
    assert set(company_a.sectors.all()) == {pharma, biotech}
    assert list(company_a.certifications.all()) == [gmp]
    assert [c.code for c in company_a.export_markets] == ["BE", "DZ", "SN"]


def test_company_update_profile_nothing_changed_writes_no_revision(company_a, company_a_user):
    revision = company_update_profile(
        company=company_a, data=_profile_data(company_a), by=company_a_user
    )

    assert revision is None
    assert CompanyRevision.objects.count() == 0


def test_company_update_profile_ignores_tax_id(company_a, company_a_user):
    tax_id = company_a.tax_id

    revision = company_update_profile(
        company=company_a, data={"tax_id": "7654321B", "city": "Sousse"}, by=company_a_user
    )

    assert revision.changes == {"city": ["", "Sousse"]}
    company_a.refresh_from_db()
    assert company_a.tax_id == tax_id


def test_company_update_profile_invalid_choice_refused(company_a, company_a_user):
    with pytest.raises(ValidationError):
        company_update_profile(company=company_a, data={"size": "gigantic"}, by=company_a_user)

    company_a.refresh_from_db()
    assert company_a.size == "medium"
    assert CompanyRevision.objects.count() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_login_link_consume_concurrent_requests_only_one_wins(company_a_user):
    make_link(company_a_user, "a-valid-token")
    barrier = threading.Barrier(4)
    outcomes = []

    def consume() -> None:
        try:
            barrier.wait()
            try:
                login_link_consume(token="a-valid-token")
                outcomes.append("ok")
            except ValidationError as exc:
                outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "used", "used", "used"]
