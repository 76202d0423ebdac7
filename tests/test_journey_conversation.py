"""The four ways words landed in the wrong place before the conversation model (one test each),
and the rules around them (docs/conversation.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.test_journey_answers import stored
from tests.test_journey_reminders import onboarded, prompts_in


async def test_a_note_after_skipping_is_free_not_filed_under_the_older_question(harness):
    alex = await onboarded(harness)
    (first,) = await alex.says("/prompt")
    await alex.says("Answer A")
    (second,) = await alex.says("/prompt")
    await alex.presses(second, "Skip")
    await alex.says("my sleep was bad this week")
    answer, note = await stored(harness)
    assert answer["text"] == "Answer A" and answer["prompt_id"]
    assert note["text"] == "my sleep was bad this week" and note["delivery_id"] is None
    recap = "\n".join(m.visible for m in await alex.says("/recap 7d"))
    # The note is not shown under the first question: it stands among the notes.
    assert recap.index("Answer A") < recap.index("my sleep was bad")


async def test_later_closes_the_question_too(harness):
    alex = await onboarded(harness)
    (prompt,) = await alex.says("/prompt")
    await alex.presses(prompt, "Later")
    await alex.says("just a thought")
    (note,) = await stored(harness)
    assert note["delivery_id"] is None


async def test_a_reply_to_a_skipped_question_still_answers_it(harness):
    alex = await onboarded(harness)
    (prompt,) = await alex.says("/prompt")
    await alex.presses(prompt, "Skip")
    await alex.says("changed my mind", reply_to=prompt.message_id)
    (answer,) = await stored(harness)
    assert answer["prompt_id"]


async def test_a_city_after_none_of_these_sets_the_zone_and_is_no_note(harness):
    alex = await onboarded(harness)
    now = harness.clock.now()
    typed = f"{(now.hour + 1) % 24:02d}:{now.minute:02d}"  # Berlin's clock: UTC+1 in November
    (offer,) = await alex.says(f"/timezone {typed}")
    await alex.presses(offer, "None of these")
    (done,) = await alex.says("Lisbon")
    assert "Lisbon" in done.visible
    assert await stored(harness) == []
    settings = await alex.says_one("/settings")
    assert "Lisbon" in settings.visible


async def test_move_then_a_new_time_moves_the_session_and_keeps_no_note(harness):
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    shown = await alex.says_one("/session")
    await alex.presses(shown, "Move")
    (moved,) = await alex.says("thu 18:00 weekly")
    assert "18:00" in moved.visible
    assert await stored(harness) == []
    again = await alex.says_one("/session")
    assert "18:00" in again.visible


async def test_an_unreadable_reply_gets_one_more_chance_then_the_ask_closes(harness):
    alex = await onboarded(harness)
    await alex.says("/timezone")
    (first,) = await alex.says("Mars")
    assert "kept your message as a note" in first.visible
    (second,) = await alex.says("Olympus")
    assert "not waiting for that answer" in second.visible
    await alex.says("Lisbon")  # the ask is over: a note now
    assert [e["text"] for e in await stored(harness)] == ["Mars", "Olympus", "Lisbon"]
    settings = await alex.says_one("/settings")
    assert "Berlin" in settings.visible


async def test_a_clock_time_no_zone_shows_never_sets_an_invented_offset(harness):
    alex = await onboarded(harness)
    # 20:30 at 08:00 UTC is UTC+12:30 or UTC-11:30: no zone's clock is within 15 minutes.
    harness.clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    (reply,) = await alex.says("/timezone 20:30")
    assert "city" in reply.visible and "UTC" not in reply.visible
    settings = await alex.says_one("/settings")
    assert "Berlin" in settings.visible


async def test_a_command_ends_the_open_question(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    assert prompts_in(alex)
    await alex.says("/help")
    await alex.says("unrelated")
    (note,) = await stored(harness)
    assert note["delivery_id"] is None


async def test_tomorrows_note_is_never_read_as_a_city(harness):
    alex = await onboarded(harness)
    await alex.says("/timezone")
    harness.clock.advance(minutes=31)
    await alex.says("Lisbon")
    assert [e["text"] for e in await stored(harness)] == ["Lisbon"]


async def test_the_zone_question_ends_with_the_zone(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    await alex.says("Europe/Berlin")
    # Answered: "Lisbon" right after is a note, not a second zone.
    await alex.says("Lisbon")
    assert [e["text"] for e in await stored(harness)] == ["Lisbon"]


async def test_a_telegram_reply_to_the_bots_own_question_is_the_reply_asked_for(harness):
    alex = await onboarded(harness)
    (listing,) = await alex.says("/remind")
    (asked,) = await alex.presses(listing, "+ Add a time")
    await alex.says("20:00", reply_to=asked.message_id)
    assert await stored(harness) == []
    (shown,) = await alex.says("/remind")
    assert "20:00" in shown.visible


async def test_bring_alone_asks_and_the_next_message_is_the_item(harness):
    alex = await onboarded(harness)
    await alex.says("/bring")
    await alex.says("my sister and the holidays, and how much I dread the train ride there")
    (item,) = await stored(harness)
    assert item["kind"] == "bring" and item["bring"] == 1
    await alex.says("just a note")
    assert (await stored(harness))[-1]["bring"] == 0


async def test_crisis_words_after_a_command_are_kept_and_answered_with_care(harness):
    alex = await onboarded(harness)
    replies = await alex.says("/mood 1 I want to die")
    assert any("findahelpline" in m.visible or "emergency" in m.visible for m in replies)
    (kept,) = await stored(harness)
    assert kept["text"] == "/mood 1 I want to die"
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM moods") as cur:
            assert (await cur.fetchone())[0] == 0


async def test_words_after_an_unknown_command_are_kept(harness):
    alex = await onboarded(harness)
    (answer,) = await alex.says("/sigh today was really hard and I cried at work")
    assert "don't know that command" in answer.visible and "kept your message" in answer.visible
    (kept,) = await stored(harness)
    assert "cried at work" in kept["text"]


async def test_after_another_question_each_answer_shows_under_its_own_question(harness):
    alex = await onboarded(harness)
    (prompt,) = await alex.says("/prompt")
    first = prompt.visible.split("\n")[0]
    await alex.says("R1 calm took a while")
    await alex.presses(prompt, "Another question")
    second = next(m for m in alex.messages() if m.message_id == prompt.message_id).visible.split("\n")[0]
    await alex.says("R2 the cat")
    assert first != second
    lines = "\n".join(m.visible for m in await alex.says("/recap 7d")).split("\n")

    def question_above(answer: str) -> str:
        at = next(i for i, line in enumerate(lines) if answer in line)
        return next(line for line in reversed(lines[:at]) if first[:25] in line or second[:25] in line)

    assert first[:25] in question_above("R1")
    assert second[:25] in question_above("R2")


async def test_the_zones_offered_for_a_clock_time_are_named_in_the_persons_language(harness):
    """A Russian speaker who types the time on their clock is offered Москва, not Moscow."""
    olga = harness.person(3001, "Olga", "ru")
    await olga.says("/start")
    now = harness.clock.now()
    (offer,) = await olga.says(f"{(now.hour + 3) % 24:02d}:{now.minute:02d}")  # Moscow: UTC+3
    labels = [label for label, _ in offer.buttons]
    assert "Москва" in labels and "Moscow" not in labels
    done, *_ = await olga.presses(offer, "Москва")  # then, the first time, the reminder offer
    assert "Москва" in done.visible
