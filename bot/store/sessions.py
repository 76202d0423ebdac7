"""Queries about therapy sessions: the plan for the next one, and the sessions that happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one


@dataclass(frozen=True)
class Plan:
    """A person's next session: when, at which wall-clock time, and how often it repeats."""

    user_id: int
    next_at: datetime
    local_time: time
    repeat_days: int  # 0 = once, 7 = weekly, 14 = every two weeks
    recap_due: datetime | None


def _plan(row: aiosqlite.Row) -> Plan:
    next_at = instant_from_db(row["next_at"])
    assert next_at is not None
    hour, minute = map(int, row["local_time"].split(":"))
    return Plan(
        user_id=row["user_id"],
        next_at=next_at,
        local_time=time(hour, minute),
        repeat_days=row["repeat_days"],
        recap_due=instant_from_db(row["recap_due"]),
    )


async def get_plan(conn: aiosqlite.Connection, user_id: int) -> Plan | None:
    """The person's planned next session, if any."""
    row = await fetch_one(conn, "SELECT * FROM session_plans WHERE user_id = ?", (user_id,))
    return _plan(row) if row else None


async def put_plan(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    next_at: datetime,
    local_time: time,
    repeat_days: int,
    recap_due: datetime | None,
    now: datetime,
) -> None:
    """Set (or replace) the person's plan; a person has at most one."""
    await conn.execute(
        "INSERT INTO session_plans (user_id, next_at, local_time, repeat_days, recap_due, updated_at)"
        " VALUES (:user_id, :next_at, :local_time, :repeat_days, :recap_due, :now)"
        " ON CONFLICT (user_id) DO UPDATE SET next_at = excluded.next_at,"
        "   local_time = excluded.local_time, repeat_days = excluded.repeat_days,"
        "   recap_due = excluded.recap_due, updated_at = excluded.updated_at",
        {
            "user_id": user_id,
            "next_at": instant_to_db(next_at),
            "local_time": local_time.strftime("%H:%M"),
            "repeat_days": repeat_days,
            "recap_due": instant_to_db(recap_due) if recap_due else None,
            "now": instant_to_db(now),
        },
    )


async def move_plan(
    conn: aiosqlite.Connection,
    user_id: int,
    next_at: datetime,
    recap_due: datetime | None,
    now: datetime,
) -> None:
    """Move the planned session to another instant (its time of day and repetition stay)."""
    await conn.execute(
        "UPDATE session_plans SET next_at = ?, recap_due = ?, updated_at = ? WHERE user_id = ?",
        (
            instant_to_db(next_at),
            instant_to_db(recap_due) if recap_due else None,
            instant_to_db(now),
            user_id,
        ),
    )


async def delete_plan(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Remove the person's plan; False if there was none."""
    cur = await conn.execute("DELETE FROM session_plans WHERE user_id = ?", (user_id,))
    return cur.rowcount == 1


async def passed_plans(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[Plan]:
    """Plans whose session time has come (served by session_plans_next_at), earliest first."""
    return [
        _plan(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM session_plans WHERE next_at <= ? ORDER BY next_at LIMIT ?",
            (instant_to_db(now), limit),
        )
    ]


async def add_held(conn: aiosqlite.Connection, user_id: int, happened_at: datetime) -> None:
    """Record that a session happened."""
    await conn.execute(
        "INSERT INTO sessions_held (user_id, happened_at) VALUES (?, ?)",
        (user_id, instant_to_db(happened_at)),
    )


async def last_held(conn: aiosqlite.Connection, user_id: int, until: datetime) -> datetime | None:
    """When the person's latest session not after ``until`` happened (served by sessions_held_user)."""
    row = await fetch_one(
        conn,
        "SELECT max(happened_at) FROM sessions_held WHERE user_id = ? AND happened_at <= ?",
        (user_id, instant_to_db(until)),
    )
    return instant_from_db(row[0]) if row and row[0] else None


async def set_practice_due(conn: aiosqlite.Connection, user_id: int) -> None:
    """Ask the next reminder to be the "what do you want to practise?" question."""
    await conn.execute("UPDATE people SET practice_due = 1 WHERE user_id = ?", (user_id,))


async def clear_practice_due(conn: aiosqlite.Connection, user_id: int) -> None:
    """The "what do you want to practise?" question was asked."""
    await conn.execute("UPDATE people SET practice_due = 0 WHERE user_id = ?", (user_id,))


async def recaps_due(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[Plan]:
    """Plans whose automatic recap should go now (served by session_plans_recap_due)."""
    return [
        _plan(row)
        for row in await fetch_all(
            conn,
            "SELECT * FROM session_plans WHERE recap_due IS NOT NULL AND recap_due <= ?"
            " ORDER BY recap_due LIMIT ?",
            (instant_to_db(now), limit),
        )
    ]


async def clear_recap_due(conn: aiosqlite.Connection, user_id: int) -> None:
    """Claim a plan's automatic recap: once cleared, it cannot go again for this session."""
    await conn.execute("UPDATE session_plans SET recap_due = NULL WHERE user_id = ?", (user_id,))


async def earliest_event(conn: aiosqlite.Connection) -> datetime | None:
    """The soonest recap due or session time of any plan (for the dispatcher's timer).

    Two aggregates, each answered from its index without a scan.
    """
    row = await fetch_one(
        conn,
        "SELECT (SELECT min(recap_due) FROM session_plans WHERE recap_due IS NOT NULL),"
        " (SELECT min(next_at) FROM session_plans)",
    )
    found = [instant_from_db(value) for value in (row or ()) if value]
    return min((f for f in found if f is not None), default=None)


async def restore_recap_due(conn: aiosqlite.Connection, user_id: int, recap_due: datetime) -> None:
    """Put a claimed automatic recap back (its sending failed with a passing fault)."""
    await conn.execute(
        "UPDATE session_plans SET recap_due = ? WHERE user_id = ? AND recap_due IS NULL",
        (instant_to_db(recap_due), user_id),
    )


async def standing(conn: aiosqlite.Connection, user_id: int) -> tuple[bool, str | None, datetime | None]:
    """(practice_due, zone, next session instant) in one query, for choosing the next prompt."""
    row = await fetch_one(
        conn,
        "SELECT p.practice_due, p.zone, s.next_at FROM people AS p"
        " LEFT JOIN session_plans AS s ON s.user_id = p.user_id WHERE p.user_id = ?",
        (user_id,),
    )
    if row is None:
        return False, None, None
    return bool(row[0]), row[1], instant_from_db(row[2])
