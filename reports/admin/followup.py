"""Admin of reports: followup. Outcomes of meetings, leads with their history, reminders.

Every write goes through ``services.followup``: an outcome recorded here is staff's (and
staff's word sets the meeting's state), a lead saved here obeys the same pipeline rules as in
the company space, with its change written to the history. The forms check through the same
service before saving, so a refusal shows on the form, never as an error page. Managers (view
permissions only) see everything and change nothing; reminders are read-only for everyone.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cepex_portal.audit import AuditedAdmin
from missions.admin.scoping import MissionScopedAdmin
from missions.enums import MissionKind
from missions.models import Mission

from ..enums import OPEN_LEAD_STAGES, LeadStage, OutcomeSide
from ..models import Lead, LeadEvent, LeadReminder, MeetingOutcome
from ..services.followup import (
    STAFF_LEAD_FIELDS,
    lead_check,
    lead_create,
    lead_parties_check,
    lead_update,
    outcome_check,
    outcome_record,
    outcome_refused,
)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the fields it names (the others above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _adopt(obj, saved) -> None:
    """The admin goes on with the object it gave save_model: make it the saved one."""
    obj.pk = saved.pk
    obj.__dict__.update(saved.__dict__)


# --- Outcomes -------------------------------------------------------------------------------


class MeetingOutcomeForm(forms.ModelForm):
    """Staff's outcome of a meeting; saved by ``outcome_record`` (one per side: staff's
    answer replaces staff's earlier one).
    """

    class Meta:
        model = MeetingOutcome
        fields = ("meeting", "attendance", "interest", "next_step")

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting") or getattr(self.instance, "meeting", None)
        if meeting is None or "attendance" not in cleaned:
            return cleaned
        refused = outcome_refused(meeting=meeting)
        if refused is not None:
            self.add_error("meeting" if "meeting" in self.fields else None, refused)
            return cleaned
        try:
            outcome_check(
                side=OutcomeSide.STAFF,
                attendance=cleaned["attendance"],
                interest=cleaned.get("interest") or "",
                next_step=(cleaned.get("next_step") or "").strip(),
            )
        except ValidationError as exc:
            _add_errors(self, exc)
        return cleaned

    def _post_clean(self):
        # The service validates and writes; the model alone must not (one per side).
        pass


@admin.register(MeetingOutcome)
class MeetingOutcomeAdmin(AuditedAdmin, MissionScopedAdmin):
    mission_lookup = "meeting__mission"
    form = MeetingOutcomeForm
    list_display = (
        "meeting_parties",
        "mission",
        "meeting_start",
        "side",
        "attendance",
        "interest",
        "updated_at",
    )
    list_filter = ("side", "attendance", "interest", "meeting__mission")
    list_select_related = ("meeting__company", "meeting__partner", "meeting__mission")
    search_fields = ("meeting__company__legal_name", "meeting__partner__name", "next_step")
    autocomplete_fields = ("meeting",)
    date_hierarchy = "updated_at"

    def get_fields(self, request, obj=None):
        fields = ["meeting", "attendance", "interest", "next_step"]
        if obj is not None:
            fields += ["side", "recorded_by", "created_at", "updated_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("meeting", "side", "recorded_by", "created_at", "updated_at")

    @admin.display(description=_("meeting"), ordering="meeting__company__legal_name")
    def meeting_parties(self, obj: MeetingOutcome) -> str:
        return f"{obj.meeting.company.legal_name} ↔ {obj.meeting.partner.name}"

    @admin.display(description=_("mission"), ordering="meeting__mission__title")
    def mission(self, obj: MeetingOutcome) -> str:
        return obj.meeting.mission.title

    @admin.display(description=_("starts"), ordering="meeting__starts_at")
    def meeting_start(self, obj: MeetingOutcome) -> str:
        local = timezone.localtime(obj.meeting.starts_at, obj.meeting.mission.tzinfo)
        return local.strftime("%Y-%m-%d %H:%M")

    def has_change_permission(self, request, obj=None) -> bool:
        # Staff change staff's word only: what a company or partner said stays theirs.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.side == OutcomeSide.STAFF)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the meeting's state and lead follow from it: correct it instead

    def save_model(self, request, obj, form, change):
        saved = outcome_record(
            meeting=form.cleaned_data.get("meeting") or obj.meeting,
            side=OutcomeSide.STAFF,
            attendance=form.cleaned_data["attendance"],
            interest=form.cleaned_data.get("interest") or "",
            next_step=form.cleaned_data.get("next_step") or "",
            by=request.user,
        )
        _adopt(obj, saved)


# --- Leads ----------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time, or closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=Lead.objects.overdue().values("pk"))
        return queryset


class LeadEventInline(admin.TabularInline):
    """The lead's history: written by the service, never edited."""

    model = LeadEvent
    extra = 0
    can_delete = False
    fields = ("at", "stage_from", "stage_to", "side", "by", "note")
    readonly_fields = fields
    ordering = ("at", "pk")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class LeadAdminForm(forms.ModelForm):
    """A lead as staff edit it; saved by ``lead_create`` / ``lead_update``."""

    note = forms.CharField(
        label=_("note for the history"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the change in the lead's history."),
    )

    class Meta:
        model = Lead
        fields = (
            "mission",
            "company",
            "partner",
            "meeting",
            "title",
            "stage",
            "owner",
            "next_action",
            "due_on",
            "dropped_reason",
            "agreement_kind",
            "agreement_value",
            "currency",
            "signed_on",
            "third_market",
            "triangular_mission",
            "notes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = get_user_model().objects.filter(
                is_staff=True, is_active=True
            )
        if "triangular_mission" in self.fields:
            self.fields["triangular_mission"].queryset = Mission.objects.filter(
                kind=MissionKind.TRIANGULAR
            )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        lead = self.instance if self.instance.pk else None
        mission = cleaned.get("mission") if lead is None else lead.mission
        try:
            if lead is None:
                lead_parties_check(
                    mission=mission,
                    company=cleaned["company"],
                    partner=cleaned["partner"],
                    meeting=cleaned.get("meeting"),
                )
            lead_check(
                lead=lead,
                side=OutcomeSide.STAFF,
                values={
                    **{name: cleaned.get(name) for name in STAFF_LEAD_FIELDS},
                    "mission_id": mission.pk,
                },
            )
        except ValidationError as exc:
            _add_errors(self, exc)
        return cleaned

    def _post_clean(self):
        # The service validates and writes (and keeps the history): not the model alone.
        pass


@admin.register(Lead)
class LeadAdmin(AuditedAdmin, MissionScopedAdmin):
    form = LeadAdminForm
    list_display = (
        "title",
        "company",
        "partner",
        "mission",
        "stage",
        "owner",
        "next_action",
        "due_on",
        "is_overdue",
    )
    list_filter = (
        OverdueFilter,
        "stage",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "mission",
        ("company", admin.RelatedOnlyFieldListFilter),
        ("partner", admin.RelatedOnlyFieldListFilter),
        "agreement_kind",
    )
    list_select_related = ("company", "partner", "mission", "owner")
    search_fields = ("title", "company__legal_name", "partner__name", "partner__short_name")
    autocomplete_fields = ("mission", "company", "partner", "meeting")
    date_hierarchy = "due_on"
    inlines = (LeadEventInline,)
    actions = ("assign_to_me", "move_to_nda", "move_to_negotiation")
    fieldsets = (
        (None, {"fields": ("mission", "company", "partner", "meeting", "title", "owner")}),
        (_("Pipeline"), {"fields": ("stage", "next_action", "due_on", "note")}),
        (
            _("Agreement, or why dropped"),
            {
                "fields": (
                    "agreement_kind",
                    "agreement_value",
                    "currency",
                    "signed_on",
                    "dropped_reason",
                )
            },
        ),
        (_("Triangular action"), {"fields": ("third_market", "triangular_mission")}),
        (_("Notes"), {"fields": ("notes",)}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Managers view a lead; there is no note to write.
            fieldsets = [
                (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "note")})
                for name, opts in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # A lead's parties do not change; open another lead instead.
        return ("mission", "company", "partner", "meeting")

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj: Lead) -> bool:
        return (
            obj.stage in OPEN_LEAD_STAGES
            and obj.due_on is not None
            and obj.due_on < timezone.localdate()
        )

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in STAFF_LEAD_FIELDS}
        note = form.cleaned_data.get("note") or ""
        if change:
            saved = lead_update(
                lead=obj, side=OutcomeSide.STAFF, by=request.user, note=note, **values
            )
        else:
            saved = lead_create(
                mission=form.cleaned_data["mission"],
                company=form.cleaned_data["company"],
                partner=form.cleaned_data["partner"],
                meeting=form.cleaned_data.get("meeting"),
                by=request.user,
                note=note,
                **values,
            )
        _adopt(obj, saved)

    def _each(self, request, queryset, **changes) -> int:
        """Apply ``changes`` to each lead through the service; say which were refused."""
        count = 0
        for lead in queryset.select_related("company", "partner"):
            try:
                lead_update(lead=lead, side=OutcomeSide.STAFF, by=request.user, **changes)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, f"{lead}: {message}", messages.ERROR)
            else:
                count += 1
        return count

    def _done(self, request, text: str) -> None:
        self.message_user(request, text, messages.SUCCESS)

    @admin.action(description=_("Follow them up myself (owner)"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = self._each(request, queryset, owner=request.user)
        if count:
            self._done(
                request,
                ngettext("%(count)d lead is now yours.", "%(count)d leads are now yours.", count)
                % {"count": count},
            )

    @admin.action(description=_("Move to NDA / CDA signed"), permissions=["change"])
    def move_to_nda(self, request, queryset):
        count = self._each(request, queryset, stage=LeadStage.NDA)
        if count:
            self._done(
                request,
                ngettext(
                    "%(count)d lead moved to NDA / CDA.",
                    "%(count)d leads moved to NDA / CDA.",
                    count,
                )
                % {"count": count},
            )

    @admin.action(description=_("Move to negotiation"), permissions=["change"])
    def move_to_negotiation(self, request, queryset):
        count = self._each(request, queryset, stage=LeadStage.NEGOTIATION)
        if count:
            self._done(
                request,
                ngettext(
                    "%(count)d lead moved to negotiation.",
                    "%(count)d leads moved to negotiation.",
                    count,
                )
                % {"count": count},
            )


# --- Reminders ------------------------------------------------------------------------------


class ReminderStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("unsent", _("Not sent")),
            ("sent", _("Sent, not answered")),
            ("answered", _("Answered")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False, used_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(used_at__isnull=False)
        return queryset


@admin.register(LeadReminder)
class LeadReminderAdmin(MissionScopedAdmin):
    """What companies were asked, and when: written by the daily job only."""

    list_display = ("company", "mission", "milestone_days", "created_at", "sent_at", "used_at")
    list_filter = (ReminderStateFilter, "milestone_days", "mission")
    list_select_related = ("company", "mission")
    search_fields = ("company__legal_name", "mission__title")
    date_hierarchy = "created_at"
    # Never the token's hash: it is of no use to anyone, and only names a link.
    fields = ("company", "mission", "milestone_days", "created_at", "sent_at", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting one would let the job send that milestone again
