"""Queries behind the recap: one person's entries and moods in a window, and flagged items.

Every query names the person and is served by an index that starts with user_id, so a recap
costs what that person wrote in the window, not what everyone (or they) ever wrote.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all
from bot.store.entries import Entry
from bot.store.entries import _entry as entry_from_row  # the one reader of an entries row
from bot.store.moods import Mood


async def written(conn: aiosqlite.Connection, user_id: int, start: datetime, end: datetime) -> list[Entry]:
    """The person's entries written in [start, end], oldest first (entries_user_written)."""
    return [
        entry_from_row(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM entries WHERE user_id = ? AND written_at >= ? AND written_at <= ?"
            " ORDER BY written_at, id",
            (user_id, instant_to_db(start), instant_to_db(end)),
        )
    ]


async def open_flags(conn: aiosqlite.Connection, user_id: int, until: datetime) -> list[Entry]:
    """Entries flagged Bring to session, not yet discussed, written by ``until``, oldest first.

    The WHERE clause repeats the partial index's condition (entries_bring) so SQLite can use
    it, and the unary ``+`` keeps written_at from making entries_user_written look better
    (without ANALYZE statistics SQLite would walk the person's whole history on it): carried-over
    items cost what is still open, however long the history.
    """
    return [
        entry_from_row(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM entries WHERE user_id = ? AND bring = 1 AND discussed_at IS NULL"
            " AND +written_at <= ? ORDER BY +written_at, id",
            (user_id, instant_to_db(until)),
        )
    ]


async def moods_logged(
    conn: aiosqlite.Connection, user_id: int, start: datetime, end: datetime
) -> list[Mood]:
    """The person's moods logged in [start, end], oldest first (moods_user_logged)."""
    rows = await fetch_all(
        conn,
        "SELECT score, logged_at FROM moods WHERE user_id = ? AND logged_at >= ? AND logged_at <= ?"
        " ORDER BY logged_at",
        (user_id, instant_to_db(start), instant_to_db(end)),
    )
    return [Mood(row["score"], instant_from_db(row["logged_at"])) for row in rows]  # type: ignore[arg-type]


async def mark_discussed(
    conn: aiosqlite.Connection, user_id: int, entry_ids: list[int], now: datetime
) -> int:
    """Mark flagged items of this person discussed; returns how many were still open.

    Ids that are not the person's, not flagged or already discussed are left alone.
    """
    changed = 0
    for entry_id in entry_ids:
        cur = await conn.execute(
            "UPDATE entries SET discussed_at = ? WHERE id = ? AND user_id = ? AND bring = 1"
            " AND discussed_at IS NULL",
            (instant_to_db(now), entry_id, user_id),
        )
        changed += cur.rowcount
    return changed
