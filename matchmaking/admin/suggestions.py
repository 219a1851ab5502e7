"""Admin of matchmaking: suggested meetings of a mission, and requests made of them.

Two pages per mission, reached from the mission's change page (a link in its *Matchmaking*
section) or the *Suggested meetings* action of the mission list: the best partners of each
company of the delegation, and the best companies of each partner, each with its score and
reasons. Staff tick pairs (or press a row's button) to make meeting requests of them.

Who: staff who may view the mission and meeting requests see the pages; those who may also
add meeting requests make them.

The pages hang on the mission's admin. Several matchmaking modules extend that admin (one
per subject), so each subclasses whatever admin is registered for ``Mission`` when it is
imported and registers the subclass in its place: they stack, in any number.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from missions.enums import WishPriority
from missions.models import Mission

from ..services.suggestions import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    mission_suggestions,
    requests_from_suggestions,
)

VIEW_PERMISSION = "matchmaking.view_meetingrequest"
ADD_PERMISSION = "matchmaking.add_meetingrequest"


class SuggestionOptionsForm(forms.Form):
    """How many suggestions to show per company (or partner): ?top=N."""

    top = forms.IntegerField(
        label=_("Suggestions shown for each"),
        min_value=1,
        max_value=MAX_LIMIT,
        required=False,
    )

    def limit(self) -> int:
        if self.is_valid() and self.cleaned_data["top"]:
            return self.cleaned_data["top"]
        return DEFAULT_LIMIT


class PairsField(forms.Field):
    """Pairs ticked on the page, each "<company id>-<partner id>"."""

    default_error_messages = {
        "invalid": _("This selection is not one the page offered; reload the page and retry."),
    }

    def to_python(self, value) -> list[tuple[int, int]]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        pairs = []
        for item in values:
            company_id, _dash, partner_id = str(item).partition("-")
            if not (company_id.isdigit() and partner_id.isdigit()):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            pairs.append((int(company_id), int(partner_id)))
        return pairs


class SuggestionRequestsForm(forms.Form):
    """Make requests of the ticked pairs, or of the one pair whose button was pressed."""

    pairs = PairsField(required=False, label=_("Suggestions"))
    one = PairsField(required=False, label=_("Suggestion"))
    priority = forms.TypedChoiceField(
        label=_("Priority of the requests"),
        choices=WishPriority.choices,
        coerce=int,
        initial=WishPriority.MEDIUM,
    )

    def __init__(self, data=None, **kwargs):
        # Checkboxes send a list; getlist() keeps all of them.
        if data is not None and hasattr(data, "getlist"):
            data = {
                "pairs": data.getlist("pairs"),
                "one": data.get("one", ""),
                "priority": data.get("priority", ""),
            }
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("one") or cleaned.get("pairs")
        if not self.errors and not chosen:
            raise ValidationError(_("Tick at least one suggestion."), code="empty")
        cleaned["chosen"] = chosen or []
        return cleaned


def _with_suggestions(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    class MissionSuggestionsAdmin(base):
        actions = (*(base.actions or ()), "suggested_meetings")

        def get_urls(self):
            return [
                path(
                    "<path:object_id>/suggestions/",
                    self.admin_site.admin_view(self.suggestions_view),
                    {"by": "company"},
                    name="matchmaking_mission_suggestions",
                ),
                path(
                    "<path:object_id>/suggestions/partners/",
                    self.admin_site.admin_view(self.suggestions_view),
                    {"by": "partner"},
                    name="matchmaking_mission_suggestions_by_partner",
                ),
                *super().get_urls(),
            ]

        # The link on the change page --------------------------------------------------------

        def get_fieldsets(self, request, obj=None):
            fieldsets = list(super().get_fieldsets(request, obj))
            if obj is not None and _may_see(request, self, obj):
                fieldsets.append((_("Matchmaking"), {"fields": ("suggestions_link",)}))
            return fieldsets

        def get_readonly_fields(self, request, obj=None):
            return (*super().get_readonly_fields(request, obj), "suggestions_link")

        @admin.display(description=_("suggested meetings"))
        def suggestions_link(self, obj: Mission):
            if obj is None or obj.pk is None:
                return "-"
            url = reverse("admin:matchmaking_mission_suggestions", args=[obj.pk])
            return format_html(
                '<a href="{}">{}</a>', url, gettext("Partners that fit each company, and why")
            )

        # The action of the mission list -------------------------------------------------------

        @admin.action(description=_("Suggested meetings"), permissions=["view"])
        def suggested_meetings(self, request, queryset):
            missions = list(queryset[:2])
            if len(missions) != 1:
                self.message_user(
                    request, gettext("Choose one mission to see its suggestions."), messages.ERROR
                )
                return None
            return HttpResponseRedirect(
                reverse("admin:matchmaking_mission_suggestions", args=[missions[0].pk])
            )

        # The pages ----------------------------------------------------------------------------

        def suggestions_view(self, request, object_id, by):
            """Suggested meetings of one mission, by company or by partner.

            Staff who may view the mission and meeting requests see it (GET); those who may
            also add meeting requests make requests of the chosen pairs (POST).
            """
            mission = self.get_object(request, unquote(object_id))
            if mission is None:
                raise Http404(gettext("This mission does not exist."))
            if not _may_see(request, self, mission):
                raise PermissionDenied
            may_create = request.user.has_perm(ADD_PERMISSION)
            options = SuggestionOptionsForm(request.GET or None)
            here = _page_url(mission, by=by, top=options.limit())
            if request.method == "POST":
                if not may_create:
                    raise PermissionDenied
                self._create(request, mission, SuggestionRequestsForm(request.POST))
                return HttpResponseRedirect(here)
            if request.GET and not options.is_valid():
                for error in options.errors.get("top", []):
                    self.message_user(request, error, messages.WARNING)
            suggestions = mission_suggestions(mission=mission, limit=options.limit())
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Suggested meetings"),
                "subtitle": str(mission),
                "mission": mission,
                "by": by,
                "suggestions": suggestions,
                "top": options.limit(),
                "top_choices": sorted({3, 5, 10, 20, options.limit()}),
                "may_create": may_create,
                "request_form": SuggestionRequestsForm(),
                "by_company_url": _page_url(mission, by="company", top=options.limit()),
                "by_partner_url": _page_url(mission, by="partner", top=options.limit()),
                "mission_url": reverse("admin:missions_mission_change", args=[mission.pk]),
            }
            return TemplateResponse(request, "admin/matchmaking/mission_suggestions.html", context)

        def _create(self, request, mission: Mission, form: SuggestionRequestsForm) -> None:
            if not form.is_valid():
                said = dict.fromkeys(e for errors in form.errors.values() for e in errors)
                for error in said:  # each once: "pairs" and "one" may say the same
                    self.message_user(request, error, messages.ERROR)
                return
            outcome = requests_from_suggestions(
                mission=mission,
                pairs=form.cleaned_data["chosen"],
                priority=form.cleaned_data["priority"],
                by=request.user,
            )
            if outcome.created:
                count = len(outcome.created)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d meeting request made from the suggestions.",
                        "%(count)d meeting requests made from the suggestions.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
            for reason in outcome.refused:
                self.message_user(
                    request,
                    gettext("Not made: %(reason)s") % {"reason": reason},
                    messages.WARNING,
                )

    MissionSuggestionsAdmin.__name__ = f"{base.__name__}WithSuggestions"
    MissionSuggestionsAdmin.__qualname__ = MissionSuggestionsAdmin.__name__
    return MissionSuggestionsAdmin


def _may_see(request, model_admin, mission: Mission) -> bool:
    return model_admin.has_view_permission(request, mission) and request.user.has_perm(
        VIEW_PERMISSION
    )


def _page_url(mission: Mission, *, by: str, top: int) -> str:
    name = (
        "admin:matchmaking_mission_suggestions"
        if by == "company"
        else "admin:matchmaking_mission_suggestions_by_partner"
    )
    url = reverse(name, args=[mission.pk])
    return f"{url}?{urlencode({'top': top})}" if top != DEFAULT_LIMIT else url


_registered = admin.site.get_model_admin(Mission)
admin.site.unregister(Mission)
admin.site.register(Mission, _with_suggestions(type(_registered)))
