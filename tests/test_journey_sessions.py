"""Journey 5, the therapy schedule: /session sets, shows, moves, skips, stops and marks sessions.

The clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.test_journey_reminders import onboarded


async def plan_of(harness, user_id=1001):
    """The stored plan as a dict (None without one)."""
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT * FROM session_plans WHERE user_id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
    return dict(row) if row else None


async def held_of(harness, user_id=1001):
    async with harness.runtime.db.read() as conn:
        async with conn.execute(
            "SELECT happened_at FROM sessions_held WHERE user_id = ? ORDER BY id", (user_id,)
        ) as cur:
            return [row[0] for row in await cur.fetchall()]


async def test_weekly_session_is_set_in_local_time_with_its_recap_due(harness):
    alex = await onboarded(harness)
    reply = await alex.says_one("/session tue 17:00 weekly")
    assert "Tue 24 Nov, 17:00" in reply.visible and "every week" in reply.visible
    plan = await plan_of(harness)
    # 17:00 in Berlin in November is 16:00 UTC; the recap is due two hours before.
    assert plan["next_at"] == "2026-11-24 16:00:00"
    assert plan["local_time"] == "17:00" and plan["repeat_days"] == 7
    assert plan["recap_due"] == "2026-11-24 14:00:00"


async def test_show_then_skip_one_then_stop(harness):
    alex = await onboarded(harness)
    await alex.says("/session 2026-11-24 17:00 every 2 weeks")
    shown = await alex.says_one("/session")
    assert "Tue 24 Nov, 17:00" in shown.visible and "every two weeks" in shown.visible
    assert [label for label, _ in shown.buttons] == ["Move", "Skip this one", "Stop"]
    (skipped,) = await alex.presses(shown, "Skip this one")
    assert "Tue 8 Dec, 17:00" in skipped.visible
    assert (await plan_of(harness))["next_at"] == "2026-12-08 16:00:00"
    assert await held_of(harness) == []  # skipping is not a session held
    shown = await alex.says_one("/session")
    (stopped,) = await alex.presses(shown, "Stop")
    assert "no session is planned" in stopped.visible
    assert await plan_of(harness) is None


async def test_a_button_for_a_session_that_moved_since_changes_nothing(harness):
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    old = await alex.says_one("/session")
    await alex.says("/session thu 18:00")  # moved; stays weekly
    plan = await plan_of(harness)
    assert plan["next_at"] == "2026-11-26 17:00:00" and plan["repeat_days"] == 7
    assert await alex.presses(old, "Skip this one") == []
    assert "older message" in alex.toast()
    assert await plan_of(harness) == plan


async def test_move_asks_for_the_new_time(harness):
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    shown = await alex.says_one("/session")
    (asked,) = await alex.presses(shown, "Move")
    assert "thu 17:00" in asked.visible and "every week" in asked.visible


async def test_session_done_resets_the_window_and_rolls_the_plan(harness):
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    harness.clock.set(datetime(2026, 11, 24, 17, 5, tzinfo=UTC))  # just after the session
    reply = await alex.says_one("/session done")
    assert "Tue 1 Dec, 17:00" in reply.visible
    assert await held_of(harness) == ["2026-11-24 17:05:00"]
    plan = await plan_of(harness)
    assert plan["next_at"] == "2026-12-01 16:00:00" and plan["recap_due"] == "2026-12-01 14:00:00"
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT practice_due FROM people WHERE user_id = 1001") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_session_done_said_again_the_same_day_is_the_same_session(harness):
    """Four taps on /session done make one held session, not four recap windows; the next
    day it is a new one."""
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    harness.clock.set(datetime(2026, 11, 24, 17, 5, tzinfo=UTC))
    replies = [await alex.says_one("/session done") for _ in range(4)]
    assert all("Tue 1 Dec, 17:00" in reply.visible for reply in replies)
    assert await held_of(harness) == ["2026-11-24 17:05:00"]
    assert (await plan_of(harness))["next_at"] == "2026-12-01 16:00:00"
    harness.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    await alex.says("/session done")
    assert await held_of(harness) == ["2026-11-24 17:05:00", "2026-11-25 09:00:00"]


async def test_one_off_session_goes_once_held(harness):
    alex = await onboarded(harness)
    await alex.says("/session 2026-11-25 10:00")
    assert (await plan_of(harness))["repeat_days"] == 0
    harness.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    reply = await alex.says_one("/session done")
    assert "Next session" not in reply.visible
    assert await plan_of(harness) is None


async def test_a_repeating_session_rolls_forward_by_itself_across_dst(harness):
    alex = await onboarded(harness)
    harness.clock.set(datetime(2026, 10, 19, 8, 0, tzinfo=UTC))
    await alex.says("/session tue 17:00 weekly")  # Tue 20 Oct, 17:00 CEST = 15:00 UTC
    assert (await plan_of(harness))["next_at"] == "2026-10-20 15:00:00"
    harness.clock.set(datetime(2026, 10, 21, 9, 0, tzinfo=UTC))
    shown = await alex.says_one("/session")
    # Clocks went back on 25 Oct: still 17:00 on the wall, now 16:00 UTC.
    assert "Tue 27 Oct, 17:00" in shown.visible
    assert (await plan_of(harness))["next_at"] == "2026-10-27 16:00:00"
    assert await held_of(harness) == ["2026-10-20 15:00:00"]


async def test_bad_session_input_gets_one_kind_line_and_changes_nothing(harness):
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    plan = await plan_of(harness)
    for bad, says in (
        ("/session someday maybe", "/session tue 17:00 weekly"),
        ("/session 2020-01-01 10:00", "already passed"),
        ("/session 31/02", "as a date"),
        ("/session tue", "At what time?"),
        ("/session 17:00", "On which day?"),
        ("/session tue 5", "morning or evening"),
        ("/session 2031-01-01 10:00", "more than a year away"),
    ):
        reply = await alex.says_one(bad)
        assert "\n" not in reply.visible.strip(), bad
        assert says in reply.visible, bad
    assert await plan_of(harness) == plan
    assert await held_of(harness) == []


async def test_session_needs_a_zone_first(harness):
    sam = harness.person(1002)
    reply = await sam.says_one("/session tue 17:00")
    assert "/timezone" in reply.visible
    assert await plan_of(harness, 1002) is None


async def test_recap_due_is_left_empty_when_the_lead_has_passed(harness):
    alex = await onboarded(harness)
    harness.clock.advance(timedelta(hours=7))  # 15:00 UTC, 16:00 in Berlin
    await alex.says("/session today 17:00")
    plan = await plan_of(harness)
    assert plan["next_at"] == "2026-11-23 16:00:00" and plan["recap_due"] is None


async def test_a_new_zone_says_where_the_planned_session_now_falls(harness):
    """The session keeps its moment (17:00 in Berlin is 11:00 in New York) and the person is
    told so, with how to move it; a zone set without a plan says nothing about sessions."""
    alex = await onboarded(harness)
    await alex.says("/session tue 17:00 weekly")
    (moved,) = await alex.says("/timezone America/New_York")
    assert "Tue 24 Nov, 11:00" in moved.visible and "/session" in moved.visible
    assert (await plan_of(harness))["next_at"] == "2026-11-24 16:00:00"
    (again,) = await alex.says("/timezone America/New_York")
    assert "session" not in again.visible
