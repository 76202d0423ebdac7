"""Journey 7, the safety plan (docs/safety-plan.md): made one step at a time, shown whole, edited,
erased, brought first in a crisis reply, and offered once, later, to someone who had a crisis
reply without one.

The step being written is the conversation state (services/conversation.py): an
:attr:`~bot.services.conversation.Ask.SAFETY_PLAN` ask whose ``about`` says which step and how:

- ``make:N``: making the plan, step N; every message adds to the step, the Next button (or Skip)
  asks step N+1;
- ``edit:N``: editing step N; the next message takes the place of what it held, and from then on
  (``edit+:N``) messages add to it, until Done.

The answers are kept in ``safety_plan_steps``, never as journal notes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.services import conversation
from bot.services.conversation import Ask
from bot.store import conversations, people
from bot.store import safety_plan as store
from bot.store.db import Database

STEPS = tuple(range(1, 8))
# The steps a crisis reply brings (docs/safety-plan.md): everything after the warning signs,
# which the person is living through when they write.
CRISIS_STEPS = (2, 3, 4, 5, 6, 7)
# The one step that keeps words suggesting crisis (they are often how warning signs are written,
# and the crisis reply never shows this step back). At any other step such a message is a crisis
# message like any other: a journal note, answered with the crisis reply; the step stays open.
KEEPS_CRISIS_WORDS = 1
# The offer to make a plan comes with the first ordinary message at least this long after a
# crisis reply: a calmer moment, usually another day.
OFFER_AFTER = timedelta(hours=8)
MAKE, EDIT, EDIT_MORE = "make", "edit", "edit+"


@dataclass(frozen=True)
class Writing:
    """Which step a pending plan ask is for, and how."""

    mode: str  # MAKE, EDIT or EDIT_MORE
    step: int

    @property
    def about(self) -> str:
        return f"{self.mode}:{self.step}"

    @property
    def editing(self) -> bool:
        return self.mode != MAKE


def parse_about(about: str | None) -> Writing | None:
    """The :class:`Writing` an ask's ``about`` names; None for anything else."""
    mode, _, number = (about or "").partition(":")
    if mode not in (MAKE, EDIT, EDIT_MORE) or not number.isascii() or not number.isdigit():
        return None
    step = int(number)
    return Writing(mode, step) if step in STEPS else None


@dataclass(frozen=True)
class Plan:
    """The person's plan: the text of each step they wrote (skipped steps are absent)."""

    steps: dict[int, str]
    version: str  # changes whenever the words change: an erase confirmation carries it

    @property
    def exists(self) -> bool:
        return bool(self.steps)

    def for_crisis(self) -> list[tuple[int, str]]:
        return [(step, self.steps[step]) for step in CRISIS_STEPS if step in self.steps]


def _plan(rows: list[store.Step]) -> Plan:
    steps = {row.step: row.text for row in rows}
    # The version is the words' own fingerprint: any change to any step changes it.
    version = hashlib.blake2b(repr(sorted(steps.items())).encode(), digest_size=6).hexdigest()
    return Plan(steps, version)


async def plan(db: Database, user_id: int) -> Plan:
    async with db.read() as conn:
        return _plan(await store.steps(conn, user_id))


class Start(Enum):
    SHOW = "show"  # a plan exists: show it
    MAKE = "make"  # none yet: step 1 is asked


async def start(db: Database, user_id: int, now: datetime, language_code: str | None) -> tuple[Start, Plan]:
    """/safetyplan: the plan to show, or (none yet) making one begins at step 1. One transaction."""
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, language_code, now)
        current = _plan(await store.steps(conn, user_id))
        if current.exists:
            return Start.SHOW, current
        await conversation.ask_in(conn, user_id, Ask.SAFETY_PLAN, now, about=Writing(MAKE, 1).about)
    return Start.MAKE, current


async def keeps_crisis_words(db: Database, user_id: int) -> bool:
    """Whether the step open now keeps a message suggesting crisis (only the warning signs)."""
    about = await conversation.ask_about(db, user_id, Ask.SAFETY_PLAN)
    current = parse_about(about)
    return current is not None and current.step == KEEPS_CRISIS_WORDS


async def step_of_message(db: Database, user_id: int, message_id: int) -> tuple[int | None, bool]:
    """Where a Telegram message the person edits may be in the plan: the step it was the last
    message of (each step remembers only that one), else None; and whether it may be an earlier
    message of a step written in several (some step's last message came after it). An edit
    changes nothing in the plan; the person is told where the words are."""
    async with db.read() as conn:
        return await store.step_of_message(conn, user_id, message_id)


async def write(
    db: Database, user_id: int, text: str, message_id: int | None, now: datetime
) -> Writing | None:
    """A message while a step is asked: kept in the step (added, or in place of it when editing
    begins), and the step stays open for more. None when no step is open (nothing changes)."""
    async with db.transaction() as conn:
        waiting = await conversations.get(conn, user_id)
        current = parse_about(waiting.about) if waiting and waiting.waiting_for == Ask.SAFETY_PLAN else None
        if current is None:
            return None
        if current.mode == EDIT:
            await store.replace(conn, user_id, current.step, text, message_id, now)
            current = Writing(EDIT_MORE, current.step)
        else:
            await store.add(conn, user_id, current.step, text, message_id, now)
        # Open again from now: writing a step may take a while, message by message.
        await conversation.ask_in(conn, user_id, Ask.SAFETY_PLAN, now, about=current.about)
    return current


class Moved(Enum):
    NEXT = "next"  # the next step is asked
    FINISHED = "finished"  # the last step is done: the plan is made
    EDITED = "edited"  # an edited step is done
    STALE = "stale"  # the button is not for the step being written


async def move_on(db: Database, user_id: int, step: int, now: datetime) -> tuple[Moved, int | None]:
    """Done with (or skipping) ``step``: the next one is asked, or the plan is done. Only for the
    step last asked (an expired ask still counts: thinking about a step may take a while)."""
    async with db.transaction() as conn:
        waiting = await conversations.get(conn, user_id)
        current = parse_about(waiting.about) if waiting and waiting.waiting_for == Ask.SAFETY_PLAN else None
        if current is None or current.step != step:
            return Moved.STALE, None
        if current.editing:
            await conversation.replied(conn, user_id, Ask.SAFETY_PLAN)
            return Moved.EDITED, step
        if step == STEPS[-1]:
            await conversation.replied(conn, user_id, Ask.SAFETY_PLAN)
            return Moved.FINISHED, None
        await conversation.ask_in(conn, user_id, Ask.SAFETY_PLAN, now, about=Writing(MAKE, step + 1).about)
    return Moved.NEXT, step + 1


async def edit(db: Database, user_id: int, step: int, now: datetime) -> bool:
    """Edit a step (a button under the plan): its next message takes the place of what it held.
    False when there is no plan (erased since the button was drawn)."""
    if step not in STEPS:
        return False
    async with db.transaction() as conn:
        if not await store.steps(conn, user_id):
            return False
        await conversation.ask_in(conn, user_id, Ask.SAFETY_PLAN, now, about=Writing(EDIT, step).about)
    return True


async def erase(db: Database, user_id: int, version: str) -> bool:
    """Erase the plan the confirmation was shown for; False (nothing changes) when it changed or
    went since."""
    async with db.transaction() as conn:
        current = _plan(await store.steps(conn, user_id))
        if not current.exists or current.version != version:
            return False
        await store.erase(conn, user_id)
        await conversation.replied(conn, user_id, Ask.SAFETY_PLAN)
    return True


async def at_crisis(db: Database, user_id: int, now: datetime) -> Plan:
    """The plan a crisis reply brings first. Without one, a calm offer to make one is due later."""
    async with db.transaction() as conn:
        current = _plan(await store.steps(conn, user_id))
        if not current.exists and await people.get(conn, user_id) is not None:
            await store.crisis_without_plan(conn, user_id, now)
    return current


async def offer_due(db: Database, user_id: int, now: datetime) -> bool:
    """Whether to offer making a plan now (after an ordinary message): once, at least
    :data:`OFFER_AFTER` after a crisis reply to someone without a plan, never while paused.
    True means the offer is taken (marked made, so it never comes again)."""
    async with db.read() as conn:
        if not await store.offer_pending(conn, user_id):
            return False
    async with db.transaction() as conn:
        offer = await store.offer(conn, user_id)
        person = await people.get(conn, user_id)
        if offer is None or offer.offered_at is not None or person is None or person.paused(now):
            return False
        if now - offer.crisis_at < OFFER_AFTER:
            return False
        if await store.steps(conn, user_id):
            # Made one meanwhile: nothing to offer, ever.
            await store.mark_offered(conn, user_id, now)
            return False
        return await store.mark_offered(conn, user_id, now)
