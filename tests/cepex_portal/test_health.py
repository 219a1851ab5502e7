"""The health check: what load balancers and uptime monitors see at /health/."""

import pytest
import redis

from cepex_portal.celery import app as celery_app

LOCAL_REDIS = "redis://127.0.0.1:6379/0"
CLOSED_PORT = "redis://127.0.0.1:1/0"


def _redis_reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def broker_url(settings, monkeypatch):
    """Point the health check at a broker, as a deployment would with CELERY_BROKER_URL.

    Celery lets the CELERY_BROKER_URL environment variable win over its configuration, so the
    environment is set too (CI exports it).
    """

    def configure(url: str) -> None:
        settings.CELERY_BROKER_URL = url
        if url:
            monkeypatch.setenv("CELERY_BROKER_URL", url)
        else:
            monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        monkeypatch.setitem(celery_app.conf, "broker_url", url or None)

    return configure


@pytest.mark.django_db
def test_health_without_broker_reports_database_ok_and_broker_not_configured(client, broker_url):
    broker_url("")

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}


@pytest.mark.django_db
def test_health_with_reachable_redis_reports_broker_ok(client, broker_url):
    if not _redis_reachable(LOCAL_REDIS):
        pytest.skip(f"needs Redis at {LOCAL_REDIS}; CI starts it")
    broker_url(LOCAL_REDIS)

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_with_unreachable_broker_is_503_broker_down(client, broker_url):
    broker_url(CLOSED_PORT)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "down"}


def test_health_post_is_405(client):
    response = client.post("/health/")

    assert response.status_code == 405


@pytest.mark.django_db
def test_health_is_never_cached(client, broker_url):
    broker_url("")

    response = client.get("/health/")

    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_filesystem_broker_of_a_laptop_reports_ok(client, settings, tmp_path, broker_url):
    broker_url("filesystem://")
    (tmp_path / "queue").mkdir()
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "queue")}

    response = client.get("/health/")

    assert (response.status_code, response.json()["broker"]) == (200, "ok")


@pytest.mark.django_db
def test_health_filesystem_broker_folder_gone_reports_down(client, settings, tmp_path, broker_url):
    broker_url("filesystem://")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}

    response = client.get("/health/")

    assert (response.status_code, response.json()["broker"]) == (503, "down")
