"""Reading what people type after ``/session``: a day, a time and a repetition, or an action.

``/session tue 17:00 weekly``, ``/session 2026-11-24 17:00``, ``/session every other thursday
5pm``, ``/session tomorrow 9:30 once``, ``/session done``, ``/session skip``, ``/session stop``;
in the person's language too: ``/session Di 17 Uhr wöchentlich``, ``/session martes 17:00 cada
dos semanas``, ``/session mardi 17h toutes les deux semaines``, ``/session вт 17:00 еженедельно``,
``/session erledigt``, ``/session hecho``, ``/session fait``, ``/session готово``.
Pure: the person's local "now" is an argument, and refusals are ``BadInput`` codes listed in
``SESSION_BAD_INPUT_CODES`` (besides ``input_too_long``, ``date_invalid``, ``time_invalid`` and
``time_ambiguous`` from :mod:`bot.parsing.text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from bot.errors import BadInput
from bot.parsing.text import named_time, normalise, parse_clock_time, parse_date, time_length
from bot.parsing.words import ENGLISH, Words, fold, phrase_pattern, words_for

# A session further ahead than this is almost certainly a typo (a wrong year).
MAX_AHEAD_DAYS = 365

SESSION_BAD_INPUT_CODES: dict[str, tuple[str, ...]] = {
    "session_invalid": ("text",),
    "session_no_time": (),
    "session_no_date": (),
    "session_past": ("date", "time"),
    "session_too_far": ("max_days",),
}

ONCE, WEEKLY, FORTNIGHTLY = 0, 7, 14

_ACTIONS = {
    "done": "done",
    "held": "done",
    "had it": "done",
    "just had it": "done",
    "happened": "done",
    "skip": "skip",
    "skip one": "skip",
    "skip next": "skip",
    "skip the next one": "skip",
    "stop": "stop",
    "off": "stop",
    "cancel": "stop",
    "clear": "stop",
    "none": "stop",
}
_REPEATS = (
    (re.compile(r"\b(?:every|each)\s+(?:other|second|2nd|2|two)\s+weeks?\b|\bevery\s+fortnight\b"
                r"|\bfortnightly\b|\bbi-?weekly\b"), FORTNIGHTLY),
    (re.compile(r"\bweekly\b|\b(?:every|each)\s+week\b|\bonce\s+a\s+week\b"), WEEKLY),
    (re.compile(r"\bone[\s-]?(?:off|time)\b|\bjust\s+once\b|\bonce\b|\bno\s+repeat(?:ing|s)?\b"
                r"|\bnot\s+repeating\b"), ONCE),
)  # fmt: skip
# "every tuesday" / "every other tuesday": a repetition that also names the day, which stays.
_EVERY_DAY_NAME = re.compile(
    r"\b(?:every|each)\s+(?:(?P<other>other|second|2nd)\s+)?(?=(?P<day>[^\W\d_]+)\b)"
)
_FILLERS = frozenset({"at", "on", "from", "starting", "this", "is", "it's", "its", "next-session"})
_STRONG_TIME = re.compile(r"[:h]|[ap]\.?m\.?$")


@dataclass(frozen=True)
class _Grammar:
    """The person's words for /session on top of the English ones."""

    words: Words
    repeats: tuple[tuple[re.Pattern[str], int], ...]
    every_day_name: re.Pattern[str] | None
    fillers: frozenset[str]


@cache
def _grammar(language: str) -> _Grammar:
    words = words_for(language)
    lex = words.lex
    repeats = []
    for phrases, days in ((lex.fortnightly, FORTNIGHTLY), (lex.weekly, WEEKLY), (lex.once, ONCE)):
        if (pattern := phrase_pattern(phrases)) is not None:
            repeats.append((pattern, days))
    every = phrase_pattern(lex.every)
    other = phrase_pattern(lex.every_other)
    every_day_name = None
    if every is not None:
        other_part = rf"(?:(?P<other>{other.pattern})\s+)?" if other else "(?P<other>(?!))?"
        every_day_name = re.compile(rf"{every.pattern}\s+{other_part}(?=(?P<day>[^\W\d_]+)(?![\w']))")
    return _Grammar(words, tuple(repeats), every_day_name, _FILLERS | set(lex.session_fillers))


@dataclass(frozen=True)
class SessionSpec:
    """What ``/session ...`` asked for.

    ``action`` is ``show`` (no arguments), ``done``, ``skip``, ``stop`` or ``set``. For ``set``,
    ``day`` and ``at`` are the local date and wall-clock time of the next session, and
    ``repeat_days`` its repetition (0, 7 or 14), or None when the person did not say (the
    current plan's repetition stays; without a plan, it happens once).
    """

    action: str
    day: date | None = None
    at: time | None = None
    repeat_days: int | None = None


def _normal(text: str) -> tuple[str, str]:
    """As :func:`bot.parsing.text.normalise`, folded, with commas read as spaces ("tue, 17:00")."""
    typed, normal = normalise(text)
    return typed, " ".join(fold(normal).replace(",", " ").split())


def _take_repeat(normal: str, typed: str, grammar: _Grammar) -> tuple[int | None, str]:
    """The repetition named in the text (None if none), and the text without it."""
    found: set[int] = set()
    words = grammar.words

    def take(days: int) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            if not words.is_english(match.group(0)):  # "once" is eleven in Spanish
                return match.group(0)
            found.add(days)
            return " "

        return replace

    for pattern, days in (*grammar.repeats, *_REPEATS):
        normal = pattern.sub(take(days), normal)

    def every_day(match: re.Match[str]) -> str:
        if words.weekday(match["day"]) is None:
            return match.group(0)
        found.add(FORTNIGHTLY if match["other"] else WEEKLY)
        return " "

    for every in (grammar.every_day_name, _EVERY_DAY_NAME):
        if every is not None:
            normal = every.sub(every_day, normal)
    if len(found) > 1:
        raise BadInput("session_invalid", text=typed)
    return next(iter(found), None), " ".join(normal.split())


def _is_time(token: str, language: str) -> bool:
    return token[:1].isdigit() or named_time(token, language) is not None


def _take_time(tokens: list[str], typed: str, language: str) -> tuple[time | None, list[str]]:
    """The clock time among the tokens (``17:00``, ``5pm``, ``5 pm``, ``17 Uhr``), and the other
    tokens.

    A time written with ``:``, ``h``, am/pm or the word for o'clock wins over one with a dot,
    which could be a date (``12.11`` is 12 November in ``/session 12.11 17:00``).
    """
    words = words_for(language)
    joined: list[str] = []
    index = 0
    while index < len(tokens):
        # "5 pm", "17 Uhr", "5 Uhr nachmittags" arrive as several tokens; a date never does.
        length = time_length(tokens, index, language) if tokens[index][:1].isdigit() else 1
        joined.append(" ".join(tokens[index : index + length]))
        index += length
    strong: list[int] = []
    weak: list[int] = []
    for position, token in enumerate(joined):
        if not _is_time(token, language):
            continue
        is_strong = _STRONG_TIME.search(token) is not None or named_time(token, language) is not None
        is_strong = is_strong or token.split()[-1] in words.lex.clock_words or len(token.split()) > 2
        try:
            parse_clock_time(token, language=language)
        except BadInput:
            if is_strong:
                raise  # "25:00" was meant as a time: say what is wrong with it
            continue
        (strong if is_strong else weak).append(position)
    chosen = strong or weak
    if len(chosen) > 1:
        raise BadInput("session_invalid", text=typed)
    if not chosen:
        return None, joined
    position = chosen[0]
    return parse_clock_time(joined[position], language=language), joined[:position] + joined[position + 1 :]


def _day(words: list[str], at: time | None, local_now: datetime, language: str) -> date:
    """The session's local date. A bare weekday that is today means today if the time is ahead."""
    text = " ".join(words)
    today = local_now.date()
    weekday = words_for(language).weekday(words[0]) if len(words) == 1 else None
    if weekday is not None and weekday == today.weekday():
        if at is None or at > local_now.time().replace(second=0, microsecond=0):
            return today
    return parse_date(text, today=today, language=language)


def parse_session_args(args: list[str], *, local_now: datetime, language: str = ENGLISH) -> SessionSpec:
    """Understand ``/session`` arguments, given the person's local current date and time.

    Raises ``session_invalid`` (``text``) for words that are neither a day, a time nor a
    repetition; ``date_invalid`` (``text``) for a day that does not exist (``31/02``);
    ``session_no_time`` / ``session_no_date`` when half is missing; ``session_past`` (``date``,
    ``time``) for a moment already gone; ``session_too_far`` (``max_days``) beyond a year.
    """
    typed, normal = _normal(" ".join(args))
    if not normal:
        return SessionSpec("show")
    grammar = _grammar(language)
    own_actions = grammar.words.lex.actions
    if normal in own_actions:
        return SessionSpec(own_actions[normal])
    if normal in _ACTIONS:
        return SessionSpec(_ACTIONS[normal])
    repeat, rest = _take_repeat(normal, typed, grammar)
    # Fillers go after the time is taken: the German "am" may be a.m. ("Di 9 am").
    at, words = _take_time(rest.split(), typed, language)
    words = [word for word in words if word not in grammar.fillers]
    if words:
        try:
            day = _day(words, at, local_now, language)
        except BadInput:
            # "tue 5": the 5 was meant as a time, but morning or evening is a guess.
            # isdecimal(), not isdigit(): int() refuses digits such as "፩" that NFKC keeps.
            bare = [w for w in words if w.isdecimal() and int(w) <= 23]
            if at is None and bare:
                raise BadInput("time_ambiguous", text=bare[-1]) from None
            # "31/02" is a date that does not exist; "someday maybe" is not a date at all.
            if any(char.isdigit() for char in " ".join(words)):
                raise BadInput("date_invalid", text=" ".join(words)) from None
            raise BadInput("session_invalid", text=typed) from None
    elif at is None:
        if repeat is not None:
            raise BadInput("session_no_date")
        raise BadInput("session_invalid", text=typed)
    else:
        raise BadInput("session_no_date")
    if at is None:
        raise BadInput("session_no_time")
    when = datetime.combine(day, at)
    if when <= local_now.replace(tzinfo=None, second=0, microsecond=0):
        raise BadInput("session_past", date=day.isoformat(), time=at.strftime("%H:%M"))
    if day > local_now.date() + timedelta(days=MAX_AHEAD_DAYS):
        raise BadInput("session_too_far", max_days=MAX_AHEAD_DAYS)
    return SessionSpec("set", day=day, at=at, repeat_days=repeat)
