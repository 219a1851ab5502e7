"""Accounts: the constraints of users and login links, and the login-link querysets."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cepex_portal.models import LoginLink, User
from tests.constraints import untested_constraints, violates
from tests.factories import CompanyFactory, UserFactory


def _login_link(user: User, *, token_hash: str, **kwargs) -> LoginLink:
    now = timezone.now()
    values = {"created_at": now, "expires_at": now + dt.timedelta(minutes=15), **kwargs}
    return LoginLink.objects.create(user=user, token_hash=token_hash, **values)


def test_every_constraint_of_the_accounts_models_has_a_test():
    # A constraint added to a model without a test here makes this test fail.
    names, missing = untested_constraints(app_label="cepex_portal", test_file=__file__)

    assert names
    assert missing == []


# --- User ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_email_differing_only_in_case_raises_integrity_error():
    User.objects.create(username="first", email="Amira@Example.com")

    with violates("user_email_unique_ci"):
        User.objects.create(username="second", email="amira@example.COM")


@pytest.mark.django_db
def test_user_two_blank_emails_are_allowed():
    User.objects.create(username="first", email="")

    User.objects.create(username="second", email="")

    assert User.objects.filter(email="").count() == 2


@pytest.mark.django_db
def test_user_validate_constraints_email_in_other_case_raises_validation_error():
    UserFactory(username="first", email="amira@example.com")
    user = User(username="second", email="AMIRA@example.com")

    with pytest.raises(ValidationError) as excinfo:
        user.validate_constraints()

    assert list(excinfo.value.message_dict) == ["__all__"]


@pytest.mark.django_db
def test_user_with_company_is_company_representative():
    user = UserFactory(company=CompanyFactory())

    assert user.is_company_representative is True


@pytest.mark.django_db
def test_user_without_company_is_not_company_representative():
    user = UserFactory()

    assert user.is_company_representative is False


@pytest.mark.django_db
@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_user_representative_who_is_staff_raises_integrity_error(flag):
    # An e-mailed one-time link logs a representative in: on a staff account it would open the
    # back office to whoever reads that mailbox, without the password.
    user = UserFactory(username="boss", **{flag: True})

    with violates("user_representative_not_staff"):
        User.objects.filter(pk=user.pk).update(company=CompanyFactory())


@pytest.mark.django_db
def test_user_validate_constraints_staff_with_company_says_why():
    user = User(username="boss", is_staff=True, company=CompanyFactory())

    with pytest.raises(ValidationError) as excinfo:
        user.validate_constraints()

    assert excinfo.value.messages == [
        "A company representative cannot be staff or a superuser: they log in with a link sent "
        "by e-mail. Give staff an account of their own."
    ]


@pytest.mark.django_db
def test_user_representative_and_staff_without_company_allowed():
    UserFactory(username="rep", company=CompanyFactory())
    UserFactory(username="staff", is_staff=True, is_superuser=True)

    assert User.objects.count() == 2


# --- LoginLink -------------------------------------------------------------------------------


def test_login_link_hash_token_returns_sha256_hex():
    assert LoginLink.hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(LoginLink.hash_token("abc")) == 64


@pytest.mark.django_db
def test_login_link_expiring_at_creation_raises_integrity_error():
    user = UserFactory()
    now = timezone.now()

    with violates("loginlink_expires_after_creation"):
        LoginLink.objects.create(user=user, token_hash="a" * 64, created_at=now, expires_at=now)


@pytest.mark.django_db
def test_login_link_expiring_before_creation_raises_integrity_error():
    user = UserFactory()
    now = timezone.now()

    with violates("loginlink_expires_after_creation"):
        LoginLink.objects.create(
            user=user,
            token_hash="b" * 64,
            created_at=now,
            expires_at=now - dt.timedelta(seconds=1),
        )


@pytest.mark.django_db
def test_login_link_same_token_hash_twice_raises_integrity_error():
    user = UserFactory()
    _login_link(user, token_hash="c" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        _login_link(user, token_hash="c" * 64)


@pytest.mark.django_db
def test_login_link_querysets_split_fresh_from_used_and_expired():
    user = UserFactory()
    now = timezone.now()
    fresh = _login_link(user, token_hash="1" * 64)
    used = _login_link(user, token_hash="2" * 64, used_at=now)
    expired = _login_link(
        user,
        token_hash="3" * 64,
        created_at=now - dt.timedelta(hours=1),
        expires_at=now - dt.timedelta(minutes=1),
    )

    usable = list(LoginLink.objects.usable())
    spent = set(LoginLink.objects.spent())

    assert usable == [fresh]
    assert spent == {used, expired}


@pytest.mark.django_db
def test_login_link_used_and_expired_is_spent_once():
    user = UserFactory()
    now = timezone.now()
    link = _login_link(
        user,
        token_hash="4" * 64,
        created_at=now - dt.timedelta(hours=1),
        expires_at=now - dt.timedelta(minutes=1),
        used_at=now - dt.timedelta(minutes=30),
    )

    assert list(LoginLink.objects.spent()) == [link]
    assert list(LoginLink.objects.usable()) == []


@pytest.mark.django_db
def test_user_company_with_representatives_cannot_be_deleted_by_accident(company_a_user):
    # A representative whose company vanished must never become a silent plain account.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        company_a_user.company.delete()
