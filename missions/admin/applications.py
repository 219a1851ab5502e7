"""Admin of applications: the selection of the delegation.

Statuses are never typed in a form: an application is accepted, wait-listed or rejected
through ``services.py`` (admin actions and the decision buttons of an application), so that
capacity, the wait-list and the e-mails are honoured.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cepex_portal.audit import AuditedAdmin
from partners.models import Sector

from .. import services
from ..enums import ApplicationStatus, Objective
from ..models import Application, ApplicationObjective, HeldApplication, WishedPartner
from ..rules import MAX_WISHES
from ..validators import validate_pdf_upload
from .common import count_children
from .scoping import MissionScopedAdmin

# The decisions staff take on an application, in the order of the buttons.
DECISION_LABELS = {
    ApplicationStatus.ACCEPTED: _("Accept"),
    ApplicationStatus.WAITLISTED: _("Wait-list"),
    ApplicationStatus.REJECTED: _("Reject"),
}


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


class WishedPartnerFormSet(forms.BaseInlineFormSet):
    """The one rule for wished partners, on the whole list staff are saving."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("partner")
        ]
        if self.has_changed():
            locked = services.wishes_locked(application=self.instance)
            if locked is not None:
                raise locked
        services.wishes_check(
            mission=self.instance.mission,
            wishes=[
                (
                    form.cleaned_data["partner"],
                    form.cleaned_data.get("priority"),
                    form.cleaned_data.get("motivation", ""),
                )
                for form in kept
            ],
        )


class WishedPartnerInline(admin.TabularInline):
    model = WishedPartner
    formset = WishedPartnerFormSet
    fields = ("partner", "priority", "motivation")
    autocomplete_fields = ("partner",)
    extra = 0
    max_num = MAX_WISHES

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


class ApplicationAddForm(forms.ModelForm):
    """Staff record an application that reached them otherwise; saved by the service."""

    objectives = forms.MultipleChoiceField(
        label=_("Objectives"), choices=Objective.choices, widget=forms.CheckboxSelectMultiple
    )
    consent = forms.BooleanField(
        label=_("The company agreed that CEPEX processes these data (privacy notice)."),
        error_messages={"required": _("Record the company's consent first.")},
    )

    class Meta:
        model = Application
        fields = ("mission", "company", "contact", "language", "target_markets", "motivation")

    def clean(self):
        cleaned = super().clean()
        mission, company = cleaned.get("mission"), cleaned.get("company")
        if mission and company:
            refused = services.application_add_refused(
                mission=mission, company=company, contact=cleaned.get("contact")
            )
            if refused is not None:
                raise refused
        return cleaned


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

    def clean(self):
        cleaned = super().clean()
        company = cleaned.get("company") or getattr(self.instance, "company", None)
        if company is not None and "contact" in cleaned:
            refused = services.application_contact_refused(
                company=company, contact=cleaned["contact"]
            )
            if refused is not None:
                self.add_error("contact", refused)
        return cleaned


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin, MissionScopedAdmin):
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
    inlines = (ApplicationObjectiveInline, WishedPartnerInline)
    actions = ("accept", "waitlist", "reject")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(wish_total=count_children(WishedPartner.objects.all(), "application"))
            .prefetch_related("objectives")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApplicationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        # Objectives and wishes of a new application are on its add form, for the service.
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.application_add_by_staff(
            mission=form.cleaned_data["mission"],
            company=form.cleaned_data["company"],
            contact=form.cleaned_data.get("contact"),
            objectives=form.cleaned_data["objectives"],
            target_markets=form.cleaned_data.get("target_markets") or [],
            motivation=form.cleaned_data.get("motivation", ""),
            wishes=[],
            language=form.cleaned_data["language"],
            by=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST or "_popup" in request.POST:
            return response
        # On to the application itself: its wished partners are added there.
        return HttpResponseRedirect(reverse("admin:missions_application_change", args=[obj.pk]))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (
                    None,
                    {
                        "fields": (
                            "mission",
                            "company",
                            "contact",
                            "language",
                            "objectives",
                            "target_markets",
                            "motivation",
                            "consent",
                        ),
                        "description": _(
                            "For an application that reached you by phone, letter or at a "
                            "fair. Companies apply themselves through the portal; add the "
                            "wished partners on the next page."
                        ),
                    },
                ),
            )
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
class ApplicationObjectiveAdmin(MissionScopedAdmin):
    mission_lookup = "application__mission"
    list_display = ("application", "objective")
    list_filter = ("objective", "application__mission")
    list_select_related = ("application__company", "application__mission")
    search_fields = ("application__company__legal_name", "application__mission__title")
    autocomplete_fields = ("application",)


@admin.register(WishedPartner)
class WishedPartnerAdmin(AuditedAdmin, MissionScopedAdmin):
    """Read-only list: wishes are changed on their application, where the whole list is
    checked against the rule (count, once each, locked after the deadline).
    """

    mission_lookup = "application__mission"

    list_display = ("partner", "application", "priority")
    list_filter = ("priority", "application__mission")
    list_select_related = ("partner", "application__company", "application__mission")
    search_fields = ("partner__name", "partner__short_name", "application__company__legal_name")
    fields = ("application", "partner", "priority", "motivation")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(HeldApplication)
class HeldApplicationAdmin(MissionScopedAdmin):
    """Read-only: applications sent for a known company, held until their sender's claim to
    represent it is settled (approve or decline it under *Representative claims*).
    """

    list_display = ("claim", "mission", "submitted_at", "claim_status", "outcome")
    list_filter = ("outcome", "claim__status", "mission")
    list_select_related = ("claim", "claim__company", "mission")
    search_fields = ("claim__company__legal_name", "claim__email", "mission__title")
    fields = (
        "claim",
        "mission",
        "objectives",
        "target_markets",
        "motivation",
        "wishes",
        "language",
        "consent_text_version",
        "consent_at",
        "submitted_at",
        "outcome",
        "application",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("claim status"), ordering="claim__status")
    def claim_status(self, obj: HeldApplication) -> str:
        return obj.claim.get_status_display()
