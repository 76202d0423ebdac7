"""Lengths of time (``3d``, ``2 weeks``, ``1.5h``, ``a month``, ``3 Tage``, ``2 semanas``,
``3 jours``, ``2 недели``), and how ``/pause`` and ``/recap`` read what follows them: a length
of time or, failing that, a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import cache

from bot.errors import BadInput
from bot.parsing.text import normalise, parse_date
from bot.parsing.words import ENGLISH, fold, words_for

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
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")


@dataclass(frozen=True)
class _Grammar:
    """How one language writes a length of time: its units and number words, English's too."""

    units: dict[str, int]
    numbers: dict[str, int]
    part: re.Pattern[str]
    joiner: re.Pattern[str]
    decimal_comma: bool


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@cache
def _grammar(language: str) -> _Grammar:
    lex = words_for(language).lex
    units = {**_UNIT_MINUTES, **lex.units}
    numbers = {**_NUMBER_WORDS, **lex.numbers}
    # A unit alone is one of it where the language says so ("неделю"), never an abbreviation.
    bare = [unit for unit in lex.units if len(unit) >= 3] if lex.bare_unit else []
    alone = rf"|(?P<bare>{_alternatives(bare)})" if bare else "|(?P<bare>(?!))"
    part = re.compile(
        rf"(?:(?:(?P<number>\d+(?:\.\d+)?|\.\d+)\s*|(?P<word>{_alternatives(numbers)})\s+)"
        rf"(?P<unit>{_alternatives(units)}){alone})(?=$|[\s,]|\d)"
    )
    ands = "|".join(rf"\b{re.escape(word)}\b" for word in ("and", *lex.and_words))
    joiner = re.compile(rf"(?:\s|,|{ands})*")
    return _Grammar(units, numbers, part, joiner, words_for(language).decimal_comma)


def _duration_minutes(normal: str, grammar: _Grammar) -> int | None:
    """Whole minutes in ``3d``, ``1 week 2 days``, ``1.5h``, ``a week``; None if not a duration."""
    total = Fraction(0)
    position = 0
    matched = False
    while position < len(normal):
        joiner = grammar.joiner.match(normal, position)
        position = joiner.end() if joiner else position
        if position == len(normal) and matched:
            break
        part = grammar.part.match(normal, position)
        if not part:
            return None
        if part["bare"]:
            total += grammar.units[part["bare"]]
        else:
            amount = Fraction(part["number"] or grammar.numbers[part["word"]])
            total += amount * grammar.units[part["unit"]]
        position = part.end()
        matched = True
    return round(total) if matched else None


def parse_duration(text: str, *, max_days: int = MAX_PAUSE_DAYS, language: str = ENGLISH) -> timedelta:
    """A positive length of time: ``3d``, ``3 days``, ``2w``, ``1 week``, ``12h``, ``36 hours``,
    ``1w 2d``, ``1.5 days``, ``a month`` (30 days), rounded to whole minutes; in the person's
    language too (``3 Tage``, ``2 semanas``, ``une semaine``, ``1,5 Tage``, ``3 дня``).

    Raises ``duration_negative``, ``duration_zero`` (param ``text``), ``duration_too_long``
    (param ``max_days``), ``duration_no_unit`` for a bare number and ``duration_invalid``
    (param ``text``) for anything else.
    """
    typed, normal = normalise(text)
    grammar = _grammar(language)
    negative = normal.startswith(("-", "minus "))
    body = fold(normal.removeprefix("minus ").lstrip("+-").strip())
    if grammar.decimal_comma:
        body = _DECIMAL_COMMA.sub(".", body)
    minutes = _duration_minutes(body, grammar)
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


def without_filler(normal: str, language: str = ENGLISH) -> str:
    """``for 3 days`` / ``the last 2 weeks`` / ``die letzten 2 Wochen`` / ``за 2 недели`` ->
    ``3 days`` / ``2 weeks`` / ``2 wochen`` / ``2 недели`` (``normal`` folded)."""
    match = _FOR.fullmatch(normal)
    rest = match["rest"] if match else normal
    own = words_for(language).lex.duration_fillers
    if own:
        rest = " ".join(word for word in rest.split() if word not in own) or rest
    return rest


def years_from(day: date, years: int) -> date:
    """The same calendar date ``years`` away; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def duration_or_date(
    rest: str,
    *,
    today: date,
    past: bool,
    max_days: int,
    fallback_code: str,
    typed: str,
    language: str = ENGLISH,
) -> timedelta | date:
    """``rest`` as a duration or, failing that, as a date; ``fallback_code`` if it is neither.

    Duration refusals that are about the amount (negative, zero, too long) stand: the person
    clearly wrote a duration. A bare number is retried as a date (``24.12``) before being refused.
    """
    try:
        return parse_duration(rest, max_days=max_days, language=language)
    except BadInput as not_duration:
        if not_duration.code not in ("duration_invalid", "duration_no_unit"):
            raise
        try:
            return parse_date(rest, today=today, past=past, language=language)
        except BadInput:
            if not_duration.code == "duration_no_unit":
                raise not_duration from None
            raise BadInput(fallback_code, text=typed) from None
