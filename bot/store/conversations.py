"""Queries about the conversation state: what Between waits for from a person right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_one


@dataclass(frozen=True)
class Waiting:
    """One person's conversation state (no row: Between waits for nothing)."""

    user_id: int
    waiting_for: str  # "answer", or the name of an ask ("zone", "city", ...)
    about: str | None  # which thing an ask is for, when it has several (a plan step, an experiment)
    delivery_id: int | None  # the open question, for "answer"
    opened_at: datetime
    expires_at: datetime
    refused: int


def open_question_sql(user_id: str, written_at: str) -> str:
    """An SQL expression: the delivery id of the question a plain message written at
    ``written_at`` answers, NULL if none is open: a plain message answers the open question
    until it expires (docs/conversation.md), decided in the statement that stores the message
    (store/entries.py); ``user_id`` and ``written_at`` are SQL expressions too."""
    return (
        f"(SELECT c.delivery_id FROM conversations AS c WHERE c.user_id = {user_id}"
        f" AND c.waiting_for = 'answer' AND {written_at} < c.expires_at)"
    )


async def get(conn: aiosqlite.Connection, user_id: int) -> Waiting | None:
    """The person's state, expired or not (the service decides what expiry means)."""
    row = await fetch_one(conn, "SELECT * FROM conversations WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    opened, expires = instant_from_db(row["opened_at"]), instant_from_db(row["expires_at"])
    assert opened is not None and expires is not None
    return Waiting(
        row["user_id"], row["waiting_for"], row["about"], row["delivery_id"], opened, expires, row["refused"]
    )


async def put(
    conn: aiosqlite.Connection,
    user_id: int,
    waiting_for: str,
    *,
    opened_at: datetime,
    expires_at: datetime,
    delivery_id: int | None = None,
    about: str | None = None,
) -> None:
    """Wait for something new; whatever was awaited before is over."""
    await conn.execute(
        "INSERT INTO conversations (user_id, waiting_for, about, delivery_id, opened_at, expires_at)"
        " VALUES (:user, :what, :about, :delivery, :opened, :expires)"
        " ON CONFLICT (user_id) DO UPDATE SET waiting_for = :what, about = :about,"
        "   delivery_id = :delivery, opened_at = :opened, expires_at = :expires, refused = 0",
        {
            "user": user_id,
            "what": waiting_for,
            "about": about,
            "delivery": delivery_id,
            "opened": instant_to_db(opened_at),
            "expires": instant_to_db(expires_at),
        },
    )


async def refuse(conn: aiosqlite.Connection, user_id: int) -> int:
    """Count one reply that could not be read; returns how many there have been."""
    row = await fetch_one(
        conn,
        "UPDATE conversations SET refused = refused + 1 WHERE user_id = ? RETURNING refused",
        (user_id,),
    )
    return int(row["refused"]) if row else 0


async def end(
    conn: aiosqlite.Connection,
    user_id: int,
    *,
    waiting_for: str | None = None,
    delivery_id: int | None = None,
) -> bool:
    """Stop waiting: for anything, or only if Between waits for ``waiting_for`` / that delivery's
    answer. Returns whether something ended."""
    sql = "DELETE FROM conversations WHERE user_id = ?"
    params: list[object] = [user_id]
    if waiting_for is not None:
        sql += " AND waiting_for = ?"
        params.append(waiting_for)
    if delivery_id is not None:
        sql += " AND delivery_id = ?"
        params.append(delivery_id)
    cur = await conn.execute(sql, params)
    return cur.rowcount > 0
