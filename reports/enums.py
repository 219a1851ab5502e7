from django.db import models
from django.utils.translation import gettext_lazy as _


class OutcomeSide(models.TextChoices):
    COMPANY = "company", _("The company")
    PARTNER = "partner", _("The partner")
    STAFF = "staff", _("CEPEX staff")


class Attendance(models.TextChoices):
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")


class InterestLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NONE = "none", _("None")


class LeadStage(models.TextChoices):
    CONTACT = "contact", _("Contact")
    NDA = "nda", _("NDA / CDA signed")
    NEGOTIATION = "negotiation", _("Negotiation")
    AGREEMENT = "agreement", _("Agreement signed")
    DROPPED = "dropped", _("Dropped")


# Leads still followed up (reminders, overdue actions).
OPEN_LEAD_STAGES = (LeadStage.CONTACT, LeadStage.NDA, LeadStage.NEGOTIATION)


class AgreementKind(models.TextChoices):
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
    LICENSING = "licensing", _("Licensing")
    DISTRIBUTION = "distribution", _("Distribution")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    INVESTMENT = "investment", _("Investment")
    RD_COLLABORATION = "rd_collaboration", _("R&D collaboration")
    MOU = "mou", _("MoU / LoI")


class ReportKind(models.TextChoices):
    DOSSIER = "dossier", _("Mission dossier")
    FOLLOWUP = "followup", _("Follow-up report")


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Days after the end of a mission when companies are asked to update their open leads.
REMINDER_MILESTONES = (30, 90, 180)
