"""Admin of matchmaking: the partners' signed links and their availability.

A link is never typed: it is issued when staff send it (here, or from the requests), and
revoked here. Lists never show a token; the change page shows the address only to staff who
may change links (managers, who only view, never see it: the address is the partner's key).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from missions.admin.scoping import MissionScopedAdmin

from ..models import PartnerAvailability, PartnerLink
from ..services.links import (
    DayAvailability,
    availability_check,
    availability_set,
    link_revoke,
    link_send,
)


class LinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", _("Usable")), ("expired", _("Expired")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "usable":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(PartnerLink)
class PartnerLinkAdmin(MissionScopedAdmin):
    list_display = ("partner", "mission", "state", "expires_at", "last_sent_at", "last_used_at")
    list_filter = (LinkStateFilter, "mission")
    list_select_related = ("partner", "mission")
    search_fields = ("partner__name", "partner__short_name", "mission__title")
    actions = ("resend", "revoke")

    def has_add_permission(self, request) -> bool:
        return False  # issued by sending it (action here, or on the requests)

    def get_fields(self, request, obj=None):
        fields = [
            "mission",
            "partner",
            "state",
            "expires_at",
            "revoked_at",
            "last_sent_at",
            "last_used_at",
            "version",
            "created_at",
            "updated_at",
        ]
        if obj is not None and self.has_change_permission(request, obj):
            fields.insert(3, "address")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("state"))
    def state(self, obj: PartnerLink) -> str:
        if obj.revoked_at is not None:
            return gettext("Revoked")
        if obj.expires_at <= timezone.now():
            return gettext("Expired")
        return gettext("Usable")

    @admin.display(description=_("address"))
    def address(self, obj: PartnerLink) -> str:
        if not obj.is_usable:
            return gettext("None: send the link again to make a new one.")
        return settings.SITE_URL + reverse("partner:home", args=[obj.token])

    @admin.action(
        description=_("Send the link again (renewed; a new address if it was revoked)"),
        permissions=["change"],
    )
    def resend(self, request, queryset):
        sent = 0
        for link in queryset.select_related("mission", "partner"):
            try:
                link_send(mission=link.mission, partner=link.partner, by=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "The link was sent to %(count)d partner.",
                    "The link was sent to %(count)d partners.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Revoke (the address stops working at once)"), permissions=["change"]
    )
    def revoke(self, request, queryset):
        revoked = 0
        for link in queryset.filter(revoked_at__isnull=True):
            link_revoke(link=link, by=request.user)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


class PartnerAvailabilityForm(forms.ModelForm):
    """A day of a partner's availability, entered by staff (a partner who phoned); checked and
    saved by the same service as the partner's page.
    """

    class Meta:
        model = PartnerAvailability
        fields = ("mission", "partner", "day", "is_available", "available_from", "available_to")

    def clean(self):
        cleaned = super().clean()
        mission = cleaned.get("mission") or getattr(self.instance, "mission", None)
        partner = cleaned.get("partner") or getattr(self.instance, "partner", None)
        day = cleaned.get("day") or self.instance.day
        if mission and partner and day:
            availability_check(mission=mission, partner=partner, days=[self.answer(cleaned, day)])
        return cleaned

    def _post_clean(self):
        if self.errors:
            # The service's message said it; the model's check constraint would say it again,
            # in words staff do not need ("Constraint ... is violated").
            return
        super()._post_clean()

    @staticmethod
    def answer(cleaned, day) -> DayAvailability:
        return DayAvailability(
            day=day,
            is_available=bool(cleaned.get("is_available")),
            available_from=cleaned.get("available_from"),
            available_to=cleaned.get("available_to"),
        )


@admin.register(PartnerAvailability)
class PartnerAvailabilityAdmin(MissionScopedAdmin):
    form = PartnerAvailabilityForm
    list_display = ("partner", "mission", "day", "is_available", "available_from", "available_to")
    list_filter = ("mission", "is_available", ("partner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("partner", "mission")
    search_fields = ("partner__name", "partner__short_name", "mission__title")
    autocomplete_fields = ("mission", "partner")
    date_hierarchy = "day"

    def get_queryset(self, request):
        # The days a partner said it cannot come first catch the eye of staff.
        return super().get_queryset(request).order_by("mission", "partner__name", "day")

    def get_readonly_fields(self, request, obj=None):
        return ("mission", "partner", "day") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        (row,) = availability_set(
            mission=obj.mission,
            partner=obj.partner,
            days=[form.answer(form.cleaned_data, obj.day)],
        )
        obj.pk = row.pk
        obj.refresh_from_db()
