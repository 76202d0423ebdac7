"""Journey: the language Between speaks. Found from the person's Telegram language on first
contact, chosen with /language, kept per person, shown in /settings and carried in the export."""

from __future__ import annotations

import json

import telegram

from bot.store import people
from tests.conftest import TOKEN


async def stored_language(harness, user_id: int) -> str | None:
    async with harness.runtime.db.read() as conn:
        person = await people.get(conn, user_id)
    return person.language_code if person else None


async def test_language_alone_offers_every_language_with_the_current_one_marked(harness):
    alex = harness.person(1001)
    reply = await alex.says_one("/language")
    assert "English" in reply.visible
    labels = [label for label, _ in reply.buttons]
    assert "✓ English" in labels


async def test_an_unknown_language_gets_a_kind_line_and_changes_nothing(harness):
    alex = harness.person(1001)
    await alex.onboard()
    reply = await alex.says_one("/language klingon")
    assert "“klingon”" in reply.visible and "English" in reply.visible
    assert "\n" not in reply.visible.strip()
    assert await stored_language(harness, 1001) == "en"


async def test_settings_show_the_language_and_open_the_choice(harness):
    alex = harness.person(1001)
    await alex.onboard()
    settings = await alex.says_one("/settings")
    assert "Language: English" in settings.visible
    (choices,) = await alex.presses(settings, "Language")
    assert "✓ English" in [label for label, _ in choices.buttons]


async def test_the_telegram_language_of_first_contact_is_kept(harness):
    alex = harness.person(1001, language_code="pt-BR")
    await alex.says("/start")
    assert await stored_language(harness, 1001) == "pt-BR"
    harness.api.add_user(1001, "Alex", "en")
    await alex.says("/help")
    assert await stored_language(harness, 1001) == "pt-BR"  # kept: Telegram's never overrides


async def test_the_export_carries_the_language(harness):
    alex = harness.person(1001)
    await alex.onboard()
    await alex.says("a note")
    sent = await alex.says("/export")
    files = {m.document.filename: m.document.data for m in sent if m.document}
    markdown = next(data for name, data in files.items() if name.endswith(".md")).decode()
    document = json.loads(next(data for name, data in files.items() if name.endswith(".json")))
    assert "- Language: English" in markdown
    assert document["person"]["language_code"] == "en"


async def test_the_bot_describes_itself(harness):
    bot = telegram.Bot(TOKEN, base_url=harness.api.base_url)
    async with bot:
        assert "therapy" in (await bot.get_my_description()).description
        assert "therapy" in (await bot.get_my_short_description()).short_description
    commands = [c["command"] for c in harness.api.commands()]
    assert commands[-1] == "language"
