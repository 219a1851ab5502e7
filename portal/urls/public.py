from django.urls import path

from ..views import public as views

app_name = "portal"

urlpatterns = [
    path("", views.mission_list, name="list"),
    path("privacy/", views.privacy, name="privacy"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("missions/<slug:slug>/", views.mission_detail, name="detail"),
    path("missions/<slug:slug>/interest/", views.mission_interest, name="interest"),
    path(
        "missions/<slug:slug>/interest/thanks/",
        views.mission_interest_done,
        name="interest_done",
    ),
]
