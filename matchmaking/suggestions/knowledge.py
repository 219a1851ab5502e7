"""What the scorer knows of the trade: which kinds of partner serve which objectives, the
words that show it, the certifications each sector expects, and the world regions a
delegation targets. Plain data, in the portal's codes (a test checks them against the enums).
"""

# How well a kind of partner serves an objective (``Objective`` value -> points).
KIND_FIT: dict[str, dict[str, int]] = {
    "investor": {"financial": 24},
    "research_lab": {"rd": 18, "technology": 12, "licensing": 6},
    "university": {"rd": 18, "technology": 10, "licensing": 8},
    "research_centre": {"rd": 18, "technology": 12, "licensing": 6},
    "technology_centre": {"technology": 18, "rd": 12},
    # "A company" says little of what it does: its words tell (``OBJECTIVE_WORDS``).
    "company": {"technology": 10, "licensing": 10, "distribution": 10, "export": 8},
    "science_park": {"rd": 10, "technology": 10, "export": 6},
    "cluster": {"export": 10, "technology": 8, "rd": 8},
    "agency": {"export": 15, "distribution": 5},
    "public_authority": {"export": 8},
}

# Words (folded stems, matched as the start of a partner's terms) that show a partner can
# serve an objective, in French, English and Arabic.
OBJECTIVE_WORDS: dict[str, tuple[str, ...]] = {
    "technology": (
        "technolog", "transfert", "transfer", "plateform", "platform", "procede", "process",
        "ingenier", "engineer", "productio", "تكنولوج", "تقني", "نقل",
    ),
    "financial": (
        "capital", "invest", "financ", "fund", "تمويل", "استثمار", "مستثمر",
    ),
    "distribution": (
        "distribu", "grossiste", "wholesal", "repartit", "logisti", "توزيع", "موزع",
    ),
    "rd": (
        "recherch", "research", "laborato", "essai", "trial", "innov", "بحث", "ابحاث", "مختبر",
    ),
    "licensing": ("licen", "brevet", "patent", "ترخيص", "براء"),
    "export": (
        "export", "internation", "enregistr", "registration", "تصدير", "اسواق",
    ),
}  # fmt: skip

# Certifications a partner of a sector expects its counterparts to hold.
SECTOR_CERTIFICATIONS: dict[str, tuple[str, ...]] = {
    "pharma": ("gmp", "eu-gmp", "who-pq", "fda"),
    "biosimilars": ("gmp", "eu-gmp", "who-pq", "fda"),
    "vaccines": ("gmp", "eu-gmp", "who-pq"),
    "biotech": ("gmp", "eu-gmp"),
    "medical-devices": ("iso-13485", "fda"),
    "diagnostics": ("iso-13485", "iso-17025"),
    "cosmetics": ("iso-22716",),
    "health-wellbeing": ("iso-22716",),
}

# Phrases of a partner's text that name a certification (folded words).
CERTIFICATION_PHRASES: dict[str, tuple[str, ...]] = {
    "gmp": ("gmp", "bpf", "good manufacturing practice", "bonnes pratiques de fabrication",
            "ممارسات التصنيع الجيدة"),
    # EU GMP answers whoever asks for GMP.
    "eu-gmp": ("eu gmp", "bpf europeennes", "gmp", "bpf", "good manufacturing practice",
               "bonnes pratiques de fabrication", "ممارسات التصنيع الجيدة"),
    "iso-13485": ("13485",),
    "iso-22716": ("22716",),
    "iso-17025": ("17025",),
    "who-pq": ("who prequalification", "prequalification oms", "prequalification"),
    "fda": ("fda",),
}  # fmt: skip


def _countries(codes: str) -> frozenset[str]:
    return frozenset(codes.split())


# World regions the delegation targets: English name, countries, and phrases naming them.
REGIONS: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {
    "west_africa": (
        "West Africa",
        _countries("BF BJ CI CV GH GM GN GW LR ML MR NE NG SL SN TG"),
        ("afrique de l ouest", "afrique occidentale", "west africa", "western africa",
         "غرب افريقيا", "غرب إفريقيا"),
    ),
    "central_africa": (
        "Central Africa",
        _countries("CD CF CG CM GA GQ TD"),
        ("afrique centrale", "central africa", "وسط افريقيا"),
    ),
    "francophone_africa": (
        "French-speaking Africa",
        _countries("BF BI BJ CD CF CG CI CM DJ GA GN KM MG ML NE RW SN TD TG"),
        ("afrique francophone", "francophone africa", "افريقيا الفرنكوفونية"),
    ),
    "maghreb": (
        "the Maghreb",
        _countries("DZ LY MA MR TN"),
        ("maghreb", "afrique du nord", "north africa", "المغرب العربي", "شمال افريقيا"),
    ),
    "western_europe": (
        "Western Europe",
        _countries("AT BE CH DE FR GB IE LU MC NL"),
        ("europe de l ouest", "europe occidentale", "western europe", "غرب اوروبا"),
    ),
    "gulf": (
        "the Gulf",
        _countries("AE BH KW OM QA SA"),
        ("golfe", "gulf", "الخليج"),
    ),
}  # fmt: skip

# The English of the reasons' texts (the portal translates from the codes).
OBJECTIVE_TEXT = {
    "technology": "seeks a technology partner",
    "financial": "seeks a financial partner",
    "distribution": "seeks a distributor",
    "rd": "seeks an R&D partner",
    "licensing": "seeks a licensing partner",
    "export": "seeks export markets",
}
KIND_TEXT = {
    "company": "a company",
    "research_lab": "a research laboratory",
    "university": "a university",
    "research_centre": "a research centre",
    "technology_centre": "a technology resource centre",
    "science_park": "a science park",
    "cluster": "a cluster",
    "public_authority": "a public authority",
    "agency": "an agency",
    "investor": "an investor",
}
