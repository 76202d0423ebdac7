"""The safety plan and the crisis reply, as people met them: crisis words typed at a step other
than the warning signs, a crisis message before the time zone is set, an edit of a message that
went into the plan, the plan's words gone from the file and its WAL once "erased" is said, and
the crisis resources of a country with only an emergency number (docs/safety-plan.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.services import erase
from tests.test_erase import Reader, said, until
from tests.test_journey_safety_plan import entries, make_plan, onboarded, steps


async def test_crisis_words_at_a_later_step_are_a_crisis_message_and_the_step_stays_open(harness):
    alex = harness.person(1001, "Ana", "es")
    await _onboard(alex, "America/Mexico_City")
    (ask,) = await alex.says("/safetyplan")
    (kept,) = await alex.says("no duermo")
    (ask,) = await alex.presses(kept, _label(kept))
    (ask,) = await alex.presses(ask, _label(ask))  # skip step 2
    (ask,) = await alex.presses(ask, _label(ask))  # skip step 3: step 4, people to ask
    await alex.says("Sam: +52 55 1234 5678")
    replies = await alex.says("ya no puedo más, quiero morir")
    assert replies and "findahelpline.com" in replies[0].visible
    assert "Sam: +52 55 1234 5678" in replies[0].visible  # the plan as far as it goes
    # Handled as a crisis message outside the plan: kept as a note, not filed in the plan.
    assert all(_label(m) is None for m in replies)
    assert await entries(harness) == ["ya no puedo más, quiero morir"]
    assert await steps(harness) == {1: "no duermo", 4: "Sam: +52 55 1234 5678"}
    # The step is still open: the next message goes on into it.
    (kept,) = await alex.says("Mamá: 55 8765 4321")
    assert await steps(harness) == {1: "no duermo", 4: "Sam: +52 55 1234 5678\nMamá: 55 8765 4321"}
    (ask,) = await alex.presses(kept, _label(kept))
    assert "5/7" in ask.visible or "5 " in ask.visible
    # A later crisis reply never shows the crisis message among the people to call.
    later = "\n".join(m.visible for m in await alex.says("quiero morir"))
    assert "Mamá: 55 8765 4321" in later and "ya no puedo más" not in later


async def test_crisis_words_as_warning_signs_still_go_into_step_one(harness):
    alex = await onboarded(harness)
    await alex.says("/safetyplan")
    replies = await alex.says("when I start thinking I want to die")
    assert "findahelpline.com" in replies[0].visible and "Kept in your plan" in replies[-1].visible
    assert await steps(harness) == {1: "when I start thinking I want to die"}
    assert await entries(harness) == []


async def test_crisis_words_while_editing_a_later_step_are_not_filed_in_it(harness):
    alex = await onboarded(harness)
    await make_plan(alex)
    (shown,) = await alex.says("/safetyplan")
    (ask,) = await alex.presses(shown, [label for label, _ in shown.buttons][3])  # ✎ 4
    replies = await alex.says("I want to kill myself")
    assert "Sam: +49 151 2345678" in "\n".join(m.visible for m in replies)
    assert all("Kept in your plan" not in m.visible for m in replies)
    assert (await steps(harness))[4] == "Sam: +49 151 2345678"
    assert await entries(harness) == ["I want to kill myself"]
    await alex.says("Jo: 0170 1111111")  # the edit goes on as asked
    assert (await steps(harness))[4] == "Jo: 0170 1111111"


async def test_a_crisis_message_before_the_time_zone_is_not_followed_by_a_setup_question(harness):
    newcomer = harness.person(1003, "Kim", "en")
    replies = await newcomer.says("I want to die")
    assert replies and "findahelpline.com" in replies[0].visible
    assert all("time zone" not in m.visible for m in replies)
    assert await entries(harness, 1003) == ["I want to die"]
    # After /start (which asks for the zone itself), the same.
    await newcomer.says("/start")
    replies = await newcomer.says("I want to kill myself")
    assert replies and all("time zone" not in m.visible for m in replies)
    # An ordinary note still gets the question, as before.
    other = harness.person(1004, "Lou", "en")
    replies = await other.says("a long day at work today")
    assert "time zone" in replies[-1].visible


async def test_editing_a_message_that_went_into_the_plan_says_where_it_is(harness):
    alex = await onboarded(harness)
    await alex.says("/safetyplan")
    sent = harness.api.send_message(1001, "I stop answering messages")
    await harness.processed(sent["update_id"])
    message_id = sent["message"]["message_id"]
    (answer,) = await alex.edits(message_id, "I stop answering calls")
    assert "didn't keep" not in answer.visible
    assert "safety plan" in answer.visible and "/safetyplan" in answer.visible
    # Nothing changes: not the plan, not the journal.
    assert await steps(harness) == {1: "I stop answering messages"}
    assert await entries(harness) == []
    # A step's earlier message (each step remembers only its last): never "I didn't keep that".
    await alex.says("I can't sleep")
    (answer,) = await alex.edits(message_id, "I stop answering anyone")
    assert "didn't keep" not in answer.visible and "/safetyplan" in answer.visible
    assert await steps(harness) == {1: "I stop answering messages\nI can't sleep"}
    # A note is still edited as ever.
    await alex.says("/mood 3")
    note = harness.api.send_message(1001, "a quiet evening")
    await harness.processed(note["update_id"])
    await alex.edits(note["message"]["message_id"], "a quiet evening at home")
    assert await entries(harness) == ["a quiet evening at home"]


async def test_an_erased_plan_is_gone_from_the_file_and_its_wal_when_it_says_erased(harness):
    alex = await onboarded(harness)
    (shown,) = await make_plan(alex)
    db_path = Path(harness.runtime.db.path)
    assert _holds(db_path, b"finishing the garden")
    (confirm,) = await alex.presses(shown, "Erase my plan")
    (erased,) = await alex.presses(confirm, "Yes, erase it")
    assert "erased" in erased.visible
    for words in (b"finishing the garden", b"Dr. Weber", b"Sam: +49 151", b"walk with the dog"):
        assert not _holds(db_path, words), words


async def test_mexico_gets_its_emergency_number_and_no_raw_country_lists(harness):
    ana = harness.person(1005, "Ana", "es")
    await _onboard(ana, "America/Mexico_City")
    (reply,) = await ana.says("quiero morir")
    assert "911" in reply.visible
    assert "findahelpline.com" in reply.visible
    assert "(*)" not in reply.visible
    alex = await onboarded(harness)
    (reply,) = await alex.says("I want to die")
    assert "112" in reply.visible and "TelefonSeelsorge" in reply.visible
    assert "(*)" not in reply.visible
    assert "AT, CH" not in reply.visible and "IN)" not in reply.visible  # never the whole list


async def _onboard(person, zone: str) -> None:
    """/start and a zone, declining the reminder offer (its last button), in any language."""
    await person.says("/start")
    offer = (await person.says(zone))[-1]
    await person.presses(offer, offer.buttons[-1][0])


def _label(message) -> str | None:
    """The step button under a message (Skip, Done with this step, Done), if any."""
    return message.buttons[0][0] if message.buttons else None


def _holds(db_path: Path, needle: bytes) -> bool:
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists() and needle in path.read_bytes():
            return True
    return False


async def test_a_reader_delays_the_plans_erased_until_its_words_are_gone(harness, monkeypatch):
    monkeypatch.setattr(erase, "NOTICE_AFTER", 0.2)
    monkeypatch.setattr(erase, "PATIENCE", 0.6)
    monkeypatch.setattr(erase, "RETRY_PATIENCE", 0.2)
    alex = await onboarded(harness)
    (shown,) = await make_plan(alex)
    db_path = Path(harness.runtime.db.path)
    (confirm,) = await alex.presses(shown, "Erase my plan")
    reader = Reader(db_path)
    try:
        press = harness.api.press_button(1001, confirm.message_id, confirm.button_data("Yes, erase it"))
        await until(lambda: said(alex, "another program"), what="the honest explanation")
        await asyncio.sleep(2.5)  # the press is tried again meanwhile (after 1 s, then 2 s)
        assert await steps(harness) == {}  # erased, and nothing reads it through Between
        assert not said(alex, "plan is erased"), "told erased while the words were in the file"
        assert _holds(db_path, b"finishing the garden")
    finally:
        reader.let_go()
    await until(lambda: said(alex, "plan is erased"), within=10, what="erased, once the reader let go")
    await harness.processed(press["update_id"])
    texts = [m.visible for m in alex.messages()[-3:]]
    assert ["Erasing" in texts[0], "another program" in texts[1], "plan is erased" in texts[2]] == [True] * 3
    assert len(said(alex, "plan is erased")) == 1 and not said(alex, "no safety plan")
    assert not _holds(db_path, b"finishing the garden") and not _holds(db_path, b"Dr. Weber")
