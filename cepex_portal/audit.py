"""The audit trail: who made a change without an account, and django-simple-history's
"History" pages in the admin, kept inside the same walls as the change page.

The history middleware records ``request.user`` as the author of a change. A change made
without an account (a partner's signed link, a lead reminder's link, the public form's
verification) names where it came from in ``history_change_reason``: the view wraps its work
in ``audit_actor("partner link: BioWin")``.

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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.admin.utils import unquote
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.signals import pre_create_historical_record

_actor: ContextVar[str] = ContextVar("audit_actor", default="")


@contextmanager
def audit_actor(reason: str) -> Iterator[None]:
    """Name ``reason`` as the author of every version written inside the block that has no
    reason of its own (the change reason column of the history page)."""
    token = _actor.set(reason[:200])
    try:
        yield
    finally:
        _actor.reset(token)


@receiver(pre_create_historical_record)
def _record_actor(sender, history_instance, **kwargs) -> None:
    actor = _actor.get()
    if actor and not history_instance.history_change_reason:
        history_instance.history_change_reason = actor


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
