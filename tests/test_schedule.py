"""Reminder time arithmetic across every tzdata zone, daylight saving and the injected clock."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock, SystemClock
from bot.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    first_due_from,
    local_instant,
    next_due,
    occurrences,
    pause_end_for_date,
    pause_end_for_duration,
    start_of_day,
)

ZONE_NAMES = sorted(available_timezones())
YEARS_START = datetime(2024, 1, 1, tzinfo=UTC)
YEARS_END = datetime(2031, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall(instant: datetime, zone: tzinfo) -> datetime:
    """The naive wall-clock reading of ``instant`` in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def scheduled_day(instant: datetime, at: time, zone: tzinfo) -> date:
    """The local day a due instant was scheduled for.

    Usually the local date of the instant; but when ``at`` fell into a gap that ends after
    midnight (America/Nuuk: 23:30 -> 00:00), the instant reads as the next day, earlier than ``at``.
    """
    reading = wall(instant, zone)
    return reading.date() if reading.time() >= at else reading.date() - timedelta(days=1)


def next_selected(day: date, days: frozenset[int]) -> date:
    day += timedelta(days=1)
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day


def previous_selected(day: date, days: frozenset[int]) -> date:
    day -= timedelta(days=1)
    while day.weekday() not in days:
        day -= timedelta(days=1)
    return day


def assert_fires_correctly(instant: datetime, day: date, at: time, zone: tzinfo) -> None:
    """``instant`` is where ``at`` on ``day`` belongs: its first occurrence, or the gap's end."""
    intended = datetime.combine(day, at)
    reading = wall(instant, zone)
    if reading == intended:
        # fromutc marks the second reading of a folded wall time with fold=1.
        assert instant.astimezone(zone).fold == 0, "fired at the second occurrence of a fold"
    else:
        # `at` must have been skipped: just before `instant` the clock read earlier than it.
        assert reading > intended
        assert wall(instant - SECOND, zone) < intended, "fired later than the end of the gap"


def walk(start: datetime, end: datetime, at: time, days: frozenset[int], zone: tzinfo):
    """next_due fed back into itself from ``start`` until it passes ``end`` (inclusive of that).

    Bounded, so a next_due that stops advancing fails the test instead of hanging it.
    """
    instants = [next_due(start, at, days, zone)]
    while instants[-1] <= end:
        assert len(instants) <= (end - start).days + 9, "next_due stopped advancing"
        instants.append(next_due(instants[-1], at, days, zone))
    return instants


fixed_offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
zones = st.one_of(st.sampled_from(ZONE_NAMES).map(ZoneInfo), fixed_offsets)
clock_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
day_sets = st.frozensets(st.integers(0, 6), min_size=1)
instants_in_range = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(zone=zones, at=clock_times, days=day_sets, start=instants_in_range, probe=st.floats(0, 1))
def test_walking_next_due_fires_once_per_selected_local_day(
    zone: tzinfo, at: time, days: frozenset[int], start: datetime, probe: float
) -> None:
    end = start + timedelta(days=10)
    instants = walk(start, end, at, days, zone)
    scheduled = [scheduled_day(instant, at, zone) for instant in instants]

    assert instants[0] > start
    assert all(a < b for a, b in zip(instants, instants[1:], strict=False))
    for instant, day in zip(instants, scheduled, strict=True):
        assert day.weekday() in days
        assert_fires_correctly(instant, day, at, zone)
    # Exactly the selected local days, each once, none skipped.
    for day, following in zip(scheduled, scheduled[1:], strict=False):
        assert following == next_selected(day, days)
    assert local_instant(previous_selected(scheduled[0], days), at, zone) <= start

    # next_due from any instant agrees with the walk: it does not depend on being fed its own
    # previous answer.
    somewhere = start + (end - start) * probe
    assert next_due(somewhere, at, days, zone) == next(i for i in instants if i > somewhere)


@functools.cache
def transitions() -> list[tuple[str, datetime, timedelta, timedelta]]:
    """Every UTC-offset change in 2024-2030 for every zone: (name, instant, before, after).

    Found by sampling weekly and bisecting on whole seconds, which is independent of how
    bot.schedule finds gap ends (it bisects on wall readings).
    """
    found = []
    for name in ZONE_NAMES:
        zone = ZoneInfo(name)
        sample = YEARS_START
        offset = sample.astimezone(zone).utcoffset()
        while sample < YEARS_END:
            later = sample + timedelta(days=7)
            later_offset = later.astimezone(zone).utcoffset()
            if later_offset != offset:
                low, high = 0, int((later - sample).total_seconds())
                while high - low > 1:
                    middle = (low + high) // 2
                    if (sample + middle * SECOND).astimezone(zone).utcoffset() == offset:
                        low = middle
                    else:
                        high = middle
                assert offset is not None and later_offset is not None
                found.append((name, sample + high * SECOND, offset, later_offset))
            sample, offset = later, later_offset
    return found


def test_the_transition_table_covers_both_kinds_and_odd_offsets() -> None:
    table = transitions()
    zones_with_changes = {name for name, *_ in table}
    assert {"Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago"} <= (
        zones_with_changes
    )
    assert any(after > before for _, _, before, after in table)
    assert any(after < before for _, _, before, after in table)


@settings(max_examples=300, deadline=None)
@given(
    change=st.deferred(lambda: st.sampled_from(transitions())),
    position=st.floats(0, 1, exclude_max=True),
    extra_days=day_sets,
    lead=st.integers(1, 3 * 86400),
)
def test_times_in_gaps_and_folds_fire_once_where_they_belong(
    change: tuple[str, datetime, timedelta, timedelta],
    position: float,
    extra_days: frozenset[int],
    lead: int,
) -> None:
    name, transition, before, after = change
    zone = ZoneInfo(name)
    shift_minutes = abs(after - before) // timedelta(minutes=1)
    if after > before:  # gap: wall times [transition+before, transition+after) never happen
        intended = (transition + before).replace(tzinfo=None)
    else:  # fold: wall times [transition+after, transition+before) happen twice
        intended = (transition + after).replace(tzinfo=None)
    intended += timedelta(minutes=int(position * shift_minutes))
    day, at = intended.date(), intended.time()
    expected = transition if after > before else (intended - before).replace(tzinfo=UTC)
    days = extra_days | {day.weekday()}

    assert local_instant(day, at, zone) == expected
    instants = walk(expected - lead * SECOND, expected + timedelta(days=3), at, days, zone)
    assert expected in instants
    scheduled = [scheduled_day(instant, at, zone) for instant in instants]
    assert scheduled.count(day) == 1
    assert len(set(scheduled)) == len(scheduled)
    assert all(a < b for a, b in zip(instants, instants[1:], strict=False))


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc", "expected_local"),
    [
        # Spring forward 02:00 -> 03:00: 02:30 fires when the gap ends.
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0), time(3, 0)),
        # Fall back 03:00 -> 02:00: 02:30 fires at its first occurrence (still +02:00).
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
        # Lord Howe moves by 30 minutes: 02:00 -> 02:30 and back 02:00 -> 01:30.
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 30), time(2, 30)),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45), time(1, 45)),
        # +05:45 all year.
        ("Asia/Kathmandu", date(2026, 6, 1), time(9, 0), utc(2026, 6, 1, 3, 15), time(9, 0)),
        # +12:45 / +13:45, changing at 02:45 -> 03:45 and back 03:45 -> 02:45.
        ("Pacific/Chatham", date(2026, 6, 1), time(9, 0), utc(2026, 5, 31, 20, 15), time(9, 0)),
        ("Pacific/Chatham", date(2026, 9, 27), time(3, 0), utc(2026, 9, 26, 14, 0), time(3, 45)),
        ("Pacific/Chatham", date(2026, 4, 5), time(3, 0), utc(2026, 4, 4, 13, 15), time(3, 0)),
        # Midnight gaps: the day starts at 01:00.
        ("America/Santiago", date(2024, 9, 8), time(0, 0), utc(2024, 9, 8, 4, 0), time(1, 0)),
        ("America/Havana", date(2026, 3, 8), time(0, 30), utc(2026, 3, 8, 5, 0), time(1, 0)),
        # A gap that crosses midnight: Saturday 23:30 fires at Sunday 00:00.
        ("America/Nuuk", date(2026, 3, 28), time(23, 30), utc(2026, 3, 29, 1, 0), time(0, 0)),
        # A fold that crosses midnight: 24:00 -> 23:00, so 23:30 happens twice.
        ("Asia/Beirut", date(2026, 10, 24), time(23, 30), utc(2026, 10, 24, 20, 30), time(23, 30)),
    ],
)
def test_named_zones(zone: str, day: date, at: time, expected_utc: datetime, expected_local: time) -> None:
    instant = local_instant(day, at, ZoneInfo(zone))
    assert instant == expected_utc
    assert instant.tzinfo is UTC
    assert wall(instant, ZoneInfo(zone)).time() == expected_local


@pytest.mark.parametrize(
    ("zone", "at", "start", "expected"),
    [
        (
            "Europe/Berlin",
            time(2, 30),
            utc(2026, 3, 28),
            [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)],
        ),
        (
            "Europe/Berlin",
            time(2, 30),
            utc(2026, 10, 24),
            [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
        ),
        (
            "America/Santiago",
            time(0, 0),
            utc(2024, 9, 7),
            [utc(2024, 9, 7, 4, 0), utc(2024, 9, 8, 4, 0), utc(2024, 9, 9, 3, 0)],
        ),
        (
            "America/Nuuk",
            time(23, 30),
            utc(2026, 3, 28),
            [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)],
        ),
        (
            "Asia/Beirut",
            time(23, 30),
            utc(2026, 10, 23),
            [utc(2026, 10, 23, 20, 30), utc(2026, 10, 24, 20, 30), utc(2026, 10, 25, 21, 30)],
        ),
    ],
)
def test_daily_reminder_across_a_change_fires_once_a_day(
    zone: str, at: time, start: datetime, expected: list[datetime]
) -> None:
    assert list(occurrences(start, expected[-1], at, ALL_DAYS, ZoneInfo(zone))) == expected


def test_29_february_fires_like_any_other_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    daily = occurrences(utc(2028, 2, 26, 12), utc(2028, 3, 2, 12), time(9, 0), ALL_DAYS, berlin)
    assert [wall(i, berlin).date() for i in daily] == [
        date(2028, 2, 27),
        date(2028, 2, 28),
        date(2028, 2, 29),
        date(2028, 3, 1),
        date(2028, 3, 2),
    ]
    tuesdays = occurrences(utc(2028, 2, 1), utc(2028, 3, 1), time(9, 0), frozenset({1}), berlin)
    assert [wall(i, berlin).date().day for i in tuesdays] == [1, 8, 15, 22, 29]


def test_weekday_filters_use_local_days_ahead_of_utc() -> None:
    kiritimati = ZoneInfo("Pacific/Kiritimati")  # +14: local Monday 09:00 is Sunday in UTC
    instants = list(occurrences(utc(2026, 5, 30), utc(2026, 6, 6, 12), time(9, 0), WEEKDAYS, kiritimati))
    assert [wall(i, kiritimati).date() for i in instants] == [date(2026, 6, day) for day in range(1, 6)]
    assert instants[0] == utc(2026, 5, 31, 19, 0)
    assert instants[0].weekday() == 6


def test_weekday_filters_use_local_days_behind_utc() -> None:
    pago_pago = ZoneInfo("Pacific/Pago_Pago")  # -11: local Friday 20:00 is Saturday in UTC
    instants = list(occurrences(utc(2026, 6, 1, 12), utc(2026, 6, 9, 12), time(20, 0), WEEKDAYS, pago_pago))
    assert [wall(i, pago_pago).weekday() for i in instants] == [0, 1, 2, 3, 4, 0]
    assert utc(2026, 6, 6, 7, 0) in instants  # Friday 5 June, local
    assert utc(2026, 6, 7, 7, 0) not in instants  # Saturday, local


@pytest.mark.parametrize(
    ("offset", "at", "expected"),
    [
        (timedelta(hours=5, minutes=45), time(9, 0), utc(2026, 6, 1, 3, 15)),
        (-timedelta(hours=9, minutes=30), time(8, 0), utc(2026, 6, 1, 17, 30)),
        (timedelta(hours=14), time(9, 0), utc(2026, 5, 31, 19, 0)),
        (timedelta(0), time(0, 0), utc(2026, 6, 1, 0, 0)),
    ],
)
def test_fixed_offsets(offset: timedelta, at: time, expected: datetime) -> None:
    zone = timezone(offset)
    assert local_instant(date(2026, 6, 1), at, zone) == expected
    assert next_due(expected - SECOND, at, ALL_DAYS, zone) == expected
    assert next_due(expected, at, ALL_DAYS, zone) == expected + timedelta(days=1)


def test_next_due_is_strictly_after() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    due = utc(2026, 6, 1, 7, 0)  # 09:00 CEST
    assert next_due(due - timedelta(microseconds=1), time(9, 0), ALL_DAYS, berlin) == due
    assert next_due(due, time(9, 0), ALL_DAYS, berlin) == due + timedelta(days=1)
    # `after` in another zone is the same instant.
    assert next_due(due.astimezone(berlin), time(9, 0), ALL_DAYS, berlin) == due + timedelta(1)


@pytest.mark.parametrize(
    ("after", "at", "days"),
    [
        (utc(2026, 1, 1), time(9, 0), frozenset()),
        (utc(2026, 1, 1), time(9, 0), frozenset({7})),
        (utc(2026, 1, 1), time(9, 0), frozenset({-1, 2})),
        (datetime(2026, 1, 1), time(9, 0), ALL_DAYS),
        (utc(2026, 1, 1), time(9, 0, tzinfo=UTC), ALL_DAYS),
    ],
)
def test_next_due_refuses_what_cannot_be_scheduled(after: datetime, at: time, days: frozenset[int]) -> None:
    with pytest.raises(ValueError):
        next_due(after, at, days, ZoneInfo("Europe/Berlin"))


def test_occurrences_windows_chain_without_repeats() -> None:
    zone = ZoneInfo("Europe/Berlin")
    start, middle, end = utc(2026, 10, 20), utc(2026, 10, 25, 0, 30), utc(2026, 10, 30)
    whole = list(occurrences(start, end, time(2, 30), ALL_DAYS, zone))
    halves = list(occurrences(start, middle, time(2, 30), ALL_DAYS, zone)) + list(
        occurrences(middle, end, time(2, 30), ALL_DAYS, zone)
    )
    assert halves == whole
    assert middle in whole and len(whole) == 10
    assert list(occurrences(end, start, time(2, 30), ALL_DAYS, zone)) == []


def test_a_timed_pause_counts_elapsed_time_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)  # the day before spring forward
    end = pause_end_for_duration(now, timedelta(days=1))
    assert end == utc(2026, 3, 29, 11, 0)
    assert end.tzinfo is UTC
    assert wall(end, berlin) == datetime(2026, 3, 29, 13, 0)  # 24 hours, not the same wall time


@pytest.mark.parametrize(
    ("now", "delta"),
    [
        (utc(2026, 1, 1), timedelta(0)),
        (utc(2026, 1, 1), timedelta(hours=-1)),
        (datetime(2026, 1, 1), timedelta(days=1)),
    ],
)
def test_a_timed_pause_refuses_nonsense(now: datetime, delta: timedelta) -> None:
    with pytest.raises(ValueError):
        pause_end_for_duration(now, delta)


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("Europe/Berlin", date(2026, 12, 24), utc(2026, 12, 23, 23, 0)),
        ("Asia/Kathmandu", date(2026, 12, 24), utc(2026, 12, 23, 18, 15)),
        ("America/Santiago", date(2024, 9, 8), utc(2024, 9, 8, 4, 0)),  # midnight is skipped
        ("America/Havana", date(2026, 3, 8), utc(2026, 3, 8, 5, 0)),
        ("America/Nuuk", date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),  # midnight is the gap's end
    ],
)
def test_a_pause_until_a_date_ends_when_that_local_day_starts(
    zone: str, day: date, expected: datetime
) -> None:
    assert pause_end_for_date(day, ZoneInfo(zone)) == expected
    assert start_of_day(day, ZoneInfo(zone)) == expected
    assert wall(expected, ZoneInfo(zone)).date() == day
    assert wall(expected - SECOND, ZoneInfo(zone)).date() < day


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("Europe/Berlin", date(2026, 11, 26), time(0, 0)),
        ("America/Santiago", date(2027, 9, 5), time(0, 0)),  # midnight is skipped: 01:00 local
        ("America/Santiago", date(2027, 9, 5), time(0, 30)),  # in the same gap
        ("America/Havana", date(2026, 3, 8), time(0, 0)),
        ("America/Nuuk", date(2026, 3, 29), time(0, 0)),
    ],
)
def test_a_reminder_due_when_a_pause_ends_is_the_first_after_it(zone: str, day: date, at: time) -> None:
    tz = ZoneInfo(zone)
    end = pause_end_for_date(day, tz)
    assert local_instant(day, at, tz) == end  # the reminder is due at the very instant
    assert first_due_from(end, at, ALL_DAYS, tz) == end
    assert first_due_from(end - SECOND, at, ALL_DAYS, tz) == end
    # The series then goes on strictly after it, once a day.
    following = next_due(end, at, ALL_DAYS, tz)
    assert wall(following, tz).date() == day + timedelta(days=1)
    assert first_due_from(end + timedelta(microseconds=1), at, ALL_DAYS, tz) == following


@given(
    zone=st.sampled_from(["Europe/Berlin", "America/Santiago", "America/Havana", "Asia/Kathmandu"]),
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    shift=st.sampled_from([timedelta(0), -SECOND, timedelta(microseconds=1), timedelta(hours=7)]),
)
@settings(max_examples=300, deadline=None)
def test_first_due_from_includes_its_start(zone: str, day: date, at: time, shift: timedelta) -> None:
    tz = ZoneInfo(zone)
    due = local_instant(day, at, tz)
    start = due + shift
    first = first_due_from(start, at, ALL_DAYS, tz)
    if shift == timedelta(0):
        assert first == due  # a start that is itself a firing instant is the first
    else:
        assert first == next_due(start, at, ALL_DAYS, tz)
    assert first >= start


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert clock.now() == utc(2026, 6, 1, 7, 0)
    assert clock.now().tzinfo is UTC
    assert clock.now() == clock.now()
    assert clock.advance(hours=1, minutes=30) == utc(2026, 6, 1, 8, 30)
    assert clock.advance(timedelta(days=1)) == utc(2026, 6, 2, 8, 30)
    assert clock.now() == utc(2026, 6, 2, 8, 30)
    clock.set(utc(2030, 1, 1))
    assert clock.now() == utc(2030, 1, 1)
    clock.set(utc(2025, 1, 1))  # set() may go back on purpose
    assert clock.now() == utc(2025, 1, 1)


def test_fake_clock_refuses_naive_instants_and_going_backwards() -> None:
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 6, 1))
    clock = FakeClock(utc(2026, 6, 1))
    with pytest.raises(ValueError):
        clock.set(datetime(2026, 6, 2))
    with pytest.raises(ValueError):
        clock.advance(hours=-1)
    assert clock.now() == utc(2026, 6, 1)


def test_system_clock_tells_aware_utc_time() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)
