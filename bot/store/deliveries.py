"""Queries about deliveries: the prompts Between sent (or skipped), and what they are answered by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one


@dataclass(frozen=True)
class Delivery:
    id: int
    user_id: int
    reminder_id: int | None
    kind: str
    due_at: datetime
    prompt_id: str | None
    state: str
    message_id: int | None
    sent_at: datetime | None


def _delivery(row: aiosqlite.Row) -> Delivery:
    due = instant_from_db(row["due_at"])
    assert due is not None
    return Delivery(
        id=row["id"],
        user_id=row["user_id"],
        reminder_id=row["reminder_id"],
        kind=row["kind"],
        due_at=due,
        prompt_id=row["prompt_id"],
        state=row["state"],
        message_id=row["message_id"],
        sent_at=instant_from_db(row["sent_at"]),
    )


async def get(conn: aiosqlite.Connection, user_id: int, delivery_id: int) -> Delivery | None:
    """One of this person's deliveries (None if it is not theirs)."""
    row = await fetch_one(
        conn, "SELECT * FROM deliveries WHERE id = ? AND user_id = ?", (delivery_id, user_id)
    )
    return _delivery(row) if row else None


async def by_message(conn: aiosqlite.Connection, user_id: int, message_id: int) -> Delivery | None:
    """The prompt that Telegram message carried, if it was one of ours."""
    row = await fetch_one(
        conn, "SELECT * FROM deliveries WHERE user_id = ? AND message_id = ?", (user_id, message_id)
    )
    return _delivery(row) if row else None


async def add_sent(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    kind: str,
    prompt_id: str,
    now: datetime,
    reminder_id: int | None = None,
) -> int:
    """Record a prompt about to be sent outside the reminder schedule; returns its id."""
    stamp = instant_to_db(now)
    cur = await conn.execute(
        "INSERT INTO deliveries (user_id, reminder_id, kind, due_at, prompt_id, state, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'claimed', ?)",
        (user_id, reminder_id, kind, stamp, prompt_id, stamp),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def mark_sent(conn: aiosqlite.Connection, delivery_id: int, message_id: int, now: datetime) -> None:
    """Record the Telegram message that carried a prompt."""
    await conn.execute(
        "UPDATE deliveries SET state = 'sent', message_id = ?, sent_at = ? WHERE id = ?",
        (message_id, instant_to_db(now), delivery_id),
    )


async def mark(conn: aiosqlite.Connection, delivery_id: int, state: str) -> None:
    """Set a delivery's state (skipped, failed, missed)."""
    await conn.execute("UPDATE deliveries SET state = ? WHERE id = ?", (state, delivery_id))


async def mark_skipped(conn: aiosqlite.Connection, delivery_id: int) -> None:
    """Skipped (or put off with Later), unless the person already answered it: an answered
    question stays answered in the recap and the export whatever is pressed afterwards."""
    await conn.execute(
        "UPDATE deliveries SET state = 'skipped'"
        " WHERE id = ? AND NOT EXISTS (SELECT 1 FROM entries WHERE delivery_id = ?)",
        (delivery_id, delivery_id),
    )


async def claim(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    reminder_id: int,
    due_at: datetime,
    state: str,
    now: datetime,
    prompt_id: str | None = None,
) -> Delivery | None:
    """Record that a reminder's due instant was handled; None if it already was.

    UNIQUE (reminder_id, due_at) makes this the once-only gate for every reminder firing.
    """
    stamp = instant_to_db(now)
    row = await fetch_one(
        conn,
        "INSERT INTO deliveries (user_id, reminder_id, kind, due_at, state, created_at, prompt_id)"
        " VALUES (?, ?, 'prompt', ?, ?, ?, ?) ON CONFLICT (reminder_id, due_at) DO NOTHING"
        " RETURNING *",
        (user_id, reminder_id, instant_to_db(due_at), state, stamp, prompt_id),
    )
    return _delivery(row) if row else None


async def schedule_snooze(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    prompt_id: str | None,
    due_at: datetime,
    now: datetime,
) -> int:
    """Schedule a prompt to come again later ("Later" on a prompt)."""
    cur = await conn.execute(
        "INSERT INTO deliveries (user_id, kind, due_at, prompt_id, state, created_at)"
        " VALUES (?, 'snooze', ?, ?, 'scheduled', ?)",
        (user_id, instant_to_db(due_at), prompt_id, instant_to_db(now)),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def reschedule(conn: aiosqlite.Connection, delivery_id: int, due_at: datetime) -> None:
    """Move a scheduled snooze to another instant."""
    await conn.execute(
        "UPDATE deliveries SET due_at = ? WHERE id = ? AND state = 'scheduled'",
        (instant_to_db(due_at), delivery_id),
    )


async def due_snoozes(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[Delivery]:
    """Scheduled snoozes whose time has come (served by deliveries_open)."""
    return [
        _delivery(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM deliveries WHERE state = 'scheduled' AND due_at <= ? ORDER BY due_at LIMIT ?",
            (instant_to_db(now), limit),
        )
    ]


async def claimed(conn: aiosqlite.Connection, limit: int) -> list[Delivery]:
    """Reminders and snoozes claimed but not yet sent (a crash or a network fault interrupted
    them). A /prompt asked for on the spot is the handler's to send, never the dispatcher's."""
    return [
        _delivery(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM deliveries WHERE state = 'claimed' AND kind != 'on_demand'"
            " ORDER BY due_at LIMIT ?",
            (limit,),
        )
    ]


async def earliest_snooze(conn: aiosqlite.Connection) -> datetime | None:
    """The soonest scheduled snooze."""
    row = await fetch_one(conn, "SELECT min(due_at) FROM deliveries WHERE state = 'scheduled'")
    return instant_from_db(row[0]) if row and row[0] else None


async def recent_prompts(
    conn: aiosqlite.Connection, user_id: int, since: datetime
) -> list[tuple[str, datetime]]:
    """(prompt_id, sent_at) of prompts sent to the person since an instant, for rotation."""
    rows = await fetch_all(
        conn,
        "SELECT prompt_id, sent_at FROM deliveries WHERE user_id = ? AND sent_at >= ?"
        " AND prompt_id IS NOT NULL ORDER BY sent_at",
        (user_id, instant_to_db(since)),
    )
    result = []
    for row in rows:
        sent = instant_from_db(row["sent_at"])
        assert sent is not None
        result.append((row["prompt_id"], sent))
    return result


async def pass_over(conn: aiosqlite.Connection, delivery_id: int, prompt_id: str) -> tuple[str, ...]:
    """"Another question" replaces ``prompt_id`` on this delivery: remember it; returns every
    prompt passed over on it so far."""
    row = await fetch_one(
        conn,
        "UPDATE deliveries SET passed_over = trim(passed_over || ' ' || ?) WHERE id = ?"
        " RETURNING passed_over",
        (prompt_id, delivery_id),
    )
    return tuple(row["passed_over"].split()) if row else (prompt_id,)


async def set_prompt(conn: aiosqlite.Connection, delivery_id: int, prompt_id: str) -> None:
    """Record which prompt a delivery carries (chosen at send time, or "Another question")."""
    await conn.execute("UPDATE deliveries SET prompt_id = ? WHERE id = ?", (prompt_id, delivery_id))
