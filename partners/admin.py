"""Admin of companies, partner organisations, their contacts and the reference lists.

Companies, partners and contacts import from and export to CSV and Excel (see
``resources/``); an import always shows its preview before anything is written.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportModelAdmin

from cepex_portal.admin import country_column

from . import spreadsheets
from .enums import ClaimStatus
from .models import (
    COMPANY_PROFILE_FIELDS,
    Certification,
    Company,
    CompanyRevision,
    Contact,
    KeyFigure,
    PartnerOrganisation,
    RepresentativeClaim,
    Sector,
    TravelTime,
    Venue,
)
from .resources import CompanyResource, ContactResource, PartnerOrganisationResource
from .services import claim_approve, claim_decline, contacts_confirm
from .validators import normalize_tax_id, validate_import_file, validate_tax_id

logger = logging.getLogger(__name__)


class PortalImportExportAdmin(ImportExportModelAdmin):
    """CSV and Excel; importing needs the right to add and change, exporting to view.

    Excel workbooks are written with text cells only (``spreadsheets.XLSX``), and every
    resource escapes formula-like cells (see ``partners.spreadsheets``).
    """

    formats = [spreadsheets.CSV, spreadsheets.XLSX]
    # Websites are typed without a scheme; read them as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def create_import_form(self, request):
        form = super().create_import_form(request)
        # For the message about a file that cannot be read, which names the columns.
        form.resource_classes = self.get_import_resource_classes(request)
        form.fields["import_file"].validators.append(validate_import_file)
        return form

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read: what to send instead, never the exception's name."""
        logger.info("Unreadable import file: %r", e)
        resource_class = form.resource_classes[self.get_resource_index(form)]
        columns = ", ".join(resource_class.expected_columns())
        if isinstance(e, spreadsheets.FileTooBig):
            message = _(
                "This file holds more than an import takes (%(rows)s rows at most, or %(mb)s MB "
                "once an Excel workbook is unpacked). Split it into smaller files."
            ) % {
                "rows": settings.IMPORT_FILE_MAX_ROWS,
                "mb": settings.IMPORT_FILE_MAX_UNPACKED_BYTES // (1024 * 1024),
            }
        elif isinstance(e, spreadsheets.UnreadableFile) and e.line is not None:
            message = _(
                "Line %(line)d of the file has more cells than its first line names "
                "columns; check the separators and quotes on that line. Expected columns: "
                "%(columns)s."
            ) % {"line": e.line, "columns": columns}
        else:
            message = _(
                "This file could not be read. Save it from your spreadsheet as CSV "
                "(separated by commas, semicolons or tabs) or as an Excel workbook (.xlsx), "
                "and choose that format; its first line names the columns: %(columns)s."
            ) % {"columns": columns}
        form.add_error("import_file", message)

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)


# --- Reference lists -------------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "name_ar", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name", "name_en", "name_ar", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


# --- Companies -------------------------------------------------------------------------------


class CompanyContactInline(admin.TabularInline):
    model = Contact
    fk_name = "company"
    fields = (
        "first_name",
        "last_name",
        "role",
        "email",
        "phone",
        "language",
        "is_confirmed",
        "email_verified_at",
    )
    readonly_fields = ("email_verified_at",)
    extra = 0


class CompanyRevisionInline(admin.TabularInline):
    """What representatives changed in the profile: a record, so nobody edits it."""

    model = CompanyRevision
    fields = ("changed_at", "changed_by", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _https_url_fields(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class CompanyAdminForm(forms.ModelForm):
    class Meta:
        model = Company
        formfield_callback = _https_url_fields
        fields = ("tax_id", *COMPANY_PROFILE_FIELDS, "is_example")


@admin.register(Company)
class CompanyAdmin(PortalImportExportAdmin):
    form = CompanyAdminForm
    resource_classes = [CompanyResource]
    list_display = (
        "legal_name",
        "tax_id_formatted",
        "governorate",
        "city",
        "size",
        "sector_list",
        "is_example",
    )
    list_filter = ("governorate", "size", "sectors", "certifications", "is_example")
    search_fields = ("legal_name", "tax_id", "city")
    filter_horizontal = ("sectors", "certifications")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("legal_name", "tax_id", "governorate", "city", "size")}),
        (
            _("Profile"),
            {"fields": ("sectors", "certifications", "export_markets", "website", "description")},
        ),
        (_("Record"), {"fields": ("is_example", "created_at", "updated_at")}),
    )
    inlines = (CompanyContactInline, CompanyRevisionInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("sectors", "certifications")

    def get_search_results(self, request, queryset, search_term):
        # Tax ids are stored without separators; staff type them as printed, with slashes.
        try:
            validate_tax_id(search_term)
        except ValidationError:
            pass
        else:
            search_term = normalize_tax_id(search_term)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("tax id"), ordering="tax_id")
    def tax_id_formatted(self, obj: Company) -> str:
        return obj.tax_id_display

    @admin.display(description=_("sectors"))
    def sector_list(self, obj: Company) -> str:
        return ", ".join(sector.display_name for sector in obj.sectors.all())


@admin.register(CompanyRevision)
class CompanyRevisionAdmin(admin.ModelAdmin):
    """Read-only: the trail of what representatives changed in their profiles."""

    list_display = ("company", "changed_by", "changed_at")
    list_select_related = ("company", "changed_by")
    search_fields = ("company__legal_name", "company__tax_id", "changed_by__username")
    date_hierarchy = "changed_at"
    fields = ("company", "changed_by", "changed_at", "changes")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Partner organisations -------------------------------------------------------------------


class PartnerContactInline(admin.TabularInline):
    model = Contact
    fk_name = "organisation"
    fields = ("first_name", "last_name", "role", "email", "phone", "language")
    extra = 0


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    fields = ("kind", "value", "as_of", "source")
    extra = 0


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(PortalImportExportAdmin):
    resource_classes = [PartnerOrganisationResource]
    list_display = ("name", "short_name", "kind", "country_name", "city", "venue", "is_example")
    list_filter = ("kind", ("country", CountryFilter), "sectors", "is_example")
    list_select_related = ("venue",)
    search_fields = ("name", "short_name", "city", "region")
    autocomplete_fields = ("venue",)
    filter_horizontal = ("sectors",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "kind", "country", "region", "city", "venue")}),
        (_("Profile"), {"fields": ("sectors", "capabilities", "description", "website")}),
        (_("Record"), {"fields": ("is_example", "created_at", "updated_at")}),
    )
    inlines = (PartnerContactInline, KeyFigureInline)
    country_name = country_column("country", _("country"))

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("sectors")


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "value", "as_of", "source")
    list_filter = ("kind",)
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "organisation__short_name", "source")
    autocomplete_fields = ("organisation",)


# --- Venues ----------------------------------------------------------------------------------


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country_name", "tables", "address")
    country_name = country_column("country", _("country"))
    list_filter = (("country", CountryFilter), "city")
    search_fields = ("name", "city", "address")


@admin.register(TravelTime)
class TravelTimeAdmin(admin.ModelAdmin):
    """Either order of the two venues may be typed: the model stores the pair once."""

    list_display = ("from_venue", "to_venue", "minutes")
    list_select_related = ("from_venue", "to_venue")
    search_fields = ("from_venue__name", "from_venue__city", "to_venue__name", "to_venue__city")
    autocomplete_fields = ("from_venue", "to_venue")


# --- Contacts --------------------------------------------------------------------------------


class EmployerFilter(admin.SimpleListFilter):
    title = _("works at")
    parameter_name = "employer"

    def lookups(self, request, model_admin):
        return [("company", _("A company")), ("partner", _("A partner organisation"))]

    def queryset(self, request, queryset):
        if self.value() == "company":
            return queryset.filter(company__isnull=False)
        if self.value() == "partner":
            return queryset.filter(organisation__isnull=False)
        return queryset


@admin.register(Contact)
class ContactAdmin(PortalImportExportAdmin):
    resource_classes = [ContactResource]
    list_display = (
        "full_name",
        "role",
        "email",
        "phone",
        "employer",
        "language",
        "is_email_verified",
        "is_confirmed",
    )
    list_filter = (
        EmployerFilter,
        "language",
        "is_confirmed",
        ("email_verified_at", admin.EmptyFieldListFilter),
    )
    actions = ("confirm_representatives",)
    list_select_related = ("company", "organisation")
    search_fields = (
        "first_name",
        "last_name",
        "email",
        "company__legal_name",
        "organisation__name",
        "organisation__short_name",
    )
    autocomplete_fields = ("company", "organisation")
    readonly_fields = ("email_verified_at", "created_at", "updated_at")
    fields = (
        ("first_name", "last_name"),
        "role",
        "email",
        "phone",
        "language",
        "company",
        "organisation",
        "is_confirmed",
        "email_verified_at",
        ("created_at", "updated_at"),
    )

    @admin.action(description=_("Confirm as representatives of their company"))
    def confirm_representatives(self, request, queryset):
        count = contacts_confirm(contacts=queryset.filter(company__isnull=False), by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d representative confirmed.",
                "%(count)d representatives confirmed.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: Contact) -> str:
        return obj.full_name

    @admin.display(description=_("works at"))
    def employer(self, obj: Contact) -> str:
        return str(obj.company or obj.organisation or "")

    @admin.display(description=_("email verified"), boolean=True, ordering="email_verified_at")
    def is_email_verified(self, obj: Contact) -> bool:
        return obj.email_verified_at is not None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        help_text = _("Fill in the company or the partner organisation, not both.")
        for name in ("company", "organisation"):
            if name in form.base_fields:
                form.base_fields[name].help_text = help_text
        return form


# --- Representative claims -----------------------------------------------------------------


class ClaimStatusFilter(admin.SimpleListFilter):
    """Pending claims first: they are the ones waiting for someone."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return ClaimStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ClaimStatus.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(RepresentativeClaim)
class RepresentativeClaimAdmin(admin.ModelAdmin):
    """People who say they represent a company. Staff approve or decline the pending ones;
    nobody edits a claim (it is what the claimant said, and who decided).
    """

    list_display = (
        "full_name",
        "email",
        "company",
        "status",
        "created_at",
        "decided_at",
        "decider",
    )
    list_filter = (ClaimStatusFilter,)
    list_select_related = ("company", "decided_by", "decided_by_contact")
    search_fields = ("first_name", "last_name", "email", "company__legal_name", "company__tax_id")
    date_hierarchy = "created_at"
    actions = ("approve", "decline")
    fields = (
        "company",
        "company_name",
        ("first_name", "last_name"),
        "role",
        "email",
        "phone",
        "language",
        "status",
        "email_verified_at",
        "contact",
        ("decided_at", "decided_by", "decided_by_contact"),
        ("created_at", "updated_at"),
    )
    readonly_fields = tuple(
        name for item in fields for name in (item if isinstance(item, tuple) else (item,))
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("partners.change_representativeclaim")

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: RepresentativeClaim) -> str:
        return obj.full_name

    @admin.display(description=_("decided by"))
    def decider(self, obj: RepresentativeClaim) -> str:
        return str(obj.decided_by_contact or obj.decided_by or "")

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for claim in queryset:
            try:
                decide(claim=claim, by=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{claim.full_name}: {' '.join(exc.messages)}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Approve the selected claims"), permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            claim_approve,
            lambda n: ngettext("%(n)d claim approved.", "%(n)d claims approved.", n) % {"n": n},
        )

    @admin.action(description=_("Decline the selected claims"), permissions=["decide"])
    def decline(self, request, queryset):
        self._decide(
            request,
            queryset,
            claim_decline,
            lambda n: ngettext("%(n)d claim declined.", "%(n)d claims declined.", n) % {"n": n},
        )
