"""Journeys 3, 4 and 7: every word a person writes is kept once, matched to its prompt, and
a message that suggests crisis gets resources at once."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.test_journey_reminders import onboarded, prompts_in


async def stored(harness, user_id=1001):
    """The person's entries as (text, prompt_id or None, kind, bring) in message order."""
    async with harness.runtime.db.read() as conn:
        async with conn.execute(
            "SELECT text, prompt_id, kind, bring, first_text, file_id, delivery_id"
            " FROM entries WHERE user_id = ? ORDER BY message_id",
            (user_id,),
        ) as cur:
            return [dict(row) for row in await cur.fetchall()]


async def prompt_at_8pm(harness, person):
    await person.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (prompt,) = prompts_in(person)
    return prompt


async def test_reply_to_a_prompt_answers_it_however_late(harness):
    alex = await onboarded(harness)
    prompt = await prompt_at_8pm(harness, alex)
    harness.clock.advance(days=3)
    (ack,) = await alex.says("I noticed I was kinder to myself", reply_to=prompt.message_id)
    assert [label for label, _ in ack.buttons] == ["📌 Bring to session"]
    (entry,) = await stored(harness)
    assert entry["prompt_id"] is not None
    assert entry["text"] == "I noticed I was kinder to myself"


async def test_plain_messages_after_a_prompt_join_one_answer(harness):
    alex = await onboarded(harness)
    await prompt_at_8pm(harness, alex)
    harness.clock.advance(minutes=10)
    first = await alex.says("First thought.")
    second = await alex.says("And another one.")
    assert len(first) == 1 and first[0].buttons  # the first message of an answer gets the button
    assert second == []  # later ones: a quiet reaction
    messages = [m for m in harness.api.calls("setMessageReaction")]
    assert messages, "the follow-up was acknowledged with a reaction"
    entries = await stored(harness)
    assert len({e["delivery_id"] for e in entries}) == 1
    assert all(e["prompt_id"] for e in entries)


async def test_a_message_long_after_a_prompt_is_a_free_note(harness):
    alex = await onboarded(harness)
    await prompt_at_8pm(harness, alex)
    harness.clock.advance(hours=13)
    await alex.says("Just a note for myself.")
    (entry,) = await stored(harness)
    assert entry["prompt_id"] is None


async def test_free_note_without_any_prompt(harness):
    alex = await onboarded(harness)
    await alex.says("Something I want to remember <3 & a<b")
    (entry,) = await stored(harness)
    assert entry["prompt_id"] is None
    assert entry["text"] == "Something I want to remember <3 & a<b"
    assert harness.api.calls("setMessageReaction")


async def test_edit_updates_the_entry_and_keeps_the_first_text(harness):
    alex = await onboarded(harness)
    update = harness.api.send_message(1001, "I felt angyr")
    await harness.processed(update["update_id"])
    await alex.edits(update["message"]["message_id"], "I felt angry")
    (entry,) = await stored(harness)
    assert entry["text"] == "I felt angry"
    assert entry["first_text"] == "I felt angyr"


async def test_voice_and_sticker_are_kept_as_references_with_a_kind_reply(harness):
    alex = await onboarded(harness)
    harness.api.send_voice(1001)
    update = harness.api.send_sticker(1001)
    await harness.processed(update["update_id"])
    voice, sticker = await stored(harness)
    assert voice["kind"] == "voice" and voice["file_id"]
    assert sticker["kind"] == "sticker" and sticker["file_id"]
    assert "Recaps show text only" in alex.last().visible


async def test_a_photo_with_words_under_it_is_acknowledged_like_words(harness):
    """The caption is what the recap shows, so no hint to add "a line or two"; a bare photo
    still gets it."""
    alex = await onboarded(harness)
    prompt = await prompt_at_8pm(harness, alex)
    caption = "the lake where I finally slept"
    update = harness.api.send_photo(1001, caption=caption, reply_to=prompt.message_id)
    new = await alex._deliver(update)
    (captioned,) = await stored(harness)
    assert (captioned["kind"], captioned["text"]) == ("photo", "the lake where I finally slept")
    assert captioned["delivery_id"] is not None
    assert [m.visible for m in new if "Recaps show text only" in m.visible] == []
    assert any(label == "📌 Bring to session" for m in new for label, _ in m.buttons)
    await alex._deliver(harness.api.send_photo(1001))
    assert "Recaps show text only" in alex.last().visible


async def test_bring_to_session_button_flags_the_answer(harness):
    alex = await onboarded(harness)
    await prompt_at_8pm(harness, alex)
    (ack,) = await alex.says("Talk about my sister")
    await alex.presses(ack, "📌 Bring to session")
    assert "next session" in alex.toast()
    (entry,) = await stored(harness)
    assert entry["bring"] == 1


async def test_bring_command_adds_an_item(harness):
    alex = await onboarded(harness)
    reply = await alex.says_one("/bring how to say no at work")
    assert "next session" in reply.visible
    (entry,) = await stored(harness)
    assert entry == entry | {"text": "how to say no at work", "bring": 1, "prompt_id": None}


async def test_bring_as_reply_flags_that_message(harness):
    alex = await onboarded(harness)
    update = harness.api.send_message(1001, "the argument on Sunday")
    await harness.processed(update["update_id"])
    await alex.says("/bring", reply_to=update["message"]["message_id"])
    (entry,) = [e for e in await stored(harness) if e["kind"] == "text"]
    assert entry["bring"] == 1


async def test_mood_with_buttons_and_with_a_number(harness):
    alex = await onboarded(harness)
    (scale,) = await alex.says("/mood")
    assert [label for label, _ in scale.buttons][0] == "5 · very good"
    (logged,) = await alex.presses(scale, "2 · low")
    assert "low" in logged.visible
    reply = await alex.says_one("/mood 4")
    assert "good" in reply.visible
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT score FROM moods ORDER BY id") as cur:
            assert [row[0] for row in await cur.fetchall()] == [2, 4]


async def test_bad_answers_input_gets_one_line_and_changes_nothing(harness):
    alex = await onboarded(harness)
    for bad in ("/mood 11", "/mood great!!", "/bring"):
        reply = await alex.says_one(bad)
        assert "\n" not in reply.visible.strip(), bad
    assert await stored(harness) == []


async def test_long_message_with_markup_characters_is_stored_byte_for_byte(harness):
    alex = await onboarded(harness)
    unit = "<b>&amp; \u200f\u200b😊 a<b "
    text = (unit * 400)[:4096]
    await alex.says(text)
    (entry,) = await stored(harness)
    assert entry["text"] == text


async def test_the_same_update_delivered_twice_is_stored_once(harness):
    alex = await onboarded(harness)
    update = harness.api.send_message(1001, "only once please")
    await harness.processed(update["update_id"])
    again = harness.api.queue_update(update)
    await harness.processed(again["update_id"])
    assert [e["text"] for e in await stored(harness)] == ["only once please"]
    del alex


async def test_crisis_message_gets_resources_at_once_and_is_still_stored(harness):
    alex = await onboarded(harness)
    replies = await alex.says("I don't want to be alive anymore")
    assert "findahelpline.com" in replies[0].visible
    assert "TelefonSeelsorge" in replies[0].visible  # zone Europe/Berlin -> Germany
    assert [e["text"] for e in await stored(harness)] == ["I don't want to be alive anymore"]
    # "That's not what I meant" does not suppress the resources next time.
    await alex.says("that's not what I meant")
    replies = await alex.says("i want to die")
    assert "findahelpline.com" in replies[0].visible


async def test_crisis_message_while_the_bot_waits_for_a_zone_is_not_taken_as_a_zone(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    replies = await alex.says("I want to kill myself")
    assert "findahelpline.com" in replies[0].visible
    assert [e["text"] for e in await stored(harness)] == ["I want to kill myself"]


async def test_ordinary_sad_message_gets_no_crisis_reply(harness):
    alex = await onboarded(harness)
    replies = await alex.says("I felt sad today and the traffic was awful")
    assert all("findahelpline" not in m.visible for m in replies)


async def test_mood_scale_rides_along_with_prompts_when_chosen_in_settings(harness):
    alex = await onboarded(harness)
    settings = await alex.says_one("/settings")
    (settings,) = await alex.presses(settings, "Mood scale with questions: off")
    assert "Mood scale with each question: on" in settings.visible
    prompt = await prompt_at_8pm(harness, alex)
    labels = [label for label, _ in prompt.buttons]
    assert labels[:3] == ["Later", "Another question", "Skip"]
    assert labels[3:] == ["very low", "low", "okay", "good", "very good"]
    (logged,) = await alex.presses(prompt, "good")
    assert "good" in logged.visible
    # The scale is gone from the prompt, its other buttons stay; one mood per prompt.
    prompt = next(m for m in alex.messages() if m.message_id == prompt.message_id)
    assert [label for label, _ in prompt.buttons] == ["Later", "Another question", "Skip"]
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT score FROM moods") as cur:
            assert [row[0] for row in await cur.fetchall()] == [4]


async def test_an_answered_question_stays_answered_whatever_is_pressed_after(harness):
    """Later or Skip pressed under a question already answered: the answer stays filed under it
    and the question is not recorded as skipped (the recap and the export say it was answered)."""
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    for day, label in ((23, "Skip"), (24, "Later")):
        prompt = await _prompt_on(harness, alex, day)
        await alex.says(f"an answer before {label}", reply_to=prompt.message_id)
        await alex.presses(prompt, label)
        async with harness.runtime.db.read() as conn:
            async with conn.execute(
                "SELECT d.state, count(e.id) FROM deliveries AS d JOIN entries AS e ON e.delivery_id = d.id"
                " WHERE e.text = ? GROUP BY d.id",
                (f"an answer before {label}",),
            ) as cur:
                assert [tuple(row) for row in await cur.fetchall()] == [("sent", 1)]
    # An unanswered question pressed away is skipped, as before.
    prompt = await _prompt_on(harness, alex, 25)
    await alex.presses(prompt, "Skip")
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT state FROM deliveries ORDER BY id DESC LIMIT 1") as cur:
            assert (await cur.fetchone())[0] == "skipped"


async def _prompt_on(harness, person, day):
    """The 20:00 (Berlin) question of that November day."""
    await harness.at(datetime(2026, 11, day, 19, 0, tzinfo=UTC))
    return prompts_in(person)[-1]
