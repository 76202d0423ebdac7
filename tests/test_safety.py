"""The crisis check (phrases, normalisation, typos) and the choice of crisis resources.

Timing is deliberately not tested (no timed tests); the measured figures are in the docstring of
``CrisisDetector``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import ConfigError
from bot.safety import (
    DEFAULT_PHRASES,
    EVERYWHERE,
    CrisisCheck,
    CrisisDetector,
    Resources,
    SafetyDataError,
    load_resources,
)
from bot.timezones import country_for_timezone


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector.default()


@pytest.fixture(scope="module")
def resources() -> Resources:
    return load_resources()


# --- What must be noticed ----------------------------------------------------------------------

MUST_MATCH = [
    # Found by trying it as a German and a Russian speaker would.
    ("Ich will nicht mehr da sein", "de"),
    ("Es wäre besser, wenn es mich nicht gäbe", "de"),
    ("Ich will mir was antun", "de"),
    ("ich will mir etwas antun", "de"),
    ("ich tu mir was an", "de"),
    ("Ich halte das alles nicht mehr aus", "de"),
    ("Alles ist sinnlos, ich will einfach weg sein", "de"),
    ("я не хочу жыть", "ru"),
    ("нехочу жить", "ru"),
    ("я снова резала себя", "ru"),
    ("хочу что-нибудь с собой сделать", "ru"),
    # Typos in short words, typed in a hurry (found by trying it as a person would).
    ("i wnat to die", "en"),
    ("i wamt to die", "en"),
    ("i wan to die", "en"),
    ("i wnat to end it", "en"),
    ("i want to end my lfie", "en"),
    ("kill my self", "en"),
    ("I want to kill my self", "en"),
    ("i will kill my self tonight", "en"),
    # English, plain
    ("I want to die", "en"),
    ("I want to just die", "en"),
    ("I've been thinking about suicide a lot", "mul"),
    ("Everyone would be better off without me", "en"),
    ("There's no reason to live anymore", "en"),
    ("I don't want to wake up tomorrow", "en"),
    ("I've been cutting myself again", "en"),
    ("Last night I took all my pills", "en"),
    ("I'm going to jump off the bridge", "en"),
    ("This is my last message", "en"),
    ("I just want to end it all", "en"),
    ("i wanna kms", "en"),
    ("I feel like such a burden to everyone", "en"),
    ("I don't want to be alive", "en"),
    ("I can't see a way out", "en"),
    # Negation-insensitive on purpose: people in crisis say it this way too.
    ("I don't want to die", "en"),
    ("I just don't want to exist anymore", "en"),
    # Misspellings: one typo in a long word, repeated letters anywhere.
    ("I'm thinking about sucide", "mul"),
    ("keep thinking about suicde", "mul"),
    ("I want to kill myslef", "en"),
    ("I want to kil myself", "en"),
    ("I wannnnna diiiiie", "en"),
    # Disguises: spaced letters, leetspeak, shouting, invisible and right-to-left characters,
    # lookalike letters from another alphabet, fullwidth letters.
    ("k i l l myself", "en"),
    ("i want to k.i.l.l m.y.s.e.l.f", "en"),
    ("I want to d i e", "en"),
    ("su1c1d3", "mul"),
    ("$uicide", "mul"),
    ("I w@nt to k!ll mys3lf", "en"),
    ("I WANT TO DIE", "en"),
    ("sui\u200bcide", "mul"),
    ("kill\u200f myself", "en"),
    ("\u202ekill myself\u202c", "en"),
    ("k\u0456ll myself", "en"),  # Cyrillic і
    ("ｓｕｉｃｉｄｅ", "mul"),
    # German
    ("Ich will nicht mehr leben", "de"),
    ("Ich will mich umbringen", "de"),
    ("Ich habe Selbstmordgedanken", "de"),
    ("Ich denke an Suizid", "de"),
    ("Ich möchte einfach nur sterben", "de"),
    ("ich moechte sterben", "de"),
    ("Alle wären besser dran ohne mich", "de"),
    # Spanish
    ("Me quiero morir", "es"),
    ("No quiero seguir viviendo", "es"),
    ("Estoy pensando en el suicidio", "mul"),
    ("Me voy a matar", "es"),
    ("Todos estarían mejor sin mí", "es"),
    ("No tengo ninguna razón para vivir", "es"),
    # French
    ("Je veux mourir", "fr"),
    ("J'ai envie de me suicider", "mul"),  # shared words report "mul"
    ("Je vais me tuer", "fr"),
    ("Je n'ai plus envie de vivre", "fr"),
    ("Ils seraient mieux sans moi", "fr"),
    # Russian
    ("Я хочу умереть", "ru"),
    ("Не хочу больше жить", "ru"),
    ("Думаю о суициде", "ru"),
    ("Думаю о передозировке", "mul"),
    ("Всем будет лучше без меня", "ru"),
    ("ХОЧУ УМЕРЕТЬ", "ru"),
    # Italian, Portuguese, Ukrainian, Polish
    ("Voglio morire", "it"),
    ("Voglio farla finita", "it"),
    ("Quero morrer", "pt"),
    ("Não quero mais viver", "pt"),
    ("Я хочу померти", "uk"),
    ("Не хочу жити", "uk"),
    ("Chcę umrzeć", "pl"),
    ("Nie chcę już żyć", "pl"),
    ("chce sie zabic", "pl"),
]


@pytest.mark.parametrize(("text", "language"), MUST_MATCH)
def test_crisis_phrases_are_noticed(detector: CrisisDetector, text: str, language: str) -> None:
    assert detector.check(text) == CrisisCheck(matched=True, language=language)


def test_the_examples_cover_every_language(detector: CrisisDetector) -> None:
    assert len(MUST_MATCH) >= 40
    assert {language for _, language in MUST_MATCH} == set(detector.languages)


# --- What must not be noticed ------------------------------------------------------------------
# Everyday and ordinary sad sentences. Choices made deliberately:
# - Hyperbole about something else ("this traffic is killing me", "I'm dying to see the new
#   film", "I killed it at the presentation", "I died laughing") is not in the list: it is
#   everyday speech, and none of it is about harming oneself.
# - Sadness and tiredness alone ("I felt sad today", "Estoy cansada") are what people come to
#   write about; answering them with crisis lines would be wrong, and would teach people to hide.
# - Short words must match exactly, so "dye" is not "die"; long words allow one typo but not at
#   the end of a stem ("overdone" is not "overdos*"), and some words opt out ("sitzen", "Witze").

MUST_NOT_MATCH = [
    "I'm so tired of this week",
    "this traffic is killing me",
    "I killed it at the presentation",
    "I'm dying to see the new film",
    "I died laughing",
    "my phone died",
    "the battery died again",
    "The plant died because I forgot to water it",
    "the deadline is on Friday",
    "I'm on a diet",
    "I studied all evening",
    "She is very skilled",
    "We flew to Kathmandu",
    "I felt sad today",
    "he was dead tired after the shift",
    "I want to dye my hair",
    "The steak was overdone",
    "I need to take my pills",
    "I cut my hair",
    "I hurt my knee at the gym",
    "I want to live in Berlin one day",
    "I want to wake up earlier",
    "I ran 10 kms this morning",
    "The bridge was closed, so we took the ferry",
    "Let's end the meeting early",
    "Life is good",
    "I will miss my flight",
    "My grandmother passed away last year and I miss her",
    "I'm not sure what to write today",
    # Hopeful sentences that share words with crisis phrases.
    "I realised today that life is worth living",
    "I finally see a way out of this job",
    "Mis hijos son mi razón para vivir",
    "Mes enfants sont ma raison de vivre",
    # Bodies and weight come up in journals; "peso" is also "a burden".
    "Sono aumentata di peso",
    "Sou acima do peso",
    "Es war ein schwerer Tag",
    "Wir sitzen im Garten und erzählen Witze",
    "Estoy cansada",
    "No quiero ir al trabajo mañana",
    "Je suis triste",
    "Ho fatto una lunga passeggiata",
    "O dia foi longo",
    "Я устала на работе",
    "Сегодня был трудный день",
    "Сьогодні я втомилася",
    "Dzisiaj był ciężki dzień",
    "",
    "   ",
    "😊👍",
    "<b>a&lt;b</b>",
]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_everyday_sentences_are_left_alone(detector: CrisisDetector, text: str) -> None:
    assert detector.check(text) == CrisisCheck(matched=False, language=None)


def test_the_negative_examples_are_enough() -> None:
    assert len([text for text in MUST_NOT_MATCH if text.strip()]) >= 30


def test_a_crisis_phrase_inside_a_long_message_is_found(detector: CrisisDetector) -> None:
    filler = "Today I went for a walk and had coffee with a friend. " * 60
    text = (filler + "Honestly I don't want to be alive. " + filler)[:4096]
    assert len(text) == 4096
    assert detector.check(text).matched
    assert not detector.check(filler[:4096]).matched


def test_each_check_stands_alone(detector: CrisisDetector) -> None:
    # "That's not what I meant" does not switch anything off for the next message.
    assert detector.check("I want to die").matched
    assert not detector.check("that's not what I meant, sorry").matched
    assert detector.check("I want to die").matched


def test_the_result_carries_nothing_of_the_message(detector: CrisisDetector) -> None:
    result = detector.check("I want to kill myself")
    assert [field.name for field in dataclasses.fields(result)] == ["matched", "language"]
    assert "kill" not in repr(result) and "myself" not in repr(result)


def test_every_packaged_phrase_matches_its_own_plain_forms(detector: CrisisDetector) -> None:
    # Each phrase, written out without its markers, must match with every one of its
    # alternatives: this catches a word that normalises into something no message can reach.
    data = tomllib.loads(DEFAULT_PHRASES.read_text("utf-8"))
    for language, table in data.items():
        for phrase in table["phrases"]:
            slots = [part.split("|") for part in phrase.split() if part != "~"]
            for index, alternatives in enumerate(slots):
                for alternative in alternatives:
                    words = [slot[0] for slot in slots]
                    words[index] = alternative
                    sample = " ".join(word.strip("=*") for word in words)
                    assert detector.check(sample).matched, (language, phrase, sample)


# --- Invariances, checked on many inputs ---------------------------------------------------------

_INVISIBLES = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"])


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([text for text, _ in MUST_MATCH]),
    st.lists(st.tuples(st.integers(0, 200), _INVISIBLES), max_size=4),
)
def test_invisible_characters_do_not_hide_a_phrase(
    detector: CrisisDetector, text: str, inserts: list[tuple[int, str]]
) -> None:
    for position, char in inserts:
        at = position % (len(text) + 1)
        text = text[:at] + char + text[at:]
    assert detector.check(text).matched


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([text for text, _ in MUST_MATCH]), st.text(max_size=40))
def test_shouting_and_surrounding_text_do_not_hide_a_phrase(
    detector: CrisisDetector, text: str, around: str
) -> None:
    assert detector.check(f"{around}\n{text.upper()}\n{around}").matched


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_an_answer(detector: CrisisDetector, text: str) -> None:
    result = detector.check(text)
    assert result.matched == (result.language is not None)
    assert result.language is None or result.language in detector.languages


# --- The phrase syntax -------------------------------------------------------------------------


def test_stems_alternatives_and_gaps() -> None:
    detector = CrisisDetector({"en": ["hurt* myself", "want*|wanna ~ vanish"], "de": ["=ritzen"]})
    assert detector.check("hurting myself").matched
    assert detector.check("I wanna vanish").matched
    assert detector.check("I want to just vanish").matched  # two words in the gap
    assert not detector.check("I want to really just vanish").matched  # three is too many
    assert not detector.check("hurt you, not myself").matched  # no gap allowed there
    assert detector.check("ritzen").matched
    assert not detector.check("sitzen").matched  # '=' turns off the typo tolerance
    assert CrisisDetector({"de": ["ritzen"]}).check("sitzen").matched  # which is on by default


def test_typos_only_in_long_words() -> None:
    detector = CrisisDetector({"en": ["ab vanish", "overdos*"]})
    assert detector.check("ab vanihs").matched  # swapped letters
    assert detector.check("ab vansh").matched  # a letter missing
    assert detector.check("ab vanissh").matched  # a letter doubled: collapsed
    assert detector.check("ab vaniXsh").matched  # a letter added
    assert not detector.check("ac vanish").matched  # short words match exactly
    assert not detector.check("ab vaxyish").matched  # two changes
    assert detector.check("overdoses").matched
    assert detector.check("ovredose").matched
    assert not detector.check("overdone").matched  # a typo may not sit at a stem's end


def test_operator_files_add_phrases(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('[en]\nphrases = ["in the dark place"]\n\n[nl]\nphrases = ["ik wil dood"]\n')
    detector = CrisisDetector.default([extra])
    assert detector.check("I'm in the dark place again").matched
    assert detector.check("Ik wil dood") == CrisisCheck(matched=True, language="nl")
    assert detector.check("I want to die").matched  # the packaged list is still there


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[en]\nphrases = ["~ die"]\n', "'~' must stand between two words"),
        ('[en]\nphrases = ["die ~"]\n', "'~' must stand between two words"),
        ('[en]\nphrases = ["want ~ ~ die"]\n', "'~' must stand between two words"),
        ('[en]\nphrases = ["want|to-die"]\n', "must be a single word"),
        ('[en]\nphrases = ["..."]\n', "has no letters"),
        ('[en]\nphrases = ["a*b"]\n', "cannot read the word"),
        ('[EN]\nphrases = ["die"]\n', "is not a language code"),
        ('[en]\nphrase = ["die"]\n', "unknown keys: phrase"),
        ('[en]\nphrases = "die"\n', "'phrases' must be a list of strings"),
        ("en = 1\n", "must be a table"),
        ("", "has no phrases"),
        ("[en\n", "is not valid TOML"),
    ],
)
def test_broken_phrase_files_are_refused_naming_the_file(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(content)
    with pytest.raises(SafetyDataError, match=re.escape(problem)) as caught:
        CrisisDetector.from_files(path)
    assert str(path) in str(caught.value)


def test_a_missing_phrase_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SafetyDataError, match="does not exist") as caught:
        CrisisDetector.default([tmp_path / "nowhere.toml"])
    assert "nowhere.toml" in str(caught.value)


# --- Crisis resources --------------------------------------------------------------------------


def names(entries: list) -> list[str]:
    return [entry.name for entry in entries]


def test_by_country(resources: Resources) -> None:
    us = resources.for_person("en", "US")
    assert names(us) == ["988 Suicide & Crisis Lifeline", "Emergency services", "Find A Helpline"]
    assert us[0].phone == "988" and us[0].text == "988"
    assert us[1].kind == "emergency" and us[1].phone == "911"
    gb = resources.for_person("de", "gb")  # the country wins over the language; any case
    assert names(gb) == ["Samaritans", "Shout", "Emergency services", "Find A Helpline"]
    assert gb[0].phone == "116 123" and gb[2].phone == "999"
    de = resources.for_person(None, "DE")
    assert de[0].name == "TelefonSeelsorge" and de[0].phone == "0800 111 0 111"
    assert [e.phone for e in resources.for_person(None, "FR")][:2] == ["3114", "112"]
    assert resources.for_person(None, "ES")[0].phone == "024"
    assert resources.for_person(None, "AU")[0].phone == "13 11 14"


def test_by_language_when_the_country_is_unknown(resources: Resources) -> None:
    assert names(resources.for_person("de", None))[0] == "TelefonSeelsorge"
    assert resources.for_person("fr", None)[0].phone == "3114"
    assert resources.for_person("uk", None)[0].name == "Lifeline Ukraine"
    # A region in the language tag points at the country.
    assert resources.for_person("pt-br", None)[0].phone == "188"
    assert resources.for_person("en-GB", None)[0].name == "Samaritans"


def test_the_directory_is_always_last(resources: Resources) -> None:
    for language, country in [("en", None), (None, None), ("xx", None), ("es", "MX"), ("de", "DE")]:
        entries = resources.for_person(language, country)
        assert entries[-1].url == "https://findahelpline.com"
        assert entries[-1].countries == (EVERYWHERE,)


def test_fallbacks(resources: Resources) -> None:
    # English is spoken in too many places to pick a country; an unknown language neither.
    assert names(resources.for_person("en", None)) == ["Find A Helpline"]
    assert names(resources.for_person(None, None)) == ["Find A Helpline"]
    # A known country without entries does not borrow another country's number by language.
    assert names(resources.for_person("es", "AR")) == ["Find A Helpline"]


# Countries whose only packaged entry is the emergency number (no helpline we are certain of;
# the directory lists theirs).
EMERGENCY_ONLY = {"MX"}


def test_every_packaged_country_has_a_helpline(resources: Resources) -> None:
    countries = {code for entry in resources.entries for code in entry.countries} - {EVERYWHERE}
    for code in countries:
        kinds = {entry.kind for entry in resources.for_person(None, code)}
        assert ("emergency" if code in EMERGENCY_ONLY else "helpline") in kinds, code
    for language, mapped in resources.languages.items():
        assert set(mapped) <= countries, language


def test_mexico_has_its_emergency_number(resources: Resources) -> None:
    mx = resources.for_person("es", "MX")
    assert names(mx) == ["Emergency services", "Find A Helpline"]
    assert mx[0].kind == "emergency" and mx[0].phone == "911" and mx[0].countries == ("MX",)


def test_an_entry_names_only_the_countries_it_was_chosen_for(resources: Resources) -> None:
    (emergency,) = [e for e in resources.for_person(None, "DE") if e.kind == "emergency"]
    assert emergency.phone == "112" and emergency.countries == ("DE",)
    (emergency,) = [e for e in resources.for_person("ru", None) if e.kind == "emergency"]
    assert emergency.countries == ("RU",)
    assert resources.for_person(None, "US")[1].countries == ("US",)  # 911, listed for US and CA


def test_an_operator_file_replaces_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "practice.toml"
    path.write_text(
        'default_countries = ["DE"]\n\n'
        "[[resource]]\n"
        'name = "Praxis Notfallnummer"\n'
        'countries = ["DE"]\n'
        'phone = "+49 30 1234567"\n'
        'note = "Werktags 8-18 Uhr."\n'
    )
    resources = load_resources(path)
    # No entry for everyone in the file: the packaged directory is added.
    assert names(resources.for_person("de", "DE")) == ["Praxis Notfallnummer", "Find A Helpline"]
    # default_countries serve when nothing else fits.
    assert names(resources.for_person("en", None)) == ["Praxis Notfallnummer", "Find A Helpline"]
    assert names(resources.for_person(None, "US")) == ["Praxis Notfallnummer", "Find A Helpline"]


def test_an_operator_directory_replaces_the_packaged_one(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[resource]]\nname = "Our directory"\ncountries = ["*"]\nkind = "directory"\n'
        'url = "https://example.org/help"\n'
    )
    assert names(load_resources(path).for_person(None, None)) == ["Our directory"]


_GOOD = 'name = "X"\ncountries = ["DE"]\nphone = "112"\n'


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[[resource]]\n" + _GOOD.replace('name = "X"\n', ""), "'name' is required"),
        ("[[resource]]\n" + _GOOD.replace('["DE"]', '["Germany"]'), "'countries' must list"),
        ("[[resource]]\n" + _GOOD.replace('["DE"]', "[]"), "'countries' must list"),
        ("[[resource]]\n" + _GOOD.replace('["DE"]', '["de"]'), "'countries' must list"),
        ("[[resource]]\n" + _GOOD + 'phnoe = "1"\n', "unknown keys: phnoe"),
        ("[[resource]]\n" + _GOOD.replace('phone = "112"\n', ""), "needs at least one of"),
        ("[[resource]]\n" + _GOOD.replace('"112"', '"call us"'), "'phone' must be a number"),
        ("[[resource]]\n" + _GOOD + 'url = "www.example.org"\n', "'url' must start with"),
        ("[[resource]]\n" + _GOOD + 'kind = "hotline"\n', "'kind' must be one of"),
        ("[[resource]]\n" + _GOOD + 'note = ""\n', "'note' must be non-empty text"),
        ("[[resource]]\n" + _GOOD + "text = 85258\n", "'text' must be non-empty text"),
        ("default_countries = []\n", "needs at least one [[resource]] entry"),
        ('[languages]\nde = "DE"\n\n[[resource]]\n' + _GOOD, "[languages] de must be a list"),
        ('[languages]\nDeutsch = ["DE"]\n\n[[resource]]\n' + _GOOD, "is not a language code"),
        ('default_countries = ["X"]\n[[resource]]\n' + _GOOD, "default_countries must be"),
        ('countries = ["DE"]\n[[resource]]\n' + _GOOD, "unknown keys: countries"),
        ("[[resource]\n", "is not valid TOML"),
    ],
)
def test_broken_resource_files_are_refused_naming_the_file(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "resources.toml"
    path.write_text(content)
    with pytest.raises(SafetyDataError, match=re.escape(problem)) as caught:
        load_resources(path)
    assert str(path) in str(caught.value)


def test_an_error_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    path.write_text("[[resource]]\n" + _GOOD + '\n[[resource]]\nname = "Second line"\ncountries = ["DE"]\n')
    with pytest.raises(SafetyDataError, match=r"resource #2 \('Second line'\)"):
        load_resources(path)


def test_resource_errors_are_configuration_errors(tmp_path: Path) -> None:
    # The command line reports every ConfigError as one line an operator can act on.
    with pytest.raises(ConfigError, match="does not exist"):
        load_resources(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Berlin", "DE"),
        ("America/New_York", "US"),
        ("America/Toronto", "CA"),
        ("Australia/Sydney", "AU"),
        ("Europe/London", "GB"),
        ("UTC", None),
        ("Etc/GMT+2", None),
        ("Mars/Olympus", None),
        ("", None),
        (None, None),
    ],
)
def test_country_for_timezone(zone: str | None, country: str | None) -> None:
    assert country_for_timezone(zone) == country
