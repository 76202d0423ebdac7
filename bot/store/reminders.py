"""Queries about reminders and the dispatcher's view of what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one

# next_due for a reminder that must not fire until something changes (an open-ended pause, or a
# person who blocked the bot): far beyond any real instant, and still ordered as text.
NEVER = "9999-12-31 00:00:00"


def days_to_mask(days: frozenset[int]) -> int:
    """Weekdays (Monday = 0) as a bit mask."""
    return sum(1 << day for day in days)


def mask_to_days(mask: int) -> frozenset[int]:
    """A bit mask back into weekdays (Monday = 0)."""
    return frozenset(day for day in range(7) if mask & (1 << day))


@dataclass(frozen=True)
class Reminder:
    id: int
    user_id: int
    at: time
    days: frozenset[int]
    next_due: datetime | None  # None: held (paused or inactive)


@dataclass(frozen=True)
class DueReminder:
    """A due reminder with what the dispatcher needs to know about its person."""

    reminder: Reminder
    zone: str | None
    paused_until: datetime | None
    paused_indefinitely: bool
    active: bool
    admitted: bool = False  # the person came in through an invite link

    def paused(self, now: datetime) -> bool:
        """Whether the person's reminders are on hold at ``now``."""
        return self.paused_indefinitely or (self.paused_until is not None and self.paused_until > now)


def _reminder(row: aiosqlite.Row) -> Reminder:
    hour, minute = map(int, row["at"].split(":"))
    due = None if row["next_due"] == NEVER else instant_from_db(row["next_due"])
    return Reminder(row["id"], row["user_id"], time(hour, minute), mask_to_days(row["days"]), due)


async def for_person(conn: aiosqlite.Connection, user_id: int) -> list[Reminder]:
    """The person's reminders, earliest time of day first."""
    return [
        _reminder(row)
        for row in await fetch_all(
            conn, "SELECT * FROM reminders WHERE user_id = ? ORDER BY at, days DESC", (user_id,)
        )
    ]


async def add(
    conn: aiosqlite.Connection,
    user_id: int,
    at: time,
    days: frozenset[int],
    next_due: datetime | None,
    now: datetime,
) -> bool:
    """Add a reminder; False if the person already has this exact one."""
    cur = await conn.execute(
        "INSERT INTO reminders (user_id, at, days, next_due, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, at, days) DO NOTHING",
        (
            user_id,
            at.strftime("%H:%M"),
            days_to_mask(days),
            instant_to_db(next_due) if next_due else NEVER,
            instant_to_db(now),
        ),
    )
    return cur.rowcount == 1


async def remove(conn: aiosqlite.Connection, user_id: int, reminder_id: int) -> bool:
    """Remove one of the person's reminders; False if it is not theirs (or already gone)."""
    cur = await conn.execute("DELETE FROM reminders WHERE id = ? AND user_id = ?", (reminder_id, user_id))
    return cur.rowcount == 1


async def remove_all(conn: aiosqlite.Connection, user_id: int) -> int:
    """Remove every reminder of the person; returns how many there were."""
    cur = await conn.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
    return cur.rowcount


async def set_next_due(conn: aiosqlite.Connection, reminder_id: int, next_due: datetime | None) -> None:
    """Move a reminder's next due instant (None: hold it until something changes)."""
    await conn.execute(
        "UPDATE reminders SET next_due = ? WHERE id = ?",
        (instant_to_db(next_due) if next_due else NEVER, reminder_id),
    )


async def due(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[DueReminder]:
    """Reminders whose next due instant has come, oldest first (served by reminders_due)."""
    rows = await fetch_all(
        conn,
        "SELECT r.*, p.zone, p.paused_until, p.paused_indefinitely, p.active, p.admitted"
        " FROM reminders AS r JOIN people AS p ON p.user_id = r.user_id"
        " WHERE r.next_due <= ? ORDER BY r.next_due LIMIT ?",
        (instant_to_db(now), limit),
    )
    return [
        DueReminder(
            reminder=_reminder(row),
            zone=row["zone"],
            paused_until=instant_from_db(row["paused_until"]),
            paused_indefinitely=bool(row["paused_indefinitely"]),
            active=bool(row["active"]),
            admitted=bool(row["admitted"]),
        )
        for row in rows
    ]


async def earliest_due(conn: aiosqlite.Connection) -> datetime | None:
    """The soonest next_due of any reminder (None if none is scheduled)."""
    row = await fetch_one(conn, "SELECT min(next_due) FROM reminders WHERE next_due != ?", (NEVER,))
    return instant_from_db(row[0]) if row and row[0] else None
