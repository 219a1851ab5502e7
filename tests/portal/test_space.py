"""The company space, page by page: who may see what, and what each page does.

Text is checked in English (the source language): the ``english`` fixture sets the language
cookie, so the tests keep passing once the French and Arabic catalogues are compiled.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cepex_portal.models import LoginLink, User
from missions.enums import ApplicationStatus, Objective
from missions.models import ApplicationObjective, WishedPartner
from partners.models import CompanyRevision
from tests.factories import (
    ApplicationFactory,
    ContactFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    SectorFactory,
    WishedPartnerFactory,
)
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"/company/login/([A-Za-z0-9_-]+)/")
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def english(client):
    client.cookies[LANGUAGE_COOKIE] = "en"
    return client


@pytest.fixture
def mission():
    return MissionFactory(title="Wallonia biotech 2027")


@pytest.fixture
def partners(mission):
    names = ["BioPark Charleroi", "BioWin", "Université de Liège"]
    return [
        MissionPartnerFactory(
            mission=mission, organisation=PartnerOrganisationFactory(name=name)
        ).organisation
        for name in names
    ]


@pytest.fixture
def application_a(mission, company_a):
    return ApplicationFactory(mission=mission, company=company_a)


@pytest.fixture
def rep_a(english, company_a_user):
    company_a_user.language = "en"
    company_a_user.save()
    english.force_login(company_a_user)
    return english


@pytest.fixture
def rep_b(english, company_b_user):
    company_b_user.language = "en"
    company_b_user.save()
    english.force_login(company_b_user)
    return english


def make_link(user: User, token: str, *, minutes: int = 30) -> LoginLink:
    now = timezone.now()
    return LoginLink.objects.create(
        user=user,
        token_hash=LoginLink.hash_token(token),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )


def wish_data(rows: list[tuple], *, initial: int = 0) -> dict:
    """POST data of the wishes formset: rows of (partner id or "", priority, motivation)."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "10",
    }
    for i, (partner, priority, motivation) in enumerate(rows):
        data[f"form-{i}-partner"] = str(partner)
        data[f"form-{i}-priority"] = str(priority)
        data[f"form-{i}-motivation"] = motivation
    return data


def profile_data(target, **changes) -> dict:
    data = {
        "legal_name": target.legal_name,
        "governorate": target.governorate,
        "city": target.city,
        "sectors": [s.pk for s in target.sectors.all()],
        "size": target.size,
        "certifications": [c.pk for c in target.certifications.all()],
        "export_markets": [c.code for c in target.export_markets],
        "website": target.website,
        "description": target.description,
    }
    return {**data, **changes}


# --- One-time login -------------------------------------------------------------------------


def test_login_page_shows_the_form(english):
    response = english.get(reverse("space:login"))

    assert response.status_code == 200
    assert 'name="email"' in response.text


def test_login_request_known_representative_gets_one_email(
    english, company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    company_a_user.language = "ar"
    company_a_user.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("space:login"), {"email": "rep-a@alpha.example"})

    assert response.status_code == 302
    assert response.url == reverse("space:login_sent")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["rep-a@alpha.example"]
    assert mailoutbox[0].extra_headers["Content-Language"] == "ar"
    token = LINK_RE.search(mailoutbox[0].body).group(1)
    assert f"{settings.SITE_URL}{reverse('space:login_confirm', args=[token])}" in (
        mailoutbox[0].body
    )


def test_login_request_unknown_address_same_answer_no_email(
    english, company_a_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = english.post(reverse("space:login"), {"email": "rep-a@alpha.example"})
        unknown = english.post(reverse("space:login"), {"email": "nobody@example.com"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mailoutbox) == 1
    page = english.get(unknown.url)
    assert "If this address is known to us, a login link is on its way." in page.text


def test_login_request_verified_contact_without_account_gets_one(
    english, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    ContactFactory(company=company_a, email="salma@alpha.example", email_verified_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        english.post(reverse("space:login"), {"email": "salma@alpha.example"})

    user = User.objects.get(email="salma@alpha.example")
    assert user.company == company_a
    assert user.language == "en"
    assert len(mailoutbox) == 1


def test_login_request_unverified_contact_gets_nothing(
    english, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    ContactFactory(company=company_a, email="salma@alpha.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(reverse("space:login"), {"email": "salma@alpha.example"})

    assert response.url == reverse("space:login_sent")
    assert not User.objects.filter(email="salma@alpha.example").exists()
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["not an address", "", "a\x00b@example.com", "x" * 300])
def test_login_request_invalid_address_shows_error(english, email, mailoutbox):
    response = english.post(reverse("space:login"), {"email": email})

    assert response.status_code == 200
    assert 'class="errorlist' in response.text
    assert mailoutbox == []


def test_login_confirm_get_shows_button_and_does_not_spend_link(english, company_a_user):
    link = make_link(company_a_user, "the-token")

    response = english.get(reverse("space:login_confirm", args=["the-token"]))

    assert response.status_code == 200
    assert '<button type="submit" class="primary">Log in</button>' in response.text
    link.refresh_from_db()
    assert link.used_at is None
    assert "_auth_user_id" not in english.session


def test_login_confirm_post_logs_in_once(client, company_a_user):
    make_link(company_a_user, "the-token")
    url = reverse("space:login_confirm", args=["the-token"])

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("space:home")
    assert client.session["_auth_user_id"] == str(company_a_user.pk)
    assert LoginLink.objects.get().used_at is not None


def test_login_confirm_second_post_refused(client, english, company_a_user):
    make_link(company_a_user, "the-token")
    url = reverse("space:login_confirm", args=["the-token"])
    client.post(url)
    english.logout()
    english.cookies[LANGUAGE_COOKIE] = "en"

    response = english.post(url)

    assert response.status_code == 400
    assert "This login link has already been used." in response.text
    assert reverse("space:login") in response.text
    assert "_auth_user_id" not in english.session


def test_login_confirm_expired_refused(english, company_a_user):
    link = make_link(company_a_user, "the-token")
    past = timezone.now() - dt.timedelta(hours=2)
    LoginLink.objects.filter(pk=link.pk).update(
        created_at=past, expires_at=past + dt.timedelta(minutes=30)
    )

    response = english.post(reverse("space:login_confirm", args=["the-token"]))

    assert response.status_code == 400
    assert "This login link has expired." in response.text
    assert "_auth_user_id" not in english.session


@pytest.mark.parametrize("token", ["the-tokeN", "the-toke", "the-token-", "%00", "x" * 2000])
def test_login_confirm_tampered_token_refused(english, company_a_user, token):
    make_link(company_a_user, "the-token")
    url = reverse("space:login_confirm", args=["placeholder"]).replace("placeholder", token)

    get = english.get(url)
    post = english.post(url)

    assert get.status_code == 400
    assert post.status_code == 400
    assert "This login link is not valid." in post.text
    assert "_auth_user_id" not in english.session
    assert LoginLink.objects.get().used_at is None


def test_login_confirm_get_of_spent_link_says_so(english, company_a_user):
    link = make_link(company_a_user, "the-token")
    link.used_at = timezone.now()
    link.save()

    response = english.get(reverse("space:login_confirm", args=["the-token"]))

    assert response.status_code == 400
    assert "This login link is no longer valid." in response.text


def test_login_confirm_sets_language_of_the_user(client, company_a_user):
    company_a_user.language = "ar"
    company_a_user.save()
    make_link(company_a_user, "the-token")

    response = client.post(reverse("space:login_confirm", args=["the-token"]))

    assert response.cookies[LANGUAGE_COOKIE].value == "ar"
    page = client.get(response.url)
    assert 'dir="rtl"' in page.text


def test_logout_post_logs_out(rep_a):
    response = rep_a.post(reverse("space:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in rep_a.session


def test_logout_get_not_allowed(rep_a):
    response = rep_a.get(reverse("space:logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in rep_a.session


# --- Who may see the company space ----------------------------------------------------------

SPACE_PAGES = ["home", "profile", "agenda", "leads"]


@pytest.mark.parametrize("name", SPACE_PAGES)
def test_space_pages_anonymous_redirected_to_login(client, name):
    url = reverse(f"space:{name}")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('space:login')}?next={url}"


def test_application_pages_anonymous_redirected_to_login(client, application_a):
    for name in ["application_detail", "wishes_edit"]:
        response = client.get(reverse(f"space:{name}", args=[application_a.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("space:login"))
    response = client.post(reverse("space:withdraw", args=[application_a.pk]), {"confirm": "on"})
    assert response.status_code == 302
    application_a.refresh_from_db()
    assert application_a.status == ApplicationStatus.APPLIED


@pytest.mark.parametrize("name", SPACE_PAGES)
def test_space_pages_staff_without_company_forbidden(client, staff, name):
    client.force_login(staff)

    response = client.get(reverse(f"space:{name}"))

    assert response.status_code == 403


@pytest.mark.parametrize("name", SPACE_PAGES)
def test_space_pages_representative_sees_them_with_navigation(rep_a, name):
    response = rep_a.get(reverse(f"space:{name}"))

    assert response.status_code == 200
    for page in SPACE_PAGES:
        assert f'href="{reverse(f"space:{page}")}"' in response.text
    assert 'aria-current="page"' in response.text


def test_agenda_and_leads_say_there_is_nothing_yet(rep_a):
    assert "You have no meetings yet." in rep_a.get(reverse("space:agenda")).text
    assert "You have no leads yet." in rep_a.get(reverse("space:leads")).text


# --- Company isolation ----------------------------------------------------------------------


def test_isolation_other_company_application_detail_is_404(rep_b, application_a):
    response = rep_b.get(reverse("space:application_detail", args=[application_a.pk]))

    assert response.status_code == 404


def test_isolation_other_company_wishes_edit_is_404(rep_b, application_a, partners):
    WishedPartnerFactory(application=application_a, partner=partners[0], priority=3)
    url = reverse("space:wishes_edit", args=[application_a.pk])

    get = rep_b.get(url)
    post = rep_b.post(url, wish_data([(partners[1].pk, 1, "hijack")]))

    assert get.status_code == 404
    assert post.status_code == 404
    assert list(WishedPartner.objects.values_list("partner", "priority")) == [(partners[0].pk, 3)]


def test_isolation_other_company_withdraw_is_404(rep_b, application_a):
    response = rep_b.post(reverse("space:withdraw", args=[application_a.pk]), {"confirm": "on"})

    assert response.status_code == 404
    application_a.refresh_from_db()
    assert application_a.status == ApplicationStatus.APPLIED


def test_isolation_dashboard_shows_own_applications_only(rep_b, application_a, company_b):
    own = ApplicationFactory(mission=MissionFactory(title="Senegal triangular"), company=company_b)

    response = rep_b.get(reverse("space:home"))

    assert own.mission.title in response.text
    assert application_a.mission.title not in response.text
    assert "Alpha Pharma SA" not in response.text


def test_isolation_profile_post_changes_own_company_only(rep_b, company_a, company_b):
    response = rep_b.post(
        reverse("space:profile"),
        profile_data(company_b, city="Sousse", tax_id=company_a.tax_id, company=company_a.pk),
    )

    assert response.status_code == 302
    company_a.refresh_from_db()
    company_b.refresh_from_db()
    assert (company_a.city, company_b.city) == ("", "Sousse")
    assert company_b.tax_id != company_a.tax_id
    assert list(CompanyRevision.objects.values_list("company", flat=True)) == [company_b.pk]


@pytest.mark.parametrize("pk", [0, 999999, 2**63, 10**30])
def test_unknown_application_id_is_404(rep_a, pk):
    for name in ["application_detail", "wishes_edit"]:
        assert rep_a.get(reverse(f"space:{name}", args=[pk])).status_code == 404
    assert rep_a.post(reverse("space:withdraw", args=[pk])).status_code == 404


# --- Dashboard and application detail -------------------------------------------------------


def test_space_lists_applications_with_status(rep_a, application_a):
    ApplicationObjective.objects.create(application=application_a, objective=Objective.EXPORT)

    response = rep_a.get(reverse("space:home"))

    assert "Alpha Pharma SA" in response.text
    assert "Wallonia biotech 2027" in response.text
    assert '<span class="badge applied">Applied</span>' in response.text
    assert reverse("space:application_detail", args=[application_a.pk]) in response.text
    assert "Export" in response.text


def test_space_without_applications_points_to_missions(rep_a):
    response = rep_a.get(reverse("space:home"))

    assert "Your company has not applied to a mission yet." in response.text


def _dashboard_queries(client) -> int:
    return page_queries(client, reverse("space:home"))


def test_space_query_count_constant_as_applications_grow(rep_a, company_a):
    def add_application(n: int) -> None:
        application = ApplicationFactory(company=company_a)
        ApplicationObjective.objects.create(application=application, objective=Objective.EXPORT)
        WishedPartnerFactory(application=application)
        WishedPartnerFactory(application=application, priority=2)

    add_application(0)
    with_one = _dashboard_queries(rep_a)
    for n in range(1, 10):
        add_application(n)
    with_ten = _dashboard_queries(rep_a)

    assert with_one == with_ten == 9  # the applications waiting for review: one more


def test_application_detail_shows_everything_but_the_brochure_file(rep_a, application_a, partners):
    application_a.target_markets = ["SN", "BE"]
    application_a.brochure.name = "brochures/0123456789abcdef.pdf"
    application_a.save()
    ApplicationObjective.objects.create(
        application=application_a, objective=Objective.TECHNOLOGY_PARTNERSHIP
    )
    WishedPartnerFactory(
        application=application_a, partner=partners[1], priority=1, motivation="Vaccines"
    )

    response = rep_a.get(reverse("space:application_detail", args=[application_a.pk]))

    assert response.status_code == 200
    for text in ["Technology partnership", "Senegal", "Belgium", "BioWin", "Vaccines", "Uploaded"]:
        assert text in response.text
    assert "0123456789abcdef" not in response.text
    assert "brochures/" not in response.text
    assert reverse("space:wishes_edit", args=[application_a.pk]) in response.text
    assert reverse("space:withdraw", args=[application_a.pk]) in response.text


def test_application_detail_without_brochure_says_not_uploaded(rep_a, application_a):
    response = rep_a.get(reverse("space:application_detail", args=[application_a.pk]))

    assert "Not uploaded" in response.text


# --- Wished partners ------------------------------------------------------------------------


def test_wishes_edit_offers_only_the_mission_partners(rep_a, application_a, partners):
    stranger = PartnerOrganisationFactory(name="Not On This Mission")

    response = rep_a.get(reverse("space:wishes_edit", args=[application_a.pk]))

    assert response.status_code == 200
    for partner in partners:
        assert f'<option value="{partner.pk}">' in response.text
    assert stranger.name not in response.text
    assert response.text.count('name="form-') == 3 * len(partners) + 4


def test_wishes_edit_post_replaces_wishes(rep_a, application_a, partners):
    WishedPartnerFactory(application=application_a, partner=partners[0], priority=3)
    url = reverse("space:wishes_edit", args=[application_a.pk])

    response = rep_a.post(
        url,
        wish_data([(partners[2].pk, 1, "Biosimilars"), ("", 2, ""), (partners[1].pk, 3, "")]),
    )

    assert response.status_code == 302
    assert response.url == reverse("space:application_detail", args=[application_a.pk])
    assert list(
        application_a.wishes.order_by("priority").values_list("partner", "priority", "motivation")
    ) == [(partners[2].pk, 1, "Biosimilars"), (partners[1].pk, 3, "")]


def test_wishes_edit_after_deadline_refused_and_nothing_changed(rep_a, application_a, partners):
    WishedPartnerFactory(application=application_a, partner=partners[0], priority=3)
    application_a.mission.application_deadline = timezone.now() - dt.timedelta(hours=1)
    application_a.mission.save()
    url = reverse("space:wishes_edit", args=[application_a.pk])

    response = rep_a.post(url, wish_data([(partners[1].pk, 1, "")]), follow=True)

    assert response.redirect_chain == [
        (reverse("space:application_detail", args=[application_a.pk]), 302)
    ]
    assert "The deadline has passed" in response.text
    assert list(application_a.wishes.values_list("partner", "priority")) == [(partners[0].pk, 3)]
    assert rep_a.get(url).status_code == 302


def test_wishes_edit_partner_not_in_mission_refused(rep_a, application_a, partners):
    stranger = PartnerOrganisationFactory()

    response = rep_a.post(
        reverse("space:wishes_edit", args=[application_a.pk]),
        wish_data([(partners[0].pk, 1, "keep me"), (stranger.pk, 2, "")]),
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert "keep me" in response.text
    assert WishedPartner.objects.count() == 0


def test_wishes_edit_same_partner_twice_refused_keeps_typed_values(rep_a, application_a, partners):
    response = rep_a.post(
        reverse("space:wishes_edit", args=[application_a.pk]),
        wish_data([(partners[0].pk, 1, "first"), (partners[0].pk, 2, "second")]),
    )

    assert response.status_code == 200
    assert "This partner is already in your list." in response.text
    assert "first" in response.text
    assert "second" in response.text
    assert WishedPartner.objects.count() == 0


def test_wishes_edit_motivation_without_partner_refused(rep_a, application_a, partners):
    response = rep_a.post(
        reverse("space:wishes_edit", args=[application_a.pk]),
        wish_data([("", 2, "orphan motivation")]),
    )

    assert response.status_code == 200
    assert "Choose the partner this motivation is for." in response.text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"form-TOTAL_FORMS": "1000", "form-INITIAL_FORMS": "0"},
        {"form-TOTAL_FORMS": "x", "form-INITIAL_FORMS": "-1"},
        {**wish_data([("1; DROP TABLE", "9", "a" * 600)])},
    ],
)
def test_wishes_edit_garbage_post_never_500(rep_a, application_a, partners, data):
    response = rep_a.post(reverse("space:wishes_edit", args=[application_a.pk]), data)

    assert response.status_code == 200
    assert WishedPartner.objects.count() == 0


@pytest.mark.parametrize("counts", [("-1", "0"), ("0", "-1"), ("-5", "-5")])
def test_wishes_edit_negative_row_count_refused_and_keeps_the_wishes(
    rep_a, application_a, partners, counts
):
    # Django reads a negative count as no rows: the list was emptied (bad-input walk).
    WishedPartnerFactory(application=application_a, partner=partners[0], priority=1)
    total, initial = counts

    response = rep_a.post(
        reverse("space:wishes_edit", args=[application_a.pk]),
        {"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": initial},
    )

    assert response.status_code == 200
    assert "The form was not sent whole. Reload the page and try again." in response.text
    assert list(application_a.wishes.values_list("partner", flat=True)) == [partners[0].pk]


def test_wishes_edit_mission_without_partners_says_so(rep_a, application_a):
    response = rep_a.get(reverse("space:wishes_edit", args=[application_a.pk]))

    assert "The partners of this mission are not listed yet." in response.text


# --- Withdraw -------------------------------------------------------------------------------


def test_withdraw_confirmed_withdraws(rep_a, application_a):
    response = rep_a.post(
        reverse("space:withdraw", args=[application_a.pk]), {"confirm": "on"}, follow=True
    )

    assert "Your company has withdrawn from this mission." in response.text
    application_a.refresh_from_db()
    assert application_a.status == ApplicationStatus.WITHDRAWN


def test_withdraw_without_confirmation_changes_nothing(rep_a, application_a):
    response = rep_a.post(reverse("space:withdraw", args=[application_a.pk]), follow=True)

    assert "Tick the box" in response.text
    application_a.refresh_from_db()
    assert application_a.status == ApplicationStatus.APPLIED


def test_withdraw_rejected_application_refused(rep_a, application_a):
    application_a.status = ApplicationStatus.REJECTED
    application_a.save()

    response = rep_a.post(
        reverse("space:withdraw", args=[application_a.pk]), {"confirm": "on"}, follow=True
    )

    assert "This application can no longer be withdrawn." in response.text
    application_a.refresh_from_db()
    assert application_a.status == ApplicationStatus.REJECTED


def test_withdraw_get_not_allowed(rep_a, application_a):
    assert rep_a.get(reverse("space:withdraw", args=[application_a.pk])).status_code == 405


# --- Profile --------------------------------------------------------------------------------


def test_profile_shows_tax_id_read_only(rep_a, company_a):
    response = rep_a.get(reverse("space:profile"))

    assert company_a.tax_id_display in response.text
    assert 'name="tax_id"' not in response.text
    assert 'name="legal_name"' in response.text
    assert 'name="export_markets"' in response.text


def test_profile_post_writes_one_revision_with_exact_changes(rep_a, company_a, company_a_user):
    sector = SectorFactory(slug="vaccines-test")

    response = rep_a.post(
        reverse("space:profile"),
        profile_data(
            company_a,
            city="Sidi Thabet",
            sectors=[sector.pk],
            export_markets=["SN", "BE"],
            website="biopole.example.tn",
        ),
    )

    assert response.status_code == 302
    revision = CompanyRevision.objects.get()
    assert revision.changes == {
        "city": ["", "Sidi Thabet"],
        "sectors": [[], ["vaccines-test"]],
        "export_markets": [[], ["BE", "SN"]],
        "website": ["", "https://biopole.example.tn"],
    }
    assert revision.changed_by == company_a_user
    page = rep_a.get(reverse("space:profile"))
    assert "Sidi Thabet" in page.text
    assert "Senegal" in page.text


def test_profile_post_unchanged_writes_no_revision(rep_a, company_a):
    response = rep_a.post(reverse("space:profile"), profile_data(company_a), follow=True)

    assert "Nothing changed in your profile." in response.text
    assert CompanyRevision.objects.count() == 0


def test_profile_invalid_post_keeps_typed_values(rep_a, company_a):
    response = rep_a.post(
        reverse("space:profile"),
        profile_data(company_a, legal_name="", city="Typed city", website="not a url at all"),
    )

    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert 'value="Typed city"' in response.text
    assert CompanyRevision.objects.count() == 0
    company_a.refresh_from_db()
    assert company_a.legal_name == "Alpha Pharma SA"


@pytest.mark.parametrize(
    "changes",
    [
        {"size": "gigantic"},
        {"governorate": "<script>"},
        {"sectors": ["x"]},
        {"sectors": [str(2**63)]},
        {"certifications": [str(2**64), "-" + str(2**63 + 1)]},
        {"export_markets": ["ZZZ"]},
        {"city": "a\x00b"},
        {"description": "x" * 6000},
    ],
)
def test_profile_garbage_post_never_500(rep_a, company_a, changes):
    response = rep_a.post(reverse("space:profile"), profile_data(company_a, **changes))

    assert response.status_code == 200
    assert 'class="errorlist' in response.text
    assert CompanyRevision.objects.count() == 0


def test_profile_html_in_description_shown_as_text(rep_a, company_a):
    payload = "<script>alert('x')</script><b>bold</b>"
    rep_a.post(reverse("space:profile"), profile_data(company_a, description=payload))

    response = rep_a.get(reverse("space:profile"))

    assert "&lt;script&gt;alert(" in response.text
    assert "<script>alert" not in response.text
    assert "<b>bold</b>" not in response.text


def test_html_in_names_shown_as_text_on_space_pages(rep_a, company_a, application_a, partners):
    company_a.legal_name = "<script>alert(1)</script> SA"
    company_a.save()
    application_a.mission.title = "<img src=x onerror=alert(1)>"
    application_a.mission.save()
    WishedPartnerFactory(
        application=application_a, partner=partners[0], motivation="<script>alert(2)</script>"
    )

    pages = [
        rep_a.get(reverse("space:home")),
        rep_a.get(reverse("space:application_detail", args=[application_a.pk])),
        rep_a.get(reverse("space:wishes_edit", args=[application_a.pk])),
        rep_a.get(reverse("space:profile")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text


# --- Languages ------------------------------------------------------------------------------


def test_space_in_arabic_is_right_to_left(client, company_a_user):
    client.force_login(company_a_user)
    client.cookies[LANGUAGE_COOKIE] = "ar"

    response = client.get(reverse("space:home"))

    assert '<html lang="ar" dir="rtl">' in response.text


def test_login_page_in_arabic_is_right_to_left(client):
    client.cookies[LANGUAGE_COOKIE] = "ar"

    response = client.get(reverse("space:login"))

    assert 'dir="rtl"' in response.text


def test_language_switch_is_remembered_for_emails(client, company_a_user):
    client.force_login(company_a_user)
    client.cookies[LANGUAGE_COOKIE] = "en"

    client.get(reverse("space:home"))

    company_a_user.refresh_from_db()
    assert company_a_user.language == "en"


def test_browser_without_language_cookie_gets_the_representative_language(client, company_a_user):
    company_a_user.language = "ar"
    company_a_user.save()
    client.force_login(company_a_user)

    response = client.get(reverse("space:home"))

    assert 'dir="rtl"' in response.text
    assert response.cookies[LANGUAGE_COOKIE].value == "ar"
