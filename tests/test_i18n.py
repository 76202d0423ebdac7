"""The languages Between speaks: every shipped catalogue is complete and current, its messages
keep the English placeholders and markup, and every prompt is worded in every language.

The English catalogue is extracted here exactly as `pybabel extract` does (bot/locales/babel.cfg,
docs/languages.md), so a template text added or changed without its translations fails below,
naming the message.
"""

from __future__ import annotations

import configparser
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.package_data import data_dir
from bot.prompts import load_catalogue
from bot.render import Renderer

BOT = Path(i18n.__file__).resolve().parent
SHIPPED = [language for language in i18n.available() if language != i18n.SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
TAG = re.compile(r"</?[a-z]+>")
DATE_PATTERN = re.compile(r"[EdMy]+(?: [EdMy]+)*")


@cache
def extracted() -> Catalog:
    """The English messages, as `pybabel extract -F bot/locales/babel.cfg` finds them."""
    config = configparser.RawConfigParser()
    config.read(i18n.locales_dir() / "babel.cfg", encoding="utf-8")
    extractors = dict(config.items("extractors")) if config.has_section("extractors") else {}
    method_map, options_map = [], {}
    for section in config.sections():
        if section == "extractors":
            continue
        method, pattern = (part.strip() for part in section.split(":", 1))
        method_map.append((pattern, extractors.get(method, method)))
        options_map[pattern] = dict(config.items(section))
    catalog = Catalog()
    for filename, line, message, comments, context in extract_from_dir(BOT, method_map, options_map):
        catalog.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return catalog


@cache
def shipped(language: str) -> Catalog:
    with i18n.catalogue_path(language).open("rb") as source:
        return read_po(source, locale=language, domain=i18n.DOMAIN)


def forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def messages() -> list[Message]:
    return [m for m in extracted() if m.id]


def test_the_english_catalogue_is_extracted():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in messages()}
    assert "very low" in ids  # Python (bot/mood.py)
    assert "Skipped. That's fine." in ids  # templates
    assert "Emergency services" in ids  # the crisis resources
    assert len(ids) > 300


def test_english_is_always_spoken_and_every_catalogue_is_a_language_babel_knows():
    assert i18n.available()[0] == i18n.SOURCE_LANGUAGE
    for language in SHIPPED:
        assert i18n.language_name(language)
        assert i18n.babel_locale(language).plural_form(1) is not None


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_has_a_current_translation(language):
    catalog = shipped(language)
    missing, fuzzy, empty = [], [], []
    for message in messages():
        translated = catalog.get(message.id, message.context)
        if translated is None:
            missing.append(message.id)
        elif translated.fuzzy:
            fuzzy.append(message.id)
        elif not all(forms(translated.string)) or len(forms(translated.string)) < len(forms(message.id)):
            empty.append(message.id)
    assert missing == [], f"{language}: messages without a translation (pybabel update, then translate)"
    assert fuzzy == [], f"{language}: translations marked fuzzy (check them, then drop the flag)"
    assert empty == [], f"{language}: empty translations"


@pytest.mark.parametrize("language", SHIPPED)
def test_no_translation_is_left_over_from_an_older_english(language):
    current = {(forms(m.id)[0], m.context) for m in messages()}
    stale = [m.id for m in shipped(language) if m.id and (forms(m.id)[0], m.context) not in current]
    assert stale == [], f"{language}: translations of messages the English no longer has (pybabel update)"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders_and_the_markup(language):
    catalog = shipped(language)
    wrong = []
    for message in messages():
        translated = catalog.get(message.id, message.context)
        if translated is None:
            continue  # reported above
        english = forms(message.id)
        want_names = set().union(*(placeholders(text) for text in english))
        want_tags = Counter(TAG.findall(english[0]))
        for text in forms(translated.string):
            if placeholders(text) != want_names or Counter(TAG.findall(text)) != want_tags:
                wrong.append((english[0], text))
    assert wrong == [], f"{language}: placeholders or tags differ from the English"


@pytest.mark.parametrize("language", SHIPPED)
def test_date_patterns_are_patterns(language):
    catalog = shipped(language)
    for message in messages():
        if isinstance(message.id, str) and DATE_PATTERN.fullmatch(message.id):
            pattern = catalog.get(message.id).string
            shown = format_date(date(2026, 11, 30), pattern, locale=language)
            assert "30" in shown and "2026" in shown if "y" in message.id else "30" in shown, (pattern, shown)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_catalogue_loads_and_speaks(language):
    renderer = Renderer(language=language)
    assert renderer.gettext("Skipped. That's fine.") != "Skipped. That's fine."
    english = Renderer().mood_words
    assert sum(renderer.mood_words[score] != word for score, word in english.items()) >= 4


def test_english_is_the_source_and_translates_nothing():
    renderer = Renderer()
    assert renderer.mood_words == {1: "very low", 2: "low", 3: "okay", 4: "good", 5: "very good"}
    assert renderer.line("skipped") == "Skipped. That's fine."


# --- prompts ---------------------------------------------------------------------------------------


def test_every_language_has_both_its_catalogue_and_its_prompts():
    prompt_languages = sorted(p.name for p in data_dir("prompts").iterdir() if p.is_dir())
    assert prompt_languages == sorted(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_prompt_and_theme_is_worded_in_every_language(language):
    catalogue = load_catalogue()
    assert catalogue.untranslated(language) == []
    worded = catalogue.speaking(language)
    assert [p.id for p in worded.prompts] == [p.id for p in catalogue.prompts]
    for english, translated in zip(catalogue.prompts, worded.prompts, strict=True):
        assert translated.text != english.text, english.id
        assert placeholders(translated.text) == placeholders(english.text), english.id
    for theme_id, theme in catalogue.themes.items():
        assert worded.themes[theme_id].title != theme.title
        assert worded.themes[theme_id].order == theme.order


def test_a_translation_of_an_unknown_id_is_refused(tmp_path):
    from bot.prompts import CatalogueError

    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "x.toml").write_text('[[prompt]]\nid = "nothing-01"\ntext = "Was?"\n', "utf-8")
    with pytest.raises(CatalogueError, match="nothing-01"):
        load_catalogue(tmp_path)


def test_a_missing_translation_falls_back_to_english(tmp_path):
    (tmp_path / "t.toml").write_text(
        '[theme]\nid = "t"\ntitle = "Title"\norder = 1\n\n[[prompt]]\nid = "t-01"\ntext = "One?"\n'
        '\n[[prompt]]\nid = "t-02"\ntext = "Two?"\n',
        encoding="utf-8",
    )
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "t.toml").write_text('[[prompt]]\nid = "t-01"\ntext = "Eins?"\n', encoding="utf-8")
    catalogue = load_catalogue(tmp_path, include_packaged=False)
    german = catalogue.speaking("de")
    assert [p.text for p in german.prompts] == ["Eins?", "Two?"]
    assert german.themes["t"].title == "Title"
    assert catalogue.untranslated("de") == ["t", "t-02"]
    assert catalogue.speaking("fr") is catalogue


# --- choosing a language ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [(None, "en"), ("", "en"), ("en", "en"), ("en-GB", "en"), ("xx", "en"), ("not a tag", "en")]
    + [(code, code) for code in SHIPPED]
    + [(f"{code}-AT", code) for code in SHIPPED]
    + [(code.upper(), code) for code in SHIPPED],
)
def test_a_language_code_resolves_to_a_language_spoken(code, expected):
    assert i18n.resolve(code) == expected


def test_an_unknown_code_gets_the_default():
    assert i18n.resolve("xx", "de" if "de" in SHIPPED else "en") == ("de" if "de" in SHIPPED else "en")
    assert Renderer().speaking("xx").language == "en"


def test_the_default_language_is_a_setting_checked_at_start():
    from bot.config import ConfigError, load_settings

    assert load_settings({}).default_language == "en"
    assert load_settings({"BETWEEN_DEFAULT_LANGUAGE": "en-GB"}).default_language == "en"
    with pytest.raises(ConfigError, match="BETWEEN_DEFAULT_LANGUAGE"):
        load_settings({"BETWEEN_DEFAULT_LANGUAGE": "klingon"})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("en", "en"), ("English", "en"), ("  english ", "en"), ("klingon", None), ("", None)],
)
def test_a_language_is_named_by_its_code_or_its_name(typed, expected):
    assert i18n.language_named(typed) == expected
