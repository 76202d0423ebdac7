"""The languages Between speaks: which ones, which one a person gets, and their words.

English is the source: every text is written in English in the templates (and a few words in
Python, marked with :func:`N_`), and each other language is a gettext catalogue,
``bot/locales/<lang>/LC_MESSAGES/between.po``, plus a folder of prompt translations
(``prompts/<lang>/``). A language is available when its catalogue is there: nothing else lists
them. docs/languages.md says how to add one.

The ``.po`` files are read when a language is first needed (and compiled in memory), so an
installed wheel needs no build step and a compiled file can never be older than its source.
Dates, weekday and month names and numbers come from Babel's CLDR data for the language.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, get_day_names, get_timezone, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

SOURCE_LANGUAGE = "en"
DOMAIN = "between"
_LOCALES_DIR = Path(__file__).resolve().parent / "locales"
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it here (it is translated where it is
    shown, in the person's language)."""
    return text


def locales_dir() -> Path:
    """Where the catalogues live (inside the package, so a wheel carries them)."""
    return _LOCALES_DIR


def catalogue_path(language: str) -> Path:
    return _LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def available() -> tuple[str, ...]:
    """Every language Between speaks: English, then each language with a catalogue, by code."""
    found = sorted(p.parent.parent.name for p in _LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def resolve(code: str | None, default: str = SOURCE_LANGUAGE) -> str:
    """The language for a language code: ``de-AT`` and ``de`` -> ``de``; an unknown or missing
    code -> ``default``. A catalogue for a region (``pt_BR``) is preferred to its language."""
    if not code or not _TAG.fullmatch(code.strip()):
        return default
    parts = code.strip().replace("-", "_").split("_")
    by_lower = {language.lower(): language for language in available()}
    for candidate in ("_".join(parts[:2]).lower(), parts[0].lower()):
        if candidate in by_lower:
            return by_lower[candidate]
    return default


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The language's messages. English (the source) translates nothing; a message missing from
    a catalogue, or marked fuzzy there, falls back to English."""
    if language == SOURCE_LANGUAGE or language not in available():
        return gettext.NullTranslations()
    with catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def babel_locale(language: str) -> Locale:
    return Locale.parse(language)


def language_name(language: str) -> str:
    """The language's name in itself: ``Deutsch``, ``English``, ``Русский``."""
    name = babel_locale(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def language_named(text: str) -> str | None:
    """The language a person typed after /language: a code (``de``, ``de-AT``) or a name in any
    language Between speaks (``Deutsch``, ``German``, ``allemand``); None for anything else."""
    typed = " ".join(text.split()).casefold()
    if not typed:
        return None
    code = resolve(typed, "")
    if code:
        return code
    for language in available():
        locale = babel_locale(language)
        if any((locale.get_display_name(other) or "").casefold() == typed for other in available()):
            return language
    return None


def format_day(value: Any, pattern: str, language: str) -> str:
    """A local date in a CLDR pattern (``EEE d MMM`` -> ``Mon 30 Nov``, ``Mo., 30. Nov.``).

    ``value`` is a date, a datetime, or a template view with ``year``, ``month`` and ``day``."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, Mapping):
        day = date(int(value["year"]), int(value["month"]), int(value["day"]))
    else:
        day = date(int(value.year), int(value.month), int(value.day))
    return format_date(day, pattern, locale=babel_locale(language))


def short_day_names(language: str) -> list[str]:
    """Abbreviated weekday names, Monday first, as they stand alone (``Mon``, ``Mo``, ``пн``)."""
    names = get_day_names("abbreviated", context="stand-alone", locale=babel_locale(language))
    return [names[index] for index in range(7)]


def format_number(number: int | float, language: str) -> str:
    """A number as the language writes it (``1,234``, ``1.234``)."""
    return format_decimal(number, locale=babel_locale(language))


def city(zone_name: str, fallback: str, language: str) -> str:
    """A zone's city as the language names it (``Europe/Vienna`` -> ``Wien``). English keeps the
    name from the zone itself; offsets and names CLDR does not know keep ``fallback``."""
    if language == SOURCE_LANGUAGE or "/" not in zone_name:
        return fallback
    try:
        zone = get_timezone(zone_name)
        return str(get_timezone_location(zone, locale=babel_locale(language), return_city=True))
    except (LookupError, ValueError):
        return fallback


def extract_resources(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor for the crisis resources file: each resource's name and note are
    messages, so a reply in German can say them in German (bot/locales/babel.cfg)."""
    source = fileobj.read().decode("utf-8")
    document = tomllib.loads(source)
    lines = source.splitlines()
    for resource in document.get("resource", []):
        for key in ("name", "note"):
            text = resource.get(key)
            if isinstance(text, str) and text:
                line = next((n for n, row in enumerate(lines, 1) if row.startswith(key) and text in row), 0)
                comment = f"Crisis resource {key}: keep numbers and proper names as they are."
                yield line, "gettext", text, [comment]
