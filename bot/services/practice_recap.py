"""The recap's "What I practised": each practice in the person's words with what came back to it
under it, and each experiment as prediction -> what happened -> what I learned, in order, dated.

The answers shown here are filed under their practice or experiment: :func:`gather` returns
their entry ids so the recap leaves them out of the ordinary sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store import practice as store
from bot.store.codec import instant_from_db


@dataclass(frozen=True)
class Step:
    """Something that came back to a practice: answered (``texts``), or "didn't get to it"."""

    at: datetime
    texts: tuple[str, ...]
    not_yet: bool = False


@dataclass(frozen=True)
class PractisedItem:
    """A practice ('practice') or an experiment ('experiment') as the recap shows it."""

    kind: str
    at: datetime
    text: str  # the practice, or what the person tried
    state: str = "open"  # a practice: open, done, let_go
    closed_at: datetime | None = None
    steps: tuple[Step, ...] = ()
    expect: str | None = None
    sure: int | None = None
    happened: tuple[str, ...] = ()
    happened_at: datetime | None = None
    not_yet: bool = False
    learned: str | None = None


async def gather(
    conn: aiosqlite.Connection, user_id: int, start: datetime, end: datetime
) -> tuple[tuple[PractisedItem, ...], frozenset[int]]:
    """What the recap for [start, end] shows of practice, and the entry ids it shows.

    A practice shows while it is open, or when it was set, came back or closed in the window;
    an experiment while it has no outcome, or when it was set up or came out in the window.
    """
    practices = [p for p in await store.all_practices(conn, user_id) if p.created_at <= end]
    experiments = [
        e for e in await store.all_experiments(conn, user_id) if e.created_at <= end and e.try_text
    ]
    asked = await store.all_asked(conn, user_id)
    texts: dict[int, list[tuple[datetime, int, str]]] = {}
    for row in await store.answers(conn, user_id):
        written = instant_from_db(row["written_at"])
        assert written is not None
        if written <= end and row["text"]:
            texts.setdefault(row["delivery_id"], []).append((written, row["id"], row["text"]))
    shown: set[int] = set()
    items: list[PractisedItem] = []

    def answered(delivery_id: int) -> tuple[tuple[str, ...], datetime | None]:
        found = texts.get(delivery_id, [])
        shown.update(entry_id for _, entry_id, _ in found)
        return tuple(text for _, _, text in found), (found[0][0] if found else None)

    for practice in practices:
        steps = []
        for question in asked:
            if question.practice_id != practice.id:
                continue
            said, at = answered(question.delivery_id)
            if question.outcome == "not_yet" and question.outcome_at is not None:
                steps.append(Step(question.outcome_at, said, not_yet=True))
            elif said and at is not None:
                steps.append(Step(at, said))
        moments = [practice.created_at, *(s.at for s in steps)] + (
            [practice.closed_at] if practice.closed_at else []
        )
        if practice.state != "open" and not any(start <= m <= end for m in moments):
            continue
        items.append(
            PractisedItem(
                "practice",
                practice.created_at,
                practice.text,
                state=practice.state,
                closed_at=practice.closed_at,
                steps=tuple(sorted(steps, key=lambda s: s.at)),
            )
        )
    for experiment in experiments:
        outcome_question = next((q for q in asked if q.experiment_id == experiment.id), None)
        said, at = answered(outcome_question.delivery_id) if outcome_question else ((), None)
        not_yet = bool(outcome_question and outcome_question.outcome == "not_yet")
        finished = bool(said) or not_yet
        if finished and not any(m is not None and start <= m <= end for m in (experiment.created_at, at)):
            continue
        items.append(
            PractisedItem(
                "experiment",
                experiment.created_at,
                experiment.try_text or "",
                expect=experiment.expect_text,
                sure=experiment.sure,
                happened=said,
                happened_at=at,
                not_yet=not_yet,
                learned=experiment.learned,
            )
        )
    # The practice's own answer is shown as the practice.
    for practice in practices:
        if practice.delivery_id is not None:
            shown.update(await _source_entries(conn, user_id, practice.id))
    return tuple(sorted(items, key=lambda i: i.at)), frozenset(shown)


async def _source_entries(conn: aiosqlite.Connection, user_id: int, practice_id: int) -> list[int]:
    """The answers the practice was made of: the one it came from, or, once a second message
    joined it, each answer to its question whose words are a line of the practice."""
    async with conn.execute(
        "SELECT entry_id FROM practices WHERE id = :id AND user_id = :user AND entry_id IS NOT NULL"
        " UNION SELECT e.id FROM practices AS p JOIN entries AS e"
        "  ON e.user_id = p.user_id AND e.delivery_id = p.delivery_id"
        " WHERE p.id = :id AND p.user_id = :user AND p.entry_id IS NULL AND e.text IS NOT NULL"
        "  AND instr(char(10) || p.text || char(10), char(10) || trim(e.text) || char(10)) > 0",
        {"id": practice_id, "user": user_id},
    ) as cur:
        return [row[0] for row in await cur.fetchall()]


def view(
    items: tuple[PractisedItem, ...], day: Callable[[datetime], dict[str, Any]], text: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The section as plain data for the recap templates (``day`` dates an instant, ``text``
    transforms stored text for the file format)."""
    return [
        {
            "kind": item.kind,
            "date": day(item.at),
            "text": text(item.text),
            "state": item.state,
            "closed": day(item.closed_at) if item.closed_at else None,
            "steps": [
                {"date": day(s.at), "texts": [text(t) for t in s.texts], "not_yet": s.not_yet}
                for s in item.steps
            ],
            "expect": text(item.expect) if item.expect else None,
            "sure": item.sure,
            "happened": [text(t) for t in item.happened],
            "happened_date": day(item.happened_at) if item.happened_at else None,
            "not_yet": item.not_yet,
            "learned": text(item.learned) if item.learned else None,
        }
        for item in items
    ]
