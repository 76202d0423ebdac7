"""/delete: erasing everything about a person, only after a confirmation that is theirs and fresh.

The confirmation carries a nonce that is also stored for the person (in ``people.awaiting`` as
``delete:<nonce>[:<what was awaited before>]``). Only a press carrying the nonce stored right
now erases anything, so a confirm button from an older /delete, a second press, or a press after
the person was erased changes nothing. The erasing itself is one transaction; the words are gone
from the database file and its WAL only once a TRUNCATE checkpoint has run after it (secure_delete
zeroes what was deleted). Another connection reading (a backup, a sqlite3 shell, an export) keeps
that checkpoint waiting, so :func:`wipe` tries again with backoff, and the person is told "erased"
only when it went through.

A process that dies after the erasing committed, before the person heard of it, still tells
them: the press that confirmed it stays in the inbox, holding nothing of theirs, marked as the
one that erased them (bot/store/export.py, erase), and handling it again answers as the first
time would have (:data:`Confirmed.REPLAYED`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from bot.store import export as store
from bot.store import people
from bot.store.db import Database
from bot.store.export import Counts

log = logging.getLogger(__name__)

AWAITING_PREFIX = "delete:"
# A confirmation to erase everything should be answered while the person still has it in mind.
CONFIRM_LIFETIME = timedelta(minutes=10)
# Checkpoint tries after an erasure: the first at once, then waits doubling from FIRST_WAIT up
# to LONGEST_WAIT, so the words go soon after a reader lets go without busying the disk.
FIRST_WAIT = 0.05
LONGEST_WAIT = 2.0
# How long the person waits before hearing it is under way, how long before hearing honestly why
# it is not done, and how long each later try (the intake's, with its own backoff) lasts.
NOTICE_AFTER = 1.0
PATIENCE = 180.0
RETRY_PATIENCE = 10.0


class Confirmed(Enum):
    """What a confirm press did."""

    ERASED = "erased"  # everything about the person is erased, just now
    REPLAYED = "replayed"  # this same press erased them before (its answer may never have gone out)
    STALE = "stale"  # nothing: an old, used, expired or someone else's confirmation


class StillReading(sqlite3.OperationalError):
    """The erased words are still in the database file or its WAL because another connection
    keeps reading: SQLite's "database is locked", a passing fault (bot/outcome.py), so the
    update that erased is kept in the inbox and tried again until the checkpoint goes through."""

    def __init__(self) -> None:
        super().__init__("database is locked: a reader keeps the checkpoint after an erasure waiting")


@dataclass(frozen=True)
class Offer:
    """A confirmation to show: what would be erased, and the nonce its buttons carry."""

    nonce: str
    counts: Counts


def _awaiting(nonce: str, previous: str | None) -> str:
    return f"{AWAITING_PREFIX}{nonce}" + (f":{previous}" if previous else "")


def _parse(awaiting: str | None) -> tuple[str, str | None] | None:
    """(nonce, what was awaited before) if a deletion is waiting for confirmation."""
    if awaiting is None or not awaiting.startswith(AWAITING_PREFIX):
        return None
    nonce, _, previous = awaiting[len(AWAITING_PREFIX) :].partition(":")
    return nonce, previous or None


def _matches(awaiting: str | None, nonce: str) -> bool:
    pending = _parse(awaiting)
    return pending is not None and bool(nonce) and secrets.compare_digest(pending[0], nonce)


async def offer(db: Database, user_id: int, now: datetime) -> Offer | None:
    """Prepare a confirmation with a fresh nonce; None if there is nothing about the person.

    A newer offer replaces an older one, whose buttons then do nothing.
    """
    async with db.transaction() as conn:
        person = await people.get(conn, user_id)
        counts = await store.counts(conn, user_id)
        if person is None or counts is None:
            return None
        # Keep the question the bot was waiting on before (a zone, a time), so Cancel restores it.
        pending = _parse(person.awaiting)
        previous = pending[1] if pending else person.awaiting
        nonce = secrets.token_urlsafe(9)
        await people.set_awaiting(conn, user_id, _awaiting(nonce, previous), now)
    return Offer(nonce, counts)


async def confirm(
    db: Database,
    user_id: int,
    nonce: str,
    *,
    sent: datetime | None,
    now: datetime,
    update_id: int | None = None,
    replay: dict[str, Any] | None = None,
) -> Confirmed:
    """Erase everything about the person if ``nonce`` is the one waiting and the confirmation
    (sent at ``sent``) is still fresh; anything else changes nothing.

    ``update_id`` and ``replay`` name the press and what of it the inbox may keep (nothing of the
    person's but their id): with them the erasing survives a crash before the answer, and the
    same press handled again is :data:`Confirmed.REPLAYED`. The caller then tells the person
    once :func:`wipe` went through.
    """
    fresh = sent is not None and now - sent <= CONFIRM_LIFETIME
    keep = (update_id, replay) if update_id is not None and replay is not None else None
    async with db.transaction() as conn:
        person = await people.get(conn, user_id)
        if person is not None and fresh and _matches(person.awaiting, nonce):
            await store.erase(conn, user_id, confirmed_by=keep, now=now)
            return Confirmed.ERASED
        # Whoever they are now (a later /start may have come first after a restart), this press
        # erased them.
        if update_id is not None and await store.erased_by(conn, user_id, update_id):
            return Confirmed.REPLAYED
    return Confirmed.STALE


async def wipe(db: Database, within: float, *, report: bool = True) -> bool:
    """Checkpoint until the erased words are gone from the database file and its WAL, trying for
    ``within`` seconds at most (at least once); False if another connection kept reading all
    that time (the erasure itself stands: nothing can read the words through Between). With
    ``report``, the operator is told why when it gives up."""
    started = time.monotonic()
    wait = FIRST_WAIT
    tries = 0
    while True:
        tries += 1
        if await db.checkpoint():
            if tries > 1:
                log.info("the erased pages went after %d tries, %.1f s", tries, time.monotonic() - started)
            return True
        left = within - (time.monotonic() - started)
        if left <= 0:
            if report:
                log.warning(
                    "erased words wait in the database file: another connection has kept reading"
                    " for %.0f s (a backup, a sqlite3 shell?); still trying",
                    time.monotonic() - started,
                )
            return False
        await asyncio.sleep(min(wait, left))
        wait = min(wait * 2, LONGEST_WAIT)


async def cancel(db: Database, user_id: int, nonce: str, now: datetime) -> bool:
    """Withdraw the waiting confirmation (restoring what was awaited before); False if stale."""
    async with db.transaction() as conn:
        person = await people.get(conn, user_id)
        if person is None or not _matches(person.awaiting, nonce):
            return False
        pending = _parse(person.awaiting)
        assert pending is not None
        await people.set_awaiting(conn, user_id, pending[1], now)
    return True
