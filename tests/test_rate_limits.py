"""Every form outside the admin has a rate limit, and token pages refuse guessers
(issue 11 §2).

The walk goes over the URL conf (``tests/endpoints.py`` lists each address with what it
takes to reach it): with every limit at 0, a POST to a view that takes one must be refused
with 429, and a view that takes none answers 405. A new address fails here until it is
listed; a new form without a limit fails here until it has one (or is named, with its
reason, in ``UNLIMITED_POSTS``).

The rules:

- interest form: ``PUBLIC_FORM_RATE_LIMIT`` per IP address (a representative's short form:
  ``ACCOUNT_FORM_RATE_LIMIT`` per account); login-link form: per IP and per e-mail address;
- forms reached through a link (partners, reminders, verification, claims, the login
  button): ``LINK_FORM_RATE_LIMIT`` per IP address;
- company space and reports page: ``ACCOUNT_FORM_RATE_LIMIT`` per account;
- token pages: ``BAD_TOKEN_RATE_LIMIT`` tokens that are not ours per IP address, then 429 on
  every token page for that address until the window ends (expired or used tokens, and
  replaced calendar feeds, were ours: they do not count).
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.endpoints import (
    ANONYMOUS,
    ENDPOINTS,
    LOGIN_TOKEN,
    REPRESENTATIVE,
    STAFF,
    UNLIMITED_POSTS,
    build_world,
    public_url_names,
)
from tests.factories import CompanyFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMITS = (
    "PUBLIC_FORM_RATE_LIMIT",
    "LOGIN_RATE_LIMIT_PER_IP",
    "LOGIN_RATE_LIMIT_PER_ADDRESS",
    "LINK_FORM_RATE_LIMIT",
    "ACCOUNT_FORM_RATE_LIMIT",
)


@pytest.fixture
def world(db):
    return build_world()


def _as(client, who, world):
    if who == REPRESENTATIVE:
        client.force_login(world.representative)
    elif who == STAFF:
        client.force_login(world.staff)
    else:
        assert who == ANONYMOUS
    client.cookies["django_language"] = "en"
    return client


def _url(endpoint, world) -> str:
    return reverse(endpoint.name, args=endpoint.args(world))


def test_every_address_outside_the_admin_is_listed():
    assert public_url_names() == set(ENDPOINTS)


def test_url_conf_walk_finds_namespaced_and_plain_names():
    names = public_url_names()

    assert {"health", "set_language", "space:login", "partner:answer", "feeds:calendar"} <= names
    assert not any(name.startswith("admin:") for name in names)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_post_to_every_address_is_rate_limited_or_not_accepted(client, world, settings, name):
    endpoint = ENDPOINTS[name]
    client = _as(client, endpoint.who, world)
    data = endpoint.post(world) if endpoint.post else {}

    within = client.post(_url(endpoint, world), data)
    for limit in LIMITS:
        setattr(settings, limit, 0)
    beyond = client.post(_url(endpoint, world), data)

    if endpoint.post is None:
        assert (within.status_code, beyond.status_code) == (405, 405)
    elif name in UNLIMITED_POSTS:
        assert beyond.status_code != 429
    else:
        assert within.status_code != 429
        assert beyond.status_code == 429, beyond.content[:300]


def test_rate_limited_page_says_why_and_when_in_the_visitors_language(client, world, settings):
    settings.LINK_FORM_RATE_LIMIT = 0
    endpoint = ENDPOINTS["partner:availability"]

    response = _as(client, ANONYMOUS, world).post(_url(endpoint, world), endpoint.post(world))

    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.PUBLIC_FORM_RATE_WINDOW_SECONDS)
    assert "Too many forms were sent from your connection." in response.text
    assert "Please try again in 60 minutes." in response.text


def test_link_form_limit_counts_per_address(client, world, settings):
    settings.LINK_FORM_RATE_LIMIT = 2
    endpoint = ENDPOINTS["partner:availability"]
    url, data = _url(endpoint, world), endpoint.post(world)

    first = [client.post(url, data, REMOTE_ADDR="203.0.113.1").status_code for _ in range(3)]
    other = client.post(url, data, REMOTE_ADDR="203.0.113.2").status_code

    assert first == [302, 302, 429]
    assert other == 302


def test_account_form_limit_counts_per_account_not_per_address(client, world, settings):
    settings.ACCOUNT_FORM_RATE_LIMIT = 1
    endpoint = ENDPOINTS["space:contact_details"]
    url, data = _url(endpoint, world), endpoint.post(world)
    client.force_login(world.representative)

    mine = [client.post(url, data, REMOTE_ADDR=f"203.0.113.{n}").status_code for n in (1, 2)]
    colleague = UserFactory(username="rep-a2", email="rep-a2@alpha.example", company=world.alpha)
    ContactFactory(company=world.alpha, email=colleague.email)
    client.force_login(colleague)
    theirs = client.post(url, data, REMOTE_ADDR="203.0.113.1").status_code

    assert mine == [302, 429]  # another address does not help the same account
    assert theirs == 302  # another account of the same office is not held back


def test_interest_form_of_a_representative_is_limited_per_account(client, world, settings):
    settings.ACCOUNT_FORM_RATE_LIMIT = 0
    gamma = CompanyFactory(legal_name="Gamma SARL")
    ContactFactory(company=gamma, email="rep@gamma.example")
    client.force_login(UserFactory(username="rep-g", email="rep@gamma.example", company=gamma))
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("portal:interest", args=[world.mission.slug]),
        {"objectives": ["export"], "motivation": "Keep me", "consent": "on"},
    )

    assert response.status_code == 429
    assert "Too many forms were sent from your account." in response.text
    assert "Keep me" in response.text
    assert not gamma.applications.exists()


# --- Tokens that are not ours -----------------------------------------------------------------

TOKEN_ENDPOINTS = sorted(name for name, endpoint in ENDPOINTS.items() if endpoint.token)


def _tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def _open(client, endpoint, world, args, **extra):
    url = reverse(endpoint.name, args=args)
    response = client.get(url, **extra)
    if response.status_code == 405:
        data = endpoint.post(world) if endpoint.post else {}
        response = client.post(url, data, **extra)
    return response


@pytest.mark.parametrize("name", TOKEN_ENDPOINTS)
def test_token_page_after_too_many_bad_tokens_refuses_even_a_good_one(
    client, world, settings, name
):
    settings.BAD_TOKEN_RATE_LIMIT = 2
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is checked in English
    endpoint = ENDPOINTS[name]
    good = endpoint.args(world)
    bad = [_tampered(good[0]), *good[1:]]

    refused = [_open(client, endpoint, world, bad).status_code for _ in range(2)]
    blocked = _open(client, endpoint, world, good)
    elsewhere = _open(client, endpoint, world, good, REMOTE_ADDR="198.51.100.9")

    assert all(status in (400, 404) for status in refused), refused
    assert blocked.status_code == 429
    assert "Too many links that are not valid were opened from your connection." in blocked.text
    assert elsewhere.status_code in (200, 302)


@pytest.mark.parametrize("name", TOKEN_ENDPOINTS)
def test_token_page_good_token_counts_nothing(client, world, settings, name):
    settings.BAD_TOKEN_RATE_LIMIT = 1
    endpoint = ENDPOINTS[name]

    statuses = [_open(client, endpoint, world, endpoint.args(world)).status_code for _ in range(3)]

    assert 429 not in statuses


def test_bad_tokens_of_one_kind_block_every_token_page(client, world, settings):
    settings.BAD_TOKEN_RATE_LIMIT = 3
    for _ in range(3):
        client.get(reverse("space:login_confirm", args=["guess-" + "x" * 40]))

    response = client.get(reverse("partner:home", args=[world.link.token]))

    assert response.status_code == 429


def test_used_login_link_does_not_count_as_a_bad_token(client, world, settings):
    settings.BAD_TOKEN_RATE_LIMIT = 1
    url = reverse("space:login_confirm", args=[LOGIN_TOKEN])
    assert client.post(url).status_code == 302
    client.logout()

    again = [client.get(url).status_code for _ in range(3)]

    assert again == [400, 400, 400]
    assert cache.get("ratelimit:bad-token:127.0.0.1") is None


def test_replaced_calendar_feed_does_not_count_as_a_bad_token(client, world, settings):
    from matchmaking.services.agendas import calendar_feed_reset

    settings.BAD_TOKEN_RATE_LIMIT = 1
    old = world.feed.token
    calendar_feed_reset(feed=world.feed)

    polls = [client.get(reverse("feeds:calendar", args=[old])).status_code for _ in range(3)]

    assert polls == [404, 404, 404]
    assert cache.get("ratelimit:bad-token:127.0.0.1") is None


def test_bad_token_limit_is_logged_once_reached(client, world, settings, caplog):
    settings.BAD_TOKEN_RATE_LIMIT = 1

    with caplog.at_level("WARNING", logger="cepex_portal.ratelimit"):
        for _ in range(3):
            client.get(reverse("portal:verify_email", args=["not-a-token"]))

    assert [r.getMessage() for r in caplog.records if r.name == "cepex_portal.ratelimit"] == [
        "bad token limit reached by 127.0.0.1 on /verify/not-a-token/"
    ]
