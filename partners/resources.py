"""CSV / Excel import and export of companies, partner organisations and contacts.

Staff onboard whole clusters at once (BioWin's 164 members) from spreadsheets, so every
row is matched to what the portal already holds (a company by its tax id, a partner by its
name and country, a contact by e-mail and employer) and re-importing a file updates rows
instead of duplicating them. A value the portal does not know (a bad tax id, a sector slug
nobody created, a country code that does not exist) makes its row invalid, with a message
staff can act on; it never stops the import nor is silently dropped.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets

from .models import (
    COMPANY_PROFILE_FIELDS,
    Certification,
    Company,
    Contact,
    PartnerOrganisation,
    Sector,
)
from .spreadsheets import spreadsheet_safe, spreadsheet_unescape
from .validators import normalize_phone, normalize_tax_id

# --- Widgets ---------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as stripped text: spreadsheets hand over numbers, None and padded strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class StrippedCharWidget(widgets.CharWidget):
    """Text without the spaces spreadsheets leave around it (they break the matching)."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)


class TaxIdWidget(widgets.Widget):
    """A matricule fiscal in its canonical form: "1234567/a/a/m/000" is 1234567AAM000.

    It only normalises; the model's validator tells a malformed tax id, as a row error.
    """

    def clean(self, value, row=None, **kwargs):
        return normalize_tax_id(_text(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceWidget(widgets.Widget):
    """A choice given by its stored value (``research_lab``), case and spaces forgiven."""

    def __init__(self, choices, **kwargs):
        self.values = {str(value).lower(): value for value, _label in choices}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if not text:
            return ""
        if text not in self.values:
            raise ValueError(
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": _text(value), "choices": ", ".join(self.values.values())}
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
        given = [part.strip() for part in _text(value).split(self.separator) if part.strip()]
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
    """Related rows by a slug-like field; an unknown value is an error, not silently dropped."""

    def clean(self, value, row=None, **kwargs):
        wanted = [part.strip() for part in _text(value).split(self.separator) if part.strip()]
        if not wanted:
            return self.model.objects.none()
        lowered = {part.lower() for part in wanted}
        found = self.model.objects.annotate(import_key=Lower(self.field)).filter(
            import_key__in=lowered
        )
        known = {key.lower() for key in found.values_list(self.field, flat=True)}
        unknown = [part for part in wanted if part.lower() not in known]
        if unknown:
            raise ValueError(
                _("Unknown %(what)s: %(values)s.")
                % {"what": self.model._meta.verbose_name_plural, "values": ", ".join(unknown)}
            )
        return self.model.objects.filter(pk__in=found.values("pk"))


class PhoneWidget(widgets.Widget):
    """A phone number as people type it, stored in E.164 (a number without prefix is Tunisian)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
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
        tax_id = normalize_tax_id(_text(value))
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
        name = _text(value)
        if not name:
            return None
        partners = PartnerOrganisation.objects.filter(name__iexact=name)
        country = _text((row or {}).get(self.country_column))
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


# --- Resources -------------------------------------------------------------------------------


class MissingColumns(ValueError):
    """The file lacks a column the import cannot do without; the message names them."""


class PortalResource(resources.ModelResource):
    """Bad values become row errors (shown in the preview), never a crash of the import.

    Exported cells go through :func:`~partners.spreadsheets.spreadsheet_safe`, whatever the
    format: what companies typed into the public form never reaches staff's spreadsheets
    as a formula. Imported text is kept as text; the quote an export added is taken off.
    """

    @classmethod
    def expected_columns(cls) -> list[str]:
        """The column names this import reads, as the import page lists them."""
        return [field.column_name for field in cls().get_user_visible_fields()]

    def import_data(self, dataset, *args, **kwargs):
        """A file without the key column is refused whole, with a message that says so.

        Column names are matched whatever their case and surrounding spaces (" Tax_ID ").
        """
        known = {name.lower(): name for name in self.expected_columns()}
        dataset.headers = [
            known.get(header.strip().lower(), header) if isinstance(header, str) else header
            for header in dataset.headers or []
        ]
        key_columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [column for column in key_columns if column not in dataset.headers]
        if missing:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(
                self.get_error_result_class()(
                    MissingColumns(
                        _(
                            "The file has no %(missing)s column, which tells the rows apart. "
                            "Its first line must name the columns: %(columns)s."
                        )
                        % {"missing": ", ".join(missing), "columns": ", ".join(known.values())}
                    )
                )
            )
            return result
        return super().import_data(dataset, *args, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = spreadsheet_unescape(value)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # The key itself is unreadable: the row is new, and import_instance() reports
            # the bad value against its column.
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Many-to-many values are only written after the row is saved; check them now so
        # that an unknown slug invalidates the row up front instead of failing half-way.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)


class CompanyResource(PortalResource):
    """One company a row, matched on its tax id."""

    tax_id = fields.Field(attribute="tax_id", column_name="tax_id", widget=TaxIdWidget())
    legal_name = fields.Field(
        attribute="legal_name", column_name="legal_name", widget=StrippedCharWidget()
    )
    governorate = fields.Field(
        attribute="governorate",
        column_name="governorate",
        widget=ChoiceWidget(Company._meta.get_field("governorate").choices),
    )
    size = fields.Field(
        attribute="size",
        column_name="size",
        widget=ChoiceWidget(Company._meta.get_field("size").choices),
    )
    sectors = fields.Field(
        attribute="sectors",
        column_name="sectors",
        widget=StrictManyToManyWidget(Sector, field="slug", separator=","),
    )
    certifications = fields.Field(
        attribute="certifications",
        column_name="certifications",
        widget=StrictManyToManyWidget(Certification, field="code", separator=","),
    )
    export_markets = fields.Field(
        attribute="export_markets",
        column_name="export_markets",
        widget=CountriesWidget(multiple=True),
    )

    class Meta:
        model = Company
        fields = ("tax_id", *COMPANY_PROFILE_FIELDS)
        import_id_fields = ("tax_id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class PartnerOrganisationResource(PortalResource):
    """One partner organisation a row, matched on its name and country."""

    name = fields.Field(attribute="name", column_name="name", widget=StrippedCharWidget())
    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(PartnerOrganisation._meta.get_field("kind").choices),
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountriesWidget())
    sectors = fields.Field(
        attribute="sectors",
        column_name="sectors",
        widget=StrictManyToManyWidget(Sector, field="slug", separator=","),
    )

    class Meta:
        model = PartnerOrganisation
        fields = (
            "name",
            "short_name",
            "kind",
            "country",
            "region",
            "city",
            "sectors",
            "capabilities",
            "description",
            "website",
        )
        import_id_fields = ("name", "country")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ContactResource(PortalResource):
    """One contact a row, at a company (by tax id) or at a partner (by name, and country)."""

    email = fields.Field(attribute="email", column_name="email", widget=StrippedCharWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    language = fields.Field(
        attribute="language", column_name="language", widget=ChoiceWidget(settings.LANGUAGES)
    )
    company = fields.Field(
        attribute="company", column_name="company_tax_id", widget=CompanyByTaxIdWidget()
    )
    organisation = fields.Field(
        attribute="organisation", column_name="partner_name", widget=PartnerByNameWidget()
    )
    partner_country = fields.Field(
        attribute="organisation__country",
        column_name="partner_country",
        widget=CountriesWidget(),
        readonly=True,
    )

    class Meta:
        model = Contact
        fields = (
            "first_name",
            "last_name",
            "role",
            "email",
            "phone",
            "language",
            "company",
            "organisation",
            "partner_country",
        )
        import_id_fields = ("email",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        """The same e-mail address (in any case) at the same employer is the same person."""
        email = _text(row.get("email"))
        if not email:
            return None
        try:
            company = self.fields["company"].clean(row) if "company_tax_id" in row else None
            organisation = self.fields["organisation"].clean(row) if "partner_name" in row else None
        except ValueError:
            return None  # import_instance() reports the unknown employer
        if company is None and organisation is None:
            return None
        return Contact.objects.filter(
            email__iexact=email, company=company, organisation=organisation
        ).first()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "company" not in errors and "organisation" not in errors:
            if instance.company_id is None and instance.organisation_id is None:
                errors["company"] = ValidationError(
                    _("Give the company tax id or the partner name of this contact."),
                    code="required",
                )
            elif instance.company_id is not None and instance.organisation_id is not None:
                errors["company"] = ValidationError(
                    _("A contact works at a company or at a partner organisation, not both."),
                    code="invalid",
                )
        if errors:
            raise ValidationError(errors)
