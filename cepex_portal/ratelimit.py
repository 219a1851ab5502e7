"""A fixed-window rate limit counted in the cache (Redis when configured), and the client's
address as the limit sees it.

Used by the public forms and the login-link form. The count is only shared between web
processes when the cache is (``CACHE_URL`` pointing at Redis); a deployment check warns
when debug is off and the cache is per process.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client, behind ``TRUSTED_PROXY_COUNT`` proxies of our own.

    Without proxies, REMOTE_ADDR. Behind N proxies that each append the address they saw
    to X-Forwarded-For, the client is the N-th address from the right: anything further
    left was written by the client itself and proves nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not the path our proxies write: trust only the socket
    return forwarded[-proxies]


def hashed(value: str) -> str:
    """A cache key part for personal data (an e-mail address) that does not store it."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key``; return True when the limit is exceeded."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr(): start a new window
            cache.set(cache_key, 1, timeout=window_seconds)
            count = 1
    return count > limit
