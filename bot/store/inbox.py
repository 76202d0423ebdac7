"""The durable inbox: updates are committed here before Telegram is told they arrived.

See bot/intake.py for the whole protocol. A row stays until its update is handled: ``pending``
while it waits (however long a passing fault lasts), ``failed`` when its handler hit a bug (kept
with its payload, retried at the next start), ``done`` once handled. Payloads may hold what a
person wrote, so a done row keeps only its update id (to recognise a redelivery), and done rows
are pruned after two days. Nothing erases a payload before its update is done, except the
person erasing their data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.store.codec import instant_to_db
from bot.store.db import fetch_all, fetch_one

# Telegram keeps an unconfirmed update for 24 hours; remembering done ids for twice that
# recognises any redelivery.
DONE_RETENTION = timedelta(days=2)
_ROWS_PER_INSERT = 200  # 4 parameters a row, far below SQLite's limit of 32,766
_IDS_PER_UPDATE = 500


@dataclass(frozen=True)
class InboxItem:
    update_id: int
    payload: dict[str, Any]
    attempts: int  # earlier runs in which the update failed with a bug


@dataclass(frozen=True)
class WaitingChat:
    """A chat with pending updates: how many, and the oldest and newest one's id."""

    chat_id: int | None
    count: int
    first: int
    last: int


async def accept(
    conn: aiosqlite.Connection,
    updates: Iterable[tuple[int, int | None, dict[str, Any]]],
    now: datetime,
) -> list[int]:
    """Store (update_id, chat_id, payload) triples; ids already known are ignored.

    Returns the ids that were new, in the order given.
    """
    stamp = instant_to_db(now)
    rows = [
        (update_id, chat_id, json.dumps(payload, ensure_ascii=False), stamp)
        for update_id, chat_id, payload in updates
    ]
    new: set[int] = set()
    for start in range(0, len(rows), _ROWS_PER_INSERT):  # one round trip per chunk
        chunk = rows[start : start + _ROWS_PER_INSERT]
        values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
        inserted = await fetch_all(
            conn,
            f"INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES {values}"
            " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            [value for row in chunk for value in row],
        )
        new.update(r["update_id"] for r in inserted)
    given = list(dict.fromkeys(row[0] for row in rows))  # each id once, in the order given
    return [update_id for update_id in given if update_id in new]


async def waiting_chats(conn: aiosqlite.Connection) -> list[WaitingChat]:
    """Every chat with pending updates, the one waiting longest first."""
    rows = await fetch_all(
        conn,
        "SELECT chat_id, count(*) AS n, min(update_id) AS first, max(update_id) AS last FROM inbox"
        " WHERE state = 'pending' GROUP BY chat_id ORDER BY first",
    )
    return [WaitingChat(r["chat_id"], r["n"], r["first"], r["last"]) for r in rows]


async def next_of_chat(conn: aiosqlite.Connection, chat_id: int | None, limit: int) -> list[InboxItem]:
    """A chat's oldest pending updates, in order, at most ``limit``."""
    rows = await fetch_all(
        conn,
        "SELECT update_id, payload, attempts FROM inbox"
        " WHERE chat_id IS ? AND state = 'pending' ORDER BY update_id LIMIT ?",
        (chat_id, limit),
    )
    return [InboxItem(r["update_id"], json.loads(r["payload"]), r["attempts"]) for r in rows]


async def oldest_pending(conn: aiosqlite.Connection, low: int, high: int) -> int | None:
    """The id of the oldest pending update from ``low`` to ``high``, if any."""
    row = await fetch_one(
        conn,
        "SELECT min(update_id) AS first FROM inbox WHERE update_id BETWEEN ? AND ? AND state = 'pending'",
        (low, high),
    )
    return row["first"] if row is not None else None


async def mark_done(conn: aiosqlite.Connection, update_ids: Iterable[int], now: datetime) -> None:
    """Forget the payloads of handled updates, keeping their ids for redelivery checks: one
    statement (up to 500 ids), which needs no transaction of its own."""
    ids = list(update_ids)
    stamp = instant_to_db(now)
    for start in range(0, len(ids), _IDS_PER_UPDATE):
        chunk = ids[start : start + _IDS_PER_UPDATE]
        await conn.execute(
            "UPDATE inbox SET state = 'done', payload = NULL, done_at = ?"
            f" WHERE update_id IN ({', '.join('?' * len(chunk))})",
            [stamp, *chunk],
        )


async def mark_failed(conn: aiosqlite.Connection, update_id: int) -> None:
    """Park an update whose handler hit a bug: kept, payload and all, until a later run."""
    await conn.execute(
        "UPDATE inbox SET attempts = attempts + 1, state = 'failed' WHERE update_id = ?",
        (update_id,),
    )


async def unpark(conn: aiosqlite.Connection) -> int:
    """Make every failed update pending again (at a start: a fix may have been deployed)."""
    cur = await conn.execute("UPDATE inbox SET state = 'pending' WHERE state = 'failed'")
    return cur.rowcount


async def failed(conn: aiosqlite.Connection) -> tuple[int, str | None]:
    """How many updates are parked as failed, and when the oldest of them arrived."""
    row = await fetch_one(
        conn, "SELECT count(*) AS n, min(received_at) AS oldest FROM inbox WHERE state = 'failed'"
    )
    return (row["n"], row["oldest"]) if row is not None else (0, None)


async def prune(conn: aiosqlite.Connection, now: datetime) -> None:
    """Drop done rows past their retention (only done ones: a payload waits for its handler)."""
    await conn.execute(
        "DELETE FROM inbox WHERE state = 'done' AND done_at < ?",
        (instant_to_db(now - DONE_RETENTION),),
    )


async def forget_chat(conn: aiosqlite.Connection, chat_id: int) -> None:
    """Erase every inbox row of a chat (used when a person deletes their data)."""
    await conn.execute("DELETE FROM inbox WHERE chat_id = ?", (chat_id,))
