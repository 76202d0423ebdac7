"""What a typed word means in the person's language, English included for everyone.

Weekday and month names come from Babel's CLDR data for the language (every width and context,
and for Russian the genitive month names a date uses: ``24 декабря``); the command words from
:mod:`bot.parsing.lexicon`. :func:`words_for` gives a language's :class:`Words`, built once.

Every lookup tries the person's language first and English after it: ``mon-fri`` works for a
German speaker, ``Mo-Fr`` too, and a word the two languages read differently is read the
person's way. A language without a lexicon (one added later) still gets its weekday and month
names from CLDR. Everything is compared folded (:func:`fold`): no case, no accents, one
apostrophe, so ``Mär``, ``mär`` and ``mar`` are the same word, as are ``sábado`` and ``sabado``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol

from bot.parsing.lexicon import LEXICONS, Lexicon

ENGLISH = "en"

# English names: any start of two letters (days) or three (months) is the day or the month.
_ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

# The CLDR names read: every width but the one-letter narrow ones, in both contexts.
_DAY_WIDTHS: tuple[Literal["wide", "abbreviated", "short"], ...] = ("wide", "abbreviated", "short")
_MONTH_WIDTHS: tuple[Literal["wide", "abbreviated"], ...] = ("wide", "abbreviated")
_CONTEXTS: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "ß": "ss"})
# A name's stem (all but its last letter) takes at most this many letters of ending:
# "пятницу", "средам", "montags", "lundis", "декабре".
_MAX_ENDING = 3
_MIN_STEMMED = 5  # names shorter than this are matched whole or by their start only


def fold(text: str) -> str:
    """Lower case without accents and with one apostrophe: ``Mär`` -> ``mar``, ``й`` -> ``и``."""
    decomposed = unicodedata.normalize("NFD", text.lower().translate(_APOSTROPHES))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def as_typed(original: str, folded_tail: str) -> str:
    """The end of ``original`` that folds to ``folded_tail``, as it was typed (``décembre``, not
    ``decembre``), for an answer that echoes it; ``folded_tail`` if the words do not line up."""
    count = len(folded_tail.split())
    candidate = " ".join(original.split()[-count:]) if count else ""
    return candidate if fold(candidate) == folded_tail else folded_tail


def _alternatives(phrases: Iterable[str]) -> str:
    """The (folded) phrases as one regex alternation, longest first, any spaces between words."""
    alternatives = sorted({phrase for phrase in phrases if phrase}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in alternatives)


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern finding any of the (folded) phrases as whole words, longest first."""
    body = _alternatives(phrases)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])") if body else None


def leading_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for a text that starts with one of the (folded) phrases, the rest as ``rest``:
    ``bis 24.12.``, ``jusqu'au 24`` (after an apostrophe no space is needed)."""
    body = _alternatives(phrases)
    return re.compile(rf"(?:{body})(?:\s+|(?<='))(?P<rest>.+)") if body else None


def _english_weekday(word: str) -> int | None:
    """Monday=0 for an English day name or a start of it (``tu``, ``thurs``), plural ``s`` too."""
    for candidate in (word, word[:-1] if word.endswith("s") else ""):
        if len(candidate) >= 2:
            for index, name in enumerate(_ENGLISH_DAYS):
                if name.startswith(candidate):
                    return index
    return None


def _english_month(word: str) -> int | None:
    """1..12 for an English month name or a start of at least three letters (``dec``, ``sept``)."""
    if len(word) >= 3:
        for index, name in enumerate(_ENGLISH_MONTHS, start=1):
            if name.startswith(word):
                return index
    return None


@dataclass(frozen=True)
class _Names:
    """One language's names of the days or the months: exact forms, and full names to match a
    start (``mitt``) or an inflected ending (``пятницу``) against."""

    exact: Mapping[str, int]
    full: tuple[tuple[str, int], ...]
    min_prefix: int

    def find(self, word: str) -> int | None:
        if word in self.exact:
            return self.exact[word]
        found: set[int] = set()
        if len(word) >= self.min_prefix:
            found = {index for name, index in self.full if name.startswith(word)}
        if not found:
            found = {
                index
                for name, index in self.full
                if len(name) >= _MIN_STEMMED
                and word.startswith(name[:-1])
                and len(word) - len(name) + 1 <= _MAX_ENDING
            }
        # A start shared by two names ("jui": juin or juillet) names neither.
        return next(iter(found)) if len(found) == 1 else None


_NO_NAMES = _Names({}, (), 99)


def _names(tables: Iterable[Mapping[int, str]], wide: Iterable[Mapping[int, str]], min_prefix: int) -> _Names:
    forms: dict[str, set[int]] = defaultdict(set)
    for table in tables:
        for index, name in table.items():
            forms[fold(name).rstrip(".")].add(index)
    exact = {form: indexes.pop() for form, indexes in forms.items() if form and len(indexes) == 1}
    full = tuple(dict.fromkeys((fold(name), index) for table in wide for index, name in table.items()))
    return _Names(exact, full, min_prefix)


def _fold_lexicon(lexicon: Lexicon) -> Lexicon:
    """The lexicon with every word folded as typed text is (places stay: zones are looked up by
    their own normaliser)."""
    changes: dict[str, object] = {}
    for item in dataclasses.fields(lexicon):
        value = getattr(lexicon, item.name)
        if item.name == "places":
            continue
        if isinstance(value, tuple):
            changes[item.name] = tuple(fold(word) for word in value)
        elif isinstance(value, dict):
            changes[item.name] = {fold(word): meaning for word, meaning in value.items()}
    return dataclasses.replace(lexicon, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Words:
    """A language's words, folded: its :class:`Lexicon` (``lex``), its weekday and month names,
    and the patterns built from them. English (``en``) has an empty lexicon: English words are
    the parsers' own."""

    language: str
    lex: Lexicon
    days: _Names
    months: _Names
    decimal_comma: bool
    # Phrases naming a set of days -> the English keyword the day reader knows.
    day_phrases: tuple[tuple[re.Pattern[str], str], ...]
    day_run_words: frozenset[str]

    def weekday(self, word: str) -> int | None:
        """Monday=0 .. Sunday=6 for a day name, an abbreviation (``Mo.``, ``пн``) or a start of
        a name (``mitt``, ``tues``), in the person's language or else in English."""
        word = fold(word).rstrip(".")
        found = self.days.find(word)
        return found if found is not None else _english_weekday(word)

    def month(self, word: str) -> int | None:
        """1..12 for a month name, abbreviation or start (``dez``, ``déc.``, ``декабря``)."""
        word = fold(word).rstrip(".")
        found = self.months.find(word)
        return found if found is not None else _english_month(word)

    def is_english(self, word: str) -> bool:
        """Whether an English word may be read the English way (``once`` is eleven in Spanish)."""
        return fold(word) not in self.lex.not_english


def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@cache
def words_for(language: str = ENGLISH) -> Words:
    """The words of ``language`` (a code Between speaks, ``de``); English for ``en`` or ``None``."""
    language = language or ENGLISH
    lexicon = _fold_lexicon(LEXICONS.get(language, Lexicon()))
    locale = None if language == ENGLISH else _locale(language)
    days = months = _NO_NAMES
    decimal_comma = False
    if locale is not None:
        days = _names(
            [get_day_names(width, context, locale) for width in _DAY_WIDTHS for context in _CONTEXTS],
            [get_day_names("wide", context, locale) for context in _CONTEXTS],
            lexicon.min_prefix,
        )
        months = _names(
            [get_month_names(width, context, locale) for width in _MONTH_WIDTHS for context in _CONTEXTS],
            [get_month_names("wide", context, locale) for context in _CONTEXTS],
            max(3, lexicon.min_prefix),
        )
        decimal_comma = get_decimal_symbol(locale) == ","
    phrases = []
    for keyword, named in (
        ("daily", lexicon.daily),
        ("weekdays", lexicon.weekdays),
        ("weekends", lexicon.weekends),
    ):
        pattern = phrase_pattern(named)
        if pattern is not None:
            phrases.append((pattern, keyword))
    run_words = {
        word
        for phrase in (
            *lexicon.daily,
            *lexicon.weekdays,
            *lexicon.weekends,
            *lexicon.day_fillers,
            *lexicon.day_range,
        )
        for word in phrase.split()
    }
    return Words(language, lexicon, days, months, decimal_comma, tuple(phrases), frozenset(run_words))
