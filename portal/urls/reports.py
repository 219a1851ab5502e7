"""The managers' reports page (namespace ``reports``): every mission's PDF reports, making
them, following them, downloading them. Staff with the permissions only (see the views).
"""

from django.urls import path

from ..views import reports as views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("missions/<slug:slug>/generate/", views.generate, name="generate"),
    path("<int:pk>/state/", views.state, name="state"),
    path("<int:pk>/download/", views.download, name="download"),
]
