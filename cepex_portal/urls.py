from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("welcome/", views.after_login, name="after_login"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The faces, by dotted name: the site's plumbing imports no app of ours.
    path("company/", include("portal.urls.space")),
    path("partner/", include("portal.urls.partner")),
    path("calendar/", include("portal.urls.feeds")),
    path("reports/", include("portal.urls.reports")),
    path("", include("portal.urls.public")),
]
