"""Auto-scheduling runs: the engine's work on a mission, its progress and its proposal."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cepex_portal.models import TimeStampedModel
from missions.models import Mission

from ..enums import RunState


class ScheduleRun(TimeStampedModel):
    """One run of the scheduling engine on a mission.

    The worker updates ``state`` and ``progress`` as it goes (pages poll this row, not a
    result backend); a finished run holds the proposed meetings and, for every request left
    out, the reason. Staff apply it (in one transaction) or discard it.
    """

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="schedule_runs"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    best_priority_total = models.IntegerField(
        _("best priority total so far"), null=True, blank=True
    )
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=30)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedule_runs",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True, default="")
    result = models.JSONField(
        _("result"),
        default=dict,
        blank=True,
        help_text=_("Proposed meetings and the reason for every request left out."),
    )

    class Meta:
        verbose_name = _("scheduling run")
        verbose_name_plural = _("scheduling runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="schedulerun_progress_lte_100"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RunState.values), name="schedulerun_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission} @ {self.created_at:%Y-%m-%d %H:%M}"
