"""factory-boy factories: plain, valid objects with no surprises."""

import datetime as dt

import factory
from django.utils import timezone

from cepex_portal.models import User
from matchmaking.enums import MeetingState
from matchmaking.models import Meeting, MeetingRequest
from missions.enums import ApplicationStatus, MissionKind, MissionStatus, ProgrammeItemKind
from missions.models import (
    Application,
    Mission,
    MissionPartner,
    ProgrammeItem,
    WishedPartner,
)
from partners.enums import CompanySize, PartnerKind
from partners.models import (
    Company,
    Contact,
    PartnerOrganisation,
    RepresentativeClaim,
    Sector,
    TravelTime,
    Venue,
)
from reports.enums import Attendance, OutcomeSide, ReportKind, ReportState
from reports.models import Lead, MeetingOutcome, Report


def _tax_id(n: int) -> str:
    # Seven digits and a control letter: a valid matricule fiscal for every n.
    return f"{1000000 + n:07d}A"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Secteur {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    name_ar = factory.Sequence(lambda n: f"قطاع {n}")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Société Exemple {n} SA")
    tax_id = factory.Sequence(_tax_id)
    governorate = "tunis"
    size = CompanySize.MEDIUM


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partner Lab {n}")
    kind = PartnerKind.RESEARCH_LAB
    country = "BE"
    city = "Charleroi"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = "Amira"
    last_name = factory.Sequence(lambda n: f"Ben Salah {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    phone = "+21671234567"
    company = factory.SubFactory(CompanyFactory)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    city = "Gosselies"
    country = "BE"
    tables = 4


class TravelTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelTime

    from_venue = factory.SubFactory(VenueFactory)
    to_venue = factory.SubFactory(VenueFactory)
    minutes = 30


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    slug = factory.Sequence(lambda n: f"mission-{n}")
    title = factory.Sequence(lambda n: f"Mission {n}")
    kind = MissionKind.OUTBOUND
    destination_country = "BE"
    time_zone = "Europe/Brussels"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=6))
    application_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    capacity = 10
    status = MissionStatus.OPEN


class MissionPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionPartner

    mission = factory.SubFactory(MissionFactory)
    organisation = factory.SubFactory(PartnerOrganisationFactory)


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    mission = factory.SubFactory(MissionFactory)
    kind = ProgrammeItemKind.INSTITUTIONAL_MEETING
    title = factory.Sequence(lambda n: f"Meeting {n}")
    # Two hours apart: items of one mission never overlap (the whole delegation attends).
    starts_at = factory.LazyAttributeSequence(
        lambda o, n: (
            dt.datetime.combine(o.mission.starts_on, dt.time(6), tzinfo=dt.UTC)
            + dt.timedelta(hours=2 * n)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    mission = factory.SubFactory(MissionFactory)
    company = factory.SubFactory(CompanyFactory)
    contact = factory.SubFactory(ContactFactory, company=factory.SelfAttribute("..company"))
    status = ApplicationStatus.APPLIED
    consent_text_version = "test-v1"
    consent_at = factory.LazyFunction(timezone.now)
    waitlisted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == ApplicationStatus.WAITLISTED else None
    )


class WishedPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishedPartner

    application = factory.SubFactory(ApplicationFactory)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    priority = 1


class RepresentativeClaimFactory(factory.django.DjangoModelFactory):
    """Someone who says they represent a company; their address not yet proved."""

    class Meta:
        model = RepresentativeClaim

    company = factory.SubFactory(CompanyFactory)
    company_name = factory.LazyAttribute(lambda o: o.company.legal_name)
    first_name = "Mallory"
    last_name = factory.Sequence(lambda n: f"Claimant {n}")
    email = factory.Sequence(lambda n: f"claimant{n}@example.com")


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    """A request between a partner of the mission and a company that applied to it."""

    class Meta:
        model = MeetingRequest

    mission = factory.SubFactory(MissionFactory)
    company = factory.SubFactory(CompanyFactory)
    partner = factory.LazyAttribute(lambda o: MissionPartnerFactory(mission=o.mission).organisation)
    priority = 2


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a request, at the partner's venue (or a new one), table 1."""

    class Meta:
        model = Meeting

    request = factory.SubFactory(MeetingRequestFactory)
    mission = factory.LazyAttribute(lambda o: o.request.mission)
    company = factory.LazyAttribute(lambda o: o.request.company)
    partner = factory.LazyAttribute(lambda o: o.request.partner)
    venue = factory.LazyAttribute(lambda o: o.request.partner.venue or VenueFactory())
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))


def _past_start(n: int) -> dt.datetime:
    # A day back, an hour apart per meeting: live meetings never overlap (PostgreSQL).
    start = timezone.now() - dt.timedelta(days=1, hours=n % 500)
    return start.replace(minute=0, second=0, microsecond=0)


class PastMeetingFactory(MeetingFactory):
    """A confirmed meeting that has ended."""

    state = MeetingState.CONFIRMED
    starts_at = factory.Sequence(_past_start)


class MeetingOutcomeFactory(factory.django.DjangoModelFactory):
    """The company's word on a meeting: held."""

    class Meta:
        model = MeetingOutcome

    meeting = factory.SubFactory(MeetingFactory)
    side = OutcomeSide.COMPANY
    attendance = Attendance.HELD


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead at the stage "contact", with no next action and no due date."""

    class Meta:
        model = Lead

    mission = factory.SubFactory(MissionFactory)
    company = factory.SubFactory(CompanyFactory)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    title = factory.Sequence(lambda n: f"Lead {n}")


class ReportFactory(factory.django.DjangoModelFactory):
    """A queued report; ``done=True`` gives one with a (tiny) file, checksum and size."""

    class Meta:
        model = Report

    kind = ReportKind.DOSSIER
    mission = factory.SubFactory(MissionFactory)
    language = "fr"

    class Params:
        done = factory.Trait(
            state=ReportState.DONE,
            progress=100,
            file=factory.django.FileField(filename="report.pdf", data=b"%PDF-1.7 test\n%%EOF\n"),
            checksum="0" * 64,
            size_bytes=20,
            pages=1,
        )
