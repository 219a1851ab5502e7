"""Validators for Tunisian company identifiers and phone numbers, and for the files staff
import.
"""

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Matricule fiscal: 7 digits, a control letter, then optionally the VAT code (A, B, D, N, P),
# the category (M, P, C, N, E) and the 3-digit secondary establishment number, e.g.
# "1234567A/A/M/000" or "1234567A". The control letter is never I, O or U.
_TAX_ID_RE = re.compile(
    r"^([0-9]{7})([A-HJ-NP-TV-Z])(?:([ABDNP])([MPCNE])([0-9]{3}))?$", flags=re.ASCII
)


def ascii_digits(value: str) -> str:
    """Full-width forms folded (NFKC) and every Unicode decimal digit written in ASCII.

    People type Arabic-Indic (``١٢٣``), Persian or full-width (``１２３``) digits without
    meaning anything by it; to the portal they are the same number.
    """
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(
        str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char
        for char in folded
    )


def normalize_tax_id(value: str) -> str:
    """Return the tax id in its canonical form: ASCII, upper case, no separators or spaces.

    ``"1234567a / a / m / 000"``, ``"١٢٣٤٥٦٧A/A/M/000"`` and ``"1234567AAM000"`` are one
    company.
    """
    return re.sub(r"[\s/.\-]", "", ascii_digits(value)).upper()


def validate_tax_id(value: str) -> None:
    normalized = normalize_tax_id(value)
    if not _TAX_ID_RE.match(normalized):
        raise ValidationError(
            _(
                "Enter a valid Tunisian tax id (matricule fiscal): 7 digits and a control "
                "letter, optionally followed by the VAT code, category and establishment "
                "number, e.g. 1234567A/A/M/000."
            ),
            code="invalid_tax_id",
        )


def format_tax_id(value: str) -> str:
    """``1234567AAM000`` → ``1234567A/A/M/000`` for display."""
    match = _TAX_ID_RE.match(normalize_tax_id(value))
    if not match:
        return value
    digits, key, vat, category, establishment = match.groups()
    if vat is None:
        return f"{digits}{key}"
    return f"{digits}{key}/{vat}/{category}/{establishment}"


def normalize_phone(value: str, *, region: str = "TN") -> str:
    """Parse a phone number typed by a person and return it in E.164 (``+21671000000``).

    A number without an international prefix is read as Tunisian.
    """
    try:
        number = phonenumbers.parse(ascii_digits(value), region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a valid phone number, with its country code, e.g. +216 71 234 567."),
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, with its country code, e.g. +216 71 234 567."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if value and (not value.startswith("+") or normalize_phone(value) != value):
        raise ValidationError(
            _("Store phone numbers in E.164 form, e.g. +21671234567."), code="invalid_phone"
        )


def validate_import_file(upload) -> None:
    """A spreadsheet to import is at most ``IMPORT_FILE_MAX_BYTES``; its content is judged
    when it is read (``partners.spreadsheets``), whatever its name says.
    """
    limit = settings.IMPORT_FILE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:g}"},
            code="too_large",
        )
