"""Everything stored about one person, read whole, written whole, or erased whole.

This is the only place that knows every table holding personal data (tests/test_export.py checks
that against the schema, so a new table cannot be forgotten). Rows leave and enter without their
internal ids: reminders and deliveries are referred to by their position in a deterministic order,
so the same data imported into another database reads back identically.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.store import inbox, practice_export
from bot.store import safety_plan as safety_plans
from bot.store.codec import instant_to_db
from bot.store.db import fetch_all, fetch_one
from bot.store.reminders import NEVER, days_to_mask, mask_to_days
from bot.store.wellbeing import WellbeingData, export_data, snapshot_data
from bot.store.wellbeing import insert as insert_wellbeing

# Tables with a row per person (or per person and thing) that /delete must erase and /export must
# carry. Each references people (user_id) with ON DELETE CASCADE.
PERSONAL_TABLES = (
    "reminders", "deliveries", "entries", "moods", "session_plans", "sessions_held", "conversations",
    *practice_export.TABLES,
    "safety_plan_steps", "safety_plan_offers",
    "wellbeing_scores", "wellbeing_offers",
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
    practice: practice_export.PracticeData = practice_export.PracticeData()
    safety_plan: safety_plans.PlanRecord | None = None  # export version 2
    wellbeing: WellbeingData = field(default_factory=WellbeingData)  # WHO-5 (store/wellbeing.py)

    @property
    def empty(self) -> bool:
        """True when nothing but the person's own row exists (nothing written, nothing planned)."""
        return self.wellbeing.empty and not (
            self.practice
            or self.reminders
            or self.deliveries
            or self.entries
            or self.moods
            or self.session_plan
            or self.sessions_held
            or self.safety_plan
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
    wellbeing: int = 0  # WHO-5 check-ins
    practices: int = 0  # practices between sessions
    experiments: int = 0  # small experiments
    safety_plan: int = 0  # steps of the safety plan written


def _at(text: str) -> datetime:
    """A stored instant (codec.py's format) as an aware UTC datetime; fromisoformat reads it
    several times faster than strptime, which counts with tens of thousands of rows."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _maybe(text: str | None) -> datetime | None:
    return _at(text) if text is not None else None


def _db(instant: datetime | None) -> str | None:
    return instant_to_db(instant) if instant is not None else None


# The reads, shared by load() (everything at once) and Snapshot (row by row). Orders are by time
# with the row id as the last tie-breaker, so an import (which inserts in this order, getting
# increasing ids) reads back in the same order. A delivery names its reminder, and an entry its
# delivery, by position in these orders, never by row id.
_PERSON = "SELECT * FROM people WHERE user_id = :id"
_REMINDERS = "SELECT * FROM reminders WHERE user_id = :id ORDER BY at, days DESC, id"
_REMINDER_IDS = "SELECT id FROM reminders WHERE user_id = :id ORDER BY at, days DESC, id"
_DELIVERIES = "SELECT * FROM deliveries WHERE user_id = :id {where}ORDER BY {order}created_at, due_at, id"
_DELIVERY_IDS = "SELECT id FROM deliveries WHERE user_id = :id ORDER BY created_at, due_at, id"
_ENTRIES = "SELECT * FROM entries WHERE user_id = :id ORDER BY written_at, message_id, id"
_MOODS = "SELECT score, logged_at FROM moods WHERE user_id = :id ORDER BY logged_at, id"
_PLAN = "SELECT * FROM session_plans WHERE user_id = :id"
_HELD = "SELECT happened_at FROM sessions_held WHERE user_id = :id ORDER BY happened_at, id"

Positions = dict[int, int]  # row id -> position in the export's order


def _positions(rows: Iterable[sqlite3.Row]) -> Positions:
    return {row["id"]: position for position, row in enumerate(rows)}


def _person(row: sqlite3.Row) -> PersonRecord:
    return PersonRecord(
        language_code=row["language_code"],
        zone=row["zone"],
        created_at=_at(row["created_at"]),
        paused_until=_maybe(row["paused_until"]),
        paused_indefinitely=bool(row["paused_indefinitely"]),
        active=bool(row["active"]),
        practice_due=bool(row["practice_due"]),
        admitted=bool(row["admitted"]),
        mood_with_prompts=bool(row["mood_with_prompts"]),
    )


def _reminder(row: sqlite3.Row) -> ReminderRecord:
    return ReminderRecord(row["at"], mask_to_days(row["days"]), _at(row["created_at"]))


def _delivery(row: sqlite3.Row, reminders: Positions) -> DeliveryRecord:
    return DeliveryRecord(
        reminder=reminders.get(row["reminder_id"]),
        kind=row["kind"],
        due_at=_at(row["due_at"]),
        prompt_id=row["prompt_id"],
        state=row["state"],
        created_at=_at(row["created_at"]),
        sent_at=_maybe(row["sent_at"]),
    )


def _entry(row: sqlite3.Row, deliveries: Positions) -> EntryRecord:
    return EntryRecord(
        delivery=deliveries.get(row["delivery_id"]),
        prompt_id=row["prompt_id"],
        kind=row["kind"],
        text=row["text"],
        first_text=row["first_text"],
        file_id=row["file_id"],
        written_at=_at(row["written_at"]),
        edited_at=_maybe(row["edited_at"]),
        bring=bool(row["bring"]),
        discussed_at=_maybe(row["discussed_at"]),
    )


def _mood(row: sqlite3.Row) -> MoodRecord:
    return MoodRecord(row["score"], _at(row["logged_at"]))


def _plan(row: sqlite3.Row) -> SessionPlanRecord:
    return SessionPlanRecord(
        next_at=_at(row["next_at"]),
        local_time=row["local_time"],
        repeat_days=row["repeat_days"],
        recap_due=_maybe(row["recap_due"]),
    )


async def _rows(conn: aiosqlite.Connection, sql: str, user_id: int) -> list[aiosqlite.Row]:
    return list(await fetch_all(conn, sql, {"id": user_id}))


async def load(conn: aiosqlite.Connection, user_id: int) -> PersonData | None:
    """Read everything about the person at once (None if Between has no record of them).

    For a person with a lot written, :class:`Snapshot` reads the same row by row.
    """
    rows = await _rows(conn, _PERSON, user_id)
    if not rows:
        return None
    plans = await _rows(conn, _PLAN, user_id)
    reminders = await _rows(conn, _REMINDERS, user_id)
    deliveries = await _rows(conn, _DELIVERIES.format(where="", order=""), user_id)
    reminder_pos, delivery_pos = _positions(reminders), _positions(deliveries)
    return PersonData(
        person=_person(rows[0]),
        reminders=tuple(map(_reminder, reminders)),
        deliveries=tuple(_delivery(row, reminder_pos) for row in deliveries),
        entries=tuple(_entry(row, delivery_pos) for row in await _rows(conn, _ENTRIES, user_id)),
        moods=tuple(map(_mood, await _rows(conn, _MOODS, user_id))),
        session_plan=_plan(plans[0]) if plans else None,
        sessions_held=tuple(_at(h["happened_at"]) for h in await _rows(conn, _HELD, user_id)),
        practice=await practice_export.load(conn, user_id, delivery_pos),
        safety_plan=await safety_plans.record(conn, user_id),
        wellbeing=await export_data(conn, user_id),
    )


class Snapshot:
    """One person's data read row by row, in one read transaction on a connection of its own.

    For the export in a worker thread: the event loop and the bot's connection never wait for
    it, and no more than a row of each list is in memory at a time. Open with :func:`snapshot`.
    """

    def __init__(self, conn: sqlite3.Connection, user_id: int) -> None:
        self._conn = conn
        self._id = {"id": user_id}

    def _each(self, sql: str) -> Iterator[sqlite3.Row]:
        yield from self._conn.execute(sql, self._id)

    def _first(self, sql: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, self._id).fetchone()
        return row

    def person(self) -> PersonRecord | None:
        """The person's own row (None: Between has no record of them). Read it first: the
        transaction's view of the database is fixed by its first read."""
        row = self._first(_PERSON)
        return _person(row) if row is not None else None

    def empty(self) -> bool:
        """Nothing but the person's own row (see PersonData.empty)."""
        tables = (
            "reminders", "deliveries", "entries", "moods", "session_plans", "sessions_held", "practices",
            "experiments", "safety_plan_steps", "safety_plan_offers",
            "wellbeing_scores", "wellbeing_offers",
        )  # fmt: skip
        found = " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE user_id = :id)" for table in tables)
        row = self._first(f"SELECT {found}")
        return row is None or not row[0]

    def reminders(self) -> tuple[ReminderRecord, ...]:
        return tuple(map(_reminder, self._each(_REMINDERS)))

    def deliveries(self, *, sent_only: bool = False) -> Iterator[DeliveryRecord]:
        """In the export's order; ``sent_only``: those that reached the person, by when."""
        if sent_only:
            sql = _DELIVERIES.format(where="AND sent_at IS NOT NULL ", order="sent_at, ")
        else:
            sql = _DELIVERIES.format(where="", order="")
        reminders = _positions(self._each(_REMINDER_IDS))
        return (_delivery(row, reminders) for row in self._each(sql))

    def unsent(self) -> int:
        """How many deliveries never reached the person."""
        row = self._first("SELECT count(*) FROM deliveries WHERE user_id = :id AND sent_at IS NULL")
        return row[0] if row is not None else 0

    def entries(self) -> Iterator[EntryRecord]:
        # The one thing held whole: a row id and a position per delivery (a few MB at most).
        deliveries = _positions(self._each(_DELIVERY_IDS))
        return (_entry(row, deliveries) for row in self._each(_ENTRIES))

    def moods(self) -> Iterator[MoodRecord]:
        return map(_mood, self._each(_MOODS))

    def session_plan(self) -> SessionPlanRecord | None:
        row = self._first(_PLAN)
        return _plan(row) if row is not None else None

    def sessions_held(self) -> Iterator[datetime]:
        return (_at(row["happened_at"]) for row in self._each(_HELD))

    def practice(self) -> practice_export.PracticeData:
        return practice_export.read(self._each, _positions(self._each(_DELIVERY_IDS)))

    def safety_plan(self) -> safety_plans.PlanRecord | None:
        steps = self._each(safety_plans.STEPS_SQL)
        return safety_plans.record_from_rows(steps, self._first(safety_plans.OFFER_SQL))

    def wellbeing(self) -> WellbeingData:
        return snapshot_data(self._conn, self._id["id"])


@contextmanager
def snapshot(path: str, user_id: int) -> Iterator[Snapshot]:
    """A :class:`Snapshot` of the person in the database file at ``path``. Blocking: call it in
    a worker thread, and use it there only.

    Its read transaction keeps a TRUNCATE checkpoint waiting (bot/services/erase.py retries).
    """
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        yield Snapshot(conn, user_id)
    finally:
        conn.close()  # ends the read transaction


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
    await practice_export.insert(conn, user_id, data.practice, delivery_ids)
    await safety_plans.insert_record(conn, user_id, data.safety_plan)
    await insert_wellbeing(conn, user_id, data.wellbeing)


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
        "   + (SELECT count(*) FROM session_plans WHERE user_id = :id) AS sessions,"
        " (SELECT count(*) FROM wellbeing_scores WHERE user_id = :id) AS wellbeing,"
        " (SELECT count(*) FROM practices WHERE user_id = :id) AS practices,"
        " (SELECT count(*) FROM experiments WHERE user_id = :id) AS experiments,"
        " (SELECT count(*) FROM safety_plan_steps WHERE user_id = :id) AS safety_plan"
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
        wellbeing=row["wellbeing"],
        practices=row["practices"],
        experiments=row["experiments"],
        safety_plan=row["safety_plan"],
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
