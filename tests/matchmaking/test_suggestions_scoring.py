"""The suggestions' scorer and its text similarity: plain Python, no database."""

import subprocess
import sys

import pytest

from matchmaking.suggestions import (
    CompanyProfile,
    MissionProfile,
    PartnerProfile,
    TfIdf,
    best_companies,
    best_partners,
    score_pairs,
    tokenize,
)
from matchmaking.suggestions.knowledge import (
    CERTIFICATION_PHRASES,
    KIND_FIT,
    KIND_TEXT,
    OBJECTIVE_TEXT,
    OBJECTIVE_WORDS,
    SECTOR_CERTIFICATIONS,
)
from matchmaking.suggestions.scoring import CAPS
from matchmaking.suggestions.text import contains_phrase, without_boilerplate, words


def _company(**kwargs) -> CompanyProfile:
    return CompanyProfile(**{"id": 1, "name": "Alpha Pharma SA", **kwargs})


def _partner(id: int, **kwargs) -> PartnerProfile:
    return PartnerProfile(**{"name": f"Partner {id}", "kind": "company", **kwargs, "id": id})


def _ranking(company: CompanyProfile, partners, mission=None) -> list[int]:
    return [
        s.partner_id for s in score_pairs(companies=[company], partners=partners, mission=mission)
    ]


def _only(company, partner, mission=None):
    (suggestion,) = score_pairs(companies=[company], partners=[partner], mission=mission)
    return suggestion


def _codes(suggestion) -> list[str]:
    return [reason.code for reason in suggestion.reasons]


# --- Tokens ----------------------------------------------------------------------------------


def test_tokenize_french_text_folds_case_accents_and_plurals_and_drops_stop_words():
    assert tokenize("Le Pôle produit des VACCINS et des biosimilaires pour l'Afrique.") == [
        "pole",
        "produit",
        "vaccin",
        "biosimilaire",
        "afrique",
    ]


def test_tokenize_english_text_drops_stop_words_and_numbers():
    assert tokenize("The lab has produced 12 vaccines with its partners since 2010.") == [
        "lab",
        "produced",
        "vaccine",
        "partner",
        "since",
    ]


def test_tokenize_arabic_text_strips_marks_article_conjunction_and_plural():
    # "The centre produces vaccines and biosimilars in Tunisia", with a few harakat.
    assert tokenize("يُنتِجُ المركز اللقاحات والبدائل الحيوية في تونس") == [
        "ينتج",
        "مركز",
        "لقاح",
        "بدائل",
        "حيو",
        "تونس",
    ]


def test_tokenize_arabic_variants_of_alef_and_ta_marbuta_meet():
    assert tokenize("إفريقيا أفريقيا") == tokenize("افريقيا افريقيا")
    assert tokenize("الشركة") == tokenize("شركه")


def test_contains_phrase_matches_whole_folded_words_only():
    text = words("Réseau de distribution en Afrique de l'Ouest.")

    assert contains_phrase(text, "afrique de l ouest")
    assert contains_phrase(text, "Afrique de l'Ouest")
    assert not contains_phrase(text, "afrique du nord")
    assert not contains_phrase(words("Les frais de port"), "or")


# --- TF-IDF ----------------------------------------------------------------------------------


def test_tfidf_ranks_the_truly_similar_text_first():
    corpus = TfIdf.fit(
        {
            "company": "Production de vaccins et de biosimilaires, transfert de technologie.",
            "vaccines": "Plateforme de production de vaccins; transfert de technologie.",
            "cosmetics": "Distribution de cosmétiques en pharmacie et grandes surfaces.",
            "diagnostics": "Kits de diagnostic in vitro, distribution en Afrique.",
        }
    )

    ranked = sorted(
        ["cosmetics", "diagnostics", "vaccines"],
        key=lambda key: -corpus.similarity("company", key),
    )

    assert ranked[0] == "vaccines"
    assert corpus.similarity("company", "cosmetics") == 0.0
    assert corpus.similarity("company", "company") == pytest.approx(1.0)


def test_tfidf_shared_terms_name_the_weightiest_words_as_written():
    corpus = TfIdf.fit(
        {
            "company": "Nous produisons des Biosimilaires et des vaccins.",
            "partner": "Biosimilaires, vaccins et production à façon.",
            "other": "Vaccins pour l'export.",
        }
    )

    assert corpus.shared_terms("company", "partner") == ["biosimilaires", "vaccins"]


def test_tfidf_arabic_texts_meet_across_article_and_plural():
    corpus = TfIdf.fit(
        {
            "company": "نبحث عن شريك لتطوير إنتاج اللقاحات",
            "vaccines": "مختبر لقاح وإنتاج",
            "cosmetics": "توزيع مستحضرات التجميل",
        }
    )

    # Two terms shared ("production", "vaccine") of five and three.
    assert round(corpus.similarity("company", "vaccines"), 3) == 0.218
    assert corpus.similarity("company", "cosmetics") == 0.0
    assert corpus.shared_terms("company", "vaccines") == ["إنتاج", "اللقاحات"]


def test_tfidf_a_sentence_many_documents_share_makes_no_likeness():
    disclaimer = "Entreprise fictive (données de démonstration)."
    documents = {
        "a": f"{disclaimer} Vaccins.",
        "b": f"{disclaimer} Cosmétiques.",
        "c": f"{disclaimer} Dispositifs médicaux.",
    }

    corpus = TfIdf.fit(documents)

    assert without_boilerplate(documents) == {
        "a": "Vaccins.",
        "b": "Cosmétiques.",
        "c": "Dispositifs médicaux.",
    }
    assert corpus.similarity("a", "b") == 0.0


def test_tfidf_empty_text_is_like_nothing():
    corpus = TfIdf.fit({"empty": "", "stop words only": "le la les de", "full": "Vaccins."})

    assert corpus.similarity("empty", "full") == 0.0
    assert corpus.similarity("stop words only", "full") == 0.0


# --- Each signal moves the ranking -------------------------------------------------------------


def test_score_pairs_shared_sector_ranks_that_partner_first():
    company = _company(sectors=frozenset({"vaccines", "pharma"}))
    partners = [_partner(1, sectors=frozenset({"cosmetics"})), _partner(2, sectors={"vaccines"})]

    suggestions = score_pairs(companies=[company], partners=partners)

    assert [s.partner_id for s in suggestions] == [2]
    assert [(r.code, r.points, r.text) for r in suggestions[0].reasons] == [
        ("sector", 12, "same sector: vaccines")
    ]


def test_score_pairs_more_shared_sectors_score_more():
    company = _company(sectors=frozenset({"vaccines", "pharma", "biotech"}))
    one = _partner(1, sectors=frozenset({"vaccines"}))
    two = _partner(2, sectors=frozenset({"vaccines", "biotech"}))

    assert _ranking(company, [one, two]) == [2, 1]


def test_score_pairs_financial_objective_ranks_the_investor_first():
    company = _company(objectives=frozenset({"financial"}))
    partners = [
        _partner(1, kind="research_lab"),
        _partner(2, kind="investor"),
        _partner(3, kind="cluster"),
    ]

    suggestions = score_pairs(companies=[company], partners=partners)

    assert [s.partner_id for s in suggestions] == [2]
    assert suggestions[0].reasons[0].text == (
        "seeks a financial partner; this partner is an investor"
    )


def test_score_pairs_rd_objective_ranks_research_before_a_company():
    company = _company(objectives=frozenset({"rd"}))
    partners = [
        _partner(1, kind="company"),
        _partner(2, kind="science_park"),
        _partner(3, kind="research_lab"),
    ]

    assert _ranking(company, partners) == [3, 2]


def test_score_pairs_distribution_objective_ranks_a_company_before_a_university():
    company = _company(objectives=frozenset({"distribution"}))
    partners = [_partner(1, kind="university"), _partner(2, kind="company")]

    assert _ranking(company, partners) == [2]


def test_score_pairs_partner_words_that_serve_the_objective_add_to_its_kind():
    company = _company(objectives=frozenset({"distribution"}))
    says_it = _partner(1, text="Grossiste-répartiteur : distribution des médicaments.")
    silent = _partner(2, text="Fabrication de comprimés.")

    suggestions = score_pairs(companies=[company], partners=[silent, says_it])

    assert [s.partner_id for s in suggestions] == [1, 2]
    assert suggestions[0].reasons[0].code == "objective_kind_words"
    assert suggestions[0].reasons[0].text == (
        "seeks a distributor; this partner is a company, and its activities mention “distribution”"
    )
    assert suggestions[1].score + 8 == suggestions[0].score


def test_score_pairs_arabic_capabilities_show_the_objective():
    company = _company(objectives=frozenset({"financial"}))
    partner = _partner(1, kind="agency", text="صندوق استثمار في الصناعات الدوائية")

    suggestion = _only(company, partner)

    assert _codes(suggestion) == ["objective_words"]
    assert suggestion.reasons[0].param("word") == "استثمار"


def test_score_pairs_target_market_ranks_the_partner_working_there_first():
    company = _company(target_markets=frozenset({"SN"}))
    partners = [_partner(1, country="BE"), _partner(2, country="SN")]

    suggestions = score_pairs(
        companies=[company], partners=partners, mission=MissionProfile(labels={"SN": "Senegal"})
    )

    assert [s.partner_id for s in suggestions] == [2]
    assert suggestions[0].reasons[0].text == "targets Senegal; this partner works there"


def test_score_pairs_target_market_named_in_a_partner_text_counts():
    company = _company(target_markets=frozenset({"SN"}))
    names_it = _partner(1, country="BE", text="Bureau commercial au Sénégal.")
    silent = _partner(2, country="BE", text="Bureau commercial à Liège.")
    mission = MissionProfile(country_names={"SN": ("Sénégal", "Senegal", "السنغال")})

    assert _ranking(company, [silent, names_it], mission) == [1]


def test_score_pairs_target_market_in_a_region_the_partner_works_in_counts():
    company = _company(target_markets=frozenset({"CI", "SN"}))
    partner = _partner(1, country="BE", text="Réseau de distribution en Afrique de l'Ouest.")

    suggestion = _only(company, partner)

    (market,) = [r for r in suggestion.reasons if r.code == "market_region"]
    assert market.param("markets") == ("CI", "SN")
    assert market.param("region") == "west_africa"
    assert market.points == 13
    assert market.text == "targets CI, SN; this partner works in West Africa"


def test_score_pairs_target_market_next_to_the_partner_country_counts_less():
    company = _company(target_markets=frozenset({"CI"}))
    there = _partner(1, country="CI")
    next_door = _partner(2, country="SN")
    far = _partner(3, country="BE")

    suggestions = score_pairs(companies=[company], partners=[far, next_door, there])

    assert [(s.partner_id, s.score) for s in suggestions] == [(1, 15), (2, 6)]
    assert _codes(suggestions[1]) == ["market_nearby"]


def test_score_pairs_third_market_of_a_triangular_action_counts_for_every_company():
    company = _company(target_markets=frozenset({"CA"}))
    dakar = _partner(1, country="SN")
    reaches = _partner(2, country="BE", text="Distribution en Afrique de l'Ouest.")
    elsewhere = _partner(3, country="BE")

    suggestions = score_pairs(
        companies=[company],
        partners=[elsewhere, reaches, dakar],
        mission=MissionProfile(third_market="SN"),
    )

    assert [(s.partner_id, _codes(s)) for s in suggestions] == [
        (1, ["third_market"]),
        (2, ["third_market_reach"]),
    ]


def test_score_pairs_gmp_ranks_the_pharmaceutical_partner_for_a_certified_company():
    certified = _company(certifications=frozenset({"gmp"}))
    pharma = _partner(1, sectors=frozenset({"pharma"}))
    cosmetics = _partner(2, sectors=frozenset({"cosmetics"}))

    suggestions = score_pairs(
        companies=[certified], partners=[cosmetics, pharma], mission=MissionProfile(labels={})
    )

    assert [s.partner_id for s in suggestions] == [1]
    assert suggestions[0].reasons[0].text == "holds gmp, which a partner in pharma expects"


def test_score_pairs_certification_the_partner_names_counts_more_than_its_sector():
    certified = _company(certifications=frozenset({"gmp"}))
    names_it = _partner(1, text="Contrôle qualité, analyses sous BPF.")
    by_sector = _partner(2, sectors=frozenset({"pharma"}))

    suggestions = score_pairs(companies=[certified], partners=[by_sector, names_it])

    assert [(s.partner_id, _codes(s)) for s in suggestions] == [
        (1, ["certification_named"]),
        (2, ["certification_sector"]),
    ]


def test_score_pairs_certification_nobody_asks_for_gives_nothing():
    certified = _company(certifications=frozenset({"iso-14001"}))

    assert score_pairs(companies=[certified], partners=[_partner(1, sectors={"pharma"})]) == []


def test_score_pairs_similar_text_ranks_the_similar_partner_first():
    company = _company(text="Nous produisons des biosimilaires et des anticorps monoclonaux.")
    partners = [
        _partner(1, text="Formulation cosmétique et parfums."),
        _partner(2, text="Production à façon de biosimilaires et d'anticorps monoclonaux."),
        _partner(3, text="Kits de diagnostic in vitro."),
    ]

    suggestions = score_pairs(companies=[company], partners=partners)

    assert [s.partner_id for s in suggestions] == [2]
    (reason,) = suggestions[0].reasons
    assert reason.code == "text"
    # Equal weights: in alphabetical order of the terms.
    assert reason.param("terms") == ("anticorps", "biosimilaires", "monoclonaux")
    assert reason.text == "similar activities: anticorps, biosimilaires, monoclonaux"


def test_score_pairs_wish_of_the_company_moves_the_partner_up():
    company = _company(sectors=frozenset({"vaccines"}), wishes={2: 1})
    partners = [_partner(1, sectors={"vaccines"}), _partner(2, sectors={"vaccines"})]

    suggestions = score_pairs(companies=[company], partners=partners)

    assert [(s.partner_id, s.score) for s in suggestions] == [(2, 27), (1, 12)]
    assert suggestions[0].reasons[0].text == "wished to meet this partner (priority 1)"


def test_score_pairs_unrelated_pair_is_not_suggested():
    company = _company(
        sectors=frozenset({"vaccines"}), objectives=frozenset({"financial"}), text="Vaccins."
    )
    unrelated = _partner(1, kind="public_authority", sectors={"cosmetics"}, text="Mairie.")

    assert score_pairs(companies=[company], partners=[unrelated]) == []


def test_score_pairs_each_signal_is_capped():
    company = _company(
        sectors=frozenset({"pharma", "biotech", "vaccines", "biosimilars", "diagnostics"}),
        objectives=frozenset({"rd", "technology", "licensing"}),
    )
    partner = _partner(
        1,
        kind="research_lab",
        sectors=frozenset({"pharma", "biotech", "vaccines", "biosimilars", "diagnostics"}),
        text="Recherche, transfert de technologie et licences.",
    )

    suggestion = _only(company, partner)

    points = {}
    for reason in suggestion.reasons:
        group = "objective" if reason.code.startswith("objective") else reason.code
        points[group] = points.get(group, 0) + reason.points
    assert points == {"sector": CAPS["sector"], "objective": CAPS["objective"]}


def test_score_pairs_reasons_come_best_first_with_code_params_and_text():
    company = _company(
        sectors=frozenset({"vaccines"}),
        objectives=frozenset({"financial"}),
        target_markets=frozenset({"BE"}),
        wishes={1: 2},
    )
    partner = _partner(1, kind="investor", country="BE", sectors=frozenset({"vaccines"}))

    suggestion = _only(company, partner)

    assert [(r.code, r.points, r.params) for r in suggestion.reasons] == [
        ("objective_kind", 24, (("objective", "financial"), ("kind", "investor"))),
        ("market_country", 15, (("markets", ("BE",)),)),
        ("sector", 12, (("sectors", ("vaccines",)),)),
        ("wish", 10, (("priority", "2"),)),
    ]
    assert suggestion.score == 61
    assert all(reason.text for reason in suggestion.reasons)


def test_score_pairs_ties_go_by_name():
    company = _company(sectors=frozenset({"vaccines"}))
    partners = [
        _partner(1, name="Zeta", sectors={"vaccines"}),
        _partner(2, name="alpha", sectors={"vaccines"}),
    ]

    assert _ranking(company, partners) == [2, 1]


def test_best_partners_and_best_companies_keep_the_best_of_each():
    companies = [
        _company(id=1, name="A", sectors=frozenset({"vaccines"})),
        _company(id=2, name="B", sectors=frozenset({"vaccines", "biotech"})),
    ]
    partners = [
        _partner(10, sectors=frozenset({"vaccines"})),
        _partner(20, sectors=frozenset({"vaccines", "biotech"})),
        _partner(30, sectors=frozenset({"biotech"})),
    ]
    suggestions = score_pairs(companies=companies, partners=partners)

    for_companies = best_partners(suggestions, limit=2)
    for_partners = best_companies(suggestions, limit=1)

    assert {c: [s.partner_id for s in found] for c, found in for_companies.items()} == {
        1: [10, 20],
        2: [20, 10],
    }
    assert {p: [s.company_id for s in found] for p, found in for_partners.items()} == {
        10: [1],
        20: [2],
        30: [2],
    }


# --- The scorer's knowledge is in the portal's codes -------------------------------------------


def test_knowledge_speaks_the_portal_codes():
    from missions.enums import Objective
    from partners.enums import PartnerKind

    objectives, kinds = set(Objective.values), set(PartnerKind.values)

    assert set(KIND_FIT) == kinds == set(KIND_TEXT)
    assert {objective for fits in KIND_FIT.values() for objective in fits} <= objectives
    assert set(OBJECTIVE_WORDS) == objectives == set(OBJECTIVE_TEXT)


@pytest.mark.django_db
def test_knowledge_names_seeded_sectors_and_certifications():
    from partners.models import Certification, Sector

    sectors = set(Sector.objects.values_list("slug", flat=True))
    certifications = set(Certification.objects.values_list("code", flat=True))

    assert set(SECTOR_CERTIFICATIONS) <= sectors
    assert {code for codes in SECTOR_CERTIFICATIONS.values() for code in codes} <= certifications
    assert set(CERTIFICATION_PHRASES) <= certifications


def test_suggestions_package_imports_no_django():
    code = (
        "import sys, matchmaking.suggestions; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'celery', 'cepex_portal', 'partners', 'missions'}))"
    )

    result = subprocess.run(  # noqa: S603 - our own interpreter on a constant
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout == "[]\n"
