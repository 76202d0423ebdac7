"""Queries about people: their record, zone and what answer the bot is waiting for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one


@dataclass(frozen=True)
class Person:
    user_id: int
    # The language Between speaks with them: the one they chose with /language, else the language
    # code Telegram sent on first contact (resolved against the languages Between speaks).
    language_code: str | None
    zone: str | None
    awaiting: str | None
    created_at: datetime
    awaiting_since: datetime | None = None
    paused_until: datetime | None = None
    paused_indefinitely: bool = False
    active: bool = True
    mood_with_prompts: bool = False
    admitted: bool = False  # came in through an invite link

    def paused(self, now: datetime) -> bool:
        """Whether reminders are on hold at ``now``."""
        return self.paused_indefinitely or (self.paused_until is not None and self.paused_until > now)


def _person(row: aiosqlite.Row) -> Person:
    created = instant_from_db(row["created_at"])
    assert created is not None
    return Person(
        user_id=row["user_id"],
        language_code=row["language_code"],
        zone=row["zone"],
        awaiting=row["awaiting"],
        awaiting_since=instant_from_db(row["awaiting_since"]),
        created_at=created,
        paused_until=instant_from_db(row["paused_until"]),
        paused_indefinitely=bool(row["paused_indefinitely"]),
        active=bool(row["active"]),
        mood_with_prompts=bool(row["mood_with_prompts"]),
        admitted=bool(row["admitted"]),
    )


async def get(conn: aiosqlite.Connection, user_id: int) -> Person | None:
    """The person with this Telegram user id, or None if they never talked to Between."""
    row = await fetch_one(conn, "SELECT * FROM people WHERE user_id = ?", (user_id,))
    return _person(row) if row else None


async def get_many(conn: aiosqlite.Connection, user_ids: list[int]) -> dict[int, Person]:
    """The people with these user ids (those who never talked to Between are left out), in one
    statement per 500 ids."""
    found: dict[int, Person] = {}
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        rows = await fetch_all(
            conn, f"SELECT * FROM people WHERE user_id IN ({', '.join('?' * len(chunk))})", chunk
        )
        found.update((row["user_id"], _person(row)) for row in rows)
    return found


async def ensure(
    conn: aiosqlite.Connection, user_id: int, language_code: str | None, now: datetime
) -> Person:
    """Return the person, creating their record on first contact. Never resets anything: the
    language code Telegram sends is kept only while none is stored (first contact, or a client
    that sent none before), so a language chosen with /language stays."""
    stamp = instant_to_db(now)
    row = await fetch_one(
        conn,
        "INSERT INTO people (user_id, language_code, created_at, updated_at)"
        " VALUES (:id, :lang, :now, :now)"
        " ON CONFLICT (user_id) DO UPDATE SET"
        "   language_code = coalesce(people.language_code, excluded.language_code)"
        " RETURNING *",
        {"id": user_id, "lang": language_code, "now": stamp},
    )
    assert row is not None
    return _person(row)


async def language_of(conn: aiosqlite.Connection, user_id: int) -> str | None:
    """The person's stored language code; None for someone unknown or who has none."""
    row = await fetch_one(conn, "SELECT language_code FROM people WHERE user_id = ?", (user_id,))
    return row[0] if row else None


async def set_language(conn: aiosqlite.Connection, user_id: int, language: str, now: datetime) -> None:
    """Store the language the person chose."""
    await conn.execute(
        "UPDATE people SET language_code = ?, updated_at = ? WHERE user_id = ?",
        (language, instant_to_db(now), user_id),
    )


async def set_zone(conn: aiosqlite.Connection, user_id: int, zone: str, now: datetime) -> None:
    """Store the person's zone (IANA name or UTC±HH:MM) and clear a pending zone question."""
    await conn.execute(
        "UPDATE people SET zone = :zone, updated_at = :now,"
        " awaiting = CASE WHEN awaiting = 'zone' THEN NULL ELSE awaiting END,"
        " awaiting_since = CASE WHEN awaiting = 'zone' THEN NULL ELSE awaiting_since END"
        " WHERE user_id = :id",
        {"zone": zone, "now": instant_to_db(now), "id": user_id},
    )


async def set_awaiting(conn: aiosqlite.Connection, user_id: int, awaiting: str | None, now: datetime) -> None:
    """Remember which answer the bot asked for (None: nothing pending)."""
    await conn.execute(
        "UPDATE people SET awaiting = :awaiting, updated_at = :now,"
        " awaiting_since = CASE WHEN :awaiting IS NULL THEN NULL ELSE :now END WHERE user_id = :id",
        {"awaiting": awaiting, "now": instant_to_db(now), "id": user_id},
    )


async def set_pause(conn: aiosqlite.Connection, user_id: int, until: datetime | None, now: datetime) -> None:
    """Pause reminders until an instant, or (``until`` None) until the person resumes."""
    await conn.execute(
        "UPDATE people SET paused_until = :until, paused_indefinitely = :forever,"
        " updated_at = :now WHERE user_id = :id",
        {
            "until": instant_to_db(until) if until else None,
            "forever": int(until is None),
            "now": instant_to_db(now),
            "id": user_id,
        },
    )


async def clear_pause(conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
    """End a pause."""
    await conn.execute(
        "UPDATE people SET paused_until = NULL, paused_indefinitely = 0, updated_at = ? WHERE user_id = ?",
        (instant_to_db(now), user_id),
    )


async def pauses_ended(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[Person]:
    """People whose pause with an end has run out (served by people_pause_end)."""
    return [
        _person(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM people WHERE paused_until IS NOT NULL AND paused_until <= ? LIMIT ?",
            (instant_to_db(now), limit),
        )
    ]


async def set_active(conn: aiosqlite.Connection, user_id: int, active: bool, now: datetime) -> None:
    """Mark whether Telegram lets us reach the person (False after a 403)."""
    await conn.execute(
        "UPDATE people SET active = ?, updated_at = ? WHERE user_id = ?",
        (int(active), instant_to_db(now), user_id),
    )


async def set_mood_with_prompts(conn: aiosqlite.Connection, user_id: int, on: bool, now: datetime) -> None:
    """Whether the one-tap mood scale rides along with every prompt."""
    await conn.execute(
        "UPDATE people SET mood_with_prompts = ?, updated_at = ? WHERE user_id = ?",
        (int(on), instant_to_db(now), user_id),
    )
