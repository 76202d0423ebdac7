"""Noticing messages that suggest crisis or self-harm, and the crisis resources to answer with.

Two halves, both plain data in, plain data out:

* :class:`CrisisDetector` checks a message against a maintained phrase list
  (``safety_data/phrases.toml``, plus any files the operator adds). It says only *whether* a
  phrase matched and in which language's list; it never returns, keeps or logs the text.
* :func:`load_resources` reads the crisis lines (``safety_data/resources.toml``, or the
  operator's own file) and :meth:`Resources.for_person` picks the ones for a person's country or,
  failing that, their Telegram language.

The check is deliberately simple: phrases, not scores or diagnoses. It is generous (false
positives are acceptable, misses are not) and negation-insensitive on purpose ("I don't want to
die" matches). A person saying "that's not what I meant" changes nothing: every message is
checked on its own.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

_DATA_DIR = Path(__file__).resolve().parent / "safety_data"
DEFAULT_PHRASES = _DATA_DIR / "phrases.toml"
DEFAULT_RESOURCES = _DATA_DIR / "resources.toml"


class SafetyDataError(ConfigError):
    """A phrase or resources file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class CrisisCheck:
    """The outcome of one check: whether a crisis phrase matched, and from which language's list.

    Deliberately carries nothing of the message itself, so it is safe to pass around and log.
    """

    matched: bool
    language: str | None


_NO_MATCH = CrisisCheck(matched=False, language=None)

# ---------------------------------------------------------------------------------------------
# Normalisation: the same steps run on the phrase list and on every message, so that both meet
# in one spelling. Each step exists because people type that way (or dodge filters that way).
# ---------------------------------------------------------------------------------------------

# Apostrophes vanish rather than split words: "can't" is one word in English ("cant"), "п'ять"
# is one word in Ukrainian, and French elisions become "jai", "den" (phrases are written to suit).
_APOSTROPHES = ("'", "`", "\u2019", "\u2018", "\u02bc", "\u02b9", "\u2032")
# Letters that Unicode does not decompose into a base letter plus a mark, but that people often
# type without: Polish ł, Nordic ø, Turkish dotless ı, and so on.
_PLAIN_LETTERS = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"}
# Leetspeak, applied only inside words that also contain letters: "k1ll" -> "kill", but "988" and
# "3 pills" keep their digits.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
# Lookalike letters, used when one word mixes Latin and Cyrillic ("kіll" with a Cyrillic і): the
# minority script's lookalikes are mapped to the majority script.
_CYRILLIC_TO_LATIN = {
    "а": "a",
    "в": "b",
    "е": "e",
    "і": "i",
    "ј": "j",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
}
_LATIN_TO_CYRILLIC = {latin: cyrillic for cyrillic, latin in _CYRILLIC_TO_LATIN.items()}

# A word: letters and digits. Underscores, hyphens and every other punctuation mark separate words.
_WORD = re.compile(r"[^\W_]+")
# The symbols leetspeak uses, where they stand for a letter: "$uicide", "k!ll", "@ll".
_LEET_SYMBOLS = re.compile(r"[@$](?=[^\W_])|(?<=[^\W_])[@$!](?=[^\W_])|(?<=[^\W_])[@$]")
_MIN_SPACED_RUN = 3  # "k i l l" is spaced out; two single letters ("a b") are too common to mean it
# Words either side of a joined run that are searched with it: "i want to d i e 0" joins to
# "dieo", and "want", "to" are needed to see the phrase in "wanttodieo".
_RUN_CONTEXT = 2
_REPEATS = re.compile(r"(\w)\1+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_LATIN = re.compile(r"[a-z]")

# What to do with each non-ASCII character met so far: None (drop it), or its replacement.
# Filled lazily, one character at a time, so no table of all of Unicode is built at import; it
# only ever holds single characters, never anything longer a person wrote.
_CHAR_FIXES: dict[str, str | None] = {}


def _char_fix(char: str) -> str | None:
    """What to put in place of a non-ASCII character, or None to keep it as it is."""
    try:
        return _CHAR_FIXES[char]
    except KeyError:
        pass
    fix: str | None = None
    if char in _PLAIN_LETTERS:
        fix = _PLAIN_LETTERS[char]
    # Cf: zero-width spaces and joiners, soft hyphens, left-to-right and right-to-left marks and
    # overrides. Mn: combining accents, which strips é to e and й to и but keeps Cyrillic, Greek
    # and every other letter as the letter it is.
    elif char in _APOSTROPHES or unicodedata.category(char) in ("Cf", "Mn"):
        fix = ""
    _CHAR_FIXES[char] = fix
    return fix


def _clean(text: str) -> str:
    """Fold case, compatibility forms (fullwidth, 𝐛𝐨𝐥𝐝), accents and invisible characters."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text).casefold()
        # str.replace per distinct character is much faster than str.translate with a dict.
        for char in set(text):
            if char > "\x7f":
                fix = _char_fix(char)
                if fix is not None:
                    text = text.replace(char, fix)
    return text.replace("'", "").replace("`", "")


def _collapse(word: str) -> str:
    """Collapse repeated letters: "diiie" -> "die", and also "kill" -> "kil" (both sides)."""
    return _REPEATS.sub(r"\1", word)


def _unmix_scripts(word: str) -> str:
    """Map lookalike letters of a word that mixes Latin and Cyrillic to its main script."""
    latin = sum(1 for char in word if "a" <= char <= "z")
    cyrillic = sum(1 for char in word if "\u0400" <= char <= "\u04ff")
    if not latin or not cyrillic:
        return word
    table = _CYRILLIC_TO_LATIN if latin >= cyrillic else _LATIN_TO_CYRILLIC
    return "".join(table.get(char, char) for char in word)


def _fix_word(raw: str) -> str:
    """Undo leetspeak and mixed scripts in one word; words without letters keep only digits."""
    if raw.isalpha():
        word = raw
    elif _HAS_LETTER.search(raw):
        word = raw.translate(_LEET)
    else:
        return "".join(char for char in raw if char.isdigit())
    if not word.isascii():
        word = _unmix_scripts(word)
    return _collapse(word)


def _needs_fixing(raw: str) -> bool:
    return not raw.isalpha() or (not raw.isascii() and _HAS_LATIN.search(raw) is not None)


def _words(text: str) -> list[str]:
    """The normalised words of a phrase-list entry (no joining of spaced letters there)."""
    return [_fix_word(raw) for raw in _WORD.findall(_clean(text))]


@dataclass(frozen=True)
class _Tokens:
    words: list[str]
    # Spaced-out letters joined back together ("k i l l m y s e l f" -> "kilmyself"), each with
    # the words around it, to search without word boundaries.
    joined_runs: list[str]


def _tokenize(text: str) -> _Tokens:
    """Normalise a message into words, joining runs of spaced-out single letters.

    Written for speed on long messages: every per-word step runs once per distinct word, and the
    collapsing of repeated letters runs once over all distinct words joined together.
    """
    text = _clean(text)
    if "$" in text or "@" in text or "!" in text:
        text = _LEET_SYMBOLS.sub(lambda match: match.group().translate(_LEET), text)
    raws = _WORD.findall(text)
    raws, runs = _join_spaced(raws)
    if not raws:
        return _Tokens([], [])
    distinct = list(dict.fromkeys(raws))
    collapsed = _REPEATS.sub(r"\1", "\n".join(distinct)).split("\n")
    normal = {
        raw: _fix_word(word) if _needs_fixing(word) else word
        for raw, word in zip(distinct, collapsed, strict=True)
    }
    words = list(map(normal.__getitem__, raws))
    if "" in normal.values():  # a "word" of symbols that are neither letters nor digits
        words = [word for word in words if word]
    joined_runs = []
    for run in runs:
        run_word = normal[run]
        for i, word in enumerate(words):
            if word == run_word:
                window = words[max(i - _RUN_CONTEXT, 0) : i + _RUN_CONTEXT + 1]
                joined_runs.append(_collapse("".join(window)))
    return _Tokens(words, joined_runs)


def _join_spaced(raws: list[str]) -> tuple[list[str], list[str]]:
    """Join runs of single letters or digits ("k", "i", "l", "l") into one word ("kill")."""
    singles = [i for i, raw in enumerate(raws) if len(raw) == 1]
    if len(singles) < _MIN_SPACED_RUN:
        return raws, []
    joined: list[str] = []
    runs: list[str] = []
    start = 0  # first index of raws not yet copied into joined
    i = 0
    while i < len(singles):
        end = i
        while end + 1 < len(singles) and singles[end + 1] == singles[end] + 1:
            end += 1
        pieces = raws[singles[i] : singles[end] + 1]
        # At least three letters, so "4 a.m. 3" stays as it is while "k 1 l l" is joined.
        if sum(piece.isalpha() for piece in pieces) >= _MIN_SPACED_RUN:
            joined.extend(raws[start : singles[i]])
            word = "".join(pieces)
            joined.append(word)
            runs.append(word)
            start = singles[end] + 1
        i = end + 1
    if not runs:
        return raws, []
    joined.extend(raws[start:])
    return joined, runs


# ---------------------------------------------------------------------------------------------
# The phrase list, compiled.
# ---------------------------------------------------------------------------------------------

MAX_GAP = 2
"""How many other words ``~`` lets stand between two words of a phrase."""
_FUZZY_MIN_LENGTH = 5  # words this long (after collapsing repeats) tolerate one typo
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_ALTERNATIVE = re.compile(r"(=?)([^*=|]+)(\*?)")
# In the joined-letters search, how far a stem may run on and how much a gap may hold.
_COMPACT_STEM_TAIL = r"\w{0,10}?"
_COMPACT_GAP = r"\w{0,16}?"


@dataclass(frozen=True)
class _Word:
    text: str
    stem: bool
    fuzzy: bool


@dataclass(frozen=True)
class _Slot:
    gap_before: int  # how many other words may come between the previous slot and this one
    words: frozenset[int]  # ids of the _Word alternatives


@dataclass(frozen=True)
class _Phrase:
    language: str
    slots: tuple[_Slot, ...]


def _within_one_edit(a: str, b: str) -> bool:
    """True if ``a`` becomes ``b`` with at most one insertion, deletion, change or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        if len(diffs) == 2:
            i, j = diffs
            return j == i + 1 and a[i] == b[j] and a[j] == b[i]
        return False
    if abs(la - lb) != 1:
        return False
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _deletions(word: str) -> Iterable[str]:
    """The word itself and every way of deleting one of its letters."""
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


class CrisisDetector:
    """Checks messages against a compiled crisis phrase list.

    Build it once (``CrisisDetector.default()``) and share it: :meth:`check` only reads.

    How a check works: the message is normalised into words (see ``_tokenize``); each distinct
    word is looked up once in indexes of the phrase words (exact words, prefix stems, and
    one-deletion neighbourhoods for the typo tolerance, so no per-phrase scan of the text);
    then phrases are tried only where their first word occurs, each remaining word within
    its allowed gap.

    Measured with the packaged list (CPU time, CPython 3.11, one core of a modest shared cloud
    VM): about 0.15 ms for a typical message of 250 characters; about 1.5 ms for 4096 characters
    (Telegram's maximum) of ordinary prose, where nearly every word is new to the check; 50 to
    80 ms to build the detector, once at start-up. Not a test: timings are not asserted.
    """

    def __init__(self, phrases: Mapping[str, Sequence[str]], *, source: str = "phrases") -> None:
        """Compile ``phrases`` (language code -> phrase strings); ``source`` names them in errors."""
        self._words: list[_Word] = []
        word_ids: dict[_Word, int] = {}
        self._phrases: list[_Phrase] = []
        for language, entries in phrases.items():
            if not _LANGUAGE_CODE.fullmatch(language):
                raise SafetyDataError(
                    f"{source}: {language!r} is not a language code (two or three lowercase letters)"
                )
            for entry in entries:
                slots = self._parse(entry, word_ids, f"{source}: [{language}] {entry!r}")
                self._phrases.append(_Phrase(language, slots))
        self._languages = tuple(dict.fromkeys(phrase.language for phrase in self._phrases))
        self._build_indexes()

    # -- construction ---------------------------------------------------------------------

    def _parse(self, entry: str, word_ids: dict[_Word, int], where: str) -> tuple[_Slot, ...]:
        slots: list[_Slot] = []
        gap = 0
        for part in entry.split():
            if part == "~":
                if not slots or gap:
                    raise SafetyDataError(f"{where}: '~' must stand between two words")
                gap = MAX_GAP
                continue
            alternatives = part.split("|")
            parsed = []
            for alternative in alternatives:
                match = _ALTERNATIVE.fullmatch(alternative)
                if not match:
                    raise SafetyDataError(f"{where}: cannot read the word {alternative!r}")
                exact, body, star = match.groups()
                parsed.append((body, bool(star), not exact))
            if len(parsed) == 1:
                # A single word may normalise into several ("self-harm*", "l'air" stays one):
                # they become consecutive words, the star and "=" applying to the last.
                body, stem, fuzzy = parsed[0]
                pieces = _words(body)
                if not pieces:
                    raise SafetyDataError(f"{where}: {part!r} has no letters")
                for n, piece in enumerate(pieces):
                    last = n == len(pieces) - 1
                    word = _Word(piece, stem and last, fuzzy)
                    slots.append(_Slot(gap, frozenset({self._word_id(word, word_ids)})))
                    gap = 0
                continue
            ids = set()
            for body, stem, fuzzy in parsed:
                pieces = _words(body)
                if len(pieces) != 1:
                    raise SafetyDataError(f"{where}: the alternative {body!r} must be a single word")
                ids.add(self._word_id(_Word(pieces[0], stem, fuzzy), word_ids))
            slots.append(_Slot(gap, frozenset(ids)))
            gap = 0
        if not slots:
            raise SafetyDataError(f"{where}: the phrase is empty")
        if gap:
            raise SafetyDataError(f"{where}: '~' must stand between two words")
        return tuple(slots)

    def _word_id(self, word: _Word, word_ids: dict[_Word, int]) -> int:
        if word not in word_ids:
            word_ids[word] = len(self._words)
            self._words.append(word)
        return word_ids[word]

    def _build_indexes(self) -> None:
        # Exact words: one dict lookup per distinct word of the message.
        self._exact: dict[str, frozenset[int]] = {}
        # Stems, and the typo neighbourhoods of long words and stems, live in tries (nested
        # dicts, one character per level) so that a message word is walked through them once
        # instead of slicing it at every stem length; a walk stops where no phrase word goes.
        self._trie: _Trie = {}
        for word_id, word in enumerate(self._words):
            text = word.text
            if word.stem:
                _trie_add(self._trie, text, _EXACT_STEM_END, word_id)
            else:
                self._exact[text] = self._exact.get(text, _NOTHING) | {word_id}
            if word.fuzzy and len(text) >= _FUZZY_MIN_LENGTH:
                # Symmetric deletion: a typo'd word and the phrase word meet in the set of
                # strings that each becomes with at most one letter deleted. Candidates found
                # this way are then confirmed with a real edit-distance check.
                for variant in _deletions(text):
                    _trie_add(self._trie, variant, _STEM_END if word.stem else _WORD_END, word_id)
        self._by_first: dict[int, list[_Phrase]] = {}
        for phrase in self._phrases:
            for word_id in phrase.slots[0].words:
                self._by_first.setdefault(word_id, []).append(phrase)
        self._compact = [
            (
                language,
                re.compile(
                    "|".join(
                        self._compact_pattern(phrase)
                        for phrase in self._phrases
                        if phrase.language == language
                    )
                ),
            )
            for language in self._languages
        ]

    def _compact_pattern(self, phrase: _Phrase) -> str:
        parts = []
        for slot in phrase.slots:
            if slot.gap_before:
                parts.append(_COMPACT_GAP)
            alternatives = sorted(
                re.escape(self._words[i].text) + (_COMPACT_STEM_TAIL if self._words[i].stem else "")
                for i in slot.words
            )
            parts.append("(?:" + "|".join(alternatives) + ")")
        return "".join(parts)

    @classmethod
    def from_files(cls, *paths: Path) -> CrisisDetector:
        """Build a detector from phrase files, merged in order (same language: lists joined)."""
        merged: dict[str, list[str]] = {}
        for path in paths:
            for language, entries in _read_phrase_file(path).items():
                merged.setdefault(language, []).extend(entries)
        return cls(merged, source=", ".join(str(path) for path in paths))

    @classmethod
    def default(cls, extra_files: Iterable[Path] = ()) -> CrisisDetector:
        """The packaged phrase list, plus any files the operator adds."""
        return cls.from_files(DEFAULT_PHRASES, *extra_files)

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes that have phrases, in file order."""
        return self._languages

    # -- checking -------------------------------------------------------------------------

    def check(self, text: str) -> CrisisCheck:
        """Whether ``text`` contains a crisis phrase, and the language of the list it matched."""
        tokens = _tokenize(text)
        words = tokens.words
        looked_up = {word: self._lookup(word) for word in set(words)}
        matches = [looked_up[word][1] for word in words]
        starts = {word: self._starting_with(ids) for word, (_, ids) in looked_up.items() if ids}
        with_typo = None
        for position, word in enumerate(words):
            for phrase in starts.get(word, ()):
                if self._rest_matches(phrase.slots, 1, position + 1, matches):
                    # A phrase matched without a typo wins over one that needs a typo, so the
                    # language reported is right: "Suizid" is German before it is a misspelt
                    # "suicide".
                    if self._matches_exactly(phrase, position, words, looked_up):
                        return CrisisCheck(matched=True, language=phrase.language)
                    with_typo = with_typo or phrase
        if with_typo is not None:
            return CrisisCheck(matched=True, language=with_typo.language)
        for run in tokens.joined_runs:
            for language, pattern in self._compact:
                if pattern.search(run):
                    return CrisisCheck(matched=True, language=language)
        return _NO_MATCH

    def _matches_exactly(
        self,
        phrase: _Phrase,
        position: int,
        words: list[str],
        looked_up: dict[str, tuple[frozenset[int], frozenset[int]]],
    ) -> bool:
        exact = [looked_up[word][0] for word in words[position:]]
        return not phrase.slots[0].words.isdisjoint(exact[0]) and self._rest_matches(
            phrase.slots, 1, 1, exact
        )

    def _starting_with(self, ids: frozenset[int]) -> list[_Phrase]:
        return [phrase for word_id in ids for phrase in self._by_first.get(word_id, ())]

    def _rest_matches(
        self, slots: tuple[_Slot, ...], index: int, start: int, matches: list[frozenset[int]]
    ) -> bool:
        if index == len(slots):
            return True
        slot = slots[index]
        for position in range(start, min(start + slot.gap_before + 1, len(matches))):
            if not slot.words.isdisjoint(matches[position]) and self._rest_matches(
                slots, index + 1, position + 1, matches
            ):
                return True
        return False

    def _lookup(self, word: str) -> tuple[frozenset[int], frozenset[int]]:
        """Ids of the phrase words that ``word`` stands for: exactly or by stem, then also those
        it is one typo away from."""
        exact = self._exact.get(word, _NOTHING)
        fuzzy = len(word) >= _FUZZY_MIN_LENGTH - 1
        candidates: list[set[int]] = []
        # Walk the word itself down the trie (exact stems are found on the way), remembering
        # the path ...
        path = [self._trie]
        node: Any = self._trie
        for char in word:
            node = node.get(char)
            if node is None:
                break
            path.append(node)
            if _EXACT_STEM_END in node:
                exact = exact | node[_EXACT_STEM_END]
            if fuzzy and _STEM_END in node:
                candidates.append(node[_STEM_END])
        else:
            if fuzzy and _WORD_END in node:
                candidates.append(node[_WORD_END])
        if not fuzzy:
            return exact, exact
        # ... then the word with one letter deleted, resuming from the path where the deleted
        # letter was. Deleting a letter after the point where the word left the trie cannot
        # lead anywhere new, so only earlier ones are tried.
        for deleted in range(min(len(path), len(word))):
            node = path[deleted]
            for char in word[deleted + 1 :]:
                node = node.get(char)
                if node is None:
                    break
                if _STEM_END in node:
                    candidates.append(node[_STEM_END])
            else:
                if _WORD_END in node:
                    candidates.append(node[_WORD_END])
        if not candidates:
            return exact, exact
        typos = {
            word_id
            for word_id in set().union(*candidates)
            if word_id not in exact and self._confirm(word, self._words[word_id])
        }
        return exact, exact | typos if typos else exact

    @staticmethod
    def _confirm(word: str, target: _Word) -> bool:
        """Whether ``word`` is really within one typo of ``target`` (a candidate from the trie)."""
        text = target.text
        if not target.stem:
            return _within_one_edit(word, text)
        # For a stem, some beginning of the word must be one typo away from it. The typo must be
        # inside the stem, not at its end: otherwise "overdos*" would turn into "overdo*" and
        # catch "overdone".
        for length in (len(text) - 1, len(text), len(text) + 1):
            prefix = word[:length]
            if len(prefix) == length and prefix[-1] == text[-1] and _within_one_edit(prefix, text):
                return True
        return False


_NOTHING: frozenset[int] = frozenset()
# A trie node: a character leads to the next node; the keys below hold sets of word ids.
_Trie = dict[str, Any]
# Trie keys that cannot be characters of a word. Where a stem ends (any longer word matches
# too); where a one-deletion variant of a long stem or of a long word ends (a candidate, still to
# be confirmed; for a word, the message word must end there as well).
_EXACT_STEM_END = "\0stem"
_STEM_END = "\0stem~"
_WORD_END = "\0word~"


def _trie_add(trie: _Trie, text: str, end: str, word_id: int) -> None:
    node = trie
    for char in text:
        node = node.setdefault(char, {})
    node.setdefault(end, set()).add(word_id)


def _read_toml(path: Path, what: str) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SafetyDataError(f"{what} {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise SafetyDataError(f"{what} {path} is not valid TOML: {error}") from None
    except OSError as error:
        raise SafetyDataError(f"{what} {path} cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SafetyDataError(f"{what} {path} is not UTF-8 text") from None


def _read_phrase_file(path: Path) -> dict[str, list[str]]:
    data = _read_toml(path, "crisis phrase file")
    phrases: dict[str, list[str]] = {}
    for language, table in data.items():
        where = f"crisis phrase file {path}: [{language}]"
        if not isinstance(table, dict):
            raise SafetyDataError(f"{where} must be a table with a 'phrases' list")
        unknown = set(table) - {"phrases"}
        if unknown:
            raise SafetyDataError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
        entries = table.get("phrases")
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise SafetyDataError(f"{where}: 'phrases' must be a list of strings")
        phrases[language] = entries
    if not phrases:
        raise SafetyDataError(f"crisis phrase file {path} has no phrases")
    return phrases


# ---------------------------------------------------------------------------------------------
# Crisis resources.
# ---------------------------------------------------------------------------------------------

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
        """
        countries = self._countries_for(language_code, country)
        chosen: list[Resource] = []
        for kind in KINDS:
            for code in countries:
                for entry in self.entries:
                    if entry.kind == kind and code in entry.countries and entry not in chosen:
                        chosen.append(entry)
        chosen.extend(entry for entry in self.entries if EVERYWHERE in entry.countries)
        return chosen

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
    data = _read_toml(path, what)
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
