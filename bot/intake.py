"""Reading updates from Telegram so that none is ever lost, none is handled twice, and nobody
waits for anybody else.

Telegram keeps an update until a later ``getUpdates`` call with a higher offset confirms it.
python-telegram-bot's stock Updater confirms a batch as soon as it asks for the next one, before
the handlers have finished, so a crash at the wrong moment loses what a person wrote. Between
drives ``getUpdates`` itself instead:

1. Fetch a batch, when there is room for it (bot/polling.py). Commit every update, as Telegram
   sent it (its JSON), into the ``inbox`` table (``INSERT ... ON CONFLICT DO NOTHING`` on
   update_id: a redelivered update is recognised). While that commit fails (a full disk, another
   process holding the database) polling waits and tries again, and Telegram, told nothing, keeps
   the batch.
2. Queue each new update for its person and handle it (``Application.process_update``): one
   person's updates in order, different people's independently, so a flood from one person or
   a slow, rate-limited reply holds only that person's queue. Memory stays bounded: at most
   ``CHAT_QUEUE`` updates of a chat, for at most ``CHATS_IN_MEMORY`` chats; the rest waits in the
   inbox and is read from there when there is room.
3. Mark handled updates done (a few at a time, and whenever a queue runs dry), which erases
   their payloads.
4. Ask for more, with an offset that confirms what is done. An update still being handled stays
   unconfirmed (Telegram sends it again with the next batch, and the inbox ignores it) unless that
   would hold polling back: when it waits behind others or out a passing fault, when it would
   keep ``hold_count`` updates or more unconfirmed, or once ``HOLD_SECONDS`` have passed, the
   offset moves past everything committed. Polling goes on while queues are busy (it waits for
   room a quarter of a second at most), and in the common case Telegram is told of an update
   once it is handled.

Every write here (the inbox rows of a batch, the done marks) is a transaction of its own, and
like the handlers' transactions it shares its commit with whatever else is being written at the
same moment (bot/store/db.py): one sync of the disk for many decisions, none of them told it is
kept before that sync.

A crash before 4 makes Telegram deliver the batch again: the inbox ignores the ids it has. A
crash during 2 or 3 leaves rows pending: they are handled again at the next start, and storage
keyed on (chat, message) keeps a handler's second run from storing anything twice.

When handling fails (bot/outcome.py), a passing fault (network, Telegram's 5xx and 429, a locked
or full database) holds that person's queue and tries the update again after 1 s, 2 s, 4 s ... up
to a minute, for as long as the bot runs. A bug parks the update as ``failed``, payload and all:
it is tried again at the next start and never erased by a timer, and the operator is told how
many wait (at start, then every hour), never what they hold. An update for a person who blocked
the bot is done: nobody can be answered.

Webhook mode (bot/webhook.py) calls :meth:`Intake.accept` (step 1) before answering Telegram,
then :meth:`Intake.drain`; :meth:`Intake.close` ends the queues' work at a stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial
from operator import attrgetter
from typing import Any

import aiosqlite
from telegram import Update
from telegram.ext import Application

from bot.clock import Clock
from bot.outcome import Fate, Outcome, current_outcome, describe, is_transient, retry_delay, retry_seconds
from bot.polling import ALLOWED_UPDATES, FatalPollingError, Poller, first_of
from bot.scope import current_update
from bot.store import inbox
from bot.store.db import Database

__all__ = ["ALLOWED_UPDATES", "FatalPollingError", "Intake", "retry_seconds"]

log = logging.getLogger(__name__)

CHAT_QUEUE = 50  # updates of one chat held in memory; more wait in the inbox
CHATS_IN_MEMORY = 200  # chats with updates in memory (and a task handling them) at once
MARK_EVERY = 20  # handled updates of a chat marked done in one statement, at most
ROOM_PER_CHAT = 2  # updates of one chat that count against the room for more (see room())
STOP_GRACE = 3.0  # seconds a handler may take to finish when the bot stops
REPORT_EVERY = 3600.0  # seconds between the operator's reminders of failed updates
FAILED_REPORT = (
    "%d update(s) failed with an error and wait in the inbox (oldest from %s); tried again at next start"
)

Sleep = Callable[[float], Awaitable[None]]


class _Chat:
    """One person's queue: their updates in memory, in order, handled by one task."""

    def __init__(self, key: int | None, *, spilled: bool = False) -> None:
        self.key = key
        self.queue: deque[inbox.InboxItem] = deque()
        self.spilled = spilled  # more of its updates wait in the inbox
        self.handled: list[int] = []  # handled, not yet marked done
        self.task: asyncio.Task[None] | None = None
        self.busy = False  # handling an update (at a stop it may finish)
        self.waiting = False  # waiting out a passing fault before trying the head again
        self.tries = 0  # failed tries of the update at the head


class Intake:
    """Fetches updates, commits them to the inbox, and has them handled, per person."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        db: Database,
        clock: Clock,
        *,
        poll_timeout: int = 30,
        batch_limit: int = 30,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.application = application
        self.db = db
        self.clock = clock
        self.poll_timeout = poll_timeout
        self.batch_limit = batch_limit
        self.hold_count = max(1, batch_limit // 2)  # room for new updates in every batch
        self.sleep = sleep  # every wait after a fault (tests pass a fake)
        self.stop_grace = STOP_GRACE
        self.report_every = REPORT_EVERY
        self._chats: dict[int | None, _Chat] = {}
        self._known: dict[int, _Chat] = {}  # in memory (queued, being handled, not yet marked)
        self._overflow: int | None = None  # oldest update left in the inbox for want of a chat slot
        self._feed = asyncio.Lock()  # commits, refills and rescans change the queues one at a time
        self._changed = asyncio.Event()  # replaced each time a queue moves (see _pulse)
        self._newest = 0  # the newest update id queued or found waiting
        self._started = False
        self._closing = False
        self._rescanning = False
        self._tasks: set[asyncio.Task[None]] = set()  # housekeeping and rescans
        self._room_waiters: list[tuple[int, asyncio.Future[None]]] = []  # see room()
        self._to_mark: list[int] = []  # handled updates waiting to be marked done
        self._marking = False  # a task writes the done marks (see _mark_handled)

    # ---- step 1: the durable commit ------------------------------------------------------------

    async def accept(self, payloads: list[dict[str, Any]]) -> int:
        """Commit raw updates to the inbox (the durable step) and queue the new ones for handling.

        Returns how many were new. Raises what the commit raised (nothing is kept then).
        """
        # Those in memory are committed already (Telegram sends an update again until told).
        rows = [
            (int(p["update_id"]), _chat_id(p), p) for p in payloads if int(p["update_id"]) not in self._known
        ]
        if not rows:
            return 0
        async with self._feed:
            async with self.db.transaction() as conn:
                new = await inbox.accept(conn, rows, self.clock.now())
            fresh = set(new)
            self._queue([inbox.InboxItem(i, p, 0) for i, _, p in rows if i in fresh])
        return len(new)

    def _queue(self, items: list[inbox.InboxItem]) -> None:
        """Put new updates in their chats' queues, or leave them in the inbox when there is no
        room (call with ``_feed`` held)."""
        for item in sorted({item.update_id: item for item in items}.values(), key=attrgetter("update_id")):
            self._newest = max(self._newest, item.update_id)
            key = _chat_id(item.payload)
            chat = self._chats.get(key)
            if chat is None:
                if len(self._chats) >= CHATS_IN_MEMORY:
                    self._overflow = min(self._overflow or item.update_id, item.update_id)
                    continue
                chat = self._chats[key] = _Chat(key)
            if chat.spilled or len(chat.queue) >= CHAT_QUEUE:
                chat.spilled = True  # it must wait behind the ones already in the inbox
                continue
            _insert(chat, item)
            self._known[item.update_id] = chat
            self._start(chat)

    def _start(self, chat: _Chat) -> None:
        if chat.task is None and not self._closing:
            chat.task = asyncio.get_running_loop().create_task(self._work(chat))

    # ---- steps 2 and 3: one task per person ----------------------------------------------------

    async def _work(self, chat: _Chat) -> None:
        """Handle one chat's updates in order, until its queue and its rows in the inbox are done."""
        while not self._closing and self.application.running:
            try:
                if chat.queue:
                    await self._one(chat, chat.queue[0])
                    continue
                self._mark_handled(chat)
                if not await self._refill(chat):
                    return
            except Exception as error:  # a fault of the intake itself: never drop the queue
                log.exception("the queue of an update could not go on; trying again")
                chat.tries += 1
                await self._wait_out(chat, error)
        self._mark_handled(chat)  # stopping: written by close(), or handled again at the next start

    async def _one(self, chat: _Chat, item: inbox.InboxItem) -> None:
        """Handle the update at the head of the queue, and act on how it went."""
        chat.busy = True
        try:
            outcome = await self._handle(item, attempt=chat.tries + 1)
            fate = outcome.fate
            if fate is Fate.RETRY:
                chat.tries += 1
                chat.busy = False
                await self._wait_out(chat, outcome.error)
                return
            chat.tries = 0
            if fate is Fate.KEEP:
                self._mark_handled(chat)
                await self._write(lambda conn: inbox.mark_failed(conn, item.update_id))
                chat.queue.popleft()
                self._known.pop(item.update_id, None)
            else:  # handled, or the person cannot be reached: nothing more to do
                chat.queue.popleft()
                chat.handled.append(item.update_id)
                if len(chat.handled) >= MARK_EVERY or not chat.queue:
                    self._mark_handled(chat)
            self._pulse()
        finally:
            chat.busy = False

    async def _handle(self, item: inbox.InboxItem, *, attempt: int) -> Outcome:
        """Run the handlers on one update; the error handler fills in the outcome."""
        outcome = Outcome(item.update_id, attempt=attempt, failed_before=item.attempts)
        token = current_outcome.set(outcome)
        scope = current_update.set(object())
        try:
            update = Update.de_json(item.payload, self.application.bot)
            await self.application.process_update(update)
        except Exception as error:  # outside the handlers, so the error handler did not see it
            log.error("update %s could not be processed", item.update_id, exc_info=error)
            outcome.error = outcome.error or error
        finally:
            current_update.reset(scope)
            current_outcome.reset(token)
        return outcome

    async def _wait_out(self, chat: _Chat, error: BaseException | None) -> None:
        """Wait before trying a chat's head again: this chat only, nobody else."""
        if self._closing:
            return
        delay = retry_delay(error, chat.tries)
        if chat.tries % 10 == 0:  # the first failure was logged by the error handler
            log.warning("an update failed %d times (%s); still trying", chat.tries, describe(error))
        chat.waiting = True
        self._pulse()
        try:
            await self.sleep(delay)
        finally:
            chat.waiting = False

    def _mark_handled(self, chat: _Chat) -> None:
        """Hand a chat's handled updates to be marked done (their payloads go).

        One task writes the marks, each time in one statement with everything handed in
        meanwhile (queues tend to run dry together); the chat goes on at once. Until written,
        the updates count as in memory: unfinished for polling, and for :meth:`drain`.
        """
        if not chat.handled:
            return
        self._to_mark.extend(chat.handled)
        chat.handled.clear()
        if not self._marking and not self._closing:
            self._marking = True
            self._spawn(self._write_marks(), name="done marks")

    async def _write_marks(self) -> None:
        """Write the marks handed in until none are left, retrying passing faults; a fault of
        the intake itself is retried too: marks are never dropped while the bot runs."""
        tries = 0
        try:
            while self._to_mark:
                ids, self._to_mark = self._to_mark, []
                try:
                    if not await self._write(partial(self._mark_done, ids), statement=True):
                        return  # stopping: left pending, handled again (harmlessly) at the next start
                except Exception as error:
                    log.exception("updates could not be marked done; trying again")
                    self._to_mark[:0] = ids
                    tries += 1
                    await self.sleep(retry_delay(error, tries))
                    continue
                tries = 0
                for update_id in ids:
                    self._known.pop(update_id, None)
                self._pulse()
        finally:
            self._marking = False

    async def _mark_done(self, ids: list[int], conn: aiosqlite.Connection) -> None:
        await inbox.mark_done(conn, ids, self.clock.now())

    async def _refill(self, chat: _Chat) -> bool:
        """Read more of a chat's updates from the inbox; with none, the chat leaves memory."""
        async with self._feed:
            if chat.queue:  # queued by a commit while this waited for the lock
                return True
            if chat.spilled:
                async with self.db.read() as conn:
                    items = await inbox.next_of_chat(conn, chat.key, CHAT_QUEUE + 1)
                items = [item for item in items if item.update_id not in self._known]
                chat.spilled = len(items) > CHAT_QUEUE
                for item in items[:CHAT_QUEUE]:
                    chat.queue.append(item)
                    self._known[item.update_id] = chat
                    self._newest = max(self._newest, item.update_id)
                if chat.queue:
                    return True
            if self._chats.get(chat.key) is chat:
                del self._chats[chat.key]
            chat.task = None
            if self._overflow is not None:
                self._spawn(self._rescan())  # a slot is free for a chat waiting in the inbox
            self._pulse()
            return False

    async def _write(
        self, action: Callable[[aiosqlite.Connection], Awaitable[None]], *, statement: bool = False
    ) -> bool:
        """One transaction (with ``statement``, one statement), tried until a passing fault
        passes; False if the intake stopped first."""

        async def transaction() -> None:
            async with self.db.autocommit() if statement else self.db.transaction() as conn:
                await action(conn)

        return await self.until_it_passes(transaction, "writing to the inbox")

    async def until_it_passes(
        self, attempt: Callable[[], Awaitable[Any]], what: str, stop: asyncio.Event | None = None
    ) -> bool:
        """Repeat ``attempt`` while it meets a passing fault, waiting longer each time; False if
        the intake stopped (or ``stop`` was set) first. Any other error is raised."""
        tries = 0
        while True:
            try:
                await attempt()
            except Exception as error:
                if not is_transient(error):
                    raise
                tries += 1
                if self._closing or (stop is not None and stop.is_set()):
                    return False
                delay = retry_delay(error, tries)
                if tries == 1 or tries % 10 == 0:
                    log.warning(
                        "%s failed (%s, try %d); again in %.0f s", what, describe(error), tries, delay
                    )
                await first_of(self.sleep(delay), *([stop.wait()] if stop is not None else []))
            else:
                if tries:
                    log.info("%s went through after %d tries", what, tries + 1)
                return True

    async def _rescan(self) -> None:
        """Queue every chat with updates waiting in the inbox that no queue holds yet."""
        if self._rescanning:
            return
        self._rescanning = True
        try:
            async with self._feed:
                async with self.db.read() as conn:
                    waiting = await inbox.waiting_chats(conn)
                self._overflow = None
                for found in waiting:
                    self._newest = max(self._newest, found.last)
                    chat = self._chats.get(found.chat_id)
                    if chat is not None:
                        if found.count > len(chat.queue) + len(chat.handled):
                            chat.spilled = True  # read when its queue runs dry
                    elif len(self._chats) < CHATS_IN_MEMORY:
                        chat = self._chats[found.chat_id] = _Chat(found.chat_id, spilled=True)
                        self._start(chat)
                    else:
                        self._overflow = min(self._overflow or found.first, found.first)
                self._pulse()
        finally:
            self._rescanning = False

    # ---- webhook mode, starting and stopping ---------------------------------------------------

    async def drain(self, *, include_failed: bool = False) -> None:
        """Have what waits in the inbox handled (with ``include_failed``, updates parked by a bug
        in an earlier run too). Returns once every update seen so far is done, parked, or waiting
        out a passing fault, which is retried in the background meanwhile."""
        if include_failed or not self._started:
            await self._start_up(include_failed=include_failed)
        elif self._overflow is not None:
            await self._rescan()
        horizon = self._newest
        while True:
            changed = self._changed
            if self._settled(horizon):
                return
            await changed.wait()

    def _settled(self, horizon: int) -> bool:
        """Nothing up to ``horizon`` is left to do now (a chat waiting out a fault aside)."""
        if self._closing:
            return True
        if self._overflow is not None and self._overflow <= horizon:
            return False
        if self._to_mark or self._marking:
            return False
        for chat in self._chats.values():
            if chat.waiting:
                continue
            if chat.handled or (chat.spilled and not chat.queue):
                return False
            if chat.queue and chat.queue[0].update_id <= horizon:
                return False
        return True

    async def _start_up(self, *, include_failed: bool) -> None:
        """Queue what the last run left, tell the operator about failed updates, and begin the
        hourly housekeeping."""
        self._started = True
        if include_failed:
            parked = 0

            async def unpark(conn: aiosqlite.Connection) -> None:
                nonlocal parked
                await inbox.prune(conn, self.clock.now())
                parked = await inbox.unpark(conn)

            await self._write(unpark)
            if parked:
                log.warning("%d update(s) failed with an error before; trying them again now", parked)
        await self._rescan()
        if not any(task.get_name() == "inbox housekeeping" for task in self._tasks):
            self._spawn(self._housekeep(), name="inbox housekeeping")

    async def _housekeep(self) -> None:
        """Every ``report_every`` seconds: remind the operator of failed updates, drop old done
        ids, and queue anything left in the inbox."""
        while True:
            await self.sleep(self.report_every)
            try:
                await self.report_failed()
                await self._rescan()
            except Exception:
                log.exception("inbox housekeeping failed; trying again later")

    async def report_failed(self) -> int:
        """Log how many updates failed with an error and wait in the inbox (never what they
        hold), after dropping done ids past their retention; returns the count."""
        async with self.db.transaction() as conn:
            await inbox.prune(conn, self.clock.now())
            count, oldest = await inbox.failed(conn)
        if count:
            log.warning(FAILED_REPORT, count, oldest)
        return count

    async def close(self) -> None:
        """Stop: updates being handled may finish (``stop_grace`` seconds at most); everything
        else stays pending in the inbox for the next start."""
        self._closing = True
        self._pulse()
        workers = [chat.task for chat in self._chats.values() if chat.task is not None]
        for chat in self._chats.values():
            if chat.task is not None and not chat.busy:
                chat.task.cancel()
        for task in self._tasks:
            task.cancel()
        everything = [*workers, *self._tasks]
        if everything:
            _, late = await asyncio.wait(everything, timeout=self.stop_grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*everything, return_exceptions=True)
        if self._to_mark:  # one try; what is left is handled again (harmlessly) at the next start
            with contextlib.suppress(Exception):
                await self._write(partial(self._mark_done, self._to_mark), statement=True)
            self._to_mark = []
        self._chats.clear()
        self._known.clear()

    def _spawn(self, coroutine: Any, *, name: str | None = None) -> None:
        if self._closing:
            coroutine.close()
            return
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _pulse(self) -> None:
        """Wake whoever waits for a queue to move."""
        self._changed.set()
        self._changed = asyncio.Event()
        self._check_room()

    # ---- steps 1 and 4: polling (bot/polling.py) ----------------------------------------------

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set, losing nothing (see the module docstring)."""
        try:
            await self._start_up(include_failed=True)
            await Poller(self).run(stop)
        finally:
            await self.close()

    def room(self, below: int) -> asyncio.Future[None]:
        """A future done once fewer than ``below`` updates in memory wait to be handled.

        A chat counts for ``ROOM_PER_CHAT`` at most, and not at all while it has more in the
        inbox or waits out a passing fault: one person's backlog is handled in order whatever
        polling does, so it must not hold polling (and everybody else) back.
        """
        waiter = asyncio.get_running_loop().create_future()
        self._room_waiters.append((below, waiter))
        self._check_room()
        return waiter

    def handling(self, update_id: int) -> bool:
        """Whether an update is in memory and on its way: queued or being handled, not waiting
        out a passing fault."""
        chat = self._known.get(update_id)
        return chat is not None and not chat.waiting

    def oldest_unfinished(self, low: int, high: int) -> int | None:
        """The oldest update from ``low`` to ``high`` in memory (queued, being handled, or handled
        and not marked done yet), if any."""
        return min((i for i in self._known if low <= i <= high), default=None)

    @property
    def changed(self) -> asyncio.Event:
        """Set the next time a queue moves."""
        return self._changed

    def _check_room(self) -> None:
        if not self._room_waiters:
            return
        in_hand = sum(
            min(len(chat.queue), ROOM_PER_CHAT)
            for chat in self._chats.values()
            if not (chat.spilled or chat.waiting)
        )
        still = []
        for below, waiter in self._room_waiters:
            if waiter.done():
                continue
            if in_hand < below:
                waiter.set_result(None)
            else:
                still.append((below, waiter))
        self._room_waiters = still


def _insert(chat: _Chat, item: inbox.InboxItem) -> None:
    """Add an update to a chat's queue in update order (webhook deliveries may come out of
    order), never ahead of a head already being tried."""
    position = len(chat.queue)
    floor = 1 if chat.task is not None else 0
    while position > floor and chat.queue[position - 1].update_id > item.update_id:
        position -= 1
    chat.queue.insert(position, item)


def _chat_id(payload: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message"):
        if key in payload:
            return int(payload[key]["chat"]["id"])
    if "callback_query" in payload:
        return int(payload["callback_query"]["from"]["id"])
    return None
