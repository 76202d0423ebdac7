"""Queries about entries: what a person wrote, idempotent per (chat, message)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
from bot.store.conversations import open_question_sql
from bot.store.db import fetch_one


@dataclass(frozen=True)
class NewEntry:
    """A message to store, as read from Telegram."""

    user_id: int
    chat_id: int
    message_id: int
    kind: str
    text: str | None
    file_id: str | None
    written_at: datetime
    delivery_id: int | None = None
    prompt_id: str | None = None
    bring: bool = False
    # Linking, decided by :func:`add` in the same statement: the prompt this message answers is
    # the one it replies to (a Telegram reply), else the person's open question, if any.
    link_to_prompt: bool = False
    reply_to_message_id: int | None = None


@dataclass(frozen=True)
class Entry:
    id: int
    user_id: int
    message_id: int
    delivery_id: int | None
    prompt_id: str | None
    kind: str
    text: str | None
    first_text: str | None
    file_id: str | None
    written_at: datetime
    edited_at: datetime | None
    bring: bool
    discussed_at: datetime | None


def _entry(row: aiosqlite.Row) -> Entry:
    written = instant_from_db(row["written_at"])
    assert written is not None
    return Entry(
        id=row["id"],
        user_id=row["user_id"],
        message_id=row["message_id"],
        delivery_id=row["delivery_id"],
        prompt_id=row["prompt_id"],
        kind=row["kind"],
        text=row["text"],
        first_text=row["first_text"],
        file_id=row["file_id"],
        written_at=written,
        edited_at=instant_from_db(row["edited_at"]),
        bring=bool(row["bring"]),
        discussed_at=instant_from_db(row["discussed_at"]),
    )


# One statement decides and stores: the person's record, the prompt the message answers (a
# Telegram reply names it; otherwise the open question of services/conversation.py, while the
# message was written before it expired) and whether this is that prompt's first answer.
_ADD = f"""
INSERT INTO entries (user_id, chat_id, message_id, delivery_id, prompt_id, kind, text, file_id,
                     written_at, bring)
SELECT p.user_id, :chat_id, :message_id,
       CASE WHEN d.id IS NULL THEN :delivery_id ELSE d.id END,
       CASE WHEN d.id IS NULL THEN :prompt_id ELSE d.prompt_id END,
       :kind, :text, :file_id, :written_at, :bring
FROM people AS p
LEFT JOIN deliveries AS d ON :link AND d.user_id = p.user_id AND d.id = coalesce(
    (SELECT r.id FROM deliveries AS r WHERE r.user_id = p.user_id AND r.message_id = :reply_to),
    {open_question_sql("p.user_id", ":written_at")})
WHERE p.user_id = :user_id
ON CONFLICT (chat_id, message_id) DO NOTHING
RETURNING *, delivery_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM entries AS e WHERE e.delivery_id = entries.delivery_id AND e.id <> entries.id
) AS first_answer
"""


async def add(conn: aiosqlite.Connection, entry: NewEntry) -> tuple[Entry, bool] | None:
    """Store a message once, in one statement, linked to the prompt it answers when
    ``entry.link_to_prompt`` (otherwise to ``entry.delivery_id``, if given).

    Returns (the stored entry, True if it is the first answer to its prompt), or None when
    nothing was stored: the message is stored already (a redelivery, a replay: see
    :func:`by_message`), or the person has no record yet (the caller records the person,
    ``people.ensure``, and adds again).
    """
    row = await fetch_one(
        conn,
        _ADD,
        {
            "user_id": entry.user_id,
            "chat_id": entry.chat_id,
            "message_id": entry.message_id,
            "delivery_id": entry.delivery_id,
            "prompt_id": entry.prompt_id,
            "kind": entry.kind,
            "text": entry.text,
            "file_id": entry.file_id,
            "written_at": instant_to_db(entry.written_at),
            "bring": int(entry.bring),
            "link": int(entry.link_to_prompt),
            "reply_to": entry.reply_to_message_id,
        },
    )
    return (_entry(row), bool(row["first_answer"])) if row is not None else None


async def by_message(conn: aiosqlite.Connection, chat_id: int, message_id: int) -> Entry | None:
    """The entry stored for a Telegram message, if any."""
    row = await fetch_one(
        conn, "SELECT * FROM entries WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
    )
    return _entry(row) if row else None


async def edit(
    conn: aiosqlite.Connection, chat_id: int, message_id: int, text: str, edited_at: datetime
) -> bool:
    """Replace an entry's text after a Telegram edit, keeping the first version. False if unknown."""
    cur = await conn.execute(
        "UPDATE entries SET first_text = coalesce(first_text, text), text = :text,"
        " edited_at = :edited_at WHERE chat_id = :chat_id AND message_id = :message_id",
        {
            "text": text,
            "edited_at": instant_to_db(edited_at),
            "chat_id": chat_id,
            "message_id": message_id,
        },
    )
    return cur.rowcount == 1


async def set_bring(conn: aiosqlite.Connection, user_id: int, entry_id: int, bring: bool) -> bool:
    """Flag (or unflag) an entry to bring to the next session. False if it is not theirs."""
    cur = await conn.execute(
        "UPDATE entries SET bring = ?, discussed_at = NULL WHERE id = ? AND user_id = ?",
        (int(bring), entry_id, user_id),
    )
    return cur.rowcount == 1


async def has_answer(conn: aiosqlite.Connection, delivery_id: int) -> bool:
    """Whether a prompt already has at least one answering message."""
    return (
        await fetch_one(conn, "SELECT 1 FROM entries WHERE delivery_id = ? LIMIT 1", (delivery_id,))
        is not None
    )
