"""Which missions a user sees in the back office, applied to every admin that hangs off one.

The rule lives in ``missions.selectors.missions_visible_to`` (managers and superusers see
every mission, chargés de mission those of their team). ``MissionScopedAdmin`` applies it to
an admin whose rows belong to a mission (``mission_lookup`` says how to reach it), in every
place a row could show or be reached:

- lists, searches, actions, date hierarchies and the autocomplete of other admins' fields
  read ``get_queryset``, which keeps the visible missions' rows only;
- a change, delete or history page of a row outside them is a 404, the same answer as for a
  row that does not exist (not Django's redirect to the index: the status says it);
- the mission list filter offers the visible missions only;
- every choice of the admin's form (a mission, a meeting request, a meeting...) is limited
  to what the chosen row's own admin shows: nobody attaches a record to a mission they are
  not on. (No inline today chooses such a row; one that does would need the same.)

Custom pages of an admin read their rows through ``get_queryset`` (or ``get_object``), or,
for a mission in the address, through ``visible_mission_or_404``.

Companies, partner organisations, contacts, venues and the reference lists are the ground
floor: a directory every chargé de mission shares, not scoped.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from ..models import Mission
from ..selectors import missions_visible_to, user_sees_all_missions


def visible_mission_or_404(request, mission_id) -> Mission:
    """The mission of an admin page's address, if the user may see it; else a 404."""
    try:
        return get_object_or_404(missions_visible_to(user=request.user), pk=mission_id)
    except (ValueError, TypeError) as exc:  # not an id at all
        raise Http404 from exc


def limit_choices(form, *, request, admin_site: admin.AdminSite) -> None:
    """Limit every choice field of ``form`` whose rows belong to a mission to the rows the
    user may see (what that model's own admin lists).

    The value a row already has stays a choice: a follow-up of a mission the user is not on
    keeps what it follows when the user saves it (they cannot link anything new to it).
    """
    if user_sees_all_missions(user=request.user):
        return
    instance = getattr(form, "instance", None)
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not admin_site.is_registered(queryset.model):
            continue
        related_admin = admin_site.get_model_admin(queryset.model)
        if not isinstance(related_admin, MissionScopedAdmin):
            continue
        visible = Q(pk__in=related_admin.scope_queryset(request, queryset).values("pk"))
        current = form.initial.get(name) if instance is not None and instance.pk else None
        if isinstance(current, list | tuple | set | QuerySet):
            visible |= Q(pk__in=[getattr(value, "pk", value) for value in current])
        elif current is not None:
            visible |= Q(pk=getattr(current, "pk", current))
        field.queryset = queryset.filter(visible)


def with_limited_choices(form_class, *, request, admin_site: admin.AdminSite):
    """``form_class`` whose choices ``limit_choices`` limits once it is built, after any
    choices its own ``__init__`` sets (a lead's triangular missions, say)."""

    class LimitedChoicesForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            limit_choices(self, request=request, admin_site=admin_site)

    LimitedChoicesForm.__name__ = form_class.__name__
    LimitedChoicesForm.__qualname__ = form_class.__qualname__
    return LimitedChoicesForm


class VisibleMissionFilter(admin.RelatedFieldListFilter):
    """The list filter by mission, offering only the missions the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        if user_sees_all_missions(user=request.user):
            return field.get_choices(include_blank=False, ordering=ordering)
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to={"pk__in": missions_visible_to(user=request.user)},
        )


def _points_to_mission(model, path: str) -> bool:
    try:
        fields = get_fields_from_path(model, path)
    except (FieldDoesNotExist, NotRelationField):
        return False
    return getattr(fields[-1], "related_model", None) is Mission


class MissionScopedAdmin(admin.ModelAdmin):
    """An admin of rows that belong to a mission: each user sees (and acts on) the rows of
    the missions ``missions_visible_to`` gives them, and nothing else.
    """

    #: How this admin's model reaches its mission: "mission", "meeting__mission", or "pk"
    #: for the mission itself.
    mission_lookup = "mission"

    def mission_condition(self, missions: QuerySet[Mission]) -> Q:
        """The rows of ``missions`` (an admin whose rows may belong to no mission at all,
        such as a company's calendar feed, says which of those everyone sees)."""
        return Q(**{f"{self.mission_lookup}__in": missions})

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        if user_sees_all_missions(user=request.user):
            return queryset  # no subquery for those who see everything
        return queryset.filter(self.mission_condition(missions_visible_to(user=request.user)))

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def get_list_filter(self, request):
        return [
            (entry, VisibleMissionFilter)
            if isinstance(entry, str) and _points_to_mission(self.model, entry)
            else entry
            for entry in super().get_list_filter(request)
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return with_limited_choices(form, request=request, admin_site=self.admin_site)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index when a row is not in ``get_queryset``; a row of
        # another team's mission is "not found" the same way, with the status that says so.
        raise Http404(
            gettext("%(name)s with ID “%(key)s” doesn’t exist.")
            % {"name": opts.verbose_name, "key": object_id}
        )


class MissionScopedInline:
    """For an inline of rows that belong to a mission, on a page that is not a mission's (a
    company's applications): the rows of the visible missions only."""

    mission_lookup = "mission"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_sees_all_missions(user=request.user):
            return queryset
        return queryset.filter(
            **{f"{self.mission_lookup}__in": missions_visible_to(user=request.user)}
        )
