"""The prompt catalogue: the packaged data, the loader's checks, and choosing the next prompt."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.package_data import data_dir
from bot.prompts import (
    PRACTICE,
    REPEAT_WINDOW,
    SESSION_QUESTIONS,
    SPECIAL_THEMES,
    Asked,
    Catalogue,
    CatalogueError,
    Prompt,
    Situation,
    Theme,
    choose_prompt,
    load_catalogue,
)

START = datetime(2026, 3, 2, 19, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def theme_file(theme_id: str, *prompt_ids: str, order: int = 1) -> str:
    prompts = "".join(f'\n[[prompt]]\nid = "{pid}"\ntext = "Question {pid}?"\n' for pid in prompt_ids)
    return f'[theme]\nid = "{theme_id}"\ntitle = "Title {theme_id}"\norder = {order}\n{prompts}'


def asked(catalogue: Catalogue, prompt_id: str, at: datetime) -> Asked:
    prompt = catalogue.get(prompt_id)
    assert prompt is not None
    return Asked(prompt_id, prompt.theme, at)


# --- the packaged catalogue ------------------------------------------------------------------


def packaged_files() -> list[Path]:
    return sorted(data_dir("prompts").glob("*.toml"))


@pytest.mark.parametrize("path", packaged_files(), ids=lambda p: p.name)
def test_every_packaged_file_loads_on_its_own(path: Path, tmp_path: Path) -> None:
    write(tmp_path, path.name, path.read_text(encoding="utf-8"))
    alone = load_catalogue(tmp_path, include_packaged=False)
    # One theme per file, named after it, so an operator finds a theme by its file name.
    assert list(alone.themes) == [path.stem]


def test_packaged_ids_are_unique_across_files() -> None:
    ids = Counter()
    for path in packaged_files():
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        ids.update(entry["id"] for entry in document["prompt"])
    assert ids and max(ids.values()) == 1


def test_packaged_catalogue_is_large_enough_and_every_theme_populated(
    catalogue: Catalogue,
) -> None:
    assert len(catalogue.prompts) >= 70
    assert len(catalogue.themes) >= 10
    for theme_id in catalogue.themes:
        assert len(catalogue.by_theme(theme_id)) >= 5, theme_id
    assert SPECIAL_THEMES <= set(catalogue.themes)
    assert {p.text for p in catalogue.by_theme(SESSION_QUESTIONS)} >= {
        "What questions are you bringing into your next session?"
    }
    assert {p.text for p in catalogue.by_theme(PRACTICE)} >= {
        "What would you like to practise until your next session?"
    }


def test_packaged_themes_have_distinct_titles_and_orders(catalogue: Catalogue) -> None:
    themes = catalogue.ordered_themes()
    assert len({t.title for t in themes}) == len(themes)
    assert len({t.order for t in themes}) == len(themes)


def test_packaged_prompts_are_short(catalogue: Catalogue) -> None:
    lengths = [len(p.text) for p in catalogue.prompts]
    assert max(lengths) <= 300
    # "Most well under 120": a reminder is read on a phone, often in a notification preview.
    assert sum(n <= 120 for n in lengths) >= 0.9 * len(lengths)


BANNED = ("you missed", "you should", "failed", "why didn't", "why haven't", "you forgot")


def test_packaged_prompts_never_guilt(catalogue: Catalogue) -> None:
    offending = [p.id for p in catalogue.prompts for phrase in BANNED if phrase in p.text.lower()]
    assert offending == []


def test_packaged_prompts_address_the_person_as_you(catalogue: Catalogue) -> None:
    # Second person throughout: a question in the first person reads as the bot talking about
    # itself. (Recap titles are first person on purpose: they are the person's own headings.)
    first_person = re.compile(r"\b(I|I'm|I've|I'd|I'll)\b|\b(me|my|mine|myself)\b", re.IGNORECASE)
    offending = [p.id for p in catalogue.prompts if first_person.search(p.text)]
    assert offending == []


def test_get_returns_none_for_a_removed_prompt(catalogue: Catalogue) -> None:
    assert catalogue.get("noticing-01") == Prompt(
        "noticing-01", "noticing", catalogue.by_theme("noticing")[0].text
    )
    assert catalogue.get("retired-prompt-99") is None
    assert catalogue.by_theme("no-such-theme") == ()


def test_themes_are_in_recap_order(catalogue: Catalogue) -> None:
    orders = [t.order for t in catalogue.ordered_themes()]
    assert orders == sorted(orders)
    assert list(catalogue.themes) == [t.id for t in catalogue.ordered_themes()]


# --- operator folders ------------------------------------------------------------------------


def test_an_extra_folder_adds_a_theme_and_prompts_to_a_packaged_theme(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    write(tmp_path, "sleep.toml", theme_file("sleep", *(f"sleep-{i}" for i in range(5))))
    write(
        tmp_path,
        "more.toml",
        '[[prompt]]\nid = "ours-01"\ntheme = "noticing"\ntext = "  What did you notice?\\n"\n',
    )
    extended = load_catalogue(tmp_path)
    assert len(extended.prompts) == len(catalogue.prompts) + 6
    assert extended.themes["sleep"] == Theme("sleep", "Title sleep", 1)
    assert extended.get("ours-01") == Prompt("ours-01", "noticing", "What did you notice?")
    assert extended.get("ours-01") in extended.by_theme("noticing")


def test_text_of_exactly_300_characters_is_accepted(tmp_path: Path) -> None:
    text = "x" * 299 + "?"
    write(
        tmp_path,
        "t.toml",
        f'[theme]\nid = "t"\ntitle = "T"\norder = 1\n[[prompt]]\nid = "t-1"\ntext = "{text}"\n',
    )
    assert load_catalogue(tmp_path, include_packaged=False).get("t-1").text == text


def test_hidden_files_are_ignored_and_an_empty_folder_adds_nothing(tmp_path: Path) -> None:
    write(tmp_path / "a", ".draft.toml", "this is not toml = = =")
    (tmp_path / "b").mkdir()
    assert len(load_catalogue(tmp_path / "a", tmp_path / "b", include_packaged=False)) == 0


VALID_THEME = '[theme]\nid = "t"\ntitle = "T"\norder = 1\n'
VALID_PROMPT = '[[prompt]]\nid = "t-1"\ntext = "How are you?"\n'

INVALID = {
    "invalid toml": (VALID_THEME + 'title = "twice"\n' + VALID_PROMPT, "line 5"),
    "unknown top-level key": ("colour = 1\n" + VALID_THEME + VALID_PROMPT, "'colour'"),
    "unknown theme key": (VALID_THEME + 'emoji = "x"\n' + VALID_PROMPT, "'emoji'"),
    "unknown prompt key": (VALID_THEME + VALID_PROMPT + "weight = 2\n", "'weight'"),
    "missing theme key": ('[theme]\nid = "t"\norder = 1\n' + VALID_PROMPT, "missing 'title'"),
    "missing prompt key": (VALID_THEME + '[[prompt]]\nid = "t-1"\n', "missing 'text'"),
    "missing prompt theme": ('[[prompt]]\nid = "t-1"\ntext = "Hi?"\n', "needs theme"),
    "empty text": (VALID_THEME + '[[prompt]]\nid = "t-1"\ntext = "  "\n', "empty text"),
    "text too long": (
        VALID_THEME + f'[[prompt]]\nid = "t-1"\ntext = "{"x" * 301}"\n',
        "301 characters",
    ),
    "duplicate id in one file": (VALID_THEME + VALID_PROMPT + VALID_PROMPT, "already used"),
    "undefined theme": (
        VALID_THEME + VALID_PROMPT + '[[prompt]]\nid = "t-2"\ntheme = "nope"\ntext = "Hi?"\n',
        "'nope', which no file defines",
    ),
    "theme without prompts": (VALID_THEME, "has no prompts"),
    "bad prompt id": (VALID_THEME + '[[prompt]]\nid = "Big Id"\ntext = "Hi?"\n', "'Big Id'"),
    "order not a number": (VALID_THEME.replace("1", '"first"') + VALID_PROMPT, "order"),
    "order is a boolean": (VALID_THEME.replace("1", "true") + VALID_PROMPT, "order"),
    "prompt as a single table": (
        VALID_THEME + '[prompt]\nid = "t-1"\ntext = "Hi?"\n',
        "[[prompt]]",
    ),
    "empty file": ("", "defines no [theme]"),
}


@pytest.mark.parametrize("content, expected", INVALID.values(), ids=INVALID.keys())
def test_loader_rejects(content: str, expected: str, tmp_path: Path) -> None:
    write(tmp_path, "operator-themes.toml", content)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path, include_packaged=False)
    message = str(caught.value)
    assert "operator-themes.toml" in message
    assert expected in message


def test_loader_points_at_the_line_of_a_bad_prompt(tmp_path: Path) -> None:
    write(tmp_path, "t.toml", VALID_THEME + VALID_PROMPT + '\n[[prompt]]\nid = "t-2"\ntext = ""\n')
    with pytest.raises(CatalogueError, match=r"t\.toml, line 9: \[\[prompt\]\] #2 \('t-2'\)"):
        load_catalogue(tmp_path, include_packaged=False)


def test_loader_rejects_non_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin.toml").write_bytes(b'[theme]\ntitle = "caf\xe9"\n')
    with pytest.raises(CatalogueError, match="latin.toml: is not UTF-8"):
        load_catalogue(tmp_path, include_packaged=False)


def test_duplicate_ids_across_files_name_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "same-id"))
    write(tmp_path, "b.toml", theme_file("b", "same-id", "b-2"))
    write(tmp_path, "c.toml", theme_file("a", "c-1"))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path, include_packaged=False)
    message = str(caught.value)
    assert re.search(r"b\.toml.*'same-id' is already used in .*a\.toml", message)
    assert re.search(r"c\.toml.*theme id 'a' is already defined in .*a\.toml", message)
    assert len(caught.value.problems) == 2


def test_an_operator_id_clashing_with_a_packaged_one_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "mine.toml", theme_file("mine", "noticing-01"))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    clash = r"mine\.toml.*'noticing-01' is already used in .*noticing\.toml"
    assert re.search(clash, str(caught.value))


def test_a_missing_extra_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="does-not-exist: prompts folder does not exist"):
        load_catalogue(tmp_path / "does-not-exist")


# --- choosing --------------------------------------------------------------------------------


def simulate(
    catalogue: Catalogue, days: int, seed: int, session_every: int | None = None
) -> list[tuple[Situation, Prompt, datetime]]:
    """Ask one prompt a day; with sessions every ``session_every`` days, ask as the bot would."""
    history: list[Asked] = []
    asks = []
    for day in range(days):
        now = START + timedelta(days=day, minutes=day % 7)  # reminders are seldom to the second
        situation = Situation.ORDINARY
        if session_every:
            if day % session_every == session_every - 1:
                situation = Situation.DAY_BEFORE_SESSION
            elif day % session_every == 0 and day > 0:
                situation = Situation.AFTER_SESSION
        prompt = choose_prompt(catalogue, history=history, now=now, seed=seed, situation=situation)
        history.append(Asked(prompt.id, prompt.theme, now))
        asks.append((situation, prompt, now))
    return asks


@pytest.mark.parametrize("session_every", [None, 7])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sixty_days_without_repeats_or_same_theme_twice(
    catalogue: Catalogue, seed: int, session_every: int | None
) -> None:
    asks = simulate(catalogue, 60, seed, session_every)
    last_seen: dict[str, datetime] = {}
    for situation, prompt, now in asks:
        if prompt.id in last_seen:
            assert now - last_seen[prompt.id] >= REPEAT_WINDOW, prompt.id
        last_seen[prompt.id] = now
        expected_special = {
            Situation.ORDINARY: None,
            Situation.DAY_BEFORE_SESSION: SESSION_QUESTIONS,
            Situation.AFTER_SESSION: PRACTICE,
        }[situation]
        if expected_special:
            assert prompt.theme == expected_special
        else:
            assert prompt.theme not in SPECIAL_THEMES
    themes = [prompt.theme for _, prompt, _ in asks]
    assert all(a != b for a, b in zip(themes, themes[1:], strict=False))
    # Rotation reaches every ordinary theme well within 60 days.
    ordinary = set(catalogue.themes) - SPECIAL_THEMES
    assert ordinary <= set(themes)


@pytest.mark.parametrize(
    "situation, theme",
    [(Situation.DAY_BEFORE_SESSION, SESSION_QUESTIONS), (Situation.AFTER_SESSION, PRACTICE)],
)
def test_situations_pick_their_special_theme(catalogue: Catalogue, situation: Situation, theme: str) -> None:
    for seed in range(10):
        prompt = choose_prompt(catalogue, history=[], now=START, seed=seed, situation=situation)
        assert prompt.theme == theme


def test_special_theme_wins_even_right_after_the_same_theme(catalogue: Catalogue) -> None:
    history = [asked(catalogue, "session-questions-01", START - timedelta(hours=3))]
    prompt = choose_prompt(
        catalogue, history=history, now=START, seed=0, situation=Situation.DAY_BEFORE_SESSION
    )
    assert prompt.theme == SESSION_QUESTIONS and prompt.id != "session-questions-01"


def test_same_inputs_give_the_same_prompt_and_seeds_differ(catalogue: Catalogue) -> None:
    history = [asked(catalogue, "noticing-01", START - timedelta(days=1))]
    first = choose_prompt(catalogue, history=history, now=START, seed=42)
    again = choose_prompt(catalogue, history=list(history), now=START, seed=42)
    assert first == again
    others = {choose_prompt(catalogue, history=history, now=START, seed=s).id for s in range(20)}
    assert len(others) > 1


def test_history_order_does_not_matter(catalogue: Catalogue) -> None:
    history = [
        asked(catalogue, pid, START - timedelta(days=n))
        for n, pid in enumerate(["skills-01", "values-01", "noticing-01", "boundaries-01"], start=1)
    ]
    forwards = choose_prompt(catalogue, history=history, now=START, seed=5)
    backwards = choose_prompt(catalogue, history=history[::-1], now=START, seed=5)
    assert forwards == backwards
    assert forwards.theme != "skills"  # the newest entry, whichever end of the list it is at


def test_exclude_is_honoured(catalogue: Catalogue) -> None:
    for seed in range(20):
        shown = choose_prompt(catalogue, history=[], now=START, seed=seed)
        another = choose_prompt(catalogue, history=[], now=START, seed=seed, exclude={shown.id})
        assert another.id != shown.id
        assert another.theme not in SPECIAL_THEMES


def test_exclude_inside_a_special_theme(catalogue: Catalogue) -> None:
    all_but_one = [p.id for p in catalogue.by_theme(PRACTICE)][1:]
    prompt = choose_prompt(
        catalogue,
        history=[],
        now=START,
        seed=3,
        situation=Situation.AFTER_SESSION,
        exclude=all_but_one,
    )
    assert prompt == catalogue.by_theme(PRACTICE)[0]


def test_excluding_everything_still_asks_something(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "a-1"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    assert choose_prompt(tiny, history=[], now=START, seed=0, exclude={"a-1"}).id == "a-1"


def test_no_repeat_within_the_window_outranks_theme_rotation(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "a-1"))
    write(tmp_path, "b.toml", theme_file("b", "b-1", "b-2"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    history = [
        Asked("a-1", "a", START - REPEAT_WINDOW + timedelta(hours=1)),
        Asked("b-1", "b", START - timedelta(days=1)),
    ]
    # Rotation alone would go back to theme "a", but its one prompt was asked 13 days ago.
    assert choose_prompt(tiny, history=history, now=START, seed=0).id == "b-2"


def test_least_recently_asked_when_everything_was_asked_recently(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "a-1", "a-2", "a-3"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    history = [
        Asked("a-1", "a", START - timedelta(days=3)),
        Asked("a-2", "a", START - timedelta(days=9)),
        Asked("a-3", "a", START - timedelta(days=1)),
    ]
    for seed in range(5):
        assert choose_prompt(tiny, history=history, now=START, seed=seed).id == "a-2"


def test_fallback_still_changes_theme_when_it_can(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "a-1", "a-2"))
    write(tmp_path, "b.toml", theme_file("b", "b-1"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    history = [
        Asked("a-1", "a", START - timedelta(days=5)),
        Asked("b-1", "b", START - timedelta(days=3)),
        Asked("a-2", "a", START - timedelta(days=1)),
    ]
    assert choose_prompt(tiny, history=history, now=START, seed=0).id == "b-1"


def test_the_least_recent_theme_comes_next(tmp_path: Path) -> None:
    for name in "abcd":
        write(tmp_path, f"{name}.toml", theme_file(name, f"{name}-1", f"{name}-2"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    history = [
        Asked("c-1", "c", START - timedelta(days=4)),
        Asked("a-1", "a", START - timedelta(days=3)),
        Asked("d-1", "d", START - timedelta(days=2)),
        Asked("b-1", "b", START - timedelta(days=1)),
    ]
    for seed in range(5):
        assert choose_prompt(tiny, history=history, now=START, seed=seed).id == "c-2"
    # A theme never asked comes before any asked one.
    assert choose_prompt(tiny, history=history[1:], now=START, seed=0).theme == "c"


def test_a_prompt_asked_exactly_fourteen_days_ago_may_return(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "a-1", "a-2"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    history = [
        Asked("a-1", "a", START - REPEAT_WINDOW),
        Asked("a-2", "a", START - REPEAT_WINDOW + timedelta(minutes=1)),
    ]
    assert choose_prompt(tiny, history=history, now=START, seed=0).id == "a-1"


def test_history_of_removed_prompts_and_themes_is_harmless(catalogue: Catalogue) -> None:
    history = [Asked("gone-01", "gone", START - timedelta(days=1))]
    prompt = choose_prompt(catalogue, history=history, now=START, seed=0)
    assert catalogue.get(prompt.id) == prompt


def test_a_special_situation_without_its_theme_asks_an_ordinary_prompt(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", theme_file("a", "a-1"))
    tiny = load_catalogue(tmp_path, include_packaged=False)
    prompt = choose_prompt(tiny, history=[], now=START, seed=0, situation=Situation.DAY_BEFORE_SESSION)
    assert prompt.id == "a-1"


def test_an_empty_catalogue_cannot_choose(tmp_path: Path) -> None:
    empty = load_catalogue(tmp_path, include_packaged=False)
    with pytest.raises(ValueError, match="no prompts"):
        choose_prompt(empty, history=[], now=START, seed=0)
