"""Files people expect: the circle's calendar (.ics) and the facilitator's signup export (.csv)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from bot.conversation.messages import Attachment
from bot.i18n import Translator
from bot.views.circles import venue_text
from domain.model import Circle, CircleStatus, Meeting, Signup
from domain.schedule import in_zone

PRODUCT = "-//Circles//learning circles//EN"


def _slug(name: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in name.casefold())
    return "-".join(part for part in kept.split("-") if part)[:40] or "circle"


def calendar(
    t: Translator, circle: Circle, meetings: Sequence[Meeting], now: datetime, *, link: bool = True
) -> Attachment:
    """The one-off file of one circle (signup confirmation, "Calendar file")."""
    cal = _calendar(circle.name)
    _add_meetings(cal, t, circle, meetings, now, link=link)
    cal.add_missing_timezones()
    return Attachment(f"{_slug(circle.name)}.ics", cal.to_ical(), "text/calendar")


def live_calendar(t: Translator, schedules: Sequence[tuple[Circle, Sequence[Meeting]]], now: datetime) -> bytes:
    """A person's subscription feed (/calendar): every meeting of every circle they are signed up
    for or facilitate, built like the one-off file, so both say the same about a meeting. The feed
    is theirs alone, so online circles' links are in it."""
    cal = _calendar(t("My learning circles"))
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for circle, meetings in schedules:
        _add_meetings(cal, t, circle, meetings, now, link=True)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def _add_meetings(
    cal: Calendar, t: Translator, circle: Circle, meetings: Sequence[Meeting], now: datetime, *, link: bool
) -> None:
    """Every meeting as an event in the circle's own time zone (with its VTIMEZONE, added by the
    caller), so calendars keep 18:00 at 18:00 across daylight-saving changes. The UID is the
    meeting's for good and SEQUENCE grows with each change, so a calendar that has the event
    replaces it; cancelled meetings stay in as cancelled, so calendars drop them on update."""
    for meeting in meetings:
        event = Event()
        event.add("uid", f"circle-{circle.id}-meeting-{meeting.id}@circles")
        event.add("dtstamp", now)
        event.add("sequence", meeting.sequence)
        event.add("dtstart", in_zone(meeting.start, circle.timezone))
        event.add("dtend", in_zone(meeting.end, circle.timezone))
        event.add("summary", t("{circle}: meeting {number}", circle=circle.name, number=meeting.number))
        event.add("location", venue_text(t, circle.venue, link=link))
        event.add("description", f"{circle.course_title}\n{circle.course_link}")
        # An online circle's learners join the call from their calendar; others find the course.
        meeting_link = circle.venue.link if link and circle.venue.online else ""
        event.add("url", meeting_link or circle.course_link)
        off = meeting.cancelled or circle.status is CircleStatus.CANCELLED
        event.add("status", "CANCELLED" if off else "CONFIRMED")
        cal.add_component(event)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula character right after a separator that some spreadsheet programs split cells on
# (a semicolon in German Excel, a tab, a pipe), possibly after spaces: "goal;=HYPERLINK(...)".
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t|]\s*)([=+\-@])")


def _cell(text: str) -> str:
    """A learner's text as a spreadsheet shows it, never as a formula it would run: a leading
    formula character (also after spaces) gets an apostrophe before it, and so does one after
    a separator inside the text; every cell is quoted as well (``signups_csv``)."""
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def signups_csv(t: Translator, circle: Circle, signups: Sequence[Signup], names: dict[int, str]) -> Attachment:
    """One row per active signup with every answer; UTF-8 with a byte-order mark so that
    spreadsheet programs read accents and non-Latin scripts correctly."""
    buffer = io.StringIO()
    # Quoted cells stay whole in programs that split on another separator than the comma.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    header = [t("Name"), t("Signed up"), t("Goal"), t("How they will help peers")]
    if circle.custom_question:
        header.append(circle.custom_question)
    writer.writerow([_cell(cell) for cell in header])
    for signup in signups:
        signed = in_zone(signup.created_at, circle.timezone).strftime("%Y-%m-%d %H:%M %Z") if signup.created_at else ""
        row = [names.get(signup.person_id, ""), signed, signup.goal, signup.help_peers]
        if circle.custom_question:
            row.append(signup.custom_answer or "")
        writer.writerow([_cell(cell) for cell in row])
    return Attachment(f"{_slug(circle.name)}-signups.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")
