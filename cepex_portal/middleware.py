"""Middleware of the portal."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def _valid_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _urlencoded_is_utf8(data: bytes) -> bool:
    for pair in data.split(b"&"):
        for part in pair.split(b"=", 1):
            if not _valid_utf8(unquote_to_bytes(part.replace(b"+", b" "))):
                return False
    return True


class RejectInvalidUTF8Middleware:
    """Refuse with 400 a query string or form body that is not valid UTF-8.

    Django decodes such bytes with replacement characters, so "Soci\\xe9t\\xe9" would be
    stored as "Soci�t�": garbage kept forever in a company's record. Form bodies are checked
    byte for byte when URL-encoded; in multipart bodies Django has already replaced the bad
    bytes, so a text field holding U+FFFD (which nobody types) is refused instead. Uploaded
    files are never looked at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _urlencoded_is_utf8(request.META.get("QUERY_STRING", "").encode("latin-1")):
            return self._refuse()
        if request.method == "POST":
            content_type = request.content_type or ""
            if content_type == _URLENCODED and not _urlencoded_is_utf8(request.body):
                return self._refuse()
            if content_type == _MULTIPART and any(
                "\ufffd" in value for values in request.POST.lists() for value in values[1]
            ):
                return self._refuse()
        return self.get_response(request)

    @staticmethod
    def _refuse() -> HttpResponse:
        return HttpResponseBadRequest(
            _("The form was sent in an encoding the portal cannot read. Send it again as UTF-8."),
            content_type="text/plain; charset=utf-8",
        )


class RequestSizeLimitMiddleware:
    """Refuse with 413 a request whose body is larger than ``MAX_REQUEST_BYTES``, unread.

    Django bounds the form fields of a body (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not its
    files: a 2 GB "brochure" would be streamed to a temporary file before the form's
    validator said it is too large. The reverse proxy should refuse it first (nginx
    ``client_max_body_size``); this is the portal's own guard. A body without a length is
    read by Django as empty, so the declared length is the one to judge.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(
                _("The request's length is not a number."),
                content_type="text/plain; charset=utf-8",
            )
        if length > settings.MAX_REQUEST_BYTES:
            return render(
                request,
                "413.html",
                {
                    "size": f"{length / 1024 / 1024:.1f}",
                    "limit": settings.MAX_REQUEST_BYTES // (1024 * 1024),
                },
                status=413,
            )
        return self.get_response(request)


class NumberOutOfRangeMiddleware:
    """Answer 400, not 500, when a number in the request is too large for the database.

    Forms bound their numbers, but the admin's list filters take ids from the address as
    they come (``?mission__id__in=1,99999999999999999999``): SQLite cannot bind such an
    integer (``OverflowError``) and PostgreSQL refuses it (``numeric_value_out_of_range``,
    22003). Either is a bad request, answered with the portal's 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        out_of_range = isinstance(exception, OverflowError) or (
            isinstance(exception, DataError)
            and getattr(exception.__cause__, "pgcode", None) == "22003"
        )
        if not out_of_range:
            return None
        return render(
            request,
            "400.html",
            {"reason": _("A number in the address or the form is too large. Nothing was saved.")},
            status=400,
        )
