"""Queries about the WHO-5 check-in: scores (written once, when the fifth item is answered) and
whether and when the check-in is offered."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one


@dataclass(frozen=True)
class Score:
    """One completed check-in: the five answers (0-5 each) and when it was completed."""

    answers: tuple[int, ...]
    taken_at: datetime

    @property
    def raw(self) -> int:
        return sum(self.answers)


@dataclass(frozen=True)
class Offers:
    """Whether the check-in is offered to the person (both off until they turn them on)."""

    every_two_weeks: bool = False
    before_session: bool = False
    offered_at: datetime | None = None


def _score(row: aiosqlite.Row | sqlite3.Row) -> Score:
    taken = instant_from_db(row["taken_at"])
    assert taken is not None
    return Score(tuple(int(c) for c in row["answers"]), taken)


async def add(
    conn: aiosqlite.Connection, user_id: int, run: str, answers: tuple[int, ...], taken_at: datetime
) -> bool:
    """Store a completed check-in, once per run: False if that run was stored already."""
    cur = await conn.execute(
        "INSERT INTO wellbeing_scores (user_id, run, answers, raw, taken_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, run) DO NOTHING",
        (user_id, run, "".join(map(str, answers)), sum(answers), instant_to_db(taken_at)),
    )
    return cur.rowcount == 1


async def between(conn: aiosqlite.Connection, user_id: int, start: datetime, end: datetime) -> list[Score]:
    """The person's scores taken in [start, end], oldest first."""
    rows = await fetch_all(
        conn,
        "SELECT answers, taken_at FROM wellbeing_scores WHERE user_id = ? AND taken_at >= ?"
        " AND taken_at <= ? ORDER BY taken_at, id",
        (user_id, instant_to_db(start), instant_to_db(end)),
    )
    return [_score(row) for row in rows]


async def latest(
    conn: aiosqlite.Connection, user_id: int, *, before: str | None = None, until: datetime | None = None
) -> list[Score]:
    """The person's two latest scores, newest first (``before``: other than that run's;
    ``until``: taken no later than that)."""
    rows = await fetch_all(
        conn,
        "SELECT answers, taken_at FROM wellbeing_scores WHERE user_id = ? AND run IS NOT ?"
        " AND (? IS NULL OR taken_at <= ?) ORDER BY taken_at DESC, id DESC LIMIT 2",
        (user_id, before, *(2 * [instant_to_db(until) if until else None])),
    )
    return [_score(row) for row in rows]


async def by_run(conn: aiosqlite.Connection, user_id: int, run: str) -> Score | None:
    """The score of one check-in, None if it was not completed."""
    row = await fetch_one(
        conn, "SELECT answers, taken_at FROM wellbeing_scores WHERE user_id = ? AND run = ?", (user_id, run)
    )
    return _score(row) if row else None


async def all_scores(conn: aiosqlite.Connection, user_id: int) -> list[Score]:
    """Every score of the person, oldest first (for the export)."""
    rows = await fetch_all(
        conn,
        "SELECT answers, taken_at FROM wellbeing_scores WHERE user_id = ? ORDER BY taken_at, id",
        (user_id,),
    )
    return [_score(row) for row in rows]


async def offers(conn: aiosqlite.Connection, user_id: int) -> Offers:
    """The person's offer settings (both off when never set)."""
    row = await fetch_one(
        conn,
        "SELECT every_two_weeks, before_session, offered_at FROM wellbeing_offers WHERE user_id = ?",
        (user_id,),
    )
    if row is None:
        return Offers()
    return Offers(bool(row[0]), bool(row[1]), instant_from_db(row[2]))


async def set_offers(
    conn: aiosqlite.Connection,
    user_id: int,
    *,
    every_two_weeks: bool,
    before_session: bool,
    offered_at: datetime | None = None,
) -> None:
    """Turn the offers on or off (``offered_at`` only when restoring an export)."""
    await conn.execute(
        "INSERT INTO wellbeing_offers (user_id, every_two_weeks, before_session, offered_at)"
        " VALUES (:user, :every, :before, :offered)"
        " ON CONFLICT (user_id) DO UPDATE SET every_two_weeks = :every, before_session = :before",
        {
            "user": user_id,
            "every": int(every_two_weeks),
            "before": int(before_session),
            "offered": instant_to_db(offered_at) if offered_at else None,
        },
    )


async def claim_offer(
    conn: aiosqlite.Connection, user_id: int, now: datetime, *, last_before: datetime
) -> bool:
    """Record an offer at ``now`` if none was made and no score taken after ``last_before``:
    one conditional statement, so two wake-ups can never both offer. True if this one did."""
    cur = await conn.execute(
        "UPDATE wellbeing_offers SET offered_at = :now WHERE user_id = :user"
        " AND (offered_at IS NULL OR offered_at <= :last)"
        " AND NOT EXISTS (SELECT 1 FROM wellbeing_scores AS s WHERE s.user_id = :user"
        "   AND s.taken_at > :last)",
        {"user": user_id, "now": instant_to_db(now), "last": instant_to_db(last_before)},
    )
    return cur.rowcount == 1


async def restore_offer(conn: aiosqlite.Connection, user_id: int, offered_at: datetime | None) -> None:
    """Put back the offer time an offer that could not be sent replaced."""
    await conn.execute(
        "UPDATE wellbeing_offers SET offered_at = ? WHERE user_id = ?",
        (instant_to_db(offered_at) if offered_at else None, user_id),
    )


async def insert_scores(conn: aiosqlite.Connection, user_id: int, scores: list[Score]) -> None:
    """Write imported scores (each its own run)."""
    await conn.executemany(
        "INSERT INTO wellbeing_scores (user_id, run, answers, raw, taken_at) VALUES (?, ?, ?, ?, ?)",
        [
            (user_id, f"import-{i}", "".join(map(str, s.answers)), s.raw, instant_to_db(s.taken_at))
            for i, s in enumerate(scores)
        ],
    )


@dataclass(frozen=True)
class WellbeingData:
    """Everything about one person's check-ins, for the export and an import."""

    offers: Offers = field(default_factory=Offers)
    scores: tuple[Score, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.scores and self.offers == Offers()


_EXPORT_SCORES = "SELECT answers, taken_at FROM wellbeing_scores WHERE user_id = :id ORDER BY taken_at, id"
_EXPORT_OFFERS = (
    "SELECT every_two_weeks, before_session, offered_at FROM wellbeing_offers WHERE user_id = :id"
)


def _offers_row(row: sqlite3.Row | aiosqlite.Row | None) -> Offers:
    return Offers(bool(row[0]), bool(row[1]), instant_from_db(row[2])) if row else Offers()


async def export_data(conn: aiosqlite.Connection, user_id: int) -> WellbeingData:
    """The person's check-ins and offer settings, at once."""
    scores = await fetch_all(conn, _EXPORT_SCORES, {"id": user_id})
    row = await fetch_one(conn, _EXPORT_OFFERS, {"id": user_id})
    return WellbeingData(_offers_row(row), tuple(map(_score, scores)))


def snapshot_data(conn: sqlite3.Connection, user_id: int) -> WellbeingData:
    """The same inside an export's snapshot (a blocking connection in a worker thread)."""
    scores = conn.execute(_EXPORT_SCORES, {"id": user_id}).fetchall()
    row = conn.execute(_EXPORT_OFFERS, {"id": user_id}).fetchone()
    return WellbeingData(_offers_row(row), tuple(map(_score, scores)))


async def insert(conn: aiosqlite.Connection, user_id: int, data: WellbeingData) -> None:
    """Write an imported person's check-ins and offer settings."""
    if data.offers != Offers():
        await set_offers(
            conn,
            user_id,
            every_two_weeks=data.offers.every_two_weeks,
            before_session=data.offers.before_session,
            offered_at=data.offers.offered_at,
        )
    await insert_scores(conn, user_id, list(data.scores))
