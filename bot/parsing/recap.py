"""Reading ``/recap`` arguments: the window to look back over, a length of time or a start date.

``/recap 14d``, ``/recap the last 2 weeks``, ``/recap since 2026-11-01``, ``/recap since monday``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import BadInput
from bot.parsing.duration import duration_or_date, without_filler, years_from
from bot.parsing.text import join_args, normalise, parse_date

MAX_RECAP_DAYS = 3650  # ten years, for "/recap 3650d"
MAX_RECAP_YEARS = 10  # the same limit for "/recap since ...", in calendar years

# The codes raised here -> the params each carries (gathered in bot.parsing.BAD_INPUT_CODES).
CODES: dict[str, tuple[str, ...]] = {
    "date_future": ("text", "date"),
    "recap_invalid": ("text",),
}


@dataclass(frozen=True)
class RecapWindow:
    """What ``/recap ...`` asked for: the last ``duration``, or all ``since`` a local date."""

    duration: timedelta | None = None
    since: date | None = None

    def __post_init__(self) -> None:
        if (self.duration is None) == (self.since is None):
            raise ValueError("a recap window has exactly one of duration, since")


_SINCE = re.compile(r"(?:since|from)\s+(?P<rest>.+)")


def parse_recap_window(args: list[str], *, today: date) -> RecapWindow | None:
    """``/recap 14d``, ``/recap 2 weeks``, ``/recap since 2026-11-01``, ``/recap since monday``.

    ``today`` is the person's local date; dates without a year look back from it. No arguments
    gives None (the caller uses the default window). A since-date in the future raises
    ``date_future`` (params ``text``, ``date``); a window beyond ten years ``duration_too_long``
    (param ``max_days``); anything else unreadable ``recap_invalid`` (param ``text``).
    """
    typed = join_args(args)
    if not typed:
        return None
    _, normal = normalise(typed)
    if since := _SINCE.fullmatch(normal):
        start: timedelta | date = parse_date(since["rest"], today=today, past=True)
    else:
        rest = without_filler(normal)
        start = duration_or_date(
            rest,
            today=today,
            past=True,
            max_days=MAX_RECAP_DAYS,
            fallback_code="recap_invalid",
            typed=typed,
        )
    if isinstance(start, timedelta):
        return RecapWindow(duration=start)
    if start > today:
        raise BadInput("date_future", text=typed, date=start)
    if start < years_from(today, -MAX_RECAP_YEARS):
        raise BadInput("duration_too_long", max_days=MAX_RECAP_DAYS)
    return RecapWindow(since=start)
