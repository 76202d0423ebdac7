"""Pure parsers for what people type after commands.

Each parser returns plain values or raises ``BadInput(code, **params)``; the codes and params are
listed in ``BAD_INPUT_CODES``. The rule is to be generous in what we accept (``7pm``, ``9.30``,
``mon-fri``, ``fri-mon``, ``2 weeks``, ``24.12.2026``, ``dec 24``) and precise in what we refuse,
so the one-line answer can say exactly what would work. Matching ignores case and surrounding
whitespace, and text is NFKC-normalised first so full-width digits and colons (``０９：００``) read
as their plain forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta
from fractions import Fraction

from bot.errors import BadInput
from bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS

MAX_INPUT_CHARS = 200
MAX_REMINDERS = 10
MAX_PAUSE_DAYS = 365
MAX_RECAP_DAYS = 3650  # ten years, for "/recap 3650d"
MAX_RECAP_YEARS = 10  # the same limit for "/recap since ...", in calendar years

# code -> the params it carries. Kept next to the parsers so the template and this list can be
# checked against each other.
BAD_INPUT_CODES: dict[str, tuple[str, ...]] = {
    "input_too_long": ("limit",),
    "time_invalid": ("text",),
    "time_ambiguous": ("text",),
    "days_invalid": ("text",),
    "days_twice": (),
    "remind_word_unknown": ("word",),
    "remind_no_time": (),
    "too_many_times": ("limit",),
    "duration_invalid": ("text",),
    "duration_no_unit": ("text",),
    "duration_negative": ("text",),
    "duration_zero": ("text",),
    "duration_too_long": ("max_days",),
    "date_invalid": ("text",),
    "date_past": ("text", "date"),
    "date_future": ("text", "date"),
    "pause_invalid": ("text",),
    "recap_invalid": ("text",),
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


def _joined(args: list[str]) -> str:
    return " ".join(arg.strip() for arg in args if arg.strip())


# --- clock times -------------------------------------------------------------------------------

_MERIDIEM = re.compile(r"(?P<body>.*?)\s*(?P<half>[ap])(?:\.?\s?m)?\.?")
_TWELVE_HOUR = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?")
_TWENTY_FOUR_HOUR = re.compile(r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})|h)")
_DIGITS = re.compile(r"\d+")
_NAMED_TIMES = {
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
    if normal in _NAMED_TIMES:
        return _NAMED_TIMES[normal]
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


# --- /remind -----------------------------------------------------------------------------------

_MERIDIEM_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "a.m", "p.m"})
_REMIND_FILLERS = frozenset({"at", "and", "&", "+", "also", "then"})
# Words that can only belong to a day spec, so a run of them goes to parse_days whole
# (``every day``, ``mon to fri``); anything else is an unknown word.
_DAY_RUN_WORDS = _DAY_FILLERS | frozenset(
    {"day", "days", "week", "ends", "end", "work", "working", "to", "through", "thru", "till",
     "until", "-", ".."}
)  # fmt: skip


def _is_time_start(token: str) -> bool:
    return token[:1].isdigit() or token in _NAMED_TIMES


def _is_day_word(token: str) -> bool:
    """Whether ``token`` is part of a day spec; a malformed one (``mon-``) counts, so that
    parse_days refuses it as days_invalid, which says more than "unknown word"."""
    if token in _DAY_RUN_WORDS:
        return True
    pieces = re.split(r"-+", "-".join(_day_tokens(token)))
    return any(_day_token(piece) for piece in pieces if piece)


def parse_remind_args(args: list[str]) -> list[tuple[time, frozenset[int]]]:
    """Reminder times from ``/remind`` arguments, each with its weekdays, sorted by time.

    Rule: one day spec at most, and it applies to every time in the command
    (``/remind 09:00 20:30 mon-fri`` gives both on weekdays); without one, every day. Two
    different day specs raise ``days_twice``. ``7 pm`` split over two arguments is one time;
    ``at``/``and`` are skipped; duplicated times collapse. ``off`` is the caller's business.
    Raises ``remind_no_time``, ``remind_word_unknown`` (``word``), ``too_many_times``
    (``limit``), and the time and day codes.
    """
    _, normal = normalise(_joined(args))
    tokens = [token for token in re.split(r"[\s,]+", normal) if token]
    times: set[time] = set()
    day_specs: set[frozenset[int]] = set()
    run: list[str] = []

    def close_run() -> None:
        words = [word for word in run if word not in _REMIND_FILLERS]
        run.clear()
        if words:
            day_specs.add(parse_days(" ".join(words)))
            if len(day_specs) > 1:
                raise BadInput("days_twice")

    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if _is_time_start(token):
            close_run()
            # "7 pm" and "12 noon" arrive as two arguments.
            if following in _MERIDIEM_WORDS or (token == "12" and following in _NAMED_TIMES):
                token = f"{token} {following}"
                index += 1
            times.add(parse_clock_time(token))
        elif token in _REMIND_FILLERS or _is_day_word(token):
            run.append(token)
        else:
            raise BadInput("remind_word_unknown", word=token)
        index += 1
    close_run()

    if not times:
        raise BadInput("remind_no_time")
    if len(times) > MAX_REMINDERS:
        raise BadInput("too_many_times", limit=MAX_REMINDERS)
    days = next(iter(day_specs), ALL_DAYS)
    return [(at, days) for at in sorted(times)]


# --- durations ---------------------------------------------------------------------------------

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


# --- /pause and /recap -------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RecapWindow:
    """What ``/recap ...`` asked for: the last ``duration``, or all ``since`` a local date."""

    duration: timedelta | None = None
    since: date | None = None

    def __post_init__(self) -> None:
        if (self.duration is None) == (self.since is None):
            raise ValueError("a recap window has exactly one of duration, since")


_INDEFINITE = frozenset(
    {"forever", "indefinitely", "indefinite", "until i resume", "till i resume",
     "until resumed", "until further notice", "until further notice."}
)  # fmt: skip
_UNTIL = re.compile(r"(?:until|untill|till|til|to)\s+(?P<rest>.+)")
_FOR = re.compile(r"(?:for\s+)?(?:the\s+)?(?:(?:last|past)\s+)?(?P<rest>.+)")
_SINCE = re.compile(r"(?:since|from)\s+(?P<rest>.+)")


def _without_filler(normal: str) -> str:
    """``for 3 days`` / ``the last 2 weeks`` -> ``3 days`` / ``2 weeks``."""
    match = _FOR.fullmatch(normal)
    return match["rest"] if match else normal


def _years_from(day: date, years: int) -> date:
    """The same calendar date ``years`` away; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _duration_or_date(
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


def parse_pause_args(args: list[str], *, today: date) -> PauseSpec | None:
    """``/pause 3d``, ``/pause 2 weeks``, ``/pause until 2026-12-24``, ``/pause forever``.

    ``today`` is the person's local date. No arguments gives None (the caller offers buttons).
    An end date must be after today (``date_past``, params ``text``, ``date``) and at most a year
    away (``duration_too_long``, param ``max_days``); a duration at most a year. Anything that is
    neither a duration nor a date raises ``pause_invalid`` (param ``text``).
    """
    typed = _joined(args)
    if not typed:
        return None
    _, normal = normalise(typed)
    if normal in _INDEFINITE:
        return PauseSpec(indefinite=True)
    if until := _UNTIL.fullmatch(normal):
        end: timedelta | date = parse_date(until["rest"], today=today)
    else:
        rest = _without_filler(normal)
        end = _duration_or_date(
            rest,
            today=today,
            past=False,
            max_days=MAX_PAUSE_DAYS,
            fallback_code="pause_invalid",
            typed=typed,
        )
    if isinstance(end, timedelta):
        return PauseSpec(duration=end)
    if end <= today:
        raise BadInput("date_past", text=typed, date=end)
    # "A year away" is calendar-wise, so "until" the same date next year is fine in a leap year.
    if end > _years_from(today, 1):
        raise BadInput("duration_too_long", max_days=MAX_PAUSE_DAYS)
    return PauseSpec(until=end)


def parse_recap_window(args: list[str], *, today: date) -> RecapWindow | None:
    """``/recap 14d``, ``/recap 2 weeks``, ``/recap since 2026-11-01``, ``/recap since monday``.

    ``today`` is the person's local date; dates without a year look back from it. No arguments
    gives None (the caller uses the default window). A since-date in the future raises
    ``date_future`` (params ``text``, ``date``); a window beyond ten years ``duration_too_long``
    (param ``max_days``); anything else unreadable ``recap_invalid`` (param ``text``).
    """
    typed = _joined(args)
    if not typed:
        return None
    _, normal = normalise(typed)
    if since := _SINCE.fullmatch(normal):
        start: timedelta | date = parse_date(since["rest"], today=today, past=True)
    else:
        rest = _without_filler(normal)
        start = _duration_or_date(
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
    if start < _years_from(today, -MAX_RECAP_YEARS):
        raise BadInput("duration_too_long", max_days=MAX_RECAP_DAYS)
    return RecapWindow(since=start)
