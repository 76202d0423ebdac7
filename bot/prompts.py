"""The reflection prompt catalogue (from ``prompts/*.toml``) and the choice of the next prompt.

Catalogue format: one TOML file per theme.

    [theme]
    id = "noticing"              # lowercase letters, digits, "-" or "_"; at most 40 characters
    title = "What I noticed"     # the recap section heading, first person
    order = 20                   # recap sections are sorted by order, then id

    [[prompt]]
    id = "noticing-01"           # stable forever: stored with every answer
    text = "What are you noticing this week?"     # at most 300 characters

A prompt belongs to its file's ``[theme]``. It may name another theme with ``theme = "..."``, so
an operator's file can add prompts to a packaged theme without a ``[theme]`` table of its own.
Prompt and theme ids are unique across every loaded file; ids are short because a prompt id
travels in Telegram button data (64 bytes at most). To retire a prompt, delete it: answers keep
its id, and ``Catalogue.get`` returns ``None`` for ids that are gone.

Translations: the files above are English. A folder named after a language beside them
(``prompts/de/``) words the same themes and prompts in that language, under the same ids, in the
same format without ``order`` (a theme's ``id`` and ``title``, a prompt's ``id`` and ``text``)::

    [theme]
    id = "noticing"
    title = "Was mir aufgefallen ist"

    [[prompt]]
    id = "noticing-01"
    text = "Was fällt dir diese Woche an dir auf?"

:meth:`Catalogue.speaking` gives the catalogue in a language; whatever has no translation there
stays English. An id no English file defines is an error (a typo would otherwise go unseen).
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from bot.package_data import data_dir

SESSION_QUESTIONS = "session-questions"
"""Theme asked the day before a session."""
PRACTICE = "practice"
"""Theme asked right after a session."""
PRACTICE_CHECKIN = "practice-checkin"
"""Theme of the questions that come back to a practice ({practice}: the person's words)."""
EXPERIMENT_OUTCOME = "experiment-outcome"
"""Theme of the question after a small experiment ({try}, {expect}: the person's words)."""
SPECIAL_THEMES = frozenset({SESSION_QUESTIONS, PRACTICE, PRACTICE_CHECKIN, EXPERIMENT_OUTCOME})

REPEAT_WINDOW = timedelta(days=14)
"""A prompt asked less than this long ago is not asked again while any other prompt is possible."""

MAX_TEXT_LENGTH = 300
MAX_TITLE_LENGTH = 100
_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_THEME_KEYS = frozenset({"id", "title", "order"})
_PROMPT_KEYS = frozenset({"id", "text", "theme"})
_TOP_LEVEL_KEYS = frozenset({"theme", "prompt"})
_LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
# Used to point an operator at the line of the n-th [[prompt]] (tomllib reports no positions
# for well-formed TOML, only for syntax errors).
_PROMPT_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*prompt[ \t]*\]\]", re.MULTILINE)
_THEME_HEADER = re.compile(r"^[ \t]*\[[ \t]*theme[ \t]*\]", re.MULTILINE)


class CatalogueError(Exception):
    """The prompt files cannot be used; the message lists every problem with its file."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        heading = (
            "the prompt catalogue has 1 problem"
            if count == 1
            else (f"the prompt catalogue has {count} problems")
        )
        super().__init__(heading + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True)
class Theme:
    """A group of prompts; its title heads a section of the recap."""

    id: str
    title: str
    order: int


@dataclass(frozen=True)
class Prompt:
    """One reflection question."""

    id: str
    theme: str
    text: str


@dataclass(frozen=True)
class Translation:
    """One language's wording of the catalogue: theme titles and prompt texts by id."""

    titles: Mapping[str, str] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)


class Catalogue:
    """All loaded themes and prompts, with lookups by id and theme."""

    def __init__(
        self,
        prompts: Iterable[Prompt],
        themes: Mapping[str, Theme],
        translations: Mapping[str, Translation] | None = None,
    ) -> None:
        """Index ``prompts`` and ``themes``; ``themes`` is kept sorted by (order, id)."""
        self.translations: dict[str, Translation] = dict(translations or {})
        self._speaking: dict[str, Catalogue] = {}
        self.prompts: tuple[Prompt, ...] = tuple(prompts)
        self.themes: dict[str, Theme] = {
            t.id: t for t in sorted(themes.values(), key=lambda t: (t.order, t.id))
        }
        self._by_id: dict[str, Prompt] = {}
        self._by_theme: dict[str, list[Prompt]] = {theme_id: [] for theme_id in self.themes}
        for prompt in self.prompts:
            if prompt.id in self._by_id:
                raise CatalogueError([f"prompt id {prompt.id!r} is used twice"])
            if prompt.theme not in self._by_theme:
                raise CatalogueError([f"prompt {prompt.id!r} names unknown theme {prompt.theme!r}"])
            self._by_id[prompt.id] = prompt
            self._by_theme[prompt.theme].append(prompt)

    def get(self, prompt_id: str) -> Prompt | None:
        """Return the prompt with this id, or ``None`` if no loaded file defines it (any more)."""
        return self._by_id.get(prompt_id)

    def by_theme(self, theme_id: str) -> tuple[Prompt, ...]:
        """Return the prompts of a theme in file order (empty for an unknown theme)."""
        return tuple(self._by_theme.get(theme_id, ()))

    def ordered_themes(self) -> tuple[Theme, ...]:
        """Return the themes in recap order (by ``order``, then id)."""
        return tuple(self.themes.values())

    def __len__(self) -> int:
        return len(self.prompts)

    def speaking(self, language: str) -> Catalogue:
        """The same themes and prompts under the same ids, worded in ``language`` where it has a
        translation (English otherwise). Built once per language."""
        translation = self.translations.get(language)
        if translation is None:
            return self
        worded = self._speaking.get(language)
        if worded is None:
            worded = Catalogue(
                (replace(p, text=translation.texts.get(p.id, p.text)) for p in self.prompts),
                {i: replace(t, title=translation.titles.get(i, t.title)) for i, t in self.themes.items()},
            )
            self._speaking[language] = worded
        return worded

    def untranslated(self, language: str) -> list[str]:
        """The theme and prompt ids ``language`` has no wording for (empty: complete)."""
        translation = self.translations.get(language, Translation())
        return [t for t in self.themes if t not in translation.titles] + [
            p.id for p in self.prompts if p.id not in translation.texts
        ]


# --- loading ---------------------------------------------------------------------------------


@dataclass
class _Where:
    """Where a definition came from, for error messages."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}" if self.line else str(self.path)


def load_catalogue(*extra_dirs: Path, include_packaged: bool = True) -> Catalogue:
    """Load the packaged prompts plus every ``*.toml`` in ``extra_dirs`` and validate them all.

    Files load in name order, packaged folder first. Hidden files (``.name.toml``, as editors
    leave behind) are skipped. An extra folder that does not exist is an error; an empty one
    adds nothing. ``include_packaged=False`` loads only ``extra_dirs`` (for tests and tools).
    Raises ``CatalogueError`` listing every problem found, each naming its file.
    """
    dirs = ([data_dir("prompts")] if include_packaged else []) + [Path(d) for d in extra_dirs]
    problems: list[str] = []
    themes: dict[str, tuple[Theme, _Where]] = {}
    prompts: dict[str, tuple[Prompt, _Where]] = {}
    for folder in dirs:
        if not folder.is_dir():
            problems.append(f"{folder}: prompts folder does not exist")
            continue
        for path in sorted(folder.glob("*.toml")):
            if not path.name.startswith("."):
                _load_file(path, themes, prompts, problems)

    used_themes = {prompt.theme for prompt, _ in prompts.values()}
    for prompt, where in prompts.values():
        if prompt.theme not in themes:
            problems.append(
                f"{where}: prompt {prompt.id!r} names theme {prompt.theme!r}, which no file defines"
            )
    for theme, where in themes.values():
        if theme.id not in used_themes:
            problems.append(f"{where}: theme {theme.id!r} has no prompts")
    translations: dict[str, Translation] = {}
    for folder in dirs:
        for language_dir in sorted(folder.iterdir()) if folder.is_dir() else ():
            if language_dir.is_dir() and not language_dir.name.startswith((".", "_")):
                translation = translations.setdefault(language_dir.name, Translation({}, {}))
                _load_translations(language_dir, themes, prompts, translation, problems)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        (prompt for prompt, _ in prompts.values()),
        {theme_id: theme for theme_id, (theme, _) in themes.items()},
        translations,
    )


def _load_translations(
    folder: Path,
    themes: Mapping[str, object],
    prompts: Mapping[str, object],
    translation: Translation,
    problems: list[str],
) -> None:
    """Read one language's folder into ``translation``, noting every problem."""
    if not _LANGUAGE_FOLDER.fullmatch(folder.name):
        problems.append(f"{folder}: a translation folder is named after its language (de, pt_BR)")
        return
    titles, texts = translation.titles, translation.texts
    assert isinstance(titles, dict) and isinstance(texts, dict)
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("."):
            continue
        try:
            document = tomllib.loads(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path}: cannot be read as UTF-8 TOML ({exc})")
            continue
        if set(document) - _TOP_LEVEL_KEYS:
            problems.append(f"{path}: expected a [theme] table and [[prompt]] entries only")
        tables = [("[theme]", document.get("theme"), ("id", "title"), themes, titles, MAX_TITLE_LENGTH)]
        entries = document.get("prompt", [])
        tables += [(f"[[prompt]] #{n}", e, ("id", "text"), prompts, texts, MAX_TEXT_LENGTH)
                   for n, e in enumerate(entries if isinstance(entries, list) else [entries], 1)]  # fmt: skip
        for label, table, keys, known, into, limit in tables:
            if table is None and label == "[theme]":
                continue
            if not isinstance(table, dict) or set(table) != set(keys):
                problems.append(f"{path}: {label} holds exactly {_names(keys)}")
                continue
            key, words = table[keys[0]], table[keys[1]]
            if key not in known:
                problems.append(f"{path}: {label} translates {key!r}, which no English file defines")
            elif key in into:
                problems.append(f"{path}: {label} translates {key!r} a second time")
            elif not isinstance(words, str) or not words.strip() or len(words.strip()) > limit:
                problems.append(f"{path}: {label} ({key!r}) needs text of 1 to {limit} characters")
            else:
                into[key] = words.strip()


def _load_file(
    path: Path,
    themes: dict[str, tuple[Theme, _Where]],
    prompts: dict[str, tuple[Prompt, _Where]],
    problems: list[str],
) -> None:
    """Parse one file into ``themes`` and ``prompts``, appending what is wrong to ``problems``."""
    try:
        source = path.read_bytes().decode("utf-8")
    except OSError as exc:
        problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
        return
    except UnicodeDecodeError:
        problems.append(f"{path}: is not UTF-8 text")
        return
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        # The message carries "(at line N, column M)".
        problems.append(f"{path}: is not valid TOML: {exc}")
        return

    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        problems.append(
            f"{path}: unknown top-level key(s) {_names(unknown)}; "
            "expected a [theme] table and [[prompt]] entries"
        )
    if "theme" not in document and "prompt" not in document:
        problems.append(f"{path}: defines no [theme] and no [[prompt]]")
        return

    file_theme: str | None = None
    # When the file's [theme] is unusable its prompts are still checked, but not kept: keeping
    # them would only add "names a theme no file defines" to the problem already reported.
    keep_prompts = True
    if "theme" in document:
        where = _Where(path, _nth_line(_THEME_HEADER, source, 0, 1))
        theme = _parse_theme(document["theme"], where, problems)
        if theme is None:
            keep_prompts = False
            raw_id = document["theme"].get("id") if isinstance(document["theme"], dict) else None
            file_theme = raw_id if isinstance(raw_id, str) else "?"
        else:
            file_theme = theme.id
            if theme.id in themes:
                problems.append(f"{where}: theme id {theme.id!r} is already defined in {themes[theme.id][1]}")
            else:
                themes[theme.id] = (theme, where)

    entries = document.get("prompt", [])
    if not isinstance(entries, list):
        problems.append(f"{path}: write each prompt as a [[prompt]] table (double brackets)")
        return
    for index, entry in enumerate(entries):
        where = _Where(path, _nth_line(_PROMPT_HEADER, source, index, len(entries)))
        prompt = _parse_prompt(entry, index, file_theme, where, problems)
        if prompt is None or not keep_prompts:
            continue
        if prompt.id in prompts:
            problems.append(f"{where}: prompt id {prompt.id!r} is already used in {prompts[prompt.id][1]}")
        else:
            prompts[prompt.id] = (prompt, where)


def _parse_theme(table: object, where: _Where, problems: list[str]) -> Theme | None:
    """Validate a ``[theme]`` table; return ``None`` (after noting why) if it is unusable."""
    if not isinstance(table, dict):
        problems.append(f"{where}: theme must be a [theme] table")
        return None
    if not _check_keys(table, _THEME_KEYS, _THEME_KEYS, "[theme]", where, problems):
        return None
    ok = _check_id(table["id"], "theme", where, problems)
    title, order = table["title"], table["order"]
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: theme title must be non-empty text")
        ok = False
    elif len(title.strip()) > MAX_TITLE_LENGTH:
        problems.append(f"{where}: theme title is over {MAX_TITLE_LENGTH} characters")
        ok = False
    # bool is a subclass of int in Python; `order = true` is a mistake, not the number 1.
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(f"{where}: theme order must be a whole number")
        ok = False
    return Theme(id=table["id"], title=title.strip(), order=order) if ok else None


def _parse_prompt(
    entry: object, index: int, file_theme: str | None, where: _Where, problems: list[str]
) -> Prompt | None:
    """Validate one ``[[prompt]]`` table; return ``None`` (after noting why) if it is unusable."""
    label = f"[[prompt]] #{index + 1}"
    if not isinstance(entry, dict):
        problems.append(f"{where}: {label} must be a table")
        return None
    if isinstance(entry.get("id"), str):
        label += f" ({entry['id']!r})"
    if not _check_keys(entry, _PROMPT_KEYS, ("id", "text"), label, where, problems):
        return None
    ok = _check_id(entry["id"], "prompt", where, problems)
    theme = entry.get("theme", file_theme)
    if theme is None:
        problems.append(f'{where}: {label} needs theme = "...", as this file has no [theme]')
        ok = False
    elif not isinstance(theme, str):
        problems.append(f"{where}: {label} theme must be text")
        ok = False
    text = entry["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: {label} has empty text")
        ok = False
    elif len(text.strip()) > MAX_TEXT_LENGTH:
        problems.append(
            f"{where}: {label} text is {len(text.strip())} characters; the limit is {MAX_TEXT_LENGTH}"
        )
        ok = False
    if not ok:
        return None
    assert isinstance(theme, str) and isinstance(text, str)  # narrowed by the checks above
    return Prompt(id=entry["id"], theme=theme, text=text.strip())


def _check_keys(
    table: dict[str, object],
    allowed: frozenset[str],
    required: Collection[str],
    label: str,
    where: _Where,
    problems: list[str],
) -> bool:
    """Note unknown and missing keys of ``table``; return whether it has all required keys."""
    unknown = sorted(set(table) - allowed)
    missing = sorted(set(required) - set(table))
    if unknown:
        problems.append(f"{where}: {label} has unknown key(s) {_names(unknown)}; allowed: {_names(allowed)}")
    if missing:
        problems.append(f"{where}: {label} is missing {_names(missing)}")
    return not missing


def _check_id(value: object, kind: str, where: _Where, problems: list[str]) -> bool:
    """Note an id that is not short lowercase text; return whether it is valid."""
    if isinstance(value, str) and _ID_PATTERN.fullmatch(value):
        return True
    problems.append(
        f"{where}: {kind} id {value!r} must be 1-40 characters of lowercase letters, digits, "
        "'-' or '_', starting with a letter or digit"
    )
    return False


def _nth_line(header: re.Pattern[str], source: str, index: int, expected: int) -> int | None:
    """Return the line of the ``index``-th match of ``header``, if the headers can be trusted.

    Only when the file holds exactly ``expected`` such headers: inline tables or headers inside
    multi-line strings would make the count (and so the line) wrong, and no line beats a wrong one.
    """
    starts = [m.start() for m in header.finditer(source)]
    if len(starts) != expected or index >= len(starts):
        return None
    return source.count("\n", 0, starts[index]) + 1


def _names(keys: Iterable[str]) -> str:
    return ", ".join(repr(k) for k in sorted(keys))


# --- choosing --------------------------------------------------------------------------------


class Situation(Enum):
    """Why a prompt is being asked, which decides whether a special theme is due."""

    ORDINARY = "ordinary"
    DAY_BEFORE_SESSION = "day_before_session"
    AFTER_SESSION = "after_session"
    PRACTICE_CHECKIN = "practice_checkin"  # coming back to a practice (bot/services/practice.py)
    EXPERIMENT_OUTCOME = "experiment_outcome"  # how a small experiment went


_SITUATION_THEME = {
    Situation.DAY_BEFORE_SESSION: SESSION_QUESTIONS,
    Situation.AFTER_SESSION: PRACTICE,
    Situation.PRACTICE_CHECKIN: PRACTICE_CHECKIN,
    Situation.EXPERIMENT_OUTCOME: EXPERIMENT_OUTCOME,
}


@dataclass(frozen=True)
class Asked:
    """A prompt the person was asked (answered, skipped or replaced alike)."""

    prompt_id: str
    theme: str
    asked_at: datetime


def choose_prompt(
    catalogue: Catalogue,
    *,
    history: Sequence[Asked],
    now: datetime,
    seed: int,
    situation: Situation = Situation.ORDINARY,
    exclude: Collection[str] = (),
) -> Prompt:
    """Choose the next prompt for one person.

    ``history`` is the person's recent prompts in any order (it is sorted by ``asked_at``; of
    two asked at the same instant, the one later in the sequence counts as newer). It should
    cover at least ``REPEAT_WINDOW``; a longer history makes theme rotation fairer. ``now`` and
    every ``asked_at`` must be alike (all timezone-aware, UTC from the store, is the intent).

    Rules, strongest first:
    1. ``DAY_BEFORE_SESSION`` asks from ``session-questions``, ``AFTER_SESSION`` from
       ``practice``; ``ORDINARY`` never asks from either. (If the due theme is missing from the
       catalogue, or fully excluded, the ordinary rules apply.)
    2. Prompts in ``exclude`` are avoided whenever any other prompt is possible.
    3. No prompt asked within ``REPEAT_WINDOW`` of ``now``; if every candidate was, the least
       recently asked one is chosen.
    4. Not the theme of the newest history entry, when another theme is possible.
    5. The theme asked least recently (never asked first), then its prompt asked least recently.

    Ties are broken by a local RNG seeded from (``seed``, ``now``'s date, ``len(history)``), so
    the same inputs always give the same prompt, and different people (seeds) differ.
    Raises ``ValueError`` if the catalogue holds no prompts.
    """
    if not catalogue.prompts:
        raise ValueError("the prompt catalogue holds no prompts")
    rng = random.Random(f"{seed}:{now.date().isoformat()}:{len(history)}")

    prompt_last: dict[str, datetime] = {}
    theme_last: dict[str, datetime] = {}
    newest_theme: str | None = None
    for asked in sorted(history, key=lambda a: a.asked_at):
        prompt_last[asked.prompt_id] = asked.asked_at
        theme_last[asked.theme] = asked.asked_at
        newest_theme = asked.theme

    pool = _candidate_pool(catalogue, situation, frozenset(exclude))
    fresh = [p for p in pool if p.id not in prompt_last or now - prompt_last[p.id] >= REPEAT_WINDOW]
    candidates = fresh or pool

    themes = sorted({p.theme for p in candidates})
    if len(themes) > 1 and newest_theme in themes:
        themes.remove(newest_theme)
    if fresh:
        theme = _pick_oldest(themes, theme_last, rng)
        in_theme = [p.id for p in candidates if p.theme == theme]
    else:
        # Everything was asked recently: the least recently asked prompt wins, whatever its theme.
        in_theme = [p.id for p in candidates if p.theme in themes]
    chosen = catalogue.get(_pick_oldest(in_theme, prompt_last, rng))
    assert chosen is not None  # candidates come from the catalogue
    return chosen


def _candidate_pool(catalogue: Catalogue, situation: Situation, exclude: frozenset[str]) -> list[Prompt]:
    """Return the prompts allowed in this situation, falling back tier by tier if none is left."""
    tiers: list[Iterable[Prompt]] = []
    special = _SITUATION_THEME.get(situation)
    if special is not None:
        tiers.append(catalogue.by_theme(special))
    tiers.append(p for p in catalogue.prompts if p.theme not in SPECIAL_THEMES)
    # Only a catalogue without ordinary prompts gets this far: asking something beats silence.
    tiers.append(catalogue.prompts)
    for tier in tiers:
        allowed = [p for p in tier if p.id not in exclude]
        if allowed:
            return allowed
    return list(catalogue.prompts)


def _pick_oldest(keys: Iterable[str], last: Mapping[str, datetime], rng: random.Random) -> str:
    """Return the key asked least recently (never asked counts as oldest); ties go to ``rng``."""
    keys = list(keys)
    never = sorted(k for k in keys if k not in last)
    if never:
        return rng.choice(never)
    ordered = sorted(keys, key=lambda k: (last[k], k))
    oldest = last[ordered[0]]
    return rng.choice([k for k in ordered if last[k] == oldest])
