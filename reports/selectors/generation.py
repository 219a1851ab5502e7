"""Reads of reports: generation.

What the two PDF reports of a mission show, read in a fixed number of queries whatever the
size of the mission (the agendas excepted: four queries per company, through matchmaking's
own agenda selector, so that the dossier prints exactly what each company sees):

- ``dossier_data``: the mission dossier, before and during the mission (objectives,
  programme day by day with the travel between sites, delegation and partner profiles, one
  agenda per company, venues, travel times, contacts);
- ``followup_data``: the follow-up report, after it (meetings planned, held and missed,
  leads by stage, agreements and their value, overdue actions, figures against the
  mission's objectives), with the bars of its charts.

And what the managers' page lists: every mission with its latest report per kind and
language, the reports under way and the earlier versions (``mission_reports``).

Everything here reads; the active language (``translation.override`` by the caller) decides
the labels (sector names, countries, choices).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cepex_portal.models import OutboxJob
from matchmaking.enums import MeetingState
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.selectors import Agenda, TravelLeg, agenda_for_company
from missions.enums import SEATED_STATUSES, MissionStatus
from missions.models import Application, Mission, MissionPartner, ProgrammeItem
from missions.selectors import missions_visible_to
from partners.models import Contact, KeyFigure, PartnerOrganisation, TravelTime, Venue

from ..enums import (
    OPEN_LEAD_STAGES,
    AgreementKind,
    Attendance,
    InterestLevel,
    LeadStage,
    ReportKind,
    ReportState,
)
from ..models import Lead, MeetingOutcome, Report

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cepex_portal.models import User

# --- Charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its value, and its length out of 100 (the longest bar
    of the chart is 100). ``width`` and ``start_rtl`` are strings with a dot, ready for an SVG
    attribute whatever the language's decimal separator.
    """

    key: str
    label: str
    value: int
    share: float

    @property
    def width(self) -> str:
        return f"{self.share:.2f}"

    @property
    def start_rtl(self) -> str:
        return f"{100 - self.share:.2f}"


def bars(rows: list[tuple[str, str, int]]) -> list[Bar]:
    """Bars of ``(key, label, value)`` rows, scaled so that the largest is 100 long."""
    largest = max((value for _key, _label, value in rows), default=0)
    return [
        Bar(key=key, label=str(label), value=value, share=100 * value / largest if largest else 0)
        for key, label, value in rows
    ]


# --- Mission dossier ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeEntry:
    """A programme item, its times in the mission's zone."""

    item: ProgrammeItem
    starts_at: dt.datetime
    ends_at: dt.datetime

    is_leg = False


@dataclass
class ProgrammeDay:
    """One day of the mission: the delegation's programme (with a travel leg wherever the
    venue changes) and how many B2B meetings take place that day, at how many venues."""

    day: dt.date
    rows: list[ProgrammeEntry | TravelLeg] = field(default_factory=list)
    meetings: int = 0
    meeting_venues: int = 0


@dataclass(frozen=True)
class DelegateProfile:
    """A company of the delegation as the dossier presents it."""

    company: object
    application: Application
    sectors: list[str]
    certifications: list[str]
    export_markets: list[str]
    objectives: list[str]
    target_markets: list[str]

    @property
    def contact(self) -> Contact | None:
        return self.application.contact


@dataclass(frozen=True)
class PartnerProfile:
    """A partner of the mission: who it is, its key figures, whom to ask for."""

    organisation: PartnerOrganisation
    mission_partner: MissionPartner
    sectors: list[str]
    key_figures: list[KeyFigure]
    contacts: list[Contact]
    meetings: int


@dataclass(frozen=True)
class AgendaPage:
    """A company's agenda in the dossier, and who attends for it."""

    company: object
    contact: Contact | None
    agenda: Agenda


@dataclass(frozen=True)
class VenueInfo:
    venue: Venue
    hosts: list[str]


@dataclass(frozen=True)
class TravelRow:
    from_venue: Venue
    to_venue: Venue
    minutes: int


@dataclass(frozen=True)
class ContactRow:
    name: str
    organisation: str
    role: str
    email: str
    phone: str


@dataclass
class Dossier:
    mission: Mission
    sectors: list[str]
    co_organisers: list[str]
    days: list[ProgrammeDay]
    delegation: list[DelegateProfile]
    partners: list[PartnerProfile]
    agendas: list[AgendaPage]
    venues: list[VenueInfo]
    travel: list[TravelRow]
    delegation_contacts: list[ContactRow]
    partner_contacts: list[ContactRow]
    meetings: int
    requests: int

    @property
    def time_zone(self) -> str:
        return self.mission.time_zone


def _country_names(countries) -> list[str]:
    return [str(country.name) for country in countries or ()]


def _travel_minutes(venue_ids) -> dict[tuple[int, int], int]:
    ids = sorted(set(venue_ids))
    rows = TravelTime.objects.filter(from_venue_id__in=ids, to_venue_id__in=ids).values_list(
        "from_venue_id", "to_venue_id", "minutes"
    )
    return {(low, high): minutes for low, high, minutes in rows}


def _programme_days(
    mission: Mission, items: list[ProgrammeItem], meetings: list[tuple[dt.datetime, int]]
) -> list[ProgrammeDay]:
    """Every day of the mission (and any day outside it that has something), in order."""
    zone = ZoneInfo(mission.time_zone)
    days: dict[dt.date, ProgrammeDay] = {}
    day = mission.starts_on
    while day <= mission.ends_on:
        days[day] = ProgrammeDay(day=day)
        day += dt.timedelta(days=1)
    entries = [
        ProgrammeEntry(
            item=item,
            starts_at=item.starts_at.astimezone(zone),
            ends_at=item.ends_at.astimezone(zone),
        )
        for item in items
    ]
    travel = _travel_minutes(entry.item.venue_id for entry in entries if entry.item.venue_id)
    previous: ProgrammeEntry | None = None
    for entry in sorted(entries, key=lambda e: (e.starts_at, e.ends_at, e.item.title)):
        local_day = entry.starts_at.date()
        if local_day not in days:
            days[local_day] = ProgrammeDay(day=local_day)
        current = days[local_day]
        if previous is not None and previous.starts_at.date() != local_day:
            previous = None
        if entry.item.venue_id is not None:
            if previous is not None and previous.item.venue_id != entry.item.venue_id:
                key = tuple(sorted((previous.item.venue_id, entry.item.venue_id)))
                current.rows.append(
                    TravelLeg(
                        from_venue=previous.item.venue,
                        to_venue=entry.item.venue,
                        minutes=travel.get(key),
                        gap_minutes=int((entry.starts_at - previous.ends_at).total_seconds() // 60),
                    )
                )
            previous = entry
        current.rows.append(entry)
    venues_by_day: dict[dt.date, set[int]] = defaultdict(set)
    for starts_at, venue_id in meetings:
        local_day = starts_at.astimezone(zone).date()
        if local_day not in days:
            days[local_day] = ProgrammeDay(day=local_day)
        days[local_day].meetings += 1
        venues_by_day[local_day].add(venue_id)
    for local_day, venue_ids in venues_by_day.items():
        days[local_day].meeting_venues = len(venue_ids)
    return [days[key] for key in sorted(days)]


def _contact_row(contact: Contact, organisation: str) -> ContactRow:
    return ContactRow(
        name=contact.full_name,
        organisation=organisation,
        role=contact.role,
        email=contact.email,
        phone=contact.phone,
    )


def dossier_data(*, mission: Mission, on_agenda=None) -> Dossier:
    """Everything the mission dossier prints, in the active language.

    ``on_agenda(done, total)``, when given, is called after each company's agenda (they are
    most of the reading time of a large mission): the worker reports its progress with it.
    """
    mission = (
        Mission.objects.prefetch_related("sectors", "co_organisers")
        .select_related("follows")
        .get(pk=mission.pk)
    )
    items = list(
        ProgrammeItem.objects.filter(mission=mission)
        .select_related("venue", "host")
        .order_by("starts_at")
    )
    live = Meeting.objects.filter(mission=mission).live()
    meeting_rows = list(live.values_list("starts_at", "venue_id"))
    meetings_per_partner = dict(
        live.order_by().values("partner_id").annotate(n=Count("pk")).values_list("partner_id", "n")
    )

    applications = list(
        Application.objects.filter(mission=mission, status__in=SEATED_STATUSES)
        .select_related("company", "contact")
        .prefetch_related("company__sectors", "company__certifications", "objectives")
        .order_by("company__legal_name", "pk")
    )
    delegation = [
        DelegateProfile(
            company=application.company,
            application=application,
            sectors=[sector.display_name for sector in application.company.sectors.all()],
            certifications=[c.name for c in application.company.certifications.all()],
            export_markets=_country_names(application.company.export_markets),
            objectives=[str(o.get_objective_display()) for o in application.objectives.all()],
            target_markets=_country_names(application.target_markets),
        )
        for application in applications
    ]

    mission_partners = list(
        MissionPartner.objects.filter(mission=mission)
        .select_related("organisation__venue")
        .prefetch_related("organisation__sectors", "organisation__key_figures")
        .order_by("organisation__name", "pk")
    )
    partner_ids = [mp.organisation_id for mp in mission_partners]
    contacts_by_partner: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(organisation_id__in=partner_ids).order_by(
        "last_name", "first_name", "pk"
    ):
        contacts_by_partner[contact.organisation_id].append(contact)
    partners = [
        PartnerProfile(
            organisation=mp.organisation,
            mission_partner=mp,
            sectors=[sector.display_name for sector in mp.organisation.sectors.all()],
            key_figures=list(mp.organisation.key_figures.all()),
            contacts=contacts_by_partner.get(mp.organisation_id, []),
            meetings=meetings_per_partner.get(mp.organisation_id, 0),
        )
        for mp in mission_partners
    ]

    agendas = []
    for done, application in enumerate(applications, start=1):
        agendas.append(
            AgendaPage(
                company=application.company,
                contact=application.contact,
                agenda=agenda_for_company(company=application.company, mission=mission),
            )
        )
        if on_agenda is not None:
            on_agenda(done, len(applications))

    # Venues: where the programme, the meetings and the partners' own premises are.
    hosts: dict[int, list[str]] = defaultdict(list)
    for mp in mission_partners:
        if mp.organisation.venue_id:
            hosts[mp.organisation.venue_id].append(str(mp.organisation))
    venue_ids = (
        {item.venue_id for item in items if item.venue_id}
        | {venue_id for _starts, venue_id in meeting_rows}
        | set(hosts)
    )
    venues = [
        VenueInfo(venue=venue, hosts=sorted(hosts.get(venue.pk, [])))
        for venue in Venue.objects.filter(pk__in=venue_ids).order_by("city", "name")
    ]
    by_id = {info.venue.pk: info.venue for info in venues}
    travel = sorted(
        (
            TravelRow(from_venue=by_id[low], to_venue=by_id[high], minutes=minutes)
            for (low, high), minutes in _travel_minutes(by_id).items()
        ),
        key=lambda row: (row.from_venue.city, row.from_venue.name, row.to_venue.city),
    )

    return Dossier(
        mission=mission,
        sectors=[sector.display_name for sector in mission.sectors.all()],
        co_organisers=[str(organisation) for organisation in mission.co_organisers.all()],
        days=_programme_days(mission, items, meeting_rows),
        delegation=delegation,
        partners=partners,
        agendas=agendas,
        venues=venues,
        travel=travel,
        delegation_contacts=[
            _contact_row(profile.contact, profile.company.legal_name)
            for profile in delegation
            if profile.contact is not None
        ],
        partner_contacts=[
            _contact_row(contact, str(profile.organisation))
            for profile in partners
            for contact in profile.contacts
        ],
        meetings=len(meeting_rows),
        requests=MeetingRequest.objects.filter(mission=mission).count(),
    )


# --- Follow-up report -----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFigures:
    """Meetings of the mission: as recorded (``by_state``) and as their outcomes tell.

    A meeting counts as held when its state says so or either side recorded it held; as a
    no-show when its state says so, or an outcome says so and none says held. ``planned`` is
    every meeting that was not cancelled.
    """

    total: int
    cancelled: int
    planned: int
    held: int
    no_show: int
    without_news: int
    by_state: list[Bar]
    interest: list[Bar]

    @property
    def held_percent(self) -> int | None:
        return round(100 * self.held / self.planned) if self.planned else None


@dataclass(frozen=True)
class Money:
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class AgreementKindRow:
    label: str
    count: int
    values: list[Money]


@dataclass(frozen=True)
class LeadTally:
    """Leads of one company or one partner: how many, how many still open, signed, dropped."""

    name: str
    total: int
    open: int
    agreements: int
    dropped: int


@dataclass(frozen=True)
class OverdueAction:
    lead: Lead
    days_late: int


@dataclass(frozen=True)
class Figure:
    """One line of "figures against the objectives": what, how many, against what."""

    label: str
    value: str
    note: str = ""


@dataclass
class Followup:
    mission: Mission
    today: dt.date
    meetings: MeetingFigures
    stages: list[Bar]
    kinds: list[AgreementKindRow]
    agreements: list[Lead]
    totals: list[Money]
    per_company: list[LeadTally]
    per_partner: list[LeadTally]
    overdue: list[OverdueAction]
    third_markets: list[Lead]
    figures: list[Figure]
    leads: int


def _money(pairs) -> list[Money]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in pairs:
        totals[currency.upper()] += amount
    return [Money(currency=currency, amount=totals[currency]) for currency in sorted(totals)]


def _tallies(leads: list[Lead], key) -> list[LeadTally]:
    groups: dict[str, list[Lead]] = defaultdict(list)
    for lead in leads:
        groups[key(lead)].append(lead)
    return [
        LeadTally(
            name=name,
            total=len(group),
            open=sum(lead.stage in OPEN_LEAD_STAGES for lead in group),
            agreements=sum(lead.stage == LeadStage.AGREEMENT for lead in group),
            dropped=sum(lead.stage == LeadStage.DROPPED for lead in group),
        )
        for name, group in sorted(groups.items(), key=lambda pair: pair[0].casefold())
    ]


def _meeting_figures(mission: Mission) -> MeetingFigures:
    states = dict(Meeting.objects.filter(mission=mission).values_list("pk", "state"))
    said: dict[int, set[str]] = defaultdict(set)
    interest: Counter[str] = Counter()
    for meeting_id, attendance, level in MeetingOutcome.objects.filter(
        meeting__mission=mission
    ).values_list("meeting_id", "attendance", "interest"):
        said[meeting_id].add(attendance)
        if level:
            interest[level] += 1
    held = no_show = cancelled = 0
    for meeting_id, state in states.items():
        if state == MeetingState.CANCELLED:
            cancelled += 1
        elif state == MeetingState.HELD or Attendance.HELD in said[meeting_id]:
            held += 1
        elif state == MeetingState.NO_SHOW or Attendance.NO_SHOW in said[meeting_id]:
            no_show += 1
    planned = len(states) - cancelled
    by_state = Counter(states.values())
    return MeetingFigures(
        total=len(states),
        cancelled=cancelled,
        planned=planned,
        held=held,
        no_show=no_show,
        without_news=planned - held - no_show,
        by_state=bars([(state.value, state.label, by_state[state]) for state in MeetingState]),
        interest=bars([(level.value, level.label, interest[level]) for level in InterestLevel]),
    )


def followup_data(*, mission: Mission, today: dt.date | None = None) -> Followup:
    """Everything the follow-up report prints, in the active language, as of ``today``."""
    today = today or timezone.localdate()
    mission = Mission.objects.prefetch_related("sectors").get(pk=mission.pk)
    meetings = _meeting_figures(mission)
    leads = list(
        Lead.objects.filter(mission=mission)
        .select_related("company", "partner", "owner", "triangular_mission")
        .order_by("company__legal_name", "partner__name", "pk")
    )
    stage_counts = Counter(lead.stage for lead in leads)
    agreements = sorted(
        (lead for lead in leads if lead.stage == LeadStage.AGREEMENT),
        key=lambda lead: (lead.signed_on or dt.date.max, lead.company.legal_name, lead.pk),
    )
    valued = [lead for lead in agreements if lead.agreement_value is not None]
    kinds = []
    for kind in AgreementKind:
        of_kind = [lead for lead in agreements if lead.agreement_kind == kind]
        if of_kind:
            kinds.append(
                AgreementKindRow(
                    label=str(kind.label),
                    count=len(of_kind),
                    values=_money(
                        (lead.currency, lead.agreement_value)
                        for lead in of_kind
                        if lead.agreement_value is not None
                    ),
                )
            )
    overdue = sorted(
        (
            OverdueAction(lead=lead, days_late=(today - lead.due_on).days)
            for lead in leads
            if lead.stage in OPEN_LEAD_STAGES and lead.due_on is not None and lead.due_on < today
        ),
        key=lambda row: (row.lead.due_on, row.lead.company.legal_name, row.lead.pk),
    )
    totals = _money((lead.currency, lead.agreement_value) for lead in valued)
    seated = Application.objects.filter(mission=mission, status__in=SEATED_STATUSES).count()
    partners = MissionPartner.objects.filter(mission=mission).count()
    requests = MeetingRequest.objects.filter(mission=mission).count()
    figures = _figures(
        mission=mission,
        seated=seated,
        partners=partners,
        requests=requests,
        meetings=meetings,
        leads=leads,
        agreements=agreements,
        totals=totals,
    )
    return Followup(
        mission=mission,
        today=today,
        meetings=meetings,
        stages=bars([(stage.value, stage.label, stage_counts[stage]) for stage in LeadStage]),
        kinds=kinds,
        agreements=agreements,
        totals=totals,
        per_company=_tallies(leads, lambda lead: lead.company.legal_name),
        per_partner=_tallies(leads, lambda lead: str(lead.partner)),
        overdue=overdue,
        third_markets=[lead for lead in leads if lead.third_market],
        figures=figures,
        leads=len(leads),
    )


def _figures(*, mission, seated, partners, requests, meetings, leads, agreements, totals):
    open_leads = sum(lead.stage in OPEN_LEAD_STAGES for lead in leads)
    held_note = (
        _("%(percent)s %% of the meetings planned") % {"percent": meetings.held_percent}
        if meetings.held_percent is not None
        else ""
    )
    rows = [
        Figure(
            _("Companies in the delegation"),
            str(seated),
            _("capacity: %(capacity)s") % {"capacity": mission.capacity},
        ),
        Figure(_("Partners of the mission"), str(partners)),
        Figure(_("Meeting requests"), str(requests)),
        Figure(_("Meetings planned"), str(meetings.planned)),
        Figure(_("Meetings held"), str(meetings.held), held_note),
        Figure(_("No-shows"), str(meetings.no_show)),
        Figure(
            _("Leads followed up"), str(len(leads)), _("%(open)s still open") % {"open": open_leads}
        ),
        Figure(_("Agreements signed"), str(len(agreements))),
    ]
    rows += [
        Figure(
            _("Value of the agreements"),
            f"{number_format(money.amount, decimal_pos=2, force_grouping=True)} {money.currency}",
        )
        for money in totals
    ]
    third = sum(bool(lead.third_market) for lead in leads)
    if third:
        rows.append(Figure(_("Leads towards a third market"), str(third)))
    return rows


# --- The reports of each mission (the managers' page) ---------------------------------------

ACTIVE_STATES = (ReportState.QUEUED, ReportState.RUNNING)
HISTORY_SHOWN = 12


def report_missions(*, user: User | AnonymousUser) -> QuerySet[Mission]:
    """The missions ``user`` may see (managers: every one), the newest first (the managers'
    page shows them in pages)."""
    return missions_visible_to(user=user).order_by("-starts_on", "-pk")


@dataclass
class ReportCell:
    """One kind of report in one language: the latest done version, one under way, and the
    last attempt when it failed after that version (its error is worth showing)."""

    language: str
    language_label: str
    latest: Report | None = None
    active: Report | None = None
    failed: Report | None = None


@dataclass
class KindReports:
    kind: str
    label: str
    cells: list[ReportCell]
    history: list[Report] = field(default_factory=list)
    older: int = 0

    @property
    def versions(self) -> int:
        """Earlier versions in all: those listed and the older ones."""
        return len(self.history) + self.older


@dataclass
class MissionReports:
    mission: Mission
    kinds: list[KindReports]

    @property
    def active(self) -> list[Report]:
        return [cell.active for kind in self.kinds for cell in kind.cells if cell.active]


def mission_reports(*, missions: list[Mission]) -> list[MissionReports]:
    """The reports of each of ``missions`` (one query, whatever their number): per kind and
    language the latest done version and the one under way, and per kind the earlier
    versions (done or failed), newest first, at most ``HISTORY_SHOWN`` of them.
    """
    by_mission: dict[int, list[Report]] = defaultdict(list)
    for report in (
        Report.objects.filter(mission__in=[mission.pk for mission in missions])
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
    ):
        by_mission[report.mission_id].append(report)
    rows = []
    for mission in missions:
        kinds = []
        for kind in ReportKind:
            cells = {
                code: ReportCell(language=code, language_label=str(label))
                for code, label in settings.LANGUAGES
            }
            history = []
            for report in by_mission.get(mission.pk, []):
                if report.kind != kind:
                    continue
                report.mission = mission  # no query per report for its title or slug
                cell = cells.get(report.language)
                if cell is not None and report.state in ACTIVE_STATES and cell.active is None:
                    cell.active = report
                    continue
                if cell is not None and report.state == ReportState.DONE and cell.latest is None:
                    cell.latest = report
                    continue
                if (
                    cell is not None
                    and report.state == ReportState.FAILED
                    and cell.latest is None
                    and cell.failed is None
                ):
                    cell.failed = report
                if report.state not in ACTIVE_STATES:
                    history.append(report)
            kinds.append(
                KindReports(
                    kind=kind.value,
                    label=str(kind.label),
                    cells=list(cells.values()),
                    history=history[:HISTORY_SHOWN],
                    older=max(0, len(history) - HISTORY_SHOWN),
                )
            )
        rows.append(MissionReports(mission=mission, kinds=kinds))
    return rows


def report_downloadable(*, pk: int, user: User | AnonymousUser) -> Report | None:
    """A done report of a mission ``user`` may see, with its mission (for its file name), or
    None."""
    return (
        Report.objects.done()
        .filter(pk=pk, mission__in=missions_visible_to(user=user))
        .select_related("mission")
        .first()
    )


def report_get(*, pk: int, user: User | AnonymousUser) -> Report | None:
    """A report of a mission ``user`` may see, or None."""
    return Report.objects.filter(pk=pk, mission__in=missions_visible_to(user=user)).first()


def report_stale_before() -> dt.datetime:
    """A report still running since before this instant lost its worker: no task lives
    longer than the hard time limit (``CELERY_TASK_TIME_LIMIT``), which kills it, plus a
    margin for the worker to record the end (``REPORT_STALE_MARGIN_SECONDS``)."""
    return timezone.now() - dt.timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT + settings.REPORT_STALE_MARGIN_SECONDS
    )


def report_job_waiting(*, report_id: int) -> bool:
    """True when the generation job of this report waits in the outbox (broker down)."""
    return OutboxJob.objects.filter(
        task_name="reports.generate", kwargs__report_id=report_id
    ).exists()


def missions_for_followup_regeneration(*, today: dt.date) -> QuerySet[Mission]:
    """Missions whose follow-up report the monthly job makes again: those that ended
    (completed, or past their last day; never a draft or a cancelled one) and still have
    news to give: ended less than a year ago, or with leads still open. An older mission
    whose every lead is closed keeps its last report; nothing in it can change.
    """
    return (
        Mission.objects.exclude(status__in=[MissionStatus.DRAFT, MissionStatus.CANCELLED])
        .filter(Q(status=MissionStatus.COMPLETED) | Q(ends_on__lt=today))
        .filter(
            Q(ends_on__gte=today - dt.timedelta(days=365)) | Q(leads__stage__in=OPEN_LEAD_STAGES)
        )
        .distinct()
        .order_by("ends_on", "pk")
    )


def followup_languages(*, missions: list[Mission]) -> dict[int, list[str]]:
    """For each mission, the languages its follow-up report was made in (done), else the
    mission's language: the monthly job makes each of them again."""
    languages: dict[int, set[str]] = defaultdict(set)
    for mission_id, language in (
        Report.objects.done()
        .filter(kind=ReportKind.FOLLOWUP, mission__in=missions)
        .values_list("mission_id", "language")
        .distinct()
    ):
        languages[mission_id].add(language)
    return {
        mission.pk: sorted(languages.get(mission.pk) or {mission.language}) for mission in missions
    }
