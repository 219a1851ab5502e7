from django.db import models
from django.utils.translation import gettext_lazy as _


class MissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Applications closed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class MissionKind(models.TextChoices):
    OUTBOUND = "outbound", _("Partnership mission abroad")
    REVERSE = "reverse", _("Reverse mission (partners come to Tunisia)")
    TRIANGULAR = "triangular", _("Triangular action towards a third market")


class ProgrammeItemKind(models.TextChoices):
    INSTITUTIONAL_MEETING = "institutional", _("Institutional meeting")
    SITE_VISIT = "site_visit", _("Site visit")
    RECEPTION = "reception", _("Reception")
    BRIEFING = "briefing", _("Briefing")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Wait-listed")
    REJECTED = "rejected", _("Rejected")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Applications that hold a place in the delegation.
SEATED_STATUSES = (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED)


class Objective(models.TextChoices):
    TECHNOLOGY_PARTNERSHIP = "technology", _("Technology partnership")
    FINANCIAL_PARTNERSHIP = "financial", _("Financial partnership")
    DISTRIBUTION = "distribution", _("Distribution")
    RD_COLLABORATION = "rd", _("R&D collaboration")
    LICENSING = "licensing", _("Licensing")
    EXPORT = "export", _("Export")


class WishPriority(models.IntegerChoices):
    HIGH = 1, _("1 - must meet")
    MEDIUM = 2, _("2 - would like to meet")
    LOW = 3, _("3 - if time allows")
