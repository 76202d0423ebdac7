"""The mood picture: a PNG of the right size, drawn from the moods alone, sent after the recap.

The clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
"""

from __future__ import annotations

import logging
import struct
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.mood_chart import DPI, HEIGHT, WIDTH, chart_available, mood_chart_png
from bot.views import recap as recap_handler
from tests.test_journey_reminders import onboarded

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BERLIN = ZoneInfo("Europe/Berlin")
END = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
START = END - timedelta(days=7)


def series(*scores: int) -> list[tuple[datetime, int]]:
    """One check-in an evening, from the window's first day."""
    return [(START + timedelta(hours=11 + 24 * day), score) for day, score in enumerate(scores)]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a PNG must carry first."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def test_the_test_run_can_draw():
    # The test extra installs matplotlib, so the picture is exercised rather than skipped.
    assert chart_available()


def test_the_picture_is_a_png_of_the_planned_size():
    data = mood_chart_png(series(2, 3, 2, 4, 4, 5), BERLIN, start=START, end=END)
    assert png_size(data) == (WIDTH, HEIGHT) == (800, 400)
    assert DPI == 100


def test_different_moods_draw_different_pictures_and_the_same_moods_the_same_bytes():
    low = mood_chart_png(series(1, 2, 1), BERLIN, start=START, end=END)
    high = mood_chart_png(series(5, 4, 5), BERLIN, start=START, end=END)
    assert low != high
    assert mood_chart_png(series(1, 2, 1), BERLIN, start=START, end=END) == low


def test_the_file_names_no_software_version():
    data = mood_chart_png(series(3, 4), BERLIN, start=START, end=END)
    assert b"matplotlib" not in data.lower()
    assert b"Software" not in data


def test_the_persons_zone_moves_the_dates():
    points = series(2, 4, 3)
    # The same instants, drawn in another zone: the date ticks fall elsewhere.
    assert mood_chart_png(points, BERLIN, start=START, end=END) != mood_chart_png(
        points, ZoneInfo("Pacific/Auckland"), start=START, end=END
    )


def test_a_window_of_no_length_still_draws_without_warnings():
    # filterwarnings=error: a matplotlib warning about identical limits would fail here.
    data = mood_chart_png([(END, 3), (END, 4)], BERLIN, start=END, end=END)
    assert png_size(data) == (WIDTH, HEIGHT)


def test_a_long_window_crossing_a_year_draws():
    start = datetime(2025, 9, 1, tzinfo=UTC)
    data = mood_chart_png(series(2, 4), BERLIN, start=start, end=END)
    assert png_size(data) == (WIDTH, HEIGHT)


def test_a_score_outside_one_to_five_is_refused():
    with pytest.raises(ValueError):
        mood_chart_png(series(3, 6), BERLIN, start=START, end=END)


# --- through the bot ----------------------------------------------------------------------------


async def two_moods_a_day_apart(harness):
    alex = await onboarded(harness)
    await alex.says("/mood 2")
    harness.clock.advance(days=1)
    await alex.says("/mood 4")
    return alex


async def test_the_recap_sends_the_mood_picture_after_its_text(harness):
    alex = await two_moods_a_day_apart(harness)
    sent = await alex.says("/recap")
    *texts, picture = sent
    assert texts and all(m.kind == "text" for m in texts)
    assert "from low to good" in "\n".join(m.visible or "" for m in texts)
    assert picture.kind == "photo"
    assert picture.photo is not None and png_size(picture.photo) == (WIDTH, HEIGHT)
    assert picture.visible == "Your mood check-ins over this stretch, as a picture."
    # Drawn from the two check-ins over the recap's window (the last seven days), in Berlin.
    now = harness.clock.now()
    moods = [(now - timedelta(days=1), 2), (now, 4)]
    assert picture.photo == mood_chart_png(moods, BERLIN, start=now - timedelta(days=7), end=now)


async def test_one_mood_makes_no_picture(harness):
    alex = await onboarded(harness)
    await alex.says("/mood 3")
    sent = await alex.says("/recap")
    assert sent and all(m.kind == "text" for m in sent)


async def test_without_matplotlib_the_recap_is_text_alone(harness, monkeypatch, caplog):
    monkeypatch.setattr(recap_handler, "chart_available", lambda: False)
    alex = await two_moods_a_day_apart(harness)
    with caplog.at_level(logging.WARNING, logger=recap_handler.__name__):
        sent = await alex.says("/recap")
    assert sent and all(m.kind == "text" for m in sent)
    assert not caplog.records  # nothing went wrong: the extra is simply not installed


async def test_a_picture_that_fails_to_draw_leaves_the_recap_whole(harness, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(recap_handler, "mood_chart_png", broken)
    alex = await two_moods_a_day_apart(harness)
    with caplog.at_level(logging.WARNING, logger=recap_handler.__name__):
        sent = await alex.says("/recap")
    assert sent and all(m.kind == "text" for m in sent)
    text = "\n".join(m.visible or "" for m in sent)
    assert "from low to good" in text and "went wrong" not in text
    assert [r.getMessage() for r in caplog.records] == ["mood chart not drawn"]


async def test_a_picture_telegram_refuses_does_not_send_the_recap_twice(harness):
    alex = await two_moods_a_day_apart(harness)
    before = len(alex.messages())
    harness.api.fail_next("sendPhoto", status=502)
    sent = await alex.says("/recap")
    assert sent and all(m.kind == "text" for m in sent)
    await alex.says("/help")  # one more round trip: a retried /recap would have landed by now
    recaps = [m for m in alex.messages()[before:] if "from low to good" in (m.visible or "")]
    assert len(recaps) == 1
    assert not any(m.kind == "photo" for m in alex.messages())
