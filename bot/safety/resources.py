"""Crisis resources: reading the file of crisis lines, and choosing the ones for a person.

:func:`load_resources` reads the crisis lines (``safety_data/resources.toml``, or the operator's
own file) and :meth:`Resources.for_person` picks the ones for a person's country or, failing that,
their Telegram language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.safety.files import DEFAULT_RESOURCES, SafetyDataError, read_toml

EVERYWHERE = "*"
"""The country code of entries shown to everyone, after the ones for the person's country."""
KINDS = ("helpline", "emergency", "directory")
"""Entry kinds, in the order they are listed for a country."""
_RESOURCE_KEYS = frozenset({"name", "countries", "kind", "phone", "text", "url", "note"})
_TOP_KEYS = frozenset({"resource", "languages", "default_countries"})
_COUNTRY = re.compile(r"[A-Z]{2}")
_DIALABLE = re.compile(r"\+?[0-9][0-9 ()-]*[0-9]|[0-9]")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Resource:
    """One way to get help: a helpline, an emergency number or a directory of helplines."""

    name: str
    kind: str
    countries: tuple[str, ...]
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Resources:
    """The crisis resources an operator offers. Build with :func:`load_resources`."""

    entries: tuple[Resource, ...]
    languages: Mapping[str, tuple[str, ...]]
    default_countries: tuple[str, ...] = ()

    def for_person(self, language_code: str | None, country: str | None) -> list[Resource]:
        """The entries to show a person, the ones for everyone (a helpline directory) last.

        Chosen by ``country`` (ISO 3166 code, e.g. from
        :func:`bot.timezones.country_for_timezone`) when it is known. Otherwise by the Telegram
        ``language_code``: its region ("pt-br" -> BR), else the file's ``[languages]`` table
        ("de" -> DE). When neither leads anywhere, or the country has no entries, the file's
        ``default_countries`` are used. A known country with no entries does not fall back to
        the language: a number for another country that speaks the same language would not work
        where the person is.

        Each entry comes with only the countries it was chosen for (the 112 entry for someone in
        Germany says DE, not every country 112 works in), which the reply names; the ones for
        everyone keep ``("*",)``, which it does not.
        """
        countries = self._countries_for(language_code, country)
        chosen: list[Resource] = []
        for kind in KINDS:
            for code in countries:
                for entry in self.entries:
                    if entry.kind == kind and code in entry.countries and entry not in chosen:
                        chosen.append(entry)
        shown = [
            replace(entry, countries=tuple(c for c in entry.countries if c in countries)) for entry in chosen
        ]
        shown.extend(entry for entry in self.entries if EVERYWHERE in entry.countries)
        return shown

    def _countries_for(self, language_code: str | None, country: str | None) -> tuple[str, ...]:
        listed = {code for entry in self.entries for code in entry.countries}
        if country:
            code = country.strip().upper()
            return (code,) if code in listed else self.default_countries
        if language_code:
            parts = re.split(r"[-_]", language_code.strip().lower())
            region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
            if region and region in listed:
                return (region,)
            mapped = self.languages.get(parts[0], ())
            if mapped:
                return mapped
        return self.default_countries


def load_resources(path: Path | None = None) -> Resources:
    """Read crisis resources from ``path`` (the operator's file) or the packaged defaults.

    Raises :class:`SafetyDataError` naming the file and the entry for anything unusable. An
    operator file without entries for everyone (``countries = ["*"]``) gets the packaged ones,
    so a directory of helplines is always offered.
    """
    source = path or DEFAULT_RESOURCES
    resources = _parse_resources(source)
    if path is not None and not any(EVERYWHERE in e.countries for e in resources.entries):
        packaged = _parse_resources(DEFAULT_RESOURCES)
        everywhere = tuple(e for e in packaged.entries if EVERYWHERE in e.countries)
        resources = Resources(
            resources.entries + everywhere, resources.languages, resources.default_countries
        )
    return resources


def _parse_resources(path: Path) -> Resources:
    what = "crisis resources file"
    data = read_toml(path, what)
    prefix = f"{what} {path}"
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise SafetyDataError(f"{prefix}: unknown keys: {', '.join(sorted(unknown))}")
    raw_entries = data.get("resource")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise SafetyDataError(f"{prefix}: needs at least one [[resource]] entry")
    entries = tuple(_parse_resource(raw, f"{prefix}: resource #{n}") for n, raw in enumerate(raw_entries, 1))
    raw_languages = data.get("languages", {})
    if not isinstance(raw_languages, dict):
        raise SafetyDataError(f"{prefix}: [languages] must map language codes to country lists")
    languages: dict[str, tuple[str, ...]] = {}
    for language, countries in raw_languages.items():
        if not _LANGUAGE_TAG.fullmatch(language):
            raise SafetyDataError(f'{prefix}: [languages] {language!r} is not a language code like "de"')
        languages[language] = _country_list(countries, f"{prefix}: [languages] {language}")
    default_countries = _country_list(data.get("default_countries", []), f"{prefix}: default_countries")
    return Resources(entries, languages, default_countries)


def _country_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(code, str) and _COUNTRY.fullmatch(code) for code in value
    ):
        raise SafetyDataError(f'{where} must be a list of two-letter country codes in capitals, like ["DE"]')
    return tuple(value)


def _parse_resource(raw: object, where: str) -> Resource:
    if not isinstance(raw, dict):
        raise SafetyDataError(f"{where} must be a table")
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        where = f"{where} ({name.strip()!r})"
    unknown = set(raw) - _RESOURCE_KEYS
    if unknown:
        raise SafetyDataError(f"{where}: unknown keys: {', '.join(sorted(unknown))}")
    if not isinstance(name, str) or not name.strip():
        raise SafetyDataError(f"{where}: 'name' is required")
    countries = raw.get("countries")
    if (
        not isinstance(countries, list)
        or not countries
        or not all(
            isinstance(code, str) and (code == EVERYWHERE or _COUNTRY.fullmatch(code)) for code in countries
        )
    ):
        raise SafetyDataError(
            f"{where}: 'countries' must list two-letter country codes in capitals (\"GB\"), "
            f'or "{EVERYWHERE}" for everyone'
        )
    kind = raw.get("kind", "helpline")
    if kind not in KINDS:
        raise SafetyDataError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    fields: dict[str, str | None] = {}
    for key in ("phone", "text", "url", "note"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise SafetyDataError(f"{where}: {key!r} must be non-empty text")
        fields[key] = value.strip() if isinstance(value, str) else None
    for key in ("phone", "text"):
        value = fields[key]
        if value is not None and not _DIALABLE.fullmatch(value):
            raise SafetyDataError(
                f"{where}: {key!r} must be a number to dial (digits, spaces, + - and brackets)"
            )
    url = fields["url"]
    if url is not None and not re.fullmatch(r"https?://[^\s<>\"]+", url):
        raise SafetyDataError(f"{where}: 'url' must start with https:// and contain no spaces")
    if not (fields["phone"] or fields["text"] or url):
        raise SafetyDataError(f"{where}: needs at least one of 'phone', 'text' or 'url'")
    return Resource(
        name=name.strip(),
        kind=kind,
        countries=tuple(countries),
        phone=fields["phone"],
        text=fields["text"],
        url=url,
        note=fields["note"] or "",
    )
