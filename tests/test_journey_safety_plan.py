"""Journey 7, the safety plan: made step by step over several messages, shown whole, edited,
erased with a confirmation; brought first in a crisis reply; never a journal note; offered once,
later, to someone who had a crisis reply without a plan; erased by /delete."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from bot.render import TELEGRAM_LIMIT

TITLES = (
    "My warning signs",
    "Things I can do on my own",
    "People and places that help me feel better",
    "People I can ask for help",
    "Professionals and services",
    "Making my surroundings safer",
    "My reasons for living",
)
NEXT, DONE, SKIP = "Done with this step ▸", "Done ✓", "Skip this step"


async def onboarded(harness, user_id=1001, language="en"):
    person = harness.person(user_id, "Alex", language)
    await person.onboard()
    return person


async def entries(harness, user_id=1001):
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT text FROM entries WHERE user_id = ? ORDER BY id", (user_id,)) as cur:
            return [row[0] for row in await cur.fetchall()]


async def steps(harness, user_id=1001):
    async with harness.runtime.db.read() as conn:
        async with conn.execute(
            "SELECT step, text FROM safety_plan_steps WHERE user_id = ? ORDER BY step", (user_id,)
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}


async def make_plan(alex):
    """The plan of these tests: step 1 over two messages, step 3 skipped, the others one each."""
    (ask,) = await alex.says("/safetyplan")
    assert "safety plan" in ask.visible and "Step 1 of 7" in ask.visible and TITLES[0] in ask.visible
    assert [label for label, _ in ask.buttons] == [SKIP]
    (kept,) = await alex.says("I stop answering messages")
    assert "Kept in your plan" in kept.visible
    (kept,) = await alex.says("I can't sleep & feel <numb>")
    (ask,) = await alex.presses(kept, NEXT)
    assert "Step 2 of 7" in ask.visible and TITLES[1] in ask.visible
    (kept,) = await alex.says("Go for a walk with the dog")
    (ask,) = await alex.presses(kept, NEXT)
    assert "Step 3 of 7" in ask.visible
    (ask,) = await alex.presses(ask, SKIP)
    assert "Step 4 of 7" in ask.visible
    (kept,) = await alex.says("Sam: +49 151 2345678")
    (ask,) = await alex.presses(kept, NEXT)
    (kept,) = await alex.says("Dr. Weber, 030 1234567")
    (ask,) = await alex.presses(kept, NEXT)
    (kept,) = await alex.says("Give the pills to Sam to keep")
    (ask,) = await alex.presses(kept, NEXT)
    assert "Step 7 of 7" in ask.visible and TITLES[6] in ask.visible
    (kept,) = await alex.says("My niece, and finishing the garden")
    assert [label for label, _ in kept.buttons] == [DONE]
    return await alex.presses(kept, DONE)


async def test_a_plan_made_over_several_messages_is_shown_whole_edited_and_erased(harness):
    alex = await onboarded(harness)
    (shown,) = await make_plan(alex)
    assert "safety plan is made" in shown.visible
    for title in TITLES:
        assert title in shown.visible
    # Two messages, one step, in the order written; the person's words exactly (escaped for HTML).
    assert "I stop answering messages\nI can't sleep & feel <numb>" in shown.visible
    assert "(nothing yet)" in shown.visible  # the skipped step
    assert await steps(harness) == {
        1: "I stop answering messages\nI can't sleep & feel <numb>",
        2: "Go for a walk with the dog",
        4: "Sam: +49 151 2345678",
        5: "Dr. Weber, 030 1234567",
        6: "Give the pills to Sam to keep",
        7: "My niece, and finishing the garden",
    }
    assert await entries(harness) == []  # not one step kept as a note

    # /safetyplan again shows the whole plan, with a button per step and one to erase.
    (shown,) = await alex.says("/safetyplan")
    assert "Sam: +49 151 2345678" in shown.visible
    labels = [label for label, _ in shown.buttons]
    assert len(labels) == 8 and labels[-1] == "Erase my plan"

    # Edit step 2: the next messages take the place of what it held.
    (ask,) = await alex.presses(shown, labels[1])
    assert "Go for a walk with the dog" in ask.visible
    (kept,) = await alex.says("Cold water on my face")
    await alex.says("Play the piano")
    (shown,) = await alex.presses(kept, DONE)
    assert "Changed" in shown.visible and "Cold water on my face\nPlay the piano" in shown.visible
    assert "walk with the dog" not in shown.visible
    assert (await steps(harness))[2] == "Cold water on my face\nPlay the piano"

    # Erase: asked first; "No" keeps it, "Yes" erases it.
    (confirm,) = await alex.presses(shown, "Erase my plan")
    assert "can't be undone" in confirm.visible
    (kept,) = await alex.presses(confirm, "No, keep it")
    assert "Nothing was erased" in kept.visible and await steps(harness) != {}
    (confirm,) = await alex.presses(shown, "Erase my plan")
    (erased,) = await alex.presses(confirm, "Yes, erase it")
    assert "erased" in erased.visible and await steps(harness) == {}
    # An old Edit button after the erase changes nothing.
    assert await alex.presses(shown, labels[3]) == []
    assert "no safety plan" in alex.toast()
    await alex.says("a note after the erase")
    assert await entries(harness) == ["a note after the erase"]
    # Without a plan, /safetyplan makes a new one.
    (ask,) = await alex.says("/safetyplan")
    assert "Step 1 of 7" in ask.visible


async def test_a_crisis_reply_brings_the_persons_plan_before_the_resources(harness):
    alex = await onboarded(harness)
    await make_plan(alex)
    replies = await alex.says("I want to die")
    assert len(replies) in (1, 2)
    text = "\n".join(m.visible for m in replies)
    for mine in ("Sam: +49 151 2345678", "Dr. Weber, 030 1234567", "Go for a walk with the dog"):
        assert mine in text
    assert "I stop answering" not in text  # the warning signs are not what helps now
    assert text.index("Sam: +49 151 2345678") < text.index("findahelpline.com")
    assert text.index("Go for a walk") < text.index("TelefonSeelsorge")
    assert all(len(m.text) <= TELEGRAM_LIMIT for m in replies)
    # The crisis message itself is kept as written, as always.
    assert await entries(harness) == ["I want to die"]


async def test_a_long_plan_still_leaves_room_for_the_resources_right_after_it(harness):
    alex = await onboarded(harness)
    (ask,) = await alex.says("/safetyplan")
    (ask,) = await alex.presses(ask, SKIP)
    for _ in range(3):  # three long messages in one step: far more than one message holds
        (kept,) = await alex.says("<b>walk</b> & breathe " * 180)
    (ask,) = await alex.presses(kept, NEXT)
    (ask,) = await alex.presses(ask, SKIP)
    (kept,) = await alex.says("Mum: 0171 555 1234")
    await alex.says("/mood 3")  # a command ends the step
    replies = await alex.says("I want to kill myself")
    assert 1 <= len(replies) <= 2
    assert all(len(m.text) <= TELEGRAM_LIMIT for m in replies)
    assert "Mum: 0171 555 1234" in replies[0].visible and "&lt;b&gt;walk" not in replies[0].visible
    assert "<b>walk</b> & breathe" in replies[0].visible
    assert "/safetyplan" in replies[0].visible  # what was cut is one command away
    assert "findahelpline.com" in replies[-1].visible


async def test_crisis_words_written_as_a_step_are_kept_in_the_plan_and_answered_with_care(harness):
    alex = await onboarded(harness)
    await alex.says("/safetyplan")
    replies = await alex.says("when I start thinking I want to die")
    assert "findahelpline.com" in replies[0].visible
    assert "Kept in your plan" in replies[-1].visible
    assert await steps(harness) == {1: "when I start thinking I want to die"}
    assert await entries(harness) == []
    (ask,) = await alex.presses(replies[-1], NEXT)
    assert "Step 2 of 7" in ask.visible


async def test_a_command_mid_step_ends_the_ask_and_keeps_what_was_written(harness):
    alex = await onboarded(harness)
    (ask,) = await alex.says("/safetyplan")
    (kept,) = await alex.says("I stop eating")
    (ask,) = await alex.presses(kept, NEXT)
    await alex.says("/mood 3")
    await alex.says("walk the dog")  # now a note: the ask ended
    assert await steps(harness) == {1: "I stop eating"}
    assert await entries(harness) == ["walk the dog"]
    # The step's old Skip button does nothing now.
    assert await alex.presses(ask, SKIP) == []
    # /safetyplan shows what there is, and any step can be filled in.
    (shown,) = await alex.says("/safetyplan")
    assert "I stop eating" in shown.visible


async def test_safetyplan_twice_starts_once_and_a_photo_mid_step_is_not_a_step(harness):
    alex = await onboarded(harness)
    (first,) = await alex.says("/safetyplan")
    (second,) = await alex.says("/safetyplan")
    assert "Step 1 of 7" in second.visible
    photo = harness.api.send_photo(1001, caption="me today")
    await harness.processed(photo["update_id"])
    (kept,) = await alex.says("pacing at night")
    assert await steps(harness) == {1: "pacing at night"}
    assert await entries(harness) == ["me today"]  # a photo is kept as ever, not as a step
    assert await alex.presses(first, SKIP) != []  # the same step: Skip still goes on


async def test_plan_steps_are_in_the_export_only_and_gone_after_delete(harness):
    alex = await onboarded(harness)
    await alex.says("a note of the day")
    await make_plan(alex)
    recap = "\n".join(m.visible or "" for m in await alex.says("/recap 7d"))
    assert "a note of the day" in recap  # the recap is there, and the plan is not in it
    assert "Sam: +49" not in recap and "walk with the dog" not in recap
    assert await entries(harness) == ["a note of the day"]
    await alex.says("/export")
    files = {doc.filename: doc.data for doc in harness.api.documents(1001)}
    (name,) = [name for name in files if name.endswith(".json")]
    document = json.loads(files[name])
    (markdown,) = [data for name, data in files.items() if name.endswith(".md")]
    assert b"## My safety plan" in markdown and b"> Sam: +49 151 2345678" in markdown
    assert document["version"] == 2
    plan = document["safety_plan"]
    assert [s["step"] for s in plan["steps"]] == [
        "warning_signs", "coping_on_my_own", "people_to_ask", "professionals",
        "safer_surroundings", "reasons_for_living",
    ]  # fmt: skip
    assert [e["text"] for e in document["entries"]] == ["a note of the day"]

    db_path = Path(harness.runtime.db.path)
    canary = b"finishing the garden"
    assert _holds(db_path, canary)
    (ask,) = await alex.says("/delete")
    await alex.presses(ask, "Yes, erase everything")
    assert not _holds(db_path, canary)
    assert not _holds(db_path, b"Dr. Weber")


async def test_without_a_plan_the_crisis_reply_is_unchanged_and_the_offer_comes_once_later(harness):
    alex = await onboarded(harness)
    sam = await onboarded(harness, 1002)
    (alone,) = await sam.says("I want to die")  # Sam has no plan either: the reference reply
    (reply,) = await alex.says("I want to die")
    assert reply.text == alone.text
    assert "plan" not in reply.visible.lower()
    # Soon after: no offer, however many messages.
    harness.clock.set(harness.clock.now() + timedelta(hours=1))
    replies = await alex.says("still here")
    assert all("safety plan" not in (m.visible or "") for m in replies)
    # Hours later, an ordinary message brings the offer, once.
    harness.clock.set(harness.clock.now() + timedelta(hours=9))
    replies = await alex.says("a calmer day today")
    offer = replies[-1]
    assert "safety plan" in offer.visible
    assert [label for label, _ in offer.buttons] == ["Make my plan", "Not now"]
    (declined,) = await alex.presses(offer, "Not now")
    assert "/safetyplan" in declined.visible
    harness.clock.set(harness.clock.now() + timedelta(days=3))
    for text in ("another day", "and another"):
        replies = await alex.says(text)
        assert all("safety plan" not in (m.visible or "") for m in replies)
    # "Make my plan" under the offer starts the plan.
    harness.clock.set(harness.clock.now() + timedelta(hours=9))
    replies = await sam.says("feeling a bit better")
    (ask,) = await sam.presses(replies[-1], "Make my plan")
    assert "Step 1 of 7" in ask.visible


async def test_no_offer_while_paused(harness):
    alex = await onboarded(harness)
    await alex.says("I want to die")
    await alex.says("/pause")
    await alex.says("/pause 3d")
    harness.clock.set(harness.clock.now() + timedelta(days=1))
    replies = await alex.says("a quiet day")
    assert all("safety plan" not in (m.visible or "") for m in replies)
    await alex.says("/resume")
    replies = await alex.says("back again")
    assert "safety plan" in replies[-1].visible


def _holds(db_path: Path, needle: bytes) -> bool:
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists() and needle in path.read_bytes():
            return True
    return False

