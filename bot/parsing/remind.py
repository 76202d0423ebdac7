"""Reading ``/remind`` arguments: clock times, with at most one day spec for all of them.

``/remind 09:00 20:30 mon-fri``, ``/remind 7 pm weekends``, ``/remind at noon and 21:00``; in
the person's language too: ``/remind 19 Uhr Mo-Fr``, ``/remind a las 19:00 de lunes a viernes``,
``/remind 19h du lundi au vendredi``, ``/remind в 19:00 по будням``.
"""

from __future__ import annotations

import re
from datetime import time

from bot.errors import BadInput
from bot.parsing.text import (
    is_day_word,
    is_time_start,
    join_args,
    normalise,
    parse_clock_time,
    parse_days,
    time_length,
)
from bot.parsing.words import ENGLISH, fold, words_for
from bot.schedule import ALL_DAYS

MAX_REMINDERS = 10

# The codes raised here -> the params each carries (gathered in bot.parsing.BAD_INPUT_CODES).
CODES: dict[str, tuple[str, ...]] = {
    "days_twice": (),
    "remind_word_unknown": ("word",),
    "remind_no_time": (),
    "too_many_times": ("limit",),
}

_REMIND_FILLERS = frozenset({"at", "and", "&", "+", "also", "then"})
_OFF = frozenset({"off"})


def means_off(args: list[str], language: str = ENGLISH) -> bool:
    """Whether ``/remind ARGS`` asks for every reminder off: ``off``, or the person's word for it
    (``aus``, ``apagar``, ``désactiver``, ``выкл``)."""
    typed = " ".join(fold(arg) for arg in args if arg.strip())
    return typed in _OFF or typed in words_for(language).lex.off


def parse_remind_args(args: list[str], *, language: str = ENGLISH) -> list[tuple[time, frozenset[int]]]:
    """Reminder times from ``/remind`` arguments, each with its weekdays, sorted by time.

    Rule: one day spec at most, and it applies to every time in the command
    (``/remind 09:00 20:30 mon-fri`` gives both on weekdays); without one, every day. Two
    different day specs raise ``days_twice``. ``7 pm`` split over two arguments is one time;
    ``at``/``and`` are skipped; duplicated times collapse. ``off`` is the caller's business.
    Raises ``remind_no_time``, ``remind_word_unknown`` (``word``), ``too_many_times``
    (``limit``), and the time and day codes.
    """
    _, normal = normalise(join_args(args))
    tokens = [token for token in re.split(r"[\s,]+", normal) if token]
    lex = words_for(language).lex
    fillers = _REMIND_FILLERS | set(lex.remind_fillers)
    times: set[time] = set()
    day_specs: set[frozenset[int]] = set()
    run: list[str] = []

    def kept(position: int) -> bool:
        # "a" is "at" in "a las 19:00" but joins two days in "lunes a viernes".
        word = fold(run[position])
        if word not in fillers:
            return True
        return word in lex.day_range and 0 < position < len(run) - 1

    def close_run() -> None:
        words = [word for position, word in enumerate(run) if kept(position)]
        run.clear()
        if words:
            day_specs.add(parse_days(" ".join(words), language=language))
            if len(day_specs) > 1:
                raise BadInput("days_twice")

    index = 0
    while index < len(tokens):
        token = tokens[index]
        if is_time_start(token, language):
            close_run()
            # "7 pm", "19 Uhr" and "7 Uhr abends" arrive as several arguments.
            length = time_length(tokens, index, language)
            times.add(parse_clock_time(" ".join(tokens[index : index + length]), language=language))
            index += length - 1
        elif fold(token) in fillers or is_day_word(token, language):
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
