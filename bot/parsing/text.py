"""The shared readers: the input normaliser, clock times, weekdays and calendar dates.

Every parser in :mod:`bot.parsing` reads through these, so ``7pm``, ``mon-fri`` and ``dec 24``
mean the same after ``/remind``, ``/pause``, ``/recap`` and ``/session``. Matching ignores case
and surrounding whitespace, and text is NFKC-normalised first so full-width digits and colons
(``０９：００``) read as their plain forms.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta

from bot.errors import BadInput
from bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS

MAX_INPUT_CHARS = 200

# The codes raised here -> the params each carries (gathered in bot.parsing.BAD_INPUT_CODES).
CODES: dict[str, tuple[str, ...]] = {
    "input_too_long": ("limit",),
    "time_invalid": ("text",),
    "time_ambiguous": ("text",),
    "days_invalid": ("text",),
    "date_invalid": ("text",),
}

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def normalise(text: str) -> tuple[str, str]:
    """(the text as typed but stripped, its normalised lower-case form); refuses very long text."""
    stripped = text.strip()
    if len(stripped) > MAX_INPUT_CHARS:
        raise BadInput("input_too_long", limit=MAX_INPUT_CHARS)
    normal = unicodedata.normalize("NFKC", stripped).lower()
    # U+2212 MINUS SIGN and the dashes survive NFKC; people paste them from phones and documents.
    normal = normal.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
    return stripped, " ".join(normal.split())


def join_args(args: list[str]) -> str:
    """A command's arguments as one text, blank ones left out."""
    return " ".join(arg.strip() for arg in args if arg.strip())


# --- clock times -------------------------------------------------------------------------------

_MERIDIEM = re.compile(r"(?P<body>.*?)\s*(?P<half>[ap])(?:\.?\s?m)?\.?")
_TWELVE_HOUR = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?")
_TWENTY_FOUR_HOUR = re.compile(r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})|h)")
_DIGITS = re.compile(r"\d+")
NAMED_TIMES = {
    "noon": time(12, 0),
    "midday": time(12, 0),
    "12 noon": time(12, 0),
    "midnight": time(0, 0),
    "12 midnight": time(0, 0),
}


def parse_clock_time(text: str) -> time:
    """A wall-clock time to the minute: ``09:00``, ``9.30``, ``19h30``, ``7pm``, ``7:30 p.m.``.

    ``12am`` is 00:00 and ``12pm`` is 12:00. A bare number (``9``) is refused as ambiguous rather
    than guessed, because 9 could be morning or evening; four digits (``0930``) read as HHMM.
    Raises ``time_invalid`` or ``time_ambiguous`` (param ``text``).
    """
    typed, normal = normalise(text)
    if normal in NAMED_TIMES:
        return NAMED_TIMES[normal]
    meridiem = _MERIDIEM.fullmatch(normal)
    if meridiem:
        clock = _TWELVE_HOUR.fullmatch(meridiem["body"])
        if not clock:
            raise BadInput("time_invalid", text=typed)
        hour, minute = int(clock["hour"]), int(clock["minute"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise BadInput("time_invalid", text=typed)
        return time(hour % 12 + (12 if meridiem["half"] == "p" else 0), minute)
    clock = _TWENTY_FOUR_HOUR.fullmatch(normal)
    if clock:
        hour, minute = int(clock["hour"]), int(clock["minute"] or 0)
    elif _DIGITS.fullmatch(normal) and len(normal) == 4:
        hour, minute = int(normal[:2]), int(normal[2:])
    elif _DIGITS.fullmatch(normal) and len(normal) <= 3:
        # "9" or "930": a person clearly meant a time, but which one is a guess.
        plausible = int(normal) <= 23 or (len(normal) == 3 and int(normal[1:]) <= 59)
        raise BadInput("time_ambiguous" if plausible else "time_invalid", text=typed)
    else:
        raise BadInput("time_invalid", text=typed)
    if hour > 23 or minute > 59:
        raise BadInput("time_invalid", text=typed)
    return time(hour, minute)


def is_time_start(token: str) -> bool:
    """Whether a token (lower case) could begin a clock time: a digit, or ``noon`` and the like."""
    return token[:1].isdigit() or token in NAMED_TIMES


# --- weekdays ----------------------------------------------------------------------------------

_DAY_PHRASES = [
    (re.compile(r"\b(?:every|each)[\s-]*day\b|\ball[\s-]+(?:days|week)\b"), "daily"),
    (re.compile(r"\bwork(?:ing)?[\s-]*days?\b|\bweek[\s-]+days?\b"), "weekdays"),
    (re.compile(r"\bweek[\s-]+ends?\b"), "weekends"),
]
_RANGE_WORDS = re.compile(r"\s*(?:-|\.\.+|\bto\b|\bthrough\b|\bthru\b|\btill\b|\buntil\b)\s*")
_DAY_SEPARATORS = re.compile(r"[\s,;/&+]+")
_DAY_FILLERS = frozenset({"and", "every", "each", "on", "only"})
_DAY_KEYWORDS: dict[str, frozenset[int]] = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "workday": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
}


def weekday_of(word: str) -> int | None:
    """Monday=0 .. Sunday=6 for a day name or a prefix of at least two letters (``tu``, ``thurs``).

    A trailing plural ``s`` is allowed (``mondays``, ``weds``). Two letters already tell every day
    apart, so no prefix is ambiguous.
    """
    for candidate in (word, word[:-1] if word.endswith("s") else ""):
        if len(candidate) >= 2:
            for index, name in enumerate(_DAY_NAMES):
                if name.startswith(candidate):
                    return index
    return None


def _day_token(token: str) -> frozenset[int] | None:
    """The days one token names (``tue``, ``weekends``, ``fri-mon``), or None if it names none."""
    if token in _DAY_KEYWORDS:
        return _DAY_KEYWORDS[token]
    parts = token.split("-")
    if len(parts) == 1:
        index = weekday_of(token)
        return None if index is None else frozenset({index})
    if len(parts) != 2:
        return None
    first, last = weekday_of(parts[0]), weekday_of(parts[1])
    if first is None or last is None:
        return None
    # Ranges wrap around the week: fri-mon is Friday, Saturday, Sunday, Monday.
    length = (last - first) % 7 + 1
    return frozenset((first + step) % 7 for step in range(length))


def _day_tokens(normal: str) -> list[str]:
    for pattern, replacement in _DAY_PHRASES:
        normal = pattern.sub(replacement, normal)
    normal = _RANGE_WORDS.sub("-", normal)
    return [token for token in _DAY_SEPARATORS.split(normal) if token]


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (Monday=0 .. Sunday=6) from ``mon-fri``, ``weekdays``, ``weekends``, ``daily``,
    ``every day``, ``mon,wed,fri``, ``mon wed fri``, ``tuesday``, ``fri-mon`` (ranges wrap), and
    mixtures of these (``weekends and wed``). Raises ``days_invalid`` (param ``text``).
    """
    typed, normal = normalise(text)
    days: set[int] = set()
    named_any = False
    for token in _day_tokens(normal):
        if token in _DAY_FILLERS:
            continue
        named = _day_token(token)
        if named is None:
            raise BadInput("days_invalid", text=typed)
        days |= named
        named_any = True
    if not named_any:
        raise BadInput("days_invalid", text=typed)
    return frozenset(days)


# Words that can only belong to a day spec, so a run of them goes to parse_days whole
# (``every day``, ``mon to fri``); anything else is an unknown word.
_DAY_RUN_WORDS = _DAY_FILLERS | frozenset(
    {"day", "days", "week", "ends", "end", "work", "working", "to", "through", "thru", "till",
     "until", "-", ".."}
)  # fmt: skip


def is_day_word(token: str) -> bool:
    """Whether ``token`` is part of a day spec; a malformed one (``mon-``) counts, so that
    parse_days refuses it as days_invalid, which says more than "unknown word"."""
    if token in _DAY_RUN_WORDS:
        return True
    pieces = re.split(r"-+", "-".join(_day_tokens(token)))
    return any(_day_token(piece) for piece in pieces if piece)


# --- dates -------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
_NUMERIC_DATE = re.compile(r"(?P<first>\d{1,2})[-/.](?P<second>\d{1,2})(?:[-/.](?P<year>\d{4}|\d{2}))?\.?")
_DAY_MONTH = re.compile(r"(?P<day>\d{1,2}) (?:of )?(?P<month>[a-z]+)\.?(?: (?P<year>\d{4}))?")
_MONTH_DAY = re.compile(r"(?P<month>[a-z]+)\.? (?P<day>\d{1,2})(?: (?P<year>\d{4}))?")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}


def _month_index(word: str) -> int | None:
    """1..12 for a month name or a prefix of at least three letters (``dec``, ``sept``)."""
    if len(word) >= 3:
        for index, name in enumerate(_MONTH_NAMES, start=1):
            if name.startswith(word):
                return index
    return None


def _dated(year: int, month: int, day: int, typed: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadInput("date_invalid", text=typed) from None


def _yearless(month: int, day: int, today: date, past: bool, typed: str) -> date:
    """The nearest ``day``.``month`` on or after ``today`` (on or before it when ``past``).

    Looks up to 8 years away so 29 February always finds a leap year.
    """
    step = -1 if past else 1
    for years in range(9):
        try:
            candidate = date(today.year + step * years, month, day)
        except ValueError:
            continue
        if (candidate <= today) if past else (candidate >= today):
            return candidate
    raise BadInput("date_invalid", text=typed)


def parse_date(text: str, *, today: date, past: bool = False) -> date:
    """A calendar date: ``2026-12-24``, ``24.12.2026``, ``24/12/2026`` (day first; ``12/24/2026``
    too, since it cannot be day first), ``24.12``, ``dec 24``, ``24 dec``, ``december 24th``,
    ``today``, ``tomorrow``, ``yesterday``, a weekday name (``friday``).

    Without a year, a date means the next such date on or after ``today``; with ``past=True``
    (for "since ...") the latest on or before ``today``. A weekday name means the next such day
    after today (``past``: the last one before today), never today itself.
    Raises ``date_invalid`` (param ``text``).
    """
    typed, normal = normalise(text)
    normal = " ".join(_ORDINAL.sub(r"\1", normal).replace(",", " ").split())
    if normal in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[normal])
    if match := _ISO_DATE.fullmatch(normal):
        return _dated(int(match["year"]), int(match["month"]), int(match["day"]), typed)
    if match := _NUMERIC_DATE.fullmatch(normal):
        day, month = int(match["first"]), int(match["second"])
        if month > 12 and day <= 12:  # only readable month first: 12/24
            day, month = month, day
        if match["year"]:
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
            return _dated(year, month, day, typed)
        return _yearless(month, day, today, past, typed)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.fullmatch(normal)
        if match and (month := _month_index(match["month"])) is not None:
            if match["year"]:
                return _dated(int(match["year"]), month, int(match["day"]), typed)
            return _yearless(month, int(match["day"]), today, past, typed)
    words = normal.split()
    if words and words[0] == ("last" if past else "next") and len(words) == 2:
        words = words[1:]
    if len(words) == 1 and (weekday := weekday_of(words[0])) is not None:
        if past:
            return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    raise BadInput("date_invalid", text=typed)
