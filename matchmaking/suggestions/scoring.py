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
objective         40     the company's objectives against the partner's kind, and
                         against the words of its capabilities and description
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

from .knowledge import (
    CERTIFICATION_PHRASES,
    KIND_FIT,
    KIND_TEXT,
    OBJECTIVE_TEXT,
    OBJECTIVE_WORDS,
    REGIONS,
    SECTOR_CERTIFICATIONS,
)
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


# --- Weights -----------------------------------------------------------------------------------

WISH_POINTS = {1: 15, 2: 10, 3: 5}
# A partner whose own words show it serves an objective (on top of its kind, if that fits).
WORD_POINTS = 8
CAPS = {
    "wish": 15.0,
    "sector": 24.0,
    "objective": 40.0,
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
    """A partner and what its text says, worked out once for all companies.

    Every company asks every partner the same few questions (does it name Senegal, West
    Africa, GMP; which of its words shows distribution): the answers are kept, so that 40
    companies and 100 partners take a fraction of a second, not seconds.
    """

    partner: PartnerProfile
    words: tuple[str, ...]
    # Term -> the word as the partner wrote it first.
    terms: Mapping[str, str]
    _mentions: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _words_for: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, partner: PartnerProfile) -> _PartnerView:
        terms: dict[str, str] = {}
        for term, surface in tokens_with_surface(partner.text):
            terms.setdefault(term, surface)
        return cls(partner=partner, words=tuple(words(partner.text)), terms=terms)

    def mentions(self, phrase: str) -> bool:
        if phrase not in self._mentions:
            self._mentions[phrase] = contains_phrase(self.words, phrase)
        return self._mentions[phrase]

    def word_for(self, objective: str) -> str:
        """A word of the partner's text that shows it can serve ``objective``, or ""."""
        if objective not in self._words_for:
            self._words_for[objective] = _word_for(objective, self.terms)
        return self._words_for[objective]


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

    reasons += _capped("objective", _objective_reasons(company, view))
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


def _objective_reasons(company: CompanyProfile, view: _PartnerView) -> list[Reason]:
    """What the company seeks against what the partner is and what it says it does: one
    reason per objective, from the partner's kind, its words, or both.
    """
    partner = view.partner
    fits = KIND_FIT.get(partner.kind, {})
    reasons = []
    for objective in sorted(company.objectives):
        seeks = f"{OBJECTIVE_TEXT.get(objective, objective)}; "
        kind_points = fits.get(objective, 0)
        word = view.word_for(objective)
        kind = KIND_TEXT.get(partner.kind, partner.kind)
        if kind_points and word:
            reasons.append(
                _reason(
                    "objective_kind_words",
                    kind_points + WORD_POINTS,
                    f"{seeks}this partner is {kind}, and its activities mention “{word}”",
                    objective=objective,
                    kind=partner.kind,
                    word=word,
                )
            )
        elif kind_points:
            reasons.append(
                _reason(
                    "objective_kind",
                    kind_points,
                    f"{seeks}this partner is {kind}",
                    objective=objective,
                    kind=partner.kind,
                )
            )
        elif word:
            reasons.append(
                _reason(
                    "objective_words",
                    WORD_POINTS,
                    f"{seeks}this partner's activities mention “{word}”",
                    objective=objective,
                    word=word,
                )
            )
    return reasons


def _word_for(objective: str, terms: Mapping[str, str]) -> str:
    for word in OBJECTIVE_WORDS.get(objective, ()):  # the most telling words come first
        start = stem(word)
        for term, surface in terms.items():
            if term.startswith(start):
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
