"""A pause ends at an instant, and a reminder due at that very instant is the first it lets
through: `/pause until 26.11` with a reminder at 00:00 gives a prompt at midnight on the 26th."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import people, reminders
from tests.test_journey_reminders import onboarded, prompts_in


async def next_due_of(harness, user_id=1001):
    async with harness.runtime.db.read() as conn:
        return [r.next_due for r in await reminders.for_person(conn, user_id)]


async def test_berlin_midnight_reminder_fires_when_a_pause_until_that_date_ends(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 00:00")
    await alex.says("/pause until 2026-11-26")
    # 2026-11-26 00:00 in Berlin is 2026-11-25 23:00 UTC: the pause ends, the reminder is due.
    end = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert await next_due_of(harness) == [end]
    # Held on the 24th and the 25th (local midnight is 23:00 UTC the day before).
    assert (await harness.at(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))).sent == 0
    assert (await harness.at(datetime(2026, 11, 24, 23, 0, tzinfo=UTC))).sent == 0
    report = await harness.at(end)
    assert (report.resumed, report.sent) == (1, 1)
    assert len(prompts_in(alex)) == 1
    assert "reminders are on again" in alex.messages()[-2].visible
    # And from then on every midnight, once.
    assert (await harness.tick()).sent == 0
    assert (await harness.at(end + timedelta(days=1))).sent == 1


async def test_a_wake_up_a_moment_after_the_pause_ends_still_sends_it(harness):
    """The timer fires at the due instant or a little after it: the prompt is not lost."""
    alex = await onboarded(harness)
    await alex.says("/remind 00:00 08:00")
    await alex.says("/pause until 2026-11-26")
    report = await harness.at(datetime(2026, 11, 25, 23, 0, 20, tzinfo=UTC))
    assert (report.resumed, report.sent) == (1, 1)
    assert len(prompts_in(alex)) == 1
    # The 08:00 reminder carries on as usual.
    assert (await harness.at(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))).sent == 1


async def test_santiago_pause_until_a_day_whose_midnight_does_not_exist(harness):
    """Chile springs forward at midnight: 2027-09-05 begins at 01:00 (04:00 UTC). The pause ends
    there, and so do a 00:00 and a 00:30 reminder that day: one prompt, at that instant."""
    alex = await onboarded(harness, zone="America/Santiago")
    await alex.says("/remind 00:00 00:30")
    reply = await alex.says_one("/pause until 2027-09-05")
    assert "Paused until" in reply.visible
    first = datetime(2027, 9, 5, 4, 0, tzinfo=UTC)
    async with harness.runtime.db.read() as conn:
        assert (await people.get(conn, 1001)).paused_until == first
    assert await next_due_of(harness) == [first, first]
    # The evening before (04 September 23:59 local, 03:59 UTC on the 5th): still paused.
    assert (await harness.at(first - timedelta(minutes=1))).sent == 0
    report = await harness.at(first)
    assert (report.resumed, report.sent, report.coalesced) == (1, 1, 1)
    assert len(prompts_in(alex)) == 1
    # The next night has a midnight again (UTC-3): 00:00 and 00:30 local, 03:00 and 03:30 UTC.
    assert (await harness.at(datetime(2027, 9, 6, 3, 0, tzinfo=UTC))).sent == 1
    assert (await harness.at(datetime(2027, 9, 6, 3, 30, tzinfo=UTC))).sent == 1
