"""Factories and a small mission worth a report, for the tests of PDF reports.

``build_world()`` makes "Wallonie biotech 2027" (12 to 16 July 2027, Brussels time):

- a delegation of two companies with accents in their names, Société Médicale de Sfax
  ("Médis") and Laboratoires Pharmaceutiques Hédi SA, and a rejected applicant
  (Gamma Rejetée SARL) that no report shows;
- two partners, BioPark Charleroi (with key figures) and BioWin, at two venues 20 minutes
  apart, and a programme item at each;
- four meetings: held, no-show, confirmed (no news), cancelled, and outcomes for the first;
- leads: one agreement (licensing, 250,000 EUR), one in negotiation overdue since 1 March
  2028, one dropped, one towards Senegal.
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from matchmaking.enums import MeetingState, RequestState
from missions.enums import ApplicationStatus, ProgrammeItemKind
from partners.enums import KeyFigureKind, PartnerKind
from partners.models import KeyFigure
from reports.enums import (
    AgreementKind,
    InterestLevel,
    LeadStage,
    OutcomeSide,
)
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    LeadFactory,
    MeetingFactory,
    MeetingOutcomeFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    ReportFactory,
    TravelTimeFactory,
    UserFactory,
    VenueFactory,
)

__all__ = ["LeadFactory", "MeetingOutcomeFactory", "ReportFactory", "at", "build_world"]

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 7, day, hour, minute, tzinfo=BRUSSELS)


def _meeting(mission, company, partner, venue, start, state, table=1):
    request = MeetingRequestFactory(
        mission=mission, company=company, partner=partner, state=RequestState.ACCEPTED
    )
    return MeetingFactory(
        request=request,
        venue=venue,
        table=table,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        state=state,
    )


def build_world() -> SimpleNamespace:
    mission = MissionFactory(
        slug="wallonie-2027",
        title="Wallonie biotech 2027",
        starts_on=dt.date(2027, 7, 12),
        ends_on=dt.date(2027, 7, 16),
        time_zone="Europe/Brussels",
        destination_cities="Charleroi, Bruxelles",
        objectives="Trouver des partenaires technologiques pour les vaccins.\nOuvrir le Sénégal.",
        summary="Accord de coopération Tunisie / Wallonie-Bruxelles.",
        capacity=8,
    )
    gosselies = VenueFactory(name="BioPark Gosselies", city="Gosselies", address="Rue Bolland 8")
    brussels = VenueFactory(name="BioWin Bruxelles", city="Bruxelles", address="Rue Belliard 40")
    low, high = sorted([gosselies, brussels], key=lambda venue: venue.pk)
    TravelTimeFactory(from_venue=low, to_venue=high, minutes=20)
    biopark = PartnerOrganisationFactory(
        name="BioPark Charleroi Brussels South",
        short_name="BioPark Charleroi",
        kind=PartnerKind.SCIENCE_PARK,
        venue=gosselies,
        description="Parc scientifique de l'ULB.",
    )
    KeyFigure.objects.create(organisation=biopark, kind=KeyFigureKind.COMPANIES, value=10)
    KeyFigure.objects.create(organisation=biopark, kind=KeyFigureKind.UNIVERSITIES, value=2)
    biowin = PartnerOrganisationFactory(name="BioWin", kind=PartnerKind.CLUSTER, venue=brussels)
    ContactFactory(
        company=None, organisation=biowin, first_name="Claire", last_name="Dubois", role="CEO"
    )
    MissionPartnerFactory(mission=mission, organisation=biopark, is_host=True)
    MissionPartnerFactory(mission=mission, organisation=biowin)

    medis = CompanyFactory(
        legal_name="Société Médicale de Sfax",
        description="Génériques et biosimilaires.",
        export_markets=["SN", "DZ"],
    )
    hedi = CompanyFactory(legal_name="Laboratoires Pharmaceutiques Hédi SA")
    rejected = CompanyFactory(legal_name="Gamma Rejetée SARL")
    ApplicationFactory(
        mission=mission,
        company=medis,
        status=ApplicationStatus.ACCEPTED,
        contact__first_name="Amira",
        contact__last_name="Ben Salah",
        contact__role="Directrice export",
    )
    ApplicationFactory(mission=mission, company=hedi, status=ApplicationStatus.CONFIRMED)
    ApplicationFactory(mission=mission, company=rejected, status=ApplicationStatus.REJECTED)

    ProgrammeItemFactory(
        mission=mission,
        title="Accueil à BioPark",
        kind=ProgrammeItemKind.SITE_VISIT,
        venue=gosselies,
        host=biopark,
        starts_at=at(12, 9),
        ends_at=at(12, 10),
    )
    ProgrammeItemFactory(
        mission=mission,
        title="Réception BioWin",
        kind=ProgrammeItemKind.RECEPTION,
        venue=brussels,
        host=biowin,
        starts_at=at(12, 11),
        ends_at=at(12, 12),
    )
    held = _meeting(mission, medis, biopark, gosselies, at(13, 9), MeetingState.HELD)
    missed = _meeting(mission, medis, biowin, brussels, at(13, 11), MeetingState.NO_SHOW)
    confirmed = _meeting(mission, hedi, biopark, gosselies, at(13, 10), MeetingState.CONFIRMED)
    cancelled = _meeting(mission, hedi, biowin, brussels, at(14, 9), MeetingState.CANCELLED)
    MeetingOutcomeFactory(meeting=held, side=OutcomeSide.COMPANY, interest=InterestLevel.HIGH)
    MeetingOutcomeFactory(meeting=held, side=OutcomeSide.PARTNER, interest=InterestLevel.MEDIUM)

    owner = UserFactory(username="owner", first_name="Sami", last_name="Trabelsi")
    agreement = LeadFactory(
        mission=mission,
        company=medis,
        partner=biopark,
        meeting=held,
        title="Licence de biosimilaires",
        stage=LeadStage.AGREEMENT,
        agreement_kind=AgreementKind.LICENSING,
        agreement_value="250000.00",
        currency="EUR",
        signed_on=dt.date(2027, 11, 3),
    )
    overdue = LeadFactory(
        mission=mission,
        company=hedi,
        partner=biopark,
        title="Transfert de technologie vaccins",
        stage=LeadStage.NEGOTIATION,
        owner=owner,
        next_action="Envoyer le projet de contrat",
        due_on=dt.date(2028, 3, 1),
    )
    dropped = LeadFactory(
        mission=mission,
        company=hedi,
        partner=biowin,
        title="Distribution",
        stage=LeadStage.DROPPED,
        dropped_reason="Pas de marché",
    )
    triangular = LeadFactory(
        mission=mission,
        company=medis,
        partner=biowin,
        title="Sénégal",
        stage=LeadStage.CONTACT,
        third_market="SN",
        due_on=dt.date(2028, 12, 1),
    )
    return SimpleNamespace(
        mission=mission,
        medis=medis,
        hedi=hedi,
        rejected=rejected,
        biopark=biopark,
        biowin=biowin,
        gosselies=gosselies,
        brussels=brussels,
        held=held,
        missed=missed,
        confirmed=confirmed,
        cancelled=cancelled,
        agreement=agreement,
        overdue=overdue,
        dropped=dropped,
        triangular=triangular,
        owner=owner,
    )
