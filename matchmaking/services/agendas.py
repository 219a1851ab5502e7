"""Agendas outside the portal: calendar feeds, .ics files, the printable PDF, and the
e-mails that tell both sides of a meeting when it is confirmed, moved or cancelled.

Calendar files. Every meeting keeps one ``UID`` (``Meeting.uid``) for its whole life and a
``SEQUENCE`` (``Meeting.sequence``) that grows with every change, so a calendar updates the
entry in place when a meeting moves and never shows it twice. Times are written in the
mission's zone (``DTSTART;TZID=Europe/Brussels:20170710T090000``) with the matching
``VTIMEZONE`` in the file, generated from the IANA database for the years the file covers:
every calendar application shows the meeting at the right instant, Outlook (which ignores
a ``TZID`` it has no definition for) included, and the event keeps the wall-clock time of
the place where the meeting happens.

- The subscription feed (``agenda_feed_ics``) is ``METHOD:PUBLISH`` and lists the live
  meetings only: a cancelled meeting disappears at the next refresh.
- The e-mailed file (``meeting_invitation_ics``) is ``METHOD:REQUEST`` for a confirmed or
  moved meeting and ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` for a cancelled one, with the
  same UID and the meeting's current SEQUENCE.

Notifications. ``meeting_notify_change`` is called by the services that confirm, move or
cancel a meeting; after commit, a Celery task (``meeting_notifications_send``) e-mails each
side in its language with the .ics attached. A ``MeetingNotification`` row per meeting,
revision and address makes a second run of the task (a retry, a redelivery) send nothing
twice. A cancellation goes to the addresses that were told about the meeting: nobody
receives the cancellation of a meeting they never heard of.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from cepex_portal.pdf import html_to_pdf, static_base_url
from partners.models import Company

from ..emails.agendas import send_meeting_change
from ..enums import LIVE_MEETING_STATES, MeetingChange, MeetingState
from ..models import CalendarFeed, Meeting, MeetingNotification, PartnerLink
from ..selectors import (
    COMPANY,
    Agenda,
    AgendaItem,
    Recipient,
    meeting_item,
    meeting_recipients,
)

logger = logging.getLogger(__name__)

PRODID = "-//CEPEX//Missions Portal//EN"

# --- Calendar feeds -------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_for_company(*, company: Company) -> CalendarFeed:
    """The company's subscription address, made the first time it is asked for."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(company=company)
    if feed.revoked_at is not None:
        # Staff revoked the old address; asking again gives a new one (a new version).
        feed = _new_address(feed)
    return feed


@transaction.atomic
def calendar_feed_for_partner(*, link: PartnerLink) -> CalendarFeed:
    """The partner's subscription address for the mission of its link."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(partner_link=link)
    if feed.revoked_at is not None:
        feed = _new_address(feed)
    return feed


def _new_address(feed: CalendarFeed) -> CalendarFeed:
    feed.version += 1
    feed.revoked_at = None
    feed.save(update_fields=["version", "revoked_at", "updated_at"])
    return feed


@transaction.atomic
def calendar_feed_reset(*, feed: CalendarFeed) -> CalendarFeed:
    """Give the feed a new address: the old one stops working at once (a 404)."""
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    return _new_address(feed)


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    """Staff: stop a feed. Its address never works again; asking for the feed again (the
    company or the partner) gives a new address.
    """
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        feed.version += 1
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["version", "revoked_at", "updated_at"])
    return feed


# --- iCalendar ------------------------------------------------------------------------------


def _location(item: AgendaItem) -> str:
    venue = item.venue
    if venue is None:
        return ""
    return ", ".join(part for part in (venue.name, venue.address, venue.city) if part)


def _description(item: AgendaItem) -> str:
    meeting = item.meeting
    lines = [
        _("Mission: %(title)s") % {"title": meeting.mission.title},
        _("With: %(name)s") % {"name": item.counterpart},
    ]
    if item.table:
        lines.append(_("Table: %(table)s") % {"table": item.table})
    lines.append(
        _("Attending for %(company)s: %(people)s")
        % {"company": item.company_name, "people": item.company_attendees or _("not given yet")}
    )
    lines.append(
        _("Attending for %(partner)s: %(people)s")
        % {"partner": item.partner_name, "people": item.partner_attendees or _("not given yet")}
    )
    if item.state == MeetingState.PROPOSED:
        lines.append(_("Proposed: the time may still change."))
    return "\n".join(lines)


def _event(item: AgendaItem, *, stamp: dt.datetime, status: str):
    from icalendar import Event

    meeting = item.meeting
    event = Event()
    event.add("uid", str(meeting.uid))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    event.add("dtstart", item.starts_at)  # aware, in the mission's zone: written with TZID
    event.add("dtend", item.ends_at)
    event.add("summary", _("Meeting with %(name)s") % {"name": item.counterpart})
    location = _location(item)
    if location:
        event.add("location", location)
    event.add("description", _description(item))
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _status(item: AgendaItem) -> str:
    return "TENTATIVE" if item.state == MeetingState.PROPOSED else "CONFIRMED"


def _calendar(*, method: str, name: str, items: list[AgendaItem], events: list):
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    if method == "PUBLISH":
        # How often a subscribed calendar should look again (RFC 7986, and Outlook's own).
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    for event in events:
        calendar.add_component(event)
    if items:
        # Only the transitions of the years the file covers, not fifty years of them.
        first = min(item.starts_at for item in items).date()
        last = max(item.ends_at for item in items).date()
        calendar.add_missing_timezones(
            first_date=dt.date(first.year - 1, 1, 1), last_date=dt.date(last.year + 2, 1, 1)
        )
    return calendar


def agenda_feed_ics(*, items: Iterable[AgendaItem], name: str) -> bytes:
    """The subscription feed: every live meeting of ``items``, ``METHOD:PUBLISH``."""
    meetings = [item for item in items if item.is_meeting and item.state in LIVE_MEETING_STATES]
    events = [
        _event(item, stamp=item.meeting.updated_at.astimezone(dt.UTC), status=_status(item))
        for item in meetings
    ]
    return _calendar(method="PUBLISH", name=name, items=meetings, events=events).to_ical()


def _address(email: str, name: str):
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    return address


def meeting_invitation_ics(*, item: AgendaItem, recipient: Recipient) -> tuple[str, bytes]:
    """(method, .ics) of the e-mail that tells ``recipient`` about a meeting's current state:
    ``REQUEST`` while it is live, ``CANCEL`` (and ``STATUS:CANCELLED``) once cancelled.
    """
    is_cancelled = item.state not in LIVE_MEETING_STATES
    method = "CANCEL" if is_cancelled else "REQUEST"
    event = _event(
        item,
        stamp=timezone.now().astimezone(dt.UTC),
        status="CANCELLED" if is_cancelled else _status(item),
    )
    organiser_name, organiser_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", _address(organiser_email, organiser_name))
    attendee = _address(recipient.email, recipient.name)
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["rsvp"] = "FALSE"
    event.add("attendee", attendee)
    return method, _calendar(method=method, name="", items=[item], events=[event]).to_ical()


def ics_attachment(*, ics: bytes, method: str, filename: str = "meeting.ics") -> MIMEText:
    """A text/calendar part with its ``method`` parameter, as mail clients expect of an
    invitation.
    """
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


# --- PDF ------------------------------------------------------------------------------------


def agenda_pdf(*, agenda: Agenda) -> bytes:
    """The printable agenda, in the active language: one A4 page per day, the mission and
    the company's (or partner's) name at the top of each, page numbers at the bottom; right
    to left in Arabic. Small enough to render within a request.
    """
    html = render_to_string(
        "matchmaking/pdf/agenda.html",
        {"agenda": agenda, "pdf_static": static_base_url(), "printed_at": timezone.now()},
    )
    return html_to_pdf(html)


# --- Notifications --------------------------------------------------------------------------


def meeting_notify_change(*, meeting: Meeting, change: str) -> None:
    """Tell both sides of ``meeting`` that it was confirmed, moved or cancelled, once the
    current transaction commits. Call it after saving the change (and its ``sequence``).
    """
    from ..tasks.agendas import meeting_notify_task

    enqueue_on_commit(
        meeting_notify_task,
        meeting_id=meeting.pk,
        sequence=meeting.sequence,
        change=MeetingChange(change).value,
    )


def meeting_notifications_send(*, meeting_id: int, sequence: int, change: str) -> int:
    """E-mail each side about revision ``sequence`` of a meeting; how many e-mails went out.

    Idempotent: an address already served for this revision is skipped, so a task that runs
    twice sends nothing twice. A revision that is no longer the meeting's current one is
    skipped too: a newer change is on its way, with its own e-mail. Each address is sent in
    its own transaction that holds the row: a mail server that fails leaves no row, and the
    retry sends it; two runs at once wait for each other.
    """
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        logger.warning("meeting %s vanished before its e-mails", meeting_id)
        return 0
    if meeting.sequence != sequence:
        logger.info("meeting %s is at revision %s, not %s", meeting_id, meeting.sequence, sequence)
        return 0
    is_cancelled = meeting.state not in LIVE_MEETING_STATES
    if is_cancelled != (change == MeetingChange.CANCELLED):
        logger.info(
            "meeting %s is %s: no e-mail about it being %s", meeting_id, meeting.state, change
        )
        return 0
    recipients = meeting_recipients(meeting=meeting)
    if is_cancelled:
        recipients = _told_before(meeting=meeting, sequence=sequence, current=recipients)
    items = {}
    sent = 0
    for recipient in recipients:
        with transaction.atomic():
            notification, _created = MeetingNotification.objects.select_for_update().get_or_create(
                meeting=meeting,
                sequence=sequence,
                recipient=recipient.email,
                defaults={
                    "change": change,
                    "language": recipient.language,
                    "side": recipient.side,
                },
            )
            if notification.sent_at is not None:
                continue
            with translation.override(recipient.language):
                if recipient.side not in items:
                    items[recipient.side] = meeting_item(meeting_id=meeting.pk, side=recipient.side)
                item = items[recipient.side]
                method, ics = meeting_invitation_ics(item=item, recipient=recipient)
            send_meeting_change(
                recipient=recipient,
                item=item,
                change=change,
                attachment=ics_attachment(ics=ics, method=method),
                agenda_url=_agenda_url(recipient),
            )
            notification.sent_at = timezone.now()
            notification.save(update_fields=["sent_at"])
            sent += 1
    return sent


def _told_before(*, meeting: Meeting, sequence: int, current: list[Recipient]) -> list[Recipient]:
    """Who must hear of a cancellation: every address told about an earlier revision (it
    has the meeting in its calendar), even one that is no longer the meeting's contact.
    """
    by_email = {recipient.email: recipient for recipient in current}
    told = {}
    for row in MeetingNotification.objects.filter(
        meeting=meeting, sequence__lt=sequence, sent_at__isnull=False
    ).order_by("-sequence"):
        told.setdefault(
            row.recipient,
            by_email.get(row.recipient)
            or Recipient(side=row.side, email=row.recipient, name="", language=row.language),
        )
    return list(told.values())


def _agenda_url(recipient: Recipient) -> str:
    if recipient.side != COMPANY:
        return ""
    from django.urls import reverse

    return settings.SITE_URL + reverse("space:agenda")
