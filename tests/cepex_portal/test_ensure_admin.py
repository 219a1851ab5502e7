"""``ensure_admin``: one superuser, its login printed once, never touched again."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cepex_portal.models import User
from tests.factories import UserFactory


def _run(**options) -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _no_password_in_env(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)


@pytest.mark.django_db
def test_ensure_admin_missing_user_creates_superuser_and_prints_password():
    output = _run()

    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.is_staff
    prefix = "Admin account created: http://127.0.0.1:8000/admin/ — username: admin, password: "
    assert output.startswith(prefix)
    password = output.removeprefix(prefix).strip()
    assert len(password) >= 16
    assert user.check_password(password)


@pytest.mark.django_db
def test_ensure_admin_second_run_changes_nothing():
    first = _run()
    password = first.rsplit("password: ", 1)[1].strip()
    before = User.objects.values().get(username="admin")

    second = _run()

    assert second == "Admin account 'admin' already exists (password unchanged).\n"
    assert password not in second
    assert User.objects.values().get(username="admin") == before
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_ensure_admin_password_from_env_is_used_and_not_printed(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "s3cret-from-env-42")

    output = _run(username="root", email="root@cepex.example")

    user = User.objects.get(username="root")
    assert user.check_password("s3cret-from-env-42")
    assert user.email == "root@cepex.example"
    assert "s3cret-from-env-42" not in output
    assert output == (
        "Admin account created: http://127.0.0.1:8000/admin/ — username: root, "
        "password: the value of DJANGO_SUPERUSER_PASSWORD\n"
    )


@pytest.mark.django_db
def test_ensure_admin_existing_user_keeps_password_and_rights():
    UserFactory(username="admin", is_superuser=False, is_staff=False)

    output = _run()

    user = User.objects.get(username="admin")
    assert output == "Admin account 'admin' already exists (password unchanged).\n"
    assert user.check_password("correct horse battery staple")
    assert not user.is_superuser


@pytest.mark.django_db
def test_ensure_admin_invalid_email_raises_command_error():
    with pytest.raises(CommandError, match="Invalid e-mail address 'not-an-email'") as excinfo:
        _run(email="not-an-email")

    assert excinfo.value.returncode == 2
    assert not User.objects.exists()


@pytest.mark.django_db
def test_ensure_admin_invalid_username_raises_command_error():
    with pytest.raises(CommandError, match="Invalid username") as excinfo:
        _run(username="no spaces allowed")

    assert excinfo.value.returncode == 2
    assert not User.objects.exists()


@pytest.mark.django_db
def test_ensure_admin_email_of_another_user_raises_command_error():
    UserFactory(username="someone", email="taken@cepex.example")

    with pytest.raises(CommandError, match="belongs to another user") as excinfo:
        _run(email="TAKEN@cepex.example")

    assert excinfo.value.returncode == 2
    assert not User.objects.filter(username="admin").exists()
