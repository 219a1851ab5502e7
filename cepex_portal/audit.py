"""The audit trail in the admin: django-simple-history's "History" pages, kept inside the
same walls as the change page.

``AuditedAdmin`` goes first in an admin's bases (before ``MissionScopedAdmin`` or
``ModelAdmin``). Two things of ``SimpleHistoryAdmin`` are changed:

- Both history pages first look the row up through ``get_object`` (so through the admin's
  ``get_queryset``): a chargé de mission gets 404 on another team's row, as on its change
  page. (The library would fall back on the row's last version, whoever asks.)
- An old version is shown, never saved: the version page answers 405 to a POST. A revert
  would write the row past the services' rules (capacity, wishes, double booking);
  ``SIMPLE_HISTORY_REVERT_DISABLED`` only hides its button.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin


class AuditedAdmin(SimpleHistoryAdmin):
    history_list_display: list[str] = []

    def _visible_or_404(self, request, object_id: str):
        """None when the user may see the row; else what the change page would answer (a
        redirect to the admin's index, or 404 for a row of another team's mission)."""
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return None

    def history_view(self, request, object_id, extra_context=None):
        response = self._visible_or_404(request, object_id)
        return response or super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = self._visible_or_404(request, object_id)
        return response or super().history_form_view(request, object_id, version_id, extra_context)
