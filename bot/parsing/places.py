"""Places as people write them in their language: ``München``, ``Wien``, ``Nueva York``,
``Moscou``, ``Москва``.

:mod:`bot.timezones` knows the places the zone names themselves give (``Vienna``, ``New_York``),
countries on one zone, and a list of big cities. On top of that, each language Between reads
names places its own way, and CLDR (through Babel) has those names: the exemplar city of every
zone (``Europe/Vienna``: Wien, Viena, Vienne, Вена) and every country's name (Österreich,
Autriche). The lexicon adds a few big cities that are no zone's exemplar (Hamburg is Berlin's
zone, Санкт-Петербург Moscow's).

A person's own language is looked up first (a name that means two places in two languages is
read the person's way), then the zone names, then any of the languages Between reads, so a
German speaker may still write ``Moscou``. A name two zones share within a table is no answer.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone, get_timezone_location

from bot.parsing.lexicon import LEXICONS
from bot.parsing.words import ENGLISH
from bot.timezones import is_fixed_name, lookup_key, offer_rank, zone_for_key

# The languages whose names of places everyone may use.
LANGUAGES = (ENGLISH, *LEXICONS)


def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _key(name: str) -> str:
    # CLDR writes apostrophes typographically (Dumont-d’Urville); lookup_key drops plain ones.
    return lookup_key(name.replace("\u2019", "'"))


@cache
def names_in(language: str) -> dict[str, str]:
    """Place names in ``language`` (normalised with lookup_key) -> the zone to store."""
    found: dict[str, set[str]] = defaultdict(set)
    locale = _locale(language)
    if locale is not None:
        for zone in offer_rank():
            try:
                city = get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
            except (LookupError, ValueError):
                continue
            found[_key(str(city))].add(zone)
        # A country is a place on one zone when its English name is (Germany, Austria).
        english = Locale.parse(ENGLISH).territories
        for code, name in locale.territories.items():
            if code in english and (country_zone := zone_for_key(lookup_key(english[code]))):
                if not is_fixed_name(country_zone):
                    found[_key(name)].add(country_zone)
    names = {key: next(iter(zones)) for key, zones in found.items() if key and len(zones) == 1}
    # The lexicon's places are what people there mean: the Spanish "Granada" is in Spain, even
    # though CLDR's Spanish also calls the island of Grenada so.
    lexicon = LEXICONS.get(language)
    for zone, typed in (lexicon.places if lexicon else {}).items():
        names.update({_key(name): zone for name in typed.split(",")})
    return names


@cache
def _in_any_language() -> dict[str, str]:
    found: dict[str, set[str]] = defaultdict(set)
    for language in LANGUAGES:
        for key, zone in names_in(language).items():
            found[key].add(zone)
    return {key: next(iter(zones)) for key, zones in found.items() if len(zones) == 1}


def zone_for_place(key: str, language: str = ENGLISH) -> str | None:
    """The zone to store for a place as typed (normalised with lookup_key) by a person who speaks
    ``language``, or None if no language Between reads names it."""
    if language != ENGLISH and (zone := names_in(language).get(key)):
        return zone
    return zone_for_key(key) or _in_any_language().get(key)
