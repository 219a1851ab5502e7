"""Admin of missions, their programme, partners, venues and travel times.

The times of a mission's programme are shown and typed in the mission's own time zone, not
in the server's: staff read "09:00" in Brussels as the delegation will live it.

Chargés de mission see the missions of their team (``scoping``); the team is chosen by
whoever holds ``missions.change_mission_team`` (superusers), and a chargé who creates a
mission joins its team.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from cepex_portal.admin import country_column

from .. import services
from ..enums import MissionStatus
from ..models import Application, Mission, MissionPartner, ProgrammeItem, time_zone_choices
from ..selectors import CHANGE_MISSION_TEAM, user_sees_all_missions
from .common import (
    MissionTimeZoneMixin,
    count_children,
    label_local_times,
    local_time,
    mission_time_zone,
)
from .scoping import MissionScopedAdmin

# --- Missions --------------------------------------------------------------------------------


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    fields = ("kind", "title", "starts_at", "ends_at", "venue", "host")
    autocomplete_fields = ("venue", "host")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("venue", "host")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        label_local_times(formset.form, ("starts_at", "ends_at"))
        return formset


class MissionPartnerInline(admin.TabularInline):
    model = MissionPartner
    fields = ("organisation", "is_host", "notes")
    autocomplete_fields = ("organisation",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class MissionApplicationInline(admin.TabularInline):
    """Who applied, at a glance; each decision is taken on the application itself."""

    model = Application
    fields = ("company", "status", "submitted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "mission")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MissionAdminForm(forms.ModelForm):
    """Time zones offered from this machine's tz database; capacity checked by the service."""

    class Meta:
        model = Mission
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown
        widgets = {"time_zone": forms.Select(choices=time_zone_choices)}

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk is not None:
            refused = services.mission_capacity_refused(mission=self.instance, capacity=capacity)
            if refused is not None:
                raise refused
        return capacity


@admin.register(Mission)
class MissionAdmin(MissionTimeZoneMixin, MissionScopedAdmin):
    mission_lookup = "pk"
    form = MissionAdminForm
    list_display = (
        "title",
        "kind",
        "destination",
        "starts_on",
        "ends_on",
        "status",
        "application_deadline",
        "application_count",
        "seats",
    )
    list_filter = (
        "status",
        "kind",
        ("destination_country", CountryFilter),
        "sectors",
        ("team", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "slug", "destination_region", "destination_cities")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "starts_on"
    autocomplete_fields = ("follows", "co_organisers")
    filter_horizontal = ("sectors", "team")
    readonly_fields = ("status", "team_list", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "status", "follows", "third_market")}),
        (
            _("Destination and dates"),
            {
                "fields": (
                    "destination_country",
                    "destination_region",
                    "destination_cities",
                    "time_zone",
                    "language",
                    ("starts_on", "ends_on"),
                )
            },
        ),
        (
            _("Call for participation"),
            {
                "fields": (
                    "summary",
                    "objectives",
                    "sectors",
                    "capacity",
                    "application_deadline",
                    "organiser",
                    "co_organisers",
                )
            },
        ),
        (_("Team"), {"fields": ("team",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (ProgrammeItemInline, MissionPartnerInline, MissionApplicationInline)
    actions = ("publish", "close_applications", "start", "complete", "cancel", "back_to_draft")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                application_total=count_children(Application.objects.all(), "mission"),
                seated_total=count_children(Application.objects.seated(), "mission"),
            )
        )

    destination = country_column("destination_country", _("destination country"))

    def get_fieldsets(self, request, obj=None):
        if request.user.has_perm(CHANGE_MISSION_TEAM):
            return super().get_fieldsets(request, obj)
        # The others read who is on the team; they do not choose it.
        return [
            (name, {**opts, "fields": ["team_list" if f == "team" else f for f in opts["fields"]]})
            for name, opts in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("team"))
    def team_list(self, obj: Mission) -> str:
        if obj is None or obj.pk is None:
            return "-"
        team = obj.team.order_by("last_name", "first_name", "username")
        return ", ".join(user.get_full_name() or user.get_username() for user in team) or "-"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not user_sees_all_missions(user=request.user):
            # A chargé who creates a mission works on it: without this, it would vanish
            # from their list the moment it is saved.
            services.mission_team_add(mission=form.instance, users=[request.user])

    def save_model(self, request, obj, form, change):
        """A new capacity goes through the service: it promotes the wait-list."""
        capacity = obj.capacity
        if change and "capacity" in form.changed_data:
            obj.capacity = form.initial["capacity"]
        super().save_model(request, obj, form, change)
        if obj.capacity != capacity:
            services.mission_set_capacity(mission=obj, capacity=capacity, by=request.user)
            obj.capacity = capacity

    def getmission_time_zone(self, request, object_id) -> str | None:
        if object_id:
            return mission_time_zone(unquote(object_id))
        # A new mission: its programme is typed in the zone chosen on the form.
        return request.POST.get("time_zone") if request.method == "POST" else None

    @admin.display(description=_("applications"), ordering="application_total")
    def application_count(self, obj: Mission):
        url = reverse("admin:missions_application_changelist")
        return format_html(
            '<a href="{}?mission__id__exact={}">{}</a>', url, obj.pk, obj.application_total
        )

    @admin.display(description=_("seated / capacity"), ordering="seated_total")
    def seats(self, obj: Mission) -> str:
        return f"{obj.seated_total} / {obj.capacity}"

    def _move(self, request, queryset, service) -> None:
        """Move each mission on its own: one refused transition does not stop the others."""
        moved = 0
        for mission in queryset:
            try:
                service(mission=mission)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext("%(count)d mission updated.", "%(count)d missions updated.", moved)
                % {"count": moved},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish (open for applications)"), permissions=["change"])
    def publish(self, request, queryset):
        self._move(request, queryset, services.mission_publish)

    @admin.action(description=_("Close applications"), permissions=["change"])
    def close_applications(self, request, queryset):
        self._move(request, queryset, services.mission_close)

    @admin.action(description=_("Start (mission in progress)"), permissions=["change"])
    def start(self, request, queryset):
        self._move(
            request,
            queryset,
            partial(services.mission_set_status, status=MissionStatus.IN_PROGRESS),
        )

    @admin.action(description=_("Mark as completed"), permissions=["change"])
    def complete(self, request, queryset):
        self._move(
            request, queryset, partial(services.mission_set_status, status=MissionStatus.COMPLETED)
        )

    @admin.action(description=_("Cancel the mission"), permissions=["change"])
    def cancel(self, request, queryset):
        self._move(
            request, queryset, partial(services.mission_set_status, status=MissionStatus.CANCELLED)
        )

    @admin.action(description=_("Back to draft"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        self._move(
            request, queryset, partial(services.mission_set_status, status=MissionStatus.DRAFT)
        )


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(MissionTimeZoneMixin, MissionScopedAdmin):
    list_display = ("title", "mission", "kind", "starts_local", "ends_local", "venue", "host")
    list_filter = ("mission", "kind")
    list_select_related = ("mission", "venue", "host")
    search_fields = ("title", "mission__title", "venue__name", "host__name")
    autocomplete_fields = ("mission", "venue", "host")
    date_hierarchy = "starts_at"
    fields = ("mission", "kind", "title", "description", "starts_at", "ends_at", "venue", "host")

    def getmission_time_zone(self, request, object_id) -> str | None:
        if object_id:
            try:
                return (
                    ProgrammeItem.objects.filter(pk=unquote(object_id))
                    .values_list("mission__time_zone", flat=True)
                    .first()
                )
            except (ValueError, TypeError, ValidationError):
                return None
        # A new item: the mission posted, or the one the "add" link came from (?mission=).
        return mission_time_zone(request.POST.get("mission") or request.GET.get("mission"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        label_local_times(form, ("starts_at", "ends_at"))
        return form

    @admin.display(description=_("starts at (local time)"), ordering="starts_at")
    def starts_local(self, obj: ProgrammeItem) -> str:
        return local_time(obj.starts_at, obj.mission)

    @admin.display(description=_("ends at (local time)"), ordering="ends_at")
    def ends_local(self, obj: ProgrammeItem) -> str:
        return local_time(obj.ends_at, obj.mission)


@admin.register(MissionPartner)
class MissionPartnerAdmin(MissionScopedAdmin):
    list_display = ("organisation", "mission", "is_host", "notes")
    list_filter = ("is_host", "mission")
    list_select_related = ("organisation", "mission")
    search_fields = ("organisation__name", "organisation__short_name", "mission__title")
    autocomplete_fields = ("mission", "organisation")
