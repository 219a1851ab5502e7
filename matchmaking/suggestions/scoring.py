"""Scoring a company of the delegation against a partner of the mission, with reasons.

Plain Python (no Django): frozen dataclasses in, scored suggestions out. Values are the
portal's codes as plain strings (sector slugs, ``Objective`` and ``PartnerKind`` values, ISO
country codes, certification codes); a test checks them against the enums.

Each signal gives points and a reason; the score of a pair is the sum of its reasons'
points. Each kind of signal is capped, so that no single one (ten shared sectors, say)
drowns the others:

================  =====  =========================================================
signal            cap    what it looks at
================  =====  =========================================================
wish              15     the company named this partner among its wished partners
sector            24     sectors both work in
objective_kind    30     the company's objectives against the partner's kind
objective_words   16     the company's objectives against the words of the partner's
                         capabilities and description
market            25     the application's target markets (and a triangular action's
                         third market) against where the partner is or works
certification     15     certifications the company holds that the partner's sectors
                         or words call for
text              30     TF-IDF cosine similarity of what both write about themselves
================  =====  =========================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .text import TfIdf, contains_phrase, stem, tokens_with_surface, words

# --- Inputs and outputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyProfile:
    """A company of the delegation, as its application presents it on this mission."""

    id: int
    name: str
    sectors: frozenset[str] = frozenset()
    objectives: frozenset[str] = frozenset()
    target_markets: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    # The company's description, the application's motivation and its wishes' motivations.
    text: str = ""
    # Partner id -> priority (1 = must meet) of the partners it named itself.
    wishes: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PartnerProfile:
    """A partner organisation of the mission."""

    id: int
    name: str
    kind: str
    country: str = ""
    sectors: frozenset[str] = frozenset()
    # Description and capabilities.
    text: str = ""


@dataclass(frozen=True)
class MissionProfile:
    """What of the mission matters to suggestions."""

    third_market: str = ""
    # Names of countries (in any language) to look for in partners' texts: code -> names.
    country_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Display names for the English reason texts: code -> name (sectors, countries, ...).
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    """Why a pair scores: a machine code, its parameters, points, and an English text.

    The portal shows ``text`` translated from ``code`` and ``params``; ``text`` itself is for
    logs, tests and the command line.
    """

    code: str
    points: float
    params: tuple[tuple[str, str | tuple[str, ...]], ...]
    text: str

    def param(self, name: str) -> str | tuple[str, ...]:
        return dict(self.params)[name]


@dataclass(frozen=True)
class Suggestion:
    company_id: int
    partner_id: int
    score: float
    reasons: tuple[Reason, ...]


# --- Domain knowledge --------------------------------------------------------------------------

# How well a kind of partner serves an objective (``Objective`` value -> points).
KIND_FIT: dict[str, dict[str, int]] = {
    "investor": {"financial": 24},
    "research_lab": {"rd": 18, "technology": 12, "licensing": 6},
    "university": {"rd": 18, "technology": 10, "licensing": 8},
    "research_centre": {"rd": 18, "technology": 12, "licensing": 6},
    "technology_centre": {"technology": 18, "rd": 12},
    "company": {"technology": 15, "licensing": 15, "distribution": 15, "export": 10},
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
    "technology": "a technology partnership",
    "financial": "a financial partnership",
    "distribution": "distribution",
    "rd": "an R&D collaboration",
    "licensing": "licensing",
    "export": "export",
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

WISH_POINTS = {1: 15, 2: 10, 3: 5}
CAPS = {
    "wish": 15.0,
    "sector": 24.0,
    "objective_kind": 30.0,
    "objective_words": 16.0,
    "market": 25.0,
    "certification": 15.0,
    "text": 30.0,
}
# Below this cosine two texts share only chance words: no points, no reason.
MIN_SIMILARITY = 0.05
TEXT_WEIGHT = 60.0


# --- Scoring ---------------------------------------------------------------------------------


def score_pairs(
    *,
    companies: Sequence[CompanyProfile],
    partners: Sequence[PartnerProfile],
    mission: MissionProfile | None = None,
) -> list[Suggestion]:
    """Every pair of a company and a partner that scores above zero, best first."""
    mission = mission or MissionProfile()
    corpus = TfIdf.fit(
        {
            **{("company", company.id): company.text for company in companies},
            **{("partner", partner.id): partner.text for partner in partners},
        }
    )
    partner_views = [_PartnerView.of(partner) for partner in partners]
    suggestions = []
    for company in companies:
        for view in partner_views:
            reasons = _reasons(company, view, mission, corpus)
            if reasons:
                score = round(sum(reason.points for reason in reasons), 1)
                suggestions.append(
                    Suggestion(
                        company_id=company.id,
                        partner_id=view.partner.id,
                        score=score,
                        reasons=tuple(sorted(reasons, key=lambda r: -r.points)),
                    )
                )
    names = {("c", c.id): c.name for c in companies} | {("p", p.id): p.name for p in partners}
    suggestions.sort(
        key=lambda s: (
            -s.score,
            names[("c", s.company_id)].casefold(),
            names[("p", s.partner_id)].casefold(),
        )
    )
    return suggestions


def best_partners(suggestions: Sequence[Suggestion], *, limit: int) -> dict[int, list[Suggestion]]:
    """Company id -> its ``limit`` best suggestions (``suggestions`` come best first)."""
    return _best(suggestions, key=lambda s: s.company_id, limit=limit)


def best_companies(suggestions: Sequence[Suggestion], *, limit: int) -> dict[int, list[Suggestion]]:
    """Partner id -> its ``limit`` best suggestions (``suggestions`` come best first)."""
    return _best(suggestions, key=lambda s: s.partner_id, limit=limit)


def _best(suggestions, *, key, limit: int) -> dict[int, list[Suggestion]]:
    grouped: dict[int, list[Suggestion]] = {}
    for suggestion in suggestions:
        group = grouped.setdefault(key(suggestion), [])
        if len(group) < limit:
            group.append(suggestion)
    return grouped


@dataclass(frozen=True)
class _PartnerView:
    """A partner and what its text says, computed once for all companies."""

    partner: PartnerProfile
    words: tuple[str, ...]
    # Term -> the word as the partner wrote it first.
    terms: Mapping[str, str]

    @classmethod
    def of(cls, partner: PartnerProfile) -> _PartnerView:
        terms: dict[str, str] = {}
        for term, surface in tokens_with_surface(partner.text):
            terms.setdefault(term, surface)
        return cls(partner=partner, words=tuple(words(partner.text)), terms=terms)

    def mentions(self, phrase: str) -> bool:
        return contains_phrase(self.words, phrase)


def _reason(code: str, points: float, text: str, **params) -> Reason:
    return Reason(code=code, points=round(points, 1), params=tuple(params.items()), text=text)


def _capped(code: str, reasons: list[Reason]) -> list[Reason]:
    """Keep the best reasons of one signal until its cap; the last may give fewer points."""
    kept, room = [], CAPS[code]
    for reason in sorted(reasons, key=lambda r: -r.points):
        if room <= 0:
            break
        points = min(reason.points, room)
        kept.append(Reason(code=reason.code, points=points, params=reason.params, text=reason.text))
        room -= points
    return kept


def _reasons(
    company: CompanyProfile, view: _PartnerView, mission: MissionProfile, corpus: TfIdf
) -> list[Reason]:
    partner = view.partner
    label = mission.labels.get
    reasons: list[Reason] = []

    priority = company.wishes.get(partner.id)
    if priority in WISH_POINTS:
        reasons.append(
            _reason(
                "wish",
                WISH_POINTS[priority],
                f"wished to meet this partner (priority {priority})",
                priority=str(priority),
            )
        )

    shared = tuple(sorted(company.sectors & partner.sectors))
    if shared:
        reasons += _capped(
            "sector",
            [
                _reason(
                    "sector",
                    12 + 6 * (len(shared) - 1),
                    "same sector: " + ", ".join(label(s, s) for s in shared),
                    sectors=shared,
                )
            ],
        )

    fits = KIND_FIT.get(partner.kind, {})
    reasons += _capped(
        "objective_kind",
        [
            _reason(
                "objective_kind",
                fits[objective],
                f"seeks {OBJECTIVE_TEXT.get(objective, objective)}; this partner is "
                f"{KIND_TEXT.get(partner.kind, partner.kind)}",
                objective=objective,
                kind=partner.kind,
            )
            for objective in sorted(company.objectives)
            if objective in fits
        ],
    )

    word_reasons = []
    for objective in sorted(company.objectives):
        found = _word_for(objective, view)
        if found:
            word_reasons.append(
                _reason(
                    "objective_words",
                    8,
                    f"seeks {OBJECTIVE_TEXT.get(objective, objective)}; this partner's activities "
                    f"mention “{found}”",
                    objective=objective,
                    word=found,
                )
            )
    reasons += _capped("objective_words", word_reasons)

    reasons += _capped("market", _market_reasons(company, view, mission))
    reasons += _capped("certification", _certification_reasons(company, view, mission))

    key_c, key_p = ("company", company.id), ("partner", partner.id)
    similarity = corpus.similarity(key_c, key_p)
    if similarity >= MIN_SIMILARITY:
        terms = tuple(corpus.shared_terms(key_c, key_p, limit=3))
        reasons += _capped(
            "text",
            [
                _reason(
                    "text",
                    TEXT_WEIGHT * similarity,
                    "similar activities: " + ", ".join(terms),
                    terms=terms,
                    similarity=f"{similarity:.2f}",
                )
            ],
        )
    return reasons


def _word_for(objective: str, view: _PartnerView) -> str:
    """The first word of the partner's text that shows it can serve ``objective``, or ""."""
    stems = [stem(word) for word in OBJECTIVE_WORDS.get(objective, ())]
    for term, surface in view.terms.items():
        if any(term.startswith(s) for s in stems):
            return surface
    return ""


def _market_reasons(
    company: CompanyProfile, view: _PartnerView, mission: MissionProfile
) -> list[Reason]:
    """Where the company wants to sell against where the partner is or works.

    Markets the partner reaches the same way are said in one reason ("targets Senegal, Côte
    d'Ivoire; this partner works in West Africa"), each extra market adding a few points.
    """
    partner, label = view.partner, mission.labels.get
    named: list[str] = []
    by_region: dict[tuple[str, str], list[str]] = {}  # (code, region) -> markets
    for market in sorted(company.target_markets):
        if market == partner.country:
            by_region.setdefault(("market_country", ""), []).append(market)
        elif any(view.mentions(name) for name in mission.country_names.get(market, ())):
            named.append(market)
        elif region := _region_named(view, market):
            by_region.setdefault(("market_region", region), []).append(market)
        elif region := _shared_region(market, partner.country):
            by_region.setdefault(("market_nearby", region), []).append(market)
    if named:
        by_region[("market_named", "")] = named

    reasons = []
    base = {"market_country": 15, "market_named": 12, "market_region": 10, "market_nearby": 6}
    for (code, region), markets in by_region.items():
        names = ", ".join(label(market, market) for market in markets)
        region_name = REGIONS[region][0] if region else ""
        text = {
            "market_country": f"targets {names}; this partner works there",
            "market_named": f"targets {names}; this partner names it",
            "market_region": f"targets {names}; this partner works in {region_name}",
            "market_nearby": f"targets {names}; this partner is in "
            f"{label(partner.country, partner.country)}, in the same region ({region_name})",
        }[code]
        params: dict = {"markets": tuple(markets)}
        if region:
            params["region"] = region
        if code == "market_nearby":
            params["country"] = partner.country
        reasons.append(_reason(code, base[code] + 3 * (len(markets) - 1), text, **params))

    third = mission.third_market
    if third and third not in company.target_markets:
        name = label(third, third)
        if partner.country == third:
            reasons.append(
                _reason(
                    "third_market",
                    12,
                    f"works in {name}, the third market of the action",
                    market=third,
                )
            )
        elif _region_named(view, third) or any(
            view.mentions(n) for n in mission.country_names.get(third, ())
        ):
            reasons.append(
                _reason(
                    "third_market_reach",
                    10,
                    f"reaches {name}, the third market of the action",
                    market=third,
                )
            )
    return reasons


def _region_named(view: _PartnerView, country: str) -> str:
    for code, (_name, countries, phrases) in REGIONS.items():
        if country in countries and any(view.mentions(phrase) for phrase in phrases):
            return code
    return ""


def _shared_region(first: str, second: str) -> str:
    for code, (_name, countries, _phrases) in REGIONS.items():
        if first in countries and second in countries:
            return code
    return ""


def _certification_reasons(
    company: CompanyProfile, view: _PartnerView, mission: MissionProfile
) -> list[Reason]:
    label = mission.labels.get
    named = tuple(
        code
        for code in sorted(company.certifications)
        if any(view.mentions(phrase) for phrase in CERTIFICATION_PHRASES.get(code, ()))
    )
    reasons = []
    if named:
        reasons.append(
            _reason(
                "certification_named",
                10 + 3 * (len(named) - 1),
                "holds "
                + ", ".join(label(c, c) for c in named)
                + ", which this partner's activities mention",
                certifications=named,
            )
        )
    # One sector says it, the one that expects most of what the company holds: more would
    # count the same certificate twice.
    best_sector, expected = "", ()
    for sector in SECTOR_CERTIFICATIONS:  # in the table's order: pharma says it before biotech
        if sector not in view.partner.sectors:
            continue
        held = tuple(
            code
            for code in SECTOR_CERTIFICATIONS.get(sector, ())
            if code in company.certifications and code not in named
        )
        if len(held) > len(expected):
            best_sector, expected = sector, held
    if expected:
        reasons.append(
            _reason(
                "certification_sector",
                6 + 2 * (len(expected) - 1),
                "holds "
                + ", ".join(label(c, c) for c in expected)
                + f", which a partner in {label(best_sector, best_sector)} expects",
                certifications=expected,
                sector=best_sector,
            )
        )
    return reasons
