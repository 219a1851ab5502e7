"""A small seeded mission for the tests of suggestions: two companies of the delegation and
four partners, each fitting one of them for a reason a person would give.
"""

from missions.enums import ApplicationStatus, Objective
from missions.models import ApplicationObjective
from partners.enums import PartnerKind
from partners.models import Certification, Sector
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
)


def seat(mission, company=None, *, objectives=(), markets=(), status=ApplicationStatus.ACCEPTED):
    """A company in the delegation of ``mission``, with its objectives and target markets."""
    application = ApplicationFactory(
        mission=mission,
        company=company or CompanyFactory(),
        status=status,
        target_markets=list(markets),
    )
    for objective in objectives:
        ApplicationObjective.objects.create(application=application, objective=objective)
    return application


def profile(company, *, sectors=(), certifications=(), description=""):
    company.sectors.set(Sector.objects.filter(slug__in=sectors))
    company.certifications.set(Certification.objects.filter(code__in=certifications))
    if description:
        company.description = description
        company.save()
    return company


def partner_of(mission, *, sectors=(), **kwargs):
    partner = PartnerOrganisationFactory(**kwargs)
    partner.sectors.set(Sector.objects.filter(slug__in=sectors))
    MissionPartnerFactory(mission=mission, organisation=partner)
    return partner


def seed(mission, company_a, company_b) -> dict:
    """Alpha makes vaccines and seeks money and technology; Beta sells cosmetics in Senegal."""
    profile(
        company_a,
        sectors=["vaccines", "pharma"],
        certifications=["gmp"],
        description="Nous produisons des vaccins et cherchons un transfert de technologie.",
    )
    seat(
        mission,
        company_a,
        objectives=[Objective.FINANCIAL_PARTNERSHIP, Objective.TECHNOLOGY_PARTNERSHIP],
    )
    profile(company_b, sectors=["cosmetics"], description="Crèmes et savons à l'huile d'olive.")
    seat(mission, company_b, objectives=[Objective.DISTRIBUTION], markets=["SN"])
    return {
        "capital": partner_of(
            mission,
            name="Meuse Santé Capital",
            kind=PartnerKind.INVESTOR,
            sectors=["vaccines", "pharma"],
            capabilities="Capital-risque en sciences de la vie.",
        ),
        "vaccine": partner_of(
            mission,
            name="Meuse Vaccine",
            kind=PartnerKind.COMPANY,
            sectors=["vaccines"],
            capabilities="Plateformes de production de vaccins, transfert de technologie.",
        ),
        "ndar": partner_of(
            mission,
            name="Ndar Cosmétiques",
            kind=PartnerKind.COMPANY,
            country="SN",
            sectors=["cosmetics"],
            capabilities="Distribution de cosmétiques en pharmacies.",
        ),
        "city": partner_of(mission, name="Ville de Charleroi", kind=PartnerKind.PUBLIC_AUTHORITY),
    }
