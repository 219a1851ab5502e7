"""The partners' pages, behind a signed link (namespace ``partner``)."""

from django.urls import path

from ..views import agendas, leads
from ..views import partner as views

app_name = "partner"

urlpatterns = [
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/requests/<int:pk>/", views.answer, name="answer"),
    path("<str:token>/availability/", views.availability, name="availability"),
    # The partner's agenda, its PDF and its calendar address, behind the same link.
    path(
        "<str:token>/agenda/",
        views.partner_link_required(agendas.partner_agenda),
        name="agenda",
    ),
    path(
        "<str:token>/agenda.pdf",
        views.partner_link_required(agendas.partner_agenda_pdf),
        name="agenda_pdf",
    ),
    # What came of the partner's meetings, once they have ended.
    path(
        "<str:token>/meetings/",
        views.partner_link_required(leads.partner_outcomes),
        name="outcomes",
    ),
    path(
        "<str:token>/meetings/<int:pk>/outcome/",
        views.partner_link_required(leads.partner_outcome),
        name="outcome",
    ),
    path(
        "<str:token>/calendar/",
        views.partner_link_required(agendas.partner_calendar_feed),
        name="calendar_feed",
    ),
]
