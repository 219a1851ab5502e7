"""Admin of matchmaking: meeting requests (the partners' links and availability are in
``links``, registered from here).

Staff see the state of every request per mission, per company and per partner (the filters),
create requests through ``request_create`` (the add form), make them from the delegation's
wishes for a mission (a page of its own), send the partners their links and cancel requests
(actions). A request's state never changes in a form: the partner answers through its link,
staff send or cancel. Managers (view permissions) see everything and can do none of it.
"""

from collections import OrderedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cepex_portal.audit import AuditedAdmin
from missions.admin.scoping import MissionScopedAdmin
from missions.models import Mission
from missions.selectors import missions_visible_to

from ..enums import RequestSource
from ..models import MeetingRequest
from ..services.links import link_send
from ..services.requests import (
    request_cancel,
    request_create,
    request_create_refused,
    requests_from_wishes,
)


class MeetingRequestAddForm(forms.ModelForm):
    """Staff ask for a meeting; saved by ``request_create``, which checks the same rules."""

    class Meta:
        model = MeetingRequest
        fields = ("mission", "company", "partner", "priority", "length_slots", "motivation")

    def clean(self):
        cleaned = super().clean()
        mission, company, partner = (cleaned.get(k) for k in ("mission", "company", "partner"))
        if mission and company and partner:
            refused = request_create_refused(mission=mission, company=company, partner=partner)
            if refused is not None:
                raise refused
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The bounds of the database's check constraints, with the form's own messages.
        self.fields["length_slots"].min_value = 1
        self.fields["length_slots"].max_value = 8
        self.fields["length_slots"].widget.attrs.update(min=1, max=8)
        self.fields["length_slots"].validators += [
            MinValueValidator(1),
            MaxValueValidator(8),
        ]


class FromWishesForm(forms.Form):
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=Mission.objects.all())


@admin.register(MeetingRequest)
class MeetingRequestAdmin(AuditedAdmin, MissionScopedAdmin):
    change_list_template = "admin/matchmaking/meetingrequest/change_list.html"
    list_display = (
        "company",
        "partner",
        "mission",
        "priority",
        "state",
        "source",
        "sent_at",
        "responded_at",
    )
    list_filter = (
        "mission",
        "state",
        "source",
        "priority",
        ("partner", admin.RelatedOnlyFieldListFilter),
        ("company", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("company", "partner", "mission")
    search_fields = (
        "company__legal_name",
        "company__tax_id",
        "partner__name",
        "partner__short_name",
        "mission__title",
        "motivation",
        "partner_attendees",
    )
    autocomplete_fields = ("mission", "company", "partner")
    actions = ("send_links", "cancel_requests")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MeetingRequestAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (
                    None,
                    {
                        "fields": (
                            "mission",
                            "company",
                            "partner",
                            "priority",
                            "length_slots",
                            "motivation",
                        ),
                        "description": _(
                            "The company must have a live application to the mission and the "
                            "partner must take part in it. The partner hears of the request "
                            "when you send it its link (action of the list)."
                        ),
                    },
                ),
            )
        return (
            (None, {"fields": ("mission", "company", "partner", "source", "created_by")}),
            (_("Request"), {"fields": ("priority", "length_slots", "motivation")}),
            (
                _("The partner's answer"),
                {
                    "fields": (
                        "state",
                        "sent_at",
                        "responded_at",
                        "partner_attendees",
                        "partner_note",
                    ),
                    "description": _(
                        "The partner answers through its link; send it with the action "
                        "“Send the link to the partners” of the list."
                    ),
                },
            ),
            (_("Record"), {"fields": ("created_at", "updated_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "mission",
            "company",
            "partner",
            "source",
            "created_by",
            "state",
            "sent_at",
            "responded_at",
            "partner_attendees",
            "partner_note",
            "created_at",
            "updated_at",
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = request_create(
            mission=form.cleaned_data["mission"],
            company=form.cleaned_data["company"],
            partner=form.cleaned_data["partner"],
            priority=form.cleaned_data["priority"],
            length_slots=form.cleaned_data["length_slots"],
            motivation=form.cleaned_data.get("motivation", ""),
            source=RequestSource.STAFF,
            by=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    # Actions ------------------------------------------------------------------------------

    @admin.action(
        description=_("Send the link to the partners of the selected requests"),
        permissions=["change"],
    )
    def send_links(self, request, queryset):
        """One send per partner and mission among the selected requests."""
        pairs = OrderedDict(
            ((r.mission_id, r.partner_id), r)
            for r in queryset.select_related("mission", "partner").order_by("mission", "partner")
        )
        sent = 0
        for meeting_request in pairs.values():
            try:
                link_send(
                    mission=meeting_request.mission,
                    partner=meeting_request.partner,
                    by=request.user,
                )
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

    @admin.action(description=_("Cancel the selected requests"), permissions=["change"])
    def cancel_requests(self, request, queryset):
        cancelled = 0
        for meeting_request in queryset:
            before = meeting_request.state
            after = request_cancel(request=meeting_request, by=request.user).state
            cancelled += before != after
        self.message_user(
            request,
            ngettext("%(count)d request cancelled.", "%(count)d requests cancelled.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS,
        )

    # Requests from the delegation's wishes ----------------------------------------------

    def get_urls(self):
        return [
            path(
                "from-wishes/",
                self.admin_site.admin_view(self.from_wishes_view),
                name="matchmaking_meetingrequest_from_wishes",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self.has_add_permission(request):
            url = reverse("admin:matchmaking_meetingrequest_from_wishes")
            mission = request.GET.get("mission__id__exact", "")
            extra_context["from_wishes_url"] = f"{url}?mission={mission}" if mission else url
        return super().changelist_view(request, extra_context)

    def from_wishes_view(self, request):
        """Staff with the right to add requests: one request for every wish of the companies
        in a mission's delegation that has none yet. GET shows the form, POST makes them.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = FromWishesForm(request.POST)
            form.fields["mission"].queryset = missions_visible_to(user=request.user)
            if form.is_valid():
                mission = form.cleaned_data["mission"]
                created = requests_from_wishes(mission=mission, by=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d request made from the wishes of the delegation of "
                        "“%(mission)s”.",
                        "%(count)d requests made from the wishes of the delegation of "
                        "“%(mission)s”.",
                        len(created),
                    )
                    % {"count": len(created), "mission": mission},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:matchmaking_meetingrequest_changelist")
                    + f"?mission__id__exact={mission.pk}"
                )
        else:
            form = FromWishesForm(initial={"mission": request.GET.get("mission") or None})
            form.fields["mission"].queryset = missions_visible_to(user=request.user)
        return TemplateResponse(
            request,
            "admin/matchmaking/meetingrequest/from_wishes.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Make requests from the delegation's wishes"),
                "form": form,
            },
        )
