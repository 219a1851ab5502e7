from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("welcome/", views.after_login, name="after_login"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("company/", include("partners.urls")),
    path("", include("missions.urls")),
]
