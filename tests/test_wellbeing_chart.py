"""The wellbeing picture: the WHO-5 scores (0 to 100) over months, drawn like the mood picture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.mood_chart import chart_available, wellbeing_chart_png

pytestmark = pytest.mark.skipif(not chart_available(), reason="matplotlib is not installed")

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
POINTS = [(START + timedelta(days=14 * n), score) for n, score in enumerate((64, 52, 40, 56, 72, 80))]


def test_a_png_of_the_same_size_and_bytes_for_the_same_scores():
    one = wellbeing_chart_png(POINTS, BERLIN, start=POINTS[0][0], end=POINTS[-1][0], language="de")
    two = wellbeing_chart_png(POINTS, BERLIN, start=POINTS[0][0], end=POINTS[-1][0], language="de")
    assert one.startswith(b"\x89PNG\r\n\x1a\n") and one == two
    width, height = int.from_bytes(one[16:20], "big"), int.from_bytes(one[20:24], "big")
    assert (width, height) == (800, 400)
    other = wellbeing_chart_png(POINTS[:-1], BERLIN, start=POINTS[0][0], end=POINTS[-1][0], language="de")
    assert other != one


def test_a_score_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        wellbeing_chart_png([(START, 104)], BERLIN, start=START, end=START)
