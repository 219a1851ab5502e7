"""The project's URLs with the partner's agenda views mounted under ``partner:``, as the
partner's pages will mount them: the partner's pages resolve the signed link (here a minimal
stand-in that checks signature, version and usability) and pass it to the views.
"""

from django.http import Http404
from django.urls import include, path

from cepex_portal.urls import urlpatterns as project_urlpatterns
from matchmaking.models import PartnerLink
from portal.views import agendas


def _with_link(view):
    def wrapper(request, token):
        payload = PartnerLink.unsign(token)
        link = (
            PartnerLink.objects.select_related("mission", "partner")
            .filter(pk=payload["id"], version=payload.get("v"))
            .first()
            if payload
            else None
        )
        if link is None or not link.is_usable:
            raise Http404
        return view(request, link)

    return wrapper


partner_patterns = (
    [
        path("<str:token>/agenda/", _with_link(agendas.partner_agenda), name="agenda"),
        path("<str:token>/agenda.pdf", _with_link(agendas.partner_agenda_pdf), name="agenda_pdf"),
        path(
            "<str:token>/calendar/",
            _with_link(agendas.partner_calendar_feed),
            name="calendar_feed",
        ),
    ],
    "partner",
)

urlpatterns = [
    path("partner/", include(partner_patterns)),
    *[pattern for pattern in project_urlpatterns if "partner" not in str(pattern.pattern)],
]
