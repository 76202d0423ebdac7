"""The WHO-5 wellbeing check-in (docs/wellbeing.md): five items through their buttons, a score
only when all five are answered, the opt-in offer at the reminder time, the recap, the export,
/delete."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.mood_chart import chart_available
from tests.test_journey_data import confirmation, count, files_of
from tests.test_journey_reminders import onboarded, prompts_in

ANSWER_LABELS = (
    "At no time",
    "Some of the time",
    "Less than half of the time",
    "More than half of the time",
    "Most of the time",
    "All of the time",
)
# 20:00 in Berlin, in November (UTC+1).
EVENING = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


async def check_in(person, *labels: str):
    """/wellbeing and one answer per item; returns the bot's reply to the last press."""
    (item,) = await person.says("/wellbeing")
    replies = []
    for label in labels:
        replies = await person.presses(item, label)
        item = replies[-1]
    return replies


def scores_in(document):
    return [(s["score"], s["answers"]) for s in document["wellbeing"]["scores"]]


async def test_five_times_most_of_the_time_gives_80_in_the_reply_the_recap_and_the_export(harness):
    alex = await onboarded(harness)
    (first,) = await alex.says("/wellbeing")
    assert "1 of 5" in first.visible and "Over the last two weeks" in first.visible
    assert "I have felt cheerful and in good spirits" in first.visible
    assert [label for label, _ in first.buttons] == list(reversed(ANSWER_LABELS))
    items = [first]
    item = first
    for _ in range(4):
        (item,) = await alex.presses(item, "Most of the time")
        items.append(item)
    assert [i.visible.split("\n")[-1] for i in items] == [
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ]
    (result,) = await alex.presses(item, "Most of the time")
    assert "80 out of 100" in result.visible and "not a verdict" in result.visible
    assert result.buttons == []  # 80, and nothing before it: no line about bringing it
    assert "next session" not in result.visible
    # Each item keeps the answer given, and its buttons are gone.
    assert all(
        m.buttons == [] and m.visible.endswith("→ Most of the time")
        for m in alex.messages()
        if "of 5" in m.visible
    )

    recap = "\n".join(m.visible for m in await alex.says("/recap"))
    assert "Wellbeing (WHO-5)" in recap and "Latest score: 80 out of 100." in recap
    assert "not a verdict" in recap

    await alex.says("/export")
    files = files_of(alex)
    (json_name,) = [name for name in files if name.endswith(".json")]
    (md_name,) = [name for name in files if name.endswith(".md")]
    document = json.loads(files[json_name])
    assert document["version"] == 2
    assert scores_in(document) == [(80, [4, 4, 4, 4, 4])]
    assert document["wellbeing"]["every_two_weeks"] is False
    assert "80 out of 100 (answers 4, 4, 4, 4, 4)" in files[md_name].decode()
    assert await count(harness, "wellbeing_scores") == 1


async def test_stopping_half_way_stores_no_score(harness):
    alex = await onboarded(harness)
    (item,) = await alex.says("/wellbeing")
    (item,) = await alex.presses(item, "All of the time")
    (item,) = await alex.presses(item, "Some of the time")
    await alex.says("/mood")  # a command: the check-in is left
    await alex.presses(item, "Most of the time")
    assert "left unfinished" in alex.toast()
    assert await count(harness, "wellbeing_scores") == 0
    async with harness.runtime.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT about FROM conversations WHERE user_id = 1001")
    assert list(rows) == []


async def test_words_typed_in_the_middle_are_kept_and_a_typed_number_answers(harness):
    alex = await onboarded(harness)
    (item,) = await alex.says("/wellbeing")
    (item,) = await alex.presses(item, "Most of the time")
    (kind,) = await alex.says("hmm not sure")
    assert "Tap one of the six answers" in kind.visible and "kept your message as a note" in kind.visible
    assert await count(harness, "entries") == 1
    (again,) = await alex.says("sort of")  # a second try: the check-in still waits
    assert "Tap one of the six answers" in again.visible and "not waiting" not in again.visible
    assert await count(harness, "entries") == 2
    (nxt,) = await alex.says("3")  # a typed answer to item 2
    assert "3 of 5" in nxt.visible
    for _ in range(3):
        (nxt,) = await alex.presses(nxt, "Most of the time")
    assert "76 out of 100" in nxt.visible  # 4 + 3 + 4 + 4 + 4 = 19
    assert await count(harness, "entries") == 2  # "3" answered; it is no note


async def test_a_second_press_an_old_button_and_wellbeing_twice_never_store_twice(harness):
    alex = await onboarded(harness)
    (item,) = await alex.says("/wellbeing")
    first_item = item
    data_first = first_item.button_data("Most of the time")
    for _ in range(4):
        (item,) = await alex.presses(item, "Most of the time")
    last_data = item.button_data("All of the time")
    (result,) = await alex.presses(item, "All of the time")
    assert "84 out of 100" in result.visible
    # The same last button again (a double tap arriving late), and the first item's button.
    assert await alex.presses_data(item.message_id, last_data) == []
    assert "complete already" in alex.toast()
    assert await alex.presses_data(first_item.message_id, data_first) == []
    assert "complete already" in alex.toast()
    assert await count(harness, "wellbeing_scores") == 1

    # /wellbeing twice: the first check-in is left, its buttons change nothing.
    (old,) = await alex.says("/wellbeing")
    (new,) = await alex.says("/wellbeing")
    assert await alex.presses(old, "At no time") == []
    assert "left unfinished" in alex.toast()
    (second,) = await alex.presses(new, "At no time")
    assert "2 of 5" in second.visible
    # The same item pressed twice: the second press finds it answered.
    assert await alex.presses_data(new.message_id, new.button_data("All of the time")) == []
    assert "answered already" in alex.toast()
    assert await count(harness, "wellbeing_scores") == 1


async def test_a_low_score_suggests_bringing_it_without_diagnosing_or_crisis_resources(harness):
    alex = await onboarded(harness)
    (result,) = await check_in(alex, *["Less than half of the time"] * 5)
    assert "40 out of 100" in result.visible
    assert "could be something to bring to your next session" in result.visible
    for word in ("depress", "diagnos", "crisis", "findahelpline", "emergency"):
        assert word not in result.visible.lower()
    assert [label for label, _ in result.buttons] == ["📌 Bring to session"]
    await alex.presses(result, "📌 Bring to session")
    assert "bring to your next session" in alex.toast()
    assert result.message_id not in [m.message_id for m in alex.messages() if m.buttons]
    # A second press (a replay) keeps it once.
    await alex.presses_data(result.message_id, result.button_data("📌 Bring to session"))
    assert await count(harness, "entries") == 1
    recap = "\n".join(m.visible for m in await alex.says("/recap"))
    assert "Wellbeing check-in: 40 out of 100" in recap


async def test_a_drop_of_ten_points_suggests_bringing_it_and_a_smaller_one_does_not(harness):
    alex = await onboarded(harness)
    (first,) = await check_in(alex, *["Most of the time"] * 5)  # 80
    assert first.buttons == []
    (smaller,) = await check_in(alex, *["Most of the time"] * 3, *["More than half of the time"] * 2)  # 72
    assert "The one before was 80." in smaller.visible and smaller.buttons == []
    (drop,) = await check_in(alex, *["Most of the time"] * 2, *["More than half of the time"] * 3)  # 68
    assert "68 out of 100" in drop.visible and "The one before was 72." in drop.visible
    # 68 is 4 below 72, not a drop of ten; 80 to 68 would be, but only the one before counts.
    assert drop.buttons == []
    (fall,) = await check_in(alex, *["Most of the time"] * 2, *["Less than half of the time"] * 3)  # 56
    # Above 50, but 12 below the one before.
    assert "56 out of 100" in fall.visible and "The one before was 68." in fall.visible
    assert [label for label, _ in fall.buttons] == ["📌 Bring to session"]

    # The recap: the trend as text, and (with matplotlib) as a picture after it.
    replies = await alex.says("/recap")
    text = "\n".join(m.visible for m in replies if m.kind == "text")
    assert "Latest score: 56 out of 100. The one before: 68." in text
    assert "In this stretch: 80 → 72 → 68 → 56 (4 check-ins)." in text
    if chart_available():
        assert replies[-1].kind == "photo" and "0 to 100" in replies[-1].visible


def offers_in(person):
    return [m for m in person.messages() if "short wellbeing check-in?" in (m.visible or "")]


async def evenings(harness, days: int):
    """Reminder time in Berlin on each of ``days`` evenings from the first."""
    for day in range(days):
        await harness.at(EVENING + timedelta(days=day))


async def test_offered_every_fourteen_days_at_the_reminder_time_only_to_who_opted_in(harness):
    alex = await onboarded(harness, 1001)
    sam = await onboarded(harness, 1002)
    for person in (alex, sam):
        await person.says("/remind 20:00")
    (settings,) = await alex.says("/settings")
    assert "Wellbeing check-in every two weeks: off." in settings.visible
    (settings,) = await alex.presses(settings, "Wellbeing every 2 weeks: off")
    assert "Wellbeing check-in every two weeks: on." in settings.visible

    await harness.at(EVENING - timedelta(minutes=1))
    assert offers_in(alex) == []
    await evenings(harness, 29)
    offered = offers_in(alex)
    assert [m.date for m in offered] == [
        int((EVENING + timedelta(days=day)).timestamp()) for day in (0, 14, 28)
    ]
    # Each comes right after that evening's prompt, quietly, with Start and Not now.
    prompt_ids = [p.message_id for p in prompts_in(alex)]
    assert all(m.message_id - 1 in prompt_ids for m in offered)
    assert [label for label, _ in offered[0].buttons] == ["Start", "Not now"]
    assert offers_in(sam) == [] and len(prompts_in(sam)) == 29

    # Not now: nothing more is said. Start: the first item.
    assert await alex.presses(offered[0], "Not now") == []
    assert "whenever you like" in alex.toast()
    (item,) = await alex.presses(offered[1], "Start")
    assert "1 of 5" in item.visible


async def test_a_check_in_moves_the_next_offer_and_no_offer_comes_while_paused(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    (settings,) = await alex.says("/settings")
    await alex.presses(settings, "Wellbeing every 2 weeks: off")
    await harness.at(EVENING)
    assert len(offers_in(alex)) == 1
    # A check-in of their own on day 5: the next offer is 14 days after it, not after the offer.
    harness.clock.set(EVENING + timedelta(days=5, hours=1))
    await check_in(alex, *["Most of the time"] * 5)
    await evenings(harness, 19)
    assert len(offers_in(alex)) == 1
    # Paused from day 18 over the day the offer is due (day 19), resumed on day 23.
    harness.clock.set(EVENING + timedelta(days=18, hours=1))
    await alex.says("/pause 4d")
    for day in range(19, 23):
        await harness.at(EVENING + timedelta(days=day))
    assert len(offers_in(alex)) == 1
    # Once the pause is over, the next reminder carries it.
    await harness.at(EVENING + timedelta(days=23))
    assert len(offers_in(alex)) == 2


async def test_offered_the_day_before_a_session_when_that_is_turned_on(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await alex.says("/session thu 17:00 weekly")  # Thursday 26 November
    (settings,) = await alex.says("/settings")
    (settings,) = await alex.presses(settings, "Wellbeing before a session: off")
    assert "Also the day before a session: on." in settings.visible
    assert "every two weeks: off." in settings.visible
    await evenings(harness, 3)  # Monday, Tuesday, Wednesday evenings
    (offer,) = offers_in(alex)
    assert offer.date == int((EVENING + timedelta(days=2)).timestamp())


def _file_holds(db_path: Path, needle: bytes) -> bool:
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists() and needle in path.read_bytes():
            return True
    return False


async def test_delete_leaves_no_score(harness):
    alex = await onboarded(harness)
    (result,) = await check_in(alex, *["Some of the time"] * 5)
    await alex.presses(result, "📌 Bring to session")  # 20: kept as an item to bring, too
    (settings,) = await alex.says("/settings")
    await alex.presses(settings, "Wellbeing every 2 weeks: off")
    assert await count(harness, "wellbeing_scores") == 1 and await count(harness, "wellbeing_offers") == 1
    async with harness.runtime.db.read() as conn:
        ((run,),) = await conn.execute_fetchall("SELECT run FROM wellbeing_scores")
    db_path = Path(harness.runtime.db.path)
    needles = (run.encode(), b"Wellbeing check-in: 20 out of 100")
    assert all([await asyncio.to_thread(_file_holds, db_path, n) for n in needles])
    ask = await confirmation(alex)
    assert "your wellbeing check-ins (1) and whether they are offered" in ask.visible
    await alex.presses(ask, "Yes, erase everything")
    assert await count(harness, "wellbeing_scores") == 0 and await count(harness, "wellbeing_offers") == 0
    assert not any([await asyncio.to_thread(_file_holds, db_path, n) for n in needles])


async def test_the_check_in_in_german(harness):
    kai = harness.person(1003, "Kai", "de")
    (item,) = await kai.says("/wellbeing")
    assert "In den letzten zwei Wochen" in item.visible and "war ich froh und guter Laune" in item.visible
    assert [label for label, _ in item.buttons][1] == "Meistens"
    for _ in range(5):
        (item,) = await kai.presses(item, "Meistens")
    assert "<b>" not in item.visible and "80 von 100" in item.visible
