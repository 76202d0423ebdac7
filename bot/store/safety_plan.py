"""Queries about the person's safety plan: its steps (docs/safety-plan.md), and the one offer to
make a plan after a crisis reply went to someone without one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.db import fetch_all, fetch_one


@dataclass(frozen=True)
class Step:
    """One step of the plan the person wrote something for."""

    step: int  # 1..7
    text: str
    updated_at: datetime


@dataclass(frozen=True)
class Offer:
    """The offer to make a plan: due since a crisis reply at ``crisis_at``; made at ``offered_at``."""

    crisis_at: datetime
    offered_at: datetime | None


async def steps(conn: aiosqlite.Connection, user_id: int) -> list[Step]:
    """The steps the person wrote something for, in plan order."""
    rows = await fetch_all(
        conn,
        "SELECT step, text, updated_at FROM safety_plan_steps WHERE user_id = ? ORDER BY step",
        (user_id,),
    )
    return [Step(row["step"], row["text"], _at(row["updated_at"])) for row in rows]


async def add(
    conn: aiosqlite.Connection, user_id: int, step: int, text: str, message_id: int | None, now: datetime
) -> bool:
    """Add ``text`` to a step (on a new line after what is there). Once per Telegram message:
    False if that message (or a later one) was added already."""
    cur = await conn.execute(
        "INSERT INTO safety_plan_steps (user_id, step, text, last_message_id, updated_at)"
        " VALUES (:user, :step, :text, :message, :now)"
        " ON CONFLICT (user_id, step) DO UPDATE SET text = text || char(10) || :text,"
        "   last_message_id = :message, updated_at = :now"
        " WHERE :message IS NULL OR last_message_id IS NULL OR last_message_id < :message",
        {"user": user_id, "step": step, "text": text, "message": message_id, "now": instant_to_db(now)},
    )
    return cur.rowcount == 1


async def replace(
    conn: aiosqlite.Connection, user_id: int, step: int, text: str, message_id: int | None, now: datetime
) -> bool:
    """Put ``text`` in place of what a step held. False for a message already taken."""
    cur = await conn.execute(
        "INSERT INTO safety_plan_steps (user_id, step, text, last_message_id, updated_at)"
        " VALUES (:user, :step, :text, :message, :now)"
        " ON CONFLICT (user_id, step) DO UPDATE SET text = :text,"
        "   last_message_id = :message, updated_at = :now"
        " WHERE :message IS NULL OR last_message_id IS NULL OR last_message_id < :message",
        {"user": user_id, "step": step, "text": text, "message": message_id, "now": instant_to_db(now)},
    )
    return cur.rowcount == 1


async def step_of_message(
    conn: aiosqlite.Connection, user_id: int, message_id: int
) -> tuple[int | None, bool]:
    """The step whose words the Telegram message ``message_id`` was the last one added to (None
    for none), and whether it may be an earlier message of some step (a step's last message came
    after it)."""
    row = await fetch_one(
        conn,
        "SELECT max(CASE WHEN last_message_id = :message THEN step END) AS step,"
        " max(last_message_id > :message) AS later"
        " FROM safety_plan_steps WHERE user_id = :user",
        {"user": user_id, "message": message_id},
    )
    if row is None:
        return None, False
    return (None if row["step"] is None else int(row["step"])), bool(row["later"])


async def erase(conn: aiosqlite.Connection, user_id: int) -> int:
    """Erase every step of the plan; how many there were."""
    cur = await conn.execute("DELETE FROM safety_plan_steps WHERE user_id = ?", (user_id,))
    return cur.rowcount


async def offer(conn: aiosqlite.Connection, user_id: int) -> Offer | None:
    row = await fetch_one(
        conn, "SELECT crisis_at, offered_at FROM safety_plan_offers WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return None
    return Offer(_at(row["crisis_at"]), instant_from_db(row["offered_at"]))


async def offer_pending(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Whether an offer waits to be made (a cheap read, on the way of every note)."""
    row = await fetch_one(
        conn, "SELECT 1 FROM safety_plan_offers WHERE user_id = ? AND offered_at IS NULL", (user_id,)
    )
    return row is not None


async def crisis_without_plan(conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
    """A crisis reply went to someone without a plan: an offer is due later (the first crisis
    counts; once the offer was made, nothing changes)."""
    await conn.execute(
        "INSERT INTO safety_plan_offers (user_id, crisis_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
        (user_id, instant_to_db(now)),
    )


async def mark_offered(conn: aiosqlite.Connection, user_id: int, now: datetime) -> bool:
    """The offer is made now; False if it was made before (exactly once)."""
    cur = await conn.execute(
        "UPDATE safety_plan_offers SET offered_at = ? WHERE user_id = ? AND offered_at IS NULL",
        (instant_to_db(now), user_id),
    )
    return cur.rowcount == 1


async def put_offer(
    conn: aiosqlite.Connection, user_id: int, crisis_at: datetime, offered_at: datetime | None
) -> None:
    """Store an offer as it was (an import)."""
    await conn.execute(
        "INSERT INTO safety_plan_offers (user_id, crisis_at, offered_at) VALUES (?, ?, ?)",
        (user_id, instant_to_db(crisis_at), instant_to_db(offered_at) if offered_at else None),
    )


def _at(text: str) -> datetime:
    instant = instant_from_db(text)
    assert instant is not None
    return instant


# --- the plan as exported and imported (bot/store/export.py, bot/services/export/safety_plan.py) ---


@dataclass(frozen=True)
class PlanRecord:
    """Everything of the safety plan about one person, id-free: the steps and the offer."""

    steps: tuple[Step, ...] = ()
    offer: Offer | None = None


STEPS_SQL = "SELECT step, text, updated_at FROM safety_plan_steps WHERE user_id = :id ORDER BY step"
OFFER_SQL = "SELECT crisis_at, offered_at FROM safety_plan_offers WHERE user_id = :id"


def record_from_rows(steps: Iterable[Any], offer: Any | None) -> PlanRecord | None:
    """The record read by :data:`STEPS_SQL` and :data:`OFFER_SQL`; None when there is nothing."""
    record = PlanRecord(
        tuple(Step(row["step"], row["text"], _at(row["updated_at"])) for row in steps),
        Offer(_at(offer["crisis_at"]), instant_from_db(offer["offered_at"])) if offer is not None else None,
    )
    return record if record.steps or record.offer else None


async def record(conn: aiosqlite.Connection, user_id: int) -> PlanRecord | None:
    steps = await fetch_all(conn, STEPS_SQL, {"id": user_id})
    return record_from_rows(steps, await fetch_one(conn, OFFER_SQL, {"id": user_id}))


async def insert_record(conn: aiosqlite.Connection, user_id: int, plan: PlanRecord | None) -> None:
    """Store an imported plan for a person who has none."""
    if plan is None:
        return
    await conn.executemany(
        "INSERT INTO safety_plan_steps (user_id, step, text, updated_at) VALUES (?, ?, ?, ?)",
        [(user_id, step.step, step.text, instant_to_db(step.updated_at)) for step in plan.steps],
    )
    if plan.offer is not None:
        await put_offer(conn, user_id, plan.offer.crisis_at, plan.offer.offered_at)
