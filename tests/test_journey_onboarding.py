"""Journey 1, getting started: through the real Application and the local Bot API."""

from __future__ import annotations


async def test_start_greets_says_what_between_is_and_asks_for_the_zone(harness):
    alex = harness.person(1001)
    reply = await alex.says_one("/start")
    assert "Between" in reply.visible
    assert "not a crisis service" in reply.visible
    assert "time zone" in reply.visible


async def test_zone_by_iana_name_then_default_reminder_offer(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    confirm, offer = await alex.says("/timezone Europe/Berlin")
    assert "Berlin" in confirm.visible
    assert "UTC+01:00" in confirm.visible  # November: winter time
    assert [label for label, _ in offer.buttons] == ["20:00", "21:00", "Another time", "Not now"]


async def test_zone_by_city_answer_after_start(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    replies = await alex.says("new york")
    assert "New York" in replies[0].visible
    assert "UTC-05:00" in replies[0].visible


async def test_zone_by_local_time_offers_matching_zones(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    # The clock says 08:00 UTC; 13:45 local means UTC+05:45: Kathmandu.
    choice = await alex.says_one("it's 13:45")
    labels = [label for label, _ in choice.buttons]
    assert labels[0] == "Kathmandu"
    confirm, _offer = await alex.presses(choice, "Kathmandu")
    assert "Kathmandu" in confirm.visible
    assert "UTC+05:45" in confirm.visible


async def test_offset_is_accepted_with_a_daylight_saving_warning(harness):
    alex = harness.person(1001)
    await alex.says("/start")
    confirm, _offer = await alex.says("UTC+2")
    assert "UTC+02:00" in confirm.visible
    assert "daylight saving" in confirm.visible


async def test_start_again_never_wipes_anything(harness):
    alex = harness.person(1001)
    await alex.onboard()
    again = await alex.says_one("/start")
    assert "Welcome back" in again.visible
    assert "Berlin" in again.visible


async def test_bad_zones_get_one_kind_line_and_change_nothing(harness):
    alex = harness.person(1001)
    await alex.onboard("Europe/Berlin")
    for bad in ("/timezone Mars/Olympus", "/timezone 25:00", "/timezone UTC+15", "/timezone EST"):
        reply = await alex.says_one(bad)
        assert "\n" not in reply.visible.strip()
    settings = await alex.says_one("/settings")
    assert "Berlin" in settings.visible


async def test_help_lists_commands_and_ends_with_urgent_help(harness):
    alex = harness.person(1001)
    reply = await alex.says_one("/help")
    for command in ("/remind", "/pause", "/timezone", "/settings"):
        assert command in reply.visible
    assert reply.visible.rstrip().endswith("https://findahelpline.com.")


async def test_command_menu_is_registered(harness):
    commands = [c["command"] for c in harness.api.commands()]
    assert commands[:2] == ["start", "help"]
    assert "timezone" in commands and "remind" in commands


async def test_group_chat_gets_one_line_and_nothing_is_stored(harness):
    api = harness.api
    api.add_user(1001)
    update = api.send_message(1001, "/start", chat_id=-5001, chat_type="group")
    await harness.processed(update["update_id"])
    (reply,) = api.bot_messages(-5001)
    assert "private chats" in reply.visible
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM people") as cur:
            assert (await cur.fetchone())[0] == 0


async def test_unknown_command_points_to_help(harness):
    alex = harness.person(1001)
    reply = await alex.says_one("/frobnicate")
    assert "/help" in reply.visible


async def test_sticker_before_onboarding_asks_for_zone_and_stores_nothing(harness):
    alex = harness.person(1001)
    update = harness.api.send_sticker(1001)
    await harness.processed(update["update_id"])
    assert "time zone" in alex.last().visible
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM entries") as cur:
            assert (await cur.fetchone())[0] == 0


async def test_polling_survives_a_500_and_a_429_from_telegram(harness):
    alex = harness.person(1001)
    harness.api.fail_next("getUpdates", status=500)
    reply = await alex.says_one("/help")
    assert "/remind" in reply.visible
    harness.api.fail_next("getUpdates", status=429, retry_after=1)
    reply = await alex.says_one("/start")
    assert "Between" in reply.visible
    assert {f.error_code for f in harness.api.failures("getUpdates")} >= {500, 429}


async def test_settings_shows_everything_with_buttons(harness):
    alex = harness.person(1001)
    await alex.onboard()
    await alex.says("/remind 20:00")
    settings = await alex.says_one("/settings")
    assert "Berlin" in settings.visible and "20:00" in settings.visible
    (pause_menu,) = await alex.presses(settings, "Pause")
    await alex.presses(pause_menu, "1 week")
    settings = await alex.says_one("/settings")
    assert "Paused until" in settings.visible
    (resumed,) = await alex.presses(settings, "Resume")
    assert "on again" in resumed.visible
