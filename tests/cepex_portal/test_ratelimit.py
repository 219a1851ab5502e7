"""The client's address behind trusted proxies, and the rate limits that use it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cepex_portal.ratelimit import client_ip, rate_limit_hit

pytestmark = pytest.mark.django_db


def _request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_ip_without_trusted_proxy_ignores_forwarded_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.5"


def test_client_ip_behind_one_proxy_takes_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "6.6.6.6" itself; our proxy appended the address it saw.
    assert client_ip(_request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_client_ip_behind_two_proxies_skips_the_inner_one(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(forwarded="6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_client_ip_header_shorter_than_proxy_chain_falls_back_to_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.5"


def test_interest_rate_limit_counts_each_client_behind_the_proxy(client, settings):
    # Behind a proxy every visitor shares its address; the limit must be per visitor.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_FORM_RATE_LIMIT = 1
    from tests.factories import MissionFactory

    url = reverse("portal:interest", args=[MissionFactory(slug="m").slug])
    first = client.post(url, {}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = client.post(url, {}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(url, {}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")

    assert (first.status_code, other.status_code, again.status_code) == (400, 400, 429)


def test_login_rate_limit_per_address_same_for_known_and_unknown(
    client, settings, company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 2
    url = reverse("space:login")
    statuses = {}
    for email in (company_a_user.email, "nobody@nowhere.example"):
        with django_capture_on_commit_callbacks(execute=True):
            statuses[email] = [
                client.post(url, {"email": email}, REMOTE_ADDR=f"10.0.0.{n}").status_code
                for n in range(4)  # four addresses: the per-IP limit is not what stops them
            ]

    assert statuses[company_a_user.email] == statuses["nobody@nowhere.example"]
    assert statuses["nobody@nowhere.example"] == [302, 302, 429, 429]
    assert len(mailoutbox) == 2  # only the requests within the limit sent a link


def test_login_rate_limit_per_ip(client, settings):
    settings.LOGIN_RATE_LIMIT_PER_IP = 3
    url = reverse("space:login")

    statuses = [
        client.post(url, {"email": f"person{n}@example.com"}).status_code for n in range(40)
    ]

    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}


def test_login_rate_limited_answer_keeps_the_address_and_says_why(client, settings):
    settings.LOGIN_RATE_LIMIT_PER_IP = 0
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("space:login"), {"email": "a@b.example"})

    assert response.status_code == 429
    assert "Too many login requests" in response.content.decode()
    assert 'value="a@b.example"' in response.content.decode()


def test_client_ip_behind_a_proxy_that_wrote_no_address_falls_back_to_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(forwarded="6.6.6.6, <script>")) == "10.0.0.5"


def test_client_ip_address_for_axes_is_none_without_an_address(settings):
    from cepex_portal.ratelimit import client_ip_address

    request = _request(remote="")

    assert client_ip(request) == "unknown"
    assert client_ip_address(request) is None
    assert client_ip_address(_request(remote="2001:db8::1")) == "2001:db8::1"


# --- Cache down: the limits fail open ----------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """The shared cache is a Redis that refuses connections (Redis down)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/1",
        }
    }


def test_rate_limit_with_the_cache_down_lets_through_and_logs(cache_down, caplog):
    assert rate_limit_hit(key="interest:10.0.0.5", limit=0, window_seconds=60) is False
    assert "rate limit interest:10.0.0.5 not counted, the cache is unreachable" in caplog.text


def test_login_link_form_with_the_cache_down_still_sends_the_link(
    client, cache_down, company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("space:login"), {"email": company_a_user.email})

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[company_a_user.email]]


def test_token_page_with_the_cache_down_still_opens(client, cache_down, settings):
    settings.BAD_TOKEN_RATE_LIMIT = 1

    statuses = [client.get(reverse("space:login_confirm", args=["not-a-token"])).status_code]
    statuses += [client.get(reverse("space:login_confirm", args=["not-a-token"])).status_code]

    assert 429 not in statuses
