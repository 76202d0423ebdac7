"""What a message means: one conversation state per person, and the rules that read it.

Between waits for one of three things from a person (docs/conversation.md):

- nothing: a plain message is a free note;
- an answer to one question (a delivery), until it is skipped, snoozed ("Later"), replaced by
  another question, a command starts something else, or :data:`ANSWER_WINDOW` has passed;
- a reply it asked for (an :class:`Ask`: a zone, a city, a time, a date), for about
  :data:`ASK_WINDOW`. A readable reply is acted on and never kept as a note. The first reply that
  cannot be read gets a kind line and the ask stays open; after the second it closes.

A Telegram reply to a question always answers that question, whatever the state says, and a
command always wins over a pending ask. The state lives in the ``conversations`` table; the
functions taking a connection join the transaction of the service that calls them, so the
decision and what it decides are one commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.store import conversations, deliveries, people
from bot.store.db import Database

ANSWER = "answer"
# A plain message answers the open question for this long after it was sent.
ANSWER_WINDOW = timedelta(hours=12)
# An asked-for reply is expected for this long; after it, tomorrow's note is never read as a city.
ASK_WINDOW = timedelta(minutes=30)
# Replies that cannot be read before an ask closes.
MAX_REFUSED = 2


class Ask(StrEnum):
    """A reply Between asked for."""

    ZONE = "zone"
    CITY = "city"  # after "none of these" under the zones offered for a clock time
    REMIND_TIME = "remind_time"
    PAUSE_DATE = "pause_date"
    SESSION_TIME = "session_time"
    BRING = "bring"  # after /bring alone: the item to bring (any length)
    # Practice between sessions (bot/services/practice.py); ``about`` is the experiment's id.
    PRACTICE_TEXT = "practice_text"  # after "+ Add one" under /practice: what to practise
    EXPERIMENT_TRY = "experiment_try"  # /experiment: what the person will try
    EXPERIMENT_EXPECT = "experiment_expect"  # what they expect to happen
    EXPERIMENT_SURE = "experiment_sure"  # how sure they are, 0-100%
    EXPERIMENT_LEARNED = "experiment_learned"  # after "what happened": what they learned
    SAFETY_PLAN = "safety_plan"  # a step of the safety plan (about: which, services/safety_plan.py)
    WELLBEING = "wellbeing"  # a WHO-5 answer (about: which check-in, answers so far)


# Replies that may be as long as they need to be: words the person means to keep, not a setting.
ANY_LENGTH = frozenset(
    {
        Ask.BRING,
        Ask.SAFETY_PLAN,
        Ask.PRACTICE_TEXT,
        Ask.EXPERIMENT_TRY,
        Ask.EXPERIMENT_EXPECT,
        Ask.EXPERIMENT_LEARNED,
    }
)


async def pending_ask(
    db: Database, user_id: int, now: datetime, *, replying_to: int | None = None
) -> Ask | None:
    """The reply Between is waiting for from this person now, if any. A Telegram reply to a
    question (``replying_to`` a prompt's message) answers that question instead."""
    async with db.read() as conn:
        waiting = await conversations.get(conn, user_id)
        if waiting is None or waiting.waiting_for == ANSWER or waiting.expires_at <= now:
            return None
        if replying_to is not None and await deliveries.by_message(conn, user_id, replying_to):
            return None
    return Ask(waiting.waiting_for)


async def ask(db: Database, user_id: int, what: Ask, now: datetime, language_code: str | None = None) -> None:
    """Wait for a reply (the person is created on first contact)."""
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, language_code, now)
        await ask_in(conn, user_id, what, now)


async def ask_in(
    conn: aiosqlite.Connection, user_id: int, what: Ask, now: datetime, *, about: str | None = None
) -> None:
    """Wait for a reply, inside the caller's transaction; ``about`` names which thing it is for
    when an ask has several (kept in the state, read back with :func:`ask_about`)."""
    await conversations.put(
        conn, user_id, what.value, opened_at=now, expires_at=now + ASK_WINDOW, about=about
    )


async def ask_about(db: Database, user_id: int, what: Ask) -> str | None:
    """What the pending ``what`` ask is for (a plan step, an experiment), None if nothing is named
    or Between is not waiting for ``what``."""
    async with db.read() as conn:
        waiting = await conversations.get(conn, user_id)
    return waiting.about if waiting is not None and waiting.waiting_for == what.value else None


async def still_asking(db: Database, user_id: int, what: Ask, now: datetime) -> None:
    """An unreadable reply to an ask whose buttons stay under the question (an experiment's "how
    sure", a WHO-5 item): an attempt at the answer, not a note. The ask stays open with a fresh
    window, about the same thing, and the reply does not count towards closing it."""
    async with db.transaction() as conn:
        waiting = await conversations.get(conn, user_id)
        if waiting is None or waiting.waiting_for != what.value:
            return
        await ask_in(conn, user_id, what, now, about=waiting.about)


async def replied(conn: aiosqlite.Connection, user_id: int, what: Ask) -> None:
    """The reply came and was acted on: stop waiting for it."""
    await conversations.end(conn, user_id, waiting_for=what.value)


async def refused(db: Database, user_id: int, what: Ask) -> bool:
    """A reply that could not be read. True while the ask stays open: the first time, and always
    for a WHO-5 item, whose buttons stay under it (two typos must not throw away a check-in)."""
    async with db.transaction() as conn:
        count = await conversations.refuse(conn, user_id)
        if count < MAX_REFUSED or what == Ask.WELLBEING:
            return True
        await conversations.end(conn, user_id, waiting_for=what.value)
    return False


async def question_sent(
    conn: aiosqlite.Connection, user_id: int, delivery_id: int, sent_at: datetime
) -> None:
    """A question went out: it is the open one now (any earlier question or ask is over)."""
    await conversations.put(
        conn, user_id, ANSWER, delivery_id=delivery_id, opened_at=sent_at, expires_at=sent_at + ANSWER_WINDOW
    )


async def close_question(conn: aiosqlite.Connection, user_id: int, delivery_id: int) -> None:
    """Skipped or snoozed: plain messages no longer answer this question."""
    await conversations.end(conn, user_id, waiting_for=ANSWER, delivery_id=delivery_id)


async def command_started(db: Database, user_id: int) -> None:
    """A command starts something else: the open question and any pending ask are over."""
    async with db.transaction() as conn:
        await conversations.end(conn, user_id)
