"""The durable inbox: updates are committed here before Telegram is told they arrived.

See bot/intake.py for the whole protocol. Payloads may hold what a person wrote, so a done row
keeps only its update id (to recognise a redelivery), and done rows are pruned after two days.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.store.codec import instant_to_db
from bot.store.db import fetch_all

# Telegram keeps an unconfirmed update for 24 hours; remembering done ids for twice that
# recognises any redelivery.
DONE_RETENTION = timedelta(days=2)
# An update that kept failing is kept (and tried again at every start) for a week, time for a
# fix to be deployed; then its content is erased like any other's.
FAILED_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class InboxItem:
    update_id: int
    payload: dict[str, Any]
    attempts: int


async def accept(
    conn: aiosqlite.Connection,
    updates: Iterable[tuple[int, int | None, dict[str, Any]]],
    now: datetime,
) -> int:
    """Store (update_id, chat_id, payload) triples; ids already known are ignored.

    Returns how many were new.
    """
    stamp = instant_to_db(now)
    new = 0
    for update_id, chat_id, payload in updates:
        cur = await conn.execute(
            "INSERT INTO inbox (update_id, chat_id, payload, received_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
            (update_id, chat_id, json.dumps(payload, ensure_ascii=False), stamp),
        )
        new += cur.rowcount
    return new


async def pending(conn: aiosqlite.Connection, *, include_failed: bool = False) -> list[InboxItem]:
    """Updates not yet handled, oldest first (failed ones too when asked)."""
    states = ("pending", "failed") if include_failed else ("pending",)
    marks = ",".join("?" * len(states))
    rows = await fetch_all(
        conn,
        f"SELECT update_id, payload, attempts FROM inbox WHERE state IN ({marks}) ORDER BY update_id",
        states,
    )
    return [InboxItem(r["update_id"], json.loads(r["payload"]), r["attempts"]) for r in rows]


async def mark_done(conn: aiosqlite.Connection, update_ids: Iterable[int], now: datetime) -> None:
    """Forget the payloads of handled updates, keeping their ids for redelivery checks."""
    stamp = instant_to_db(now)
    await conn.executemany(
        "UPDATE inbox SET state = 'done', payload = NULL, done_at = ? WHERE update_id = ?",
        [(stamp, update_id) for update_id in update_ids],
    )


async def mark_attempt(conn: aiosqlite.Connection, update_id: int, *, failed: bool) -> None:
    """Count a failed attempt; ``failed`` parks the update until the next start."""
    await conn.execute(
        "UPDATE inbox SET attempts = attempts + 1,"
        " state = CASE WHEN :failed THEN 'failed' ELSE state END WHERE update_id = :id",
        {"failed": failed, "id": update_id},
    )


async def prune(conn: aiosqlite.Connection, now: datetime) -> int:
    """Drop done rows past their retention, and erase failed ones past theirs; return how many
    failed updates were given up (the caller logs their count, never their content)."""
    await conn.execute(
        "DELETE FROM inbox WHERE state = 'done' AND done_at < ?",
        (instant_to_db(now - DONE_RETENTION),),
    )
    cur = await conn.execute(
        "UPDATE inbox SET state = 'done', payload = NULL, done_at = :now"
        " WHERE state = 'failed' AND received_at < :cutoff",
        {"now": instant_to_db(now), "cutoff": instant_to_db(now - FAILED_RETENTION)},
    )
    return cur.rowcount


async def forget_chat(conn: aiosqlite.Connection, chat_id: int) -> None:
    """Erase every inbox row of a chat (used when a person deletes their data)."""
    await conn.execute("DELETE FROM inbox WHERE chat_id = ?", (chat_id,))
