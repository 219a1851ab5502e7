"""Admin of auto-scheduling runs (start, follow, preview, apply, discard), and the links
from a mission's page to its day grid and its runs.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from missions.admin.scoping import MissionScopedAdmin, visible_mission_or_404
from missions.models import Mission

from ..enums import RunState
from ..models import MeetingRequest, ScheduleRun
from ..services import scheduling

# --- Scheduling runs --------------------------------------------------------------------------


class ScheduleRequestForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("time limit (seconds)"), min_value=1, max_value=240, initial=30
    )
    seed = forms.IntegerField(label=_("seed"), min_value=0, initial=0, required=False)


@admin.register(ScheduleRun)
class ScheduleRunAdmin(MissionScopedAdmin):
    """Runs of the engine: queue one per mission, follow it, preview it, apply or discard."""

    list_display = (
        "mission",
        "state",
        "progress",
        "best_priority_total",
        "created_at",
        "requested_by",
    )
    list_filter = ("state", "mission")
    list_select_related = ("mission", "requested_by")
    fields = (
        "mission",
        "state",
        "progress",
        "best_priority_total",
        "time_limit_seconds",
        "seed",
        "requested_by",
        "started_at",
        "finished_at",
        "applied_at",
        "error",
    )
    readonly_fields = fields
    change_form_template = "admin/matchmaking/schedulerun/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False  # from a mission: "Auto-schedule"

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("matchmaking.change_schedulerun") and obj is None

    def has_schedule_permission(self, request) -> bool:
        return request.user.has_perm("matchmaking.add_schedulerun") and request.user.has_perm(
            "matchmaking.change_meeting"
        )

    def get_urls(self):
        return [
            path(
                "mission/<path:mission_id>/start/",
                self.admin_site.admin_view(self.start_view),
                name="matchmaking_schedulerun_start",
            ),
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="matchmaking_schedulerun_progress",
            ),
            path(
                "<path:object_id>/apply/",
                self.admin_site.admin_view(require_POST(self.apply_view)),
                name="matchmaking_schedulerun_apply",
            ),
            path(
                "<path:object_id>/discard/",
                self.admin_site.admin_view(require_POST(self.discard_view)),
                name="matchmaking_schedulerun_discard",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, unquote(object_id))
        extra = {}
        if run is not None and run.state == RunState.DONE:
            extra["preview"] = scheduling.schedule_preview(run=run)
            extra["mission_zone"] = run.mission.time_zone
        extra["can_schedule"] = self.has_schedule_permission(request)
        extra["is_active"] = run is not None and run.state in (RunState.QUEUED, RunState.RUNNING)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def start_view(self, request, mission_id):
        """Staff with the right: queue a run of the mission (POST), or show the form."""
        if not self.has_schedule_permission(request):
            raise PermissionDenied
        mission = visible_mission_or_404(request, unquote(mission_id))
        form = ScheduleRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = scheduling.schedule_run_request(
                    mission=mission,
                    by=request.user,
                    time_limit=form.cleaned_data["time_limit"],
                    seed=form.cleaned_data.get("seed") or 0,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return HttpResponseRedirect(
                    reverse("admin:matchmaking_schedulerun_change", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Auto-schedule: %(mission)s") % {"mission": mission},
            "mission": mission,
            "form": form,
            "requests": MeetingRequest.objects.filter(mission=mission).schedulable().count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/matchmaking/schedulerun/start.html", context)

    def progress_view(self, request, object_id):
        """Staff: the run's state as JSON, polled by the run's page while it works."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        return JsonResponse(
            {
                "state": run.state,
                "state_label": run.get_state_display(),
                "progress": run.progress,
                "best_priority_total": run.best_priority_total,
            }
        )

    def apply_view(self, request, object_id):
        if not self.has_schedule_permission(request):
            raise PermissionDenied
        run = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        try:
            preview = scheduling.schedule_run_apply(run=run, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Applied: %(added)d added, %(moved)d moved, %(removed)d cancelled.")
                % {
                    "added": len(preview.added),
                    "moved": len(preview.moved),
                    "removed": len(preview.removed),
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:matchmaking_schedulerun_change", args=[run.pk]))

    def discard_view(self, request, object_id):
        if not self.has_schedule_permission(request):
            raise PermissionDenied
        run = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        try:
            scheduling.schedule_run_discard(run=run, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:matchmaking_schedulerun_change", args=[run.pk]))


def mission_links(mission: Mission) -> str:
    """Links from a mission to its day grid and to auto-scheduling (the mission admin shows)."""
    return format_html(
        '<a href="{}">{}</a> · <a href="{}">{}</a>',
        reverse("admin:matchmaking_meeting_grid", args=[mission.pk]),
        gettext("Day grid"),
        reverse("admin:matchmaking_schedulerun_start", args=[mission.pk]),
        gettext("Auto-schedule"),
    )


# --- The mission's admin, with its matchmaking pages -----------------------------------------

_MissionAdmin = type(admin.site._registry[Mission])


class MissionWithMatchmakingAdmin(_MissionAdmin):
    """``missions`` knows nothing of matchmaking: this app adds the links to the mission's
    day grid and to auto-scheduling on the mission's page, and registers it in its place."""

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "matchmaking")

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.insert(1, (_("Meetings and scheduling"), {"fields": ("matchmaking",)}))
        return fieldsets

    @admin.display(description=_("B2B meetings"))
    def matchmaking(self, obj: Mission) -> str:
        return mission_links(obj) if obj.pk else ""


admin.site.unregister(Mission)
admin.site.register(Mission, MissionWithMatchmakingAdmin)
