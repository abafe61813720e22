"""Replies as Telegram messages: length limits counted as Telegram counts, cut where it reads well."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardRemove

from adapters.telegram.markup import MAX_CAPTION, editable, inline_keyboard, plan, split_text, utf16_len
from bot.conversation.messages import Attachment, Button, Reply


def test_short_text_is_one_part() -> None:
    assert split_text("Hello") == ["Hello"]
    assert split_text("  \n ") == []


def test_long_text_is_cut_between_paragraphs_then_lines_then_sentences_then_words() -> None:
    paragraphs = "\n\n".join(["a" * 60] * 3)
    assert split_text(paragraphs, limit=130) == ["a" * 60 + "\n\n" + "a" * 60, "a" * 60]
    lines = "\n".join(["b" * 30] * 5)
    assert split_text(lines, limit=70) == ["b" * 30 + "\n" + "b" * 30, "b" * 30 + "\n" + "b" * 30, "b" * 30]
    sentences = "First one here. Second one here. Third one here."
    assert split_text(sentences, limit=35) == ["First one here. Second one here.", "Third one here."]
    words = "word " * 10
    assert split_text(words, limit=12) == ["word word", "word word", "word word", "word word", "word word"]


def test_a_text_without_breaks_is_cut_hard() -> None:
    assert split_text("x" * 10, limit=4) == ["xxxx", "xxxx", "xx"]


def test_length_is_counted_in_utf16_like_telegram() -> None:
    emoji = "😀" * 3000  # 6,000 UTF-16 code units in 3,000 characters
    parts = split_text(emoji)
    assert [utf16_len(part) for part in parts] == [4096, 6000 - 4096]
    assert "".join(parts) == emoji


@pytest.mark.parametrize("size", [4095, 4096, 4097, 8192, 8193, 20000])
def test_no_part_is_ever_over_the_limit(size: int) -> None:
    text = ("Lorem ipsum dolor sit amet. " * 1000)[:size]
    parts = split_text(text)
    assert all(1 <= utf16_len(part) <= 4096 for part in parts)
    assert " ".join(parts).split() == text.split()


def test_buttons_go_on_the_last_part_and_a_long_caption_becomes_text() -> None:
    keyboard = inline_keyboard([[Button("Yes", "rsvp:1:y"), Button("No", "rsvp:1:n")]])
    long_reply = Reply(text="word " * 2000)
    parts = plan(long_reply, keyboard)
    assert [part.markup for part in parts] == [None, None, keyboard]

    file = Attachment("a.ics", b"x", "text/calendar")
    short = plan(Reply(text="Your calendar", attachment=file), keyboard)
    assert [(p.text, p.attachment, p.markup) for p in short] == [("Your calendar", file, keyboard)]
    long_caption = plan(Reply(text="c" * (MAX_CAPTION + 1), attachment=file), keyboard)
    assert [(p.attachment, p.markup) for p in long_caption] == [(None, None), (file, keyboard)]


def test_only_a_single_text_with_inline_buttons_or_none_is_edited_in_place() -> None:
    keyboard = inline_keyboard([[Button("Yes", "rsvp:1:y")]])
    assert editable(plan(Reply(text="x"), keyboard))
    assert editable(plan(Reply(text="x"), None))
    assert not editable(plan(Reply(text="x"), ReplyKeyboardRemove()))
    assert not editable(plan(Reply(text="x" * 5000), keyboard))
    assert not editable(plan(Reply(text="x", attachment=Attachment("a", b"", "text/plain")), keyboard))


def test_button_tokens_are_the_callback_data() -> None:
    keyboard = inline_keyboard([[Button("Yes", "rsvp:1:y")], [], [Button("Signups", "signups:3")]])
    assert isinstance(keyboard, InlineKeyboardMarkup)
    assert [[b.callback_data for b in row] for row in keyboard.inline_keyboard] == [["rsvp:1:y"], ["signups:3"]]
