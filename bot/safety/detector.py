"""The crisis detector: a compiled phrase list, and checking a message against it.

:class:`CrisisDetector` checks a message against a maintained phrase list
(``safety_data/phrases.toml``, plus any files the operator adds). It says only *whether* a phrase
matched and in which language's list; it never returns, keeps or logs the text. Messages and
phrases are first brought to one spelling by :mod:`bot.safety.normalise`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.safety.files import DEFAULT_PHRASES, SafetyDataError, read_toml
from bot.safety.normalise import phrase_words, tokenize


@dataclass(frozen=True)
class CrisisCheck:
    """The outcome of one check: whether a crisis phrase matched, and from which language's list.

    Deliberately carries nothing of the message itself, so it is safe to pass around and log.
    """

    matched: bool
    language: str | None


_NO_MATCH = CrisisCheck(matched=False, language=None)

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

    How a check works: the message is normalised into words (see
    :func:`bot.safety.normalise.tokenize`); each distinct word is looked up once in indexes of
    the phrase words (exact words, prefix stems, and one-deletion neighbourhoods for the typo
    tolerance, so no per-phrase scan of the text); then phrases are tried only where their first
    word occurs, each remaining word within its allowed gap.

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
                pieces = phrase_words(body)
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
                pieces = phrase_words(body)
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
        tokens = tokenize(text)
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


def _read_phrase_file(path: Path) -> dict[str, list[str]]:
    data = read_toml(path, "crisis phrase file")
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
