"""Journey 2, reminders: prompts arrive at the person's chosen minute, in their zone, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import people


async def onboarded(harness, user_id=1001, zone="Europe/Berlin"):
    person = harness.person(user_id)
    await person.onboard(zone)
    return person


def prompts_in(person):
    """Bot messages that are prompts (they carry the Later / Another / Skip buttons)."""
    return [m for m in person.messages() if any(label == "Skip" for label, _ in m.buttons)]


async def test_prompt_arrives_at_its_minute_in_a_plus_0545_zone_once(harness):
    asha = await onboarded(harness, zone="Asia/Kathmandu")
    await asha.says("/remind 09:00")
    # 09:00 in Kathmandu is 03:15 UTC. The clock starts on 2026-11-23 08:00 UTC.
    due = datetime(2026, 11, 24, 3, 15, tzinfo=UTC)
    report = await harness.at(due - timedelta(minutes=1))
    assert report.sent == 0 and prompts_in(asha) == []
    report = await harness.at(due)
    assert report.sent == 1
    (prompt,) = prompts_in(asha)
    assert [label for label, _ in prompt.buttons] == ["Later", "Another question", "Skip"]
    # Waking again at the same or a later minute sends nothing more.
    assert (await harness.tick()).sent == 0
    assert (await harness.at(due + timedelta(minutes=5))).sent == 0
    assert len(prompts_in(asha)) == 1


async def test_default_evening_reminder_from_onboarding_button(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    _confirm, offer = await alex.says("Berlin")
    (added,) = await alex.presses(offer, "20:00")
    assert "20:00" in added.visible
    # 20:00 in Berlin (UTC+1 in November) is 19:00 UTC.
    assert (await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))).sent == 1


async def test_weekday_reminders_skip_the_weekend_in_local_time(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 19:00 mon-fri")
    sent_days = []
    for day in range(23, 30):  # Monday 23 .. Sunday 29 November 2026
        report = await harness.at(datetime(2026, 11, day, 18, 0, tzinfo=UTC))
        if report.sent:
            sent_days.append(day)
    assert sent_days == [23, 24, 25, 26, 27]


async def test_pause_holds_and_resume_restores(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    reply = await alex.says_one("/pause 3d")
    assert "Paused until" in reply.visible
    for day in (23, 24, 25):
        assert (await harness.at(datetime(2026, 11, day, 19, 0, tzinfo=UTC))).sent == 0
    await alex.says("/resume")
    assert (await harness.at(datetime(2026, 11, 25, 19, 30, tzinfo=UTC))).sent == 0  # no catch-up
    assert (await harness.at(datetime(2026, 11, 26, 19, 0, tzinfo=UTC))).sent == 1


async def test_pause_with_an_end_resumes_by_itself_and_says_so(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await alex.says("/pause 1d")
    report = await harness.at(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    assert report.resumed == 1
    assert "reminders are on again" in alex.last().visible
    assert (await harness.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))).sent == 1


async def test_pause_buttons_until_i_resume(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    (menu,) = await alex.says("/pause")
    (reply,) = await alex.presses(menu, "Until I resume")
    assert "/resume" in reply.visible
    assert (await harness.at(datetime(2026, 11, 30, 19, 0, tzinfo=UTC))).sent == 0


async def test_later_resends_the_same_prompt_after_an_hour(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (prompt,) = prompts_in(alex)
    await alex.presses(prompt, "Later")
    assert "in an hour" in alex.toast()
    assert (await harness.at(datetime(2026, 11, 23, 19, 59, tzinfo=UTC))).sent == 0
    assert (await harness.at(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))).sent == 1
    again = alex.last()
    assert again.message_id != prompt.message_id
    assert again.text == prompt.text
    assert [label for label, _ in again.buttons] == ["Later", "Another question", "Skip"]


async def test_skip_is_recorded_quietly(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (prompt,) = prompts_in(alex)
    new = await alex.presses(prompt, "Skip")
    assert new == []  # no message, just the small notice
    assert "fine" in alex.toast()
    assert alex.messages()[-1].buttons == []


async def test_another_question_changes_the_prompt_in_place(harness):
    alex = await onboarded(harness)
    await alex.says("/prompt")
    (prompt,) = prompts_in(alex)
    await alex.presses(prompt, "Another question")
    (changed,) = prompts_in(alex)
    assert changed.message_id == prompt.message_id
    assert changed.text != prompt.text


async def test_another_question_pressed_again_and_again_never_swaps_between_two(harness):
    """Each press offers a question not shown on this message yet (it used to flip between the
    same two from the second press on)."""
    alex = await onboarded(harness)
    await alex.says("/prompt")
    (prompt,) = prompts_in(alex)
    seen = [prompt.text]
    for _ in range(6):
        await alex.presses(prompts_in(alex)[0], "Another question")
        seen.append(prompts_in(alex)[0].text)
    assert len(set(seen)) == len(seen), seen


async def test_restart_inside_the_grace_window_sends_once(harness, api, clock, tmp_path):
    alex = await onboarded(harness)
    await alex.says("/remind 09:00 20:00")
    # The bot is "down" from 07:00 to 10:30 local: 09:00 is 1.5 h late (inside the 2 h grace).
    report = await harness.at(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    assert report.sent == 1
    assert (await harness.tick()).sent == 0


async def test_several_missed_reminders_become_one(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 08:00 09:00")
    report = await harness.at(datetime(2026, 11, 24, 8, 30, tzinfo=UTC))  # 09:30 local
    assert report.sent == 1 and report.coalesced == 1


async def test_restart_after_the_grace_window_sends_nothing(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 09:00")
    report = await harness.at(datetime(2026, 11, 24, 11, 30, tzinfo=UTC))  # 12:30 local, 3.5 h late
    assert report.sent == 0 and report.missed == 1
    assert prompts_in(alex) == []
    # The next day works as usual.
    assert (await harness.at(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))).sent == 1


async def test_blocked_person_is_marked_inactive_until_they_write_again(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    harness.api.block(1001)
    report = await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    assert report.failed == 1
    async with harness.runtime.db.read() as conn:
        assert (await people.get(conn, 1001)).active is False
    assert (await harness.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))).sent == 0
    harness.api.unblock(1001)
    await alex.says("I'm back")
    assert (await harness.at(datetime(2026, 11, 25, 19, 0, tzinfo=UTC))).sent == 1


async def test_a_429_is_retried_and_the_prompt_arrives(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    harness.api.fail_next("sendMessage", status=429, retry_after=1)
    report = await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    assert report.sent == 1
    assert len(prompts_in(alex)) == 1


async def test_timezone_change_keeps_wall_clock_meaning(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await alex.says("/timezone America/New_York")
    assert (await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))).sent == 0  # 14:00 NY
    assert (await harness.at(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))).sent == 1  # 20:00 NY


async def test_remind_list_and_remove_with_buttons(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 09:00 20:30")
    (listing,) = await alex.says("/remind")
    assert "09:00" in listing.visible and "20:30" in listing.visible
    new = await alex.presses(listing, "✕ 09:00, every day")
    assert "09:00" not in new[-1].visible
    assert (await harness.at(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))).sent == 0


async def test_remind_off(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    reply = await alex.says_one("/remind off")
    assert "off" in reply.visible
    assert (await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))).sent == 0


async def test_remind_accepts_7pm(harness):
    alex = await onboarded(harness)
    reply = await alex.says_one("/remind 7pm")
    assert "19:00" in reply.visible


async def test_bad_reminder_input_gets_one_line_and_changes_nothing(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    for bad in (
        "/remind 25:99",
        "/remind 24:00",
        "/remind 9",
        "/remind 09:00 someday",
        "/remind " + " ".join(f"{h:02d}:00" for h in range(12)),
        "/pause -3d",
        "/pause 0d",
        "/pause until 2020-01-01",
        "/pause 400d",
        "/pause until tomorrow-ish",
    ):
        reply = await alex.says_one(bad)
        assert "\n" not in reply.visible.strip(), bad
    (listing,) = await alex.says("/remind")
    assert listing.visible.count("•") == 1
    async with harness.runtime.db.read() as conn:
        person = await people.get(conn, 1001)
    assert not person.paused(harness.clock.now())


async def test_remind_before_a_zone_asks_for_the_zone_first(harness):
    alex = harness.person(1001)
    reply = await alex.says_one("/remind 20:00")
    assert "time zone" in reply.visible


async def test_button_of_another_person_changes_nothing(harness):
    alex = await onboarded(harness, 1001)
    sam = await onboarded(harness, 1002)
    await alex.says("/remind 09:00 20:00")
    (listing,) = await alex.says("/remind")
    data = listing.button_data("✕ 09:00, every day")
    # Sam forges Alex's button data on one of Sam's own messages.
    await sam.presses_data(sam.last().message_id, data)
    assert "isn't yours" in sam.toast()
    (listing,) = await alex.says("/remind")
    assert "09:00" in listing.visible


async def test_missed_reminders_become_one_even_across_claim_batches(harness, monkeypatch):
    import bot.dispatch

    monkeypatch.setattr(bot.dispatch, "CLAIM_BATCH", 1)  # each reminder in its own batch
    alex = await onboarded(harness)
    await alex.says("/remind 08:00 09:00")
    report = await harness.at(datetime(2026, 11, 24, 8, 30, tzinfo=UTC))  # 09:30 local
    assert report.sent == 1 and report.coalesced == 1
