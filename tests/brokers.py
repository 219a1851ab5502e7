"""Helpers of the tests that point Celery at another broker, and the interest form's data."""

from __future__ import annotations

from contextlib import contextmanager

from cepex_portal.celery import app as celery_app


def reset_broker_connections() -> None:
    """Forget pooled broker connections, so the next send connects to ``broker_url``."""
    from kombu import pools

    pools.reset()  # kombu's registries of connection and producer pools
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str, monkeypatch):
    """Tasks go through the broker at ``url`` (not in process) inside the block. Celery reads
    ``CELERY_BROKER_URL`` from the environment before its configuration."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, url
    reset_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        reset_broker_connections()


def interest_form_data(*, sector_id: int, **overrides) -> dict:
    """A valid interest form for a company new to the portal."""
    return {
        "legal_name": "Carthage SA",
        "tax_id": "1234567A",
        "governorate": "tunis",
        "sectors": [str(sector_id)],
        "size": "small",
        "first_name": "Leila",
        "last_name": "T",
        "email": "leila@carthage.example",
        "phone": "+21671234567",
        "objectives": ["export"],
        "consent": "on",
        **overrides,
    }
