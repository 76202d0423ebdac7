"""Queries about entries: what a person wrote, idempotent per (chat, message)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.codec import instant_from_db, instant_to_db
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


async def add(conn: aiosqlite.Connection, entry: NewEntry) -> tuple[Entry, bool]:
    """Store a message once. Returns (the stored entry, True if it was new)."""
    row = await fetch_one(
        conn,
        "INSERT INTO entries (user_id, chat_id, message_id, delivery_id, prompt_id, kind, text,"
        " file_id, written_at, bring)"
        " VALUES (:user_id, :chat_id, :message_id, :delivery_id, :prompt_id, :kind, :text,"
        " :file_id, :written_at, :bring)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING RETURNING *",
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
        },
    )
    if row is not None:
        return _entry(row), True
    stored = await by_message(conn, entry.chat_id, entry.message_id)
    assert stored is not None
    return stored, False


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
