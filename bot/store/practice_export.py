"""Practice rows leaving and entering a database whole, without their row ids (as
bot/store/export.py does for the rest): practices and experiments by position, questions by the
position of their delivery. The same SQL serves the async read and the export's worker thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.store.codec import instant_to_db
from bot.store.db import fetch_all

TABLES = ("practices", "experiments", "practice_questions")


@dataclass(frozen=True)
class PracticeRecord:
    text: str
    state: str
    created_at: datetime
    closed_at: datetime | None
    asked_by: int | None  # position of the question (delivery) it answered


@dataclass(frozen=True)
class ExperimentRecord:
    try_text: str | None
    expect_text: str | None
    sure: int | None
    check_at: datetime | None
    asked_at: datetime | None
    learned: str | None
    created_at: datetime


@dataclass(frozen=True)
class QuestionRecord:
    delivery: int  # position in PersonData.deliveries
    prompt_id: str
    kind: str  # checkin, outcome
    practice: int | None  # position in PracticeData.practices
    experiment: int | None  # position in PracticeData.experiments
    outcome: str | None
    outcome_at: datetime | None


@dataclass(frozen=True)
class PracticeData:
    practices: tuple[PracticeRecord, ...] = field(default=())
    experiments: tuple[ExperimentRecord, ...] = field(default=())
    questions: tuple[QuestionRecord, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.practices or self.experiments or self.questions)


_PRACTICES = (
    "SELECT p.id, coalesce(e.text, p.text) AS text, p.state, p.created_at, p.closed_at, p.delivery_id"
    " FROM practices AS p LEFT JOIN entries AS e ON e.id = p.entry_id WHERE p.user_id = :id ORDER BY p.id"
)
_EXPERIMENTS = "SELECT * FROM experiments WHERE user_id = :id ORDER BY id"
_QUESTIONS = "SELECT * FROM practice_questions WHERE user_id = :id ORDER BY delivery_id"


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text is not None else None


def _build(
    practices: Iterable[Any],
    experiments: Iterable[Any],
    questions: Iterable[Any],
    deliveries: Mapping[int, int],
) -> PracticeData:
    practice_rows, experiment_rows = list(practices), list(experiments)
    practice_pos = {row["id"]: n for n, row in enumerate(practice_rows)}
    experiment_pos = {row["id"]: n for n, row in enumerate(experiment_rows)}
    return PracticeData(
        practices=tuple(
            PracticeRecord(
                text=row["text"],
                state=row["state"],
                created_at=_at(row["created_at"]) or datetime.min.replace(tzinfo=UTC),
                closed_at=_at(row["closed_at"]),
                asked_by=deliveries.get(row["delivery_id"]) if row["delivery_id"] is not None else None,
            )
            for row in practice_rows
        ),
        experiments=tuple(
            ExperimentRecord(
                try_text=row["try_text"],
                expect_text=row["expect_text"],
                sure=row["sure"],
                check_at=_at(row["check_at"]),
                asked_at=_at(row["asked_at"]),
                learned=row["learned"],
                created_at=_at(row["created_at"]) or datetime.min.replace(tzinfo=UTC),
            )
            for row in experiment_rows
        ),
        questions=tuple(
            QuestionRecord(
                delivery=deliveries[row["delivery_id"]],
                prompt_id=row["prompt_id"],
                kind=row["kind"],
                practice=practice_pos.get(row["practice_id"]) if row["practice_id"] is not None else None,
                experiment=experiment_pos.get(row["experiment_id"])
                if row["experiment_id"] is not None
                else None,
                outcome=row["outcome"],
                outcome_at=_at(row["outcome_at"]),
            )
            for row in questions
        ),
    )


async def load(conn: aiosqlite.Connection, user_id: int, deliveries: Mapping[int, int]) -> PracticeData:
    """The person's practice data; ``deliveries`` maps delivery row ids to export positions."""
    params = {"id": user_id}
    return _build(
        await fetch_all(conn, _PRACTICES, params),
        await fetch_all(conn, _EXPERIMENTS, params),
        await fetch_all(conn, _QUESTIONS, params),
        deliveries,
    )


def read(each: Callable[[str], Iterable[sqlite3.Row]], deliveries: Mapping[int, int]) -> PracticeData:
    """The same, in the export's worker thread (``each`` runs a query for the person)."""
    return _build(each(_PRACTICES), each(_EXPERIMENTS), each(_QUESTIONS), deliveries)


def _db(value: datetime | None) -> str | None:
    return instant_to_db(value) if value is not None else None


async def insert(
    conn: aiosqlite.Connection, user_id: int, data: PracticeData, delivery_ids: list[int]
) -> None:
    """Write a person's practice data (after their deliveries, whose new ids are given)."""
    practice_ids, experiment_ids = [], []
    for p in data.practices:
        cur = await conn.execute(
            "INSERT INTO practices (user_id, text, delivery_id, state, created_at, closed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                user_id,
                p.text,
                delivery_ids[p.asked_by] if p.asked_by is not None else None,
                p.state,
                instant_to_db(p.created_at),
                _db(p.closed_at),
            ),
        )
        practice_ids.append(cur.lastrowid)
    for e in data.experiments:
        cur = await conn.execute(
            "INSERT INTO experiments (user_id, try_text, expect_text, sure, check_at, asked_at, learned,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                e.try_text,
                e.expect_text,
                e.sure,
                _db(e.check_at),
                _db(e.asked_at),
                e.learned,
                instant_to_db(e.created_at),
            ),
        )
        experiment_ids.append(cur.lastrowid)
    for q in data.questions:
        await conn.execute(
            "INSERT INTO practice_questions (delivery_id, user_id, prompt_id, kind, practice_id,"
            " experiment_id, outcome, outcome_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                delivery_ids[q.delivery],
                user_id,
                q.prompt_id,
                q.kind,
                practice_ids[q.practice] if q.practice is not None else None,
                experiment_ids[q.experiment] if q.experiment is not None else None,
                q.outcome,
                _db(q.outcome_at),
            ),
        )
