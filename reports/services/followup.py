"""Writes of the follow-up: outcomes of meetings, leads and their pipeline, the reminders that
ask companies for news, and the weekly digest of overdue actions.

One home per rule. The company space, the partner's page, the reminder page and the admin
all write through these functions, so that they obey the same rules:

- **Outcomes.** After a meeting has ended, each side (the company, the partner, CEPEX staff)
  records one outcome: held or no-show, the interest it sees, the next step. A later answer
  of the same side replaces its earlier one. The meeting's state follows the outcomes
  (``meeting_state_from_outcomes``): **staff's word wins**; without it, **one "held" is
  enough** (a meeting one side says took place did take place; the other side's "no-show"
  is then a misunderstanding for staff to settle); only when every side that answered says
  "no-show" is the meeting a no-show.
- **Leads.** A held meeting with a high or medium interest (from either side) opens a lead
  (``lead_open_from_meeting``); staff open others by hand (``lead_create``). A lead moves
  contact → NDA / CDA → negotiation → agreement signed, or is dropped. **Companies** move
  their leads forward (any later stage, or dropped); **staff** may also move back or reopen a
  closed lead (to correct a mistake); **partners** record outcomes and do not move leads (the
  page behind their link may be forwarded inside their organisation, and the pipeline is the
  delegation's). An agreement needs its kind, and a value needs an ISO 4217 currency; a
  dropped lead needs its reason; an open lead needs a next action and its due date. Every
  change of stage, and every note, writes a ``LeadEvent`` (who, which side, when).
- **Reminders.** 30, 90 and 180 days after a mission ends, each company with open leads of it
  is asked for news, once (``lead_reminders_run``, daily by beat). The ``LeadReminder`` row,
  unique per mission, company and milestone, is committed before anything is sent; the
  e-mail task then locks the row, sends, and stamps ``sent_at`` in the same transaction, so
  a second run (beat restarted, a task delivered twice, two workers at once) finds it sent.
  The e-mail carries a one-time link (only its SHA-256 is kept) to a page that updates
  those leads without an account; the link works once and expires.
- **Digest.** Every week each owner at the agency gets the list of their overdue actions
  (open leads due before today); nothing when nothing is overdue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from cepex_portal.mail import send_templated_mail
from matchmaking.enums import MeetingState
from matchmaking.models import Meeting, PartnerLink
from matchmaking.services.links import link_touch
from missions.enums import MissionKind
from missions.models import Mission
from partners.models import Company, PartnerOrganisation

from ..currencies import ISO_4217_CURRENCIES
from ..enums import (
    OPEN_LEAD_STAGES,
    AgreementKind,
    Attendance,
    InterestLevel,
    LeadStage,
    OutcomeSide,
)
from ..models import Lead, LeadEvent, LeadReminder, MeetingOutcome
from ..selectors.followup import (
    OUTCOME_MEETING_STATES,
    REMINDER_CATCH_UP_DAYS,
    overdue_leads,
    overdue_owner_ids,
    reminder_open_leads,
    reminder_recipient,
    reminders_due,
)

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# Interest that makes a lead of a held meeting: worth following up for months.
LEAD_INTEREST = (InterestLevel.HIGH, InterestLevel.MEDIUM)

# The first action of a lead born of a meeting is due this many days later.
FIRST_ACTION_DAYS = 14

# Validity of the one-time link of a reminder, from the day it was sent.
DEFAULT_REMINDER_LINK_MAX_AGE_DAYS = 30


# --- Outcomes -------------------------------------------------------------------------------


def meeting_state_from_outcomes(outcomes: Iterable[tuple[str, str]]) -> str | None:
    """The state a meeting takes from its outcomes, given as (side, attendance) pairs.

    Staff's word wins; otherwise one "held" is enough; only "no-show" from every side that
    answered makes a no-show. None when nobody answered (the state stays as it is).
    """
    outcomes = list(outcomes)
    for side, attendance in outcomes:
        if side == OutcomeSide.STAFF:
            return MeetingState.HELD if attendance == Attendance.HELD else MeetingState.NO_SHOW
    if not outcomes:
        return None
    if any(attendance == Attendance.HELD for _side, attendance in outcomes):
        return MeetingState.HELD
    return MeetingState.NO_SHOW


def outcome_refused(*, meeting: Meeting, now: dt.datetime | None = None) -> ValidationError | None:
    """Why no outcome can be recorded for ``meeting`` now, or None when one can."""
    if meeting.state not in OUTCOME_MEETING_STATES:
        return ValidationError(
            _("This meeting was cancelled or never confirmed: there is no outcome to record."),
            code="not_a_meeting",
        )
    if meeting.ends_at > (now or timezone.now()):
        return ValidationError(
            _("This meeting has not ended yet: record its outcome afterwards."),
            code="not_ended",
        )
    return None


def outcome_check(*, side: str, attendance: str, interest: str, next_step: str) -> None:
    """Raise a ValidationError by field unless the answer is one we can record. The company
    and the partner say how interested they are in a meeting that took place; staff may only
    confirm that it did (they sign the attendance sheet, the two sides speak for themselves).
    """
    errors: dict[str, str] = {}
    if attendance not in Attendance.values:
        errors["attendance"] = _("Say whether the meeting took place.")
    elif attendance == Attendance.HELD and not interest and side != OutcomeSide.STAFF:
        errors["interest"] = _("Say how interested you are in going further.")
    if interest and interest not in InterestLevel.values:
        errors["interest"] = _("Choose one of the interest levels offered.")
    if len(next_step) > 500:
        errors["next_step"] = _("Keep the next step to at most 500 characters.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outcome_record(
    *,
    meeting: Meeting,
    side: str,
    attendance: str,
    interest: str = "",
    next_step: str = "",
    by: User | None = None,
    now: dt.datetime | None = None,
) -> MeetingOutcome:
    """Record (or replace) what ``side`` says came of a meeting that has ended.

    The meeting's state follows the outcomes (see ``meeting_state_from_outcomes``); a held
    meeting with a high or medium interest opens its lead, once.
    """
    if side not in OutcomeSide.values:
        raise ValidationError(_("Unknown side."), code="side")
    # The meeting row is locked: two sides answering at once settle its state in turn.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    refused = outcome_refused(meeting=meeting, now=now)
    if refused is not None:
        raise refused
    next_step = next_step.strip()
    outcome_check(side=side, attendance=attendance, interest=interest, next_step=next_step)
    if attendance == Attendance.NO_SHOW:
        interest = ""  # nothing was said: there is no interest to speak of
    outcome, _created = MeetingOutcome.objects.update_or_create(
        meeting=meeting,
        side=side,
        defaults={
            "attendance": attendance,
            "interest": interest,
            "next_step": next_step,
            "recorded_by": by,
        },
    )
    _meeting_state_follow(meeting)
    if attendance == Attendance.HELD and interest in LEAD_INTEREST:
        lead_open_from_meeting(meeting=meeting, side=side, by=by, next_action=next_step)
    logger.info(
        "outcome of meeting %s by %s (user %s): %s",
        meeting.pk,
        side,
        by.pk if by else None,
        attendance,
    )
    return outcome


def _meeting_state_follow(meeting: Meeting) -> None:
    wanted = meeting_state_from_outcomes(meeting.outcomes.values_list("side", "attendance"))
    if wanted is None or wanted == meeting.state:
        return
    try:
        # A no-show that becomes held takes its time and table again: on PostgreSQL the
        # exclusion constraints refuse it if staff put another meeting there since. The
        # outcome stands; the state stays for staff to settle.
        with transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(state=wanted, updated_at=timezone.now())
    except IntegrityError:
        logger.warning("meeting %s cannot become %s: its slot is taken", meeting.pk, wanted)
        return
    meeting.state = wanted


def company_outcome_record(
    *, company: Company, meeting: Meeting, by: User | None = None, **answer: Any
) -> MeetingOutcome:
    """A representative of ``company`` records the company's outcome of one of its meetings."""
    if meeting.company_id != company.pk:
        raise ValidationError(_("This meeting is not one of your company's."), code="not_yours")
    return outcome_record(meeting=meeting, side=OutcomeSide.COMPANY, by=by, **answer)


@transaction.atomic
def link_outcome_record(*, link: PartnerLink, meeting: Meeting, **answer: Any) -> MeetingOutcome:
    """The holder of a partner's link records the partner's outcome of one of its meetings."""
    if meeting.partner_id != link.partner_id or meeting.mission_id != link.mission_id:
        raise ValidationError(_("This meeting is not on your page."), code="not_yours")
    outcome = outcome_record(meeting=meeting, side=OutcomeSide.PARTNER, by=None, **answer)
    link_touch(link=link)
    return outcome


# --- Leads: the rules -----------------------------------------------------------------------

# Fields a company may change on its lead; staff may change these and the rest.
COMPANY_LEAD_FIELDS = (
    "stage",
    "next_action",
    "due_on",
    "dropped_reason",
    "agreement_kind",
    "agreement_value",
    "currency",
    "signed_on",
)
STAFF_LEAD_FIELDS = (
    *COMPANY_LEAD_FIELDS,
    "title",
    "owner",
    "third_market",
    "triangular_mission",
    "notes",
)

# Forward moves: a lead advances, or is dropped. Closed leads (agreement, dropped) stay closed.
FORWARD_STAGES = {
    LeadStage.CONTACT: (LeadStage.NDA, LeadStage.NEGOTIATION, LeadStage.AGREEMENT),
    LeadStage.NDA: (LeadStage.NEGOTIATION, LeadStage.AGREEMENT),
    LeadStage.NEGOTIATION: (LeadStage.AGREEMENT,),
    LeadStage.AGREEMENT: (),
    LeadStage.DROPPED: (),
}

_TEXT_LIMITS = {"title": 200, "next_action": 300, "dropped_reason": 300}


def lead_stages_allowed(*, current: str, side: str) -> list[str]:
    """The stages ``side`` may give a lead now at ``current`` (``current`` included).

    Companies move forward or drop an open lead; staff may set any stage (corrections,
    reopening); partners move nothing.
    """
    if side == OutcomeSide.STAFF:
        return list(LeadStage.values)
    if side == OutcomeSide.COMPANY:
        allowed = [current, *FORWARD_STAGES[LeadStage(current)]]
        if current in OPEN_LEAD_STAGES:
            allowed.append(LeadStage.DROPPED)
        return allowed
    return [current]


def _code(value: Any) -> str:
    """A country (django-countries' Country or a code) as its code."""
    return str(getattr(value, "code", value) or "")


def lead_check(
    *, lead: Lead | None, side: str, values: dict[str, Any], today: dt.date | None = None
) -> dict[str, Any]:
    """What a lead would become, checked: returns the values to write (normalised) or raises
    a ValidationError by field. ``values`` holds every field of ``STAFF_LEAD_FIELDS``; ``lead``
    is the lead as it is (None for a new one).
    """
    today = today or timezone.localdate()
    values = dict(values)
    errors: dict[str, str] = {}
    for name in ("title", "next_action", "dropped_reason", "currency", "notes"):
        values[name] = (values.get(name) or "").strip()
    for name, limit in _TEXT_LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = _("Keep this to at most %(limit)d characters.") % {"limit": limit}

    stage = values["stage"]
    current = lead.stage if lead is not None else None
    if stage not in LeadStage.values:
        errors["stage"] = _("Choose one of the stages offered.")
    elif current is not None and stage not in lead_stages_allowed(current=current, side=side):
        if side == OutcomeSide.COMPANY and current not in OPEN_LEAD_STAGES:
            errors["stage"] = _(
                "This lead is closed (%(stage)s). Ask the CEPEX team if it should be reopened."
            ) % {"stage": LeadStage(current).label}
        else:
            errors["stage"] = _("A lead at the stage “%(from)s” cannot move to “%(to)s”.") % {
                "from": LeadStage(current).label,
                "to": LeadStage(stage).label,
            }

    if lead is None and not values["title"]:
        errors["title"] = _("Give the lead a subject.")

    if stage == LeadStage.DROPPED:
        if not values["dropped_reason"]:
            errors["dropped_reason"] = _("Say why the lead was dropped.")
    else:
        values["dropped_reason"] = ""

    if stage == LeadStage.AGREEMENT:
        _check_agreement(values, errors, today=today)
    else:
        values.update(agreement_kind="", agreement_value=None, currency="", signed_on=None)

    if stage in OPEN_LEAD_STAGES:
        if not values["next_action"]:
            errors["next_action"] = _("Say what the next action is.")
        due_on = values["due_on"]
        if due_on is None:
            errors["due_on"] = _("Give the date of the next action.")
        elif (lead is None or due_on != lead.due_on) and due_on < today:
            errors["due_on"] = _("The date of the next action cannot be in the past.")

    # The owner and the triangular action are checked when they are set: a company that
    # updates its lead is not refused because the owner has left the agency since.
    owner = values.get("owner")
    if (
        owner is not None
        and (lead is None or owner.pk != lead.owner_id)
        and not (owner.is_staff and owner.is_active)
    ):
        errors["owner"] = _("The owner must be an active member of the CEPEX staff.")
    values["third_market"] = _code(values.get("third_market"))
    if lead is None or (
        values["third_market"] != _code(lead.third_market)
        or getattr(values.get("triangular_mission"), "pk", None) != lead.triangular_mission_id
    ):
        _check_triangular(values, errors, mission_id=values.get("mission_id"))

    if errors:
        raise ValidationError(errors)
    return values


def _check_agreement(values: dict[str, Any], errors: dict[str, str], *, today: dt.date) -> None:
    if not values["agreement_kind"]:
        errors["agreement_kind"] = _("Say what kind of agreement was signed.")
    elif values["agreement_kind"] not in AgreementKind.values:
        errors["agreement_kind"] = _("Choose one of the kinds of agreement offered.")
    amount, currency = values["agreement_value"], values["currency"].upper()
    values["currency"] = currency
    if amount is not None:
        amount = Decimal(amount)
        values["agreement_value"] = amount
        if amount < 0:
            errors["agreement_value"] = _("The value cannot be negative.")
        elif not amount.is_finite() or amount >= Decimal(10) ** 12:
            errors["agreement_value"] = _("This value is too large.")
        if not currency:
            errors["currency"] = _("Give the currency of the value (ISO 4217 code, e.g. EUR).")
    elif currency:
        errors["agreement_value"] = _("Give the value, or leave the currency empty.")
    if currency and currency not in ISO_4217_CURRENCIES:
        errors["currency"] = _(
            "“%(code)s” is not an ISO 4217 currency code (for example EUR, USD, TND, XOF)."
        ) % {"code": currency}
    if values["signed_on"] is None:
        values["signed_on"] = today
    elif values["signed_on"] > today:
        errors["signed_on"] = _("The date of signature cannot be in the future.")


def _check_triangular(values: dict[str, Any], errors: dict[str, str], *, mission_id) -> None:
    """A triangular lead names its third market and the triangular mission it belongs to."""
    triangular: Mission | None = values.get("triangular_mission")
    if triangular is None:
        return
    if triangular.kind != MissionKind.TRIANGULAR:
        errors["triangular_mission"] = _(
            "“%(mission)s” is not a triangular action towards a third market."
        ) % {"mission": triangular.title}
    elif mission_id is not None and triangular.pk == mission_id:
        errors["triangular_mission"] = _("A lead cannot follow up its own mission.")
    elif not values["third_market"]:
        values["third_market"] = _code(triangular.third_market)
    elif values["third_market"] != _code(triangular.third_market):
        errors["third_market"] = _("The third market of “%(mission)s” is %(country)s.") % {
            "mission": triangular.title,
            "country": triangular.third_market.name,
        }


def _event(*, lead: Lead, stage_from: str, side: str, by: User | None, note: str = "") -> LeadEvent:
    return LeadEvent.objects.create(
        lead=lead, stage_from=stage_from, stage_to=lead.stage, note=note, side=side, by=by
    )


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the note to at most 500 characters.")})
    return note


# --- Leads: writes --------------------------------------------------------------------------


def _default_owner(*, mission: Mission, company: Company) -> User | None:
    """Who at the agency follows a new lead up: whoever follows the company's other leads of
    the mission, else the mission's latest lead with an owner, else the first member of the
    mission's team; nobody only for a mission without a team (the admin lists leads without
    an owner).
    """
    owned = Lead.objects.filter(
        mission=mission, owner__isnull=False, owner__is_active=True, owner__is_staff=True
    ).select_related("owner")
    lead = owned.filter(company=company).order_by("-created_at", "-pk").first()
    lead = lead or owned.order_by("-created_at", "-pk").first()
    if lead is not None:
        return lead.owner
    return mission.team.filter(is_active=True, is_staff=True).order_by("pk").first()


@transaction.atomic
def lead_open_from_meeting(
    *,
    meeting: Meeting,
    side: str,
    by: User | None = None,
    next_action: str = "",
    today: dt.date | None = None,
) -> Lead:
    """The lead of a meeting, opened at the stage "contact" if it has none yet (once: a
    meeting has at most one lead, and a second call returns the first one).
    """
    existing = Lead.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    owner = by if by is not None and by.is_staff and by.is_active else None
    owner = owner or _default_owner(mission=meeting.mission, company=meeting.company)
    day = timezone.localtime(meeting.starts_at, meeting.mission.tzinfo).date()
    # Stored text is in the agency's language: staff read it, and may rename it.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Meeting of %(date)s") % {"date": formats.date_format(day, "DATE_FORMAT")}
        next_action = next_action.strip()[:300] or _("Get back to the partner after the meeting")
    lead = Lead(
        mission_id=meeting.mission_id,
        company_id=meeting.company_id,
        partner_id=meeting.partner_id,
        meeting=meeting,
        title=title,
        owner=owner,
        next_action=next_action,
        due_on=today + dt.timedelta(days=FIRST_ACTION_DAYS),
    )
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:
        # The other side's answer opened it a moment ago.
        return Lead.objects.get(meeting=meeting)
    _event(lead=lead, stage_from="", side=side, by=by)
    logger.info("lead %s opened from meeting %s by %s", lead.pk, meeting.pk, side)
    return lead


def lead_parties_check(
    *,
    mission: Mission,
    company: Company,
    partner: PartnerOrganisation,
    meeting: Meeting | None,
) -> None:
    """A new lead's meeting, if any, is between its company and partner on its mission, and
    has no lead yet.
    """
    if meeting is None:
        return
    if (meeting.mission_id, meeting.company_id, meeting.partner_id) != (
        mission.pk,
        company.pk,
        partner.pk,
    ):
        raise ValidationError(
            {"meeting": _("This meeting is not between this company and this partner.")}
        )
    if Lead.objects.filter(meeting=meeting).exists():
        raise ValidationError({"meeting": _("This meeting already has a lead.")})


@transaction.atomic
def lead_create(
    *,
    mission: Mission,
    company: Company,
    partner: PartnerOrganisation,
    by: User | None,
    meeting: Meeting | None = None,
    note: str = "",
    today: dt.date | None = None,
    **values: Any,
) -> Lead:
    """Staff open a lead by hand (``values``: fields of ``STAFF_LEAD_FIELDS``; the stage is
    "contact" unless given).
    """
    unknown = set(values) - set(STAFF_LEAD_FIELDS)
    if unknown:
        raise TypeError(f"lead_create() got unexpected fields {sorted(unknown)}")
    lead_parties_check(mission=mission, company=company, partner=partner, meeting=meeting)
    note = _check_note(note)
    defaults = {name: Lead._meta.get_field(name).get_default() for name in STAFF_LEAD_FIELDS}
    defaults["owner"] = None
    defaults["triangular_mission"] = None
    checked = lead_check(
        lead=None,
        side=OutcomeSide.STAFF,
        values={**defaults, **values, "mission_id": mission.pk},
        today=today,
    )
    checked.pop("mission_id")
    if checked.get("owner") is None:  # the member of staff opening it, else the usual one
        checked["owner"] = (
            by if by is not None and by.is_staff and by.is_active else None
        ) or _default_owner(mission=mission, company=company)
    lead = Lead.objects.create(
        mission=mission, company=company, partner=partner, meeting=meeting, **checked
    )
    _event(lead=lead, stage_from="", side=OutcomeSide.STAFF, by=by, note=note)
    logger.info("lead %s created by user %s", lead.pk, by.pk if by else None)
    return lead


@transaction.atomic
def lead_update(
    *,
    lead: Lead,
    side: str,
    by: User | None = None,
    note: str = "",
    today: dt.date | None = None,
    **changes: Any,
) -> Lead:
    """Change a lead as ``side`` may: its stage (with the agreement or the reason it was
    dropped), next action and due date; staff also its subject, owner, third market,
    triangular mission and notes. A change of stage, or a note, writes a ``LeadEvent``.
    Nothing changed and no note: nothing is written.
    """
    if side not in (OutcomeSide.STAFF, OutcomeSide.COMPANY):
        raise ValidationError(
            _(
                "Partners record the outcome of their meetings; the company and the CEPEX "
                "team follow the lead up."
            ),
            code="partner",
        )
    allowed = STAFF_LEAD_FIELDS if side == OutcomeSide.STAFF else COMPANY_LEAD_FIELDS
    refused = set(changes) - set(allowed)
    if refused:
        raise ValidationError(
            _("You may not change this of a lead: %(fields)s.")
            % {"fields": ", ".join(sorted(refused))},
            code="not_allowed",
        )
    note = _check_note(note)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    before = {name: getattr(lead, name) for name in STAFF_LEAD_FIELDS}
    before["third_market"] = _code(before["third_market"])
    checked = lead_check(
        lead=lead,
        side=side,
        values={**before, **changes, "mission_id": lead.mission_id},
        today=today,
    )
    changed = [name for name in STAFF_LEAD_FIELDS if checked[name] != before[name]]
    if not changed and not note:
        return lead
    for name in changed:
        setattr(lead, name, checked[name])
    if changed:
        lead.save(update_fields=[*changed, "updated_at"])
    if lead.stage != before["stage"] or note:
        _event(lead=lead, stage_from=before["stage"], side=side, by=by, note=note)
    logger.info(
        "lead %s updated by %s (user %s): %s", lead.pk, side, by.pk if by else None, changed
    )
    return lead


# --- Reminders ------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reminder_link_max_age() -> dt.timedelta:
    days = getattr(settings, "LEAD_REMINDER_LINK_MAX_AGE_DAYS", DEFAULT_REMINDER_LINK_MAX_AGE_DAYS)
    return dt.timedelta(days=days)


def reminders_create(*, today: dt.date | None = None) -> list[LeadReminder]:
    """Write the reminder rows due today (each committed on its own, before any e-mail);
    return those this call created. A row another run created first is left to that run.
    """
    today = today or timezone.localdate()
    created = []
    for due in reminders_due(today=today):
        # A hash of a token nobody knows: the link is made when the e-mail leaves.
        placeholder = _hash(secrets.token_urlsafe(32))
        with transaction.atomic():
            reminder, is_new = LeadReminder.objects.get_or_create(
                mission_id=due.mission_id,
                company_id=due.company_id,
                milestone_days=due.milestone_days,
                defaults={"token_hash": placeholder},
            )
        if is_new:
            created.append(reminder)
    return created


def lead_reminders_run(*, today: dt.date | None = None) -> int:
    """The daily job: write the reminders due today, then have each unsent one e-mailed (its
    own task, retried on its own). Unsent rows of the last days are sent again too: a message
    lost by the broker, or a contact added since, still gets its reminder. Returns how many
    rows this run created.
    """
    from ..tasks.followup import lead_reminder_send_task

    created = reminders_create(today=today)
    since = timezone.now() - dt.timedelta(days=REMINDER_CATCH_UP_DAYS)
    unsent = LeadReminder.objects.filter(sent_at__isnull=True, created_at__gte=since)
    for reminder_id in unsent.order_by("pk").values_list("pk", flat=True):
        enqueue_on_commit(lead_reminder_send_task, reminder_id=reminder_id)
    logger.info("%d lead reminders due", len(created))
    return len(created)


def lead_reminder_send(*, reminder_id: int, now: dt.datetime | None = None) -> bool:
    """E-mail one reminder with a fresh one-time link; True if it went out now.

    Idempotent: the row is locked, and a reminder already sent is left alone, so two runs at
    once, or one after the other, send it once. The new token's hash replaces the placeholder
    in the same transaction as ``sent_at``: a mail server that fails rolls both back, and the
    retry makes a new link.
    """
    with transaction.atomic():
        reminder = (
            LeadReminder.objects.select_for_update(of=("self",))
            .select_related("mission", "company")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None:
            logger.warning("lead reminder %s vanished before its e-mail", reminder_id)
            return False
        if reminder.sent_at is not None:
            return False
        leads = list(reminder_open_leads(reminder=reminder))
        if not leads:
            logger.info("lead reminder %s: every lead is closed, nothing to ask", reminder_id)
            return False
        recipient = reminder_recipient(mission=reminder.mission, company=reminder.company)
        if recipient is None:
            logger.warning("lead reminder %s: the company has no contact address", reminder_id)
            return False
        now = now or timezone.now()
        token = secrets.token_urlsafe(32)
        reminder.token_hash = _hash(token)
        reminder.sent_at = now
        send_templated_mail(
            to=recipient.email,
            language=recipient.language,
            template="reports/emails/lead_reminder",
            context={
                "name": recipient.name,
                "mission": reminder.mission,
                "company": reminder.company,
                "milestone_days": reminder.milestone_days,
                "leads": leads,
                "link_url": settings.SITE_URL + reverse("space:lead_reminder", args=[token]),
                "space_url": settings.SITE_URL + reverse("space:leads"),
                "expires_on": timezone.localdate(now + reminder_link_max_age()),
            },
        )
        reminder.save(update_fields=["token_hash", "sent_at"])
    logger.info("lead reminder %s sent", reminder_id)
    return True


def _reminder_check_usable(reminder: LeadReminder | None, *, now: dt.datetime) -> None:
    if reminder is None or reminder.sent_at is None:
        raise ValidationError(
            _("This link is not valid. Check that you opened the whole address from the e-mail."),
            code="invalid",
        )
    if reminder.used_at is not None:
        raise ValidationError(
            _(
                "This link has already been used: it works once. Log in to your company "
                "space to update your leads again."
            ),
            code="used",
        )
    if reminder.sent_at + reminder_link_max_age() <= now:
        raise ValidationError(
            _("This link has expired. Log in to your company space to update your leads."),
            code="expired",
        )


def reminder_resolve(*, token: str, now: dt.datetime | None = None) -> LeadReminder:
    """The reminder a one-time link names, still usable. Only reads (mail scanners open
    links: looking never spends it).

    Raises ValidationError with code ``invalid`` (no such link), ``used`` or ``expired``.
    """
    reminder = (
        LeadReminder.objects.select_related("mission", "company")
        .filter(token_hash=_hash(token))
        .first()
    )
    _reminder_check_usable(reminder, now=now or timezone.now())
    return reminder


class LeadUpdatesRefused(Exception):
    """Some of the leads of one answer cannot be updated so; nothing of the answer was saved.

    ``errors`` maps each refused lead's id to its ValidationError.
    """

    def __init__(self, errors: dict[int, ValidationError]) -> None:
        super().__init__(errors)
        self.errors = errors


@transaction.atomic
def reminder_answer(
    *,
    token: str,
    updates: dict[int, dict[str, Any]],
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> LeadReminder:
    """The company answers a reminder: ``updates`` maps lead ids to their changes (company
    fields, and ``note``). All or nothing; the link is spent by this answer, and by nothing
    else (looking at the page, or an answer refused, leaves it usable).
    """
    now = now or timezone.now()
    # Two answers racing with one link: the second waits here, then finds the link used.
    reminder = (
        LeadReminder.objects.select_for_update(of=("self",))
        .select_related("mission", "company")
        .filter(token_hash=_hash(token))
        .first()
    )
    _reminder_check_usable(reminder, now=now)
    leads = {lead.pk: lead for lead in reminder_open_leads(reminder=reminder)}
    errors: dict[int, ValidationError] = {}
    for lead_id, changes in updates.items():
        lead = leads.get(lead_id)
        if lead is None:
            errors[lead_id] = ValidationError(_("This lead is no longer open."), code="closed")
            continue
        changes = dict(changes)
        note = changes.pop("note", "")
        try:
            lead_update(
                lead=lead, side=OutcomeSide.COMPANY, by=None, note=note, today=today, **changes
            )
        except ValidationError as exc:
            errors[lead_id] = exc
    if errors:
        raise LeadUpdatesRefused(errors)
    reminder.used_at = now
    reminder.save(update_fields=["used_at"])
    return reminder


# --- Weekly digest of overdue actions -------------------------------------------------------


def overdue_digests_run(*, today: dt.date | None = None) -> int:
    """The weekly job: one e-mail task per owner with overdue actions; how many owners."""
    from ..tasks.followup import overdue_digest_send_task

    today = today or timezone.localdate()
    owner_ids = overdue_owner_ids(today=today)
    for owner_id in owner_ids:
        enqueue_on_commit(overdue_digest_send_task, owner_id=owner_id, today=today.isoformat())
    return len(owner_ids)


def overdue_digest_send(*, owner_id: int, today: dt.date) -> int:
    """E-mail one owner their overdue actions as of ``today``, in their language; how many
    leads it listed (0, and no e-mail, when nothing is overdue any more).
    """
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or not owner.email:
        return 0
    leads = list(overdue_leads(today=today, owner_id=owner_id))
    if not leads:
        return 0
    send_templated_mail(
        to=owner.email,
        language=owner.language,
        template="reports/emails/overdue_digest",
        context={
            "owner": owner,
            "today": today,
            "leads": [{"lead": lead, "days_late": (today - lead.due_on).days} for lead in leads],
            "admin_url": settings.SITE_URL
            + reverse("admin:reports_lead_changelist")
            + f"?overdue=yes&owner__id__exact={owner_id}",
        },
    )
    logger.info("overdue digest sent to user %s: %d leads", owner_id, len(leads))
    return len(leads)
