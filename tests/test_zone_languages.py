"""The answer to "what's your time zone?" in the person's language: places as each language
names them (Babel's exemplar cities and countries, plus a few big cities), and the local time
said their way ("es ist 14:30", "son las 14:30", "il est 14h30", "сейчас 14:30")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel.dates import get_timezone, get_timezone_location
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.parsing import parse_zone_answer
from bot.parsing.lexicon import LEXICONS
from bot.parsing.places import names_in
from bot.timezones import offer_rank, zone_for_key

LANGUAGES = ("en", "de", "es", "fr", "ru")
NOW = datetime(2026, 11, 20, 13, 30, tzinfo=UTC)  # 14:30 in Berlin, 16:30 in Moscow
ZONE_CODES = {
    "zone_empty",
    "zone_unknown",
    "zone_abbreviation",
    "offset_out_of_range",
    "time_invalid",
    "time_no_zone",
}


def refused(text: str, language: str, now: datetime = NOW) -> str:
    with pytest.raises(BadInput) as caught:
        parse_zone_answer(text, now=now, language=language)
    return caught.value.code


@pytest.mark.parametrize(
    ("language", "text", "zone"),
    [
        ("de", "München", "Europe/Berlin"),
        ("de", "Wien", "Europe/Vienna"),
        ("de", "Moskau", "Europe/Moscow"),
        ("de", "Köln", "Europe/Berlin"),
        ("de", "Hamburg", "Europe/Berlin"),
        ("de", "Genf", "Europe/Zurich"),
        ("de", "Österreich", "Europe/Vienna"),
        ("es", "Múnich", "Europe/Berlin"),
        ("es", "Viena", "Europe/Vienna"),
        ("es", "Nueva York", "America/New_York"),
        ("es", "Moscú", "Europe/Moscow"),
        ("es", "Barcelona", "Europe/Madrid"),
        ("es", "Alemania", "Europe/Berlin"),
        ("fr", "Moscou", "Europe/Moscow"),
        ("fr", "Vienne", "Europe/Vienna"),
        ("fr", "Lyon", "Europe/Paris"),
        ("fr", "Marseille", "Europe/Paris"),
        ("fr", "Genève", "Europe/Zurich"),
        ("fr", "Autriche", "Europe/Vienna"),
        ("ru", "Москва", "Europe/Moscow"),
        ("ru", "москва", "Europe/Moscow"),
        ("ru", "Вена", "Europe/Vienna"),
        ("ru", "Санкт-Петербург", "Europe/Moscow"),
        ("ru", "Петербург", "Europe/Moscow"),
        ("ru", "МСК", "Europe/Moscow"),
        ("ru", "Нью-Йорк", "America/New_York"),
        ("ru", "Германия", "Europe/Berlin"),
        ("ru", "Екатеринбург", "Asia/Yekaterinburg"),
        # Everyone may use any of the languages' names, and the English ones.
        ("en", "Wien", "Europe/Vienna"),
        ("en", "Москва", "Europe/Moscow"),
        ("de", "Nueva York", "America/New_York"),
        ("ru", "Vienna", "Europe/Vienna"),
        ("en", "New York", "America/New_York"),
    ],
)
def test_places_in_the_persons_language(language: str, text: str, zone: str) -> None:
    assert parse_zone_answer(text, now=NOW, language=language).zone == zone


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cldr_exemplar_city_reads_as_its_zone(language: str) -> None:
    overridden = set()
    lexicon = LEXICONS.get(language)
    if lexicon:
        overridden = {name.strip() for names in lexicon.places.values() for name in names.split(",")}
    for zone in offer_rank():
        city = str(get_timezone_location(get_timezone(zone), language, return_city=True))
        if city.casefold() in overridden:
            continue
        assert parse_zone_answer(city, now=NOW, language=language).zone == zone, city


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_in_a_language_never_contradict_the_zone_names(language: str) -> None:
    names = names_in(language)
    assert names
    for key, zone in names.items():
        assert zone_for_key(key) in (None, zone), key


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "es ist 14:30"),
        ("de", "es ist 14.30 Uhr"),
        ("de", "Es ist 14 Uhr 30"),
        ("de", "bei mir ist es gerade 14:30"),
        ("es", "son las 14:30"),
        ("es", "aquí son las 14:30"),
        ("fr", "il est 14h30"),
        ("fr", "il est 14 h 30"),
        ("ru", "сейчас 16:30"),
        ("ru", "у меня 16:30"),
        ("en", "it's 14:30"),
        ("de", "it's 14:30"),
    ],
)
def test_the_local_time_said_the_persons_way(language: str, text: str) -> None:
    guess = parse_zone_answer(text, now=NOW, language=language)
    assert guess.zone is None and guess.choices


def test_an_hour_with_the_word_for_oclock_is_a_local_time() -> None:
    on_the_hour = NOW.replace(minute=0)  # 14:00 in Berlin
    for language, text in (("de", "es ist 14 Uhr"), ("fr", "il est 14h"), ("es", "son las 14 h")):
        guess = parse_zone_answer(text, now=on_the_hour, language=language)
        assert "Europe/Berlin" in guess.choices, text
    assert refused("es ist 14:30", "en") == "zone_unknown"  # German only for German speakers
    assert refused("MEZ", "de") == "zone_abbreviation"


def test_the_persons_language_wins_for_a_place_two_languages_name() -> None:
    # The Spanish CLDR names the island of Grenada "Granada"; Spanish speakers mean the city.
    assert parse_zone_answer("Granada", now=NOW, language="es").zone == "Europe/Madrid"
    assert parse_zone_answer("Grenada", now=NOW, language="es").zone == "America/Grenada"


@settings(max_examples=200, deadline=None)
@given(language=st.sampled_from(LANGUAGES), text=st.text(max_size=40))
def test_every_answer_gets_a_zone_or_a_catalogued_refusal(language: str, text: str) -> None:
    try:
        parse_zone_answer(text, now=NOW, language=language)
    except BadInput as refusal:
        assert refusal.code in ZONE_CODES
