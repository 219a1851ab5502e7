"""Admin of the accounts (users: staff, managers, company representatives; login links) and of
the background jobs waiting for the broker."""

from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .jobs import MAX_FAILURES, send_again
from .models import LoginLink, OutboxJob, User

# The back office names the portal, not "Django administration".
admin.site.site_header = _("CEPEX Missions Portal")
admin.site.site_title = _("CEPEX Missions Portal")
admin.site.index_title = _("Back office")

# django-axes: staff see the login attempts (and delete one to lift its lockout); the logs of
# every login and of every failure are off (AXES_DISABLE_ACCESS_LOG, the default for the
# failure log), so their pages would stay empty.
for model in (AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class PortalUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("company", "language")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "company",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "company",
        "language",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "language", "groups")
    list_select_related = ("company",)
    search_fields = ("username", "first_name", "last_name", "email", "company__legal_name")
    autocomplete_fields = ("company",)
    date_hierarchy = "date_joined"


class LoginLinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", _("Usable")), ("spent", _("Used or expired"))]

    def queryset(self, request, queryset):
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "spent":
            return queryset.spent()
        return queryset


@admin.register(LoginLink)
class LoginLinkAdmin(admin.ModelAdmin):
    """Read-only: links are made by the login view, and only their hash is kept.

    The hash is never shown: it is useless to staff and, with the token, proves a login.
    """

    list_display = ("user", "created_at", "expires_at", "used_at", "is_usable")
    list_filter = (LoginLinkStateFilter, "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    date_hierarchy = "created_at"
    fields = ("user", "created_at", "expires_at", "used_at")
    readonly_fields = fields

    @admin.display(description=_("usable"), boolean=True)
    def is_usable(self, obj: LoginLink) -> bool:
        return obj.used_at is None and obj.expires_at > timezone.now()

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    """Read-only: the jobs that could not reach the broker yet (it was down) or whose own run
    failed, with the last error. Their arguments are not shown: a login link's job carries
    the link's token. Superusers only, like the accounts (the model's permissions are given
    to no group)."""

    list_display = (
        "task_name",
        "created_at",
        "state",
        "attempts",
        "failures",
        "last_attempt_at",
        "short_error",
    )
    list_filter = ("task_name",)
    date_hierarchy = "created_at"
    fields = (
        "task_name",
        "created_at",
        "claimed_at",
        "attempts",
        "failures",
        "retry_after",
        "last_attempt_at",
        "last_error",
    )
    readonly_fields = fields
    actions = ["send_now"]

    @admin.display(description=_("state"))
    def state(self, obj: OutboxJob) -> str:
        if obj.failures >= MAX_FAILURES:
            return _("given up: send it again once the cause is fixed")
        if obj.retry_after and obj.retry_after > timezone.now():
            return _("failed, next try at %(time)s") % {
                "time": formats.date_format(timezone.localtime(obj.retry_after), "TIME_FORMAT")
            }
        return _("waiting for the broker")

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxJob) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Send the selected jobs now"), permissions=["view"])
    def send_now(self, request, queryset) -> None:
        relay = send_again(job_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            _("%(sent)s jobs sent; %(waiting)s still in the outbox.")
            % {"sent": relay.sent, "waiting": relay.waiting},
            messages.WARNING if relay.waiting else messages.SUCCESS,
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def country_column(field: str, description):
    """A list column showing a country by name.

    Django's default rendering of a CountryField builds the list of 250 choices for every
    row (1.6 ms a cell: 72 ms of a 200-row page); the country's own name is a dictionary
    lookup.
    """

    @admin.display(description=description, ordering=field)
    def column(model_admin, obj) -> str:
        country = getattr(obj, field)
        return country.name if country else ""

    column.__name__ = f"{field}_name"
    return column
