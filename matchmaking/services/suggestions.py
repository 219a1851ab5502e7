"""Suggested meetings on a mission, and the meeting requests staff make of them.

The scoring is pure Python (``matchmaking.suggestions``); this module is its adapter: it
reads the delegation (seated applications) and the mission's partners in a fixed number of
queries, whatever their number, hands plain profiles to the scorer, and says each reason in
the reader's language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django_countries import countries

from missions.enums import WishPriority
from missions.models import Application, Mission
from partners.models import Certification, Company, PartnerOrganisation, Sector

from ..enums import RequestSource, RequestState
from ..models import MeetingRequest
from ..suggestions import (
    CompanyProfile,
    MissionProfile,
    PartnerProfile,
    Reason,
    Suggestion,
    best_companies,
    best_partners,
    score_pairs,
)
from .requests import request_create

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# How many suggestions a company (or a partner) gets unless the reader asks for more.
DEFAULT_LIMIT = 5
MAX_LIMIT = 50


# --- What the pages show -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShownReason:
    """A reason in the reader's language, with the points it gives."""

    code: str
    text: str
    points: float


@dataclass(frozen=True)
class PairSuggestion:
    company: Company
    partner: PartnerOrganisation
    score: float
    reasons: tuple[ShownReason, ...]

    @property
    def key(self) -> str:
        """How a page names the pair in a form: "<company id>-<partner id>"."""
        return f"{self.company.pk}-{self.partner.pk}"

    @property
    def motivation(self) -> str:
        return "; ".join(reason.text for reason in self.reasons)


@dataclass(frozen=True)
class CompanySuggestions:
    """The best partners for one company of the delegation, and those already asked."""

    application: Application
    suggestions: tuple[PairSuggestion, ...]
    # (partner, state of the open request), by partner name.
    requested: tuple[tuple[PartnerOrganisation, str], ...]

    @property
    def company(self) -> Company:
        return self.application.company


@dataclass(frozen=True)
class PartnerSuggestions:
    """The companies of the delegation that fit one partner best, and those already asked."""

    partner: PartnerOrganisation
    suggestions: tuple[PairSuggestion, ...]
    requested: tuple[tuple[Company, str], ...]


@dataclass(frozen=True)
class MissionSuggestions:
    mission: Mission
    by_company: tuple[CompanySuggestions, ...]
    by_partner: tuple[PartnerSuggestions, ...]


# --- Reading the mission ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Delegation:
    """The mission as the scorer needs it, read in a fixed number of queries."""

    mission: Mission
    applications: list[Application]
    partners: list[PartnerOrganisation]
    open_requests: dict[tuple[int, int], str]  # (company id, partner id) -> state

    @property
    def sectors(self) -> dict[str, Sector]:
        found = {}
        for owner in [app.company for app in self.applications] + self.partners:
            found.update((sector.slug, sector) for sector in owner.sectors.all())
        return found

    @property
    def certifications(self) -> dict[str, Certification]:
        return {
            certification.code: certification
            for app in self.applications
            for certification in app.company.certifications.all()
        }


def _read(mission: Mission) -> _Delegation:
    applications = list(
        Application.objects.seated()
        .filter(mission=mission)
        .select_related("company")
        .prefetch_related("objectives", "wishes", "company__sectors", "company__certifications")
        .order_by("company__legal_name", "pk")
    )
    partners = list(
        PartnerOrganisation.objects.filter(mission_partners__mission=mission)
        .prefetch_related("sectors")
        .order_by("name", "pk")
    )
    open_requests = {
        (company_id, partner_id): state
        for company_id, partner_id, state in MeetingRequest.objects.open()
        .filter(mission=mission)
        .values_list("company_id", "partner_id", "state")
    }
    return _Delegation(mission, applications, partners, open_requests)


def _country_names(codes: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The names of countries in every language of the portal, to find them in texts."""
    names: dict[str, set[str]] = {code: set() for code in codes if code}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, found in names.items():
                found.add(str(countries.name(code)))
    return {code: tuple(sorted(found - {""})) for code, found in names.items()}


def _profiles(
    data: _Delegation,
) -> tuple[list[CompanyProfile], list[PartnerProfile], MissionProfile]:
    companies = []
    for application in data.applications:
        company = application.company
        wishes = list(application.wishes.all())
        texts = [company.description, application.motivation, *(w.motivation for w in wishes)]
        companies.append(
            CompanyProfile(
                id=company.pk,
                name=company.legal_name,
                sectors=frozenset(sector.slug for sector in company.sectors.all()),
                objectives=frozenset(o.objective for o in application.objectives.all()),
                target_markets=frozenset(str(code) for code in application.target_markets),
                certifications=frozenset(c.code for c in company.certifications.all()),
                text="\n".join(text for text in texts if text),
                wishes={wish.partner_id: wish.priority for wish in wishes},
            )
        )
    partners = [
        PartnerProfile(
            id=partner.pk,
            name=partner.name,
            kind=partner.kind,
            country=str(partner.country),
            sectors=frozenset(sector.slug for sector in partner.sectors.all()),
            text="\n".join(text for text in (partner.description, partner.capabilities) if text),
        )
        for partner in data.partners
    ]
    third_market = str(data.mission.third_market or "")
    markets = {market for profile in companies for market in profile.target_markets}
    mission = MissionProfile(
        third_market=third_market,
        country_names=_country_names(markets | {third_market}),
    )
    return companies, partners, mission


def _score(data: _Delegation) -> list[Suggestion]:
    companies, partners, mission = _profiles(data)
    return score_pairs(companies=companies, partners=partners, mission=mission)


# --- Reasons in the reader's language --------------------------------------------------------


def _seeks(objective: str) -> str:
    return {
        "technology": _("seeks a technology partner"),
        "financial": _("seeks a financial partner"),
        "distribution": _("seeks a distributor"),
        "rd": _("seeks an R&D partner"),
        "licensing": _("seeks a licensing partner"),
        "export": _("seeks export markets"),
    }.get(objective, objective)


def _is_kind(kind: str) -> str:
    return {
        "company": _("this partner is a company"),
        "research_lab": _("this partner is a research laboratory"),
        "university": _("this partner is a university"),
        "research_centre": _("this partner is a research centre"),
        "technology_centre": _("this partner is a technology resource centre"),
        "science_park": _("this partner is a science park"),
        "cluster": _("this partner is a cluster"),
        "public_authority": _("this partner is a public authority"),
        "agency": _("this partner is an agency"),
        "investor": _("this partner is an investor"),
    }.get(kind, kind)


def _region(code: str) -> str:
    return {
        "west_africa": _("West Africa"),
        "central_africa": _("Central Africa"),
        "francophone_africa": _("French-speaking Africa"),
        "maghreb": _("the Maghreb"),
        "western_europe": _("Western Europe"),
        "gulf": _("the Gulf"),
    }.get(code, code)


def _listed(items: Iterable[str]) -> str:
    return pgettext("separator of a list", ", ").join(items)


def _country(code: str) -> str:
    return str(countries.name(code)) or code


def _certificate(code: str, known: Mapping[str, Certification]) -> str:
    # "GMP (Good Manufacturing Practice)" is said "GMP" in a sentence.
    certification = known.get(code)
    return certification.name.split(" (")[0] if certification else code.upper()


def reason_text(
    reason: Reason,
    *,
    sectors: Mapping[str, Sector] | None = None,
    certifications: Mapping[str, Certification] | None = None,
) -> str:
    """A reason of the scorer in the active language."""
    sectors, certifications = sectors or {}, certifications or {}
    code, param = reason.code, reason.param
    if code == "wish":
        return _("the company wished to meet this partner (priority %(priority)s)") % {
            "priority": param("priority")
        }
    if code == "sector":
        names = [sectors[s].display_name if s in sectors else s for s in param("sectors")]
        return _("same sector: %(sectors)s") % {"sectors": _listed(names)}
    if code == "objective_kind":
        return _("%(seeks)s; %(kind)s") % {
            "seeks": _seeks(param("objective")),
            "kind": _is_kind(param("kind")),
        }
    if code == "objective_kind_words":
        return _("%(seeks)s; %(kind)s, and its activities mention “%(word)s”") % {
            "seeks": _seeks(param("objective")),
            "kind": _is_kind(param("kind")),
            "word": param("word"),
        }
    if code == "objective_words":
        return _("%(seeks)s; this partner's activities mention “%(word)s”") % {
            "seeks": _seeks(param("objective")),
            "word": param("word"),
        }
    if code.startswith("market_"):
        markets = param("markets")
        values = {"markets": _listed(_country(m) for m in markets)}
        if code == "market_country":
            return _("targets %(markets)s; this partner works there") % values
        if code == "market_named":
            return (
                ngettext(
                    "targets %(markets)s; this partner's activities name it",
                    "targets %(markets)s; this partner's activities name them",
                    len(markets),
                )
                % values
            )
        values["region"] = _region(param("region"))
        if code == "market_region":
            return _("targets %(markets)s; this partner works in %(region)s") % values
        values["country"] = _country(param("country"))
        return (
            _(
                "targets %(markets)s; this partner is in %(country)s, "
                "in the same region (%(region)s)"
            )
            % values
        )
    if code == "third_market":
        return _("works in %(market)s, the third market of the action") % {
            "market": _country(param("market"))
        }
    if code == "third_market_reach":
        return _("reaches %(market)s, the third market of the action") % {
            "market": _country(param("market"))
        }
    if code.startswith("certification_"):
        held = _listed(_certificate(c, certifications) for c in param("certifications"))
        if code == "certification_named":
            return _("holds %(certifications)s, which this partner's activities mention") % {
                "certifications": held
            }
        sector = param("sector")
        return _("holds %(certifications)s, which a partner in %(sector)s expects") % {
            "certifications": held,
            "sector": sectors[sector].display_name if sector in sectors else sector,
        }
    if code == "text":
        return _("similar activities: %(terms)s") % {"terms": _listed(param("terms"))}
    return reason.text  # a signal newer than this module: English rather than nothing


# --- Services ----------------------------------------------------------------------------------


def _shown(
    suggestion: Suggestion,
    *,
    companies: Mapping[int, Company],
    partners: Mapping[int, PartnerOrganisation],
    sectors: Mapping[str, Sector],
    certifications: Mapping[str, Certification],
) -> PairSuggestion:
    return PairSuggestion(
        company=companies[suggestion.company_id],
        partner=partners[suggestion.partner_id],
        score=suggestion.score,
        reasons=tuple(
            ShownReason(
                code=reason.code,
                text=reason_text(reason, sectors=sectors, certifications=certifications),
                points=reason.points,
            )
            for reason in suggestion.reasons
        ),
    )


def mission_suggestions(*, mission: Mission, limit: int = DEFAULT_LIMIT) -> MissionSuggestions:
    """For each company of the delegation its ``limit`` best partners of the mission, and for
    each partner its ``limit`` best companies, with the reasons in the active language.

    Pairs that already have an open request are not suggested again; each company (partner)
    lists them apart with their state. Reads a fixed number of queries.
    """
    data = _read(mission)
    companies = {app.company_id: app.company for app in data.applications}
    partners = {partner.pk: partner for partner in data.partners}
    fresh = [s for s in _score(data) if (s.company_id, s.partner_id) not in data.open_requests]
    sectors, certifications = data.sectors, data.certifications

    def show(suggestions: Sequence[Suggestion]) -> tuple[PairSuggestion, ...]:
        return tuple(
            _shown(
                s,
                companies=companies,
                partners=partners,
                sectors=sectors,
                certifications=certifications,
            )
            for s in suggestions
        )

    states = dict(RequestState.choices)
    for_company = best_partners(fresh, limit=limit)
    for_partner = best_companies(fresh, limit=limit)
    by_company = tuple(
        CompanySuggestions(
            application=application,
            suggestions=show(for_company.get(application.company_id, [])),
            requested=tuple(
                (partner, states[data.open_requests[(application.company_id, partner.pk)]])
                for partner in data.partners
                if (application.company_id, partner.pk) in data.open_requests
            ),
        )
        for application in data.applications
    )
    by_partner = tuple(
        PartnerSuggestions(
            partner=partner,
            suggestions=show(for_partner.get(partner.pk, [])),
            requested=tuple(
                (app.company, states[data.open_requests[(app.company_id, partner.pk)]])
                for app in data.applications
                if (app.company_id, partner.pk) in data.open_requests
            ),
        )
        for partner in data.partners
    )
    return MissionSuggestions(mission=mission, by_company=by_company, by_partner=by_partner)


@dataclass(frozen=True)
class SuggestionRequests:
    """What came of turning suggestions into requests: those made, and why others were not."""

    created: tuple[MeetingRequest, ...]
    refused: tuple[str, ...]


def requests_from_suggestions(
    *,
    mission: Mission,
    pairs: Iterable[tuple[int, int]],
    priority: int = WishPriority.MEDIUM,
    by: User | None,
) -> SuggestionRequests:
    """A meeting request (source: suggestion) for each (company id, partner id) pair.

    Each pair on its own, through ``request_create``: a pair that already has an open
    request, or whose company or partner is no longer on the mission, is skipped and the
    reason given; the others are made. The request's motivation is the suggestion's reasons,
    in the active language (the staff member's).
    """
    data = _read(mission)
    companies = {app.company_id: app.company for app in data.applications}
    partners = {partner.pk: partner for partner in data.partners}
    scored = {(s.company_id, s.partner_id): s for s in _score(data)}
    sectors, certifications = data.sectors, data.certifications
    created: list[MeetingRequest] = []
    refused: list[str] = []
    for company_id, partner_id in dict.fromkeys(pairs):  # each pair once, in the given order
        company, partner = companies.get(company_id), partners.get(partner_id)
        if company is None or partner is None:
            refused.append(_("a ticked company or partner is no longer on the mission."))
            continue
        suggestion = scored.get((company_id, partner_id))
        motivation = (
            _shown(
                suggestion,
                companies=companies,
                partners=partners,
                sectors=sectors,
                certifications=certifications,
            ).motivation
            if suggestion
            else ""
        )
        try:
            created.append(
                request_create(
                    mission=mission,
                    company=company,
                    partner=partner,
                    priority=priority,
                    motivation=motivation,
                    source=RequestSource.SUGGESTION,
                    by=by,
                )
            )
        except ValidationError as exc:
            refused.extend(exc.messages)
        except IntegrityError:  # a request for the pair committed meanwhile
            refused.append(
                _("%(company)s and %(partner)s already have a request on this mission.")
                % {"company": company, "partner": partner}
            )
    logger.info(
        "%d requests made from suggestions on mission %s, %d refused",
        len(created),
        mission.pk,
        len(refused),
    )
    return SuggestionRequests(created=tuple(created), refused=tuple(refused))
