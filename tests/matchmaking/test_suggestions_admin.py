"""The suggested meetings of a mission in the admin: who sees them, who makes requests, and
what a bad form gets (a message, never a 500)."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import ERROR, SUCCESS, WARNING, get_messages
from django.core.management import call_command
from django.urls import reverse

from matchmaking.enums import RequestSource
from matchmaking.models import MeetingRequest
from missions.enums import Objective
from missions.models import Mission
from tests.factories import MeetingRequestFactory, MissionFactory, UserFactory
from tests.matchmaking.suggestion_data import partner_of, profile, seat, seed
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff_read_english(client):
    """The page is checked in English, the source language (French is the default)."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def mission(staff):
    mission = MissionFactory(title="Wallonie 2017")
    mission.team.add(staff)  # the chargé de mission works on it
    return mission


@pytest.fixture
def seeded(mission, company_a, company_b):
    return seed(mission, company_a, company_b)


def _url(mission, *, by: str = "company") -> str:
    name = "suggestions" if by == "company" else "suggestions_by_partner"
    return reverse(f"admin:matchmaking_mission_{name}", args=[mission.pk])


def _messages(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


def _pair(company, partner) -> str:
    return f"{company.pk}-{partner.pk}"


# --- Who sees the page ---------------------------------------------------------------------------


def test_suggestions_page_staff_sees_each_company_with_ranked_partners_and_reasons(
    client, staff, mission, seeded, company_a
):
    client.force_login(staff)

    response = client.get(_url(mission))

    assert response.status_code == 200
    rows = response.context["suggestions"].by_company
    assert [row.company.legal_name for row in rows] == ["Alpha Pharma SA", "Beta Biotech SARL"]
    assert [s.partner.name for s in rows[0].suggestions] == [
        "Meuse Vaccine",
        "Meuse Santé Capital",
        "Ndar Cosmétiques",
    ]
    page = response.content.decode()
    assert "Meuse Santé Capital" in page
    assert "seeks a financial partner; this partner is an investor" in page
    assert f'name="pairs" value="{_pair(company_a, seeded["capital"])}"' in page
    assert f'name="one" value="{_pair(company_a, seeded["capital"])}"' in page


def test_suggestions_page_by_partner_lists_the_best_companies_of_each_partner(
    client, staff, mission, seeded, company_a, company_b
):
    client.force_login(staff)

    response = client.get(_url(mission, by="partner"))

    assert response.status_code == 200
    rows = {
        row.partner.name: [s.company for s in row.suggestions]
        for row in response.context["suggestions"].by_partner
    }
    assert rows["Meuse Vaccine"] == [company_a, company_b]
    assert f'name="pairs" value="{_pair(company_b, seeded["vaccine"])}"' in (
        response.content.decode()
    )


def test_suggestions_page_manager_sees_the_suggestions_but_no_way_to_request(
    client, manager, mission, seeded
):
    client.force_login(manager)

    response = client.get(_url(mission))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Meuse Santé Capital" in page
    assert 'name="pairs"' not in page
    assert 'name="one"' not in page
    assert '<form method="post"' not in page.split('id="content-main"')[1]


def test_suggestions_page_anonymous_is_sent_to_the_admin_login(client, mission, seeded):
    response = client.get(_url(mission))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_suggestions_page_company_user_is_sent_to_the_admin_login(
    client, company_a_user, mission, seeded
):
    client.force_login(company_a_user)

    response = client.get(_url(mission))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_suggestions_page_staff_who_may_not_view_requests_is_refused(client, mission, seeded):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_mission"))
    mission.team.add(user)
    client.force_login(user)

    response = client.get(_url(mission))

    assert response.status_code == 403


def test_suggestions_page_unknown_mission_is_not_found(client, staff, mission):
    client.force_login(staff)

    assert client.get(_url(mission).replace(str(mission.pk), "999999")).status_code == 404
    assert client.get(_url(mission).replace(str(mission.pk), "abc")).status_code == 404


def test_suggestions_page_empty_mission_says_so(client, staff, mission):
    client.force_login(staff)

    by_company = client.get(_url(mission)).content.decode()
    by_partner = client.get(_url(mission, by="partner")).content.decode()

    assert "No company has a seat in the delegation yet" in by_company
    assert "This mission has no partners yet." in by_partner


def test_suggestions_page_top_shows_that_many(client, staff, mission, seeded):
    client.force_login(staff)

    response = client.get(_url(mission), {"top": "1"})

    rows = response.context["suggestions"].by_company
    assert [[s.partner.name for s in row.suggestions] for row in rows] == [
        ["Meuse Vaccine"],
        ["Ndar Cosmétiques"],
    ]


@pytest.mark.parametrize("top", ["abc", "0", "10000", "-1"])
def test_suggestions_page_bad_top_warns_and_shows_the_default(client, staff, mission, seeded, top):
    client.force_login(staff)

    response = client.get(_url(mission), {"top": top})

    assert response.status_code == 200
    assert response.context["top"] == 5
    assert [level for level, _message in _messages(response)] == [WARNING]


def test_suggestions_page_escapes_what_people_typed(client, staff, mission):
    company = profile(seat(mission).company, description="<script>alert(1)</script> vaccins")
    company.legal_name = "<b>Evil</b> SA"
    company.save()
    partner_of(
        mission,
        name="<img src=x onerror=alert(1)>",
        description="<script>alert(1)</script> vaccins",
    )
    client.force_login(staff)

    page = client.get(_url(mission)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;b&gt;Evil&lt;/b&gt; SA" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_suggestions_page_query_count_constant_as_companies_and_partners_grow(
    client, staff, mission, seeded
):
    client.force_login(staff)
    url = _url(mission)
    few = page_queries(client, url)
    few_by_partner = page_queries(client, _url(mission, by="partner"))
    for _ in range(6):
        application = seat(mission, objectives=[Objective.EXPORT], markets=["SN"])
        profile(application.company, sectors=["pharma", "cosmetics"], certifications=["gmp"])
        partner_of(mission, sectors=["pharma"], description="Distribution de médicaments.")
    MeetingRequestFactory(mission=mission, company=application.company, partner=seeded["ndar"])

    many = page_queries(client, url)
    many_by_partner = page_queries(client, _url(mission, by="partner"))

    assert few == many
    assert few_by_partner == many_by_partner


# --- Reaching the page ---------------------------------------------------------------------------


def test_mission_change_page_links_to_its_suggestions(client, staff, mission):
    client.force_login(staff)

    page = client.get(reverse("admin:missions_mission_change", args=[mission.pk])).content.decode()

    assert f'href="{_url(mission)}"' in page


def test_mission_change_page_no_link_for_who_may_not_view_requests(client, mission):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_mission"))
    client.force_login(user)

    page = client.get(reverse("admin:missions_mission_change", args=[mission.pk])).content.decode()

    assert _url(mission) not in page


def test_suggested_meetings_action_on_one_mission_opens_its_page(client, staff, mission):
    client.force_login(staff)

    response = client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "suggested_meetings", "_selected_action": [mission.pk]},
    )

    assert response.status_code == 302
    assert response.url == _url(mission)


def test_suggested_meetings_action_on_two_missions_asks_for_one(client, staff, mission):
    other = MissionFactory()
    other.team.add(staff)
    client.force_login(staff)

    response = client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "suggested_meetings", "_selected_action": [mission.pk, other.pk]},
        follow=True,
    )

    assert _messages(response) == [(ERROR, "Choose one mission to see its suggestions.")]


# --- Making requests -----------------------------------------------------------------------------


def test_suggestions_post_ticked_pairs_become_requests(
    client, staff, mission, seeded, company_a, company_b
):
    client.force_login(staff)

    response = client.post(
        _url(mission),
        {
            "pairs": [_pair(company_a, seeded["capital"]), _pair(company_b, seeded["ndar"])],
            "priority": "1",
        },
        follow=True,
    )

    made = MeetingRequest.objects.order_by("company__legal_name")
    assert [(r.company, r.partner, r.source, r.priority, r.created_by) for r in made] == [
        (company_a, seeded["capital"], RequestSource.SUGGESTION, 1, staff),
        (company_b, seeded["ndar"], RequestSource.SUGGESTION, 1, staff),
    ]
    assert _messages(response) == [(SUCCESS, "2 meeting requests made from the suggestions.")]
    # Back on the page, those pairs are no longer suggested but listed as requested.
    alpha = response.context["suggestions"].by_company[0]
    assert seeded["capital"] not in [s.partner for s in alpha.suggestions]
    assert alpha.requested == ((seeded["capital"], "Proposed"),)


def test_suggestions_post_a_rows_button_makes_only_that_request(
    client, staff, mission, seeded, company_a, company_b
):
    client.force_login(staff)

    client.post(
        _url(mission, by="partner"),
        {
            "pairs": [_pair(company_b, seeded["ndar"])],  # ticked, but another row's button
            "one": _pair(company_a, seeded["vaccine"]),
            "priority": "2",
        },
    )

    assert list(MeetingRequest.objects.values_list("company", "partner", "priority")) == [
        (company_a.pk, seeded["vaccine"].pk, 2)
    ]


def test_suggestions_post_redirects_to_the_page_it_came_from(
    client, staff, mission, seeded, company_b
):
    client.force_login(staff)
    pair = _pair(company_b, seeded["ndar"])

    response = client.post(f"{_url(mission, by='partner')}?top=3", {"one": pair, "priority": "2"})

    assert response.status_code == 302
    assert response.url == f"{_url(mission, by='partner')}?top=3"


def test_suggestions_post_pair_already_requested_is_skipped_and_said(
    client, staff, mission, seeded, company_a, company_b
):
    MeetingRequestFactory(mission=mission, company=company_a, partner=seeded["capital"])
    client.force_login(staff)

    response = client.post(
        _url(mission),
        {
            "pairs": [_pair(company_a, seeded["capital"]), _pair(company_b, seeded["ndar"])],
            "priority": "2",
        },
        follow=True,
    )

    assert MeetingRequest.objects.count() == 2
    assert _messages(response) == [
        (SUCCESS, "1 meeting request made from the suggestions."),
        (
            WARNING,
            "Not made: Alpha Pharma SA and Meuse Santé Capital already have a request on "
            "this mission.",
        ),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"pairs": ["1-2-3"], "priority": "2"},
        {"pairs": ["<script>"], "priority": "2"},
        {"one": "x-y", "priority": "2"},
    ],
)
def test_suggestions_post_forged_pair_gets_a_message_not_a_500(
    client, staff, mission, seeded, data
):
    client.force_login(staff)

    response = client.post(_url(mission), data, follow=True)

    assert response.status_code == 200
    assert _messages(response) == [
        (ERROR, "This selection is not one the page offered; reload the page and retry.")
    ]
    assert MeetingRequest.objects.count() == 0


def test_suggestions_post_bad_priority_gets_a_message(client, staff, mission, seeded, company_a):
    client.force_login(staff)

    response = client.post(
        _url(mission),
        {"one": _pair(company_a, seeded["capital"]), "priority": "9"},
        follow=True,
    )

    assert [level for level, _message in _messages(response)] == [ERROR]
    assert MeetingRequest.objects.count() == 0


def test_suggestions_post_nothing_ticked_asks_for_a_tick(client, staff, mission, seeded):
    client.force_login(staff)

    response = client.post(_url(mission), {"priority": "2"}, follow=True)

    assert _messages(response) == [(ERROR, "Tick at least one suggestion.")]


def test_suggestions_post_pair_of_another_mission_is_skipped(client, staff, mission, seeded):
    other = MissionFactory()
    stranger = seat(other).company
    client.force_login(staff)

    response = client.post(
        _url(mission), {"one": _pair(stranger, seeded["capital"]), "priority": "2"}, follow=True
    )

    assert MeetingRequest.objects.count() == 0
    assert _messages(response) == [
        (WARNING, "Not made: a ticked company or partner is no longer on the mission.")
    ]


def test_suggestions_post_manager_may_not_make_requests(
    client, manager, mission, seeded, company_a
):
    client.force_login(manager)

    response = client.post(
        _url(mission), {"one": _pair(company_a, seeded["capital"]), "priority": "2"}
    )

    assert response.status_code == 403
    assert MeetingRequest.objects.count() == 0


def test_suggestions_post_anonymous_makes_nothing(client, mission, seeded, company_a):
    response = client.post(
        _url(mission), {"one": _pair(company_a, seeded["capital"]), "priority": "2"}
    )

    assert response.status_code == 302
    assert MeetingRequest.objects.count() == 0


# --- The demo ------------------------------------------------------------------------------------


def test_suggestions_page_on_the_demo_mission_suggests_partners_to_every_delegate(
    client, superuser
):
    call_command("load_demo", stdout=io.StringIO())
    mission = Mission.objects.get(slug="wallonie-2017")
    client.force_login(superuser)

    response = client.get(_url(mission))

    assert response.status_code == 200
    rows = response.context["suggestions"].by_company
    assert len(rows) == 9
    for row in rows:
        assert row.suggestions or row.requested, row.company
        assert all(s.reasons and s.score > 0 for s in row.suggestions)
    # The pole seeks technology and money for vaccines: a vaccine maker and the investor fit.
    pole = next(row for row in rows if row.company.legal_name.startswith("Pôle"))
    fitting = {s.partner.short_name for s in pole.suggestions} | {
        partner.short_name for partner, _state in pole.requested
    }
    assert {"Meuse Vaccine", "Meuse Santé Capital"} <= fitting
