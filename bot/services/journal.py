"""Keeping what a person writes: under the question it answers (services/conversation.py),
once; edits; flags for the next session."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.services import conversation
from bot.store import entries, people
from bot.store.db import Database
from bot.store.entries import Entry, NewEntry


@dataclass(frozen=True)
class Kept:
    """What happened to a stored message."""

    entry: Entry
    new: bool  # False: the same message was delivered before and is already stored
    starts_answer: bool  # the first message answering its prompt


async def keep(
    db: Database,
    message: NewEntry,
    *,
    reply_to_message_id: int | None,
    language_code: str | None,
    now: datetime,
    link_to_prompt: bool = True,
    answers: conversation.Ask | None = None,
) -> Kept:
    """Store a message once, linked to the prompt it answers (if any): one decision.

    The prompt it answers is the one it replies to, else the open question
    (services/conversation.py); ``link_to_prompt`` False keeps it unlinked (a /bring item is
    never an answer). ``answers``: the message is the reply Between asked for (what to bring),
    which it closes in the same transaction. In the common case the decision is one statement
    (store/entries.py ``add``), committed with whatever else is being written at the same time.
    """
    wanted = replace(
        message,
        link_to_prompt=link_to_prompt,
        reply_to_message_id=reply_to_message_id if link_to_prompt else None,
    )
    stored = None
    if answers is None:
        async with db.autocommit() as conn:
            stored = await entries.add(conn, wanted)
    if stored is None:
        # A person without a record yet, a reply that closes an ask, or a message stored before
        # (a redelivery, a replay after a crash): record the person, then decide again.
        async with db.transaction() as conn:
            await people.ensure(conn, message.user_id, language_code, now)
            if answers is not None:
                await conversation.replied(conn, message.user_id, answers)
            stored = await entries.add(conn, wanted)
            if stored is None:  # stored before: it comes back as it is
                entry = await entries.by_message(conn, message.chat_id, message.message_id)
                assert entry is not None
                return Kept(entry, new=False, starts_answer=False)
    entry, first_answer = stored
    return Kept(entry, new=True, starts_answer=first_answer)


async def apply_edit(db: Database, *, chat_id: int, message_id: int, text: str, now: datetime) -> bool:
    """Update the stored text after a Telegram edit. False if that message was never stored."""
    async with db.transaction() as conn:
        return await entries.edit(conn, chat_id, message_id, text, now)


async def flag(db: Database, user_id: int, entry_id: int, bring: bool = True) -> bool:
    """Flag one of the person's entries to bring to the next session."""
    async with db.transaction() as conn:
        return await entries.set_bring(conn, user_id, entry_id, bring)


async def flag_message(db: Database, user_id: int, chat_id: int, message_id: int) -> bool:
    """Flag the entry a Telegram message was kept as (/bring as a reply); False if it was not
    kept, or is not this person's."""
    async with db.transaction() as conn:
        entry = await entries.by_message(conn, chat_id, message_id)
        if entry is None or entry.user_id != user_id:
            return False
        return await entries.set_bring(conn, user_id, entry.id, True)
