"""Reading ``/remind`` arguments: clock times, with at most one day spec for all of them.

``/remind 09:00 20:30 mon-fri``, ``/remind 7 pm weekends``, ``/remind at noon and 21:00``.
"""

from __future__ import annotations

import re
from datetime import time

from bot.errors import BadInput
from bot.parsing.text import (
    NAMED_TIMES,
    is_day_word,
    is_time_start,
    join_args,
    normalise,
    parse_clock_time,
    parse_days,
)
from bot.schedule import ALL_DAYS

MAX_REMINDERS = 10

# The codes raised here -> the params each carries (gathered in bot.parsing.BAD_INPUT_CODES).
CODES: dict[str, tuple[str, ...]] = {
    "days_twice": (),
    "remind_word_unknown": ("word",),
    "remind_no_time": (),
    "too_many_times": ("limit",),
}

_MERIDIEM_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "a.m", "p.m"})
_REMIND_FILLERS = frozenset({"at", "and", "&", "+", "also", "then"})


def parse_remind_args(args: list[str]) -> list[tuple[time, frozenset[int]]]:
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
        if is_time_start(token):
            close_run()
            # "7 pm" and "12 noon" arrive as two arguments.
            if following in _MERIDIEM_WORDS or (token == "12" and following in NAMED_TIMES):
                token = f"{token} {following}"
                index += 1
            times.add(parse_clock_time(token))
        elif token in _REMIND_FILLERS or is_day_word(token):
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
