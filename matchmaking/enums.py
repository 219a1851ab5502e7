from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestSource(models.TextChoices):
    WISH = "wish", _("The company's wish")
    STAFF = "staff", _("Staff")
    SUGGESTION = "suggestion", _("A suggestion")


class RequestState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent to the partner")
    ACCEPTED = "accepted", _("Accepted by the partner")
    DECLINED = "declined", _("Declined by the partner")
    CANCELLED = "cancelled", _("Cancelled")


# Requests still alive: one per company, partner and mission at a time.
OPEN_REQUEST_STATES = (RequestState.PROPOSED, RequestState.SENT, RequestState.ACCEPTED)


class MeetingState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# Meetings that take their participants' time and a table (the no-overlap constraints).
LIVE_MEETING_STATES = (MeetingState.PROPOSED, MeetingState.CONFIRMED, MeetingState.HELD)

# Meetings that have taken place (an outcome says so). Nothing moves, revives or cancels them,
# neither staff by hand nor a scheduling run; a held one still takes its time and table.
PAST_MEETING_STATES = (MeetingState.HELD, MeetingState.NO_SHOW)


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done: ready to preview")
    FAILED = "failed", _("Failed")
    APPLIED = "applied", pgettext_lazy("scheduling run", "Applied")
    DISCARDED = "discarded", _("Discarded")


# The engine maximises a total of weights: a "must meet" counts for much more than an "if
# time allows", so that no number of low-priority meetings outweighs one must-meet.
PRIORITY_WEIGHTS = {1: 9, 2: 3, 3: 1}


class MeetingChange(models.TextChoices):
    """What happened to a meeting that both sides are told about (with an .ics)."""

    CONFIRMED = "confirmed", _("Confirmed")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")
