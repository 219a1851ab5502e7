from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("login/", views.login_request, name="login"),
    path("", views.space, name="space"),
]
