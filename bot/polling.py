"""Steps 1 and 4 of the intake (bot/intake.py): asking Telegram for updates, and telling it what
is kept.

One loop, one ``getUpdates`` at a time:

- **Room first.** It asks for more when what the intake holds in memory, not handled yet, falls
  below ``room_below`` (or after ``PACE`` seconds at most, so that a busy queue never holds
  polling back for long). An update is then handled soon after it arrives instead of waiting in
  memory behind a long backlog: Telegram keeps the rest meanwhile, as it would for any bot.
  Updates of a person with more waiting in the inbox (a flood) and of a person waiting out a
  passing fault do not count: polling for them could not help them, and must not hold up others.
- **The answer as Telegram sent it.** The JSON of ``getUpdates`` goes to the inbox as it is; an
  Update object is made once, when its handler runs (bot/intake.py), not here as well.
- **The offset.** Everything committed below it is confirmed; an update still being handled
  stays unconfirmed when that costs nothing (see :meth:`Poller._next_offset`). Telegram then
  sends it again with the next answer, and the inbox recognises it; when an answer brings
  nothing new, polling paces itself (``PACE``) instead of asking again at once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.outcome import describe, retry_delay, retry_seconds
from bot.store import inbox

if TYPE_CHECKING:
    from bot.intake import Intake

log = logging.getLogger("bot.intake")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
HOLD_SECONDS = 10.0  # an update is left unconfirmed at Telegram this long at most while handled
PACE = 0.25  # seconds, at most, between getUpdates calls while there is no room or nothing new
# python-telegram-bot's read timeout for a request, which its get_updates adds to the long poll.
READ_SLACK = 5.0
MAX_LIMIT = 100  # the most updates Telegram sends in one answer


class FatalPollingError(Exception):
    """Polling cannot go on (wrong token, another instance polling); the message says why."""


class Poller:
    """The polling loop of one :class:`~bot.intake.Intake`, and what Telegram has been told."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.room_below = max(1, intake.batch_limit // 4)  # in hand, not handled: ask for more
        self._offset: int | None = None  # the offset last sent: everything below is confirmed
        self._first: int | None = None  # the first update delivered in this run
        self._delivered: int | None = None  # the newest update delivered
        self._seen_at: dict[int, float] = {}  # when each unconfirmed update was first delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set, losing nothing (bot/intake.py)."""
        intake = self.intake
        faults = 0
        idle = False  # the last answer brought nothing new
        while not stop.is_set():
            await self._room(stop)
            offset, holding = await self._next_offset()
            if holding and idle:  # Telegram would answer at once with what it sent before
                await self._pace(stop, offset)
                if stop.is_set():
                    break
                offset, holding = await self._next_offset()
            # What is held comes again first: ask for that much more, to get a batch of new ones.
            limit = intake.batch_limit
            if holding and offset is not None and self._delivered is not None:
                limit = min(MAX_LIMIT, limit + self._delivered + 1 - offset)
            try:
                updates = await self._fetch(stop, offset, 0 if holding else intake.poll_timeout, limit)
            except RetryAfter as error:
                await first_of(stop.wait(), intake.sleep(retry_seconds(error)))
                continue
            except (InvalidToken, Conflict) as error:
                raise FatalPollingError(_fatal_reason(error)) from None
            except NetworkError as error:  # includes TimedOut and Telegram's 5xx
                faults += 1
                delay = retry_delay(error, faults)
                if not isinstance(error, TimedOut):
                    log.warning("getUpdates failed (%s); retrying in %.0f s", describe(error), delay)
                await first_of(stop.wait(), intake.sleep(delay))
                continue
            faults = 0
            if updates is None:  # stopped while waiting
                break
            self._told(offset)
            new = await self._store(updates, stop) if updates else 0
            if new is None:
                break
            idle = holding and not new

    async def _room(self, stop: asyncio.Event) -> None:
        """Wait until the intake holds fewer than ``room_below`` updates to handle (``PACE`` at
        most)."""
        room = self.intake.room(self.room_below)
        if not room.done():
            await first_of(stop.wait(), room, within=PACE)

    async def _pace(self, stop: asyncio.Event, held: int | None) -> None:
        """Wait ``PACE`` seconds before asking again, or less once the held update is done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PACE
        while not stop.is_set() and (remaining := deadline - loop.time()) > 0:
            if held is None or not self.intake.handling(held):
                return
            await first_of(stop.wait(), self.intake.changed.wait(), within=remaining)

    async def _store(self, updates: list[dict[str, Any]], stop: asyncio.Event) -> int | None:
        """Commit a batch, waiting out a locked or full database; how many updates were new,
        None if stopped first."""
        what = f"storing {len(updates)} update(s) in the inbox (Telegram keeps them meanwhile)"
        new = 0

        async def commit() -> None:
            nonlocal new
            new = await self.intake.accept(updates)

        if not await self.intake.until_it_passes(commit, what, stop):
            return None
        now = asyncio.get_running_loop().time()
        ids = [int(update["update_id"]) for update in updates]
        for update_id in ids:
            self._seen_at.setdefault(update_id, now)
        self._first = min(ids) if self._first is None else self._first
        self._delivered = max(ids) if self._delivered is None else max(self._delivered, *ids)
        return new

    def _told(self, offset: int | None) -> None:
        """getUpdates answered: Telegram has forgotten every update below ``offset``."""
        if offset is None:
            return
        self._offset = offset
        for update_id in [i for i in self._seen_at if i < offset]:
            del self._seen_at[update_id]

    async def _next_offset(self) -> tuple[int | None, bool]:
        """The offset for the next getUpdates, and whether it holds back an unfinished update.

        It holds back the oldest update not done yet while that update is being handled (not
        queued behind others, not waiting out a fault) for less than ``HOLD_SECONDS``, and no
        more than ``hold_count`` updates would stay unconfirmed with it; otherwise it confirms
        everything committed, which is always safe.
        """
        if self._delivered is None:
            return self._offset, False
        everything = self._delivered + 1
        low = self._offset if self._offset is not None else self._first or 0
        try:
            async with self.intake.db.read() as conn:
                oldest = await inbox.oldest_pending(conn, low, self._delivered)
        except sqlite3.Error:
            return everything, False  # confirming what is committed is always safe
        # An update in memory is not done either, whatever its row says (erasing a person's data
        # removes the rows of the very update that asked for it).
        in_memory = self.intake.oldest_unfinished(low, self._delivered)
        if in_memory is not None and (oldest is None or in_memory < oldest):
            oldest = in_memory
        # Telegram answers from the offset up, ``batch_limit`` at most: holding back more than
        # ``hold_count`` would leave too little room for what is new.
        if oldest is None or self._delivered - oldest >= self.intake.hold_count:
            return everything, False
        if not self.intake.handling(oldest):  # queued behind others, or waiting out a fault
            return everything, False
        first_seen = self._seen_at.get(oldest)
        if first_seen is None or asyncio.get_running_loop().time() - first_seen >= HOLD_SECONDS:
            return everything, False
        return oldest, True

    async def _fetch(
        self, stop: asyncio.Event, offset: int | None, wait: int, limit: int
    ) -> list[dict[str, Any]] | None:
        """One getUpdates call that confirms everything below ``offset``; None if stopped.

        It is python-telegram-bot's ``Bot.get_updates`` without the parsing: the answer stays the
        JSON Telegram sent, which is what the inbox keeps.
        """
        data = {
            "timeout": wait,
            "offset": offset,
            "limit": limit,
            "allowed_updates": ALLOWED_UPDATES,
        }
        bot = self.intake.application.bot
        request = asyncio.ensure_future(bot._post("getUpdates", data, read_timeout=READ_SLACK + wait))
        # Abandoning a long poll is safe: it confirms nothing we have not committed.
        await first_of(request, stop.wait())
        if request.cancelled():
            return None
        return list(request.result())


def _fatal_reason(error: BaseException) -> str:
    if isinstance(error, InvalidToken):
        return "Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL)"
    return "Telegram reports a conflict: another copy of this bot is polling, or a webhook is set"


async def first_of(*waits: Awaitable[Any], within: float | None = None) -> None:
    """Wait until the first of ``waits`` ends (or ``within`` seconds pass); cancel the others."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
