"""Deployment checks of our own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def rate_limit_cache_is_shared(app_configs, **kwargs):
    """Rate limits count in the cache: a per-process cache lets N workers allow N times more."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith(("LocMemCache", "DummyCache")):
        return []
    return [
        Warning(
            "The cache is local to each process, so rate limits count per web worker.",
            hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
            id="cepex_portal.W001",
        )
    ]


@register(Tags.security, deploy=True)
def background_jobs_have_a_broker(app_configs, **kwargs):
    """Without a broker, tasks would run inside web requests: PDF dossiers and scheduling
    runs would hold a web worker for seconds to minutes, and use its memory.
    """
    if settings.DEBUG or settings.CELERY_BROKER_URL:
        return []
    return [
        Error(
            "CELERY_BROKER_URL is not set: background jobs would run inside web requests.",
            hint="Set CELERY_BROKER_URL to the Redis of the deployment, e.g. "
            "redis://redis:6379/0, and run a worker and beat beside the web server.",
            id="cepex_portal.E001",
        )
    ]
