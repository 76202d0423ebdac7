"""Everything stored about one person, read whole, written whole, or erased whole.

This is the only place that knows every table holding personal data (tests/test_export.py checks
that against the schema, so a new table cannot be forgotten). Rows leave and enter without their
internal ids: reminders and deliveries are referred to by their position in a deterministic order,
so the same data imported into another database reads back identically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store import inbox
from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one
from bot.store.reminders import NEVER, days_to_mask, mask_to_days

# Tables with a row per person (or per person and thing) that /delete must erase and /export must
# carry. Each references people (user_id) with ON DELETE CASCADE.
PERSONAL_TABLES = (
    "reminders", "deliveries", "entries", "moods", "session_plans", "sessions_held", "conversations",
)  # fmt: skip


@dataclass(frozen=True)
class PersonRecord:
    """The person's own row: settings and state, no conversation bookkeeping."""

    language_code: str | None
    zone: str | None
    created_at: datetime
    paused_until: datetime | None
    paused_indefinitely: bool
    active: bool
    practice_due: bool
    admitted: bool
    mood_with_prompts: bool = False


@dataclass(frozen=True)
class ReminderRecord:
    at: str  # "HH:MM", the person's wall clock
    days: frozenset[int]  # Monday = 0
    created_at: datetime


@dataclass(frozen=True)
class DeliveryRecord:
    reminder: int | None  # position in PersonData.reminders
    kind: str
    due_at: datetime
    prompt_id: str | None
    state: str
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class EntryRecord:
    delivery: int | None  # position in PersonData.deliveries
    prompt_id: str | None
    kind: str
    text: str | None
    first_text: str | None
    file_id: str | None
    written_at: datetime
    edited_at: datetime | None
    bring: bool
    discussed_at: datetime | None


@dataclass(frozen=True)
class MoodRecord:
    score: int
    logged_at: datetime


@dataclass(frozen=True)
class SessionPlanRecord:
    next_at: datetime
    local_time: str
    repeat_days: int
    recap_due: datetime | None


@dataclass(frozen=True)
class PersonData:
    """Everything about one person, id-free."""

    person: PersonRecord
    reminders: tuple[ReminderRecord, ...] = ()
    deliveries: tuple[DeliveryRecord, ...] = ()
    entries: tuple[EntryRecord, ...] = ()
    moods: tuple[MoodRecord, ...] = ()
    session_plan: SessionPlanRecord | None = None
    sessions_held: tuple[datetime, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing but the person's own row exists (nothing written, nothing planned)."""
        return not (
            self.reminders
            or self.deliveries
            or self.entries
            or self.moods
            or self.session_plan
            or self.sessions_held
        )


@dataclass(frozen=True)
class Counts:
    """How much is stored about a person, for the /delete confirmation."""

    entries: int
    moods: int
    reminders: int
    deliveries: int
    sessions: int  # sessions held, plus a planned one
    admitted: bool


def _at(text: str | None) -> datetime:
    value = instant_from_db(text)
    assert value is not None
    return value


def _db(instant: datetime | None) -> str | None:
    return instant_to_db(instant) if instant is not None else None


async def _rows(conn: aiosqlite.Connection, sql: str, user_id: int) -> list[aiosqlite.Row]:
    return list(await fetch_all(conn, sql, (user_id,)))


async def load(conn: aiosqlite.Connection, user_id: int) -> PersonData | None:
    """Read everything about the person (None if Between has no record of them).

    Orders are by time with the row id as the last tie-breaker, so an import (which inserts in
    this order, getting increasing ids) reads back in the same order.
    """
    rows = await _rows(conn, "SELECT * FROM people WHERE user_id = ?", user_id)
    if not rows:
        return None
    row = rows[0]
    person = PersonRecord(
        language_code=row["language_code"],
        zone=row["zone"],
        created_at=_at(row["created_at"]),
        paused_until=instant_from_db(row["paused_until"]),
        paused_indefinitely=bool(row["paused_indefinitely"]),
        active=bool(row["active"]),
        practice_due=bool(row["practice_due"]),
        admitted=bool(row["admitted"]),
        mood_with_prompts=bool(row["mood_with_prompts"]),
    )

    reminder_rows = await _rows(
        conn, "SELECT * FROM reminders WHERE user_id = ? ORDER BY at, days DESC, id", user_id
    )
    reminder_pos = {r["id"]: i for i, r in enumerate(reminder_rows)}
    delivery_rows = await _rows(
        conn, "SELECT * FROM deliveries WHERE user_id = ? ORDER BY created_at, due_at, id", user_id
    )
    delivery_pos = {d["id"]: i for i, d in enumerate(delivery_rows)}
    entry_rows = await _rows(
        conn, "SELECT * FROM entries WHERE user_id = ? ORDER BY written_at, message_id, id", user_id
    )
    mood_rows = await _rows(
        conn, "SELECT score, logged_at FROM moods WHERE user_id = ? ORDER BY logged_at, id", user_id
    )
    plan_rows = await _rows(conn, "SELECT * FROM session_plans WHERE user_id = ?", user_id)
    held_rows = await _rows(
        conn,
        "SELECT happened_at FROM sessions_held WHERE user_id = ? ORDER BY happened_at, id",
        user_id,
    )
    plan = plan_rows[0] if plan_rows else None
    return PersonData(
        person=person,
        reminders=tuple(
            ReminderRecord(r["at"], mask_to_days(r["days"]), _at(r["created_at"])) for r in reminder_rows
        ),
        deliveries=tuple(
            DeliveryRecord(
                reminder=reminder_pos.get(d["reminder_id"]),
                kind=d["kind"],
                due_at=_at(d["due_at"]),
                prompt_id=d["prompt_id"],
                state=d["state"],
                created_at=_at(d["created_at"]),
                sent_at=instant_from_db(d["sent_at"]),
            )
            for d in delivery_rows
        ),
        entries=tuple(
            EntryRecord(
                delivery=delivery_pos.get(e["delivery_id"]),
                prompt_id=e["prompt_id"],
                kind=e["kind"],
                text=e["text"],
                first_text=e["first_text"],
                file_id=e["file_id"],
                written_at=_at(e["written_at"]),
                edited_at=instant_from_db(e["edited_at"]),
                bring=bool(e["bring"]),
                discussed_at=instant_from_db(e["discussed_at"]),
            )
            for e in entry_rows
        ),
        moods=tuple(MoodRecord(m["score"], _at(m["logged_at"])) for m in mood_rows),
        session_plan=(
            SessionPlanRecord(
                next_at=_at(plan["next_at"]),
                local_time=plan["local_time"],
                repeat_days=plan["repeat_days"],
                recap_due=instant_from_db(plan["recap_due"]),
            )
            if plan
            else None
        ),
        sessions_held=tuple(_at(h["happened_at"]) for h in held_rows),
    )


async def exists(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Whether Between has any record of the person."""
    return await fetch_one(conn, "SELECT 1 FROM people WHERE user_id = ?", (user_id,)) is not None


async def insert(conn: aiosqlite.Connection, user_id: int, data: PersonData, now: datetime) -> None:
    """Write a whole person into a database that has no record of them.

    Reminders are stored held (next_due far away): the caller recomputes them from ``now``.
    Telegram message ids are not carried across databases (they only mean something in one bot's
    chat), so imported entries get negative message ids, which Telegram never uses, in file order;
    imported deliveries have none, so a reply can never be matched to an imported prompt by mistake.
    """
    person = data.person
    stamp = instant_to_db(now)
    await conn.execute(
        "INSERT INTO people (user_id, language_code, zone, awaiting, created_at, updated_at,"
        " paused_until, paused_indefinitely, active, practice_due, admitted, mood_with_prompts)"
        " VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user_id,
            person.language_code,
            person.zone,
            instant_to_db(person.created_at),
            stamp,
            _db(person.paused_until),
            int(person.paused_indefinitely),
            int(person.active),
            int(person.practice_due),
            int(person.admitted),
            int(person.mood_with_prompts),
        ),
    )
    reminder_ids: list[int] = []
    for reminder in data.reminders:
        cur = await conn.execute(
            "INSERT INTO reminders (user_id, at, days, next_due, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, reminder.at, days_to_mask(reminder.days), NEVER, instant_to_db(reminder.created_at)),
        )
        assert cur.lastrowid is not None
        reminder_ids.append(cur.lastrowid)
    delivery_ids: list[int] = []
    for delivery in data.deliveries:
        cur = await conn.execute(
            "INSERT INTO deliveries (user_id, reminder_id, kind, due_at, prompt_id, state,"
            " message_id, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (
                user_id,
                reminder_ids[delivery.reminder] if delivery.reminder is not None else None,
                delivery.kind,
                instant_to_db(delivery.due_at),
                delivery.prompt_id,
                delivery.state,
                instant_to_db(delivery.created_at),
                _db(delivery.sent_at),
            ),
        )
        assert cur.lastrowid is not None
        delivery_ids.append(cur.lastrowid)
    count = len(data.entries)
    for position, entry in enumerate(data.entries):
        await conn.execute(
            "INSERT INTO entries (user_id, chat_id, message_id, delivery_id, prompt_id, kind, text,"
            " first_text, file_id, written_at, edited_at, bring, discussed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                user_id,  # a private chat's id is the person's id
                position - count,  # -count .. -1, in file order
                delivery_ids[entry.delivery] if entry.delivery is not None else None,
                entry.prompt_id,
                entry.kind,
                entry.text,
                entry.first_text,
                entry.file_id,
                instant_to_db(entry.written_at),
                _db(entry.edited_at),
                int(entry.bring),
                _db(entry.discussed_at),
            ),
        )
    await conn.executemany(
        "INSERT INTO moods (user_id, score, logged_at) VALUES (?, ?, ?)",
        [(user_id, mood.score, instant_to_db(mood.logged_at)) for mood in data.moods],
    )
    if data.session_plan is not None:
        plan = data.session_plan
        await conn.execute(
            "INSERT INTO session_plans (user_id, next_at, local_time, repeat_days, recap_due, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                user_id,
                instant_to_db(plan.next_at),
                plan.local_time,
                plan.repeat_days,
                _db(plan.recap_due),
                stamp,
            ),
        )
    await conn.executemany(
        "INSERT INTO sessions_held (user_id, happened_at) VALUES (?, ?)",
        [(user_id, instant_to_db(held)) for held in data.sessions_held],
    )


async def counts(conn: aiosqlite.Connection, user_id: int) -> Counts | None:
    """How much is stored about the person (None if nothing at all)."""
    row = await fetch_one(
        conn,
        "SELECT admitted,"
        " (SELECT count(*) FROM entries WHERE user_id = :id) AS entries,"
        " (SELECT count(*) FROM moods WHERE user_id = :id) AS moods,"
        " (SELECT count(*) FROM reminders WHERE user_id = :id) AS reminders,"
        " (SELECT count(*) FROM deliveries WHERE user_id = :id) AS deliveries,"
        " (SELECT count(*) FROM sessions_held WHERE user_id = :id)"
        "   + (SELECT count(*) FROM session_plans WHERE user_id = :id) AS sessions"
        " FROM people WHERE user_id = :id",
        {"id": user_id},
    )
    if row is None:
        return None
    return Counts(
        entries=row["entries"],
        moods=row["moods"],
        reminders=row["reminders"],
        deliveries=row["deliveries"],
        sessions=row["sessions"],
        admitted=bool(row["admitted"]),
    )


# The key that marks the inbox row of the press that confirmed an erasure (see erase()).
ERASE_MARK = "between_erased"


async def erase(
    conn: aiosqlite.Connection,
    user_id: int,
    *,
    confirmed_by: tuple[int, dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> bool:
    """Erase every row about the person; False if there was no record of them.

    Deleting the people row cascades to every table in PERSONAL_TABLES (foreign_keys is on).
    The inbox rows of their private chat (whose id is their user id) go too: a pending or
    failed update still holds what they wrote.

    ``confirmed_by`` is (update id, replay payload) of the press that confirmed the erasure,
    when it came through the inbox. Then the inbox keeps the ids of the chat's earlier updates
    (done, without payload or chat), so that Telegram sending one again after a crash is
    recognised and cannot bring back what it held. The press's own row stays pending, without
    its chat, holding only ``replay`` (which must hold nothing of the person's but their id)
    marked with ERASE_MARK: a crash before the person is told still ends in telling them
    (:func:`erased_by`). Later updates of the chat are new, and stay.
    """
    cur = await conn.execute("DELETE FROM people WHERE user_id = ?", (user_id,))
    if confirmed_by is None:
        await inbox.forget_chat(conn, user_id)
        return cur.rowcount == 1
    update_id, replay = confirmed_by
    assert now is not None, "erasing with a confirming update needs the time"
    await conn.execute(
        "UPDATE inbox SET state = 'done', payload = NULL, chat_id = NULL,"
        " done_at = coalesce(done_at, ?) WHERE chat_id = ? AND update_id < ?",
        (instant_to_db(now), user_id, update_id),
    )
    await conn.execute(
        "UPDATE inbox SET payload = ?, chat_id = NULL"
        " WHERE update_id = ? AND chat_id = ? AND state != 'done'",
        (json.dumps({**replay, ERASE_MARK: user_id}, ensure_ascii=False), update_id, user_id),
    )
    return cur.rowcount == 1


async def erased_by(conn: aiosqlite.Connection, user_id: int, update_id: int) -> bool:
    """Whether ``update_id`` is the press that erased the person, not finished yet (its answer
    may never have gone out: the process died after the erasure committed)."""
    row = await fetch_one(
        conn,
        f"SELECT 1 FROM inbox WHERE update_id = ? AND json_extract(payload, '$.{ERASE_MARK}') = ?",
        (update_id, user_id),
    )
    return row is not None
