"""The ground floor: companies, partner organisations, their people, and places.

Venues live here because a partner hosts meetings at its own site; missions use them for
their programme and meetings, and import them from here.
"""

from .companies import COMPANY_PROFILE_FIELDS, Company, CompanyQuerySet, CompanyRevision
from .contacts import Contact, RepresentativeClaim
from .organisations import KeyFigure, PartnerOrganisation, PartnerOrganisationQuerySet
from .places import TravelTime, TravelTimeQuerySet, Venue
from .reference import Certification, Sector, TranslatedNameMixin

__all__ = [
    "COMPANY_PROFILE_FIELDS",
    "Certification",
    "Company",
    "CompanyQuerySet",
    "CompanyRevision",
    "Contact",
    "KeyFigure",
    "PartnerOrganisation",
    "PartnerOrganisationQuerySet",
    "RepresentativeClaim",
    "Sector",
    "TranslatedNameMixin",
    "TravelTime",
    "TravelTimeQuerySet",
    "Venue",
]
