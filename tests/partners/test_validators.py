"""Tunisian tax ids (matricule fiscal) and phone numbers."""

import pytest
from django.core.exceptions import ValidationError

from partners.validators import (
    ascii_digits,
    format_tax_id,
    normalize_phone,
    normalize_tax_id,
    validate_e164,
    validate_tax_id,
)

GOOD_TAX_IDS = [
    "1234567A",
    "1234567A/A/M/000",
    "1234567aam000",
    "0000001B/P/E/123",
    " 1234567 A / B / C / 001 ",
]

BAD_TAX_IDS = [
    "",
    "123456A",  # six digits
    "1234567",  # no control letter
    "1234567I",  # I, O and U are never control letters
    "1234567O",
    "1234567U",
    "1234567A/X/M/000",  # X is no VAT code
    "1234567A/A/M/00",  # two-digit establishment
    "ABCDEFGA",
    "12345678A",  # eight digits
]


# --- Tax id ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", GOOD_TAX_IDS)
def test_validate_tax_id_good_value_returns_none(value):
    assert validate_tax_id(value) is None


@pytest.mark.parametrize("value", BAD_TAX_IDS)
def test_validate_tax_id_bad_value_raises_validation_error(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_tax_id(value)

    assert excinfo.value.code == "invalid_tax_id"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567A", "1234567A"),
        ("1234567A/A/M/000", "1234567AAM000"),
        ("1234567aam000", "1234567AAM000"),
        ("0000001B/P/E/123", "0000001BPE123"),
        (" 1234567 A / B / C / 001 ", "1234567ABC001"),
        ("1234567-a.a.m.000", "1234567AAM000"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_tax_id_returns_upper_case_without_separators(value, expected):
    assert normalize_tax_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567A", "1234567A"),
        ("1234567AAM000", "1234567A/A/M/000"),
        ("1234567aam000", "1234567A/A/M/000"),
        ("0000001BPE123", "0000001B/P/E/123"),
        (" 1234567 A / B / C / 001 ", "1234567A/B/C/001"),
    ],
)
def test_format_tax_id_valid_value_returns_display_form(value, expected):
    assert format_tax_id(value) == expected


@pytest.mark.parametrize("value", ["1234567I", "123456A", "not a tax id"])
def test_format_tax_id_invalid_value_returns_it_unchanged(value):
    assert format_tax_id(value) == value


@pytest.mark.parametrize("value", GOOD_TAX_IDS)
def test_tax_id_normalize_then_format_then_normalize_round_trips(value):
    normalized = normalize_tax_id(value)

    assert normalize_tax_id(format_tax_id(normalized)) == normalized
    assert format_tax_id(normalize_tax_id(format_tax_id(value))) == format_tax_id(value)


# --- Phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("71 234 567", "+21671234567"),
        ("+216 71 234 567", "+21671234567"),
        ("00216 71 234 567", "+21671234567"),
        ("+32 71 12 34 56", "+3271123456"),
        ("+21671234567", "+21671234567"),
    ],
)
def test_normalize_phone_valid_number_returns_e164(value, expected):
    assert normalize_phone(value) == expected


def test_normalize_phone_local_number_with_other_region_reads_it_there():
    assert normalize_phone("071 12 34 56", region="BE") == "+3271123456"


@pytest.mark.parametrize("value", ["not a phone", "", "123", "+216 71"])
def test_normalize_phone_garbage_raises_validation_error(value):
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone(value)

    assert excinfo.value.code == "invalid_phone"


@pytest.mark.parametrize("value", ["", "+21671234567", "+3271123456"])
def test_validate_e164_e164_or_blank_returns_none(value):
    assert validate_e164(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "21671234567",  # no plus
        "71 234 567",  # local
        "+216 71 234 567",  # spaces
        "+216712345",  # too short to be a number
        "+hello",
    ],
)
def test_validate_e164_other_form_raises_validation_error(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_e164(value)

    assert excinfo.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [
        ("١٢٣٤٥٦٧", "1234567"),  # Arabic-Indic
        ("۱۲۳۴۵۶۷", "1234567"),  # Persian (extended Arabic-Indic)
        ("１２３ＡＢ", "123AB"),  # full-width digits and letters
        ("०००", "000"),  # Devanagari
        ("+216 71", "+216 71"),
    ],
)
def test_ascii_digits_any_script_becomes_ascii(typed, ascii):
    assert ascii_digits(typed) == ascii


def test_validate_tax_id_refuses_look_alike_letters_of_other_scripts():
    with pytest.raises(ValidationError):
        validate_tax_id("1234567А")  # Cyrillic А, not Latin A
