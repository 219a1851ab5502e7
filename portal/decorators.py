"""Who may see the company space (a logged-in representative of a company), and the rate
limits of the portal's forms.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

from cepex_portal.ratelimit import PER_ACCOUNT, rate_limited
from partners.services import representative_set_language

# Forms of a logged-in account (the company space, the reports page): counted per account.
account_form_limited = rate_limited("account", setting="ACCOUNT_FORM_RATE_LIMIT", per=PER_ACCOUNT)
# Forms reached through a link in an e-mail (partners' pages, a reminder, a verification, a
# claim decision, the login button): counted per address, as nobody is logged in.
link_form_limited = rate_limited("link", setting="LINK_FORM_RATE_LIMIT")


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def company_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let in representatives of a company; send visitors to the login page; refuse the rest.

    Staff without a company get 403: the company space shows one company's data, and they have
    the admin for all of them.

    The language is remembered both ways: a language chosen with the switch (the cookie)
    becomes the representative's, for their e-mails; a browser without the cookie gets the
    representative's language back.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.company_id is None:
            raise PermissionDenied
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            representative_set_language(user=user, language=chosen)
            response = view(request, *args, **kwargs)
        else:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            response = view(request, *args, **kwargs)
            set_language_cookie(response, user.language)
        # One company's data: no shared cache keeps it, no browser stores it on disk.
        patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        return response

    return wrapper
