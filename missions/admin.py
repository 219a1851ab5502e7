"""Admin of missions, their programme and venues, and the selection of applications.

Statuses are never typed in a form: a mission moves along its workflow and an application
is accepted, wait-listed or rejected through ``services.py`` (admin actions and the decision
buttons of an application), so that capacity, the wait-list and the e-mails are honoured.

The times of a mission's programme are shown and typed in the mission's own time zone, not
in the server's: staff read "09:00" in Brussels as the delegation will live it.
"""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_countries.filters import CountryFilter

from partners.models import Sector

from . import services
from .enums import ApplicationStatus, MissionStatus, Objective
from .forms import validate_pdf_upload
from .models import (
    TIME_ZONE_CHOICES,
    Application,
    ApplicationObjective,
    Mission,
    MissionPartner,
    ProgrammeItem,
    TravelTime,
    Venue,
    WishedPartner,
)

KNOWN_TIME_ZONES = frozenset(name for name, _label in TIME_ZONE_CHOICES)

# The decisions staff take on an application, in the order of the buttons.
DECISION_LABELS = {
    ApplicationStatus.ACCEPTED: _("Accept"),
    ApplicationStatus.WAITLISTED: _("Wait-list"),
    ApplicationStatus.REJECTED: _("Reject"),
}


# --- Time zones ------------------------------------------------------------------------------


def _mission_time_zone(mission_id) -> str | None:
    """The time zone of a mission given by an id from a URL or a form, if it is one."""
    if not mission_id:
        return None
    try:
        return Mission.objects.filter(pk=mission_id).values_list("time_zone", flat=True).first()
    except (ValueError, TypeError, ValidationError):
        return None  # not an id at all; the admin answers that itself


def _count(children, fk: str):
    """How many ``children`` point to each row, as a correlated subquery.

    A subquery rather than ``Count()`` over a join: the changelist's own counts, filters
    and date hierarchy then need no GROUP BY over the whole row.
    """
    counted = (
        children.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _local_time(value, mission: Mission) -> str:
    """A moment in the mission's local time, with the zone it is in: "09/07/2017 09:00 (...)"."""
    if value is None:
        return ""
    local = timezone.localtime(value, mission.tzinfo)
    return f"{date_format(local, 'SHORT_DATETIME_FORMAT')} ({mission.time_zone})"


def _label_local_times(form_class, field_names) -> None:
    zone = timezone.get_current_timezone_name()
    for name in field_names:
        if name in form_class.base_fields:
            form_class.base_fields[name].help_text = gettext("Local time (%(zone)s).") % {
                "zone": zone
            }


class MissionTimeZoneMixin:
    """Render and read a change form in the time zone of the mission it belongs to."""

    def get_mission_time_zone(self, request, object_id) -> str | None:
        """The zone of the mission this form belongs to; None keeps the server's zone.

        Each admin that uses the mixin says where its mission is.
        """
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.get_mission_time_zone(request, object_id)
        if zone not in KNOWN_TIME_ZONES:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders lazily, after this block: render it while the
            # mission's zone is active, or the times would show in the server's zone.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response


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
        _label_local_times(formset.form, ("starts_at", "ends_at"))
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


@admin.register(Mission)
class MissionAdmin(MissionTimeZoneMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "destination_country",
        "starts_on",
        "ends_on",
        "status",
        "application_deadline",
        "application_count",
        "seats",
    )
    list_filter = ("status", "kind", ("destination_country", CountryFilter), "sectors")
    search_fields = ("title", "slug", "destination_region", "destination_cities")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "starts_on"
    autocomplete_fields = ("follows", "co_organisers")
    filter_horizontal = ("sectors",)
    readonly_fields = ("status", "created_at", "updated_at")
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
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (ProgrammeItemInline, MissionPartnerInline, MissionApplicationInline)
    actions = ("publish", "close_applications", "start", "complete", "cancel", "back_to_draft")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                application_total=_count(Application.objects.all(), "mission"),
                seated_total=_count(Application.objects.seated(), "mission"),
            )
        )

    def get_mission_time_zone(self, request, object_id) -> str | None:
        if object_id:
            return _mission_time_zone(unquote(object_id))
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
class ProgrammeItemAdmin(MissionTimeZoneMixin, admin.ModelAdmin):
    list_display = ("title", "mission", "kind", "starts_local", "ends_local", "venue", "host")
    list_filter = ("mission", "kind")
    list_select_related = ("mission", "venue", "host")
    search_fields = ("title", "mission__title", "venue__name", "host__name")
    autocomplete_fields = ("mission", "venue", "host")
    date_hierarchy = "starts_at"
    fields = ("mission", "kind", "title", "description", "starts_at", "ends_at", "venue", "host")

    def get_mission_time_zone(self, request, object_id) -> str | None:
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
        return _mission_time_zone(request.POST.get("mission") or request.GET.get("mission"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        _label_local_times(form, ("starts_at", "ends_at"))
        return form

    @admin.display(description=_("starts at (local time)"), ordering="starts_at")
    def starts_local(self, obj: ProgrammeItem) -> str:
        return _local_time(obj.starts_at, obj.mission)

    @admin.display(description=_("ends at (local time)"), ordering="ends_at")
    def ends_local(self, obj: ProgrammeItem) -> str:
        return _local_time(obj.ends_at, obj.mission)


@admin.register(MissionPartner)
class MissionPartnerAdmin(admin.ModelAdmin):
    list_display = ("organisation", "mission", "is_host", "notes")
    list_filter = ("is_host", "mission")
    list_select_related = ("organisation", "mission")
    search_fields = ("organisation__name", "organisation__short_name", "mission__title")
    autocomplete_fields = ("mission", "organisation")


# --- Venues ----------------------------------------------------------------------------------


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country", "tables", "address")
    list_filter = (("country", CountryFilter), "city")
    search_fields = ("name", "city", "address")


@admin.register(TravelTime)
class TravelTimeAdmin(admin.ModelAdmin):
    """Either order of the two venues may be typed: the model stores the pair once."""

    list_display = ("from_venue", "to_venue", "minutes")
    list_select_related = ("from_venue", "to_venue")
    search_fields = ("from_venue__name", "from_venue__city", "to_venue__name", "to_venue__city")
    autocomplete_fields = ("from_venue", "to_venue")


# --- Applications ----------------------------------------------------------------------------


class CompanySectorFilter(admin.SimpleListFilter):
    title = _("company sector")
    parameter_name = "sector"

    def lookups(self, request, model_admin):
        return [(sector.slug, sector.display_name) for sector in Sector.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            # A company has a sector once: this join cannot duplicate applications.
            return queryset.filter(company__sectors__slug=self.value())
        return queryset


class ObjectiveFilter(admin.SimpleListFilter):
    title = _("objective")
    parameter_name = "objective"

    def lookups(self, request, model_admin):
        return Objective.choices

    def queryset(self, request, queryset):
        if self.value():
            # An application states an objective once: no duplicates either.
            return queryset.filter(objectives__objective=self.value())
        return queryset


class ApplicationObjectiveInline(admin.TabularInline):
    model = ApplicationObjective
    fields = ("objective",)
    extra = 0


class WishedPartnerInline(admin.TabularInline):
    model = WishedPartner
    fields = ("partner", "priority", "motivation")
    autocomplete_fields = ("partner",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


class ApplicationAdminForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = (
            "mission",
            "company",
            "contact",
            "language",
            "staff_notes",
            "target_markets",
            "motivation",
            "brochure",
            "consent_text_version",
            "consent_at",
            "submitted_at",
        )
        # The default widget links to the current file through ``url()``, which private
        # storage refuses on purpose; the download link is a read-only field instead.
        widgets = {"brochure": forms.FileInput(attrs={"accept": "application/pdf"})}
        labels = {"brochure": _("New brochure (PDF)")}

    def clean_brochure(self):
        brochure = self.cleaned_data.get("brochure")
        if brochure and hasattr(brochure, "content_type"):  # a new upload
            validate_pdf_upload(brochure)
        return brochure


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    form = ApplicationAdminForm
    change_form_template = "admin/missions/application/change_form.html"
    list_display = (
        "company",
        "mission",
        "status",
        "submitted_at",
        "objective_list",
        "wish_count",
        "brochure_link",
    )
    list_filter = ("mission", "status", CompanySectorFilter, ObjectiveFilter, "language")
    list_select_related = ("company", "mission")
    search_fields = (
        "company__legal_name",
        "company__tax_id",
        "mission__title",
        "contact__last_name",
        "contact__email",
    )
    autocomplete_fields = ("mission", "company", "contact")
    date_hierarchy = "submitted_at"
    inlines = (ApplicationObjectiveInline, WishedPartnerInline)
    actions = ("accept", "waitlist", "reject")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(wish_total=_count(WishedPartner.objects.all(), "application"))
            .prefetch_related("objectives")
        )

    def get_fieldsets(self, request, obj=None):
        can_upload = obj is None or self.has_change_permission(request, obj)
        return (
            (None, {"fields": ("mission", "company", "contact", "language")}),
            (
                _("Decision"),
                {
                    "fields": (
                        "status",
                        "decided_at",
                        "decided_by",
                        "waitlisted_at",
                        "staff_notes",
                    ),
                    "description": _(
                        "Decisions are taken with the buttons above, so that the capacity, "
                        "the wait-list and the e-mails to the company are honoured."
                    ),
                },
            ),
            (
                _("Application"),
                {
                    "fields": (
                        "target_markets",
                        "motivation",
                        "brochure_link",
                        # Never shown read-only: displaying a file field calls url().
                        *(["brochure"] if can_upload else []),
                    )
                },
            ),
            (
                _("Consent"),
                {"fields": ("consent_text_version", "consent_at", "submitted_at")},
            ),
            (_("Record"), {"fields": ("created_at", "updated_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "status",
            "decided_at",
            "decided_by",
            "waitlisted_at",
            "brochure_link",
            "created_at",
            "updated_at",
        ]
        if obj is not None:
            # Moving an application to another mission or company would bypass capacity.
            readonly += ["mission", "company", "consent_text_version", "consent_at", "submitted_at"]
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # Staff entering an application on a company's behalf record the current notice.
        initial.setdefault("consent_text_version", settings.CONSENT_TEXT_VERSION)
        initial.setdefault("consent_at", timezone.now())
        return initial

    # Columns ----------------------------------------------------------------------------

    @admin.display(description=_("objectives"))
    def objective_list(self, obj: Application) -> str:
        return ", ".join(str(objective) for objective in obj.objectives.all())

    @admin.display(description=_("wished partners"), ordering="wish_total")
    def wish_count(self, obj: Application) -> int:
        return obj.wish_total

    @admin.display(description=_("brochure"))
    def brochure_link(self, obj: Application):
        if obj is None or obj.pk is None or not obj.brochure:
            return None
        url = reverse("admin:missions_application_brochure", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download (PDF)"))

    # Decisions ---------------------------------------------------------------------------

    def _report(self, request, status: str, done: list, errors: list[str]) -> None:
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application is now “%(status)s”.",
                    "%(count)d applications are now “%(status)s”.",
                    len(done),
                )
                % {"count": len(done), "status": ApplicationStatus(status).label},
                messages.SUCCESS,
            )
        for error in errors:
            self.message_user(request, error, messages.ERROR)

    def _decide(self, request, queryset, status: str) -> None:
        # First come, first seated: the earliest applications take the free places.
        applications = list(queryset.order_by("submitted_at", "pk"))
        done, errors = services.applications_decide(
            applications=applications, status=status, by=request.user
        )
        self._report(request, status, done, errors)

    @admin.action(description=_("Accept"), permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, ApplicationStatus.ACCEPTED)

    @admin.action(description=_("Wait-list"), permissions=["change"])
    def waitlist(self, request, queryset):
        self._decide(request, queryset, ApplicationStatus.WAITLISTED)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, ApplicationStatus.REJECTED)

    # Extra views -------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/<slug:status>/",
                self.admin_site.admin_view(self.decide_view),
                name="missions_application_decide",
            ),
            path(
                "<path:object_id>/brochure/",
                self.admin_site.admin_view(self.brochure_view),
                name="missions_application_brochure",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        application = self.get_object(request, unquote(object_id))
        if application is not None and self.has_change_permission(request, application):
            allowed = services.APPLICATION_TRANSITIONS[application.status]
            extra_context["decisions"] = [
                {
                    "label": label,
                    "url": reverse(
                        "admin:missions_application_decide", args=[application.pk, status]
                    ),
                }
                for status, label in DECISION_LABELS.items()
                if status in allowed
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def decide_view(self, request, object_id, status):
        """Take one decision on one application (the buttons of the change form)."""
        application = self.get_object(request, unquote(object_id))
        if application is None or status not in services.DECISIONS:
            raise Http404
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        done, errors = services.applications_decide(
            applications=[application], status=status, by=request.user
        )
        self._report(request, status, done, errors)
        return HttpResponseRedirect(
            reverse("admin:missions_application_change", args=[application.pk])
        )

    def brochure_view(self, request, object_id):
        """Stream a private brochure to staff; there is no public URL to it."""
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        if not application.brochure:
            raise Http404(gettext("This application has no brochure."))
        try:
            handle = application.brochure.storage.open(application.brochure.name, "rb")
        except FileNotFoundError as exc:
            raise Http404(gettext("The brochure file is missing.")) from exc
        filename = f"brochure-{slugify(application.company.legal_name) or application.pk}.pdf"
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type="application/pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(ApplicationObjective)
class ApplicationObjectiveAdmin(admin.ModelAdmin):
    list_display = ("application", "objective")
    list_filter = ("objective", "application__mission")
    list_select_related = ("application__company", "application__mission")
    search_fields = ("application__company__legal_name", "application__mission__title")
    autocomplete_fields = ("application",)


@admin.register(WishedPartner)
class WishedPartnerAdmin(admin.ModelAdmin):
    list_display = ("partner", "application", "priority")
    list_filter = ("priority", "application__mission")
    list_select_related = ("partner", "application__company", "application__mission")
    search_fields = ("partner__name", "partner__short_name", "application__company__legal_name")
    autocomplete_fields = ("application", "partner")
