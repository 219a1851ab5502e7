"""Admin of meetings, meeting grids and the day grid of a mission.

Every write goes through ``services.meetings`` and ``services.scheduling``: a meeting placed
or moved by hand is checked against the engine's rules, a run is queued for the worker and
applied in one transaction. Times are shown in the mission's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cepex_portal.audit import AuditedAdmin
from missions.admin.scoping import MissionScopedAdmin, visible_mission_or_404
from missions.models import Application, Mission, ProgrammeItem

from ..enums import LIVE_MEETING_STATES
from ..models import Meeting, MeetingGrid, PartnerAvailability
from ..services import meetings as meeting_services
from ..services import scheduling


def _local(value: dt.datetime | None, mission: Mission) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(mission.time_zone)).strftime("%Y-%m-%d %H:%M")


# --- Meeting grid ---------------------------------------------------------------------------


@admin.register(MeetingGrid)
class MeetingGridAdmin(MissionScopedAdmin):
    list_display = ("mission", "slot_minutes", "day_starts_at", "day_ends_at", "meeting_venue")
    list_select_related = ("mission", "meeting_venue")
    autocomplete_fields = ("mission", "meeting_venue")
    search_fields = ("mission__title",)


# --- Meetings -------------------------------------------------------------------------------


class MeetingForm(forms.ModelForm):
    """Where and when a request meets; saved by ``meeting_place`` (all the engine's rules)."""

    starts_on = forms.DateField(label=_("day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_time = forms.TimeField(
        label=_("time (mission-local)"), widget=forms.TimeInput(attrs={"type": "time"})
    )

    class Meta:
        model = Meeting
        fields = ("request", "venue", "is_locked")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            mission = self.instance.mission
            local = self.instance.starts_at.astimezone(ZoneInfo(mission.time_zone))
            self.initial.setdefault("starts_on", local.date())
            self.initial.setdefault("starts_time", local.time())
            if "request" in self.fields:
                self.fields["request"].disabled = True

    def clean(self):
        cleaned = super().clean()
        request, venue = cleaned.get("request"), cleaned.get("venue")
        day, time = cleaned.get("starts_on"), cleaned.get("starts_time")
        if not (request and venue and day and time):
            return cleaned
        zone = ZoneInfo(request.mission.time_zone)
        cleaned["starts_at"] = dt.datetime.combine(day, time, tzinfo=zone)
        return cleaned

    def _post_clean(self):
        # The service validates and writes; the form must not validate the model alone.
        pass


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin, MissionScopedAdmin):
    form = MeetingForm
    list_display = (
        "company",
        "partner",
        "mission",
        "local_start",
        "venue",
        "table",
        "state",
        "is_locked",
    )
    list_filter = ("mission", "state", "is_locked", "venue")
    list_select_related = ("company", "partner", "mission", "venue")
    search_fields = ("company__legal_name", "partner__name", "partner__short_name")
    autocomplete_fields = ("request", "venue")
    actions = ("cancel", "lock", "unlock")
    readonly_fields = ("state", "table", "uid", "sequence")

    def get_fields(self, request, obj=None):
        fields = ["request", "starts_on", "starts_time", "venue", "is_locked"]
        return fields + (["state", "table", "sequence"] if obj else [])

    @admin.display(description=_("starts (mission-local)"), ordering="starts_at")
    def local_start(self, obj: Meeting) -> str:
        return _local(obj.starts_at, obj.mission)

    def save_model(self, request, obj, form, change):
        try:
            placed = meeting_services.meeting_place(
                request=form.cleaned_data["request"] if not change else obj.request,
                starts_at=form.cleaned_data["starts_at"],
                venue=form.cleaned_data["venue"],
                lock=form.cleaned_data.get("is_locked"),
                by=request.user,
            )
        except ValidationError as exc:
            # Shown on the form: the admin calls save_model after validation, so the check
            # runs in the form's clean too (see get_form).
            raise exc
        obj.pk, obj.__dict__ = placed.pk, placed.__dict__

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class CheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                meeting_request = cleaned.get("request") or (obj.request if obj else None)
                if meeting_request and cleaned.get("starts_at") and cleaned.get("venue"):
                    try:
                        meeting_services._end(meeting_request, cleaned["starts_at"])
                        meeting_services.meeting_check(
                            request=meeting_request,
                            starts_at=cleaned["starts_at"],
                            venue=cleaned["venue"],
                        )
                    except ValidationError as exc:
                        raise ValidationError(exc.messages) from exc
                return cleaned

        return CheckedForm

    def _each(self, request, queryset, action, done) -> None:
        count = 0
        for meeting in queryset:
            action(meeting)
            count += 1
        self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Cancel the selected meetings"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: meeting_services.meeting_cancel(meeting=m, by=request.user),
            lambda n: ngettext("%(count)d meeting cancelled.", "%(count)d meetings cancelled.", n),
        )

    @admin.action(description=_("Lock (auto-scheduling leaves them)"), permissions=["change"])
    def lock(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: meeting_services.meeting_set_locked(meeting=m, locked=True, by=request.user),
            lambda n: ngettext("%(count)d meeting locked.", "%(count)d meetings locked.", n),
        )

    @admin.action(description=_("Unlock"), permissions=["change"])
    def unlock(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda m: meeting_services.meeting_set_locked(meeting=m, locked=False, by=request.user),
            lambda n: ngettext("%(count)d meeting unlocked.", "%(count)d meetings unlocked.", n),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancelled, not deleted: both sides were told of it

    # --- The day grid ---------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "grid/<path:mission_id>/",
                self.admin_site.admin_view(self.grid_view),
                name="matchmaking_meeting_grid",
            ),
            *super().get_urls(),
        ]

    def grid_view(self, request, mission_id):
        """Staff: the mission's day at a glance, a row per delegate and partner."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        mission = visible_mission_or_404(request, unquote(mission_id))
        grid = scheduling.grid_for(mission=mission)
        days = grid.days()
        if not days:
            raise Http404(gettext("This mission has no day with meetings."))
        try:
            day = (
                dt.date.fromisoformat(request.GET.get("day", ""))
                if request.GET.get("day")
                else days[0]
            )
        except ValueError:
            day = days[0]
        if day not in days:
            day = days[0]
        slots = [slot for slot in grid.slots() if slot.day == day]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Day grid: %(mission)s") % {"mission": mission},
            "mission": mission,
            "day": day,
            "days": days,
            "slots": slots,
            "rows": _grid_rows(mission, slots),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/matchmaking/meeting/grid.html", context)


def _grid_rows(mission: Mission, slots) -> list[dict]:
    """Rows of the day grid: every delegate (seated companies), then every partner of the
    mission, with or without meetings that day, so that staff see who is free; a cell per
    slot: a meeting, the delegation's programme, a partner's unavailability, or free."""
    if not slots:
        return []
    day, start, end = slots[0].day, slots[0].start, slots[-1].end
    rows: dict[tuple[int, int], dict] = {}
    for application in (
        Application.objects.filter(mission=mission).seated().select_related("company")
    ):
        rows[(0, application.company_id)] = {"name": str(application.company), "kind": 0}
    for mission_partner in mission.mission_partners.select_related("organisation"):
        organisation = mission_partner.organisation
        rows[(1, organisation.pk)] = {"name": str(organisation), "kind": 1}
    meetings = list(
        Meeting.objects.filter(
            mission=mission,
            state__in=LIVE_MEETING_STATES,
            starts_at__lt=end,
            ends_at__gt=start,
        ).select_related("company", "partner", "venue")
    )
    items = list(
        ProgrammeItem.objects.filter(mission=mission, starts_at__lt=end, ends_at__gt=start)
    )
    availability = {
        row.partner_id: row for row in PartnerAvailability.objects.filter(mission=mission, day=day)
    }
    cells: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    for meeting in meetings:
        for kind, who, other in (
            (0, meeting.company, meeting.partner),
            (1, meeting.partner, meeting.company),
        ):
            rows.setdefault((kind, who.pk), {"name": str(who), "kind": kind})
            for slot in slots:
                if slot.start < meeting.ends_at and slot.end > meeting.starts_at:
                    cells[(kind, who.pk)][slot.id] = {
                        "label": f"{other} · {meeting.venue} #{meeting.table}",
                        "state": meeting.state,
                        "url": reverse("admin:matchmaking_meeting_change", args=[meeting.pk]),
                        "locked": meeting.is_locked,
                    }
    programme = {}
    for slot in slots:
        for item in items:
            if slot.start < item.ends_at and slot.end > item.starts_at:
                programme[slot.id] = item.title
    unavailable = {"label": gettext("Unavailable"), "state": "unavailable"}

    def cell(key: tuple[int, int], slot) -> dict | None:
        kind, pk = key
        if slot.id in cells[key]:
            return cells[key][slot.id]
        if kind == 0 and programme.get(slot.id):
            return {"label": programme[slot.id], "state": "programme"}
        if kind == 1 and pk in availability and not availability[pk].covers(slot):
            return unavailable
        return None

    ordered = sorted(rows.items(), key=lambda kv: (kv[1]["kind"], kv[1]["name"].casefold()))
    return [{**row, "cells": [cell(key, slot) for slot in slots]} for key, row in ordered]
