"""Suggested meetings: which partners of a mission fit each company of its delegation, and
why. Pure Python (no Django): ``scoring`` ranks plain profiles, ``text`` measures how alike
two texts are (TF-IDF over French, English and Arabic). ``matchmaking.services.suggestions``
reads the profiles from the database and shows the reasons in the reader's language.
"""

from .scoring import (
    CompanyProfile,
    MissionProfile,
    PartnerProfile,
    Reason,
    Suggestion,
    best_companies,
    best_partners,
    score_pairs,
)
from .text import TfIdf, tokenize

__all__ = [
    "CompanyProfile",
    "MissionProfile",
    "PartnerProfile",
    "Reason",
    "Suggestion",
    "TfIdf",
    "best_companies",
    "best_partners",
    "score_pairs",
    "tokenize",
]
