"""Lengths of time (``3d``, ``2 weeks``, ``1.5h``, ``a month``), and how ``/pause`` and ``/recap``
read what follows them: a length of time or, failing that, a date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from fractions import Fraction

from bot.errors import BadInput
from bot.parsing.text import normalise, parse_date

# The longest pause, and the longest duration read when no other limit is given.
MAX_PAUSE_DAYS = 365

# The codes raised here -> the params each carries (gathered in bot.parsing.BAD_INPUT_CODES).
CODES: dict[str, tuple[str, ...]] = {
    "duration_invalid": ("text",),
    "duration_no_unit": ("text",),
    "duration_negative": ("text",),
    "duration_zero": ("text",),
    "duration_too_long": ("max_days",),
}

_UNIT_MINUTES = {
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "d": 1440, "day": 1440, "days": 1440,
    "w": 10080, "wk": 10080, "wks": 10080, "week": 10080, "weeks": 10080,
    "fortnight": 20160, "fortnights": 20160,
    # A month is 30 days: good enough for "pause for a month", and a timedelta has no months.
    "month": 43200, "months": 43200,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_UNIT_PATTERN = "|".join(sorted(_UNIT_MINUTES, key=len, reverse=True))
_DURATION_PART = re.compile(
    rf"(?:(?P<number>\d+(?:\.\d+)?|\.\d+)\s*|(?P<word>{'|'.join(_NUMBER_WORDS)})\s+)"
    rf"(?P<unit>{_UNIT_PATTERN})(?=$|[\s,]|\d)"
)
_DURATION_JOINER = re.compile(r"(?:\s|,|\band\b)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def _duration_minutes(normal: str) -> int | None:
    """Whole minutes in ``3d``, ``1 week 2 days``, ``1.5h``, ``a week``; None if not a duration."""
    total = Fraction(0)
    position = 0
    matched = False
    while position < len(normal):
        joiner = _DURATION_JOINER.match(normal, position)
        position = joiner.end() if joiner else position
        if position == len(normal) and matched:
            break
        part = _DURATION_PART.match(normal, position)
        if not part:
            return None
        amount = Fraction(part["number"] or _NUMBER_WORDS[part["word"]])
        total += amount * _UNIT_MINUTES[part["unit"]]
        position = part.end()
        matched = True
    return round(total) if matched else None


def parse_duration(text: str, *, max_days: int = MAX_PAUSE_DAYS) -> timedelta:
    """A positive length of time: ``3d``, ``3 days``, ``2w``, ``1 week``, ``12h``, ``36 hours``,
    ``1w 2d``, ``1.5 days``, ``a month`` (30 days), rounded to whole minutes.

    Raises ``duration_negative``, ``duration_zero`` (param ``text``), ``duration_too_long``
    (param ``max_days``), ``duration_no_unit`` for a bare number and ``duration_invalid``
    (param ``text``) for anything else.
    """
    typed, normal = normalise(text)
    negative = normal.startswith(("-", "minus "))
    body = normal.removeprefix("minus ").lstrip("+-").strip()
    minutes = _duration_minutes(body)
    if minutes is None:
        if _NUMBER.fullmatch(body):
            raise BadInput("duration_negative" if negative else "duration_no_unit", text=typed)
        raise BadInput("duration_invalid", text=typed)
    if negative:
        raise BadInput("duration_negative", text=typed)
    if minutes == 0:
        raise BadInput("duration_zero", text=typed)
    # Compare before building the timedelta: "99999999999d" would overflow it.
    if minutes > max_days * 1440:
        raise BadInput("duration_too_long", max_days=max_days)
    return timedelta(minutes=minutes)


# --- a length of time or a date, as /pause and /recap read it ----------------------------------

_FOR = re.compile(r"(?:for\s+)?(?:the\s+)?(?:(?:last|past)\s+)?(?P<rest>.+)")


def without_filler(normal: str) -> str:
    """``for 3 days`` / ``the last 2 weeks`` -> ``3 days`` / ``2 weeks``."""
    match = _FOR.fullmatch(normal)
    return match["rest"] if match else normal


def years_from(day: date, years: int) -> date:
    """The same calendar date ``years`` away; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def duration_or_date(
    rest: str, *, today: date, past: bool, max_days: int, fallback_code: str, typed: str
) -> timedelta | date:
    """``rest`` as a duration or, failing that, as a date; ``fallback_code`` if it is neither.

    Duration refusals that are about the amount (negative, zero, too long) stand: the person
    clearly wrote a duration. A bare number is retried as a date (``24.12``) before being refused.
    """
    try:
        return parse_duration(rest, max_days=max_days)
    except BadInput as not_duration:
        if not_duration.code not in ("duration_invalid", "duration_no_unit"):
            raise
        try:
            return parse_date(rest, today=today, past=past)
        except BadInput:
            if not_duration.code == "duration_no_unit":
                raise not_duration from None
            raise BadInput(fallback_code, text=typed) from None
