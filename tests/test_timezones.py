"""Understanding answers to "what's your time zone?"."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.parsing import MAX_CHOICES, ZoneGuess, parse_zone_answer
from bot.timezones import (
    _ALIASES,
    _COMMON_ZONES,
    ZoneInfoView,
    _offerable,
    describe_zone,
    zone_from_name,
)

WINTER = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
SUMMER = datetime(2025, 7, 15, 12, 0, tzinfo=UTC)

ACCEPTED = [
    # IANA names, any case, spaces for underscores
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    ("  Europe/Berlin  ", "Europe/Berlin"),
    ("america/new york", "America/New_York"),
    ("America / New_York", "America/New_York"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("Europe/Amsterdam", "Europe/Amsterdam"),  # a tzdata link, but a real place people pick
    # legacy names land on today's name
    ("US/Eastern", "America/New_York"),
    ("Europe/Kiev", "Europe/Kyiv"),
    ("Asia/Calcutta", "Asia/Kolkata"),
    ("Japan", "Asia/Tokyo"),
    ("GB", "Europe/London"),
    # cities that are the last part of an IANA name
    ("Berlin", "Europe/Berlin"),
    ("berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("new york", "America/New_York"),
    ("NEW YORK!", "America/New_York"),
    ("ho chi minh", "Asia/Ho_Chi_Minh"),
    ("São Paulo", "America/Sao_Paulo"),
    ("sao paulo", "America/Sao_Paulo"),
    ("Sao-Paulo", "America/Sao_Paulo"),
    ("zürich", "Europe/Zurich"),
    ("Los Angeles", "America/Los_Angeles"),
    ("Sydney", "Australia/Sydney"),
    ("Melbourne", "Australia/Melbourne"),
    ("Toronto", "America/Toronto"),
    ("Vancouver", "America/Vancouver"),
    ("Kathmandu", "Asia/Kathmandu"),
    ("St. John's", "America/St_Johns"),
    ("Mexico City", "America/Mexico_City"),
    ("Calcutta", "Asia/Kolkata"),
    # curated cities
    ("San Francisco", "America/Los_Angeles"),
    ("Seattle", "America/Los_Angeles"),
    ("Boston", "America/New_York"),
    ("Washington", "America/New_York"),
    ("Washington D.C.", "America/New_York"),
    ("Munich", "Europe/Berlin"),
    ("München", "Europe/Berlin"),
    ("Hamburg", "Europe/Berlin"),
    ("Frankfurt", "Europe/Berlin"),
    ("Cologne", "Europe/Berlin"),
    ("Köln", "Europe/Berlin"),
    ("Milan", "Europe/Rome"),
    ("Barcelona", "Europe/Madrid"),
    ("Manchester", "Europe/London"),
    ("Edinburgh", "Europe/London"),
    ("St Petersburg", "Europe/Moscow"),
    ("Saint Petersburg", "Europe/Moscow"),
    ("Kiev", "Europe/Kyiv"),
    ("Kyiv", "Europe/Kyiv"),
    ("Mumbai", "Asia/Kolkata"),
    ("Delhi", "Asia/Kolkata"),
    ("Bangalore", "Asia/Kolkata"),
    ("Beijing", "Asia/Shanghai"),
    ("Shenzhen", "Asia/Shanghai"),
    ("Osaka", "Asia/Tokyo"),
    ("Montreal", "America/Toronto"),
    ("Tel Aviv", "Asia/Jerusalem"),
    ("Rio", "America/Sao_Paulo"),
    ("Ciudad de México", "America/Mexico_City"),
    ("ciudad de mexico", "America/Mexico_City"),
    # countries on one zone
    ("Germany", "Europe/Berlin"),
    ("France", "Europe/Paris"),
    ("Spain", "Europe/Madrid"),
    ("Italy", "Europe/Rome"),
    ("UK", "Europe/London"),
    ("England", "Europe/London"),
    ("Ireland", "Europe/Dublin"),
    ("Netherlands", "Europe/Amsterdam"),
    ("Poland", "Europe/Warsaw"),
    ("Ukraine", "Europe/Kyiv"),
    ("Israel", "Asia/Jerusalem"),
    ("India", "Asia/Kolkata"),
    ("Japan", "Asia/Tokyo"),
    ("Nepal", "Asia/Kathmandu"),
    ("Argentina", "America/Argentina/Buenos_Aires"),
    ("Peru", "America/Lima"),  # from tzdata's own country list
    ("Czech Republic", "Europe/Prague"),
    ("Antigua & Barbuda", "America/Antigua"),
]

OFFSETS = [
    ("UTC", "UTC"),
    ("utc", "UTC"),
    ("GMT", "UTC"),
    ("Z", "UTC"),
    ("Zulu", "UTC"),
    ("UTC+0", "UTC"),
    ("UTC+2", "UTC+02:00"),
    ("UTC +2", "UTC+02:00"),
    ("utc + 2", "UTC+02:00"),
    ("UTC\u22122", "UTC-02:00"),  # a typographic minus
    ("GMT-5", "UTC-05:00"),
    ("utc+5:45", "UTC+05:45"),
    ("UTC+05:30", "UTC+05:30"),
    ("+03:00", "UTC+03:00"),
    ("+3", "UTC+03:00"),
    ("-0330", "UTC-03:30"),
    ("UTC-12", "UTC-12:00"),
    ("UTC+14:00", "UTC+14:00"),
    ("Etc/GMT+5", "UTC-05:00"),  # tzdata's POSIX-style sign, read the way tzdata means it
]

REFUSED = [
    ("", "zone_empty"),
    ("   ", "zone_empty"),
    ("\u200b", "zone_empty"),
    ("Mars/Olympus", "zone_unknown"),
    ("Atlantis", "zone_unknown"),
    ("Georgia", "zone_unknown"),  # the country or the US state?
    ("Brazil", "zone_unknown"),  # several zones: we ask for a city
    ("localtime", "zone_unknown"),
    ("Factory", "zone_unknown"),
    ("14:30 in Berlin", "zone_unknown"),
    ("x" * 101, "zone_unknown"),
    ("Ber\x00lin", "zone_unknown"),
    ("Europe/\nBerlin", "zone_unknown"),
    ("EST", "zone_abbreviation"),
    ("est", "zone_abbreviation"),
    ("CET", "zone_abbreviation"),
    ("IST", "zone_abbreviation"),
    ("PST", "zone_abbreviation"),
    ("BST", "zone_abbreviation"),
    ("EST5EDT", "zone_abbreviation"),
    ("Eastern Time", "zone_abbreviation"),
    ("Pacific Standard Time", "zone_abbreviation"),
    ("Central European Summer Time", "zone_abbreviation"),
    ("UTC+15", "offset_out_of_range"),
    ("UTC-13", "offset_out_of_range"),
    ("UTC+14:30", "offset_out_of_range"),
    ("UTC+5:20", "offset_out_of_range"),
    ("GMT+5:75", "offset_out_of_range"),
    ("25:00", "time_invalid"),
    ("it's 25:00", "time_invalid"),
    ("14:75", "time_invalid"),
    ("13:00 pm", "time_invalid"),
    ("0:30 am", "time_invalid"),
]


@pytest.mark.parametrize(("text", "zone"), ACCEPTED)
def test_names_cities_and_countries(text: str, zone: str) -> None:
    assert parse_zone_answer(text, now=WINTER) == ZoneGuess(zone)


@pytest.mark.parametrize(("text", "zone"), OFFSETS)
def test_offsets_are_fixed(text: str, zone: str) -> None:
    assert parse_zone_answer(text, now=WINTER) == ZoneGuess(zone, fixed_offset=True)


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_refusals(text: str, code: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_zone_answer(text, now=WINTER)
    assert caught.value.code == code
    echoed = caught.value.params["text"]
    assert len(echoed) <= 60
    assert all(ch >= " " for ch in echoed)


def test_refusal_echo_is_shortened_and_clean() -> None:
    with pytest.raises(BadInput) as caught:
        parse_zone_answer("Ber\x00lin\x07" + "x" * 120, now=WINTER)
    assert caught.value.params["text"].startswith("Berlinxxx")
    assert len(caught.value.params["text"]) == 60
    with pytest.raises(BadInput) as caught:
        parse_zone_answer("Mars/Olympus", now=WINTER)
    assert caught.value.params == {"text": "Mars/Olympus"}


WINTER_PLUS_ONE = ("Europe/Berlin", "Europe/Paris", "Europe/Rome", "Europe/Madrid", "Africa/Lagos")


@pytest.mark.parametrize(
    "text",
    [
        "13:00",
        "it's 13:00",
        "it’s 13:00",
        "its 1:00pm",
        "it's 1:00 pm",
        "1.00 pm",
        "1 pm",
        "1pm",
        "1:00 p.m.",
        "13h00",
        "now it is 13:00",
        "it is now 13:00 here",
        "12:53",  # a clock 7 minutes slow
        "13:07",  # or 7 minutes fast
    ],
)
def test_local_time_offers_the_zones_showing_it(text: str) -> None:
    guess = parse_zone_answer(text, now=WINTER)
    assert guess.zone is None
    assert not guess.fixed_offset
    assert guess.choices[:5] == WINTER_PLUS_ONE
    assert len(guess.choices) == MAX_CHOICES


def test_local_time_follows_daylight_saving() -> None:
    assert parse_zone_answer("14:00", now=SUMMER).choices[0] == "Europe/Berlin"
    summer_plus_one = parse_zone_answer("13:00", now=SUMMER).choices
    assert summer_plus_one[:3] == ("Europe/London", "Europe/Dublin", "Europe/Lisbon")
    assert "Africa/Lagos" in summer_plus_one


@pytest.mark.parametrize(
    "name",
    [
        "Europe/Berlin",
        "Europe/London",
        "America/New_York",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Asia/Kolkata",
        "Asia/Tokyo",
        "Australia/Sydney",
        "Pacific/Auckland",
    ],
)
@pytest.mark.parametrize("now", [WINTER, SUMMER], ids=["january", "july"])
def test_the_likeliest_zone_comes_first(name: str, now: datetime) -> None:
    shown = now.astimezone(zoneinfo.ZoneInfo(name))
    assert parse_zone_answer(f"{shown:%H:%M}", now=now).choices[0] == name


def test_kathmandu_from_its_local_time() -> None:
    now = datetime(2025, 1, 15, 3, 30, 59, tzinfo=UTC)
    choices = parse_zone_answer("it's 09:15", now=now).choices
    # The exact clock first; India (15 minutes behind) may follow, as a clock may be off a little.
    assert choices[0] == "Asia/Kathmandu" and "Asia/Kolkata" in choices


def test_local_time_on_the_next_day() -> None:
    now = datetime(2025, 1, 14, 23, 30, tzinfo=UTC)
    assert parse_zone_answer("08:30", now=now).choices[0] == "Asia/Tokyo"


def test_local_time_on_the_previous_day() -> None:
    now = datetime(2025, 1, 15, 1, 0, tzinfo=UTC)
    assert parse_zone_answer("8pm", now=now).choices[0] == "America/New_York"


def test_a_clock_time_can_mean_two_offsets_a_day_apart() -> None:
    # 16:00 when it is 02:00 UTC: Honolulu (yesterday, -10) or Kiritimati (tomorrow, +14).
    hawaii = parse_zone_answer("16:00", now=datetime(2025, 1, 15, 2, 0, tzinfo=UTC))
    assert hawaii.choices[0] == "Pacific/Honolulu"
    assert "Pacific/Kiritimati" in hawaii.choices
    # 13:00 when it is midnight UTC in January: New Zealand summer (+13) first, Samoa (-11) kept.
    auckland = parse_zone_answer("13:00", now=datetime(2025, 1, 15, 0, 0, tzinfo=UTC))
    assert auckland.choices[0] == "Pacific/Auckland"
    assert "Pacific/Pago_Pago" in auckland.choices


def test_a_clock_time_no_zone_shows_offers_the_nearest_real_zones() -> None:
    # 00:10 at 23:55 UTC: no zone is UTC+00:15. Never set an offset no zone uses; offer the
    # zones within 15 minutes (London's clock shows 23:55) instead.
    now = datetime(2025, 1, 14, 23, 55, tzinfo=UTC)
    guess = parse_zone_answer("00:10", now=now)
    assert guess.zone is None and "Europe/London" in guess.choices


def test_a_clock_time_far_from_every_zone_asks_for_a_city() -> None:
    # 14:51 when no zone's clock is within 15 minutes of it: a kind line, nothing set.
    now = datetime(2025, 1, 14, 11, 21, tzinfo=UTC)
    # Zones sit at UTC-11:00 and UTC-10:00 with nothing between: 00:51 here is UTC-10:30.
    gaps = [minutes for minutes in range(0, 24 * 60, 5) if not _offered_within(now, minutes, 15)]
    assert gaps
    typed = f"{gaps[0] // 60:02d}:{gaps[0] % 60:02d}"
    with pytest.raises(BadInput) as caught:
        parse_zone_answer(typed, now=now)
    assert caught.value.code == "time_no_zone"


def _offered_within(now: datetime, local: int, tolerance: int) -> bool:
    from bot.timezones import zones_by_offset

    diff = (local - (now.hour * 60 + now.minute)) % (24 * 60)
    return any(min(abs(o - diff), abs(o - (diff - 24 * 60))) <= tolerance for o in zones_by_offset(now))


def test_local_time_needs_an_aware_now() -> None:
    with pytest.raises(ValueError):
        parse_zone_answer("13:00", now=datetime(2025, 1, 15, 12, 0))


def test_zone_from_name() -> None:
    assert zone_from_name("Europe/Berlin") == zoneinfo.ZoneInfo("Europe/Berlin")
    assert zone_from_name("UTC") == UTC
    assert zone_from_name("UTC+05:45") == timezone(timedelta(hours=5, minutes=45))
    assert zone_from_name("UTC-03:00") == timezone(timedelta(hours=-3))
    assert zone_from_name("UTC+14:00").utcoffset(None) == timedelta(hours=14)


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus", "utc+05:45", "UTC+5:45", "UTC+00:00", "UTC+15:00", "UTC+05:20", "", "berlin"],
)
def test_zone_from_name_refuses(name: str) -> None:
    with pytest.raises(BadInput) as caught:
        zone_from_name(name)
    assert caught.value.code == "zone_unknown"


@pytest.mark.parametrize("text", [text for text, _ in ACCEPTED + OFFSETS])
def test_every_stored_name_loads(text: str) -> None:
    zone = parse_zone_answer(text, now=WINTER).zone
    assert zone is not None
    zone_from_name(zone)


def test_curated_zones_are_real_offerable_zones() -> None:
    offerable = set(_offerable())
    assert set(_COMMON_ZONES) <= offerable
    assert set(_ALIASES.values()) <= offerable
    assert len(set(_COMMON_ZONES)) == len(_COMMON_ZONES)


def test_describe_zone() -> None:
    assert describe_zone("Europe/Berlin", WINTER) == ZoneInfoView(
        "Europe/Berlin", "Berlin", "UTC+01:00", "13:00"
    )
    assert describe_zone("America/Argentina/Buenos_Aires", SUMMER) == ZoneInfoView(
        "America/Argentina/Buenos_Aires", "Buenos Aires", "UTC-03:00", "09:00"
    )
    assert describe_zone("UTC-03:30", WINTER) == ZoneInfoView("UTC-03:30", "UTC-03:30", "UTC-03:30", "08:30")
    assert describe_zone("UTC", WINTER) == ZoneInfoView("UTC", "UTC", "UTC+00:00", "12:00")
    with pytest.raises(BadInput):
        describe_zone("Mars/Olympus", WINTER)


ALL_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})
OFFERABLE = frozenset(_offerable())
AREAS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/")
AREAS += ("Europe/", "Indian/", "Pacific/")
# The first zone of each group a person is most likely to be in: always the first button.
LEADERS = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "Asia/Kathmandu")


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(ALL_ZONES),
    now=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
)
def test_local_time_of_any_zone_is_understood(name: str, now: datetime) -> None:
    zone = zoneinfo.ZoneInfo(name)
    shown = now.astimezone(zone)
    guess = parse_zone_answer(f"it's {shown:%H:%M}", now=now)
    if guess.choices:
        assert guess.zone is None and not guess.fixed_offset
        assert len(guess.choices) <= MAX_CHOICES
        for choice in guess.choices:
            assert choice in OFFERABLE and choice.startswith(AREAS)
            # Every choice is a real zone whose clock is at most 15 minutes off what was typed.
            # (A clock time says nothing of the date: offsets a day apart show the same clock.)
            there = now.astimezone(zoneinfo.ZoneInfo(choice)).utcoffset()
            apart = (there - shown.utcoffset()).total_seconds() % 86400
            assert min(apart, 86400 - apart) <= 15 * 60
        # The zones whose clock shows exactly that time come first.
        first = now.astimezone(zoneinfo.ZoneInfo(guess.choices[0])).utcoffset()
        if name in OFFERABLE:
            assert (first - shown.utcoffset()).total_seconds() % 86400 == 0
        if name in LEADERS:
            assert name in guess.choices
    else:
        assert guess.fixed_offset and guess.zone is not None
        assert f"{now.astimezone(zone_from_name(guess.zone)):%H:%M}" == f"{shown:%H:%M}"
        assert name not in OFFERABLE


@settings(max_examples=60, deadline=None)
@given(
    hours=st.integers(-12, 14),
    quarter=st.sampled_from([0, 15, 30, 45]),
    style=st.sampled_from(["UTC{s}{h}:{m:02d}", "GMT {s}{h:02d}{m:02d}", "{s}{h:02d}:{m:02d}"]),
)
def test_any_valid_offset_round_trips(hours: int, quarter: int, style: str) -> None:
    minutes = hours * 60 + (quarter if hours >= 0 else -quarter)
    if not -12 * 60 <= minutes <= 14 * 60:
        return
    sign = "-" if minutes < 0 else "+"
    text = style.format(s=sign, h=abs(minutes) // 60, m=abs(minutes) % 60)
    guess = parse_zone_answer(text, now=WINTER)
    assert guess.fixed_offset and guess.zone is not None
    assert zone_from_name(guess.zone).utcoffset(None) == timedelta(minutes=minutes)
