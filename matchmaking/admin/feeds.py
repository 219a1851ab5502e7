"""Admin of calendar feeds (revoke an address that went too far) and the log of meeting
e-mails (who was told what, and when). Both read-only but for the revoke action.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from missions.admin.scoping import MissionScopedAdmin

from ..models import CalendarFeed, MeetingNotification
from ..services.agendas import calendar_feed_revoke


@admin.register(CalendarFeed)
class CalendarFeedAdmin(MissionScopedAdmin):
    """The private calendar addresses. The address itself is never shown here.

    A company's feed spans its missions, like the company itself (the shared directory);
    a partner's feed belongs to the mission of its link.
    """

    list_display = ("__str__", "version", "revoked_at", "created_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("company", "partner_link__partner", "partner_link__mission")
    search_fields = ("company__legal_name", "partner_link__partner__name")
    fields = ("company", "partner_link", "version", "revoked_at", "created_at", "updated_at")
    readonly_fields = fields
    actions = ("revoke",)

    def mission_condition(self, missions):
        return Q(company__isnull=False) | Q(partner_link__mission__in=missions)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("matchmaking.change_calendarfeed")

    @admin.action(
        description=_("Revoke (the address stops working at once)"), permissions=["revoke"]
    )
    def revoke(self, request, queryset):
        with transaction.atomic():
            for feed in queryset:
                calendar_feed_revoke(feed=feed)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d calendar address revoked.",
                "%(count)d calendar addresses revoked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(MeetingNotification)
class MeetingNotificationAdmin(MissionScopedAdmin):
    """Who was told of which change to a meeting, in which language, and when."""

    mission_lookup = "meeting__mission"

    list_display = ("meeting", "change", "sequence", "recipient", "side", "language", "sent_at")
    list_filter = ("change", "side", "language")
    list_select_related = ("meeting__company", "meeting__partner")
    search_fields = ("recipient", "meeting__company__legal_name", "meeting__partner__name")
    date_hierarchy = "sent_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
