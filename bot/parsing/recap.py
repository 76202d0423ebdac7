"""Reading ``/recap`` arguments: the window to look back over, a length of time or a start date.

``/recap 14d``, ``/recap the last 2 weeks``, ``/recap since 2026-11-01``, ``/recap since monday``;
in the person's language too: ``/recap 2 Wochen``, ``/recap seit Montag``, ``/recap seit 2
Wochen``, ``/recap desde el lunes``, ``/recap depuis 2 semaines``, ``/recap за 2 недели``,
``/recap с понедельника``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from bot.errors import BadInput
from bot.parsing.duration import duration_or_date, parse_duration, without_filler, years_from
from bot.parsing.text import join_args, normalise, parse_date
from bot.parsing.words import ENGLISH, as_typed, fold, leading_pattern, words_for

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


@cache
def _own_since(language: str) -> re.Pattern[str] | None:
    return leading_pattern(words_for(language).lex.since)


def _since(rest: str, *, today: date, length: bool, language: str) -> timedelta | date:
    """What follows "since": a date, or where the language says so a length (``seit 2 Wochen``,
    ``depuis 2 semaines``, ``desde hace 2 semanas``: the last two weeks)."""
    if length:
        try:
            return parse_duration(
                without_filler(fold(rest), language), max_days=MAX_RECAP_DAYS, language=language
            )
        except BadInput as not_duration:
            if not_duration.code not in ("duration_invalid", "duration_no_unit"):
                raise
    return parse_date(rest, today=today, past=True, language=language)


def parse_recap_window(args: list[str], *, today: date, language: str = ENGLISH) -> RecapWindow | None:
    """``/recap 14d``, ``/recap 2 weeks``, ``/recap since 2026-11-01``, ``/recap since monday``.

    ``today`` is the person's local date; dates without a year look back from it. No arguments
    gives None (the caller uses the default window). A since-date in the future raises
    ``date_future`` (params ``text``, ``date``); a window beyond ten years ``duration_too_long``
    (param ``max_days``); anything else unreadable ``recap_invalid`` (param ``text``).
    """
    typed = join_args(args)
    if not typed:
        return None
    _, lower = normalise(typed)
    normal = fold(lower)
    own = _own_since(language)
    start: timedelta | date
    if since := _SINCE.fullmatch(normal):
        start = parse_date(as_typed(lower, since["rest"]), today=today, past=True, language=language)
    elif own and (since := own.fullmatch(normal)):
        length = words_for(language).lex.since_length
        start = _since(as_typed(lower, since["rest"]), today=today, length=length, language=language)
    else:
        rest = without_filler(normal, language)
        start = duration_or_date(
            rest,
            today=today,
            past=True,
            max_days=MAX_RECAP_DAYS,
            fallback_code="recap_invalid",
            typed=typed,
            language=language,
        )
    if isinstance(start, timedelta):
        return RecapWindow(duration=start)
    if start > today:
        raise BadInput("date_future", text=typed, date=start)
    if start < years_from(today, -MAX_RECAP_YEARS):
        raise BadInput("duration_too_long", max_days=MAX_RECAP_DAYS)
    return RecapWindow(since=start)
