"""Bad input at every public form and address (issue 11 §5).

Every address outside the admin (``tests/endpoints.py``, checked against the URL conf) gets
what a careless client or an attacker sends: nothing, blanks, 1 MB fields, 10,000 items,
wrong types (lists, huge and negative numbers, impossible dates and times), NUL and other
control characters, invalid UTF-8, HTML and script, SQL-looking text, path traversal in
file names and in the address, and bodies of the wrong content type.

Expected, every time: an answer below 500; nothing stored half-way (every row of the portal
is compared before and after a refused request: not one may change); and a form refused
with 200 or 400 says what is wrong and keeps what was typed, escaped.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from tests.endpoints import (
    ANONYMOUS,
    ENDPOINTS,
    REPRESENTATIVE,
    STAFF,
    Endpoint,
    build_world,
    field_name,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024

# --- What is thrown ---------------------------------------------------------------------------

HTML = "<script>alert('x')</script><img src=x onerror=alert(1)>"
SQL = "'; DROP TABLE partners_company; -- \" OR 1=1"
UNICODE = "Soci\u00e9t\u00e9 \u202eالسلام\u202c \U0001f600 \u200b"

# name -> a function of (field name, its valid value) giving the bad value.
TEXT_KINDS = {
    "html": lambda name, value: HTML,
    "sql": lambda name, value: SQL,
    "unicode": lambda name, value: UNICODE,
}
KINDS = {
    **TEXT_KINDS,
    "blank": lambda name, value: "",
    "huge": lambda name, value: "x" * MB,
    "nul": lambda name, value: "a\x00b",
    "control": lambda name, value: "\x01\x02\x1b[31m\x7f",
    "list": lambda name, value: ["a", "b", "c"],
    "big-number": lambda name, value: "9" * 40,
    "negative": lambda name, value: "-1",
    "float": lambda name, value: "NaN",
    "exponent": lambda name, value: "1e309",
    "bad-date": lambda name, value: "2027-02-30",
    "bad-time": lambda name, value: "25:61",
    "traversal": lambda name, value: "../../../../etc/passwd",
}

# Views whose POST reads no body: the token or the session is all they use.
IGNORES_BODY = {"portal:verify_email", "space:login_confirm", "space:logout"}
# Views that do what an empty form asks: no day ticked on the availability form means "not
# available on any day" (a body they cannot read is an empty form too).
BLANK_IS_AN_ANSWER = {"partner:availability"}
# Views that take any POST as "go on": the calendar address is made (the body names an
# action they ignore if unknown); the language form sets a cookie.
ANY_BODY_IS_AN_ANSWER = {"space:calendar_feed", "partner:calendar_feed", "set_language"}

POST_ENDPOINTS = sorted(name for name, e in ENDPOINTS.items() if e.post)
BODY_ENDPOINTS = [name for name in POST_ENDPOINTS if name not in IGNORES_BODY]

# --- The world and what it holds --------------------------------------------------------------

SKIPPED_MODELS = {
    "sessions.session",  # the visitor's session is rewritten by every request
    "axes.accessattempt",
    "admin.logentry",
    "contenttypes.contenttype",
    "auth.permission",
}


def snapshot() -> dict[str, list]:
    """Every row of every table of the portal, as plain values."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIPPED_MODELS:
            continue
        values = model._default_manager.order_by("pk").values()
        rows[label] = [
            {k: v for k, v in row.items() if k != "last_login"} for row in values.iterator()
        ]
    return rows


def changed_tables(before, after) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


@pytest.fixture
def world(db):
    built = build_world()
    # The pages speak English (the cookie below); the representative too, so that the
    # language switch stores nothing on their account.
    built.representative.language = "en"
    built.representative.save()
    return built


def _login(client, who, world):
    client.logout()
    if who == REPRESENTATIVE:
        client.force_login(world.representative)
    elif who == STAFF:
        client.force_login(world.staff)
    else:
        assert who == ANONYMOUS
    client.cookies["django_language"] = "en"


class Attempt:
    """One request thrown at an address, inside a savepoint that is rolled back after it:
    each attempt starts from the same world.
    """

    def __init__(self, client, world, endpoint):
        self.client, self.world, self.endpoint = client, world, endpoint

    def __enter__(self):
        cache.clear()  # rate limits do not carry from one attempt to the next
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        _login(self.client, self.endpoint.who, self.world)
        self.before = snapshot()
        return self

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self.atomic.__exit__(*exc)
        return False

    def changes(self) -> list[str]:
        return changed_tables(self.before, snapshot())


def _url(endpoint, world) -> str:
    return reverse(endpoint.name, args=endpoint.args(world))


def _shows_an_error(response) -> bool:
    text = response.content.decode()
    return any(marker in text for marker in ('class="errorlist', 'class="message error'))


def _bad_data(endpoint, world, kind) -> dict:
    make = KINDS[kind]
    return {name: make(name, value) for name, value in endpoint.post(world).items()}


def _check_refused_or_done(attempt, response, kind):
    """The answer is below 500; a refusal leaves every row as it was and says why."""
    name = attempt.endpoint.name
    status = response.status_code
    assert status < 500, (name, kind, status)
    changed = attempt.changes()
    if status >= 400:
        assert changed == [], (name, kind, status, changed)
    elif changed:
        # Accepted: only where that input is a legitimate answer.
        legitimate = name in ANY_BODY_IS_AN_ANSWER or (
            kind in ("blank", "empty", "content-type") and name in BLANK_IS_AN_ANSWER
        )
        assert legitimate, (name, kind, status, changed)


# --- Bodies -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BODY_ENDPOINTS)
def test_form_every_field_bad_answers_below_500_and_stores_nothing_half_way(
    client, world, settings, name
):
    endpoint = ENDPOINTS[name]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 40 * MB  # let the 1 MB fields reach the forms
    for kind in KINDS:
        with Attempt(client, world, endpoint) as attempt:
            response = client.post(_url(endpoint, world), _bad_data(endpoint, world, kind))
            _check_refused_or_done(attempt, response, kind)
            if response.status_code in (200, 400) and kind != "blank" and endpoint.text_fields:
                assert _shows_an_error(response), (name, kind)


TEXT_ENDPOINTS = [name for name in BODY_ENDPOINTS if ENDPOINTS[name].text_fields]


def _typed(endpoint, world, kind) -> tuple[str, dict]:
    typed = KINDS[kind]("", "")
    fields = [field_name(f, world, endpoint) for f in endpoint.text_fields]
    return typed, dict.fromkeys(fields, typed)


@pytest.mark.parametrize("name", TEXT_ENDPOINTS)
@pytest.mark.parametrize("kind", sorted(TEXT_KINDS))
def test_form_refused_says_why_and_keeps_what_was_typed_escaped(client, world, name, kind):
    endpoint = ENDPOINTS[name]
    typed, fields = _typed(endpoint, world, kind)
    # Every text field holds the typed text; one choice the form cannot take refuses it.
    data = {**endpoint.post(world), **endpoint.refuse(world), **fields}

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), data)
        _check_refused_or_done(attempt, response, kind)

    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    assert _shows_an_error(response)
    assert escape(typed) in page
    if typed != escape(typed):
        assert typed not in page


@pytest.mark.parametrize("name", TEXT_ENDPOINTS)
@pytest.mark.parametrize("kind", sorted(TEXT_KINDS))
def test_form_accepted_stores_the_text_exactly_as_typed(client, world, name, kind):
    endpoint = ENDPOINTS[name]
    typed, fields = _typed(endpoint, world, kind)
    data = {**endpoint.post(world), **fields}

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), data)
        assert response.status_code < 500
        after = snapshot()
        stored = [
            value
            for label in changed_tables(attempt.before, after)
            for row in after[label]
            for value in row.values()
            if isinstance(value, str) and typed in value
        ]

    if response.status_code in (301, 302):
        assert stored, (name, kind)  # kept whole, never cut or mangled
    else:
        # Refused as a whole (an e-mail address or a phone number cannot be this text).
        assert response.status_code in (200, 400)
        assert stored == []
        assert _shows_an_error(response)


@pytest.mark.parametrize("name", BODY_ENDPOINTS)
def test_form_nothing_at_all_answers_below_500(client, world, name):
    endpoint = ENDPOINTS[name]

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), {})
        _check_refused_or_done(attempt, response, "empty")


@pytest.mark.parametrize("name", POST_ENDPOINTS)
@pytest.mark.parametrize(
    "many",
    ["keys", "values"],
)
def test_form_ten_thousand_items_refused_400_with_a_message(client, world, name, many):
    endpoint = ENDPOINTS[name]
    data = dict(endpoint.post(world))
    if many == "keys":
        data.update({f"extra{n}": "x" for n in range(10_000)})
    else:
        data["extra"] = ["x"] * 10_000

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), data)
        _check_refused_or_done(attempt, response, many)
        assert response.status_code == 400
        assert "could not be read" in response.content.decode()


@pytest.mark.parametrize("name", POST_ENDPOINTS)
def test_form_body_larger_than_the_fields_may_be_refused_400(client, world, settings, name):
    endpoint = ENDPOINTS[name]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * MB
    data = {**endpoint.post(world), "padding": "x" * (3 * MB)}

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), data)
        _check_refused_or_done(attempt, response, "too-big")
        if name not in IGNORES_BODY:
            assert response.status_code == 400


@pytest.mark.parametrize("name", POST_ENDPOINTS)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "json"),
        ("text/plain", "a=b&c=d"),
        (
            "application/xml",
            "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        ),
        ("multipart/form-data", "no boundary"),
        ("multipart/form-data; boundary=XYZ", "--XYZ\r\nbroken"),
        ("application/x-www-form-urlencoded", b"legal_name=\xff\xfe&x=%E9"),
        ("", "a=b"),
    ],
    ids=["json", "text", "xml", "multipart-no-boundary", "multipart-broken", "latin1", "none"],
)
def test_form_body_of_the_wrong_content_type_answers_below_500(
    client, world, name, content_type, body
):
    endpoint = ENDPOINTS[name]
    if body == "json":
        body = json.dumps(endpoint.post(world))

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), body, content_type=content_type)
        if name in IGNORES_BODY:
            assert response.status_code < 500
        else:
            _check_refused_or_done(attempt, response, "content-type")


@pytest.mark.parametrize("name", ["portal:interest", "space:application_edit"])
@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("../../../../etc/passwd", b"root:x:0:0"),
        ("..%2F..%2Fstatic%2Fjs%2Fevil.js", b"alert(1)"),
        ("C:\\Windows\\evil.pdf", b"<html><script>alert(1)</script>"),
        ("brochure.pdf", b"%PDF-1.4\n" + b"\x00" * 64),
    ],
    ids=["passwd", "encoded-slashes", "windows-html", "pdf-ok"],
)
def test_upload_with_a_traversal_or_a_lie_in_its_name_never_escapes(
    client, world, settings, name, filename, content
):
    import os
    from pathlib import Path

    endpoint = ENDPOINTS[name]
    data = {**endpoint.post(world), "brochure": SimpleUploadedFile(filename, content)}

    with Attempt(client, world, endpoint) as attempt:
        response = client.post(_url(endpoint, world), data)
        assert response.status_code < 500
        media = Path(settings.MEDIA_ROOT)
        # Every file under the media folder but the world's report, wherever it landed.
        written = [
            Path(root, f)
            for root, _dirs, files in os.walk(media)
            for f in files
            if Path(root) != media / "reports"
        ]
        if content.startswith(b"%PDF-"):
            assert response.status_code == 302
            assert [p.parent for p in written] == [media / "brochures"]
        else:
            assert response.status_code in (200, 400)
            assert "The brochure must be a PDF file." in response.content.decode()
            assert written == []
            assert attempt.changes() == []


# --- Addresses and query strings ----------------------------------------------------------------

BAD_SEGMENTS = [
    HTML,
    SQL,
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "%FF%FE",
    "0",
    "-1",
    "9" * 40,
    "x" * 5000,
    "ñ" * 50,
]


def _open(client, url, endpoint, world):
    response = client.get(url)
    if response.status_code == 405 and endpoint.post:
        response = client.post(url, endpoint.post(world))
    return response


_NO_ARGS = Endpoint.__dataclass_fields__["args"].default
ARG_ENDPOINTS = sorted(name for name, e in ENDPOINTS.items() if e.args is not _NO_ARGS)


@pytest.mark.parametrize("name", ARG_ENDPOINTS)
def test_address_with_a_bad_argument_answers_below_500_and_changes_nothing(client, world, name):
    endpoint = ENDPOINTS[name]
    good = [str(arg) for arg in endpoint.args(world)]
    url = _url(endpoint, world)
    for position, arg in enumerate(good):
        for bad in BAD_SEGMENTS:
            bad_url = url.replace(f"/{arg}", "/" + quote(bad, safe="%"), 1)
            assert bad_url != url
            with Attempt(client, world, endpoint) as attempt:
                response = _open(client, bad_url, endpoint, world)
                assert response.status_code in (400, 404, 405, 429), (name, position, bad)
                assert attempt.changes() == [], (name, position, bad)


GET_ENDPOINTS = sorted(ENDPOINTS)

BAD_VALUES = [
    HTML,
    SQL,
    "-1",
    "0",
    "9" * 40,
    "1e309",
    ["1", "2"],
    "../../../../etc/passwd",
    "x" * 5000,
    "a\x00b",
    "https://evil.example/",
]
# The parameters the pages read: the page of a list, the language of a calendar feed.
QUERY_PARAMETERS = {"portal:list": "page", "reports:index": "page", "feeds:calendar": "lang"}


@pytest.mark.parametrize("name", GET_ENDPOINTS)
def test_page_with_a_bad_query_string_answers_below_500(client, world, name):
    endpoint = ENDPOINTS[name]
    url = _url(endpoint, world)
    read = QUERY_PARAMETERS.get(name)
    # The parameter the page reads gets every bad value; any page gets them all at once,
    # under the names a page could read.
    queries = [{read: value} for value in BAD_VALUES] if read else []
    queries.append({"page": HTML, "lang": SQL, "next": "https://evil.example/", "q": "a\x00b"})
    for query in queries:
        with Attempt(client, world, endpoint) as attempt:
            response = client.get(url, query)
            assert response.status_code < 500, (name, query)
            if endpoint.name != "space:login_confirm":
                assert attempt.changes() == [], (name, query)


@pytest.mark.parametrize("name", GET_ENDPOINTS)
def test_page_with_ten_thousand_query_items_answers_below_500(client, world, name):
    # Django bounds the fields of a body, not of a query string (the web server bounds its
    # length): the page reads the parameters it knows and ignores the rest.
    endpoint = ENDPOINTS[name]
    query = "&".join(f"k{n}=v" for n in range(10_000)) + "&page=" + "&page=".join("1" * 100)

    with Attempt(client, world, endpoint) as attempt:
        response = client.get(f"{_url(endpoint, world)}?{query}")
        if name != "space:login_confirm":
            assert attempt.changes() == []

    assert response.status_code < 500, response.status_code


@pytest.mark.parametrize("name", GET_ENDPOINTS)
def test_page_with_invalid_utf8_in_the_query_refused_400(client, world, name):
    endpoint = ENDPOINTS[name]

    with Attempt(client, world, endpoint):
        response = client.get(f"{_url(endpoint, world)}?page=%FF%FE")

    assert response.status_code == 400


def test_every_address_is_thrown_at():
    from tests.endpoints import public_url_names

    assert set(ENDPOINTS) == public_url_names()
    assert set(BODY_ENDPOINTS) | IGNORES_BODY == set(POST_ENDPOINTS)
