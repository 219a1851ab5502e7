"""Partners: the constraints of companies, partner organisations, key figures and contacts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from partners.enums import ClaimStatus, KeyFigureKind, PartnerKind
from partners.models import (
    Company,
    Contact,
    KeyFigure,
    PartnerOrganisation,
    Sector,
    TravelTime,
    Venue,
)
from tests.constraints import untested_constraints, violates
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    PartnerOrganisationFactory,
    RepresentativeClaimFactory,
    SectorFactory,
    VenueFactory,
)


def test_every_constraint_of_the_partners_models_has_a_test():
    # A constraint added to a model without a test here makes this test fail.
    names, missing = untested_constraints(app_label="partners", test_file=__file__)

    assert names
    assert missing == []


# --- Company ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_company_empty_legal_name_raises_integrity_error():
    with violates("company_legal_name_set"):
        Company.objects.create(legal_name="", tax_id="1234567A")


@pytest.mark.django_db
def test_company_empty_tax_id_raises_integrity_error():
    with violates("company_tax_id_set"):
        Company.objects.create(legal_name="Alpha Pharma SA", tax_id="")


@pytest.mark.django_db
def test_company_same_tax_id_twice_raises_integrity_error():
    Company.objects.create(legal_name="Alpha Pharma SA", tax_id="1234567A")

    with violates("tax_id"):
        Company.objects.create(legal_name="Alpha Pharma bis SA", tax_id="1234567A")


@pytest.mark.django_db
def test_company_save_stores_tax_id_normalised():
    company = Company.objects.create(legal_name="Alpha Pharma SA", tax_id=" 1234567a / a / m / 000")

    company.refresh_from_db()

    assert company.tax_id == "1234567AAM000"
    assert company.tax_id_display == "1234567A/A/M/000"


@pytest.mark.django_db
def test_company_tax_id_in_other_spelling_raises_integrity_error():
    Company.objects.create(legal_name="Alpha Pharma SA", tax_id="1234567/a")

    with violates("tax_id"):
        Company.objects.create(legal_name="Alpha Pharma bis SA", tax_id="1234567A")


@pytest.mark.django_db
def test_company_full_clean_tax_id_in_other_spelling_raises_validation_error():
    # Python validation must give the friendly message before the database refuses the row:
    # "1234567/a" is the company "1234567A" already registered.
    CompanyFactory(tax_id="1234567A")
    company = Company(legal_name="Alpha Pharma bis SA", tax_id="1234567/a")

    with pytest.raises(ValidationError) as excinfo:
        company.full_clean()

    assert list(excinfo.value.message_dict) == ["tax_id"]


@pytest.mark.django_db
def test_company_full_clean_invalid_tax_id_raises_validation_error():
    company = Company(legal_name="Alpha Pharma SA", tax_id="1234567I")

    with pytest.raises(ValidationError) as excinfo:
        company.full_clean()

    assert excinfo.value.error_dict["tax_id"][0].code == "invalid_tax_id"


@pytest.mark.django_db
def test_company_examples_returns_example_companies_only():
    example = CompanyFactory(is_example=True)
    CompanyFactory(is_example=False)

    assert list(Company.objects.examples()) == [example]


# --- PartnerOrganisation ---------------------------------------------------------------------


@pytest.mark.django_db
def test_partner_same_name_and_country_raises_integrity_error():
    PartnerOrganisation.objects.create(name="BioWin", kind=PartnerKind.CLUSTER, country="BE")

    with violates("partner_unique_name_country"):
        PartnerOrganisation.objects.create(name="BioWin", kind=PartnerKind.CLUSTER, country="BE")


@pytest.mark.django_db
def test_partner_same_name_in_another_country_is_allowed():
    PartnerOrganisation.objects.create(name="BioWin", kind=PartnerKind.CLUSTER, country="BE")

    PartnerOrganisation.objects.create(name="BioWin", kind=PartnerKind.CLUSTER, country="FR")

    assert PartnerOrganisation.objects.filter(name="BioWin").count() == 2


@pytest.mark.django_db
def test_partner_empty_name_raises_integrity_error():
    with violates("partner_name_set"):
        PartnerOrganisation.objects.create(name="", kind=PartnerKind.CLUSTER, country="BE")


@pytest.mark.django_db
def test_partner_str_prefers_short_name():
    partner = PartnerOrganisationFactory(name="Université libre de Bruxelles", short_name="ULB")

    assert str(partner) == "ULB"


@pytest.mark.django_db
def test_partner_of_kind_returns_partners_of_that_kind_only():
    cluster = PartnerOrganisationFactory(kind=PartnerKind.CLUSTER)
    PartnerOrganisationFactory(kind=PartnerKind.UNIVERSITY)

    assert list(PartnerOrganisation.objects.of_kind(PartnerKind.CLUSTER)) == [cluster]


# --- KeyFigure -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_key_figure_same_kind_twice_for_one_partner_raises_integrity_error():
    partner = PartnerOrganisationFactory()
    KeyFigure.objects.create(organisation=partner, kind=KeyFigureKind.COMPANIES, value=164)

    with violates("keyfigure_unique_kind"):
        KeyFigure.objects.create(organisation=partner, kind=KeyFigureKind.COMPANIES, value=170)


@pytest.mark.django_db
def test_key_figure_negative_value_raises_integrity_error():
    # PositiveIntegerField would refuse -1 in Python; a bulk update goes straight to the
    # database. The named constraint sorts before the column check, so PostgreSQL reports it.
    figure = KeyFigure.objects.create(
        organisation=PartnerOrganisationFactory(), kind=KeyFigureKind.COMPANIES, value=164
    )

    with violates("keyfigure_value_gte_0"):
        KeyFigure.objects.filter(pk=figure.pk).update(value=-1)


@pytest.mark.django_db
def test_key_figure_str_shows_value_and_kind():
    figure = KeyFigure(
        organisation=PartnerOrganisationFactory(), kind=KeyFigureKind.COMPANIES, value=164
    )

    with translation.override("en"):
        assert str(figure) == "164 Companies"


# --- Contact ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contact_without_company_nor_partner_raises_integrity_error():
    with violates("contact_belongs_to_company_xor_partner"):
        Contact.objects.create(first_name="Amira", last_name="Ben Salah")


@pytest.mark.django_db
def test_contact_of_company_and_partner_raises_integrity_error():
    company = CompanyFactory()
    partner = PartnerOrganisationFactory()

    with violates("contact_belongs_to_company_xor_partner"):
        Contact.objects.create(
            first_name="Amira", last_name="Ben Salah", company=company, organisation=partner
        )


@pytest.mark.django_db
def test_contact_of_partner_only_is_allowed():
    partner = PartnerOrganisationFactory()

    contact = Contact.objects.create(first_name="Luc", last_name="Dupont", organisation=partner)

    assert list(partner.contacts.all()) == [contact]


@pytest.mark.django_db
def test_contact_phone_without_plus_raises_integrity_error():
    company = CompanyFactory()

    with violates("contact_phone_e164"):
        Contact.objects.create(
            first_name="Amira", last_name="Ben Salah", company=company, phone="21671234567"
        )


@pytest.mark.django_db
def test_contact_blank_phone_is_allowed():
    contact = ContactFactory(phone="")

    contact.refresh_from_db()

    assert contact.phone == ""


@pytest.mark.django_db
@pytest.mark.django_db
def test_contact_full_clean_phone_as_typed_is_stored_in_e164():
    contact = ContactFactory.build(company=CompanyFactory(), phone="+216 71 234 567")

    contact.full_clean()

    assert contact.phone == "+21671234567"


@pytest.mark.django_db
def test_contact_full_clean_phone_not_a_number_raises_validation_error():
    contact = ContactFactory.build(company=CompanyFactory(), phone="not a phone")

    with pytest.raises(ValidationError) as excinfo:
        contact.full_clean()

    assert excinfo.value.error_dict["phone"][0].code == "invalid_phone"


def test_contact_full_name_joins_first_and_last_name():
    assert Contact(first_name="Amira", last_name="Ben Salah").full_name == "Amira Ben Salah"


# --- Sector ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Santé"), ("en", "Health"), ("ar", "الصحة"), ("en-gb", "Health")],
)
def test_sector_display_name_in_language_returns_that_translation(language, expected):
    sector = Sector(slug="health", name="Santé", name_en="Health", name_ar="الصحة")

    with translation.override(language):
        assert sector.display_name == expected
        assert str(sector) == expected


@pytest.mark.parametrize("language", ["en", "ar"])
def test_sector_display_name_without_translation_falls_back_to_french(language):
    sector = Sector(slug="health", name="Santé", name_en="", name_ar="")

    with translation.override(language):
        assert sector.display_name == "Santé"


@pytest.mark.django_db
def test_sector_ordering_is_position_then_name():
    second = SectorFactory(slug="b", name="Agro", position=2)
    first_b = SectorFactory(slug="c", name="Textile", position=1)
    first_a = SectorFactory(slug="d", name="Chimie", position=1)

    assert list(Sector.objects.filter(slug__in=["b", "c", "d"])) == [first_a, first_b, second]


# --- Representative claims -------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_unknown_status_raises_integrity_error():
    with violates("claim_status_valid"):
        RepresentativeClaimFactory(
            status="stolen", email_verified_at=timezone.now(), decided_at=timezone.now()
        )


@pytest.mark.django_db
def test_claim_pending_without_verified_address_raises_integrity_error():
    with violates("claim_verified_unless_unverified"):
        RepresentativeClaimFactory(status=ClaimStatus.PENDING, email_verified_at=None)


@pytest.mark.django_db
def test_claim_decided_without_time_raises_integrity_error():
    with violates("claim_decision_has_time"):
        RepresentativeClaimFactory(
            status=ClaimStatus.APPROVED, email_verified_at=timezone.now(), decided_at=None
        )


@pytest.mark.django_db
def test_contact_clean_normalises_phone_typed_in_arabic_indic_digits():
    contact = ContactFactory.build(phone="+٢١٦ ٧١ ٢٣٤ ٥٦٧", company=CompanyFactory())

    contact.full_clean()

    assert contact.phone == "+21671234567"


# --- Venue -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_venue_same_name_and_city_raises_integrity_error():
    Venue.objects.create(name="Biopark", city="Gosselies", country="BE")

    with violates("venue_unique_name_city"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE")


@pytest.mark.django_db
def test_venue_without_tables_raises_integrity_error():
    with violates("venue_tables_gte_1"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE", tables=0)


@pytest.mark.django_db
@pytest.mark.parametrize("latitude", [Decimal("90.000001"), Decimal("-90.000001")])
def test_venue_latitude_out_of_range_raises_integrity_error(latitude):
    with violates("venue_latitude_range"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE", latitude=latitude)


@pytest.mark.django_db
@pytest.mark.parametrize("longitude", [Decimal("180.000001"), Decimal("-180.000001")])
def test_venue_longitude_out_of_range_raises_integrity_error(longitude):
    with violates("venue_longitude_range"):
        Venue.objects.create(name="Biopark", city="Gosselies", country="BE", longitude=longitude)


@pytest.mark.django_db
def test_venue_coordinates_at_the_limits_are_allowed():
    venue = Venue.objects.create(
        name="Pole",
        city="Nowhere",
        country="BE",
        latitude=Decimal("-90"),
        longitude=Decimal("180"),
    )

    venue.refresh_from_db()

    assert (venue.latitude, venue.longitude) == (Decimal("-90"), Decimal("180"))


# --- TravelTime ------------------------------------------------------------------------------


def _two_venues() -> tuple[Venue, Venue]:
    low, high = sorted([VenueFactory(), VenueFactory()], key=lambda venue: venue.pk)
    return low, high


@pytest.mark.django_db
def test_travel_time_same_pair_twice_raises_integrity_error():
    low, high = _two_venues()
    TravelTime.objects.create(from_venue=low, to_venue=high, minutes=20)

    with violates("travel_unique_pair"):
        TravelTime.objects.create(from_venue=low, to_venue=high, minutes=25)


@pytest.mark.django_db
def test_travel_time_pair_in_reverse_order_raises_integrity_error():
    low, high = _two_venues()

    with violates("travel_pair_ordered"):
        TravelTime.objects.create(from_venue=high, to_venue=low, minutes=20)


@pytest.mark.django_db
def test_travel_time_from_a_venue_to_itself_raises_integrity_error():
    venue = VenueFactory()

    with violates("travel_pair_ordered"):
        TravelTime.objects.create(from_venue=venue, to_venue=venue, minutes=0)


@pytest.mark.django_db
def test_travel_time_negative_minutes_raises_integrity_error():
    # PositiveSmallIntegerField would refuse -1 in Python; a bulk update goes straight to the
    # database. PostgreSQL checks constraints in name order, so the column check of the
    # positive field ("partners_traveltime_minutes_check") is the one it reports.
    low, high = _two_venues()
    travel = TravelTime.objects.create(from_venue=low, to_venue=high, minutes=20)

    with violates("travel_minutes_gte_0", reported_as="partners_traveltime_minutes_check"):
        TravelTime.objects.filter(pk=travel.pk).update(minutes=-1)


@pytest.mark.django_db
def test_travel_time_clean_reversed_pair_swaps_it():
    low, high = _two_venues()
    travel = TravelTime(from_venue=high, to_venue=low, minutes=20)

    travel.clean()

    assert (travel.from_venue_id, travel.to_venue_id) == (low.pk, high.pk)
    assert (travel.from_venue, travel.to_venue) == (low, high)


@pytest.mark.django_db
def test_travel_time_full_clean_then_save_reversed_pair_is_stored_ordered():
    low, high = _two_venues()
    travel = TravelTime(from_venue=high, to_venue=low, minutes=20)

    travel.full_clean()
    travel.save()

    assert list(TravelTime.objects.values_list("from_venue", "to_venue")) == [(low.pk, high.pk)]


@pytest.mark.django_db
def test_travel_time_clean_same_venue_raises_validation_error():
    venue = VenueFactory()
    travel = TravelTime(from_venue=venue, to_venue=venue, minutes=0)

    with pytest.raises(ValidationError) as excinfo:
        travel.clean()

    assert excinfo.value.messages == ["A travel time joins two different venues."]


@pytest.mark.django_db
def test_travel_time_between_finds_pair_in_either_order():
    low, high = _two_venues()
    travel = TravelTime.objects.create(from_venue=low, to_venue=high, minutes=20)

    assert list(TravelTime.objects.between(high, low)) == [travel]
    assert list(TravelTime.objects.between(low, high)) == [travel]
