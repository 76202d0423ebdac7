"""The language Between speaks with a person: the one they chose, else the one Telegram said
their app speaks when they first wrote (bot/i18n.py decides which languages those are)."""

from __future__ import annotations

from datetime import datetime

from bot.services import conversation
from bot.services.conversation import Ask
from bot.store import people
from bot.store.db import Database
from bot.store.people import Person


async def stored(db: Database, user_id: int) -> str | None:
    """The language code stored for the person; None for someone Between does not know yet."""
    async with db.read() as conn:
        return await people.language_of(conn, user_id)


async def choose(
    db: Database, user_id: int, telegram_language: str | None, language: str, now: datetime
) -> Person:
    """/language: from now on, speak ``language`` with the person (created on first contact).

    Someone without a time zone yet is asked for it again: the command ended the question /start
    asked, and the city they type next is the answer, not a note."""
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, telegram_language, now)
        await people.set_language(conn, user_id, language, now)
        person = await people.get(conn, user_id)
        if person is not None and person.zone is None:
            await conversation.ask_in(conn, user_id, Ask.ZONE, now)
    assert person is not None
    return person
