"""Queries about invite codes (the ?start= part of an invite link)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.store.codec import instant_to_db


async def add(
    conn: aiosqlite.Connection, code: str, max_uses: int, expires_at: datetime | None, now: datetime
) -> None:
    """Store a new invite code."""
    await conn.execute(
        "INSERT INTO invites (code, max_uses, expires_at, created_at) VALUES (?, ?, ?, ?)",
        (code, max_uses, instant_to_db(expires_at) if expires_at else None, instant_to_db(now)),
    )


async def redeem(conn: aiosqlite.Connection, code: str, now: datetime) -> bool:
    """Use an invite once if it exists, has uses left and has not expired."""
    cur = await conn.execute(
        "UPDATE invites SET uses = uses + 1 WHERE code = ? AND uses < max_uses"
        " AND (expires_at IS NULL OR expires_at > ?)",
        (code, instant_to_db(now)),
    )
    return cur.rowcount == 1


async def admit(conn: aiosqlite.Connection, user_id: int, language_code: str | None, now: datetime) -> None:
    """Record a person who came in through an invite (creating their record)."""
    stamp = instant_to_db(now)
    await conn.execute(
        "INSERT INTO people (user_id, language_code, created_at, updated_at, admitted)"
        " VALUES (?, ?, ?, ?, 1) ON CONFLICT (user_id) DO UPDATE SET admitted = 1",
        (user_id, language_code, stamp, stamp),
    )
