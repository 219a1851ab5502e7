"""Admin of reports: generation. The generated PDF reports, read-only, with their download
link (through the managers' page's checked view: files have no URL), and a page to make one
for a mission (``generate/``), which calls the same service as the managers' page. A report's
page follows it while it is made (``static/js/report-progress.js``).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from missions.admin.scoping import MissionScopedAdmin
from missions.models import Mission
from missions.selectors import missions_visible_to

from ..enums import ReportKind, ReportState
from ..models import Report
from ..selectors.generation import ACTIVE_STATES
from ..services.generation import report_request


class ReportGenerateForm(forms.Form):
    mission = forms.ModelChoiceField(
        label=_("Mission"), queryset=Mission.objects.order_by("-starts_on", "-pk")
    )
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )


@admin.register(Report)
class ReportAdmin(MissionScopedAdmin):
    """Every generation of every report; nothing here is edited by hand."""

    list_display = (
        "mission",
        "kind",
        "language",
        "state",
        "progress",
        "created_at",
        "requested_by",
        "pages",
        "size",
        "download",
    )
    list_filter = ("kind", "state", "language", ("mission", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("mission", "requested_by")
    search_fields = ("mission__title", "mission__slug")
    date_hierarchy = "created_at"
    fields = (
        "mission",
        "kind",
        "language",
        "state",
        "progress",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "pages",
        "size",
        "checksum",
        "download",
        "error",
    )
    readonly_fields = fields
    change_list_template = "admin/reports/report/change_list.html"
    change_form_template = "admin/reports/report/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False  # "Make a report" (generate_view): the worker makes it

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the history of what was handed out is kept

    def has_generate_permission(self, request) -> bool:
        return request.user.has_perms(["reports.view_report", "reports.add_report"])

    @admin.display(description=_("size"))
    def size(self, obj: Report) -> str:
        return filesizeformat(obj.size_bytes) if obj.size_bytes else "—"

    @admin.display(description=_("file"))
    def download(self, obj: Report) -> str:
        if obj.state != ReportState.DONE:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:download", args=[obj.pk]), gettext("Download")
        )

    def get_urls(self):
        return [
            path(
                "generate/",
                self.admin_site.admin_view(self.generate_view),
                name="reports_report_generate",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"can_generate": self.has_generate_permission(request)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, unquote(object_id))
        extra = {"is_active": report is not None and report.state in ACTIVE_STATES}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def generate_view(self, request):
        """Staff with the right: queue a report (POST), or show the form (``?mission=<id>``
        chooses the mission)."""
        if not self.has_generate_permission(request):
            raise PermissionDenied
        initial = {}
        if request.GET.get("mission", "").isdigit():
            initial["mission"] = request.GET["mission"]
            chosen = missions_visible_to(user=request.user).filter(pk=initial["mission"]).first()
            if chosen is not None:  # the report in the mission's language, unless changed
                initial["language"] = chosen.language
        form = ReportGenerateForm(request.POST or None, initial=initial)
        form.fields["mission"].queryset = missions_visible_to(user=request.user).order_by(
            "-starts_on", "-pk"
        )
        if request.method == "POST" and form.is_valid():
            try:
                report = report_request(
                    mission=form.cleaned_data["mission"],
                    kind=form.cleaned_data["kind"],
                    language=form.cleaned_data["language"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    gettext("The report is queued; this page follows it."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:reports_report_change", args=[report.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Make a report"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reports/report/generate.html", context)


__all__ = ["ReportAdmin"]
