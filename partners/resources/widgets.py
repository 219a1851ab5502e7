"""Widgets of the import: how a cell becomes a value, and a bad cell a message for staff."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets

from ..models import Company, PartnerOrganisation
from ..validators import normalize_phone, normalize_tax_id


def cell_text(value) -> str:
    """A cell as stripped text: spreadsheets hand over numbers, None and padded strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class StrippedCharWidget(widgets.CharWidget):
    """Text without the spaces spreadsheets leave around it (they break the matching)."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class TaxIdWidget(widgets.Widget):
    """A matricule fiscal in its canonical form: "1234567/a/a/m/000" is 1234567AAM000.

    It only normalises; the model's validator tells a malformed tax id, as a row error.
    """

    def clean(self, value, row=None, **kwargs):
        return normalize_tax_id(cell_text(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceWidget(widgets.Widget):
    """A choice given by its stored value (``research_lab``), case and spaces forgiven."""

    def __init__(self, choices, **kwargs):
        self.values = {str(value).lower(): value for value, _label in choices}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if not text:
            return ""
        if text not in self.values:
            raise ValueError(
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": cell_text(value), "choices": ", ".join(self.values.values())}
            )
        return self.values[text]

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CountriesWidget(widgets.Widget):
    """ISO 3166 country codes: one (``BE``) or, for ``multiple``, comma-separated."""

    def __init__(self, multiple: bool = False, separator: str = ",", **kwargs):
        self.multiple = multiple
        self.separator = separator
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        given = [part.strip() for part in cell_text(value).split(self.separator) if part.strip()]
        codes, unknown = [], []
        for part in given:
            code = countries.alpha2(part)  # also takes alpha-3 (BEL) and numeric codes
            if code:
                codes.append(code)
            else:
                unknown.append(part)
        if unknown:
            raise ValueError(
                _("Unknown country codes: %(codes)s (use ISO codes such as BE, FR, SN).")
                % {"codes": ", ".join(unknown)}
            )
        if self.multiple:
            return list(dict.fromkeys(codes))
        if len(codes) > 1:
            raise ValueError(_("Give one country only."))
        return codes[0] if codes else ""

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if self.multiple:
            return self.separator.join(country.code for country in value)
        return getattr(value, "code", value)


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Related rows by a slug-like field; an unknown value is an error, not silently dropped.

    The related list (sectors, certifications: tens of rows) is read once per import, not
    once per row: a 10,000-row file asked for it tens of thousands of times.
    """

    _known = None

    def forget(self) -> None:
        """Read the list again at the next row (a new import may follow changes to it)."""
        self._known = None

    def clean(self, value, row=None, **kwargs):
        wanted = [part.strip() for part in cell_text(value).split(self.separator) if part.strip()]
        if not wanted:
            return []
        if self._known is None:
            self._known = {
                str(getattr(related, self.field)).lower(): related
                for related in self.model.objects.all()
            }
        unknown = [part for part in wanted if part.lower() not in self._known]
        if unknown:
            raise ValueError(
                _("Unknown %(what)s: %(values)s.")
                % {"what": self.model._meta.verbose_name_plural, "values": ", ".join(unknown)}
            )
        return list({part.lower(): self._known[part.lower()] for part in wanted}.values())


class PhoneWidget(widgets.Widget):
    """A phone number as people type it, stored in E.164 (a number without prefix is Tunisian)."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return normalize_phone(text)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from exc

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CompanyByTaxIdWidget(widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Company, field="tax_id", **kwargs)

    def clean(self, value, row=None, **kwargs):
        tax_id = normalize_tax_id(cell_text(value))
        if not tax_id:
            return None
        company = Company.objects.filter(tax_id=tax_id).first()
        if company is None:
            raise ValueError(_("No company has the tax id %(tax_id)s.") % {"tax_id": tax_id})
        return company


class PartnerByNameWidget(widgets.ForeignKeyWidget):
    """A partner by its name, and by its country when the row gives one (names may repeat)."""

    country_column = "partner_country"

    def __init__(self, **kwargs):
        super().__init__(PartnerOrganisation, field="name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            return None
        partners = PartnerOrganisation.objects.filter(name__iexact=name)
        country = cell_text((row or {}).get(self.country_column))
        if country:
            partners = partners.filter(country=countries.alpha2(country) or country.upper())
        found = list(partners[:2])
        if not found:
            raise ValueError(_("No partner organisation is named “%(name)s”.") % {"name": name})
        if len(found) > 1:
            raise ValueError(
                _("Several partner organisations are named “%(name)s”: add a %(column)s column.")
                % {"name": name, "column": self.country_column}
            )
        return found[0]
