"""/delete: erasing everything about a person, only after a confirmation that is theirs and fresh.

The confirmation carries a nonce that is also stored for the person (in ``people.awaiting`` as
``delete:<nonce>[:<what was awaited before>]``). Only a press carrying the nonce stored right
now erases anything, so a confirm button from an older /delete, a second press, or a press after
the person was erased changes nothing. The erasing itself is one transaction, followed by a WAL
checkpoint: with secure_delete on, the words are then gone from the database file and its WAL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.store import export as store
from bot.store import people
from bot.store.db import Database
from bot.store.export import Counts

AWAITING_PREFIX = "delete:"


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


async def confirm(db: Database, user_id: int, nonce: str) -> bool:
    """Erase everything about the person if ``nonce`` is the one waiting; False changes nothing."""
    async with db.transaction() as conn:
        person = await people.get(conn, user_id)
        if person is None or not _matches(person.awaiting, nonce):
            return False
        await store.erase(conn, user_id)
    # Copy the WAL (which still holds the old pages) into the file and truncate it.
    await db.checkpoint()
    return True


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
