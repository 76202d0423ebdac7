"""Normalising text for the crisis check: the one spelling phrases and messages meet in.

The same steps run on the phrase list (:func:`phrase_words`) and on every message
(:func:`tokenize`): case and compatibility forms folded, accents and invisible characters
dropped, leetspeak and mixed Latin/Cyrillic undone, repeated letters collapsed, and spaced-out
letters joined back together. Each step exists because people type that way (or dodge filters
that way).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


def phrase_words(text: str) -> list[str]:
    """The normalised words of a phrase-list entry (no joining of spaced letters there)."""
    return [_fix_word(raw) for raw in _WORD.findall(_clean(text))]


@dataclass(frozen=True)
class Tokens:
    words: list[str]
    # Spaced-out letters joined back together ("k i l l m y s e l f" -> "kilmyself"), each with
    # the words around it, to search without word boundaries.
    joined_runs: list[str]


def tokenize(text: str) -> Tokens:
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
        return Tokens([], [])
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
    return Tokens(words, joined_runs)


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
