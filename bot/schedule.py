"""Pure time arithmetic: when a wall-clock reminder fires, and when a pause ends.

A reminder is a wall-clock time (hour, minute) plus a set of weekdays (Monday=0 .. Sunday=6) in
the person's zone; the zone is any ``tzinfo`` (a ``ZoneInfo`` or a fixed-offset ``timezone``).
Everything returned here is an aware UTC ``datetime``. Nothing here reads a clock: "now" is always
an argument, so callers inject their clock and tests move time instead of sleeping.

Daylight saving rules (see the architecture notes):

* a wall time that does not exist on a day (spring forward) fires at the first valid instant after
  the gap, i.e. the transition itself;
* a wall time that happens twice (fall back) fires once, at the first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

ALL_DAYS: frozenset[int] = frozenset(range(7))
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKENDS: frozenset[int] = frozenset({5, 6})

# next_due starts one local day before `after`: one extra candidate, and no reliance on how a
# zone's transitions sit around midnight (candidates not after `after` are skipped anyway). Any
# non-empty weekday set has a selected day in every 7 consecutive dates; 16 leaves room for a
# whole skipped calendar day (Pacific/Apia skipped 30 December 2011).
_SEARCH_DAYS = 16
_RESOLUTION = timedelta(microseconds=1)  # the smallest step between two datetimes


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _require_days(days: frozenset[int]) -> None:
    if not days:
        raise ValueError("a reminder needs at least one weekday")
    if not days <= ALL_DAYS:
        raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday)")


def _wall(instant: datetime, zone: tzinfo) -> datetime:
    """The naive local wall-clock reading of ``instant`` in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _gap_end(before: datetime, after: datetime, wall: datetime, zone: tzinfo) -> datetime:
    """The first instant whose wall reading is past ``wall``, searched in ``(before, after]``.

    ``before`` reads earlier than ``wall`` and ``after`` reads later; between them lies the
    transition that skipped ``wall``. zoneinfo does not expose its transitions, so bisect on
    whole seconds (tzdata transitions fall on whole seconds): ~17 steps even for a skipped day.
    """
    low, high = 0, int((after - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(before + timedelta(seconds=middle), zone) > wall:
            high = middle
        else:
            low = middle
    return before + timedelta(seconds=high)


def local_instant(day: date, at: time, zone: tzinfo) -> datetime:
    """The UTC instant at which wall-clock ``at`` happens on local ``day`` in ``zone``.

    In a spring-forward gap this is the end of the gap (Europe/Berlin 2026-03-29 02:30 gives
    03:00 local, 01:00 UTC); in a fall-back fold it is the first occurrence.
    """
    if at.tzinfo is not None:
        raise ValueError("a reminder time is a wall-clock time: it must not carry a tzinfo")
    wall = datetime.combine(day, at)
    # fold=0 is the earlier reading of an ambiguous time; fold=1 the later one. For a time in a
    # gap neither round-trips through UTC back to the same wall reading, which is how we detect it.
    readings = [wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    valid = [instant for instant in readings if _wall(instant, zone) == wall]
    if valid:
        return min(valid)
    # In a gap the two readings straddle the transition: one used the offset before it, the other
    # the offset after it.
    earlier, later = sorted(readings)
    if not _wall(earlier, zone) < wall < _wall(later, zone):
        raise ValueError(f"{zone!r} gives no consistent instant for {wall.isoformat()}")
    return _gap_end(earlier, later, wall, zone)


def next_due(after: datetime, at: time, days: frozenset[int], zone: tzinfo) -> datetime:
    """The first instant strictly after ``after`` at which the reminder (``at`` on ``days``) fires.

    Feeding the result back in gives the next selected local day, so successive calls strictly
    increase and never return an instant twice: a folded time is only ever its first occurrence,
    and a gap-shifted time equal to ``after`` is not "after" it. Raises ValueError for an empty or
    out-of-range ``days`` or a naive ``after``.
    """
    _require_days(days)
    _require_aware("after", after)
    first_day = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        if day.weekday() in days:
            candidate = local_instant(day, at, zone)
            if candidate > after:
                return candidate
    raise ValueError(f"{zone!r} skips every selected day after {after.isoformat()}")


def first_due_from(start: datetime, at: time, days: frozenset[int], zone: tzinfo) -> datetime:
    """The first instant at or after ``start`` at which the reminder fires.

    Where :func:`next_due` continues a series (strictly after the last instant), this begins one
    at an instant that is not itself a firing: the end of a pause. A reminder due at that very
    instant fires (a Berlin 00:00 reminder when a pause "until" that date ends, or one in the gap
    that swallows Santiago's midnight). Instants are exact to the microsecond, so "strictly after
    one microsecond earlier" is "at or after".
    """
    _require_aware("start", start)
    return next_due(start - _RESOLUTION, at, days, zone)


def occurrences(
    start: datetime, end: datetime, at: time, days: frozenset[int], zone: tzinfo
) -> Iterator[datetime]:
    """Every instant the reminder fires with ``start < instant <= end``, in order.

    The interval is open at ``start`` like :func:`next_due`, so chaining windows
    (``start``..``end``, then ``end``..``later``) never yields an instant twice.
    """
    _require_aware("end", end)
    instant = next_due(start, at, days, zone)
    while instant <= end:
        yield instant
        instant = next_due(instant, at, days, zone)


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """The first instant of local ``day``: local midnight, or the end of a gap that swallows it."""
    return local_instant(day, time(0, 0), zone)


def pause_end_for_duration(now: datetime, delta: timedelta) -> datetime:
    """When a pause of ``delta`` started at ``now`` ends: elapsed time, not wall-clock time.

    The addition happens in UTC on purpose: adding to an aware datetime in a ZoneInfo zone is
    wall-clock arithmetic, which would make "12h" across a DST change last 11 or 13 hours.
    """
    _require_aware("now", now)
    if delta <= timedelta(0):
        raise ValueError("a pause lasts a positive amount of time")
    return now.astimezone(UTC) + delta


def pause_end_for_date(day: date, zone: tzinfo) -> datetime:
    """When a pause "until ``day``" ends: the start of that local day in the person's zone."""
    return start_of_day(day, zone)
