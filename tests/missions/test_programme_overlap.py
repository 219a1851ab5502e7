"""Programme items of one mission never overlap (exclusion constraint on PostgreSQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from missions.models import ProgrammeItem
from tests.conftest import requires_postgres
from tests.factories import MissionFactory, ProgrammeItemFactory

pytestmark = pytest.mark.django_db

NINE = dt.datetime(2027, 7, 10, 9, 0, tzinfo=dt.UTC)


def _item(mission, start, hours=1, **kwargs):
    return ProgrammeItem(
        mission=mission,
        kind="institutional",
        title=kwargs.pop("title", "Item"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        **kwargs,
    )


def test_programme_item_clean_overlap_in_same_mission_refused_with_title():
    mission = MissionFactory()
    ProgrammeItemFactory(
        mission=mission, title="BioWin", starts_at=NINE, ends_at=NINE + dt.timedelta(hours=2)
    )

    with pytest.raises(ValidationError, match="BioWin"):
        _item(mission, NINE + dt.timedelta(hours=1)).full_clean()


def test_programme_item_clean_back_to_back_items_accepted():
    mission = MissionFactory()
    ProgrammeItemFactory(mission=mission, starts_at=NINE, ends_at=NINE + dt.timedelta(hours=1))

    _item(mission, NINE + dt.timedelta(hours=1)).full_clean()


def test_programme_item_clean_same_time_other_mission_accepted():
    ProgrammeItemFactory(starts_at=NINE, ends_at=NINE + dt.timedelta(hours=1))

    _item(MissionFactory(), NINE).full_clean()


@requires_postgres
def test_programme_item_back_to_back_accepted_by_database():
    mission = MissionFactory()
    ProgrammeItemFactory(mission=mission, starts_at=NINE, ends_at=NINE + dt.timedelta(hours=1))

    _item(mission, NINE + dt.timedelta(hours=1)).save()

    assert mission.programme_items.count() == 2
