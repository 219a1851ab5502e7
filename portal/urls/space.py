from django.urls import path

from ..views import agendas, leads
from ..views import space as views

app_name = "space"

urlpatterns = [
    path("login/", views.login_request, name="login"),
    path("login/sent/", views.login_sent, name="login_sent"),
    path("login/<str:token>/", views.login_confirm, name="login_confirm"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.space, name="home"),
    path("profile/", views.profile, name="profile"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/wishes/", views.wishes_edit, name="wishes_edit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/held/<int:pk>/", views.held_review, name="held_review"),
    path("details/", views.contact_details, name="contact_details"),
    path("claims/<int:pk>/decide/", views.claim_decide_in_space, name="claim_decide_in_space"),
    path("claims/<str:token>/", views.claim_decide, name="claim_decide"),
    path("agenda/", agendas.company_agenda, name="agenda"),
    path("agenda/calendar/", agendas.company_calendar_feed, name="calendar_feed"),
    path("agenda/<slug:slug>/agenda.pdf", agendas.company_agenda_pdf, name="agenda_pdf"),
    path("leads/", leads.company_leads_page, name="leads"),
    path("leads/<int:pk>/", leads.company_lead_update, name="lead_update"),
    path("leads/meetings/<int:pk>/outcome/", leads.company_outcome, name="outcome"),
    path("leads/update/<str:token>/", leads.lead_reminder, name="lead_reminder"),
]
