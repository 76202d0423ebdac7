"""The safety plan in every language Between speaks: the steps an English speaker takes to make,
see, edit and erase a plan, to get it back in a crisis, and to be offered one later, taken by a
German, Spanish, French and Russian speaker. Each reply must be in the person's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import i18n
from tests.test_journey_every_language import _has_words

OTHERS = [code for code in i18n.available() if code != "en"]


async def walk(harness, user_id: int, language: str) -> list[str]:
    """Buttons pressed by position (labels differ per language); every reply and button label."""
    person = harness.person(user_id, "Sam", language)
    seen: list[str] = []

    def note(messages):  # type: ignore[no-untyped-def]
        for message in messages:
            seen.append(message.visible)
            seen.extend(label for label, _ in message.buttons)
        return messages

    async def says(text: str):  # type: ignore[no-untyped-def]
        return note(await person.says(text))

    async def press(message, index: int = 0):  # type: ignore[no-untyped-def]
        return note(await person.presses(message, message.buttons[index][0]))

    await person.says("/start")
    offer = (await person.says("Europe/Berlin"))[-1]
    await person.presses(offer, offer.buttons[-1][0])  # no reminder now
    await says("/safetyplan")
    (kept,) = await says("I stop answering messages")
    await says("and I can't sleep")
    (ask,) = await press(kept)  # step 2
    (kept,) = await says("a walk with the dog")
    (ask,) = await press(kept)  # step 3
    (ask,) = await press(ask)  # skipped: step 4
    (kept,) = await says("Sam 0151 2345678")
    (ask,) = await press(kept)  # step 5
    sent = harness.api.send_message(user_id, "Dr. Weber 030 1234567")
    (kept,) = note(await person._deliver(sent))
    # Editing it: a line saying the words are in the plan, and how to change them.
    note(await person.edits(sent["message"]["message_id"], "Dr. Weber, 030 1234567"))
    (ask,) = await press(kept)  # step 6
    (ask,) = await press(ask)  # skipped: step 7
    (shown,) = await press(ask)  # skipped: the plan is made and shown
    await press(shown, 1)  # edit step 2
    (kept,) = await says("cold water on my face")
    (shown,) = await press(kept)
    await says("/help")
    await says("I want to die")  # the plan first, then the resources
    (confirm,) = await press(shown, 7)  # Erase my plan
    await press(confirm, 1)  # No, keep it
    (confirm,) = await press(shown, 7)
    await press(confirm)  # Yes, erase it
    # Without a plan: the crisis reply as ever, and hours later the offer, once.
    await says("I want to die")
    harness.clock.set(harness.clock.now() + timedelta(hours=9))
    replies = await says("a calmer day")
    await press(replies[-1], 1)  # Not now
    return [text for text in seen if text and text.strip()]


@pytest.mark.parametrize("language", OTHERS)
async def test_the_safety_plan_speaks_the_persons_language(harness, language):
    english = await walk(harness, 3001, "en")
    assert any("Step 2 of 7" in text for text in english) and any("Not now" == t for t in english)
    theirs = await walk(harness, 3002, language)
    assert len(theirs) == len(english)
    same = [text for text, mine in zip(english, theirs, strict=True) if text == mine and _has_words(text)]
    assert same == [], f"still in English for {language}"
