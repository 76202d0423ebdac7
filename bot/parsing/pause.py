"""Reading ``/pause`` arguments: for how long, until when, or until the person resumes.

``/pause 3d``, ``/pause for 2 weeks``, ``/pause until 24.12``, ``/pause forever``; in the
person's language too: ``/pause 3 Tage``, ``/pause bis 24.12.``, ``/pause hasta el viernes``,
``/pause jusqu'au 24 décembre``, ``/pause до пятницы``, ``/pause für immer``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from bot.errors import BadInput
from bot.parsing.duration import MAX_PAUSE_DAYS, duration_or_date, without_filler, years_from
from bot.parsing.text import join_args, normalise, parse_date
from bot.parsing.words import ENGLISH, as_typed, fold, leading_pattern, words_for

# The codes raised here -> the params each carries (gathered in bot.parsing.BAD_INPUT_CODES).
CODES: dict[str, tuple[str, ...]] = {
    "date_past": ("text", "date"),
    "pause_invalid": ("text",),
}


@dataclass(frozen=True)
class PauseSpec:
    """What ``/pause ...`` asked for: exactly one of a duration, an end date, or no end."""

    duration: timedelta | None = None
    until: date | None = None
    indefinite: bool = False

    def __post_init__(self) -> None:
        chosen = (self.duration is not None) + (self.until is not None) + self.indefinite
        if chosen != 1:
            raise ValueError("a pause has exactly one of duration, until, indefinite")


_INDEFINITE = frozenset(
    {"forever", "indefinitely", "indefinite", "until i resume", "till i resume",
     "until resumed", "until further notice", "until further notice."}
)  # fmt: skip
_UNTIL = re.compile(r"(?:until|untill|till|til|to)\s+(?P<rest>.+)")


def _until(normal: str, language: str) -> str | None:
    """What follows "until" (``until``, ``bis``, ``hasta``, ``jusqu'au``, ``до``), or None.
    Said twice (the answer to "until which date?" may say it again) it is read once."""
    own = _own_until(language)
    rest = None
    for _ in range(2):
        match = _UNTIL.fullmatch(normal) or (own.fullmatch(normal) if own else None)
        if match is None:
            break
        rest = normal = match["rest"]
    return rest


@cache
def _own_until(language: str) -> re.Pattern[str] | None:
    return leading_pattern(words_for(language).lex.until)


def parse_pause_args(args: list[str], *, today: date, language: str = ENGLISH) -> PauseSpec | None:
    """``/pause 3d``, ``/pause 2 weeks``, ``/pause until 2026-12-24``, ``/pause forever``.

    ``today`` is the person's local date. No arguments gives None (the caller offers buttons).
    An end date must be after today (``date_past``, params ``text``, ``date``) and at most a year
    away (``duration_too_long``, param ``max_days``); a duration at most a year. Anything that is
    neither a duration nor a date raises ``pause_invalid`` (param ``text``).
    """
    typed = join_args(args)
    if not typed:
        return None
    _, lower = normalise(typed)
    normal = fold(lower)
    if normal in _INDEFINITE or normal in words_for(language).lex.indefinite:
        return PauseSpec(indefinite=True)
    if (until := _until(normal, language)) is not None:
        end: timedelta | date = parse_date(as_typed(lower, until), today=today, language=language)
    else:
        rest = without_filler(normal, language)
        end = duration_or_date(
            rest,
            today=today,
            past=False,
            max_days=MAX_PAUSE_DAYS,
            fallback_code="pause_invalid",
            typed=typed,
            language=language,
        )
    if isinstance(end, timedelta):
        return PauseSpec(duration=end)
    if end <= today:
        raise BadInput("date_past", text=typed, date=end)
    # "A year away" is calendar-wise, so "until" the same date next year is fine in a leap year.
    if end > years_from(today, 1):
        raise BadInput("duration_too_long", max_days=MAX_PAUSE_DAYS)
    return PauseSpec(until=end)
