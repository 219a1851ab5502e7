"""Helpers shared by the admins of the missions app: counts and mission-local times."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from ..models import Mission

KNOWN_TIME_ZONES = frozenset(zoneinfo.available_timezones())

# The decisions staff take on an application, in the order of the buttons.


def mission_time_zone(mission_id) -> str | None:
    """The time zone of a mission given by an id from a URL or a form, if it is one."""
    if not mission_id:
        return None
    try:
        return Mission.objects.filter(pk=mission_id).values_list("time_zone", flat=True).first()
    except (ValueError, TypeError, ValidationError):
        return None  # not an id at all; the admin answers that itself


def count_children(children, fk: str):
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


def local_time(value, mission: Mission) -> str:
    """A moment in the mission's local time, with the zone it is in: "09/07/2017 09:00 (...)"."""
    if value is None:
        return ""
    local = timezone.localtime(value, mission.tzinfo)
    return f"{date_format(local, 'SHORT_DATETIME_FORMAT')} ({mission.time_zone})"


def label_local_times(form_class, field_names) -> None:
    zone = timezone.get_current_timezone_name()
    for name in field_names:
        if name in form_class.base_fields:
            form_class.base_fields[name].help_text = gettext("Local time (%(zone)s).") % {
                "zone": zone
            }


class MissionTimeZoneMixin:
    """Render and read a change form in the time zone of the mission it belongs to."""

    def getmission_time_zone(self, request, object_id) -> str | None:
        """The zone of the mission this form belongs to; None keeps the server's zone.

        Each admin that uses the mixin says where its mission is.
        """
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.getmission_time_zone(request, object_id)
        if zone not in KNOWN_TIME_ZONES:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders lazily, after this block: render it while the
            # mission's zone is active, or the times would show in the server's zone.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response
