from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro (fewer than 10 employees)")
    SMALL = "small", _("Small (10 to 49 employees)")
    MEDIUM = "medium", _("Medium (50 to 249 employees)")
    LARGE = "large", _("Large (250 employees or more)")


class PartnerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    RESEARCH_LAB = "research_lab", _("Research laboratory")
    UNIVERSITY = "university", _("University")
    RESEARCH_CENTRE = "research_centre", _("Research centre")
    TECHNOLOGY_CENTRE = "technology_centre", _("Technology resource centre")
    SCIENCE_PARK = "science_park", _("Science park")
    CLUSTER = "cluster", _("Cluster")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    AGENCY = "agency", _("Agency")
    INVESTOR = "investor", _("Investor")


class KeyFigureKind(models.TextChoices):
    COMPANIES = "companies", _("Companies")
    RESEARCH_UNITS = "research_units", _("Research units")
    UNIVERSITIES = "universities", _("Universities")
    RESEARCH_CENTRES = "research_centres", _("Research centres")
    TECH_TRANSFER_UNITS = "tech_transfer_units", _("Technology-transfer units")
    TRAINING_CENTRES = "training_centres", _("Training centres")
    RESEARCH_INSTITUTES = "research_institutes", _("Research institutes")
    EMPLOYEES = "employees", _("Employees")
    RESEARCHERS = "researchers", _("Researchers")


class Governorate(models.TextChoices):
    """The 24 governorates of Tunisia."""

    ARIANA = "ariana", "Ariana"
    BEJA = "beja", "Béja"
    BEN_AROUS = "ben_arous", "Ben Arous"
    BIZERTE = "bizerte", "Bizerte"
    GABES = "gabes", "Gabès"
    GAFSA = "gafsa", "Gafsa"
    JENDOUBA = "jendouba", "Jendouba"
    KAIROUAN = "kairouan", "Kairouan"
    KASSERINE = "kasserine", "Kasserine"
    KEBILI = "kebili", "Kébili"
    KEF = "kef", "Le Kef"
    MAHDIA = "mahdia", "Mahdia"
    MANOUBA = "manouba", "La Manouba"
    MEDENINE = "medenine", "Médenine"
    MONASTIR = "monastir", "Monastir"
    NABEUL = "nabeul", "Nabeul"
    SFAX = "sfax", "Sfax"
    SIDI_BOUZID = "sidi_bouzid", "Sidi Bouzid"
    SILIANA = "siliana", "Siliana"
    SOUSSE = "sousse", "Sousse"
    TATAOUINE = "tataouine", "Tataouine"
    TOZEUR = "tozeur", "Tozeur"
    TUNIS = "tunis", "Tunis"
    ZAGHOUAN = "zaghouan", "Zaghouan"


class ClaimStatus(models.TextChoices):
    """Where a request to represent a company the portal already knows stands."""

    UNVERIFIED = "unverified", _("Address not verified yet")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
