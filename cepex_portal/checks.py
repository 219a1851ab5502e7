"""Deployment checks of our own (``manage.py check --deploy``).

CI runs ``check --deploy --fail-level WARNING`` with the production environment of
``.ci/production.env``: each of these turns a configuration mistake into a failed check.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host


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


@register(Tags.security, deploy=True)
def not_in_test_mode(app_configs, **kwargs):
    """``DJANGO_TESTING`` in production means a throwaway secret key, MD5 password hashes
    and tasks run inside web requests: it is for the test suite only.
    """
    if settings.DEBUG or not settings.TESTING:
        return []
    return [
        Error(
            "DJANGO_TESTING is on: the portal runs in test mode (throwaway secret key, fast "
            "and weak password hashing, tasks inside web requests).",
            hint="Remove DJANGO_TESTING from the environment of the deployment.",
            id="cepex_portal.E002",
        )
    ]


def _site_url_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or ""


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs, **kwargs):
    """Links e-mailed to people carry one-time tokens: over plain HTTP anyone on the path
    reads them.
    """
    if settings.DEBUG or urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [
        Warning(
            f"SITE_URL ({settings.SITE_URL}) is not an https:// address: the login, partner "
            "and reminder links sent by e-mail would travel in clear.",
            hint="Set SITE_URL to the public HTTPS address, e.g. https://missions.cepex.nat.tn.",
            id="cepex_portal.W002",
        )
    ]


@register(Tags.security, deploy=True)
def site_url_host_is_allowed(app_configs, **kwargs):
    """A link to a host the portal refuses (400) is a link nobody can open."""
    host = _site_url_host()
    if settings.DEBUG or not host or validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        Warning(
            f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS: links sent by e-mail "
            "would be refused.",
            hint=f"Add {host} to ALLOWED_HOSTS.",
            id="cepex_portal.W003",
        )
    ]


@register(Tags.security, deploy=True)
def allowed_hosts_are_named(app_configs, **kwargs):
    """A wildcard host lets anyone make the portal build links to their own host (password
    resets, host-header poisoning of cached pages).
    """
    if settings.DEBUG or "*" not in settings.ALLOWED_HOSTS:
        return []
    return [
        Warning(
            "ALLOWED_HOSTS contains '*': the portal answers for any host name.",
            hint="List the host names of the deployment, e.g. missions.cepex.nat.tn.",
            id="cepex_portal.W004",
        )
    ]


# Sources that let an injected script or style run, or load from anywhere.
_LOOSE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"}


@register(Tags.security, deploy=True)
def content_security_policy_is_strict(app_configs, **kwargs):
    """The portal ships no inline script or style: a policy that allows them is a mistake."""
    directives = settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {})
    loose = sorted(
        f"{name} {source}"
        for name, sources in directives.items()
        for source in sources
        if source in _LOOSE_SOURCES
        or (source == "data:" and name.startswith(("script-src", "default-src")))
    )
    if settings.DEBUG or not loose:
        return []
    return [
        Warning(
            "The Content Security Policy allows " + ", ".join(loose) + ".",
            hint="Move the inline code to a static file instead of widening the policy.",
            id="cepex_portal.W005",
        )
    ]


@register(Tags.security, deploy=True)
def proxy_address_is_not_everyone(app_configs, **kwargs):
    """Behind a proxy with no trusted hop, every visitor has the proxy's address: one
    visitor's rate limit, or a failed login's lockout, would hit them all.
    """
    if settings.DEBUG or settings.SECURE_PROXY_SSL_HEADER is None:
        return []
    if settings.TRUSTED_PROXY_COUNT > 0:
        return []
    return [
        Warning(
            "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: rate limits and login "
            "lockouts would see every visitor as the proxy.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies of yours that append to "
            "X-Forwarded-For (usually 1).",
            id="cepex_portal.W006",
        )
    ]


def _inside(path, folder) -> bool:
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@register(Tags.security, deploy=True)
def private_files_are_not_static(app_configs, **kwargs):
    """Uploaded brochures and generated PDFs are private: a MEDIA_ROOT inside a static folder
    would be served to anyone by WhiteNoise, and a static folder inside MEDIA_ROOT mixes them.
    """
    static_folders = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    clashes = [
        str(folder)
        for folder in static_folders
        if folder and (_inside(settings.MEDIA_ROOT, folder) or _inside(folder, settings.MEDIA_ROOT))
    ]
    if not clashes:
        return []
    return [
        Error(
            f"MEDIA_ROOT ({settings.MEDIA_ROOT}) overlaps the static files ({', '.join(clashes)}):"
            " private uploads would be served to anyone.",
            hint="Point MEDIA_ROOT at a folder of its own, outside STATIC_ROOT and static/.",
            id="cepex_portal.E003",
        )
    ]


@register(Tags.security, deploy=True)
def visibility_timeout_outlives_tasks(app_configs, **kwargs):
    """With acks_late on Redis, a message not acknowledged within the visibility timeout goes
    to another worker: shorter than a task may run, a long report would be made twice."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    timeout = options.get("visibility_timeout")
    if timeout is None or timeout > settings.CELERY_TASK_TIME_LIMIT:
        return []
    return [
        Warning(
            f"The broker's visibility timeout ({timeout} s) is not longer than the tasks' "
            f"time limit ({settings.CELERY_TASK_TIME_LIMIT} s): a long task would be "
            "delivered to a second worker while the first still runs it.",
            hint="Raise CELERY_VISIBILITY_TIMEOUT (default 7200) above CELERY_TASK_TIME_LIMIT.",
            id="cepex_portal.W007",
        )
    ]
