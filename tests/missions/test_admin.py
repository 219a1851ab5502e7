"""The missions admin: decisions through the services, brochures, counts and local times."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from missions.enums import ApplicationStatus, MissionStatus, Objective
from missions.models import Application, ApplicationObjective
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    ProgrammeItemFactory,
    SectorFactory,
    WishedPartnerFactory,
)
from tests.queries import page_queries

CHANGELIST = "admin:missions_application_changelist"


def _messages(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


def _decide_url(application, status: str) -> str:
    return reverse("admin:missions_application_decide", args=[application.pk, status])


def _brochure_url(application) -> str:
    return reverse("admin:missions_application_brochure", args=[application.pk])


@pytest.fixture
def mission(staff):
    mission = MissionFactory(title="Wallonie 2017", capacity=2)
    mission.team.add(staff)  # the chargé de mission works on it
    return mission


# --- Bulk decisions --------------------------------------------------------------------------


def test_accept_action_over_capacity_accepts_the_first_two_and_reports_the_third(
    client, staff, mission, django_capture_on_commit_callbacks
):
    first, second, third = (
        ApplicationFactory(mission=mission, submitted_at=mission.created_at + dt.timedelta(hours=h))
        for h in (1, 2, 3)
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "accept", "_selected_action": [third.pk, first.pk, second.pk]},
            follow=True,
        )

    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: ApplicationStatus.ACCEPTED,
        second.pk: ApplicationStatus.ACCEPTED,
        third.pk: ApplicationStatus.APPLIED,
    }
    levels = [level for level, _message in _messages(response)]
    assert sorted(levels) == [SUCCESS, ERROR]
    errors = [message for level, message in _messages(response) if level == ERROR]
    assert len(errors) == 1
    assert third.company.legal_name in errors[0]


def test_accept_action_sends_each_company_its_email_in_its_language(
    client, staff, mission, mailoutbox, django_capture_on_commit_callbacks
):
    english = ApplicationFactory(mission=mission, language="en")
    arabic = ApplicationFactory(mission=mission, language="ar")
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(CHANGELIST),
            {"action": "accept", "_selected_action": [english.pk, arabic.pk]},
        )

    sent = {tuple(mail.to): mail.extra_headers["Content-Language"] for mail in mailoutbox}
    assert sent == {(english.contact.email,): "en", (arabic.contact.email,): "ar"}
    assert all(mission.title in mail.subject for mail in mailoutbox)


def test_waitlist_action_waitlists_through_the_service(
    client, staff, mission, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(mission=mission)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(CHANGELIST), {"action": "waitlist", "_selected_action": [application.pk]}
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITLISTED
    assert application.waitlisted_at is not None
    assert application.decided_by == staff
    assert [mail.to for mail in mailoutbox] == [[application.contact.email]]


def test_reject_action_of_a_seated_company_promotes_the_first_waitlisted(
    client, staff, mission, django_capture_on_commit_callbacks
):
    seated = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    waiting = ApplicationFactory(mission=mission, status=ApplicationStatus.WAITLISTED)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(CHANGELIST), {"action": "reject", "_selected_action": [seated.pk]})

    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (
        ApplicationStatus.REJECTED,
        ApplicationStatus.ACCEPTED,
    )


def test_decision_actions_hidden_from_manager(client, manager, mission):
    ApplicationFactory(mission=mission)
    client.force_login(manager)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert response.context["action_form"] is None or not any(
        name in ("accept", "waitlist", "reject")
        for name, _label in response.context["action_form"].fields["action"].choices
    )


# --- One decision from the change form -------------------------------------------------------


def test_decide_url_get_refused(client, staff, mission):
    application = ApplicationFactory(mission=mission)
    client.force_login(staff)

    response = client.get(_decide_url(application, ApplicationStatus.ACCEPTED))

    assert response.status_code == 405
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_decide_url_post_by_staff_accepts_and_redirects_to_the_application(
    client, staff, mission, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(mission=mission, language="en")
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide_url(application, ApplicationStatus.ACCEPTED))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:missions_application_change", args=[application.pk]
    )
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.ACCEPTED, staff)
    assert [mail.extra_headers["Content-Language"] for mail in mailoutbox] == ["en"]


def test_decide_url_post_on_a_full_mission_reports_the_error(client, staff, mission):
    ApplicationFactory.create_batch(2, mission=mission, status=ApplicationStatus.ACCEPTED)
    application = ApplicationFactory(mission=mission)
    client.force_login(staff)

    response = client.post(_decide_url(application, ApplicationStatus.ACCEPTED), follow=True)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED
    assert [level for level, _message in _messages(response)] == [ERROR]


def test_decide_url_post_by_manager_refused(client, manager, mission):
    application = ApplicationFactory(mission=mission)
    client.force_login(manager)

    response = client.post(_decide_url(application, ApplicationStatus.ACCEPTED))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_decide_url_post_without_csrf_token_refused(staff, mission):
    application = ApplicationFactory(mission=mission)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(_decide_url(application, ApplicationStatus.ACCEPTED))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPLIED


def test_decide_url_unknown_decision_not_found(client, staff, mission):
    application = ApplicationFactory(mission=mission)
    client.force_login(staff)

    response = client.post(_decide_url(application, ApplicationStatus.CONFIRMED))

    assert response.status_code == 404


def test_application_change_form_offers_the_allowed_decisions_only(client, staff, mission):
    application = ApplicationFactory(mission=mission, status=ApplicationStatus.WAITLISTED)
    client.force_login(staff)

    response = client.get(reverse("admin:missions_application_change", args=[application.pk]))

    urls = [decision["url"] for decision in response.context["decisions"]]
    assert urls == [
        _decide_url(application, ApplicationStatus.ACCEPTED),
        _decide_url(application, ApplicationStatus.REJECTED),
    ]
    assert f'action="{urls[0]}"' in response.content.decode()


def test_application_change_form_status_cannot_be_typed(client, staff, mission):
    application = ApplicationFactory(mission=mission, staff_notes="")
    client.force_login(staff)
    url = reverse("admin:missions_application_change", args=[application.pk])

    response = client.post(
        url,
        {
            "status": ApplicationStatus.ACCEPTED,
            "contact": application.contact.pk,
            "language": "fr",
            "staff_notes": "Called them.",
            "motivation": "",
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
            "wishes-TOTAL_FORMS": "0",
            "wishes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    application.refresh_from_db()
    assert (application.status, application.staff_notes) == (
        ApplicationStatus.APPLIED,
        "Called them.",
    )


def test_application_change_form_rejects_a_brochure_that_is_not_a_pdf(client, staff, mission):
    application = ApplicationFactory(mission=mission)
    client.force_login(staff)
    url = reverse("admin:missions_application_change", args=[application.pk])

    response = client.post(
        url,
        {
            "contact": application.contact.pk,
            "language": "fr",
            "brochure": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"),
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
            "wishes-TOTAL_FORMS": "0",
            "wishes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "brochure" in response.context["adminform"].form.errors
    application.refresh_from_db()
    assert not application.brochure


def test_application_change_form_refuses_a_contact_of_another_company(client, staff, mission):
    # Decision e-mails go to the application's contact: never a person of another company.
    application = ApplicationFactory(mission=mission)
    stranger = ContactFactory(company=CompanyFactory(legal_name="Other SA"), first_name="Sami")
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("admin:missions_application_change", args=[application.pk])

    response = client.post(
        url,
        {
            "contact": stranger.pk,
            "language": "fr",
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
            "wishes-TOTAL_FORMS": "0",
            "wishes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["contact"]
    assert errors == [f"{stranger} does not work at {application.company.legal_name}."]
    application.refresh_from_db()
    assert application.contact != stranger


# --- Brochures -------------------------------------------------------------------------------


@pytest.fixture
def application_with_brochure(mission):
    application = ApplicationFactory(mission=mission, company__legal_name="Alpha Pharma SA")
    application.brochure.save("Our brochure.PDF", ContentFile(b"%PDF-1.4 brochure"), save=True)
    return application


def test_brochure_staff_downloads_the_private_file(client, staff, application_with_brochure):
    client.force_login(staff)

    response = client.get(_brochure_url(application_with_brochure))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 brochure"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="brochure-alpha-pharma-sa.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_brochure_manager_with_view_permission_downloads(
    client, manager, application_with_brochure
):
    client.force_login(manager)

    response = client.get(_brochure_url(application_with_brochure))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 brochure"


def test_brochure_company_user_sent_to_admin_login(
    client, company_a_user, application_with_brochure
):
    client.force_login(company_a_user)

    response = client.get(_brochure_url(application_with_brochure))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_brochure_anonymous_sent_to_admin_login(client, application_with_brochure):
    response = client.get(_brochure_url(application_with_brochure))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_brochure_missing_not_found(client, staff, mission):
    application = ApplicationFactory(mission=mission)
    client.force_login(staff)

    response = client.get(_brochure_url(application))

    assert response.status_code == 404


def test_brochure_listed_as_a_link_to_the_view(client, staff, application_with_brochure):
    client.force_login(staff)

    listing = client.get(reverse(CHANGELIST))
    change = client.get(
        reverse("admin:missions_application_change", args=[application_with_brochure.pk])
    )

    assert f'href="{_brochure_url(application_with_brochure)}"' in listing.content.decode()
    assert f'href="{_brochure_url(application_with_brochure)}"' in change.content.decode()


def test_application_change_page_manager_views_the_brochure_link(
    client, manager, application_with_brochure
):
    client.force_login(manager)

    response = client.get(
        reverse("admin:missions_application_change", args=[application_with_brochure.pk])
    )

    assert response.status_code == 200
    assert f'href="{_brochure_url(application_with_brochure)}"' in response.content.decode()
    assert "decisions" not in response.context


# --- Application changelist ------------------------------------------------------------------


def _application_with_details(**kwargs):
    application = ApplicationFactory(**kwargs)
    ApplicationObjective.objects.create(application=application, objective=Objective.EXPORT)
    ApplicationObjective.objects.create(application=application, objective=Objective.LICENSING)
    WishedPartnerFactory.create_batch(2, application=application)
    sector = SectorFactory(slug="pharma-x")
    application.company.sectors.add(sector)
    return application


def _changelist_queries(client) -> int:
    return page_queries(client, reverse(CHANGELIST))


def test_application_changelist_queries_same_for_one_and_ten_rows(client, staff, mission):
    client.force_login(staff)
    _application_with_details(mission=mission)
    one = _changelist_queries(client)

    for _i in range(9):
        _application_with_details(mission=mission)
    ten = _changelist_queries(client)

    assert Application.objects.filter(mission=mission).count() == 10
    assert one == ten


def test_application_changelist_shows_objectives_and_wish_count(client, staff, mission):
    application = _application_with_details(mission=mission)
    client.force_login(staff)

    response = client.get(reverse(CHANGELIST))

    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    assert row == application
    assert model_admin.wish_count(row) == 2
    with translation.override("en"):
        assert model_admin.objective_list(row) == "Export, Licensing"


def test_application_changelist_filters_by_sector_and_objective(client, staff, mission):
    pharma = _application_with_details(mission=mission)
    other = ApplicationFactory(mission=mission)
    ApplicationObjective.objects.create(application=other, objective=Objective.DISTRIBUTION)
    client.force_login(staff)

    by_sector = client.get(reverse(CHANGELIST), {"sector": "pharma-x"})
    by_objective = client.get(reverse(CHANGELIST), {"objective": Objective.DISTRIBUTION})

    assert list(by_sector.context["cl"].result_list) == [pharma]
    assert list(by_objective.context["cl"].result_list) == [other]


# --- Missions --------------------------------------------------------------------------------


def test_publish_action_opens_a_draft_mission(client, staff):
    draft = MissionFactory(status=MissionStatus.DRAFT)
    draft.team.add(staff)
    client.force_login(staff)

    response = client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == MissionStatus.OPEN
    assert [level for level, _message in _messages(response)] == [SUCCESS]


def test_close_action_on_a_draft_mission_reports_the_refused_transition(client, staff):
    draft = MissionFactory(status=MissionStatus.DRAFT)
    draft.team.add(staff)
    client.force_login(staff)

    response = client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "close_applications", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == MissionStatus.DRAFT
    assert [level for level, _message in _messages(response)] == [ERROR]


def test_mission_changelist_counts_applications_and_seats(client, staff, mission):
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(mission=mission, status=ApplicationStatus.WAITLISTED)
    ApplicationFactory(mission=mission)
    client.force_login(staff)

    response = client.get(reverse("admin:missions_mission_changelist"))

    row = response.context["cl"].result_list[0]
    assert (row.application_total, response.context["cl"].model_admin.seats(row)) == (3, "1 / 2")


def test_mission_changelist_queries_same_for_one_and_ten_rows(client, staff):
    client.force_login(staff)
    ApplicationFactory()

    def count() -> int:
        return page_queries(client, reverse("admin:missions_mission_changelist"))

    one = count()
    ApplicationFactory.create_batch(9)
    assert count() == one


# --- Local times -----------------------------------------------------------------------------


@pytest.fixture
def brussels_mission(staff):
    mission = MissionFactory(
        title="Wallonie 2017",
        time_zone="Europe/Brussels",
        starts_on=dt.date(2017, 7, 9),
        ends_on=dt.date(2017, 7, 15),
        application_deadline=None,
    )
    mission.team.add(staff)  # the chargé de mission works on it
    return mission


@pytest.fixture
def morning_item(brussels_mission):
    return ProgrammeItemFactory(
        mission=brussels_mission,
        title="BioPark Charleroi",
        starts_at=dt.datetime(2017, 7, 10, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2017, 7, 10, 8, 30, tzinfo=dt.UTC),
    )


def test_mission_change_page_shows_programme_in_the_mission_time_zone(
    client, staff, brussels_mission, morning_item
):
    client.force_login(staff)

    response = client.get(reverse("admin:missions_mission_change", args=[brussels_mission.pk]))

    content = response.content.decode()
    assert 'name="programme_items-0-starts_at_1" value="09:00:00"' in content
    assert 'name="programme_items-0-ends_at_1" value="10:30:00"' in content


def test_programme_item_changelist_shows_local_time_and_zone(client, staff, morning_item):
    client.force_login(staff)

    response = client.get(reverse("admin:missions_programmeitem_changelist"))

    assert "09:00 (Europe/Brussels)" in response.content.decode()


def test_programme_item_change_form_reads_typed_times_in_the_mission_time_zone(
    client, staff, brussels_mission, morning_item
):
    client.force_login(staff)
    url = reverse("admin:missions_programmeitem_change", args=[morning_item.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "mission": brussels_mission.pk,
            "kind": morning_item.kind,
            "title": morning_item.title,
            "description": "",
            "starts_at_0": "2017-07-10",
            "starts_at_1": "10:00",
            "ends_at_0": "2017-07-10",
            "ends_at_1": "11:00",
        },
    )

    assert 'name="starts_at_1" value="09:00:00"' in page.content.decode()
    assert response.status_code == 302, response.context["adminform"].form.errors
    morning_item.refresh_from_db()
    assert morning_item.starts_at == dt.datetime(2017, 7, 10, 8, 0, tzinfo=dt.UTC)


def test_programme_item_add_form_for_a_mission_reads_times_in_its_time_zone(
    client, staff, brussels_mission
):
    client.force_login(staff)

    response = client.post(
        reverse("admin:missions_programmeitem_add"),
        {
            "mission": brussels_mission.pk,
            "kind": "reception",
            "title": "Reception",
            "description": "",
            "starts_at_0": "2017-07-10",
            "starts_at_1": "19:00",
            "ends_at_0": "2017-07-10",
            "ends_at_1": "21:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    item = brussels_mission.programme_items.get()
    assert item.starts_at == dt.datetime(2017, 7, 10, 17, 0, tzinfo=dt.UTC)


def test_programme_item_add_page_without_mission_opens(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:missions_programmeitem_add"))

    assert response.status_code == 200
