"""Practice between sessions in every language Between speaks: the steps an English speaker takes
(an intention after a session, the question that comes back to it, "Didn't get to it", /practice
and its buttons, an experiment from start to what was learned, the recap), taken by a German,
Spanish, French and Russian speaker. Each reply must be in the person's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.test_journey_every_language import OTHERS, _has_words

# How sure, typed as a speaker of each language would.
SURE = {
    "en": "70 percent",
    "de": "70 Prozent",
    "es": "70 por ciento",
    "fr": "70 pour cent",
    "ru": "70 процентов",
}


async def walk(harness, user_id: int, language: str) -> list[str]:
    person = harness.person(user_id, "Sam", language)
    seen: list[str] = []

    async def says(text: str):  # type: ignore[no-untyped-def]
        replies = await person.says(text)
        seen.extend(m.visible for m in replies)
        return replies

    async def press(message, index: int):  # type: ignore[no-untyped-def]
        replies = await person.presses(message, message.buttons[index][0])
        seen.extend(m.visible for m in replies)
        toast = person.toast()
        if toast:
            seen.append(toast)
        return replies

    await says("/start")
    offer = (await says("Europe/Berlin"))[-1]
    await press(offer, 0)
    await says("/session done")
    await says("/prompt")  # what would you like to practise?
    await says("say no once at work")
    harness.clock.advance(timedelta(hours=2))
    await says("/prompt")
    await says("an ordinary answer")
    harness.clock.advance(timedelta(hours=2))
    (checkin,) = await says("/prompt")  # comes back to the practice
    assert "say no once at work" in checkin.visible
    await press(checkin, 3)  # Didn't get to it
    shown = (await says("/practice"))[-1]
    added = await press(shown, len(shown.buttons) - 1)  # + Add one
    assert added
    await says("breathe before I answer")
    shown = (await says("/practice"))[-1]
    await press(shown, 0)  # the first one done
    await says("/experiment")
    await says("ask a colleague to lunch")
    await says("they will say no")
    await says("very")  # not a number: a kind line
    when = (await says(SURE[language]))[-1]
    await press(when, 2)  # with my next question
    await says("/prompt")  # how did the experiment go?
    await says("she said yes")
    await says("my worries are louder than the world")
    await says("/recap")
    await says("/help")
    return [text for text in seen if text.strip()]


@pytest.mark.parametrize("language", OTHERS)
async def test_practice_speaks_the_persons_language(harness, language):
    english = await walk(harness, 3101, "en")
    theirs = await walk(harness, 3102, language)
    assert len(theirs) == len(english)
    same = [text for text, mine in zip(english, theirs, strict=True) if text == mine and _has_words(text)]
    assert same == [], f"still in English for {language}"
    recap = next(text for text in english if "What I practised" in text)
    assert "say no once at work" in recap and "she said yes" in recap
