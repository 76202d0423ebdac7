"""Rendering the recap: escaping, Telegram-sized parts on entry boundaries, the files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from bot.localapi import MAX_TEXT, parse_html
from bot.render import Renderer
from bot.services.recap import (
    MAX_PARTS,
    Item,
    Piece,
    Recap,
    Section,
    Window,
    html_file,
    markdown_escape,
    markdown_file,
    pack_blocks,
    preview_parts,
    sparkline,
    telegram_parts,
)
from bot.store.moods import Mood

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TRICKY = "I <3 you, a<b && b>c, “quotes” & emoji 🧘🏽‍♀️ 🇩🇪 \u200fשלום\u200f &amp; <b>not bold</b>"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def item(
    key: int, text: str | None, *, prompt: str | None = None, kind: str = "text", hours_ago: int = 24
) -> Item:
    written = NOW - timedelta(hours=hours_ago)
    return Item(
        key, (key,), written, prompt, (Piece(kind, text),), frozenset({written.astimezone(BERLIN).date()})
    )


def recap_of(*, flagged=(), sections=(), notes=(), moods=(), window: Window | None = None) -> Recap:
    return Recap(
        window=window or Window(NOW - timedelta(days=7), NOW, "week", 7),
        zone=BERLIN,
        flagged=tuple(flagged),
        sections=tuple(sections),
        notes=tuple(notes),
        moods=tuple(moods),
    )


def assert_telegram_accepts(parts: list[str]) -> str:
    """Every part parses as Telegram HTML and fits; returns the visible text of all parts."""
    shown = []
    for part in parts:
        formatted = parse_html(part)
        assert 0 < len(formatted.text) <= MAX_TEXT
        assert len(part) <= MAX_TEXT
        shown.append(formatted.text)
    return "\n".join(shown)


def test_what_people_wrote_is_escaped_and_shown_exactly(renderer) -> None:
    recap = recap_of(
        flagged=[item(1, TRICKY, prompt="What's on your mind?")],
        sections=[Section("What I noticed", (item(2, "a<b", prompt="What did you notice?"),))],
        notes=[item(3, "& alone"), item(4, None, kind="voice")],
    )
    parts, held_back = telegram_parts(renderer, recap)
    assert not held_back
    html = "\n".join(parts)
    assert "I &lt;3 you, a&lt;b &amp;&amp; b&gt;c" in html
    assert "&amp;amp;" in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    shown = assert_telegram_accepts(parts)
    assert TRICKY in shown and "a<b" in shown and "& alone" in shown and "a voice note" in shown
    assert (
        shown.index("To bring") < shown.index(TRICKY) < shown.index("What I noticed") < shown.index("Notes")
    )


def test_block_packing_at_the_boundary_sizes() -> None:
    limit = 100
    a, b = "a" * 49, "b" * 49
    assert pack_blocks([a, b], limit) == [a + "\n\n" + b]  # 49 + 2 + 49 == 100
    assert pack_blocks([a, b + "b"], limit) == [a, b + "b"]  # one over: the entry moves whole
    assert pack_blocks(["x" * 100], limit) == ["x" * 100]
    assert pack_blocks(["", "  ", "y"], limit) == ["y"]
    over = pack_blocks(["word " * 30], limit)  # a single entry longer than a message
    assert len(over) == 2 and all(len(p) <= limit for p in over)
    assert " ".join(" ".join(over).split()) == " ".join(("word " * 30).split())


@pytest.mark.parametrize("size", [MAX_TEXT - 200, MAX_TEXT - 1, MAX_TEXT, MAX_TEXT + 1, 3 * MAX_TEXT + 7])
def test_an_entry_of_any_length_arrives_whole_in_valid_parts(renderer, size: int) -> None:
    words = ("a<b & ok 🌿 " * (size // 10 + 1))[:size]
    parts, _ = telegram_parts(renderer, recap_of(notes=[item(1, words)]))
    shown = assert_telegram_accepts(parts)
    assert " ".join(shown.split()).count("a<b & ok") == words.count("a<b & ok")


def test_entries_are_never_cut_when_they_fit_a_message(renderer) -> None:
    texts = [f"Entry {n}: " + "calm & steady <3 " * 20 for n in range(60)]
    parts, _ = telegram_parts(
        renderer, recap_of(notes=[item(n, t, hours_ago=n + 1) for n, t in enumerate(texts)])
    )
    assert len(parts) > 1
    assert_telegram_accepts(parts)
    for text in texts:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").strip()
        assert sum(escaped in part for part in parts) == 1  # whole, in exactly one message


def test_too_many_messages_leave_the_rest_to_the_file(renderer) -> None:
    notes = [item(n, f"Note {n} " + "long thought " * 300, hours_ago=1) for n in range(80)]
    parts, held_back = telegram_parts(renderer, recap_of(notes=notes))
    assert held_back and len(parts) == MAX_PARTS
    assert "The file has all of it" in parts[-1]
    assert_telegram_accepts(parts)


def test_an_empty_window_is_one_warm_line(renderer) -> None:
    parts, _ = telegram_parts(renderer, recap_of())
    assert parts == [renderer.line("recap_empty", since={"kind": "week", "days": 7, "date": {}})]
    assert "that's okay" in parts[0]


def test_mood_trend_and_days_reflected_are_said_kindly(renderer) -> None:
    moods = [Mood(score, NOW - timedelta(days=days)) for score, days in ((2, 5), (3, 3), (5, 1))]
    parts, _ = telegram_parts(renderer, recap_of(notes=[item(1, "hi", hours_ago=50)], moods=moods))
    shown = assert_telegram_accepts(parts)
    assert "▃▅█" in shown and "from low to very good (3 check-ins)" in shown
    assert "You took time to reflect on 4 days" in shown
    assert "missed" not in shown


def test_sparkline_is_one_mark_per_day_and_at_most_sixty() -> None:
    day = [Mood(1, NOW), Mood(5, NOW + timedelta(minutes=5))]  # same day: their average
    assert sparkline(day, BERLIN) == "▅"
    year = [Mood(1 + n % 5, NOW - timedelta(days=n)) for n in range(365)]
    assert len(sparkline(year, BERLIN)) == 60


def test_markdown_file_keeps_text_inert(renderer) -> None:
    text = "# not a heading\n- not a list\n1. not numbered\n*not bold* <script>x</script> & `code`"
    md = markdown_file(renderer, recap_of(notes=[item(1, text)]))
    assert "> \\# not a heading" in md and "> \\- not a list" in md and "> 1\\. not numbered" in md
    assert "\\*not bold\\* \\<script\\>x\\</script\\> \\& \\`code\\`" in md
    assert markdown_escape("plain words, fine.") == "plain words, fine."


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_html_page_is_escaped_and_printable(renderer) -> None:
    page = html_file(renderer, recap_of(notes=[item(1, "<script>alert(1)</script> & " + TRICKY)]))
    collector = _Collector()
    collector.feed(page)
    assert "script" not in collector.tags
    assert "<script>alert(1)</script> & " + TRICKY in "".join(collector.text)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page


def test_preview_numbers_every_item_with_a_short_excerpt(renderer) -> None:
    long = "word " * 100
    recap = recap_of(
        flagged=[item(1, "first")],
        sections=[Section("What I noticed", (item(2, long, prompt="Q?"),))],
        notes=[item(3, "<3")],
    )
    shown = assert_telegram_accepts(preview_parts(renderer, recap))
    assert "1. " in shown and "2. " in shown and "3. " in shown and "<3" in shown
    assert "…" in shown and long.strip() not in shown


def test_files_leave_out_only_what_was_left_out(renderer) -> None:
    recap = recap_of(notes=[item(1, "keep me"), item(2, "leave me")])
    trimmed = recap.without({2})
    assert "leave me" not in markdown_file(renderer, trimmed) and "keep me" in html_file(renderer, trimmed)
    assert "leave me" in markdown_file(renderer, recap)
