"""The one rule for wished partners (service, model clean, admin inline) and withdrawal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from missions.enums import ApplicationStatus, MissionStatus
from missions.models import WishedPartner
from missions.services import wishes_update
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    WishedPartnerFactory,
)

pytestmark = pytest.mark.django_db


# --- wishes_update --------------------------------------------------------------------------


@pytest.fixture
def mission():
    return MissionFactory()


@pytest.fixture
def partners(mission):
    return [MissionPartnerFactory(mission=mission).organisation for _ in range(3)]


@pytest.fixture
def application(mission, company_a):
    return ApplicationFactory(mission=mission, company=company_a)


def test_wishes_update_replaces_wishes(application, partners, company_a_user):
    WishedPartnerFactory(application=application, partner=partners[0], priority=3)

    wishes_update(
        application=application,
        wishes=[(partners[1], 1, "Vaccines"), (partners[2], 2, "")],
        by=company_a_user,
    )

    assert [
        (w.partner, w.priority, w.motivation)
        for w in WishedPartner.objects.filter(application=application).order_by("priority")
    ] == [(partners[1], 1, "Vaccines"), (partners[2], 2, "")]


def test_wishes_update_empty_list_removes_all(application, partners, company_a_user):
    WishedPartnerFactory(application=application, partner=partners[0])

    wishes_update(application=application, wishes=[], by=company_a_user)

    assert WishedPartner.objects.count() == 0


def test_wishes_update_after_deadline_refused(application, partners, company_a_user):
    WishedPartnerFactory(application=application, partner=partners[0], priority=3)
    application.mission.application_deadline = timezone.now() - dt.timedelta(minutes=1)
    application.mission.save()

    with pytest.raises(ValidationError, match="deadline has passed") as excinfo:
        wishes_update(application=application, wishes=[(partners[1], 1, "")], by=company_a_user)

    assert excinfo.value.code == "deadline"
    assert list(WishedPartner.objects.values_list("partner", "priority")) == [(partners[0].pk, 3)]


def test_wishes_update_mission_closed_refused(application, partners, company_a_user):
    application.mission.status = MissionStatus.CLOSED
    application.mission.save()

    with pytest.raises(ValidationError) as excinfo:
        wishes_update(application=application, wishes=[(partners[1], 1, "")], by=company_a_user)

    assert excinfo.value.code == "deadline"


@pytest.mark.parametrize("status", [ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
def test_wishes_update_settled_application_refused(status, application, partners, company_a_user):
    application.status = status
    application.save()

    with pytest.raises(ValidationError) as excinfo:
        wishes_update(application=application, wishes=[(partners[1], 1, "")], by=company_a_user)

    assert excinfo.value.code == "frozen"
    assert WishedPartner.objects.count() == 0


def test_wishes_update_partner_not_in_mission_refused(application, partners, company_a_user):
    stranger = PartnerOrganisationFactory()

    with pytest.raises(ValidationError) as excinfo:
        wishes_update(
            application=application,
            wishes=[(partners[0], 1, ""), (stranger, 2, "")],
            by=company_a_user,
        )

    assert excinfo.value.code == "not_in_mission"
    assert WishedPartner.objects.count() == 0


def test_wishes_update_same_partner_twice_refused(application, partners, company_a_user):
    with pytest.raises(ValidationError) as excinfo:
        wishes_update(
            application=application,
            wishes=[(partners[0], 1, ""), (partners[0], 2, "")],
            by=company_a_user,
        )

    assert excinfo.value.code == "duplicate"


@pytest.mark.parametrize("priority", [0, 4])
def test_wishes_update_priority_out_of_range_refused(
    priority, application, partners, company_a_user
):
    with pytest.raises(ValidationError) as excinfo:
        wishes_update(
            application=application, wishes=[(partners[0], priority, "")], by=company_a_user
        )

    assert excinfo.value.code == "priority"


def test_wishes_update_long_motivation_refused(application, partners, company_a_user):
    with pytest.raises(ValidationError) as excinfo:
        wishes_update(
            application=application, wishes=[(partners[0], 1, "x" * 501)], by=company_a_user
        )

    assert excinfo.value.code == "motivation_length"


def test_wishes_update_other_mission_partner_refused(application, partners, company_a_user):
    other = MissionPartnerFactory(mission=MissionFactory()).organisation

    with pytest.raises(ValidationError) as excinfo:
        wishes_update(application=application, wishes=[(other, 1, "")], by=company_a_user)

    assert excinfo.value.code == "not_in_mission"


def test_wishes_update_does_not_touch_other_applications(application, partners, company_b):
    other = ApplicationFactory(mission=application.mission, company=company_b)
    WishedPartnerFactory(application=other, partner=partners[0])

    wishes_update(application=application, wishes=[(partners[1], 1, "")], by=None)

    assert list(other.wishes.values_list("partner", flat=True)) == [partners[0].pk]
