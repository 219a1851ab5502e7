"""The partners' pages, behind a signed link (namespace ``partner``)."""

from django.urls import path

from ..views import partner as views

app_name = "partner"

urlpatterns = [
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/requests/<int:pk>/", views.answer, name="answer"),
    path("<str:token>/availability/", views.availability, name="availability"),
]
