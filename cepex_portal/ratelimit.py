"""A fixed-window rate limit counted in the cache (Redis when configured).

Used by the public forms: one IP address may submit a limited number of times per window.
"""

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client and cannot be trusted unless a
    # proxy we control rewrites it, and then the proxy sets REMOTE_ADDR for us (gunicorn
    # --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
