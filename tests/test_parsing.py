"""What people type after commands: what is accepted, and exactly how the rest is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.parsing import (
    BAD_INPUT_CODES,
    MAX_REMINDERS,
    PauseSpec,
    RecapWindow,
    parse_clock_time,
    parse_date,
    parse_days,
    parse_duration,
    parse_pause_args,
    parse_recap_window,
    parse_remind_args,
    parse_session_args,
    parse_zone_answer,
)
from bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS
from bot.services.mood import parse_mood

TODAY = date(2026, 11, 20)  # a Friday
LONG = "9" * 201
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def refusal(call: Callable[[], Any]) -> tuple[str, dict[str, Any]]:
    """The code and params of the BadInput ``call`` raises; checks them against the catalogue."""
    with pytest.raises(BadInput) as caught:
        call()
    code, params = caught.value.code, caught.value.params
    assert code in BAD_INPUT_CODES
    assert set(params) == set(BAD_INPUT_CODES[code])
    return code, params


# --- parse_clock_time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("9:00", time(9, 0)),
        ("9.30", time(9, 30)),
        ("19:30", time(19, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7pm", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7PM", time(19, 0)),
        ("7:30pm", time(19, 30)),
        ("7.30 p.m.", time(19, 30)),
        ("7 P.M", time(19, 0)),
        ("7p", time(19, 0)),
        ("9am", time(9, 0)),
        ("11:59 pm", time(23, 59)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        ("12 noon", time(12, 0)),
        ("19h", time(19, 0)),
        ("19h30", time(19, 30)),
        ("0930", time(9, 30)),
        ("21", time(21, 0)),  # only evening has a 21
        ("13", time(13, 0)),
        ("  20:30  ", time(20, 30)),
        ("０９：００", time(9, 0)),  # full-width digits and colon
    ],
)
def test_clock_times_accepted(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("25:99", "time_invalid"),
        ("24:00", "time_invalid"),
        ("23:60", "time_invalid"),
        ("13pm", "time_invalid"),
        ("0am", "time_invalid"),
        ("19:00pm", "time_invalid"),
        ("9:00:00", "time_invalid"),
        ("9:5", "time_invalid"),
        ("2400", "time_invalid"),
        ("99", "time_invalid"),
        ("", "time_invalid"),
        ("   ", "time_invalid"),
        ("garbage", "time_invalid"),
        ("pm", "time_invalid"),
        ("9", "time_ambiguous"),
        ("12", "time_ambiguous"),
        ("930", "time_ambiguous"),
        (LONG, "input_too_long"),
    ],
)
def test_clock_times_refused(text: str, code: str) -> None:
    got, params = refusal(lambda: parse_clock_time(text))
    assert got == code
    if "text" in params:
        assert params["text"] == text.strip()


@settings(max_examples=300, deadline=None)
@given(
    minute_of_day=st.integers(0, 1439),
    style=st.sampled_from(["HH:MM", "H:MM", "HH.MM", "h:mm am", "h:mmam", "h:mm a.m.", "H:MMpm"]),
    upper=st.booleans(),
    padding=st.sampled_from(["", " ", "  \t"]),
)
def test_clock_time_round_trip(minute_of_day: int, style: str, upper: bool, padding: str) -> None:
    hour, minute = divmod(minute_of_day, 60)
    twelve = hour % 12 or 12
    half = "am" if hour < 12 else "pm"
    text = {
        "HH:MM": f"{hour:02d}:{minute:02d}",
        "H:MM": f"{hour}:{minute:02d}",
        "HH.MM": f"{hour:02d}.{minute:02d}",
        "h:mm am": f"{twelve}:{minute:02d} {half}",
        "h:mmam": f"{twelve}:{minute:02d}{half}",
        "h:mm a.m.": f"{twelve}:{minute:02d} {half[0]}.m.",
        "H:MMpm": f"{twelve:02d}:{minute:02d}{half}",
    }[style]
    text = padding + (text.upper() if upper else text) + padding
    assert parse_clock_time(text) == time(hour, minute)


def test_every_minute_of_the_day_parses_in_both_notations() -> None:
    for minute_of_day in range(1440):
        hour, minute = divmod(minute_of_day, 60)
        half = "am" if hour < 12 else "pm"
        assert parse_clock_time(f"{hour:02d}:{minute:02d}") == time(hour, minute)
        assert parse_clock_time(f"{hour % 12 or 12}:{minute:02d} {half}") == time(hour, minute)


# --- parse_days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", WEEKDAYS),
        ("Mon - Fri", WEEKDAYS),
        ("mon to fri", WEEKDAYS),
        ("mon–fri", WEEKDAYS),  # en dash
        ("weekdays", WEEKDAYS),
        ("every weekday", WEEKDAYS),
        ("work days", WEEKDAYS),
        ("weekends", WEEKENDS),
        ("weekend", WEEKENDS),
        ("daily", ALL_DAYS),
        ("every day", ALL_DAYS),
        ("everyday", ALL_DAYS),
        ("EVERY DAY", ALL_DAYS),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("mon, wed, fri", frozenset({0, 2, 4})),
        ("mon wed fri", frozenset({0, 2, 4})),
        ("mon and wed", frozenset({0, 2})),
        ("tue", frozenset({1})),
        ("tues", frozenset({1})),
        ("thurs", frozenset({3})),
        ("tu th", frozenset({1, 3})),
        ("monday", frozenset({0})),
        ("mondays", frozenset({0})),
        ("on sundays", frozenset({6})),
        ("weds", frozenset({2})),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("sat-sun", WEEKENDS),
        ("sun-sat", ALL_DAYS),
        ("mon-mon", frozenset({0})),
        ("weekends, wed", frozenset({2, 5, 6})),
        ("mon-wed, fri", frozenset({0, 1, 2, 4})),
    ],
)
def test_days_accepted(text: str, expected: frozenset[int]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "m", "t", "s", "x", "mon-", "-fri", "mon-tue-wed", "every", "and", "funday", "weekdays-sun",
     "mon,banana", "1-5"],
)  # fmt: skip
def test_days_refused(text: str) -> None:
    assert refusal(lambda: parse_days(text)) == ("days_invalid", {"text": text})


def test_days_refuse_long_input_first() -> None:
    assert refusal(lambda: parse_days("mon " * 60)) == ("input_too_long", {"limit": 200})


@settings(max_examples=200, deadline=None)
@given(
    days=st.frozensets(st.integers(0, 6), min_size=1),
    length=st.sampled_from([2, 3, None]),
    separator=st.sampled_from([",", ", ", " ", " and ", "/"]),
)
def test_days_round_trip(days: frozenset[int], length: int | None, separator: str) -> None:
    text = separator.join(DAY_NAMES[day][:length] for day in sorted(days))
    assert parse_days(text) == days


# --- parse_remind_args -------------------------------------------------------------------------


def every(*times: time, days: frozenset[int] = ALL_DAYS) -> list[tuple[time, frozenset[int]]]:
    return [(at, days) for at in times]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["09:00", "20:30"], every(time(9), time(20, 30))),
        (["20:30", "09:00"], every(time(9), time(20, 30))),
        (["19:00", "mon-fri"], every(time(19), days=WEEKDAYS)),
        (["09:00", "20:30", "mon-fri"], every(time(9), time(20, 30), days=WEEKDAYS)),
        (["weekends", "10:00"], every(time(10), days=WEEKENDS)),
        (["7", "pm"], every(time(19))),
        (["7:30", "p.m."], every(time(19, 30))),
        (["7pm"], every(time(19))),
        (["9:00", "9:00", "09:00"], every(time(9))),
        (["9am", "9:00"], every(time(9))),
        (["09:00,20:30"], every(time(9), time(20, 30))),
        (["at", "7pm", "and", "9pm", "every", "day"], every(time(19), time(21))),
        (["9:00", "on", "mon", "wed", "fri"], every(time(9), days=frozenset({0, 2, 4}))),
        (["9:00", "mon,", "wed"], every(time(9), days=frozenset({0, 2}))),
        (["9:00", "mon", "to", "thu"], every(time(9), days=frozenset({0, 1, 2, 3}))),
        (["mon-fri", "9:00", "weekdays"], every(time(9), days=WEEKDAYS)),  # the same days twice
        (["12", "noon"], every(time(12))),
        (["noon", "midnight"], every(time(0), time(12))),
        ([f"{hour}:00" for hour in range(MAX_REMINDERS)], every(*(time(h) for h in range(10)))),
    ],
)
def test_remind_args_accepted(args: list[str], expected: list[tuple[time, frozenset[int]]]) -> None:
    assert parse_remind_args(args) == expected


@pytest.mark.parametrize(
    ("args", "code", "params"),
    [
        ([], "remind_no_time", {}),
        (["mon-fri"], "remind_no_time", {}),
        (["every", "day"], "remind_no_time", {}),
        (["at"], "remind_no_time", {}),
        (["25:99"], "time_invalid", {"text": "25:99"}),
        (["9"], "time_ambiguous", {"text": "9"}),
        (["9", "mon"], "time_ambiguous", {"text": "9"}),
        (["13", "pm"], "time_invalid", {"text": "13 pm"}),
        (["9:00", "banana"], "remind_word_unknown", {"word": "banana"}),
        (["off"], "remind_word_unknown", {"word": "off"}),
        (["9:00", "/"], "remind_word_unknown", {"word": "/"}),
        (["9:00", "mon-"], "days_invalid", {"text": "mon-"}),
        (["9:00", "mon", "20:00", "wed"], "days_twice", {}),
        (["weekends", "9:00", "weekdays"], "days_twice", {}),
        ([f"{hour}:00" for hour in range(MAX_REMINDERS + 1)], "too_many_times", {"limit": 10}),
        (["09:00"] * 40 + ["mon"] * 40, "input_too_long", {"limit": 200}),
    ],
)
def test_remind_args_refused(args: list[str], code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: parse_remind_args(args)) == (code, params)


# --- parse_duration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", timedelta(days=3)),
        ("3 d", timedelta(days=3)),
        ("3 days", timedelta(days=3)),
        ("1 day", timedelta(days=1)),
        ("2w", timedelta(weeks=2)),
        ("1 week", timedelta(weeks=1)),
        ("2 WEEKS", timedelta(weeks=2)),
        ("12h", timedelta(hours=12)),
        ("36 hours", timedelta(hours=36)),
        ("1 hr", timedelta(hours=1)),
        ("1w 2d", timedelta(days=9)),
        ("1w2d", timedelta(days=9)),
        ("1 week and 2 days", timedelta(days=9)),
        ("1.5 days", timedelta(hours=36)),
        ("a week", timedelta(weeks=1)),
        ("an hour", timedelta(hours=1)),
        ("two weeks", timedelta(weeks=2)),
        ("a fortnight", timedelta(weeks=2)),
        ("a month", timedelta(days=30)),
        ("+3d", timedelta(days=3)),
        ("365d", timedelta(days=365)),
        ("52 weeks", timedelta(weeks=52)),
    ],
)
def test_durations_accepted(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("-3d", "duration_negative", {"text": "-3d"}),
        ("−3d", "duration_negative", {"text": "−3d"}),  # U+2212 MINUS SIGN
        ("- 3 days", "duration_negative", {"text": "- 3 days"}),
        ("minus 3 days", "duration_negative", {"text": "minus 3 days"}),
        ("-3", "duration_negative", {"text": "-3"}),
        ("0d", "duration_zero", {"text": "0d"}),
        ("0 weeks", "duration_zero", {"text": "0 weeks"}),
        ("400d", "duration_too_long", {"max_days": 365}),
        ("366 days", "duration_too_long", {"max_days": 365}),
        ("99999999999999999999999d", "duration_too_long", {"max_days": 365}),
        ("3", "duration_no_unit", {"text": "3"}),
        ("garbage", "duration_invalid", {"text": "garbage"}),
        ("3 apples", "duration_invalid", {"text": "3 apples"}),
        ("3dd", "duration_invalid", {"text": "3dd"}),
        ("3m", "duration_invalid", {"text": "3m"}),  # minutes or months? neither is offered
        ("d", "duration_invalid", {"text": "d"}),
        ("", "duration_invalid", {"text": ""}),
        ("3d" * 101, "input_too_long", {"limit": 200}),
    ],
)
def test_durations_refused(text: str, code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: parse_duration(text)) == (code, params)


def test_duration_limit_is_a_parameter() -> None:
    assert parse_duration("3650d", max_days=3650) == timedelta(days=3650)
    assert refusal(lambda: parse_duration("8d", max_days=7)) == (
        "duration_too_long",
        {"max_days": 7},
    )


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(1, 52),
    unit=st.sampled_from([("h", 1), (" hours", 1), ("d", 24), (" days", 24), ("w", 168)]),
)
def test_duration_round_trip(amount: int, unit: tuple[str, int]) -> None:
    suffix, hours = unit
    assert parse_duration(f"{amount}{suffix}") == timedelta(hours=amount * hours)


# --- parse_date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-24", date(2026, 12, 24)),
        ("2026/12/24", date(2026, 12, 24)),
        ("24.12.2026", date(2026, 12, 24)),
        ("24/12/2026", date(2026, 12, 24)),
        ("24-12-2026", date(2026, 12, 24)),
        ("24.12.26", date(2026, 12, 24)),
        ("1/2/2027", date(2027, 2, 1)),  # day first
        ("12/24/2026", date(2026, 12, 24)),  # can only be month first
        ("24.12", date(2026, 12, 24)),
        ("24.12.", date(2026, 12, 24)),
        ("dec 24", date(2026, 12, 24)),
        ("Dec. 24", date(2026, 12, 24)),
        ("24 dec", date(2026, 12, 24)),
        ("december 24", date(2026, 12, 24)),
        ("24th of December", date(2026, 12, 24)),
        ("december 24th, 2027", date(2027, 12, 24)),
        ("sept 1", date(2027, 9, 1)),
        ("nov 20", date(2026, 11, 20)),  # today counts as on or after today
        ("nov 19", date(2027, 11, 19)),
        ("29.02", date(2028, 2, 29)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 11, 21)),
        ("yesterday", date(2026, 11, 19)),
        ("monday", date(2026, 11, 23)),
        ("fri", date(2026, 11, 27)),  # a weekday name never means today
        ("next sat", date(2026, 11, 21)),
    ],
)
def test_dates_accepted(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dec 24", date(2025, 12, 24)),
        ("nov 20", date(2026, 11, 20)),
        ("24.12", date(2025, 12, 24)),
        ("29.02", date(2024, 2, 29)),
        ("monday", date(2026, 11, 16)),
        ("last fri", date(2026, 11, 13)),
        ("2026-11-01", date(2026, 11, 1)),
    ],
)
def test_dates_in_the_past_direction(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY, past=True) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02", "31/02/2026", "2026-02-30", "2026-13-01", "13/13", "30 feb", "feb 30 2026",
     "0000-01-01", "tomorrow-ish", "yesterday-ish", "someday", "", "24", "dec", "24 dec 26",
     "last friday", "next", "2026-12-24T10:00"],
)  # fmt: skip
def test_dates_refused(text: str) -> None:
    assert refusal(lambda: parse_date(text, today=TODAY)) == ("date_invalid", {"text": text})


# --- parse_pause_args --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], None),
        (["3d"], PauseSpec(duration=timedelta(days=3))),
        (["2w"], PauseSpec(duration=timedelta(weeks=2))),
        (["for", "a", "week"], PauseSpec(duration=timedelta(weeks=1))),
        (["3", "days"], PauseSpec(duration=timedelta(days=3))),
        (["until", "2026-12-24"], PauseSpec(until=date(2026, 12, 24))),
        (["until", "dec", "24"], PauseSpec(until=date(2026, 12, 24))),
        (["till", "monday"], PauseSpec(until=date(2026, 11, 23))),
        (["until", "tomorrow"], PauseSpec(until=date(2026, 11, 21))),
        (["2026-12-24"], PauseSpec(until=date(2026, 12, 24))),
        (["24.12"], PauseSpec(until=date(2026, 12, 24))),
        (["until", "2027-11-20"], PauseSpec(until=date(2027, 11, 20))),  # a year is fine
        (["forever"], PauseSpec(indefinite=True)),
        (["until", "I", "resume"], PauseSpec(indefinite=True)),
    ],
)
def test_pause_args_accepted(args: list[str], expected: PauseSpec | None) -> None:
    assert parse_pause_args(args, today=TODAY) == expected


@pytest.mark.parametrize(
    ("args", "code", "params"),
    [
        (["-3d"], "duration_negative", {"text": "-3d"}),
        (["0d"], "duration_zero", {"text": "0d"}),
        (["400d"], "duration_too_long", {"max_days": 365}),
        (["3"], "duration_no_unit", {"text": "3"}),
        (["until", "2026-11-20"], "date_past", {"text": "until 2026-11-20", "date": TODAY}),
        (["until", "today"], "date_past", {"text": "until today", "date": TODAY}),
        (["2026-01-01"], "date_past", {"text": "2026-01-01", "date": date(2026, 1, 1)}),
        (["until", "2027-11-21"], "duration_too_long", {"max_days": 365}),
        (["until", "tomorrow-ish"], "date_invalid", {"text": "tomorrow-ish"}),
        (["until", "31/02"], "date_invalid", {"text": "31/02"}),
        (["until"], "pause_invalid", {"text": "until"}),
        (["blah"], "pause_invalid", {"text": "blah"}),
        (["x" * 201], "input_too_long", {"limit": 200}),
    ],
)
def test_pause_args_refused(args: list[str], code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: parse_pause_args(args, today=TODAY)) == (code, params)


def test_pause_spec_holds_exactly_one_choice() -> None:
    with pytest.raises(ValueError):
        PauseSpec()
    with pytest.raises(ValueError):
        PauseSpec(duration=timedelta(days=1), until=TODAY)
    with pytest.raises(ValueError):
        PauseSpec(until=TODAY, indefinite=True)


# --- parse_recap_window ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], None),
        (["14d"], RecapWindow(duration=timedelta(days=14))),
        (["2w"], RecapWindow(duration=timedelta(weeks=2))),
        (["last", "2", "weeks"], RecapWindow(duration=timedelta(weeks=2))),
        (["3650d"], RecapWindow(duration=timedelta(days=3650))),
        (["since", "2026-11-01"], RecapWindow(since=date(2026, 11, 1))),
        (["since", "today"], RecapWindow(since=TODAY)),
        (["since", "yesterday"], RecapWindow(since=date(2026, 11, 19))),
        (["since", "dec", "24"], RecapWindow(since=date(2025, 12, 24))),
        (["since", "monday"], RecapWindow(since=date(2026, 11, 16))),
        (["from", "1.11."], RecapWindow(since=date(2026, 11, 1))),
        (["2026-11-01"], RecapWindow(since=date(2026, 11, 1))),
        (["since", "2016-11-20"], RecapWindow(since=date(2016, 11, 20))),
    ],
)
def test_recap_window_accepted(args: list[str], expected: RecapWindow | None) -> None:
    assert parse_recap_window(args, today=TODAY) == expected


@pytest.mark.parametrize(
    ("args", "code", "params"),
    [
        (["0d"], "duration_zero", {"text": "0d"}),
        (["-5d"], "duration_negative", {"text": "-5d"}),
        (["5000d"], "duration_too_long", {"max_days": 3650}),
        (["since", "2016-11-19"], "duration_too_long", {"max_days": 3650}),
        (["since", "yesterday-ish"], "date_invalid", {"text": "yesterday-ish"}),
        (["since", "2026-11-21"], "date_future", {"text": "since 2026-11-21", "date": date(2026, 11, 21)}),
        (["since", "tomorrow"], "date_future", {"text": "since tomorrow", "date": date(2026, 11, 21)}),
        (["14"], "duration_no_unit", {"text": "14"}),
        (["everything"], "recap_invalid", {"text": "everything"}),
        (["since"], "recap_invalid", {"text": "since"}),
        (["since", "x" * 200], "input_too_long", {"limit": 200}),
    ],
)
def test_recap_window_refused(args: list[str], code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: parse_recap_window(args, today=TODAY)) == (code, params)


def test_recap_window_holds_exactly_one_choice() -> None:
    with pytest.raises(ValueError):
        RecapWindow()
    with pytest.raises(ValueError):
        RecapWindow(duration=timedelta(days=1), since=TODAY)


# --- all parsers -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60) | st.from_regex(r"[0-9apm:.\- ]{0,12}", fullmatch=True))
def test_parsers_answer_anything_with_a_value_or_a_catalogued_refusal(text: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: parse_clock_time(text),
        lambda: parse_days(text),
        lambda: parse_duration(text),
        lambda: parse_date(text, today=TODAY),
        lambda: parse_date(text, today=TODAY, past=True),
        lambda: parse_remind_args(text.split()),
        lambda: parse_pause_args(text.split(), today=TODAY),
        lambda: parse_recap_window(text.split(), today=TODAY),
    ]
    for call in calls:
        try:
            call()
        except BadInput as refused:
            assert refused.code in BAD_INPUT_CODES
            assert set(refused.params) == set(BAD_INPUT_CODES[refused.code])


def test_refusals_do_not_echo_input_in_their_repr() -> None:
    with pytest.raises(BadInput) as caught:
        parse_days("my secret")
    assert "secret" not in repr(caught.value)


# --- digits that are not plain ASCII -----------------------------------------------------------

# str.isdigit() says yes to all of these, int() to only some: superscripts and circled numbers
# (NFKC turns them into plain digits), full-width and other scripts' digits (int() reads them),
# and digits that neither NFKC nor int() knows (Ethiopic "፩", Kharosthi "𐩀").
ODD_DIGITS = ("²", "²⁰", "₄", "④", "⑴", "⒈", "፩", "፩፪", "𐩀", "४", "４", "𝟒", "٣", "Ⅳ", "½")
DIGIT_SHAPES = (
    "{d}", "{d}:00", "1{d}:30", "{d}pm", "{d}{d}{d}{d}", "tue {d}", "tue 17:00 {d}", "{d}d",
    "until {d}.12", "{d}.{d}", "{d} {d}", "{d}h", "{d}/{d}/20{d}{d}", "UTC+{d}", "{d}:30 pm",
)  # fmt: skip


_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
EVERY_READER: tuple[Callable[[str], object], ...] = (
    parse_clock_time,
    parse_duration,
    lambda text: parse_date(text, today=TODAY),
    lambda text: parse_remind_args(text.split()),
    lambda text: parse_pause_args(text.split(), today=TODAY),
    lambda text: parse_recap_window(text.split(), today=TODAY),
    lambda text: parse_session_args(text.split(), local_now=_NOW.replace(tzinfo=None)),
    lambda text: parse_zone_answer(text, now=_NOW),
    parse_mood,
)


@pytest.mark.parametrize("digit", ODD_DIGITS)
def test_odd_digits_get_a_value_or_a_refusal_never_a_crash(digit: str) -> None:
    for shape in DIGIT_SHAPES:
        for read in EVERY_READER:
            try:
                read(shape.format(d=digit))
            except BadInput:
                pass


def test_odd_digits_read_as_what_they_show_or_are_refused() -> None:
    # Full-width and other scripts' digits are digits; a superscript is not a mood.
    assert parse_mood("４") == 4
    assert parse_mood("٤") == 4
    for lookalike in ("²", "④", "፩", "½"):
        with pytest.raises(BadInput) as caught:
            parse_mood(lookalike)
        assert caught.value.code == "mood_invalid"
    # Times are read after NFKC, as everywhere: "²⁰:00" and "２０：００" are 20:00.
    assert parse_remind_args(["²⁰:00"]) == [(time(20, 0), ALL_DAYS)]
    assert parse_remind_args(["２０：００"]) == [(time(20, 0), ALL_DAYS)]
    # "፩" is a digit to str.isdigit() only: refused, where it used to reach int().
    for args in (["tue", "፩"], ["፩"], ["tue", "17:00", "፩"]):
        with pytest.raises(BadInput):
            parse_session_args(args, local_now=datetime(2026, 11, 20, 9, 0))
