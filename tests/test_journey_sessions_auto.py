"""The dispatcher and sessions: the recap arrives by itself before a session, once, and the
prompts know the day before a session and the first reminder after one."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.prompts import PRACTICE, SESSION_QUESTIONS
from tests.test_journey_reminders import onboarded


async def last_prompt_theme(harness, user_id=1001):
    async with harness.runtime.db.read() as conn:
        async with conn.execute(
            "SELECT prompt_id FROM deliveries WHERE user_id = ? AND state = 'sent'"
            " ORDER BY sent_at DESC, id DESC LIMIT 1",
            (user_id,),
        ) as cur:
            (prompt_id,) = await cur.fetchone()
    return harness.runtime.app.bot_data["resources"].catalogue.get(prompt_id).theme


async def test_automatic_recap_arrives_once_before_the_session(harness):
    alex = await onboarded(harness)
    await alex.says("/session 2026-11-25 17:00")  # Berlin: 16:00 UTC; recap 2 h before
    await alex.says("/bring how to talk to my sister")
    assert (await harness.at(datetime(2026, 11, 25, 13, 59, tzinfo=UTC))).recaps == 0
    report = await harness.at(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    assert report.recaps == 1
    assert "how to talk to my sister" in alex.last().visible
    assert (await harness.tick()).recaps == 0
    assert (await harness.at(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))).recaps == 0


async def test_no_automatic_recap_while_paused(harness):
    alex = await onboarded(harness)
    await alex.says("/session 2026-11-25 17:00")
    await alex.says("/pause 7d")
    assert (await harness.at(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))).recaps == 0


async def test_the_day_before_a_session_one_prompt_asks_what_to_bring(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 09:00 20:00")
    await alex.says("/session 2026-11-25 17:00")
    await harness.at(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))  # 09:00 Berlin, the day before
    assert await last_prompt_theme(harness) == SESSION_QUESTIONS
    await harness.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))  # asked once, not again
    assert await last_prompt_theme(harness) != SESSION_QUESTIONS


async def test_the_first_reminder_after_a_session_asks_what_to_practise(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await alex.says("/session done")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    assert await last_prompt_theme(harness) == PRACTICE
    await harness.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
    assert await last_prompt_theme(harness) != PRACTICE


async def test_a_planned_session_passing_counts_as_held(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await alex.says("/session 2026-11-23 17:00")  # today, 16:00 UTC
    await harness.at(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    assert await last_prompt_theme(harness) == PRACTICE
