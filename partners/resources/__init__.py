"""CSV / Excel import and export of companies, partner organisations and contacts.

Staff onboard whole clusters at once (BioWin's 164 members) from spreadsheets, so every
row is matched to what the portal already holds (a company by its tax id, a partner by its
name and country, a contact by e-mail and employer) and re-importing a file updates rows
instead of duplicating them. A value the portal does not know (a bad tax id, a sector slug
nobody created, a country code that does not exist) makes its row invalid, with a message
staff can act on; it never stops the import nor is silently dropped.

How a cell becomes a value is in ``widgets``; what every resource shares (exports that
carry no formula, files refused with a clear message, rows written in bulk) in ``base``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields

from ..models import (
    COMPANY_PROFILE_FIELDS,
    Certification,
    Company,
    Contact,
    PartnerOrganisation,
    Sector,
)
from .base import KeyInstanceLoader, MissingColumns, PortalResource
from .widgets import (
    ChoiceWidget,
    CompanyByTaxIdWidget,
    CountriesWidget,
    PartnerByNameWidget,
    PhoneWidget,
    StrictManyToManyWidget,
    StrippedCharWidget,
    TaxIdWidget,
    cell_text,
)

__all__ = [
    "CompanyResource",
    "ContactResource",
    "MissingColumns",
    "PartnerOrganisationResource",
    "PortalResource",
]


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
        # Thousands of companies a file (issue 6): written a thousand at a time.
        use_bulk = True
        batch_size = 1000
        instance_loader_class = KeyInstanceLoader


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
        email = cell_text(row.get("email"))
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
