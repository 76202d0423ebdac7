"""Every journey in every language Between speaks: the steps an English speaker takes, taken by
a German, Spanish, French and Russian speaker. Each reply must be in the person's language (it
differs from the English one at the same step), so no message is missing from a catalogue."""

from __future__ import annotations

import pytest

from bot import i18n

OTHERS = [code for code in i18n.available() if code != "en"]


async def walk(harness, user_id: int, language: str) -> list[str]:
    """The journeys, pressing buttons by position (labels differ per language); every reply."""
    person = harness.person(user_id, "Sam", language)
    seen: list[str] = []

    async def says(text: str):  # type: ignore[no-untyped-def]
        replies = await person.says(text)
        seen.extend(m.visible for m in replies)
        return replies

    async def press(message, index: int) -> None:  # type: ignore[no-untyped-def]
        seen.extend(m.visible for m in await person.presses(message, message.buttons[index][0]))

    await says("/start")
    offer = (await says("Europe/Berlin"))[-1]
    await press(offer, 0)  # the first default reminder time
    (prompt,) = await says("/prompt")
    await says("a first thought about the day")
    await says("a second message, the same answer")
    await press(prompt, 2)  # Skip
    (item,) = await says("/wellbeing")
    for _ in range(5):  # "Most of the time", second from the top, five times
        new = await person.presses(item, item.buttons[1][0])
        seen.extend(m.visible for m in new)
        item = new[-1]
    for step in ("/mood", "/mood 4", "/pause 3d", "/resume", "/session tue 17:00 weekly",
                 "/session", "/bring how to say no", "/recap 7d", "/help", "/settings",
                 "/timezone Mars/Olympus", "I want to die", "/sigh", "/export", "/delete"):  # fmt: skip
        await says(step)
    return [text for text in seen if text.strip()]


def _has_words(text: str) -> bool:
    return any(character.isalpha() for character in text)


@pytest.mark.parametrize("language", OTHERS)
async def test_every_journey_speaks_the_persons_language(harness, language):
    english = await walk(harness, 3001, "en")
    theirs = await walk(harness, 3002, language)
    assert len(theirs) == len(english)
    same = [text for text, mine in zip(english, theirs, strict=True) if text == mine and _has_words(text)]
    assert same == [], f"still in English for {language}"
