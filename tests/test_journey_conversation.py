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
