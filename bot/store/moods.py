"""Queries about moods: a score from 1 to 5 with the time it was logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all


@dataclass(frozen=True)
class Mood:
    score: int
    logged_at: datetime


async def add(
    conn: aiosqlite.Connection,
    user_id: int,
    score: int,
    logged_at: datetime,
    *,
    chat_id: int | None = None,
    message_id: int | None = None,
) -> bool:
    """Log a mood score (1..5). Once per Telegram message: False if that message gave one already."""
    cur = await conn.execute(
        "INSERT INTO moods (user_id, score, logged_at, chat_id, message_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (user_id, score, instant_to_db(logged_at), chat_id, message_id),
    )
    return cur.rowcount == 1


async def between(conn: aiosqlite.Connection, user_id: int, start: datetime, end: datetime) -> list[Mood]:
    """The person's moods logged in [start, end), oldest first."""
    rows = await fetch_all(
        conn,
        "SELECT score, logged_at FROM moods WHERE user_id = ? AND logged_at >= ? AND logged_at < ?"
        " ORDER BY logged_at",
        (user_id, instant_to_db(start), instant_to_db(end)),
    )
    return [Mood(row["score"], instant_from_db(row["logged_at"])) for row in rows]  # type: ignore[arg-type]
