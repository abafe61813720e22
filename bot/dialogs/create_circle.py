"""F1: the step-by-step dialog in which a facilitator creates a circle."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from bot.actions import Manage, stored
from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Button, Reply
from bot.geo import (
    City,
    city_by_id,
    find_places,
    nearest_city,
    normalise_place,
    parse_zone,
    place_key,
    timezone_for_city,
    timezone_for_location,
)
from bot.i18n import available_languages
from bot.parsing import (
    InputError,
    clean_name,
    clean_text,
    parse_date,
    parse_duration_minutes,
    parse_int_in_range,
    parse_place_name,
    parse_time,
    parse_url,
    require_future_date,
)
from bot.usecases import circles as circle_cases
from bot.views.circles import venue_text
from domain.model import (
    DEFAULT_DURATION_MINUTES,
    DEFAULT_WEEKS,
    MAX_WEEKS,
    Circle,
    CircleStatus,
    Venue,
)
from domain.schedule import local_to_utc

SHORT = 200
MAX_SIGNUP_LIMIT = 1000


def _text(ctx: Context, answer: Answer, max_len: int = SHORT) -> str:
    if answer.text is None:
        raise InputError("choice.needed")
    return clean_text(answer.text, max_len=max_len)


def _name(ctx: Context, answer: Answer) -> str:
    """An answer that names something: visible, without bidi overrides (``clean_name``)."""
    if answer.text is None:
        raise InputError("choice.needed")
    return clean_name(answer.text, max_len=SHORT)


def _ask(ctx: Context, text: str, *buttons: Button) -> Reply:
    """A question answered by typing, optionally with shortcut buttons; ``back`` is always offered."""
    rows = [[b] for b in buttons]
    hint = ctx.t("(Type back to return to the previous question, /cancel to stop.)")
    return Reply(text=f"{text}\n{hint}", buttons=rows, expects_text=True)


# A second place of the same name is offered as a choice when it is at least this large beside the
# first: Córdoba (Spain) next to Córdoba (Argentina) yes, Paris (Texas) next to Paris (France) no.
RIVAL_SHARE = 0.05


def _rivals(typed: str, places: tuple[City, ...]) -> list[City]:
    """The places a name could well mean: those whose own name it is, comparable in size to the
    largest (most populous first, at most four)."""
    key = normalise_place(typed)
    own = [city for city in places if normalise_place(city.name) == key]
    if not own:
        return []
    return [city for city in own if city.population >= RIVAL_SHARE * own[0].population][:4]


def _take_place(data: dict[str, Any], typed: str, city: City) -> None:
    """Keep the place: the gazetteer's spelling when it is the same name ("berlin" -> "Berlin"); a
    name in another language is kept as typed ("Monaco di Baviera"), for the facilitator's eyes."""
    data["city"] = city.name if normalise_place(city.name) == normalise_place(typed) else typed
    data["place"] = place_key(typed, city)
    data["place_id"] = city.geoname_id


class CreateCircle(Dialog):
    name = "create_circle"
    first_step = "course_title"

    async def ask_course_title(self, ctx: Context, data: dict[str, Any]) -> Reply:
        intro = ctx.t("Let's create a learning circle. First, which online course will you take together?")
        return _ask(ctx, intro + "\n" + ctx.t("Send the course title."))

    async def take_course_title(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["course_title"] = _name(ctx, answer)
        return "course_link"

    async def ask_course_link(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(ctx, ctx.t("Send the link to the course."))

    async def take_course_link(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["course_link"] = parse_url(_text(ctx, answer, 500))
        return "name"

    async def ask_name(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("What should the circle be called?"),
            choice("name", "same", ctx.t("Use the course title")),
        )

    async def take_name(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["name"] = data["course_title"] if answer.choice == "same" else _name(ctx, answer)
        return "description"

    async def ask_description(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(ctx, ctx.t("Write a short welcome: what the circle is about and who it is for."))

    async def take_description(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["description"] = _text(ctx, answer, ctx.settings.circles.max_answer_length)
        return "venue_name"

    async def ask_venue_name(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("Where will you meet? Send the venue's name (e.g. Central Library), or choose Online."),
            choice("venue_name", "online", ctx.t("Online")),
        )

    async def take_venue_name(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "online":
            data.update(venue_name="Online", venue_address="", venue_details="")
            return "meeting_link"
        data["venue_name"] = _name(ctx, answer)
        data["venue_link"] = ""
        return "venue_address"

    async def ask_meeting_link(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t(
                "What is the link to the online meeting (e.g. https://meet.jit.si/our-circle)? Only learners who "
                "signed up see it."
            ),
        )

    async def take_meeting_link(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        link = parse_url(_text(ctx, answer, 500))
        if not link.startswith("https://"):
            raise InputError("url.not_https")  # the link carries people into a call: encrypted only
        data["venue_link"] = link
        return "city"

    async def ask_venue_address(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(ctx, ctx.t("What is the venue's street address?"))

    async def take_venue_address(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["venue_address"] = _text(ctx, answer, 300)
        return "venue_details"

    async def ask_venue_details(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("Any details that help people find you (room, floor, entrance)?"),
            choice("venue_details", "skip", ctx.t("Skip")),
        )

    async def take_venue_details(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["venue_details"] = "" if answer.choice == "skip" else _text(ctx, answer, 500)
        return "city"

    async def ask_city(self, ctx: Context, data: dict[str, Any]) -> Reply:
        if data.get("venue_name") == "Online":
            reply = _ask(
                ctx,
                ctx.t("Which city should learners find this online circle under? You can skip this."),
                choice("city", "skip", ctx.t("Skip")),
            )
        else:
            reply = (
                _ask(ctx, ctx.t("In which city is the venue? Type it, or share the venue's location."))
                if ctx.incoming.can_share_location
                else _ask(ctx, ctx.t("In which city is the venue?"))
            )
        reply.ask_location = ctx.incoming.can_share_location
        return reply

    # The step after the city; changing the venue ends there.
    after_city = "language"

    async def take_city(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        for key in ("latitude", "longitude", "place", "place_id"):
            data.pop(key, None)
        if answer.location is not None:
            city = nearest_city(answer.location.latitude, answer.location.longitude)
            if city is None:
                raise InputError("city.not_found")
            _take_place(data, city.name, city)
            data["latitude"], data["longitude"] = answer.location.latitude, answer.location.longitude
        elif answer.choice == "skip" and data.get("venue_name") == "Online":
            data["city"] = ""
        else:
            typed = parse_place_name(_text(ctx, answer, 400))
            places = find_places(typed)
            if not places:
                # SPEC §2 "Places": a place the gazetteer does not know is kept only once the
                # person confirms it (a village, a new spelling), so that typos are caught.
                data["city_unknown"] = typed
                return "city_confirm"
            rivals = _rivals(typed, places)
            if len(rivals) > 1:
                data["city_typed"] = typed
                data["city_choices"] = [city.geoname_id for city in rivals]
                return "city_pick"
            _take_place(data, typed, places[0])
        return self.after_city

    async def ask_city_pick(self, ctx: Context, data: dict[str, Any]) -> Reply:
        buttons = []
        for geoname_id in data["city_choices"]:
            city = city_by_id(geoname_id)
            if city is not None:
                country = ctx.t.locale.territories.get(city.country_code, city.country_code)
                buttons.append(choice("city_pick", str(geoname_id), f"{city.name}, {country}"[:60]))
        return _ask(
            ctx,
            ctx.t("There are several places called {city}. Which one do you mean?", city=data["city_typed"]),
            *buttons,
            choice("city_pick", "back", ctx.t("Type it again")),
        )

    async def take_city_pick(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice is not None and answer.choice.isdigit() and int(answer.choice) in data["city_choices"]:
            city = city_by_id(int(answer.choice))
            if city is not None:
                _take_place(data, data["city_typed"], city)
                return self.after_city
        if answer.text is None:
            raise InputError("choice.needed")
        return await self.take_city(ctx, data, answer)  # another name, typed straight away

    async def ask_city_confirm(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t(
                "I do not know a town called {city}. Keep it as you typed it, or type the city again.",
                city=data["city_unknown"],
            ),
            choice("city_confirm", "keep", ctx.t("Keep {city}", city=data["city_unknown"][:40])),
            choice("city_confirm", "back", ctx.t("Type it again")),
        )

    async def take_city_confirm(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "keep":
            # (city_unknown stays: ``back`` from the next question asks this question again.)
            data["city"] = data["city_unknown"]
            data["place"] = place_key(data["city_unknown"])  # found by the name as typed
            return self.after_city
        if answer.text is None:
            raise InputError("choice.needed")
        return await self.take_city(ctx, data, answer)  # a new spelling, typed straight away

    async def ask_language(self, ctx: Context, data: dict[str, Any]) -> Reply:
        codes = list(dict.fromkeys([ctx.t.language, *available_languages(), "en", "es", "de", "fr"]))
        buttons = [choice("language", code, ctx.t.language_name(code)) for code in codes[:4]]
        return _ask(
            ctx,
            ctx.t("In which language will the circle meet? Choose one, or type a language code such as pt or sw."),
            *buttons,
        )

    async def take_language(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        code = answer.choice or _text(ctx, answer, 20)
        try:
            locale = Locale.parse(code.strip().replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            raise InputError("language.unknown") from None
        data["language"] = str(locale)
        return "timezone"

    async def ask_timezone(self, ctx: Context, data: dict[str, Any]) -> Reply:
        chosen = city_by_id(data["place_id"]) if "place_id" in data else None
        if "latitude" in data:
            suggested = timezone_for_location(data["latitude"], data["longitude"])
        elif chosen is not None:
            suggested = chosen.timezone or None
        else:
            suggested = timezone_for_city(data["city"]) if data.get("city") else None
        text = ctx.t("Which time zone do you meet in? Send its name, like Europe/Berlin or America/New_York.")
        buttons = [choice("timezone", suggested, suggested)] if suggested else []
        return _ask(ctx, text, *buttons)

    async def take_timezone(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["timezone"] = parse_zone(answer.choice or _text(ctx, answer, 64))
        return "first_date"

    def _today(self, ctx: Context, data: dict[str, Any]) -> date:
        return ctx.now.astimezone(ZoneInfo(data["timezone"])).date()

    async def ask_first_date(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(ctx, ctx.t("On which date is the first meeting? For example 2026-12-07 or 7 Dec."))

    async def take_first_date(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        today = self._today(ctx, data)
        day = require_future_date(parse_date(_text(ctx, answer, 40), today), today)
        data["first_date"] = day.isoformat()
        return "meeting_time"

    async def ask_meeting_time(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(ctx, ctx.t("At what time do you meet? For example 18:30 or 6:30pm."))

    async def take_meeting_time(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        at = parse_time(_text(ctx, answer, 20))
        start = local_to_utc(date.fromisoformat(data["first_date"]), at, ZoneInfo(data["timezone"]))
        if start <= ctx.now:
            raise InputError("time.past")
        data["meeting_time"] = at.isoformat(timespec="minutes")
        return "duration"

    async def ask_duration(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("How long is each meeting, in minutes?"),
            choice("duration", str(DEFAULT_DURATION_MINUTES), ctx.t("90 minutes")),
        )

    async def take_duration(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["duration"] = parse_duration_minutes(answer.choice or _text(ctx, answer, 20))
        return "weeks"

    async def ask_weeks(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("How many weekly meetings? (1 to {max})", max=MAX_WEEKS),
            choice("weeks", str(DEFAULT_WEEKS), ctx.t("6 meetings")),
        )

    async def take_weeks(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["weeks"] = parse_int_in_range(answer.choice or _text(ctx, answer, 20), 1, MAX_WEEKS)
        return "signup_limit"

    async def ask_signup_limit(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("Is there a limit to how many people can sign up? Send a number, or choose No limit."),
            choice("signup_limit", "none", ctx.t("No limit")),
        )

    async def take_signup_limit(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "none":
            data["signup_limit"] = None
        else:
            data["signup_limit"] = parse_int_in_range(_text(ctx, answer, 20), 1, MAX_SIGNUP_LIMIT)
        return "custom_question"

    async def ask_custom_question(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _ask(
            ctx,
            ctx.t("Would you like to ask people one question of your own when they sign up? Send it, or skip."),
            choice("custom_question", "none", ctx.t("Skip")),
        )

    async def take_custom_question(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["custom_question"] = None if answer.choice == "none" else _text(ctx, answer, 500)
        return "review"

    async def ask_review(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle = self.circle(ctx, data)
        first = local_to_utc(circle.first_date, circle.meeting_time, circle.zone).astimezone(circle.zone)
        lines = [
            ctx.t("Please check your circle:"),
            "",
            ctx.t("Name: {value}", value=circle.name),
            ctx.t("Course: {title} ({link})", title=circle.course_title, link=circle.course_link),
            ctx.t("Welcome: {value}", value=circle.description),
            ctx.t("Where: {venue}", venue=venue_text(ctx.t, circle.venue)),
            ctx.t("Language: {value}", value=ctx.t.language_name(circle.language)),
            ctx.t("First meeting: {when}", when=ctx.t.moment(first)),
            ctx.t.plural(
                "{n} weekly meeting of {minutes} minutes",
                "{n} weekly meetings of {minutes} minutes",
                circle.weeks,
                minutes=circle.duration_minutes,
            ),
            ctx.t("Signup limit: {value}", value=circle.signup_limit or ctx.t("none")),
        ]
        if circle.custom_question:
            lines.append(ctx.t("Your signup question: {value}", value=circle.custom_question))
        reply = Reply(text="\n".join(lines))
        reply.buttons = [
            [choice("review", "publish", ctx.t("Publish")), choice("review", "draft", ctx.t("Save as draft"))],
            [choice("review", "back", ctx.t("Back")), choice("review", "cancel", ctx.t("Cancel"))],
        ]
        return reply

    async def take_review(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice not in ("publish", "draft", "cancel"):
            raise InputError("choice.needed")
        data["outcome"] = answer.choice
        return DONE

    def circle(self, ctx: Context, data: dict[str, Any]) -> Circle:
        return Circle(
            id=None,
            code="",
            name=data["name"],
            course_title=data["course_title"],
            course_link=data["course_link"],
            description=data["description"],
            venue=Venue(
                name=data["venue_name"],
                address=data.get("venue_address", ""),
                details=data.get("venue_details", ""),
                link=data.get("venue_link", ""),
                city=data.get("city", ""),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                place=data.get("place", ""),
            ),
            language=data["language"],
            timezone=data["timezone"],
            first_date=date.fromisoformat(data["first_date"]),
            meeting_time=time.fromisoformat(data["meeting_time"]),
            duration_minutes=data["duration"],
            weeks=data["weeks"],
            signup_limit=data.get("signup_limit"),
            custom_question=data.get("custom_question"),
            reminder_lead=timedelta(hours=ctx.settings.circles.reminder_lead_hours),
            created_by=ctx.person_id,
        )

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        if data["outcome"] == "cancel":
            ctx.say(ctx.t("Cancelled. Nothing was saved."))
            return
        circle = self.circle(ctx, data)
        if circle.first_date < ctx.now.astimezone(circle.zone).date():
            # The review waited until the first date passed: saving would make meetings in the past.
            raise InputError("date.past")
        circle.status = CircleStatus.PUBLISHED if data["outcome"] == "publish" else CircleStatus.DRAFT
        saved = await ctx.run(circle_cases.create, circle, ctx.now)
        if saved.status is CircleStatus.PUBLISHED:
            ctx.say(
                ctx.t(
                    "{name} is published! Share this link so people can sign up:\n{link}",
                    name=saved.name,
                    link=ctx.share_link(saved.code),
                ),
                [[Button(ctx.t("Manage the circle"), Manage(stored(saved.id)).token)]],
            )
        else:
            ctx.say(
                ctx.t("{name} is saved as a draft. Publish it from /mycircles when you are ready.", name=saved.name),
                [[Button(ctx.t("Manage the circle"), Manage(stored(saved.id)).token)]],
            )


class ChangeVenue(CreateCircle):
    """F8: the venue questions of the creation dialog, for a circle that exists (``circle_id``)."""

    name = "change_venue"
    first_step = "venue_name"

    after_city = DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        venue = Venue(
            name=data["venue_name"],
            address=data.get("venue_address", ""),
            details=data.get("venue_details", ""),
            link=data.get("venue_link", ""),
            city=data.get("city", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            place=data.get("place", ""),
        )
        circle = await ctx.run(circle_cases.change_venue, data["circle_id"], ctx.person_id, venue, ctx.now)
        ctx.say(
            ctx.t(
                "{circle} now meets at {venue}. Learners are told, and reminders not sent yet will say so.",
                circle=circle.name,
                venue=venue_text(ctx.t, circle.venue),
            ),
            [[Button(ctx.t("Manage the circle"), Manage(stored(circle.id)).token)]],
        )
