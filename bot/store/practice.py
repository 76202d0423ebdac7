"""Queries about practice between sessions: intentions (practices), small experiments, and the
questions that came back to them (migrations/0012_practice.sql). Every query names the person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one


@dataclass(frozen=True)
class Practice:
    """An intention in the person's words (those of the answer it came from, as edited)."""

    id: int
    user_id: int
    text: str
    state: str  # open, done, let_go
    created_at: datetime
    closed_at: datetime | None
    delivery_id: int | None


@dataclass(frozen=True)
class Experiment:
    id: int
    user_id: int
    try_text: str | None
    expect_text: str | None
    sure: int | None
    check_at: datetime | None
    asked_at: datetime | None
    learned: str | None
    created_at: datetime


@dataclass(frozen=True)
class Asked:
    """A question that came back to a practice ('checkin') or an experiment ('outcome')."""

    delivery_id: int
    prompt_id: str
    kind: str
    practice_id: int | None
    experiment_id: int | None
    outcome: str | None
    outcome_at: datetime | None
    sent_at: datetime | None


@dataclass(frozen=True)
class Recent:
    """One of the person's latest questions, and whether it came back to a practice."""

    delivery_id: int
    sent_at: datetime
    kind: str | None  # checkin, outcome, or None for any other question
    practice_id: int | None


_PRACTICE = (
    "SELECT p.id, p.user_id, coalesce(e.text, p.text) AS text, p.state, p.created_at, p.closed_at,"
    " p.delivery_id FROM practices AS p LEFT JOIN entries AS e ON e.id = p.entry_id"
)


def _practice(row: aiosqlite.Row) -> Practice:
    created = instant_from_db(row["created_at"])
    assert created is not None
    return Practice(
        id=row["id"],
        user_id=row["user_id"],
        text=row["text"],
        state=row["state"],
        created_at=created,
        closed_at=instant_from_db(row["closed_at"]),
        delivery_id=row["delivery_id"],
    )


def _experiment(row: aiosqlite.Row) -> Experiment:
    created = instant_from_db(row["created_at"])
    assert created is not None
    return Experiment(
        id=row["id"],
        user_id=row["user_id"],
        try_text=row["try_text"],
        expect_text=row["expect_text"],
        sure=row["sure"],
        check_at=instant_from_db(row["check_at"]),
        asked_at=instant_from_db(row["asked_at"]),
        learned=row["learned"],
        created_at=created,
    )


def _asked(row: aiosqlite.Row) -> Asked:
    return Asked(
        delivery_id=row["delivery_id"],
        prompt_id=row["prompt_id"],
        kind=row["kind"],
        practice_id=row["practice_id"],
        experiment_id=row["experiment_id"],
        outcome=row["outcome"],
        outcome_at=instant_from_db(row["outcome_at"]),
        sent_at=instant_from_db(row["sent_at"]),
    )


# --- practices ------------------------------------------------------------------------------


async def add_practice(
    conn: aiosqlite.Connection,
    user_id: int,
    text: str,
    now: datetime,
    *,
    entry_id: int | None = None,
    delivery_id: int | None = None,
) -> int | None:
    """A new open practice; None when the question ``delivery_id`` already made one."""
    row = await fetch_one(
        conn,
        "INSERT INTO practices (user_id, text, entry_id, delivery_id, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (delivery_id) DO NOTHING RETURNING id",
        (user_id, text, entry_id, delivery_id, instant_to_db(now)),
    )
    return row[0] if row else None


async def join_practice(conn: aiosqlite.Connection, user_id: int, delivery_id: int, text: str) -> bool:
    """Another message answering the question that made a practice: its words join the
    practice's, on a line of their own (once: False if they are there already, or no practice
    came from that question). The joined words are the practice's own from then on."""
    row = await fetch_one(
        conn,
        "UPDATE practices SET text = shown || char(10) || :text, entry_id = NULL FROM ("
        "  SELECT p.id AS pid, coalesce(e.text, p.text) AS shown FROM practices AS p"
        "  LEFT JOIN entries AS e ON e.id = p.entry_id WHERE p.user_id = :user AND p.delivery_id = :delivery"
        ") WHERE practices.id = pid"
        " AND instr(char(10) || shown || char(10), char(10) || :text || char(10)) = 0 RETURNING id",
        {"user": user_id, "delivery": delivery_id, "text": text},
    )
    return row is not None


async def practice(conn: aiosqlite.Connection, user_id: int, practice_id: int) -> Practice | None:
    row = await fetch_one(conn, _PRACTICE + " WHERE p.user_id = ? AND p.id = ?", (user_id, practice_id))
    return _practice(row) if row else None


async def open_practices(conn: aiosqlite.Connection, user_id: int) -> list[Practice]:
    """The person's open practices, oldest first."""
    rows = await fetch_all(
        conn, _PRACTICE + " WHERE p.user_id = ? AND p.state = 'open' ORDER BY p.id", (user_id,)
    )
    return [_practice(row) for row in rows]


async def all_practices(conn: aiosqlite.Connection, user_id: int) -> list[Practice]:
    rows = await fetch_all(conn, _PRACTICE + " WHERE p.user_id = ? ORDER BY p.id", (user_id,))
    return [_practice(row) for row in rows]


async def close_practice(
    conn: aiosqlite.Connection, user_id: int, practice_id: int, state: str, now: datetime
) -> bool:
    """Mark an open practice done or let go; False if it is not open (or not theirs)."""
    cur = await conn.execute(
        "UPDATE practices SET state = ?, closed_at = ? WHERE id = ? AND user_id = ? AND state = 'open'",
        (state, instant_to_db(now), practice_id, user_id),
    )
    return cur.rowcount == 1


# --- experiments ----------------------------------------------------------------------------


async def add_experiment(conn: aiosqlite.Connection, user_id: int, now: datetime) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO experiments (user_id, created_at) VALUES (?, ?) RETURNING id",
        (user_id, instant_to_db(now)),
    )
    assert row is not None
    return int(row[0])


async def experiment(conn: aiosqlite.Connection, user_id: int, experiment_id: int) -> Experiment | None:
    row = await fetch_one(
        conn, "SELECT * FROM experiments WHERE user_id = ? AND id = ?", (user_id, experiment_id)
    )
    return _experiment(row) if row else None


async def all_experiments(conn: aiosqlite.Connection, user_id: int) -> list[Experiment]:
    rows = await fetch_all(conn, "SELECT * FROM experiments WHERE user_id = ? ORDER BY id", (user_id,))
    return [_experiment(row) for row in rows]


_EXPERIMENT_FIELDS = frozenset({"try_text", "expect_text", "sure", "check_at", "asked_at", "learned"})


async def set_experiment(
    conn: aiosqlite.Connection, user_id: int, experiment_id: int, field: str, value: object
) -> bool:
    """Set one field of an experiment; False if it is not the person's."""
    assert field in _EXPERIMENT_FIELDS
    stored = instant_to_db(value) if isinstance(value, datetime) else value
    cur = await conn.execute(
        f"UPDATE experiments SET {field} = ? WHERE id = ? AND user_id = ?",  # noqa: S608 - a known name
        (stored, experiment_id, user_id),
    )
    return cur.rowcount == 1


async def due_experiment(conn: aiosqlite.Connection, user_id: int, now: datetime) -> Experiment | None:
    """The oldest set-up experiment whose "how did it go?" may be asked now and never was."""
    row = await fetch_one(
        conn,
        "SELECT * FROM experiments WHERE user_id = ? AND check_at IS NOT NULL AND check_at <= ?"
        " AND asked_at IS NULL AND sure IS NOT NULL ORDER BY check_at, id LIMIT 1",
        (user_id, instant_to_db(now)),
    )
    return _experiment(row) if row else None


async def anything_open(conn: aiosqlite.Connection, user_id: int, now: datetime) -> bool:
    """Whether a question could come back to anything: an open practice, or an experiment whose
    question may go now (one statement, both answered from their indexes)."""
    row = await fetch_one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM practices WHERE user_id = :id AND state = 'open')"
        " OR EXISTS (SELECT 1 FROM experiments WHERE user_id = :id AND check_at IS NOT NULL"
        " AND check_at <= :now AND asked_at IS NULL AND sure IS NOT NULL)",
        {"id": user_id, "now": instant_to_db(now)},
    )
    return bool(row and row[0])


# --- the questions that came back ----------------------------------------------------------


async def link(
    conn: aiosqlite.Connection,
    user_id: int,
    delivery_id: int,
    prompt_id: str,
    *,
    practice_id: int | None = None,
    experiment_id: int | None = None,
) -> None:
    """Record that this question comes back to a practice, or asks how an experiment went."""
    kind = "checkin" if practice_id is not None else "outcome"
    await conn.execute(
        "INSERT INTO practice_questions (delivery_id, user_id, prompt_id, kind, practice_id, experiment_id)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO UPDATE SET prompt_id = excluded.prompt_id,"
        " kind = excluded.kind, practice_id = excluded.practice_id, experiment_id = excluded.experiment_id",
        (delivery_id, user_id, prompt_id, kind, practice_id, experiment_id),
    )


async def copy_link(conn: aiosqlite.Connection, from_delivery: int, to_delivery: int) -> None:
    """A snoozed question comes back to the same practice or experiment."""
    await conn.execute(
        "INSERT INTO practice_questions (delivery_id, user_id, prompt_id, kind, practice_id, experiment_id)"
        " SELECT ?, user_id, prompt_id, kind, practice_id, experiment_id FROM practice_questions"
        " WHERE delivery_id = ? ON CONFLICT (delivery_id) DO NOTHING",
        (to_delivery, from_delivery),
    )


_ASKED = "SELECT q.*, d.sent_at FROM practice_questions AS q JOIN deliveries AS d ON d.id = q.delivery_id"


async def asked(conn: aiosqlite.Connection, user_id: int, delivery_id: int) -> Asked | None:
    row = await fetch_one(conn, _ASKED + " WHERE q.user_id = ? AND q.delivery_id = ?", (user_id, delivery_id))
    return _asked(row) if row else None


async def all_asked(conn: aiosqlite.Connection, user_id: int) -> list[Asked]:
    """Every question that came back, oldest first."""
    rows = await fetch_all(conn, _ASKED + " WHERE q.user_id = ? ORDER BY q.delivery_id", (user_id,))
    return [_asked(row) for row in rows]


async def set_outcome(
    conn: aiosqlite.Connection, user_id: int, delivery_id: int, outcome: str, now: datetime
) -> bool:
    cur = await conn.execute(
        "UPDATE practice_questions SET outcome = ?, outcome_at = ? WHERE delivery_id = ? AND user_id = ?",
        (outcome, instant_to_db(now), delivery_id, user_id),
    )
    return cur.rowcount == 1


async def recent_questions(conn: aiosqlite.Connection, user_id: int, limit: int) -> list[Recent]:
    """The person's latest questions that reached them, newest first, with what they came back to
    (served by deliveries_user_sent)."""
    rows = await fetch_all(
        conn,
        "SELECT d.id, d.sent_at, q.kind, q.practice_id FROM deliveries AS d"
        " LEFT JOIN practice_questions AS q ON q.delivery_id = d.id AND q.prompt_id = d.prompt_id"
        " WHERE d.user_id = ? AND d.sent_at IS NOT NULL ORDER BY d.sent_at DESC, d.id DESC LIMIT ?",
        (user_id, limit),
    )
    result = []
    for row in rows:
        sent = instant_from_db(row["sent_at"])
        assert sent is not None
        result.append(Recent(row["id"], sent, row["kind"], row["practice_id"]))
    return result


async def answers(conn: aiosqlite.Connection, user_id: int) -> list[aiosqlite.Row]:
    """Every message answering a question that came back: (delivery_id, entry id, kind, text,
    written_at), in the order written."""
    return await fetch_all(
        conn,
        "SELECT q.delivery_id, e.id, e.kind, e.text, e.written_at FROM practice_questions AS q"
        " JOIN entries AS e ON e.delivery_id = q.delivery_id AND e.prompt_id = q.prompt_id"
        " WHERE q.user_id = ? AND e.user_id = ? ORDER BY e.written_at, e.id",
        (user_id, user_id),
    )
