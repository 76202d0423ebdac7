"""Edge cases found in review: words kept when they look like an answer, retries and replays
that must not double anything, edited commands, and odd message kinds."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.test_journey_answers import stored
from tests.test_journey_reminders import onboarded, prompts_in


async def count(harness, table: str) -> int:
    async with harness.runtime.db.read() as conn:
        async with conn.execute(f"SELECT count(*) FROM {table}") as cur:
            return (await cur.fetchone())[0]


async def test_a_short_note_that_is_no_zone_is_kept_while_the_zone_question_is_open(harness):
    alex = await onboarded(harness)
    await alex.says("/timezone")
    replies = await alex.says("rough day honestly")
    assert "kept your message as a note" in replies[-1].visible
    assert [e["text"] for e in await stored(harness)] == ["rough day honestly"]
    await alex.says("Lisbon")  # the question is still open
    settings = await alex.says_one("/settings")
    assert "Lisbon" in settings.visible


async def test_the_question_lapses_after_a_while(harness):
    alex = await onboarded(harness)
    await alex.says("/timezone")
    harness.clock.advance(hours=1)
    await alex.says("I cried at work")
    assert [e["text"] for e in await stored(harness)] == ["I cried at work"]


async def test_a_reply_to_a_prompt_is_an_answer_even_while_a_question_is_open(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (prompt,) = prompts_in(alex)
    (listing,) = await alex.says("/remind")
    await alex.presses(listing, "+ Add a time")
    await alex.says("Not great today.", reply_to=prompt.message_id)
    (entry,) = await stored(harness)
    assert entry["text"] == "Not great today." and entry["prompt_id"]


async def test_a_mood_is_stored_once_when_its_reply_fails_and_is_retried(harness):
    alex = await onboarded(harness)
    harness.api.fail_next("sendMessage", status=502)
    await alex.says("/mood 4")
    assert await count(harness, "moods") == 1


async def test_a_mood_delivered_twice_is_stored_once(harness):
    alex = await onboarded(harness)
    update = harness.api.send_message(1001, "/mood 3")
    await harness.processed(update["update_id"])
    again = harness.api.queue_update(update)
    await harness.processed(again["update_id"])
    assert await count(harness, "moods") == 1
    del alex


async def test_editing_a_command_does_not_run_it_again(harness):
    alex = await onboarded(harness)
    update = harness.api.send_message(1001, "/remind 09:00")
    await harness.processed(update["update_id"])
    await alex.edits(update["message"]["message_id"], "/remind 10:00")
    assert await count(harness, "reminders") == 1


async def test_editing_a_bring_item_updates_its_words(harness):
    alex = await onboarded(harness)
    update = harness.api.send_message(1001, "/bring how to say no")
    await harness.processed(update["update_id"])
    await alex.edits(update["message"]["message_id"], "/bring how to say no to my boss")
    (entry,) = await stored(harness)
    assert entry["text"] == "how to say no to my boss"
    assert entry["first_text"] == "how to say no"


async def test_a_telegram_400_is_not_retried_and_does_not_hold_up_later_messages(harness):
    alex = await onboarded(harness)
    harness.api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    await alex.says("/help")
    await alex.says("a note after the failure")
    assert [e["text"] for e in await stored(harness)] == ["a note after the failure"]
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM inbox WHERE state != 'done'") as cur:
            assert (await cur.fetchone())[0] == 1  # the failed /help, parked, not retried now


async def test_prompt_on_demand_is_never_sent_again_by_the_dispatcher(harness):
    alex = await onboarded(harness)
    harness.api.fail_next("sendMessage", status=502)
    await alex.says("/prompt")
    await harness.tick()  # the failed send left a claimed row: not the dispatcher's to send
    # The intake retries the update (a passing fault) when it next polls.
    await harness.api.wait_for(lambda: prompts_in(alex), timeout=10, what="the retried prompt")
    await harness.tick()
    assert len(prompts_in(alex)) == 1


async def test_a_location_gets_a_kind_line(harness):
    alex = await onboarded(harness)
    update = harness.api.queue_update(
        {
            "message": {
                "message_id": 999,
                "date": int(harness.clock.now().timestamp()),
                "chat": {"id": 1001, "type": "private", "first_name": "Alex"},
                "from": {"id": 1001, "is_bot": False, "first_name": "Alex"},
                "location": {"latitude": 52.5, "longitude": 13.4},
            }
        }
    )
    await harness.processed(update["update_id"])
    assert "not this kind of message" in alex.last().visible
