"""The adapter kit: one splitter, one multi-part send loop, one "first edit replaces" rule.

The send loop is driven with a recorded ``sleep``: a rate limit's wait is asserted, never waited.
"""

from __future__ import annotations

import pytest

from adapters.kit.send import Call, Pressed, Progress, answer_parts, send_in_order
from adapters.kit.split import split_text, utf16_len
from adapters.slack.sender import SlackSender
from adapters.telegram.sender import TelegramSender
from bot.conversation.messages import Reply

# ---------------------------------------------------------------------------------- splitting


def test_an_emoji_counts_two_utf16_units_and_is_never_cut_in_half() -> None:
    assert utf16_len("a😀") == 3  # one BMP letter, one surrogate pair
    text = "😀" * 3000  # 6,000 UTF-16 units, no break anywhere
    parts = split_text(text, 4096, utf16_len)
    assert [utf16_len(part) for part in parts] == [4096, 1904]
    assert "".join(parts) == text
    # An odd limit cannot hold half an emoji: the part stops one unit short.
    assert [utf16_len(part) for part in split_text("😀" * 4, 5, utf16_len)] == [4, 4]


def test_the_same_text_splits_differently_by_characters_and_by_utf16_units() -> None:
    text = "😀😀 😀😀 😀😀"
    assert split_text(text, 6) == ["😀😀 😀😀", "😀😀"]  # six characters fit
    assert split_text(text, 6, utf16_len) == ["😀😀", "😀😀", "😀😀"]  # only five units do


def test_cuts_fall_at_paragraphs_then_lines_then_sentences_then_spaces() -> None:
    assert split_text("a" * 60 + "\n\n" + "a" * 60 + "\n" + "a" * 10, 130) == [
        "a" * 60 + "\n\n" + "a" * 60,
        "a" * 10,
    ]
    assert split_text("b" * 30 + "\n" + "b" * 30 + " " + "b" * 30, 70) == ["b" * 30 + "\n" + "b" * 30, "b" * 30]
    assert split_text("First one here. Second one here? Third one here.", 35) == [
        "First one here. Second one here?",
        "Third one here.",
    ]
    assert split_text("word " * 5, 12) == ["word word", "word word", "word"]


def test_a_break_that_would_leave_a_stub_is_not_used() -> None:
    # The only space is near the start: cutting there would make a 2-character part.
    assert split_text("ab " + "c" * 20, 10) == ["ab ccccccc", "cccccccccc", "ccc"]


def test_a_10k_text_keeps_every_word_in_order_and_each_part_fits() -> None:
    sentence = "Meeting 3 of Python for Everybody at the library 📚, bring a laptop! "
    text = sentence * 150  # about 10,000 characters
    assert len(text) > 10_000
    parts = split_text(text, 4096, utf16_len)
    assert len(parts) == 3
    assert all(utf16_len(part) <= 4096 for part in parts)
    assert all(part.endswith("!") for part in parts)  # cut after a sentence, not inside a word
    assert " ".join(parts).split() == text.split()


def test_the_measure_can_be_the_platforms_escaped_text() -> None:
    escaped = lambda text: len(text.replace("&", "&amp;"))  # noqa: E731 - Slack's growth on "&"
    parts = split_text("& " * 10, 12, escaped)
    assert all(escaped(part) <= 12 for part in parts)
    assert "".join(parts).count("&") == 10


def test_blank_text_has_no_parts_and_a_tiny_limit_is_refused() -> None:
    assert split_text("  \n ", 10) == []
    with pytest.raises(ValueError):
        split_text("abc", 1)


# ---------------------------------------------------------------------------------- sending


class RateLimited(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Platform:
    """Answers each call with a message id, or a rate limit when told to; records the sleeps."""

    def __init__(self, refusals: dict[int, list[float]] | None = None) -> None:
        self.refusals = refusals or {}  # part number -> waits asked, one per refused try
        self.sent: list[int] = []
        self.tries: list[int] = []
        self.slept: list[float] = []

    def call(self, number: int) -> Call:
        async def send() -> str | None:
            self.tries.append(number)
            waits = self.refusals.get(number)
            if waits:
                raise RateLimited(waits.pop(0))
            self.sent.append(number)
            return f"m{number}"

        return send

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    async def send(self, parts: int, max_wait: float = 60.0) -> Progress:
        return await send_in_order(
            [self.call(n) for n in range(parts)],
            errors=(RateLimited,),
            wait_asked=lambda error: error.seconds if isinstance(error, RateLimited) else None,
            sleep=self.sleep,
            max_wait=max_wait,
        )


async def test_parts_go_in_order_and_the_last_message_id_is_kept() -> None:
    platform = Platform()
    progress = await send_in_order(
        [platform.call(n) for n in range(3)], errors=(RateLimited,), wait_asked=lambda _: None, sleep=platform.sleep
    )
    assert platform.sent == [0, 1, 2]
    assert (progress.sent, progress.total, progress.message_id, progress.error) == (3, 3, "m2", None)


async def test_a_rate_limit_on_a_later_part_is_waited_out_then_sent() -> None:
    platform = Platform({1: [7.0]})
    progress = await platform.send(3)
    assert platform.slept == [7.0]  # asked, not waited for real
    assert platform.tries == [0, 1, 1, 2]
    assert platform.sent == [0, 1, 2]  # nothing twice
    assert progress.error is None


async def test_a_rate_limit_on_the_first_part_is_handed_back_without_waiting() -> None:
    platform = Platform({0: [30.0]})
    progress = await platform.send(2)
    assert platform.slept == [] and platform.sent == []
    error = progress.error
    assert isinstance(error, RateLimited) and error.seconds == 30.0
    assert progress.where == ""  # nothing went out yet: the whole reply can be re-queued


async def test_the_waits_for_one_part_are_capped() -> None:
    platform = Platform({1: [25.0, 25.0, 25.0]})
    progress = await platform.send(3, max_wait=60.0)
    assert platform.slept == [25.0, 25.0]  # a third wait would pass 60 s in all
    assert platform.sent == [0]
    assert progress.where == " (after 1 of 3 parts went out)"


async def test_another_failure_stops_the_parts_at_once() -> None:
    platform = Platform()

    async def broken() -> str | None:
        raise RateLimited(0)

    progress = await send_in_order(
        [platform.call(0), broken, platform.call(2)],
        errors=(RateLimited,),
        wait_asked=lambda _: None,  # not a rate limit
        sleep=platform.sleep,
    )
    assert platform.sent == [0] and platform.slept == []
    assert (progress.sent, progress.message_id) == (1, "m0")


# ---------------------------------------------------------------------------------- editing


async def test_only_the_first_reply_that_asks_replaces_the_pressed_message() -> None:
    pressed = Pressed("msg-1")
    assert pressed.take(Reply(text="a new message")) is None  # does not ask: a new message
    assert pressed.take(Reply(text="too big", edit=True), fits=False) is None  # the platform says no
    assert pressed.take(Reply(text="the new state", edit=True)) == "msg-1"
    assert pressed.take(Reply(text="again", edit=True)) is None  # taken already
    assert Pressed[str](None).take(Reply(text="nothing pressed", edit=True)) is None


async def test_the_first_part_replaces_and_later_parts_are_new_messages() -> None:
    posted: list[str] = []
    replaced: list[str] = []

    async def post(part: str) -> None:
        posted.append(part)

    async def replace(part: str) -> bool:
        replaced.append(part)
        return True

    assert await answer_parts(["one", "two", "three"], post, replace)
    assert (replaced, posted) == (["one"], ["two", "three"])


async def test_a_refused_edit_is_posted_as_a_new_message() -> None:
    posted: list[str] = []

    async def post(part: str) -> None:
        posted.append(part)

    async def refuse(part: str) -> bool:
        return False  # too old, deleted…

    assert not await answer_parts(["one", "two"], post, refuse)
    assert posted == ["one", "two"]
    assert not await answer_parts([], post, refuse)


# ---------------------------------------------------------------------------------- limits


def test_each_sender_declares_its_platforms_limits() -> None:
    telegram, slack = TelegramSender.limits, SlackSender.limits
    assert (telegram.per_second, telegram.per_chat_per_second, telegram.per_group_per_minute) == (30, 1, 20)
    assert telegram.message_length == 4096
    assert (slack.per_second, slack.per_chat_per_second, slack.message_length) == (None, 1, 3000)
