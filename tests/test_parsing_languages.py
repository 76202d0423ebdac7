"""What people type, read in their language: German, Spanish, French and Russian on top of
English, which keeps working for everyone. Weekday and month names are Babel's (CLDR), so the
round trips below format with Babel and read back with the parsers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from babel.dates import format_date, get_day_names, get_month_names
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.parsing import (
    BAD_INPUT_CODES,
    FORTNIGHTLY,
    ONCE,
    SESSION_BAD_INPUT_CODES,
    WEEKLY,
    PauseSpec,
    RecapWindow,
    SessionSpec,
    means_off,
    parse_clock_time,
    parse_date,
    parse_days,
    parse_duration,
    parse_pause_args,
    parse_recap_window,
    parse_remind_args,
    parse_session_args,
)
from bot.parsing.lexicon import LEXICONS
from bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS

LANGUAGES = ("en", "de", "es", "fr", "ru")
OTHERS = ("de", "es", "fr", "ru")
TODAY = date(2026, 11, 20)  # a Friday
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0)
MON_WED = frozenset({0, 2})


def refused(call: Callable[[], Any]) -> str:
    with pytest.raises(BadInput) as caught:
        call()
    return caught.value.code


# --- weekdays ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "mo-fr", WEEKDAYS),
        ("de", "Mo.-Fr.", WEEKDAYS),
        ("de", "Mo bis Fr", WEEKDAYS),
        ("de", "von Montag bis Freitag", WEEKDAYS),
        ("de", "di", frozenset({1})),
        ("de", "Mi, Fr", frozenset({2, 4})),
        ("de", "montags und mittwochs", MON_WED),
        ("de", "Wochenende", WEEKENDS),
        ("de", "am Wochenende", WEEKENDS),
        ("de", "werktags", WEEKDAYS),
        ("de", "täglich", ALL_DAYS),
        ("de", "jeden Tag", ALL_DAYS),
        ("de", "Fr-Mo", frozenset({4, 5, 6, 0})),
        ("es", "lun-vie", WEEKDAYS),
        ("es", "lunes a viernes", WEEKDAYS),
        ("es", "de lunes a viernes", WEEKDAYS),
        ("es", "mié", frozenset({2})),
        ("es", "miercoles", frozenset({2})),  # typed without the accent
        ("es", "sáb y dom", WEEKENDS),
        ("es", "fin de semana", WEEKENDS),
        ("es", "los fines de semana", WEEKENDS),
        ("es", "entre semana", WEEKDAYS),
        ("es", "todos los días", ALL_DAYS),
        ("fr", "lu-ve", WEEKDAYS),
        ("fr", "lun.-ven.", WEEKDAYS),
        ("fr", "du lundi au vendredi", WEEKDAYS),
        ("fr", "lundi à vendredi", WEEKDAYS),
        ("fr", "week-end", WEEKENDS),
        ("fr", "le week-end", WEEKENDS),
        ("fr", "en semaine", WEEKDAYS),
        ("fr", "tous les jours", ALL_DAYS),
        ("fr", "lundis et mercredis", MON_WED),
        ("ru", "пн-пт", WEEKDAYS),
        ("ru", "Пн, Ср", MON_WED),
        ("ru", "с понедельника по пятницу", WEEKDAYS),
        ("ru", "по понедельникам и средам", MON_WED),
        ("ru", "выходные", WEEKENDS),
        ("ru", "по выходным", WEEKENDS),
        ("ru", "будни", WEEKDAYS),
        ("ru", "по будням", WEEKDAYS),
        ("ru", "ежедневно", ALL_DAYS),
        ("ru", "каждый день", ALL_DAYS),
        ("ru", "вт", frozenset({1})),
    ],
)
def test_days_in_the_persons_language(language: str, text: str, expected: frozenset[int]) -> None:
    assert parse_days(text, language=language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("text", "expected"),
    [("mon-fri", WEEKDAYS), ("weekends", WEEKENDS), ("every day", ALL_DAYS), ("tue, thu", frozenset({1, 3}))],
)
def test_english_days_work_for_everyone(language: str, text: str, expected: frozenset[int]) -> None:
    assert parse_days(text, language=language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Wochenende"), ("es", "Wochenende"), ("en", "lun-vie"), ("de", "выходные"), ("en", "пн")],
)
def test_a_language_is_read_only_for_its_speakers(language: str, text: str) -> None:
    assert refused(lambda: parse_days(text, language=language)) == "days_invalid"


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("width", ["wide", "abbreviated", "short"])
@pytest.mark.parametrize("context", ["format", "stand-alone"])
def test_every_cldr_day_name_reads_as_its_day(language: str, width: str, context: str) -> None:
    names = get_day_names(width, context, language)
    for index in range(7):
        assert parse_days(names[index], language=language) == {index}, names[index]
        assert parse_days(names[index].upper(), language=language) == {index}


@settings(max_examples=150, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    width=st.sampled_from(["wide", "abbreviated", "short"]),
    first=st.integers(0, 6),
    last=st.integers(0, 6),
    others=st.frozensets(st.integers(0, 6)),
    separator=st.sampled_from([", ", " ", ","]),
)
def test_days_round_trip_through_babel_names(
    language: str, width: str, first: int, last: int, others: frozenset[int], separator: str
) -> None:
    names = get_day_names(width, "stand-alone", language)
    run = frozenset((first + step) % 7 for step in range((last - first) % 7 + 1))
    text = separator.join([f"{names[first]}-{names[last]}", *(names[day] for day in sorted(others))])
    assert parse_days(text, language=language) == run | others


# --- clock times and /remind --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "19 Uhr", time(19)),
        ("de", "19.30 Uhr", time(19, 30)),
        ("de", "7 Uhr", time(7)),
        ("de", "Mittag", time(12)),
        ("de", "Mitternacht", time(0)),
        ("es", "mediodía", time(12)),
        ("es", "19 h", time(19)),
        ("es", "19hs", time(19)),
        ("fr", "19h", time(19)),
        ("fr", "19 h", time(19)),
        ("fr", "midi", time(12)),
        ("fr", "minuit", time(0)),
        ("ru", "полдень", time(12)),
        ("ru", "19ч", time(19)),
    ],
)
def test_clock_times_in_the_persons_language(language: str, text: str, expected: time) -> None:
    assert parse_clock_time(text, language=language) == expected


def test_hours_with_a_clock_word_are_checked() -> None:
    assert refused(lambda: parse_clock_time("25 Uhr", language="de")) == "time_invalid"
    assert refused(lambda: parse_clock_time("19:61 Uhr", language="de")) == "time_invalid"
    assert refused(lambda: parse_clock_time("19 Uhr", language="en")) == "time_invalid"


@pytest.mark.parametrize(
    ("language", "typed", "at", "days"),
    [
        ("de", "19:00 mo-fr", [time(19)], WEEKDAYS),
        ("de", "19 Uhr Mo-Fr", [time(19)], WEEKDAYS),
        ("de", "um 7:30 und 19:00 werktags", [time(7, 30), time(19)], WEEKDAYS),
        # "am" is "on the" in German, not a.m.
        ("de", "19:00 am Wochenende", [time(19)], WEEKENDS),
        ("de", "19:00 mon-fri", [time(19)], WEEKDAYS),
        ("es", "19:00 lun-vie", [time(19)], WEEKDAYS),
        ("es", "a las 19:00 de lunes a viernes", [time(19)], WEEKDAYS),
        ("es", "19:00 fin de semana", [time(19)], WEEKENDS),
        ("fr", "19h lu-ve", [time(19)], WEEKDAYS),
        ("fr", "à 19h30 du lundi au vendredi", [time(19, 30)], WEEKDAYS),
        ("fr", "19h le week-end", [time(19)], WEEKENDS),
        ("ru", "19:00 пн-пт", [time(19)], WEEKDAYS),
        ("ru", "в 19:00 по будням", [time(19)], WEEKDAYS),
        ("ru", "19:00 выходные", [time(19)], WEEKENDS),
        ("ru", "19:00 tu", [time(19)], frozenset({1})),  # English two-letter starts still work
    ],
)
def test_remind_in_the_persons_language(
    language: str, typed: str, at: list[time], days: frozenset[int]
) -> None:
    assert parse_remind_args(typed.split(), language=language) == [(t, days) for t in at]


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("de", "7 Uhr abends", time(19)),
        ("de", "7 abends", time(19)),
        ("de", "19 Uhr abends", time(19)),
        ("de", "7:30 Uhr morgens", time(7, 30)),
        ("de", "2 Uhr nachts", time(2)),
        ("de", "10 Uhr nachts", time(22)),
        ("es", "7 de la tarde", time(19)),
        ("es", "10 de la mañana", time(10)),
        ("es", "10 de la noche", time(22)),
        ("es", "12 de la noche", time(0)),
        ("es", "2 de la madrugada", time(2)),
        ("fr", "7 heures du soir", time(19)),
        ("fr", "7h du matin", time(7)),
        ("fr", "3 heures de l'après-midi", time(15)),
        ("fr", "3 heures de l’après-midi", time(15)),
        ("ru", "10 утра", time(10)),
        ("ru", "7 вечера", time(19)),
        ("ru", "7:30 вечера", time(19, 30)),
        ("ru", "3 дня", time(15)),
        ("ru", "12 дня", time(12)),
        ("ru", "2 ночи", time(2)),
        ("en", "7 in the evening", time(19)),
        ("en", "10 at night", time(22)),
    ],
)
def test_an_hour_with_its_part_of_the_day(language: str, typed: str, expected: time) -> None:
    """How people say times aloud: read alone (a reply to "which time?"), after /remind, and
    in a session, where it arrives as several words."""
    assert parse_clock_time(typed, language=language) == expected
    assert parse_remind_args(typed.split(), language=language) == [(expected, ALL_DAYS)]
    session = parse_session_args(["25.12.", *typed.split()], local_now=MONDAY_MORNING, language=language)
    assert session.at == expected


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("es", "19 horas", time(19)),
        ("es", "a las 19", time(19)),
        ("fr", "20", time(20)),
        ("fr", "1 heure du matin", time(1)),
        ("ru", "20 часов", time(20)),
        ("ru", "в 20", time(20)),
        ("ru", "8 часов вечера", time(20)),
    ],
)
def test_an_hour_only_evening_has_and_the_words_for_hours(language: str, typed: str, expected: time) -> None:
    """"19" needs no "morning or evening?"; "horas", "heure", "часов" say o'clock."""
    assert parse_remind_args(typed.split(), language=language) == [(expected, ALL_DAYS)]


def test_a_part_of_the_day_must_agree_with_the_hour() -> None:
    assert refused(lambda: parse_clock_time("19 Uhr morgens", language="de")) == "time_invalid"
    assert refused(lambda: parse_clock_time("25 вечера", language="ru")) == "time_invalid"
    # In /remind the part of the day joins the time, and the days still follow.
    assert parse_remind_args("7 вечера пн-пт".split(), language="ru") == [(time(19), WEEKDAYS)]
    assert parse_remind_args("7 Uhr abends und 8 Uhr morgens".split(), language="de") == [
        (time(8), ALL_DAYS),
        (time(19), ALL_DAYS),
    ]


def test_remind_keeps_english_am_for_english_speakers() -> None:
    assert parse_remind_args(["7", "am", "weekends"]) == [(time(7), WEEKENDS)]
    assert parse_remind_args(["7", "am", "weekends"], language="es") == [(time(7), WEEKENDS)]
    assert refused(lambda: parse_remind_args(["19:00", "am", "Wochenende"])) == "time_invalid"
    # For a German speaker "am" before a word is "on the"; at the end it can only be a.m.
    assert parse_remind_args(["7", "am"], language="de") == [(time(7), ALL_DAYS)]
    assert refused(lambda: parse_remind_args(["7", "am", "Montag"], language="de")) == "time_ambiguous"
    assert parse_session_args(["Di", "9", "am"], local_now=MONDAY_MORNING, language="de") == SessionSpec(
        "set", date(2026, 11, 24), time(9), None
    )


@pytest.mark.parametrize(
    ("language", "args", "off"),
    [
        ("en", ["off"], True),
        ("en", ["OFF"], True),
        ("de", ["aus"], True),
        ("de", ["off"], True),
        ("es", ["apagar"], True),
        ("fr", ["désactiver"], True),
        ("fr", ["desactiver"], True),
        ("ru", ["выкл"], True),
        ("en", ["aus"], False),
        ("de", ["19:00"], False),
    ],
)
def test_remind_off_in_the_persons_language(language: str, args: list[str], off: bool) -> None:
    assert means_off(args, language) is off


# --- lengths of time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "3 Tage", timedelta(days=3)),
        ("de", "2 Wochen", timedelta(weeks=2)),
        ("de", "eine Woche", timedelta(weeks=1)),
        ("de", "einen Monat", timedelta(days=30)),
        ("de", "1,5 Tage", timedelta(hours=36)),
        ("de", "1 Woche und 2 Tage", timedelta(days=9)),
        ("de", "12 Std", timedelta(hours=12)),
        ("es", "3 días", timedelta(days=3)),
        ("es", "2 semanas", timedelta(weeks=2)),
        ("es", "dos semanas", timedelta(weeks=2)),
        ("es", "un mes", timedelta(days=30)),
        ("fr", "3 jours", timedelta(days=3)),
        ("fr", "2 semaines", timedelta(weeks=2)),
        ("fr", "une semaine", timedelta(weeks=1)),
        ("fr", "3j", timedelta(days=3)),
        ("ru", "3 дня", timedelta(days=3)),
        ("ru", "5 дней", timedelta(days=5)),
        ("ru", "2 недели", timedelta(weeks=2)),
        ("ru", "две недели", timedelta(weeks=2)),
        ("ru", "неделю", timedelta(weeks=1)),
        ("ru", "1 месяц", timedelta(days=30)),
        ("ru", "3д", timedelta(days=3)),
        ("de", "2 weeks", timedelta(weeks=2)),  # English for everyone
    ],
)
def test_durations_in_the_persons_language(language: str, text: str, expected: timedelta) -> None:
    assert parse_duration(text, language=language) == expected


def test_durations_of_one_language_are_not_read_for_another() -> None:
    assert refused(lambda: parse_duration("3 Tage")) == "duration_invalid"
    assert refused(lambda: parse_duration("3 дня", language="de")) == "duration_invalid"
    assert refused(lambda: parse_duration("1,5 days")) == "duration_invalid"  # no decimal comma
    assert refused(lambda: parse_duration("д", language="ru")) == "duration_invalid"  # not alone


@settings(max_examples=100, deadline=None)
@given(
    language=st.sampled_from(OTHERS),
    amount=st.integers(1, 52),
    unit=st.sampled_from([(60, 1), (1440, 24), (10080, 168)]),
)
def test_every_unit_word_counts(language: str, amount: int, unit: tuple[int, int]) -> None:
    minutes, hours = unit
    for word, size in LEXICONS[language].units.items():
        if size == minutes:
            assert parse_duration(f"{amount} {word}", language=language) == timedelta(hours=amount * hours)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "24. Dezember", date(2026, 12, 24)),
        ("de", "24.12.", date(2026, 12, 24)),
        ("de", "24.12.2026", date(2026, 12, 24)),
        ("de", "am 24. Dez.", date(2026, 12, 24)),
        ("de", "3. März", date(2027, 3, 3)),
        ("de", "3 Maerz", None),  # no transliterations: refused, not guessed
        ("de", "morgen", date(2026, 11, 21)),
        ("de", "übermorgen", date(2026, 11, 22)),
        ("de", "Freitag", date(2026, 11, 27)),
        ("de", "nächsten Freitag", date(2026, 11, 27)),
        ("de", "Donnerstag, 24. Dezember 2026", date(2026, 12, 24)),
        ("es", "24 de diciembre", date(2026, 12, 24)),
        ("es", "el 24 de diciembre de 2026", date(2026, 12, 24)),
        ("es", "24/12/2026", date(2026, 12, 24)),
        ("es", "24 dic", date(2026, 12, 24)),
        ("es", "1º de enero", date(2027, 1, 1)),
        ("es", "mañana", date(2026, 11, 21)),
        ("es", "pasado mañana", date(2026, 11, 22)),
        ("es", "el próximo viernes", date(2026, 11, 27)),
        ("es", "el viernes que viene", date(2026, 11, 27)),
        ("es", "mar", date(2026, 11, 24)),  # martes: a weekday alone is a weekday
        ("es", "3 mar", date(2027, 3, 3)),  # marzo: a month after a day is a month
        ("fr", "24 décembre", date(2026, 12, 24)),
        ("fr", "le 24 décembre", date(2026, 12, 24)),
        ("fr", "24/12/2026", date(2026, 12, 24)),
        ("fr", "24 déc.", date(2026, 12, 24)),
        ("fr", "1er janvier", date(2027, 1, 1)),
        ("fr", "3 juil", date(2027, 7, 3)),
        ("fr", "3 jui", None),  # juin or juillet: refused
        ("fr", "demain", date(2026, 11, 21)),
        ("fr", "après-demain", date(2026, 11, 22)),
        ("fr", "vendredi prochain", date(2026, 11, 27)),
        ("fr", "jeudi 24 décembre 2026", date(2026, 12, 24)),
        ("fr", "vendredi 24 décembre 2026", None),  # the weekday is not the date's
        ("ru", "24 декабря", date(2026, 12, 24)),
        ("ru", "24 дек.", date(2026, 12, 24)),
        ("ru", "24.12.2026", date(2026, 12, 24)),
        ("ru", "24 декабря 2026 года", date(2026, 12, 24)),
        ("ru", "1 мая", date(2027, 5, 1)),
        ("ru", "завтра", date(2026, 11, 21)),
        ("ru", "в пятницу", date(2026, 11, 27)),
        ("ru", "в следующую пятницу", date(2026, 11, 27)),
        ("ru", "четверг, 24 декабря 2026 г.", date(2026, 12, 24)),
        ("en", "24 dec", date(2026, 12, 24)),
        ("de", "24 dec", date(2026, 12, 24)),
        ("ru", "2026-12-24", date(2026, 12, 24)),
        ("es", "next friday", date(2026, 11, 27)),
    ],
)
def test_dates_in_the_persons_language(language: str, text: str, expected: date | None) -> None:
    if expected is None:
        assert refused(lambda: parse_date(text, today=TODAY, language=language)) == "date_invalid"
    else:
        assert parse_date(text, today=TODAY, language=language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "letzten Montag", date(2026, 11, 16)),
        ("de", "gestern", date(2026, 11, 19)),
        ("es", "el lunes pasado", date(2026, 11, 16)),
        ("fr", "lundi dernier", date(2026, 11, 16)),
        ("ru", "в прошлый понедельник", date(2026, 11, 16)),
        ("ru", "24 декабря", date(2025, 12, 24)),
    ],
)
def test_dates_in_the_past_in_the_persons_language(language: str, text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY, past=True, language=language) == expected


@settings(max_examples=300, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    day=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    form=st.sampled_from(["short", "medium", "long", "full"]),
)
def test_babel_dates_read_back(language: str, day: date, form: str) -> None:
    # English's short form is month first (12/24/26), which Between reads day first: left out.
    if language == "en" and form == "short":
        form = "medium"
    typed = format_date(day, form, locale=language)
    assert parse_date(typed, today=TODAY, language=language) == day, typed


@settings(max_examples=200, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    day=st.dates(date(2026, 11, 20), date(2027, 11, 19)),
    pattern=st.sampled_from(["d MMMM", "d MMM", "d. MMMM", "d 'de' MMMM", "MMMM d"]),
)
def test_babel_dates_without_a_year_read_as_the_next_one(language: str, day: date, pattern: str) -> None:
    typed = format_date(day, pattern, locale=language)
    assert parse_date(typed, today=TODAY, language=language) == day, typed


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("width", ["wide", "abbreviated"])
@pytest.mark.parametrize("context", ["format", "stand-alone"])
def test_every_cldr_month_name_reads_as_its_month(language: str, width: str, context: str) -> None:
    names = get_month_names(width, context, language)
    for month in range(1, 13):
        # The next 3rd of the month on or after Friday 20 November 2026.
        expected = date(2026 if month == 12 else 2027, month, 3)
        assert parse_date(f"3 {names[month]}", today=TODAY, language=language) == expected, names[month]
        assert parse_date(f"3 {names[month]} 2030", today=TODAY, language=language) == date(2030, month, 3)


# --- /pause and /recap -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("de", "3 Tage", PauseSpec(duration=timedelta(days=3))),
        ("de", "für 2 Wochen", PauseSpec(duration=timedelta(weeks=2))),
        ("de", "bis 24.12.", PauseSpec(until=date(2026, 12, 24))),
        ("de", "bis zum 24. Dezember", PauseSpec(until=date(2026, 12, 24))),
        ("de", "bis Freitag", PauseSpec(until=date(2026, 11, 27))),
        ("de", "für immer", PauseSpec(indefinite=True)),
        ("es", "3 días", PauseSpec(duration=timedelta(days=3))),
        ("es", "por 2 semanas", PauseSpec(duration=timedelta(weeks=2))),
        ("es", "hasta el 24 de diciembre", PauseSpec(until=date(2026, 12, 24))),
        ("es", "hasta el viernes", PauseSpec(until=date(2026, 11, 27))),
        ("es", "para siempre", PauseSpec(indefinite=True)),
        ("fr", "3 jours", PauseSpec(duration=timedelta(days=3))),
        ("fr", "pendant 2 semaines", PauseSpec(duration=timedelta(weeks=2))),
        ("fr", "jusqu'au 24 décembre", PauseSpec(until=date(2026, 12, 24))),
        ("fr", "jusqu’à lundi", PauseSpec(until=date(2026, 11, 23))),
        ("fr", "pour toujours", PauseSpec(indefinite=True)),
        ("ru", "3 дня", PauseSpec(duration=timedelta(days=3))),
        ("ru", "на 2 недели", PauseSpec(duration=timedelta(weeks=2))),
        ("ru", "на неделю", PauseSpec(duration=timedelta(weeks=1))),
        ("ru", "до 24 декабря", PauseSpec(until=date(2026, 12, 24))),
        ("ru", "до пятницы", PauseSpec(until=date(2026, 11, 27))),
        ("ru", "навсегда", PauseSpec(indefinite=True)),
        ("de", "until 2026-12-24", PauseSpec(until=date(2026, 12, 24))),
    ],
)
def test_pause_in_the_persons_language(language: str, typed: str, expected: PauseSpec) -> None:
    assert parse_pause_args(typed.split(), today=TODAY, language=language) == expected


def test_the_answer_to_until_which_date_may_say_until_again() -> None:
    # The handler reads the answer as "until <answer>".
    assert parse_pause_args(["until", "bis morgen"], today=TODAY, language="de") == PauseSpec(
        until=date(2026, 11, 21)
    )


def test_a_refused_pause_date_is_echoed_as_typed() -> None:
    with pytest.raises(BadInput) as caught:
        parse_pause_args(["jusqu'au", "31", "Février"], today=TODAY, language="fr")
    assert caught.value.code == "date_invalid"
    assert caught.value.params == {"text": "31 février"}


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("de", "14 Tage", RecapWindow(duration=timedelta(days=14))),
        ("de", "die letzten 2 Wochen", RecapWindow(duration=timedelta(weeks=2))),
        ("de", "seit Montag", RecapWindow(since=date(2026, 11, 16))),
        ("de", "seit 2 Wochen", RecapWindow(duration=timedelta(weeks=2))),
        ("de", "seit 1.11.", RecapWindow(since=date(2026, 11, 1))),
        ("es", "desde el lunes", RecapWindow(since=date(2026, 11, 16))),
        ("es", "desde hace 2 semanas", RecapWindow(duration=timedelta(weeks=2))),
        ("es", "las últimas 2 semanas", RecapWindow(duration=timedelta(weeks=2))),
        ("fr", "depuis lundi", RecapWindow(since=date(2026, 11, 16))),
        ("fr", "depuis 2 semaines", RecapWindow(duration=timedelta(weeks=2))),
        ("fr", "les 2 dernières semaines", RecapWindow(duration=timedelta(weeks=2))),
        ("ru", "с понедельника", RecapWindow(since=date(2026, 11, 16))),
        ("ru", "с 1 ноября", RecapWindow(since=date(2026, 11, 1))),
        ("ru", "за 2 недели", RecapWindow(duration=timedelta(weeks=2))),
        ("ru", "за последние 2 недели", RecapWindow(duration=timedelta(weeks=2))),
        ("de", "since monday", RecapWindow(since=date(2026, 11, 16))),
    ],
)
def test_recap_in_the_persons_language(language: str, typed: str, expected: RecapWindow) -> None:
    assert parse_recap_window(typed.split(), today=TODAY, language=language) == expected


# --- /session ----------------------------------------------------------------------------------

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("de", "erledigt", SessionSpec("done")),
        ("de", "überspringen", SessionSpec("skip")),
        ("de", "stopp", SessionSpec("stop")),
        ("de", "aus", SessionSpec("stop")),
        ("de", "Di 17:00 wöchentlich", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("de", "Dienstag 17 Uhr alle 2 Wochen", SessionSpec("set", TUESDAY, time(17), FORTNIGHTLY)),
        ("de", "jeden Dienstag um 17 Uhr", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("de", "jeden zweiten Dienstag 17:00", SessionSpec("set", TUESDAY, time(17), FORTNIGHTLY)),
        ("de", "morgen 17:00 einmal", SessionSpec("set", TUESDAY, time(17), ONCE)),
        ("de", "am 24. Dezember um 17 Uhr", SessionSpec("set", date(2026, 12, 24), time(17), None)),
        ("de", "24.12. 17:00", SessionSpec("set", date(2026, 12, 24), time(17), None)),
        ("es", "hecho", SessionSpec("done")),
        ("es", "saltar", SessionSpec("skip")),
        ("es", "cancelar", SessionSpec("stop")),
        ("es", "martes 17:00 semanal", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("es", "martes a las 17:00 cada dos semanas", SessionSpec("set", TUESDAY, time(17), FORTNIGHTLY)),
        ("es", "cada martes 17:00", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("es", "mañana 17:00 una vez", SessionSpec("set", TUESDAY, time(17), ONCE)),
        ("es", "24 de diciembre 17:00", SessionSpec("set", date(2026, 12, 24), time(17), None)),
        ("fr", "fait", SessionSpec("done")),
        ("fr", "c'est fait", SessionSpec("done")),
        ("fr", "sauter", SessionSpec("skip")),
        ("fr", "arrêter", SessionSpec("stop")),
        ("fr", "mardi 17h chaque semaine", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("fr", "mardi 17h toutes les deux semaines", SessionSpec("set", TUESDAY, time(17), FORTNIGHTLY)),
        ("fr", "tous les mardis à 17h", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("fr", "demain 17h une fois", SessionSpec("set", TUESDAY, time(17), ONCE)),
        ("ru", "готово", SessionSpec("done")),
        ("ru", "пропустить", SessionSpec("skip")),
        ("ru", "стоп", SessionSpec("stop")),
        ("ru", "вт 17:00 еженедельно", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("ru", "во вторник в 17:00 каждую неделю", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("ru", "вторник 17:00 раз в две недели", SessionSpec("set", TUESDAY, time(17), FORTNIGHTLY)),
        ("ru", "по вторникам 17:00", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("ru", "завтра 17:00 один раз", SessionSpec("set", TUESDAY, time(17), ONCE)),
        ("ru", "24 декабря 17:00", SessionSpec("set", date(2026, 12, 24), time(17), None)),
        ("de", "tue 17:00 weekly", SessionSpec("set", TUESDAY, time(17), WEEKLY)),
        ("ru", "done", SessionSpec("done")),
    ],
)
def test_session_in_the_persons_language(language: str, typed: str, expected: SessionSpec) -> None:
    assert parse_session_args(typed.split(), local_now=MONDAY_MORNING, language=language) == expected


def test_the_persons_language_wins_where_the_words_disagree() -> None:
    # "once" is eleven in Spanish: never "just once" for a Spanish speaker.
    english = parse_session_args(["tue", "17:00", "once"], local_now=MONDAY_MORNING)
    assert english.repeat_days == ONCE
    with pytest.raises(BadInput) as caught:
        parse_session_args(["martes", "17:00", "once"], local_now=MONDAY_MORNING, language="es")
    assert caught.value.code == "session_invalid"
    # "am" is "on the" in German.
    german = parse_remind_args(["19:00", "am", "Wochenende"], language="de")
    assert german == [(time(19), WEEKENDS)]


# --- every language refuses with a catalogued code ---------------------------------------------

ALL_CODES = {**BAD_INPUT_CODES, **SESSION_BAD_INPUT_CODES}
ZONE_CODES = {
    "zone_empty",
    "zone_unknown",
    "zone_abbreviation",
    "offset_out_of_range",
    "time_invalid",
    "time_no_zone",
}


@settings(max_examples=300, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    text=st.text(max_size=40)
    | st.from_regex(r"[0-9a-zäöüéèàçñáíóúёа-я:.\-' ]{0,16}", fullmatch=True)
    | st.lists(
        st.sampled_from(
            ["bis", "a", "по", "до", "с", "am", "uhr", "h", "ч", "de", "le", "jusqu'au", "19", "3", "24.12.",
             "mo", "пн", "lun", "mar", "Wochenende", "semanas", "дня", "once", "einmal", "-", "la"]
        ),
        max_size=6,
    ).map(" ".join),
)  # fmt: skip
def test_every_reader_answers_anything_in_every_language(language: str, text: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: parse_clock_time(text, language=language),
        lambda: parse_days(text, language=language),
        lambda: parse_duration(text, language=language),
        lambda: parse_date(text, today=TODAY, language=language),
        lambda: parse_date(text, today=TODAY, past=True, language=language),
        lambda: parse_remind_args(text.split(), language=language),
        lambda: parse_pause_args(text.split(), today=TODAY, language=language),
        lambda: parse_recap_window(text.split(), today=TODAY, language=language),
        lambda: parse_session_args(text.split(), local_now=MONDAY_MORNING, language=language),
    ]
    for call in calls:
        try:
            call()
        except BadInput as refusal:
            assert refusal.code in ALL_CODES
            assert set(refusal.params) == set(ALL_CODES[refusal.code])
