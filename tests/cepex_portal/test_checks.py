"""Deployment checks of our own."""

from tests.cepex_portal.test_security import _check_deploy


def test_check_deploy_debug_off_without_broker_fails_naming_celery_broker_url():
    output = _check_deploy(CELERY_BROKER_URL="")

    assert "cepex_portal.E001" in output
    assert "CELERY_BROKER_URL is not set" in output


def test_check_deploy_with_a_broker_has_no_broker_error():
    assert "cepex_portal.E001" not in _check_deploy(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
