"""The schema. Migrations in ``storage/migrations`` must produce exactly this."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
)

from storage.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("language", String(16), nullable=False, default="en"),
    Column("unreachable_reason", String(200)),
    Column("forgotten", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    # The person's own time zone (/timezone) and the one their platform profile states (Slack):
    # times of circles in other zones are shown in theirs too.
    Column("timezone", String(64)),
    Column("platform_timezone", String(64)),
)

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("platform", String(20), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("chat_id", String(100)),
    UniqueConstraint("platform", "external_id", name="uq_identities_platform_external"),
)

circles = Table(
    "circles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("course_title", String(200), nullable=False),
    Column("course_link", String(500), nullable=False),
    Column("description", Text, nullable=False),
    Column("venue_name", String(200), nullable=False),
    Column("venue_address", String(300), nullable=False, default=""),
    Column("venue_details", String(500), nullable=False, default=""),
    Column("venue_city", String(100), nullable=False, default=""),
    # An online circle's meeting link: for its learners' cards, reminders and calendar files.
    Column("venue_link", String(500), nullable=False, server_default=""),
    Column("venue_city_key", String(100), nullable=False, default="", index=True),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("language", String(16), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("first_date", Date, nullable=False),
    Column("meeting_time", Time, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("weeks", Integer, nullable=False),
    Column("signup_limit", Integer),
    Column("custom_question", String(500)),
    Column("status", String(16), nullable=False, index=True),
    Column("signup_open", Boolean, nullable=False, default=True),
    Column("reminder_lead_minutes", Integer, nullable=False),
    Column("reminder_text", Text),
    Column("created_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    # Delivery planning (storage/planning.py): nothing of this circle falls due before
    # ``plan_at``; empty when something changed that planning has not seen yet. Every change
    # bumps ``plan_version``, so a pass that planned from older data does not clear the mark.
    Column("plan_at", UTCDateTime, index=True),
    Column("plan_version", Integer, nullable=False, server_default="0"),
)

facilitators = Table(
    "facilitators",
    metadata,
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(8), nullable=False),
    # F7/L5: the learners' copy of the report quotes this facilitator's reflections and survey
    # comment only when they chose so in the report's preview.
    Column("shares_reflections", Boolean, nullable=False, server_default=false()),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("start", UTCDateTime, nullable=False, index=True),
    Column("duration_minutes", Integer, nullable=False),
    Column("cancelled", Boolean, nullable=False, default=False),
    # Grows whenever what a calendar shows of the meeting changes (time, number, venue, link,
    # cancellation): subscribed calendars take the event with the higher SEQUENCE.
    Column("sequence", Integer, nullable=False, default=0, server_default="0"),
)

signups = Table(
    "signups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("goal", Text, nullable=False),
    Column("help_peers", Text, nullable=False),
    Column("custom_answer", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # One signup per person and circle, even when two requests race: signing up again updates.
    UniqueConstraint("circle_id", "person_id", name="uq_signups_circle_person"),
)

# L7: people waiting for a place in a full circle, in the order they joined. An offer of a freed
# place is recorded on the row (offered_at, offer_expires_at); claiming it turns the row into a
# signup, and a lapsed offer removes the row.
waitlist = Table(
    "waitlist",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("goal", Text, nullable=False),
    Column("help_peers", Text, nullable=False),
    Column("custom_answer", Text),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("offered_at", UTCDateTime),
    Column("offer_expires_at", UTCDateTime, index=True),
    UniqueConstraint("circle_id", "person_id", name="uq_waitlist_circle_person"),
)

rsvps = Table(
    "rsvps",
    metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("attending", Boolean, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
)

attendance = Table(
    "attendance",
    metadata,
    # Who came to a meeting: one row per (meeting, learner). ``checked_in_at`` is the learner's own
    # *I'm here*; ``present`` is the facilitator's confirmation in their feedback (None until then),
    # recorded by ``confirmed_by``. A confirmation writes a row for every learner of the circle, so
    # that a confirmed absence is a row too.
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("checked_in_at", UTCDateTime),
    Column("present", Boolean),
    Column("confirmed_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("confirmed_at", UTCDateTime),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    # One live calendar address per person. Only the SHA-256 of its secret is kept, so a copy of
    # the database does not give anyone the addresses; asking again replaces it.
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

dialogs = Table(
    "dialogs",
    metadata,
    # One dialog at a time per person; its state survives a restart of the bot.
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(40), nullable=False),
    Column("step", String(40), nullable=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

offered_buttons = Table(
    "offered_buttons",
    metadata,
    # The buttons of the last message a person got in their private chat, so that typing one's
    # label counts as pressing it (chats without buttons, people who prefer typing).
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("buttons", JSON, nullable=False),  # [[label, token], ...]
    Column("offered_at", UTCDateTime, nullable=False),
)

invites = Table(
    "invites",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE")),
    Column("created_by", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_by", ForeignKey("people.id", ondelete="SET NULL")),
)

processed_updates = Table(
    "processed_updates",
    metadata,
    # A platform update seen once is never acted on again (webhook retries, double taps).
    Column("platform", String(20), primary_key=True),
    Column("update_id", String(100), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
)

kept_inputs = Table(
    "kept_inputs",
    metadata,
    # What a person wrote when handling it failed, so that nothing they wrote is lost.
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Delivery (DESIGN.md, "Delivery: never lost, never twice").

outbox = Table(
    "outbox",
    metadata,
    # One row per (what, to whom). ``key`` makes creating it idempotent: planning twice, two
    # dispatchers planning at once, or a double-tapped "send" never make a second message.
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    # To a person, or (``person_id`` empty, ``team_id`` set) to a team's summary channel, which is
    # looked up when the row is sent.
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), index=True),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), index=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), index=True),
    Column("broadcast_id", ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True),
    # What to say, not how: the message is rendered at send time from current data.
    Column("payload", JSON, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    # pending -> sending (claimed until ``claimed_until``) -> sent | unreachable | failed | dropped
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("failures", Integer, nullable=False, default=0),
    Column("claimed_until", UTCDateTime),
    Column("claimed_by", String(64)),
    Column("last_error", String(500)),
    Column("platform", String(20)),
    Column("message_id", String(100)),
    Column("sent_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_outbox_status_due_at", "status", "due_at"),
)

reminders = Table(
    "reminders",
    metadata,
    # Per meeting: the facilitator's own text for this one reminder (kept when the meeting
    # moves), and which round of reminders is current (a meeting moved after its reminder went
    # out, to a time whose reminder is still ahead, gets a new round).
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("text", Text),
    Column("edited_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("edited_at", UTCDateTime),
    Column("round", Integer, nullable=False, default=0),
    Column("went_out_at", UTCDateTime),
)

# Issue 14: a facilitator's request that someone cover one meeting, one per meeting. The first to
# accept leads it (covered_by): a conditional update on status makes two acceptances at once
# end with one winner. Asking again after a withdrawal opens the same row again.
covers = Table(
    "covers",
    metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("asked_by", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("asked_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("covered_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("covered_at", UTCDateTime),
)

feedback = Table(
    "feedback",
    metadata,
    # F5: a facilitator's feedback on one meeting; giving it again replaces it.
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("rating", Integer, nullable=False),
    Column("attendance", Integer, nullable=False),
    Column("reflection", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

broadcasts = Table(
    "broadcasts",
    metadata,
    # F3: a facilitator's message to all learners of a circle; its delivery report goes back
    # to them once every copy is sent or has failed for good.
    Column("id", Integer, primary_key=True),
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("sender_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reported_at", UTCDateTime),
)

teams = Table(
    "teams",
    metadata,
    # O4: organizers look after the circles and facilitators of a team (a town, a city, a country).
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    # Where the weekly summary goes (O3): a channel or chat on one platform; none until chosen.
    Column("summary_platform", String(20)),
    Column("summary_chat_id", String(100)),
    Column("summary_weekday", Integer, nullable=False),  # 0 = Monday
    Column("summary_time", Time, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # The same marks for the weekly summary (storage/planning.py).
    Column("summary_plan_at", UTCDateTime, index=True),
    Column("summary_plan_version", Integer, nullable=False, server_default="0"),
)

team_members = Table(
    "team_members",
    metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    # A person belongs to at most one team, as in the reference system.
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, unique=True),
    Column("role", String(12), nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
)

# A circle belongs to its facilitator's team; the invitation names the team and the role offered.
circles.append_column(Column("team_id", ForeignKey("teams.id", ondelete="SET NULL"), index=True))
invites.append_column(Column("team_id", ForeignKey("teams.id", ondelete="CASCADE")))
invites.append_column(Column("role", String(12)))

survey_responses = Table(
    "survey_responses",
    metadata,
    # L4 / F6: one answer per survey, person and circle; answering again replaces it.
    Column("circle_id", ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(12), primary_key=True),  # "learner" or "facilitator"
    Column("answers", JSON, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
)

outbox.append_column(Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), index=True))

join_requests = Table(
    "join_requests",
    metadata,
    # Someone who opened a team invitation that needs an organizer's approval; one per person and team.
    Column("id", Integer, primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("approved", Boolean),  # None while waiting for an organizer
    Column("decided_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("decided_at", UTCDateTime),
    UniqueConstraint("team_id", "person_id"),
)
