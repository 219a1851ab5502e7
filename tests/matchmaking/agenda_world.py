"""One small mission with an agenda worth reading, for the tests of agendas (selectors,
services, pages): two companies, two partners, three venues, programme items and meetings.

Company A (Alpha Pharma SA) on the mission, 12 to 16 July 2027 in Brussels' time zone:

    Mon 12  09:00-09:30  meeting with BioPark (confirmed), BioPark Gosselies, table 2
            (leg Gosselies -> Charleroi, 15 min)
            10:00-11:00  programme: Mayor of Charleroi, Hôtel de ville de Charleroi
            (leg Charleroi -> Brussels, travel time unknown)
            11:15-11:45  meeting with BioWin (proposed), BioWin Brussels, table 1
            12:00-12:30  a cancelled meeting with Gamma Lab: not on any agenda
    Tue 13  09:00-10:00  programme: Site visit at BioPark, BioPark Gosselies

Company B has one meeting with BioPark on Monday at 10:00, which A must never see.
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from matchmaking.enums import MeetingState, RequestState
from missions.enums import ApplicationStatus, ProgrammeItemKind
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    ContactFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MissionFactory,
    MissionPartnerFactory,
    PartnerOrganisationFactory,
    ProgrammeItemFactory,
    TravelTimeFactory,
    VenueFactory,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time of the mission, in its zone: ``at(12, 9)`` is 12 July 2027, 09:00 Brussels."""
    return dt.datetime(2027, 7, day, hour, minute, tzinfo=BRUSSELS)


def travel(a, b, minutes: int):
    low, high = sorted([a, b], key=lambda venue: venue.pk)
    return TravelTimeFactory(from_venue=low, to_venue=high, minutes=minutes)


def meeting(*, mission, company, partner, venue, start, minutes=30, table=1, **kwargs):
    request = MeetingRequestFactory(
        mission=mission,
        company=company,
        partner=partner,
        state=RequestState.ACCEPTED,
        partner_attendees=kwargs.pop("partner_attendees", ""),
    )
    return MeetingFactory(
        request=request,
        venue=venue,
        table=table,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        **kwargs,
    )


def build(*, company_a=None, company_b=None) -> SimpleNamespace:
    mission = MissionFactory(
        slug="wallonie-2027",
        title="Wallonie biotech 2027",
        starts_on=dt.date(2027, 7, 12),
        ends_on=dt.date(2027, 7, 16),
        time_zone="Europe/Brussels",
    )
    gosselies = VenueFactory(
        name="BioPark Gosselies", city="Gosselies", address="Rue Adrienne Bolland 8"
    )
    charleroi = VenueFactory(
        name="Hôtel de ville de Charleroi", city="Charleroi", address="Place Charles II 14"
    )
    brussels = VenueFactory(name="BioWin Brussels", city="Brussels", address="Rue Montoyer 40")
    travel(gosselies, charleroi, 15)

    biopark = PartnerOrganisationFactory(name="BioPark Charleroi", venue=gosselies)
    biowin = PartnerOrganisationFactory(name="BioWin", venue=brussels)
    gamma = PartnerOrganisationFactory(name="Gamma Lab")
    for partner in (biopark, biowin, gamma):
        MissionPartnerFactory(mission=mission, organisation=partner)
    biopark_contact = ContactFactory(
        company=None,
        organisation=biopark,
        first_name="Jean",
        last_name="Dupont",
        email="jean.dupont@biopark.example",
        language="fr",
    )
    ContactFactory(company=None, organisation=biopark, first_name="No", last_name="Mail", email="")

    company_a = company_a or CompanyFactory(legal_name="Alpha Pharma SA")
    company_b = company_b or CompanyFactory(legal_name="Beta Biotech SARL")
    contact_a = ContactFactory(
        company=company_a, first_name="Amira", last_name="Ben Salah", email="amira@alpha.example"
    )
    application_a = ApplicationFactory(
        mission=mission,
        company=company_a,
        contact=contact_a,
        status=ApplicationStatus.ACCEPTED,
        language="en",
    )
    ApplicationFactory(mission=mission, company=company_b, status=ApplicationStatus.ACCEPTED)

    mayor = ProgrammeItemFactory(
        mission=mission,
        kind=ProgrammeItemKind.INSTITUTIONAL_MEETING,
        title="Mayor of Charleroi",
        venue=charleroi,
        starts_at=at(12, 10),
        ends_at=at(12, 11),
    )
    visit = ProgrammeItemFactory(
        mission=mission,
        kind=ProgrammeItemKind.SITE_VISIT,
        title="Site visit at BioPark",
        venue=gosselies,
        host=biopark,
        starts_at=at(13, 9),
        ends_at=at(13, 10),
    )
    with_biopark = meeting(
        mission=mission,
        company=company_a,
        partner=biopark,
        venue=gosselies,
        table=2,
        start=at(12, 9),
        state=MeetingState.CONFIRMED,
        partner_attendees="Dr Jean Dupont, CEO",
    )
    with_biowin = meeting(
        mission=mission,
        company=company_a,
        partner=biowin,
        venue=brussels,
        start=at(12, 11, 15),
        state=MeetingState.PROPOSED,
    )
    cancelled = meeting(
        mission=mission,
        company=company_a,
        partner=gamma,
        venue=brussels,
        table=2,
        start=at(12, 12),
        state=MeetingState.CANCELLED,
    )
    of_b = meeting(
        mission=mission,
        company=company_b,
        partner=biopark,
        venue=gosselies,
        start=at(12, 10),
        state=MeetingState.CONFIRMED,
    )
    return SimpleNamespace(
        mission=mission,
        gosselies=gosselies,
        charleroi=charleroi,
        brussels=brussels,
        biopark=biopark,
        biowin=biowin,
        gamma=gamma,
        biopark_contact=biopark_contact,
        company_a=company_a,
        company_b=company_b,
        contact_a=contact_a,
        application_a=application_a,
        mayor=mayor,
        visit=visit,
        with_biopark=with_biopark,
        with_biowin=with_biowin,
        cancelled=cancelled,
        of_b=of_b,
    )
