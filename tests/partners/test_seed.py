"""The data migration that seeds the sector taxonomy and the certifications."""

import importlib

import pytest
from django.apps import apps

from partners.models import Certification, Sector

seed_migration = importlib.import_module("partners.migrations.0002_seed_sectors")


@pytest.mark.django_db
def test_seed_sectors_exist_in_order_with_three_languages():
    sectors = list(Sector.objects.filter(slug__in=[row[0] for row in seed_migration.SECTORS]))

    assert [s.slug for s in sectors] == [
        "pharma",
        "biotech",
        "vaccines",
        "biosimilars",
        "medical-devices",
        "cosmetics",
        "diagnostics",
        "health-wellbeing",
    ]
    vaccines = Sector.objects.get(slug="vaccines")
    assert (vaccines.name, vaccines.name_en, vaccines.name_ar) == (
        "Vaccins",
        "Vaccines",
        "اللقاحات",
    )
    assert all(s.name and s.name_en and s.name_ar for s in sectors)


@pytest.mark.django_db
def test_seed_certifications_exist():
    codes = set(Certification.objects.values_list("code", flat=True))

    assert {
        "gmp",
        "eu-gmp",
        "iso-9001",
        "iso-13485",
        "iso-22716",
        "iso-14001",
        "iso-17025",
        "who-pq",
        "fda",
    } <= codes
    assert Certification.objects.get(code="gmp").name == "GMP (Good Manufacturing Practice)"
    assert Certification.objects.get(code="who-pq").name == "WHO prequalification"
    assert "cosmetics GMP" in Certification.objects.get(code="iso-22716").name


@pytest.mark.django_db
def test_seed_rerun_updates_in_place_without_duplicates():
    Sector.objects.filter(slug="pharma").update(name="Renamed", position=99)
    before = (Sector.objects.count(), Certification.objects.count())

    seed_migration.seed(apps, schema_editor=None)

    assert (Sector.objects.count(), Certification.objects.count()) == before
    pharma = Sector.objects.get(slug="pharma")
    assert (pharma.name, pharma.position) == ("Industrie pharmaceutique", 10)
