"""The company admin of the ground floor, with what missions know of each company.

``partners`` knows nothing of missions, so its ``CompanyAdmin`` shows no applications; this
app extends it with the company's history across missions (an inline and a count) and
registers the extended admin in its place. Companies are a directory every chargé de
mission shares; their applications are not: each sees those of their team's missions.
"""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from partners.admin import CompanyAdmin
from partners.models import Company

from ..models import Application
from ..selectors import missions_visible_to, user_sees_all_missions
from .scoping import MissionScopedInline


class CompanyApplicationInline(MissionScopedInline, admin.TabularInline):
    """The company's history across missions; decisions are taken on each application."""

    model = Application
    fields = ("mission", "status", "submitted_at", "decided_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mission", "company")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CompanyWithApplicationsAdmin(CompanyAdmin):
    list_display = (*CompanyAdmin.list_display[:-1], "application_count", "is_example")
    inlines = (*CompanyAdmin.inlines[:1], CompanyApplicationInline, *CompanyAdmin.inlines[1:])

    def get_queryset(self, request):
        # A correlated subquery, not Count() over a join: no GROUP BY over the whole row.
        applications = Application.objects.filter(company=OuterRef("pk"))
        if not user_sees_all_missions(user=request.user):
            applications = applications.filter(mission__in=missions_visible_to(user=request.user))
        applications = (
            applications.order_by().values("company").annotate(total=Count("pk")).values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(application_total=Coalesce(Subquery(applications), 0))
        )

    @admin.display(description=_("applications"), ordering="application_total")
    def application_count(self, obj: Company) -> int:
        return obj.application_total


admin.site.unregister(Company)
admin.site.register(Company, CompanyWithApplicationsAdmin)
