"""How circles, meetings and signups read in a chat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.i18n import Translator
from domain.daylight import ClockChange, heads_up
from domain.model import Circle, CirclePhase, CircleStatus, Meeting, Rsvp, Signup, Venue
from domain.schedule import active, in_zone, next_meeting, phase
from domain.waitlist import WaitlistEntry


def when(t: Translator, circle: Circle, meeting: Meeting) -> str:
    """A meeting's start in the circle's own time zone, with the zone's abbreviation."""
    return moment_for(t, meeting.start, circle.timezone)


def meeting_fields(t: Translator, circle: Circle, meeting: Meeting) -> dict[str, object]:
    """The ``{number}``, ``{circle}`` and ``{when}`` of a text about one meeting of a circle."""
    return {"number": meeting.number, "circle": circle.name, "when": when(t, circle, meeting)}


def meeting_cancelled(t: Translator, circle: Circle, meeting: Meeting) -> str:
    """The answer to whoever cancelled one meeting (from the circle's menu, or the cover offer)."""
    return t(
        "Meeting {number} on {when} is cancelled.",
        number=meeting.number,
        when=moment_for(t, meeting.start, circle.timezone),
    )


def leader_line(t: Translator, name: str) -> str:
    """Who leads a meeting someone covers, said under the meeting wherever it is shown (the
    reminder, the RSVP lists, a circle's card, the Home tab)."""
    return t("Led by {name} this time.", name=name)


def moment_for(t: Translator, instant: datetime, zone: str) -> str:
    """``instant`` as read in ``zone``, and — when the reader's own zone (``t.zone``) shows another
    clock — in theirs too: "Mon, 7 Dec 2026, 18:00 CET (12:00 your time)", with their date when it
    is another day. The one place that decides how a time reads for someone in another zone."""
    local = in_zone(instant, zone)
    text = t.moment(local)
    if not t.zone or t.zone == zone:
        return text
    theirs = in_zone(instant, t.zone)
    if theirs.utcoffset() == local.utcoffset():
        return text  # another zone's name, but the same clock: nothing to add
    if theirs.date() == local.date():
        return text + " " + t("({time} your time)", time=t.clock(theirs))
    return text + " " + t("({date}, {time} your time)", date=t.date(theirs.date()), time=t.clock(theirs))


def clock_change_note(t: Translator, circle: Circle, meeting: Meeting) -> str | None:
    """When clocks change in the week before the meeting (the circle's zone, or the reader's own for
    an online circle), how its time reads for the reader now; None in any other week
    (``domain.daylight`` decides)."""
    online = circle.venue.online
    found = heads_up(meeting.start, circle.timezone, t.zone, online=online)
    if found is None:
        return None
    changes, time = _clock_changes(t, found.changes), t.clock(found.local)
    if not (online and t.zone and t.zone != circle.timezone):
        return t(
            "Clocks change {changes}: this meeting stays at {time}, {zone} time.",
            changes=changes,
            time=time,
            zone=t.zone_place(circle.timezone),
        )
    if found.same_clock:
        return t("Clocks change {changes}: this meeting stays at {time} your time.", changes=changes, time=time)
    amount = _duration(t, abs(found.moved))
    if found.moved > timedelta(0):
        return t(
            "Clocks change {changes}: this meeting is at {time} your time, {amount} later than before the change.",
            changes=changes,
            time=time,
            amount=amount,
        )
    return t(
        "Clocks change {changes}: this meeting is at {time} your time, {amount} earlier than before the change.",
        changes=changes,
        time=time,
        amount=amount,
    )


def _clock_changes(t: Translator, changes: Sequence[ClockChange]) -> str:
    """ "on Sun, 29 Mar 2026 in Berlin and London", one phrase per day."""
    days = sorted({change.day for change in changes})
    return t.join(
        [
            t(
                "on {date} in {zones}",
                date=t.date(day),
                zones=t.join([t.zone_place(c.zone) for c in changes if c.day == day]),
            )
            for day in days
        ]
    )


def _duration(t: Translator, span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0:
        return t.plural("{n} hour", "{n} hours", minutes // 60)
    return t.plural("{n} minute", "{n} minutes", minutes)


def venue_text(t: Translator, venue: Venue, *, link: bool = True) -> str:
    """Where the circle meets; an online circle's meeting link only when ``link`` (its learners)."""
    if venue.online:
        return t("Online: {link}", link=venue.link) if link and venue.link else t("Online")
    parts = [venue.name, venue.address, venue.city]
    text = ", ".join(p for p in parts if p)
    return f"{text} ({venue.details})" if venue.details else text


def phase_text(t: Translator, circle: Circle, meetings: Sequence[Meeting], now: datetime) -> str:
    if circle.status is CircleStatus.CANCELLED:
        return t("cancelled")
    if circle.status is CircleStatus.DRAFT:
        return t("draft (not published)")
    return {
        CirclePhase.UPCOMING: t("upcoming"),
        CirclePhase.IN_PROGRESS: t("in progress"),
        CirclePhase.FINISHED: t("finished"),
    }[phase(meetings, now)]


def schedule_line(t: Translator, circle: Circle) -> str:
    return t.plural(
        "Meets weekly, {n} time, {minutes} minutes each",
        "Meets weekly, {n} times, {minutes} minutes each",
        circle.weeks,
        minutes=circle.duration_minutes,
    )


def card(
    t: Translator,
    circle: Circle,
    meetings: Sequence[Meeting],
    now: datetime,
    *,
    link: bool = False,
    leaders: Mapping[int, str] | None = None,
) -> str:
    """The circle as a learner sees it (an online circle's meeting link once they signed up; who
    leads the next meeting when someone covers it, from ``leaders`` by meeting)."""
    lines = [
        circle.name,
        t("Course: {title} ({link})", title=circle.course_title, link=circle.course_link),
        "",
        circle.description,
        "",
        t("Where: {venue}", venue=venue_text(t, circle.venue, link=link)),
        schedule_line(t, circle),
    ]
    if circle.status is CircleStatus.CANCELLED:
        lines.append(t("This circle was cancelled: there will be no meetings."))
        return "\n".join(lines)
    upcoming = next_meeting(meetings, now)
    if upcoming is not None:
        lines.append(t("Next meeting: {when}", when=when(t, circle, upcoming)))
        if leaders and (leader := leaders.get(upcoming.id or 0)) is not None:
            lines.append(leader_line(t, leader))
    if circle.status is CircleStatus.PUBLISHED and not circle.signup_open:
        lines.append(t("Signup is closed."))
    return "\n".join(lines)


def listing(t: Translator, circle: Circle, meetings: Sequence[Meeting], now: datetime, km: float | None) -> str:
    upcoming = next_meeting(meetings, now)
    starts = when(t, circle, upcoming) if upcoming else t("no meetings ahead")
    line = f"• {circle.name} — {venue_text(t, circle.venue, link=False)} — {starts}"
    if km is not None:
        line += " — " + t("{km} km away", km=f"{km:.1f}" if km < 10 else f"{km:.0f}")
    return line


def meeting_lines(t: Translator, circle: Circle, meetings: Sequence[Meeting]) -> list[str]:
    lines = []
    for meeting in meetings:
        text = t("Meeting {number}: {when}", number=meeting.number, when=when(t, circle, meeting))
        if meeting.cancelled:
            text += " — " + t("cancelled")
        lines.append(text)
    return lines


def signups_view(
    t: Translator,
    circle: Circle,
    signups: Sequence[Signup],
    names: dict[int, str],
    waiting: Sequence[WaitlistEntry] = (),
) -> str:
    """F2: who signed up, with their answers; then who waits for a place (L7), in line."""
    if not signups:
        lines = [t("Nobody has signed up for {circle} yet.", circle=circle.name)]
    else:
        lines = [t.plural("{circle}: {n} signup", "{circle}: {n} signups", len(signups), circle=circle.name)]
    lines += _signup_lines(t, circle, signups, names)
    if waiting:
        lines += ["", t.plural("Waitlist: {n} person", "Waitlist: {n} people", len(waiting))]
        for number, entry in enumerate(waiting, start=1):
            line = f"{number}. {names.get(entry.person_id, '?')}"
            if entry.offer_expires_at is not None:
                until = moment_for(t, entry.offer_expires_at, circle.timezone)
                line += " — " + t("offered a place until {when}", when=until)
            lines.append(line)
    return "\n".join(lines)


def _signup_lines(t: Translator, circle: Circle, signups: Sequence[Signup], names: dict[int, str]) -> list[str]:
    lines: list[str] = []
    for number, signup in enumerate(signups, start=1):
        lines.append("")
        lines.append(f"{number}. {names.get(signup.person_id, '?')}")
        lines.append("   " + t("Goal: {answer}", answer=signup.goal))
        lines.append("   " + t("How they will help peers: {answer}", answer=signup.help_peers))
        if circle.custom_question and signup.custom_answer:
            lines.append(f"   {circle.custom_question}: {signup.custom_answer}")
    return lines


def rsvp_view(
    t: Translator,
    circle: Circle,
    meetings: Sequence[Meeting],
    signups: Sequence[Signup],
    rsvps: Sequence[Rsvp],
    names: dict[int, str],
    leaders: Mapping[int, str] | None = None,
) -> str:
    """F2: the schedule and, per meeting, who said yes, no, or nothing (and who covers a meeting
    for its facilitator, ``leaders`` by meeting)."""
    answers = {(r.meeting_id, r.person_id): r.attending for r in rsvps}
    learners = [s.person_id for s in signups]
    lines = [t("Schedule of {circle}", circle=circle.name)]
    for meeting in meetings:
        lines.append("")
        heading = t("Meeting {number}: {when}", number=meeting.number, when=when(t, circle, meeting))
        if meeting.cancelled:
            lines.append(heading + " — " + t("cancelled"))
            continue
        lines.append(heading)
        leader = leaders.get(meeting.id or 0) if leaders else None
        if leader is not None:
            lines.append("   " + leader_line(t, leader))
        said = {p: answers.get((meeting.id or 0, p)) for p in learners}
        yes = [names.get(p, "?") for p in learners if said[p] is True]
        no = [names.get(p, "?") for p in learners if said[p] is False]
        silent = [names.get(p, "?") for p in learners if said[p] is None]
        lines.append("   " + t("Yes ({n}): {names}", n=len(yes), names=", ".join(yes) or "—"))
        lines.append("   " + t("No ({n}): {names}", n=len(no), names=", ".join(no) or "—"))
        lines.append("   " + t("No answer ({n}): {names}", n=len(silent), names=", ".join(silent) or "—"))
    return "\n".join(lines)


def manage_view(
    t: Translator,
    circle: Circle,
    meetings: Sequence[Meeting],
    signup_count: int,
    now: datetime,
    link: str,
    facilitators: Sequence[tuple[str, bool]] = (),
) -> str:
    """The facilitator's overview; ``facilitators`` are (name, is lead), the lead first."""
    upcoming = next_meeting(meetings, now)
    held = active(meetings)
    lines = [
        circle.name,
        t("Status: {status}", status=phase_text(t, circle, meetings, now)),
        t("Signups: {count}", count=signup_count)
        + (f" / {circle.signup_limit}" if circle.signup_limit else "")
        + " — "
        + (t("open") if circle.signup_open else t("closed")),
        t("Meetings: {held} of {total} planned", held=len(held), total=len(meetings)),
    ]
    if facilitators:
        named = [t("{name} (lead)", name=name) if lead else name for name, lead in facilitators]
        lines.append(t("Facilitators: {names}", names=", ".join(named)))
    if upcoming is not None:
        lines.append(t("Next meeting: {when}", when=when(t, circle, upcoming)))
    if circle.status is CircleStatus.PUBLISHED:
        lines.append(t("Share link: {link}", link=link))
    return "\n".join(lines)
