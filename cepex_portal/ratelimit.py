"""Rate limits counted in the cache (Redis when configured), the client's address as they
see it, and the decorators that put a limit on a view.

The count is only shared between web processes when the cache is (``CACHE_URL`` pointing
at Redis); a deployment check warns when debug is off and the cache is per process.

Every view outside the admin that accepts a POST has a limit (``tests/test_rate_limits.py``
walks the URL conf): the interest and login-link forms count inside their views, with their
own message in the form; the others are wrapped in :func:`rate_limited`. Pages reached by a
token in their address are also wrapped in :func:`token_guard`: an address that opened too
many tokens that are not ours (``BAD_TOKEN_RATE_LIMIT``) is refused every token page until
the window ends, so nobody can try tokens one after the other.

When the cache is unreachable (Redis down), the limits fail open: the count is skipped and
logged, and the form works. Refusing every visitor while Redis is down would turn a broken
cache into a broken portal; the honeypot, the form's own checks and the admin's lockout
(kept in the database) still hold.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The address of the client, behind ``TRUSTED_PROXY_COUNT`` proxies of our own.

    Without proxies, REMOTE_ADDR. Behind N proxies that each append the address they saw
    to X-Forwarded-For, the client is the N-th address from the right: anything further
    left was written by the client itself and proves nothing. "unknown" when there is no
    address (a Unix socket without a proxy in front).
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
    if len(forwarded) < proxies or not _is_ip(forwarded[-proxies]):
        return remote  # not the path our proxies write: trust only the socket
    return forwarded[-proxies]


def client_ip_address(request: HttpRequest) -> str | None:
    """:func:`client_ip` when it is an IP address, else None: for django-axes
    (``AXES_CLIENT_IP_CALLABLE``), which stores it in an address column.
    """
    address = client_ip(request)
    return address if _is_ip(address) else None


def hashed(value: str) -> str:
    """A cache key part for personal data (an e-mail address) that does not store it."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key``; return True when the limit is exceeded (never when the
    cache cannot be reached: see the module's docstring)."""
    cache_key = f"ratelimit:{key}"
    try:
        if cache.add(cache_key, 1, timeout=window_seconds):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add() and incr(): start a new window
                cache.set(cache_key, 1, timeout=window_seconds)
                count = 1
    except Exception as exc:  # the cache server is down or refuses: fail open, say so
        logger.warning("rate limit %s not counted, the cache is unreachable: %s", key, exc)
        return False
    return count > limit


def _window() -> int:
    return settings.PUBLIC_FORM_RATE_WINDOW_SECONDS


def too_many_requests(request: HttpRequest, reason: str) -> HttpResponse:
    """The 429 page: why, and when to try again."""
    window = _window()
    response = render(
        request,
        "429.html",
        {"reason": reason, "minutes": max(1, math.ceil(window / 60))},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


# --- Limits on views ------------------------------------------------------------------------

PER_IP = "ip"
PER_ACCOUNT = "account"


@dataclass(frozen=True)
class Limit:
    """What a view's limit counts: ``scope`` names the counter, ``setting`` the number of
    requests allowed per window, ``per`` whom they are counted for.
    """

    scope: str
    setting: str
    per: str

    def who(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if self.per == PER_ACCOUNT and user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{client_ip(request)}"

    def hit(self, request: HttpRequest) -> bool:
        """Count this request; True when it is one too many."""
        return rate_limit_hit(
            key=f"{self.scope}:{self.who(request)}",
            limit=getattr(settings, self.setting),
            window_seconds=_window(),
        )


def rate_limited(
    scope: str, *, setting: str, per: str = PER_IP, methods: tuple[str, ...] = ("POST",)
) -> Callable:
    """Count the view's ``methods`` requests per IP address (``per=PER_IP``) or per
    logged-in account (``PER_ACCOUNT``; visitors by address); beyond ``settings.<setting>``
    per window, answer 429 without running the view.
    """
    limit = Limit(scope=scope, setting=setting, per=per)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods and limit.hit(request):
                logger.info("rate limit %s reached by %s", scope, limit.who(request))
                if per == PER_ACCOUNT:
                    reason = _("Too many forms were sent from your account.")
                else:
                    reason = _("Too many forms were sent from your connection.")
                return too_many_requests(request, reason)
            return view(request, *args, **kwargs)

        wrapper.rate_limit = limit
        return wrapper

    decorator.limit = limit  # for a view that counts inside, where its own form says why
    return decorator


# --- Tokens in addresses --------------------------------------------------------------------


def _bad_token_key(request: HttpRequest) -> str:
    return f"ratelimit:bad-token:{client_ip(request)}"


def bad_token_seen(request: HttpRequest) -> None:
    """Count an address opened with a token that is not ours (unknown, tampered, truncated,
    of another kind). Expired and used tokens were ours: they do not count.
    """
    # Logged as the count reaches the limit: from then on token_guard refuses the address
    # before any view counts again, so once per address and window.
    if rate_limit_hit(
        key=f"bad-token:{client_ip(request)}",
        limit=settings.BAD_TOKEN_RATE_LIMIT - 1,
        window_seconds=_window(),
    ):
        logger.warning("bad token limit reached by %s on %s", client_ip(request), request.path)


def bad_tokens_exceeded(request: HttpRequest) -> bool:
    try:
        seen = cache.get(_bad_token_key(request)) or 0
    except Exception as exc:  # the cache server is down: fail open, say so
        logger.warning("bad-token count not read, the cache is unreachable: %s", exc)
        return False
    return seen >= settings.BAD_TOKEN_RATE_LIMIT


def token_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse (429) every token page to an address that tried too many bad tokens; the view
    reports each bad token it refuses with :func:`bad_token_seen`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if bad_tokens_exceeded(request):
            return too_many_requests(
                request, _("Too many links that are not valid were opened from your connection.")
            )
        return view(request, *args, **kwargs)

    wrapper.token_guard = True
    return wrapper
