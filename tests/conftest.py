"""Fixtures for journey tests: the real Application, over HTTP, against the local Bot API.

A test plays a person: ``alex = await harness.person(1001)``, ``await alex.says("/start")``,
``await alex.presses(message, "20:00")``, and reads what the bot sent back. Time is a FakeClock
shared by the bot and the stand-in; reminders fire when a test moves it and calls ``tick()``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import Runtime, running
from bot.clock import FakeClock
from bot.config import Secret, Settings
from bot.dispatch import TickReport
from bot.localapi import BotMessage, LocalBotAPI

# Opt in to python-telegram-bot's coming timedelta durations, as `between` does (bot/__main__.py);
# the default mode warns from inside the library whenever Telegram answers 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")

TOKEN = "123456789:TEST-token-for-between"
# A Monday morning, well away from any DST change in the zones the tests use.
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def api(clock: FakeClock) -> Any:
    with LocalBotAPI(TOKEN, clock=lambda: clock.now().timestamp()) as server:
        yield server


def make_settings(api: LocalBotAPI, db_path: Path, **overrides: Any) -> Settings:
    """Settings for a bot talking to the stand-in (short polls, so tests stop quickly)."""
    values: dict[str, Any] = {
        "token": Secret(TOKEN),
        "api_url": api.base_url,
        "db_path": db_path,
        "poll_timeout": 1,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Person:
    """Someone using Between through the stand-in."""

    harness: Harness
    user_id: int
    first_name: str = "Alex"

    @property
    def api(self) -> LocalBotAPI:
        return self.harness.api

    def messages(self) -> list[BotMessage]:
        """Every bot message in this person's chat, as it stands now."""
        return self.api.bot_messages(self.user_id)

    def last(self) -> BotMessage:
        message = self.api.last_bot_message(self.user_id)
        assert message is not None, "the bot has sent nothing to this person"
        return message

    async def _deliver(self, update: dict[str, Any]) -> list[BotMessage]:
        before = {m.message_id for m in self.messages()}
        await self.harness.processed(update["update_id"])
        return [m for m in self.messages() if m.message_id not in before]

    async def says(self, text: str, *, reply_to: int | None = None) -> list[BotMessage]:
        """Send a message; returns the bot's new messages once it was fully handled."""
        return await self._deliver(self.api.send_message(self.user_id, text, reply_to=reply_to))

    async def says_one(self, text: str, **kwargs: Any) -> BotMessage:
        """Send a message and expect exactly one new bot message back."""
        new = await self.says(text, **kwargs)
        assert len(new) == 1, f"expected one reply, got {[m.visible for m in new]}"
        return new[0]

    async def presses(self, message: BotMessage, label: str) -> list[BotMessage]:
        """Press the button labelled ``label`` under ``message``."""
        data = message.button_data(label)
        update = self.api.press_button(self.user_id, message.message_id, data)
        self.harness.last_query_id = update["callback_query"]["id"]
        return await self._deliver(update)

    async def presses_data(self, message_id: int, data: str) -> list[BotMessage]:
        """Press a button with arbitrary data (forged, or from another person's message)."""
        update = self.api.press_button(self.user_id, message_id, data, check=False)
        self.harness.last_query_id = update["callback_query"]["id"]
        return await self._deliver(update)

    def toast(self) -> str | None:
        """The text of the answer to the last button press (the little notice Telegram shows)."""
        answer = self.api.callback_answer(self.harness.last_query_id)
        return answer.get("text") if answer else None

    async def edits(self, message_id: int, text: str) -> list[BotMessage]:
        return await self._deliver(self.api.edit_message(self.user_id, message_id, text))

    async def onboard(self, zone: str = "Europe/Berlin") -> None:
        """/start and set a zone, declining the default reminder offer."""
        await self.says("/start")
        replies = await self.says(zone)
        offer = replies[-1]
        await self.presses(offer, "Not now")


@dataclass
class Harness:
    api: LocalBotAPI
    runtime: Runtime
    clock: FakeClock
    last_query_id: str = ""
    people: dict[int, Person] = field(default_factory=dict)

    def person(self, user_id: int, first_name: str = "Alex", language_code: str = "en") -> Person:
        self.api.add_user(user_id, first_name, language_code)
        return Person(self, user_id, first_name)

    async def processed(self, update_id: int) -> None:
        """Wait until the bot has handled an update to its end.

        The intake asks for the next batch only after it finished the previous one, and that
        request is what confirms an update: confirmed means handled.
        """
        await self.api.wait_confirmed(update_id, timeout=10)

    async def tick(self) -> TickReport:
        """Let the dispatcher do whatever is due at the clock's current time."""
        return await self.runtime.dispatcher.tick()

    async def at(self, instant: datetime) -> TickReport:
        """Move the clock to ``instant`` and let the dispatcher act."""
        self.clock.set(instant)
        return await self.tick()


@pytest.fixture
async def harness(api: LocalBotAPI, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Harness]:
    settings = make_settings(api, tmp_path / "between.sqlite3")
    async with running(settings, clock) as runtime:
        stop = asyncio.Event()
        polling = asyncio.create_task(runtime.poll(stop))
        try:
            yield Harness(api, runtime, clock)
        finally:
            stop.set()
            await polling
