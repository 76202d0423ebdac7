"""Reading an answer to "what's your time zone?".

A person may answer with an IANA zone (``Europe/Berlin``), a city (``Berlin``, ``são paulo``), a
country that lives on one zone (``Germany``), a UTC offset (``UTC+2``) or simply their current
local time (``it's 14:30``), from which we offer the zones that show that time right now. What
the answer means is a :class:`ZoneGuess`; the names, zones and offsets it is looked up in are
:mod:`bot.timezones`, and the names places have in each language :mod:`bot.parsing.places`
(``Wien``, ``Nueva York``, ``Москва``). In the person's language the local time may be said
their way too: ``es ist 14.30 Uhr``, ``son las 14:30``, ``il est 14h30``, ``сейчас 14:30``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from bot.errors import BadInput
from bot.parsing.places import zone_for_place
from bot.parsing.words import ENGLISH, fold, words_for
from bot.timezones import (
    echo,
    is_fixed_name,
    lookup_key,
    offer_rank,
    offset_name,
    require_aware,
    valid_offset,
    zones_by_offset,
)

MAX_CHOICES = 8  # buttons offered for a local time; more would be a wall of buttons
# A zone is offered for a typed clock time when its clock is at most this many minutes off: the
# person's clock may be a little fast or slow, and they may have typed a minute or two ago.
CLOCK_TOLERANCE = 15
_MAX_INPUT = 100
_DAY = 24 * 60

# Time-zone abbreviations and names of North American zones: each is ambiguous (IST is India,
# Ireland and Israel; CST is Chicago, China and Cuba) and most flip with daylight saving, so we
# ask for a city instead of guessing.
_ABBREVIATIONS = frozenset(
    (
        "est edt cst cdt mst mdt pst pdt akst akdt hst hdt ast adt nst ndt et ct mt pt "
        "est5edt cst6cdt mst7mdt pst8pdt cet cest met mest eet eest wet west bst ist msk msd "
        "sast wat eat jst kst hkt sgt pht pkt npt wib wita aest aedt acst acdt awst nzst nzdt "
        "brt clt eastern central mountain pacific atlantic"
    ).split()
) | {"central european", "eastern european", "western european", "british summer"}
_ABBREVIATION_SUFFIX = re.compile(r"\s+(?:(?:standard|daylight|summer)\s+)?time$")

# Words a person may wrap around a local time: "it's 14:30", "now it is 2:30 pm here".
_TIME_FILLER = frozenset(
    (
        "its it is now right the time here local currently my clock says about around "
        "approximately approx almost nearly exactly just ish for me"
    ).split()
)
_TIME = re.compile(
    r"(?<![\w:+-])(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{2}))?"
    r"\s*(?P<ampm>[ap]\s?\.?\s?m\b\.?)?(?![\w:])"
)
# In a language with a word for o'clock, an hour with it is a time too: "es ist 14 Uhr", "14h",
# "14 Uhr 30".
_OCLOCK_TIME = r"(?<![\w:+-])(?P<h>\d{{1,2}})\s*(?:{words})(?:\s*(?P<m>\d{{2}}))?(?![\w:])"
_OFFSET = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?:[:.]?(\d{2}))?")
_UTC_WORDS = frozenset({"utc", "gmt", "z"})

# Characters people's keyboards produce for the same thing; folded before anything else.
_FOLD = str.maketrans("\u2019\u2018\u02bc`\u2212\u2013\u2014\u2010\u2011", "''''-----")


@dataclass(frozen=True)
class ZoneGuess:
    """What a person's answer means.

    ``zone``: a canonical name to store (IANA or ``UTC±HH:MM``), or None when ``choices`` should be
    offered instead. ``choices``: IANA names matching a local time the person gave, likeliest first
    (at most :data:`MAX_CHOICES`). ``fixed_offset``: the zone never follows daylight saving, so
    the caller should say so.
    """

    zone: str | None
    choices: tuple[str, ...] = ()
    fixed_offset: bool = False


def parse_zone_answer(text: str, *, now: datetime, language: str = ENGLISH) -> ZoneGuess:
    """Understand an answer to "what's your time zone?" given the current instant ``now``.

    Accepts IANA names, cities, countries on one zone, UTC offsets and the person's local time,
    in English and in the person's ``language``.
    Raises BadInput with ``zone_empty``, ``zone_unknown``, ``zone_abbreviation``,
    ``offset_out_of_range`` or ``time_invalid`` (param ``text``: the answer, shortened).
    """
    require_aware(now)
    stripped = text.strip()
    if len(stripped) > _MAX_INPUT or any(unicodedata.category(c) == "Cc" for c in stripped):
        raise BadInput("zone_unknown", text=echo(stripped))
    cleaned = _clean(stripped)
    if not cleaned:
        raise BadInput("zone_empty", text="")

    key = lookup_key(cleaned)
    if key in _UTC_WORDS:
        return ZoneGuess("UTC", fixed_offset=True)
    compact = re.sub(r"\s+", "", cleaned.casefold())
    offset = _OFFSET.fullmatch(compact)
    if offset:
        return _offset_guess(offset, stripped)
    abbreviations = _ABBREVIATIONS | set(words_for(language).lex.zone_abbreviations)
    if _ABBREVIATION_SUFFIX.sub("", key) in abbreviations:
        raise BadInput("zone_abbreviation", text=echo(stripped))
    local = _local_minutes(cleaned, stripped, language)
    if local is not None:
        return _guess_from_local_time(local, now)
    name = zone_for_place(key, language)
    if name is None:
        raise BadInput("zone_unknown", text=echo(stripped))
    return ZoneGuess(name, fixed_offset=is_fixed_name(name))


# --- offsets ---------------------------------------------------------------------------------


def _offset_guess(match: re.Match[str], original: str) -> ZoneGuess:
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    total = sign * (hours * 60 + minutes)
    if minutes not in (0, 15, 30, 45) or not valid_offset(total):
        raise BadInput("offset_out_of_range", text=echo(original))
    return ZoneGuess(offset_name(total), fixed_offset=True)


# --- local time ------------------------------------------------------------------------------


def _local_minutes(cleaned: str, original: str, language: str = ENGLISH) -> int | None:
    """Minutes since midnight of a local time in the answer, or None if it is not a time."""
    lex = words_for(language).lex
    lowered = fold(cleaned.casefold()).replace("'", "")
    match = _TIME.search(lowered)
    if match is None or not (match.group("m") or match.group("ampm")):
        match = _oclock_time(language).search(lowered) if lex.clock_words else None
        if match is None:
            return None
    fillers = _TIME_FILLER | set(lex.zone_fillers)
    rest = (lowered[: match.start()] + " " + lowered[match.end() :]).split()
    if any(word.strip(",.!?~:") not in fillers for word in rest if word.strip(",.!?~:")):
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ampm = match.groupdict().get("ampm")
    if minute > 59:
        raise BadInput("time_invalid", text=echo(original))
    if ampm:
        if not 1 <= hour <= 12:
            raise BadInput("time_invalid", text=echo(original))
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif hour > 23:
        raise BadInput("time_invalid", text=echo(original))
    return hour * 60 + minute


@cache
def _oclock_time(language: str) -> re.Pattern[str]:
    words = "|".join(
        re.escape(word) for word in sorted(words_for(language).lex.clock_words, key=len, reverse=True)
    )
    return re.compile(_OCLOCK_TIME.format(words=words))


def _guess_from_local_time(local: int, now: datetime) -> ZoneGuess:
    """The real zones whose clocks show about ``local`` now (never an offset no zone uses)."""
    utc_now = now.astimezone(UTC)
    # Whole minutes on both sides: a person reading 09:15 may be at 09:15:59.
    diff = (local - (utc_now.hour * 60 + utc_now.minute)) % _DAY
    order = offer_rank()
    near: list[tuple[int, int, str]] = []  # (minutes off, rank, zone)
    for offset, names in zones_by_offset(utc_now).items():
        # The date is unknown, so a clock time can mean two offsets a day apart (16:00 when it
        # is 02:00 UTC is Honolulu yesterday or Kiritimati tomorrow): both count.
        off = min(abs(offset - diff), abs(offset - (diff - _DAY)))
        if off <= CLOCK_TOLERANCE:
            near += [(off, order[name], name) for name in names]
    if not near:
        raise BadInput("time_no_zone", text=f"{local // 60:02d}:{local % 60:02d}")
    # The closest clocks first; among them, the best-known zones.
    return ZoneGuess(None, choices=tuple(name for _, _, name in sorted(near)[:MAX_CHOICES]))


# --- text ------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Fold look-alike characters and drop invisible format characters (zero-width, bidi)."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf").strip()
