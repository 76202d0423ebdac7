"""Reading what people type: command arguments and the answer to "what's your time zone?".

One module per subject: :mod:`~bot.parsing.text` (the normaliser and the shared readers: clock
times, weekdays, dates), :mod:`~bot.parsing.duration` (lengths of time), and one per command or
question: :mod:`~bot.parsing.remind`, :mod:`~bot.parsing.pause`, :mod:`~bot.parsing.recap`,
:mod:`~bot.parsing.session`, :mod:`~bot.parsing.zone`. All are pure: "today" or "now" is an
argument.

Each parser returns plain values or raises ``BadInput(code, **params)``; the codes and params of
the command parsers are listed in ``BAD_INPUT_CODES`` (``/session`` has its own in
``SESSION_BAD_INPUT_CODES``). The rule is to be generous in what we accept (``7pm``, ``9.30``,
``mon-fri``, ``fri-mon``, ``2 weeks``, ``24.12.2026``, ``dec 24``) and precise in what we refuse,
so the one-line answer can say exactly what would work.

Every parser takes the person's ``language`` (``en`` when not given). English is read for
everyone and the person's language on top of it, winning where the two disagree:
:mod:`~bot.parsing.words` has the weekday and month names (Babel's CLDR data) and
:mod:`~bot.parsing.lexicon` the commands' own words (``wöchentlich``, ``hasta``, ``готово``) per
language; :mod:`~bot.parsing.places` the names places have in each language (``Wien``,
``Москва``).
"""

from __future__ import annotations

from bot.parsing import duration, pause, percent, recap, remind, text
from bot.parsing.duration import MAX_PAUSE_DAYS, parse_duration
from bot.parsing.pause import PauseSpec, parse_pause_args
from bot.parsing.recap import MAX_RECAP_DAYS, MAX_RECAP_YEARS, RecapWindow, parse_recap_window
from bot.parsing.remind import MAX_REMINDERS, means_off, parse_remind_args
from bot.parsing.session import (
    FORTNIGHTLY,
    MAX_AHEAD_DAYS,
    ONCE,
    SESSION_BAD_INPUT_CODES,
    WEEKLY,
    SessionSpec,
    parse_session_args,
)
from bot.parsing.text import MAX_INPUT_CHARS, normalise, parse_clock_time, parse_date, parse_days, weekday_of
from bot.parsing.zone import MAX_CHOICES, ZoneGuess, parse_zone_answer

# code -> the params it carries, for every code the command parsers raise (each module lists
# its own next to the parser, so the templates and these lists can be checked against each other).
BAD_INPUT_CODES: dict[str, tuple[str, ...]] = {
    **text.CODES,
    **remind.CODES,
    **duration.CODES,
    **pause.CODES,
    **recap.CODES,
    **percent.CODES,
}

__all__ = [
    "BAD_INPUT_CODES",
    "FORTNIGHTLY",
    "MAX_AHEAD_DAYS",
    "MAX_CHOICES",
    "MAX_INPUT_CHARS",
    "MAX_PAUSE_DAYS",
    "MAX_RECAP_DAYS",
    "MAX_RECAP_YEARS",
    "MAX_REMINDERS",
    "ONCE",
    "SESSION_BAD_INPUT_CODES",
    "WEEKLY",
    "PauseSpec",
    "RecapWindow",
    "SessionSpec",
    "ZoneGuess",
    "means_off",
    "normalise",
    "parse_clock_time",
    "parse_date",
    "parse_days",
    "parse_duration",
    "parse_pause_args",
    "parse_recap_window",
    "parse_remind_args",
    "parse_session_args",
    "parse_zone_answer",
    "weekday_of",
]
