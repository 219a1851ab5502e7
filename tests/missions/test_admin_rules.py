"""One home per rule, through the admin too (issue 7): wishes, capacity, staff-added
applications go through the same rules and services as the portal.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.enums import ApplicationStatus, Objective
from missions.models import Application, WishedPartner
from missions.rules import MAX_WISHES
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _change(client, application, wishes: list[tuple[int, int, str]]):
    data = {
        "contact": application.contact.pk,
        "language": "en",
        "staff_notes": "",
        "motivation": application.motivation,
        "objectives-TOTAL_FORMS": "0",
        "objectives-INITIAL_FORMS": "0",
        "wishes-TOTAL_FORMS": str(len(wishes)),
        "wishes-INITIAL_FORMS": "0",
    }
    for index, (partner_id, priority, motivation) in enumerate(wishes):
        data[f"wishes-{index}-partner"] = partner_id
        data[f"wishes-{index}-priority"] = priority
        data[f"wishes-{index}-motivation"] = motivation
    return client.post(reverse("admin:missions_application_change", args=[application.pk]), data)


def _errors(response) -> str:
    return response.content.decode()


# --- Wishes ---------------------------------------------------------------------------------


def test_admin_wishes_partner_of_another_mission_refused(client, staff):
    application = ApplicationFactory()
    stranger = PartnerOrganisationFactory(name="Stranger Lab")
    application.mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    response = _change(client, application, [(stranger.pk, 1, "")])

    assert response.status_code == 200
    assert "Stranger Lab does not take part in this mission." in _errors(response)
    assert WishedPartner.objects.count() == 0


def test_admin_wishes_more_than_the_maximum_refused(client, staff):
    application = ApplicationFactory()
    partners = [
        MissionPartnerFactory(mission=application.mission).organisation
        for _ in range(MAX_WISHES + 1)
    ]
    application.mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)

    response = _change(client, application, [(p.pk, 2, "") for p in partners])

    assert response.status_code == 200
    assert WishedPartner.objects.count() == 0


def test_admin_wishes_after_the_deadline_refused(client, staff):
    mission = MissionFactory(application_deadline=timezone.now() - dt.timedelta(days=1))
    partner = MissionPartnerFactory(mission=mission).organisation
    application = ApplicationFactory(mission=mission)
    mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    response = _change(client, application, [(partner.pk, 1, "")])

    assert response.status_code == 200
    assert "The deadline has passed" in _errors(response)
    assert WishedPartner.objects.count() == 0


def test_admin_wishes_within_the_rule_saved(client, staff):
    application = ApplicationFactory()
    partner = MissionPartnerFactory(mission=application.mission).organisation
    application.mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)

    response = _change(client, application, [(partner.pk, 1, "Vaccines")])

    assert response.status_code == 302
    assert list(WishedPartner.objects.values_list("partner", "priority")) == [(partner.pk, 1)]


def test_wished_partner_clean_partner_not_in_mission_refused():
    from django.core.exceptions import ValidationError

    wish = WishedPartner(
        application=ApplicationFactory(), partner=PartnerOrganisationFactory(), priority=1
    )

    with pytest.raises(ValidationError):
        wish.full_clean()


# --- Capacity -------------------------------------------------------------------------------


def _mission_form(mission, **changes) -> dict:
    data = {
        "title": mission.title,
        "slug": mission.slug,
        "kind": mission.kind,
        "destination_country": mission.destination_country.code,
        "time_zone": mission.time_zone,
        "language": mission.language,
        "starts_on": mission.starts_on.isoformat(),
        "ends_on": mission.ends_on.isoformat(),
        "capacity": mission.capacity,
        "organiser": mission.organiser,
        "programme_items-TOTAL_FORMS": "0",
        "programme_items-INITIAL_FORMS": "0",
        "mission_partners-TOTAL_FORMS": "0",
        "mission_partners-INITIAL_FORMS": "0",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_capacity_below_seated_refused_with_message(client, staff):
    mission = MissionFactory(capacity=2)
    ApplicationFactory.create_batch(2, mission=mission, status=ApplicationStatus.ACCEPTED)
    mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("admin:missions_mission_change", args=[mission.pk]),
        _mission_form(mission, capacity=1),
    )

    assert response.status_code == 200
    assert "2 companies already have a place" in _errors(response)
    mission.refresh_from_db()
    assert mission.capacity == 2


def test_admin_capacity_raised_promotes_waitlist_in_order_and_emails(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    mission = MissionFactory(capacity=1)
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    first = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=now - dt.timedelta(days=2),
    )
    second = ApplicationFactory(
        mission=mission,
        status=ApplicationStatus.WAITLISTED,
        waitlisted_at=now - dt.timedelta(days=1),
    )
    mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:missions_mission_change", args=[mission.pk]),
            _mission_form(mission, capacity=2),
        )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
    )
    assert [mail.to for mail in mailoutbox] == [[first.contact.email]]


# --- Applications added by staff ------------------------------------------------------------


def test_admin_add_application_goes_through_the_service(client, staff):
    mission = MissionFactory()
    company = CompanyFactory()
    contact = ContactFactory(company=company)
    mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)

    response = client.post(
        reverse("admin:missions_application_add"),
        {
            "mission": mission.pk,
            "company": company.pk,
            "contact": contact.pk,
            "language": "fr",
            "objectives": [Objective.EXPORT, Objective.LICENSING],
            "motivation": "Called us.",
            "consent": "on",
        },
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:missions_application_change", args=[application.pk])
    assert (application.status, application.contact) == (ApplicationStatus.APPLIED, contact)
    assert sorted(application.objectives.values_list("objective", flat=True)) == [
        Objective.EXPORT,
        Objective.LICENSING,
    ]
    assert application.consent_text_version


def test_admin_add_application_second_for_same_company_refused_with_message(client, staff):
    existing = ApplicationFactory()
    existing.mission.team.add(staff)  # the chargé de mission works on it
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("admin:missions_application_add"),
        {
            "mission": existing.mission.pk,
            "company": existing.company.pk,
            "language": "fr",
            "objectives": [Objective.EXPORT],
            "consent": "on",
        },
    )

    assert response.status_code == 200
    assert "has already applied to this mission" in _errors(response)
    assert Application.objects.count() == 1
