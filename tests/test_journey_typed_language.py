"""Journey: what a person types is read in their language. Lena's Telegram app speaks German;
what she types in German does what Alex's English does, and Alex's English is not read as
German. The clock starts on Monday 2026-11-23 08:00 UTC."""

from __future__ import annotations

from bot.store import people, reminders, sessions
from bot.store.reminders import Reminder
from bot.store.sessions import Plan


async def onboarded(harness, user_id: int, language_code: str, zone_answer: str):
    person = harness.person(user_id, "Lena" if language_code == "de" else "Alex", language_code)
    await person.says("/start")
    replies = await person.says(zone_answer)
    offer = replies[-1]
    await person.presses(offer, "Nicht jetzt" if language_code == "de" else "Not now")
    return person


async def stored(harness, user_id: int) -> tuple[people.Person | None, list[Reminder], Plan | None]:
    async with harness.runtime.db.read() as conn:
        return (
            await people.get(conn, user_id),
            await reminders.for_person(conn, user_id),
            await sessions.get_plan(conn, user_id),
        )


async def test_german_words_do_what_the_english_ones_do(harness):
    lena = await onboarded(harness, 2001, "de", "Wien")
    alex = await onboarded(harness, 1001, "en", "Europe/Vienna")
    lena_person, _, _ = await stored(harness, 2001)
    assert lena_person is not None and lena_person.zone == "Europe/Vienna"

    await lena.says("/remind 19 Uhr Mo-Fr")
    await alex.says("/remind 19:00 mon-fri")
    _, lena_reminders, _ = await stored(harness, 2001)
    _, alex_reminders, _ = await stored(harness, 1001)
    assert [(r.at, r.days) for r in lena_reminders] == [(r.at, r.days) for r in alex_reminders]
    assert len(lena_reminders) == 1

    await lena.says("/session Di 17 Uhr wöchentlich")
    await alex.says("/session tue 17:00 weekly")
    _, _, lena_plan = await stored(harness, 2001)
    _, _, alex_plan = await stored(harness, 1001)
    assert lena_plan is not None and alex_plan is not None
    assert (lena_plan.next_at, lena_plan.local_time, lena_plan.repeat_days) == (
        alex_plan.next_at,
        alex_plan.local_time,
        alex_plan.repeat_days,
    )

    await lena.says("/pause bis 24.12.")
    await alex.says("/pause until 2026-12-24")
    lena_person, _, _ = await stored(harness, 2001)
    alex_person, _, _ = await stored(harness, 1001)
    assert lena_person is not None and alex_person is not None
    assert lena_person.paused_until is not None
    assert lena_person.paused_until == alex_person.paused_until

    await lena.says("/remind aus")
    _, lena_reminders, _ = await stored(harness, 2001)
    assert lena_reminders == []


async def test_english_still_works_for_a_german_speaker(harness):
    lena = await onboarded(harness, 2001, "de", "Berlin")
    await lena.says("/remind 08:00 mon-fri")
    _, lena_reminders, _ = await stored(harness, 2001)
    assert [len(r.days) for r in lena_reminders] == [5]


async def test_german_is_not_read_for_an_english_speaker(harness):
    alex = await onboarded(harness, 1001, "en", "Berlin")
    reply = await alex.says_one("/remind 19:00 Wochenende")
    assert "“wochenende”" in reply.visible  # "I didn't understand ..."
    _, alex_reminders, _ = await stored(harness, 1001)
    assert alex_reminders == []


async def test_a_local_time_said_in_german_offers_zones(harness):
    lena = harness.person(2001, "Lena", "de")
    await lena.says("/start")
    offer = await lena.says_one("es ist 9:00 Uhr")  # 08:00 UTC: Berlin, Paris, Rome ...
    assert len(offer.buttons) > 2
    person, _, _ = await stored(harness, 2001)
    assert person is not None and person.zone is None


async def test_the_end_of_a_pause_is_a_date_in_the_persons_language(harness):
    """A pause confirmation, /remind and /settings name the day as people write it, never as
    2026-12-24."""
    lena = await onboarded(harness, 2001, "de", "Wien")
    alex = await onboarded(harness, 1001, "en", "Europe/Vienna")
    lena_paused = await lena.says_one("/pause bis 24.12.")
    alex_paused = await alex.says_one("/pause until 24 dec")
    assert "Do., 24. Dez." in lena_paused.visible and "2026-12-24" not in lena_paused.visible
    assert "Thu 24 Dec" in alex_paused.visible and "2026-12-24" not in alex_paused.visible
    for command in ("/remind", "/settings"):
        assert "Do., 24. Dez." in (await lena.says(command))[0].visible
        assert "Thu 24 Dec" in (await alex.says(command))[0].visible
