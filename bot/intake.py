"""Reading updates from Telegram so that none is ever lost, and none is handled twice.

Telegram keeps an update until a later ``getUpdates`` call with a higher offset confirms it.
python-telegram-bot's stock Updater confirms a batch as soon as it asks for the next one, before
the handlers have finished, so a crash at the wrong moment loses what a person wrote. Between
drives ``getUpdates`` itself instead:

1. Fetch a batch. Commit every update, as Telegram sent it, into the ``inbox`` table
   (``INSERT ... ON CONFLICT DO NOTHING`` on update_id: a redelivered update is recognised).
2. Only then raise the offset; the next ``getUpdates`` confirms the batch to Telegram. From here
   on the update lives in our database, whatever happens to the process.
3. Hand each pending inbox row to ``Application.process_update`` (which awaits the handlers to
   their end): each chat's updates in order, different people's side by side. Then mark the
   batch done, which also erases the payloads.

A crash between 1 and 2 makes Telegram deliver the batch again: the inbox ignores the ids it has.
A crash during 3 leaves the rows pending: they are handled again at the next start, and storage
keyed on (chat, message) keeps a handler's second run from storing anything twice.

A handler that fails with a passing fault (network, Telegram 5xx/429, a locked database) leaves
its update pending to be tried again; after ``MAX_ATTEMPTS``, or at once for any other error, the
update is parked as ``failed`` (kept, with its payload) and tried once more at the next start.
Webhook mode (``accept`` then ``drain``) answers Telegram only after step 1 has committed.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.clock import Clock
from bot.outcome import Outcome, current_outcome
from bot.store import inbox
from bot.store.db import Database

log = logging.getLogger(__name__)

# Different people's updates are handled side by side (their handlers wait on Telegram, not on
# each other); one person's stay in order.
CHATS_AT_ONCE = 32
RETRY_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0)  # seconds between polling retries after faults
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


class FatalPollingError(Exception):
    """Polling cannot go on (wrong token, another instance polling); the message says why."""


class Intake:
    """Fetches updates, commits them to the inbox, and processes them to their end."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        db: Database,
        clock: Clock,
        *,
        poll_timeout: int = 30,
        batch_limit: int = 100,
    ) -> None:
        self.application = application
        self.db = db
        self.clock = clock
        self.poll_timeout = poll_timeout
        self.batch_limit = batch_limit
        self._offset: int | None = None
        self._drain_lock = asyncio.Lock()

    async def accept(self, payloads: list[dict[str, Any]]) -> int:
        """Commit raw updates to the inbox (the durable step). Returns how many were new."""
        rows = [(p["update_id"], _chat_id(p), p) for p in payloads]
        async with self.db.transaction() as conn:
            return await inbox.accept(conn, rows, self.clock.now())

    async def drain(self, *, include_failed: bool = False) -> None:
        """Process every pending update in the inbox: per chat in order, chats side by side."""
        async with self._drain_lock:
            async with self.db.read() as conn:
                items = await inbox.pending(conn, include_failed=include_failed)
            by_chat: dict[int | None, list[inbox.InboxItem]] = {}
            for item in items:
                by_chat.setdefault(_chat_id(item.payload), []).append(item)
            gate = asyncio.Semaphore(CHATS_AT_ONCE)

            async def one_chat(queue: list[inbox.InboxItem]) -> None:
                done: list[int] = []
                async with gate:
                    try:
                        for item in queue:
                            if not await self._process(item):
                                break  # keep this chat's order: the rest waits for the retry
                            done.append(item.update_id)
                    finally:
                        # Marked as each chat finishes, so a crash replays little.
                        if done:
                            async with self.db.transaction() as conn:
                                await inbox.mark_done(conn, done, self.clock.now())

            # Every chat finishes before the drain does, even when one fails unexpectedly: a chat
            # still running would be read as pending again by the next drain.
            outcomes = await asyncio.gather(
                *(one_chat(queue) for queue in by_chat.values()), return_exceptions=True
            )
            async with self.db.transaction() as conn:
                given_up = await inbox.prune(conn, self.clock.now())
            if given_up:
                log.error("%d update(s) failed for a week and were given up", given_up)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome

    async def _process(self, item: inbox.InboxItem) -> bool:
        """Handle one update; False if it failed (its attempt is recorded)."""
        outcome = Outcome(item.update_id, attempt=item.attempts + 1)
        token = current_outcome.set(outcome)
        try:
            update = Update.de_json(item.payload, self.application.bot)
            await self.application.process_update(update)
        finally:
            current_outcome.reset(token)
        if outcome.error is None:
            return True
        async with self.db.transaction() as conn:
            await inbox.mark_attempt(conn, item.update_id, failed=outcome.final)
        return False

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set, losing nothing (see the module docstring)."""
        await self.drain(include_failed=True)  # left over from the previous run
        faults = 0
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except RetryAfter as error:
                await _sleep_unless(stop, retry_seconds(error))
                continue
            except (InvalidToken, Conflict) as error:
                raise FatalPollingError(_fatal_reason(error)) from None
            except NetworkError as error:  # includes TimedOut and Telegram's 5xx
                delay = RETRY_DELAYS[min(faults, len(RETRY_DELAYS) - 1)]
                faults += 1
                if not isinstance(error, TimedOut):
                    log.warning("getUpdates failed (%s); retrying in %.0f s", type(error).__name__, delay)
                await _sleep_unless(stop, delay)
                continue
            faults = 0
            if updates is None:  # stopped while waiting
                break
            if updates:
                await self.accept(updates)
                self._offset = updates[-1]["update_id"] + 1
            await self.drain()

    async def _fetch(self, stop: asyncio.Event) -> list[dict[str, Any]] | None:
        """One getUpdates call that confirms everything below the offset; None if stopped."""
        bot = self.application.bot
        request = asyncio.ensure_future(
            bot.get_updates(
                offset=self._offset,
                timeout=self.poll_timeout,
                limit=self.batch_limit,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({request, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if request not in done:
            # Abandoning a long poll is safe: it confirms nothing we have not committed.
            request.cancel()
            await asyncio.gather(request, return_exceptions=True)
            return None
        stopped.cancel()
        updates = request.result()
        return [u.to_dict() for u in updates]


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait, in seconds (whatever PTB's int/timedelta mode)."""
    with warnings.catch_warnings():  # PTB warns about its coming switch to timedelta
        warnings.simplefilter("ignore", DeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_id(payload: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message"):
        if key in payload:
            return int(payload[key]["chat"]["id"])
    if "callback_query" in payload:
        return int(payload["callback_query"]["from"]["id"])
    return None


def _fatal_reason(error: BaseException) -> str:
    if isinstance(error, InvalidToken):
        return "Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL)"
    return "Telegram reports a conflict: another copy of this bot is polling, or a webhook is set"


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
