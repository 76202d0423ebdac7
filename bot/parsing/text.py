"""The shared readers: the input normaliser, clock times, weekdays and calendar dates.

Every parser in :mod:`bot.parsing` reads through these, so ``7pm``, ``mon-fri`` and ``dec 24``
mean the same after ``/remind``, ``/pause``, ``/recap`` and ``/session``. Matching ignores case
and surrounding whitespace, and text is NFKC-normalised first so full-width digits and colons
(``０９：００``) read as their plain forms.

Each reader takes the person's ``language`` (``en`` unless told): English is read for everyone,
the person's language on top of it (:mod:`bot.parsing.words`): ``Mo-Fr``, ``lun-vie``,
``пн-пт``, ``24. Dezember``, ``24 de diciembre``, ``19 Uhr``, ``midi``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta
from functools import cache

from bot.errors import BadInput
from bot.parsing.lexicon import AM, NIGHT, PM
from bot.parsing.words import ENGLISH, Words, fold, words_for
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
MERIDIEM_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "a.m", "p.m"})
# English parts of the day after an hour; each language adds its own (Lexicon.day_parts).
DAY_PARTS = {
    "in the morning": AM,
    "in the afternoon": PM,
    "in the evening": PM,
    "at night": NIGHT,
}
_HOUR_IN_PART = re.compile(r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?")


def named_time(word: str, language: str = ENGLISH) -> time | None:
    """The time a word names (``noon``, ``Mittag``, ``minuit``), or None."""
    folded = fold(word)
    own = words_for(language).lex.named_times
    return own[folded] if folded in own else NAMED_TIMES.get(folded)


def joins_time(token: str, following: str, language: str = ENGLISH, *, then: str = "") -> bool:
    """Whether ``following`` finishes the time ``token`` begins, arriving as a separate argument:
    ``7 pm``, ``12 noon``, ``19 Uhr``, ``19 h``. ``then`` is the word after ``following``: the
    German "am" before a word is "on the" (``19:00 am Wochenende``), at the end it is a.m."""
    words = words_for(language)
    if following in MERIDIEM_WORDS:
        return words.is_english(following) or not then
    if token == "12" and following in NAMED_TIMES:
        return True
    return token[:1].isdigit() and fold(following) in words.lex.clock_words


def _day_parts(words: Words) -> dict[str, str]:
    return {**DAY_PARTS, **words.lex.day_parts}


def time_length(tokens: list[str], index: int, language: str = ENGLISH) -> int:
    """How many of ``tokens`` from ``index`` make one clock time: ``19:00``, ``7 pm``,
    ``19 Uhr``, ``7 Uhr abends``, ``7 de la tarde``, ``10 утра`` (1 to 5 tokens)."""
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    then = tokens[index + 2] if index + 2 < len(tokens) else ""
    length = 2 if joins_time(tokens[index], following, language, then=then) else 1
    if not tokens[index][:1].isdigit():
        return length
    after = [fold(token) for token in tokens[index + length : index + length + 3]]
    for phrase in sorted(_day_parts(words_for(language)), key=lambda p: -len(p.split())):
        words = phrase.split()
        if after[: len(words)] == words:
            return length + len(words)
    return length


def _in_part_of_day(body: str, part: str, words: Words, typed: str) -> time:
    """``7`` + PM -> 19:00; ``12`` + NIGHT -> 00:00; ``2`` + NIGHT -> 02:00; ``10`` + NIGHT ->
    22:00. An hour past 12 must agree with the part (``19 Uhr abends``, not ``19 Uhr morgens``)."""
    clock = _HOUR_IN_PART.fullmatch(_without_clock_word(body, words) or body)
    if not clock:
        raise BadInput("time_invalid", text=typed)
    hour, minute = int(clock["hour"]), int(clock["minute"] or 0)
    if hour > 23 or minute > 59 or (hour > 12 and part == AM):
        raise BadInput("time_invalid", text=typed)
    if hour > 12 or hour == 0:
        return time(hour, minute)
    if part == AM:
        return time(hour % 12, minute)
    if part == PM or 6 <= hour < 12:
        return time(hour % 12 + 12, minute)
    return time(hour % 12, minute)  # the small hours: 2 ночи, 12 de la noche


def _without_day_part(folded: str, words: Words) -> tuple[str, str] | None:
    """``7 uhr abends`` -> (``7 uhr``, PM); None without a part of the day at the end."""
    for phrase, part in _day_parts(words).items():
        if folded.endswith(" " + phrase):
            return folded[: -len(phrase) - 1].rstrip(), part
    return None


def _without_clock_word(normal: str, words: Words) -> str | None:
    """``19 uhr`` / ``19.30 uhr`` / ``19 h`` -> ``19`` / ``19.30`` / ``19``; None without one."""
    for word in words.lex.clock_words:
        if normal.endswith(word) and normal[: -len(word)][-1:] in (" ", *"0123456789"):
            return normal[: -len(word)].rstrip()
    return None


def parse_clock_time(text: str, *, language: str = ENGLISH) -> time:
    """A wall-clock time to the minute: ``09:00``, ``9.30``, ``19h30``, ``7pm``, ``7:30 p.m.``;
    in the person's language also its named times, its word for o'clock and its parts of the
    day (``19 Uhr``, ``mediodía``, ``minuit``, ``полдень``, ``7 Uhr abends``, ``10 утра``).

    ``12am`` is 00:00 and ``12pm`` is 12:00. A bare hour from 13 to 23 (``19``) is that hour; a
    smaller one (``9``) is refused as ambiguous rather than guessed, because 9 could be morning or
    evening; four digits (``0930``) read as HHMM.
    With the word for o'clock, an hour is on the 24-hour clock (``7 Uhr`` is 07:00).
    Raises ``time_invalid`` or ``time_ambiguous`` (param ``text``).
    """
    typed, normal = normalise(text)
    words = words_for(language)
    folded = fold(normal)
    named = named_time(folded, language)
    if named is not None:
        return named
    if (in_part := _without_day_part(folded, words)) is not None:
        return _in_part_of_day(*in_part, words, typed)
    if (hours := _without_clock_word(folded, words)) is not None:
        if _DIGITS.fullmatch(hours) and len(hours) <= 2:
            if int(hours) > 23:
                raise BadInput("time_invalid", text=typed)
            return time(int(hours), 0)
        clock = re.fullmatch(r"(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})", hours)
        if not clock or int(clock["hour"]) > 23 or int(clock["minute"]) > 59:
            raise BadInput("time_invalid", text=typed)
        return time(int(clock["hour"]), int(clock["minute"]))
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
    elif _DIGITS.fullmatch(normal) and len(normal) <= 2 and 13 <= int(normal) <= 23:
        # "19" can only be evening: asking "morning or evening?" about it would be silly.
        hour, minute = int(normal), 0
    elif _DIGITS.fullmatch(normal) and len(normal) <= 3:
        # "9" or "930": a person clearly meant a time, but which one is a guess.
        plausible = int(normal) <= 23 or (len(normal) == 3 and int(normal[1:]) <= 59)
        raise BadInput("time_ambiguous" if plausible else "time_invalid", text=typed)
    else:
        raise BadInput("time_invalid", text=typed)
    if hour > 23 or minute > 59:
        raise BadInput("time_invalid", text=typed)
    return time(hour, minute)


def is_time_start(token: str, language: str = ENGLISH) -> bool:
    """Whether a token (lower case) could begin a clock time: a digit, or ``noon`` and the like."""
    return token[:1].isdigit() or named_time(token, language) is not None


# --- weekdays ----------------------------------------------------------------------------------

_DAY_PHRASES = [
    (re.compile(r"\b(?:every|each)[\s-]*day\b|\ball[\s-]+(?:days|week)\b"), "daily"),
    (re.compile(r"\bwork(?:ing)?[\s-]*days?\b|\bweek[\s-]+days?\b"), "weekdays"),
    (re.compile(r"\bweek[\s-]+ends?\b"), "weekends"),
]
_SYMBOL_RANGE = re.compile(r"\s*(?:-|\.\.+)\s*")
_RANGE_WORDS = frozenset({"to", "through", "thru", "till", "until"})
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


def weekday_of(word: str, language: str = ENGLISH) -> int | None:
    """Monday=0 .. Sunday=6 for a day name, an abbreviation or a start of a name of at least two
    letters (``tu``, ``thurs``, ``Mi``, ``mié``, ``пт``), in the person's language or English.

    A trailing plural ``s`` is allowed (``mondays``, ``weds``), and in the person's language an
    inflected ending (``montags``, ``пятницу``). A start shared by two names names neither.
    """
    return words_for(language).weekday(word)


def _day_token(token: str, words: Words) -> frozenset[int] | None:
    """The days one token names (``tue``, ``weekends``, ``fri-mon``), or None if it names none."""
    if token in _DAY_KEYWORDS:
        return _DAY_KEYWORDS[token]
    parts = token.split("-")
    if len(parts) == 1:
        index = words.weekday(token)
        return None if index is None else frozenset({index})
    if len(parts) != 2:
        return None
    first, last = words.weekday(parts[0]), words.weekday(parts[1])
    if first is None or last is None:
        return None
    # Ranges wrap around the week: fri-mon is Friday, Saturday, Sunday, Monday.
    length = (last - first) % 7 + 1
    return frozenset((first + step) % 7 for step in range(length))


def _day_tokens(normal: str, words: Words) -> list[str]:
    """The day tokens of a folded text: phrases read as keywords, ranges joined with ``-``
    (``mon to fri``, ``Mo bis Fr``, ``пн по пт``), words that say nothing left out."""
    for pattern, replacement in (*words.day_phrases, *_DAY_PHRASES):
        normal = pattern.sub(replacement, normal)
    normal = _SYMBOL_RANGE.sub("-", normal)
    fillers = _DAY_FILLERS | set(words.lex.day_fillers)
    ranges = _RANGE_WORDS | set(words.lex.day_range)
    raw = [token for token in _DAY_SEPARATORS.split(normal) if token]
    kept = [token for token in raw if token not in fillers or token in ranges]
    tokens: list[str] = []
    index = 0
    while index < len(kept):
        token = kept[index]
        following = kept[index + 1] if index + 1 < len(kept) else ""
        if token in ranges and tokens and following and words.weekday(tokens[-1]) is not None:
            if words.weekday(following) is not None:
                tokens[-1] = f"{tokens[-1]}-{following}"
                index += 2
                continue
        if token not in fillers:  # a range word that is also a filler: "по понедельникам"
            tokens.append(token)
        index += 1
    return tokens


def parse_days(text: str, *, language: str = ENGLISH) -> frozenset[int]:
    """Weekdays (Monday=0 .. Sunday=6) from ``mon-fri``, ``weekdays``, ``weekends``, ``daily``,
    ``every day``, ``mon,wed,fri``, ``mon wed fri``, ``tuesday``, ``fri-mon`` (ranges wrap), and
    mixtures of these (``weekends and wed``); in the person's language too (``Mo-Fr``,
    ``Wochenende``, ``lunes a viernes``, ``fin de semana``, ``du lundi au vendredi``,
    ``с понедельника по пятницу``, ``выходные``). Raises ``days_invalid`` (param ``text``).
    """
    typed, normal = normalise(text)
    words = words_for(language)
    days: set[int] = set()
    named_any = False
    for token in _day_tokens(fold(normal), words):
        named = _day_token(token, words)
        if named is None:
            raise BadInput("days_invalid", text=typed)
        days |= named
        named_any = True
    if not named_any:
        raise BadInput("days_invalid", text=typed)
    return frozenset(days)


# Words that can only belong to a day spec, so a run of them goes to parse_days whole
# (``every day``, ``mon to fri``); anything else is an unknown word.
_DAY_RUN_WORDS = _DAY_FILLERS | _RANGE_WORDS | frozenset(
    {"day", "days", "week", "ends", "end", "work", "working", "-", ".."}
)  # fmt: skip


def is_day_word(token: str, language: str = ENGLISH) -> bool:
    """Whether ``token`` is part of a day spec; a malformed one (``mon-``) counts, so that
    parse_days refuses it as days_invalid, which says more than "unknown word"."""
    words = words_for(language)
    folded = fold(token)
    if folded in _DAY_RUN_WORDS or folded in words.day_run_words:
        return True
    pieces = re.split(r"-+", "-".join(_day_tokens(folded, words)))
    return any(_day_token(piece, words) for piece in pieces if piece)


# --- dates -------------------------------------------------------------------------------------

_LETTERS = r"[^\W\d_]+"
_ISO_DATE = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
_NUMERIC_DATE = re.compile(r"(?P<first>\d{1,2})[-/.](?P<second>\d{1,2})(?:[-/.](?P<year>\d{4}|\d{2}))?\.?")
# "24 dec", "24th of December", "24. Dezember 2026", "24 de diciembre de 2026", "24 дек. 2026 г."
_DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}})\.? (?:(?:of|de|del) )?(?P<month>{_LETTERS})\.?"
    r"(?: (?:(?:de|del) )?(?P<year>\d{4})(?: (?:г|года?))?\.?)?"
)
_MONTH_DAY = re.compile(rf"(?P<month>{_LETTERS})\.? (?P<day>\d{{1,2}})(?: (?P<year>\d{{4}}))?")
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}


@cache
def _ordinal(language: str) -> re.Pattern[str]:
    """24th, and the person's ordinals: 1er, 1º (NFKC: 1o), 24-го."""
    own = "".join(f"|{re.escape(suffix)}" for suffix in words_for(language).lex.ordinals)
    return re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th{own})(?!\w)")


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


def _without_marker(normal: str, markers: tuple[str, ...]) -> str:
    """``next friday`` / ``vendredi prochain`` -> ``friday`` / ``vendredi`` (one marker, before
    or after)."""
    for marker in sorted(markers, key=len, reverse=True):
        if normal.startswith(marker + " "):
            return normal[len(marker) + 1 :]
        if normal.endswith(" " + marker):
            return normal[: -len(marker) - 1]
    return normal


def _read_date(
    normal: str, today: date, past: bool, words: Words, typed: str, *, weekday: bool = True
) -> date | None:
    """The date a folded text names, or None if it names none (an impossible date raises)."""
    relative = {**_RELATIVE_DAYS, **words.lex.relative}
    if normal in relative:
        return today + timedelta(days=relative[normal])
    if match := _ISO_DATE.fullmatch(normal):
        return _dated(int(match["year"]), int(match["month"]), int(match["day"]), typed)
    if match := _NUMERIC_DATE.fullmatch(normal):
        # Day first, as German, Spanish, French and Russian write it (and Between always read it).
        day, month = int(match["first"]), int(match["second"])
        if month > 12 and day <= 12:  # only readable month first: 12/24
            day, month = month, day
        if match["year"]:
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
            return _dated(year, month, day, typed)
        return _yearless(month, day, today, past, typed)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.fullmatch(normal)
        if match and (named_month := words.month(match["month"])) is not None:
            if match["year"]:
                return _dated(int(match["year"]), named_month, int(match["day"]), typed)
            return _yearless(named_month, int(match["day"]), today, past, typed)
    if not weekday:
        return None
    markers = ("last", *words.lex.last_words) if past else ("next", *words.lex.next_words)
    rest = _without_marker(normal, markers)
    if " " not in rest and (named := words.weekday(rest)) is not None:
        if past:
            return today - timedelta(days=(today.weekday() - named - 1) % 7 + 1)
        return today + timedelta(days=(named - today.weekday() - 1) % 7 + 1)
    return None


def parse_date(text: str, *, today: date, past: bool = False, language: str = ENGLISH) -> date:
    """A calendar date: ``2026-12-24``, ``24.12.2026``, ``24/12/2026`` (day first; ``12/24/2026``
    too, since it cannot be day first), ``24.12``, ``dec 24``, ``24 dec``, ``december 24th``,
    ``today``, ``tomorrow``, ``yesterday``, a weekday name (``friday``); in the person's
    language too (``24. Dezember``, ``el 24 de diciembre``, ``24 décembre``, ``24 декабря``,
    ``morgen``, ``nächsten Freitag``, ``vendredi prochain``, ``в пятницу``). A full date may
    start with its weekday (``jeudi 24 décembre 2026``), which must be the date's.

    Without a year, a date means the next such date on or after ``today``; with ``past=True``
    (for "since ...") the latest on or before ``today``. A weekday name means the next such day
    after today (``past``: the last one before today), never today itself.
    Raises ``date_invalid`` (param ``text``).
    """
    typed, normal = normalise(text)
    words = words_for(language)
    normal = " ".join(_ordinal(language).sub(r"\1", fold(normal)).replace(",", " ").split())
    tokens = normal.split()
    while len(tokens) > 1 and tokens[0] in words.lex.date_articles:
        tokens = tokens[1:]
    found = _read_date(" ".join(tokens), today, past, words, typed)
    if found is not None:
        return found
    if len(tokens) > 1 and (named := words.weekday(tokens[0])) is not None:
        found = _read_date(" ".join(tokens[1:]), today, past, words, typed, weekday=False)
        if found is not None and found.weekday() == named:
            return found
    raise BadInput("date_invalid", text=typed)
