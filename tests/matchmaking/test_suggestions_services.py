"""Suggestions read from the database, said in the reader's language, and made requests."""

import pytest
from django.utils import translation

from matchmaking.enums import RequestSource, RequestState
from matchmaking.models import MeetingRequest
from matchmaking.services.suggestions import (
    mission_suggestions,
    reason_text,
    requests_from_suggestions,
)
from matchmaking.suggestions import Reason
from missions.enums import ApplicationStatus, MissionKind, Objective
from partners.enums import PartnerKind
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MeetingRequestFactory,
    MissionFactory,
    PartnerOrganisationFactory,
    WishedPartnerFactory,
)
from tests.matchmaking.suggestion_data import partner_of, profile, seat, seed
from tests.queries import queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return MissionFactory(title="Wallonie 2017")


@pytest.fixture
def seeded(mission, company_a, company_b):
    return seed(mission, company_a, company_b)


def _names(suggestions) -> list[str]:
    return [s.partner.name for s in suggestions]


# --- Ranking -------------------------------------------------------------------------------------


def test_mission_suggestions_seeded_mission_ranks_partners_by_fit(mission, seeded, company_a):
    result = mission_suggestions(mission=mission)

    alpha, beta = result.by_company
    assert alpha.company == company_a
    assert _names(alpha.suggestions) == [
        "Meuse Vaccine",
        "Meuse Santé Capital",
        "Ndar Cosmétiques",
    ]
    assert [reason.text for reason in alpha.suggestions[0].reasons] == [
        "similar activities: technologie, transfert, vaccins",
        "seeks a technology partner; this partner is a company, and its activities mention "
        "“technologie”",
        "same sector: Vaccines",
        "holds GMP, which a partner in Vaccines expects",
    ]
    assert [reason.text for reason in alpha.suggestions[1].reasons] == [
        "seeks a financial partner; this partner is an investor, and its activities mention "
        "“capital”",
        "same sector: Pharmaceutical industry, Vaccines",
        "holds GMP, which a partner in Pharmaceutical industry expects",
    ]
    # "A company" is a weak hint of a technology partner, but a hint.
    assert [reason.text for reason in alpha.suggestions[2].reasons] == [
        "seeks a technology partner; this partner is a company",
    ]
    assert _names(beta.suggestions) == ["Ndar Cosmétiques", "Meuse Vaccine"]
    assert [reason.text for reason in beta.suggestions[0].reasons] == [
        "seeks a distributor; this partner is a company, and its activities mention “distribution”",
        "targets Senegal; this partner works there",
        "same sector: Cosmetics",
    ]


def test_mission_suggestions_by_partner_ranks_companies(mission, seeded, company_a, company_b):
    result = mission_suggestions(mission=mission)

    rows = {row.partner.name: [s.company for s in row.suggestions] for row in result.by_partner}
    assert rows == {
        "Meuse Santé Capital": [company_a],
        "Meuse Vaccine": [company_a, company_b],
        "Ndar Cosmétiques": [company_b, company_a],
        "Ville de Charleroi": [],
    }


def test_mission_suggestions_only_companies_seated_in_the_delegation(mission, seeded):
    seat(mission, objectives=[Objective.FINANCIAL_PARTNERSHIP], status=ApplicationStatus.APPLIED)
    seat(mission, objectives=[Objective.FINANCIAL_PARTNERSHIP], status=ApplicationStatus.REJECTED)
    confirmed = seat(
        mission, objectives=[Objective.FINANCIAL_PARTNERSHIP], status=ApplicationStatus.CONFIRMED
    )

    result = mission_suggestions(mission=mission)

    assert [row.company.legal_name for row in result.by_company] == [
        "Alpha Pharma SA",
        "Beta Biotech SARL",
        confirmed.company.legal_name,
    ]


def test_mission_suggestions_limit_keeps_the_best(mission, seeded):
    result = mission_suggestions(mission=mission, limit=1)

    assert [_names(row.suggestions) for row in result.by_company] == [
        ["Meuse Vaccine"],
        ["Ndar Cosmétiques"],
    ]
    assert [[s.company.legal_name for s in row.suggestions] for row in result.by_partner] == [
        ["Alpha Pharma SA"],
        ["Alpha Pharma SA"],
        ["Beta Biotech SARL"],
        [],
    ]


def test_mission_suggestions_pair_with_open_request_is_listed_apart(mission, seeded, company_a):
    MeetingRequestFactory(
        mission=mission, company=company_a, partner=seeded["vaccine"], state=RequestState.SENT
    )
    MeetingRequestFactory(
        mission=mission,
        company=company_a,
        partner=seeded["capital"],
        state=RequestState.DECLINED,
    )

    alpha = mission_suggestions(mission=mission).by_company[0]

    assert _names(alpha.suggestions) == ["Meuse Santé Capital", "Ndar Cosmétiques"]
    assert alpha.requested == ((seeded["vaccine"], "Sent to the partner"),)


def test_mission_suggestions_wish_and_motivation_count(mission, seeded, company_b):
    application = company_b.applications.get()
    application.motivation = "Nous cherchons des plateformes de production."
    application.save()
    WishedPartnerFactory(application=application, partner=seeded["capital"], priority=1)

    beta = mission_suggestions(mission=mission).by_company[1]

    capital = next(s for s in beta.suggestions if s.partner == seeded["capital"])
    assert [reason.code for reason in capital.reasons] == ["wish"]
    vaccine = next(s for s in beta.suggestions if s.partner == seeded["vaccine"])
    assert "text" in [reason.code for reason in vaccine.reasons]


def test_mission_suggestions_third_market_of_a_triangular_action(company_a):
    action = MissionFactory(kind=MissionKind.TRIANGULAR, third_market="SN")
    seat(action, company_a, markets=["FR"])
    partner_of(action, name="ASEPEX", kind=PartnerKind.AGENCY, country="SN")

    (row,) = mission_suggestions(mission=action).by_company

    assert [(s.partner.name, [r.text for r in s.reasons]) for s in row.suggestions] == [
        ("ASEPEX", ["works in Senegal, the third market of the action"])
    ]


def test_mission_suggestions_reasons_in_the_readers_language(mission, seeded):
    with translation.override("fr"):
        beta = mission_suggestions(mission=mission).by_company[1]

    reasons = [reason.text for reason in beta.suggestions[0].reasons]
    # Sector and country names come in French from the database and the country list; the
    # sentences themselves are translated once the catalogue has them.
    assert "Cosmétiques" in reasons[2]
    assert "Sénégal" in reasons[1]


def test_mission_suggestions_partner_text_in_arabic_meets_company_text_in_arabic(mission):
    company = profile(CompanyFactory(), description="نحن ننتج اللقاحات والأدوية الحيوية")
    seat(mission, company)
    partner_of(mission, name="مختبر اللقاح", description="مختبر لإنتاج لقاح")
    partner_of(mission, name="Cosmétiques", description="Distribution de cosmétiques.")

    (row,) = mission_suggestions(mission=mission).by_company

    assert [(s.partner.name, [r.code for r in s.reasons]) for s in row.suggestions] == [
        ("مختبر اللقاح", ["text"])
    ]


def test_mission_suggestions_query_count_constant_as_the_mission_grows(mission, seeded):
    few = queries_of(lambda: mission_suggestions(mission=mission))
    for _ in range(4):
        application = seat(mission, objectives=[Objective.EXPORT], markets=["SN", "CI"])
        profile(application.company, sectors=["pharma"], certifications=["gmp", "iso-9001"])
        WishedPartnerFactory(application=application, partner=seeded["ndar"])
        partner_of(mission, sectors=["pharma", "biotech"], description="Recherche.")
    MeetingRequestFactory(mission=mission, company=application.company, partner=seeded["city"])

    many = queries_of(lambda: mission_suggestions(mission=mission))

    assert few == many == 8


def test_reason_text_every_code_is_said_without_falling_back_to_english():
    codes = {
        "wish": {"priority": "1"},
        "sector": {"sectors": ("pharma",)},
        "objective_kind": {"objective": "rd", "kind": "university"},
        "objective_words": {"objective": "rd", "word": "recherche"},
        "objective_kind_words": {"objective": "rd", "kind": "university", "word": "recherche"},
        "market_country": {"markets": ("SN",)},
        "market_named": {"markets": ("SN", "CI")},
        "market_region": {"markets": ("SN",), "region": "west_africa"},
        "market_nearby": {"markets": ("CI",), "region": "west_africa", "country": "SN"},
        "third_market": {"market": "SN"},
        "third_market_reach": {"market": "SN"},
        "certification_named": {"certifications": ("gmp",)},
        "certification_sector": {"certifications": ("gmp",), "sector": "pharma"},
        "text": {"terms": ("vaccins", "biosimilaires")},
    }

    said = {
        code: reason_text(Reason(code=code, points=1, params=tuple(params.items()), text="?"))
        for code, params in codes.items()
    }

    assert said == {
        "wish": "the company wished to meet this partner (priority 1)",
        "sector": "same sector: pharma",
        "objective_kind": "seeks an R&D partner; this partner is a university",
        "objective_words": "seeks an R&D partner; this partner's activities mention “recherche”",
        "objective_kind_words": (
            "seeks an R&D partner; this partner is a university, and its activities mention "
            "“recherche”"
        ),
        "market_country": "targets Senegal; this partner works there",
        "market_named": "targets Senegal, Côte d'Ivoire; this partner's activities name them",
        "market_region": "targets Senegal; this partner works in West Africa",
        "market_nearby": (
            "targets Côte d'Ivoire; this partner is in Senegal, in the same region (West Africa)"
        ),
        "third_market": "works in Senegal, the third market of the action",
        "third_market_reach": "reaches Senegal, the third market of the action",
        "certification_named": "holds GMP, which this partner's activities mention",
        "certification_sector": "holds GMP, which a partner in pharma expects",
        "text": "similar activities: vaccins, biosimilaires",
    }


# --- Requests made of suggestions ----------------------------------------------------------------


def test_requests_from_suggestions_makes_requests_from_the_suggestions(
    mission, seeded, company_a, company_b, staff
):
    pairs = [(company_a.pk, seeded["capital"].pk), (company_b.pk, seeded["ndar"].pk)]

    outcome = requests_from_suggestions(mission=mission, pairs=pairs, priority=1, by=staff)

    assert outcome.refused == ()
    made = list(
        MeetingRequest.objects.order_by("company__legal_name").values_list(
            "company", "partner", "source", "priority", "state", "created_by"
        )
    )
    assert made == [
        (company_a.pk, seeded["capital"].pk, RequestSource.SUGGESTION, 1, "proposed", staff.pk),
        (company_b.pk, seeded["ndar"].pk, RequestSource.SUGGESTION, 1, "proposed", staff.pk),
    ]
    assert [request.motivation for request in outcome.created] == [
        "seeks a financial partner; this partner is an investor, and its activities mention "
        "“capital”; same sector: Pharmaceutical industry, Vaccines; holds GMP, which a partner "
        "in Pharmaceutical industry expects",
        "seeks a distributor; this partner is a company, and its activities mention "
        "“distribution”; targets Senegal; this partner works there; same sector: Cosmetics",
    ]


def test_requests_from_suggestions_pair_with_open_request_is_skipped_and_said(
    mission, seeded, company_a, company_b, staff
):
    MeetingRequestFactory(mission=mission, company=company_a, partner=seeded["capital"])
    pairs = [(company_a.pk, seeded["capital"].pk), (company_b.pk, seeded["ndar"].pk)]

    outcome = requests_from_suggestions(mission=mission, pairs=pairs, by=staff)

    assert [(r.company, r.partner) for r in outcome.created] == [(company_b, seeded["ndar"])]
    assert outcome.refused == (
        "Alpha Pharma SA and Meuse Santé Capital already have a request on this mission.",
    )
    assert MeetingRequest.objects.count() == 2


def test_requests_from_suggestions_same_pair_twice_makes_one_request(
    mission, seeded, company_a, staff
):
    pair = (company_a.pk, seeded["vaccine"].pk)

    outcome = requests_from_suggestions(mission=mission, pairs=[pair, pair], by=staff)

    assert len(outcome.created) == 1
    assert outcome.refused == ()


def test_requests_from_suggestions_pair_off_the_mission_is_skipped(mission, seeded, staff):
    outsider = CompanyFactory()
    ApplicationFactory(company=outsider, status=ApplicationStatus.ACCEPTED)  # another mission
    other_partner = PartnerOrganisationFactory()

    outcome = requests_from_suggestions(
        mission=mission,
        pairs=[(outsider.pk, seeded["ndar"].pk), (seeded["ndar"].pk, other_partner.pk)],
        by=staff,
    )

    assert outcome.created == ()
    assert outcome.refused == (
        "a ticked company or partner is no longer on the mission.",
        "a ticked company or partner is no longer on the mission.",
    )
    assert MeetingRequest.objects.count() == 0
