"""Getting started and the person's own settings: first contact, the time zone, mood riding along."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.errors import BadInput
from bot.scope import current_update
from bot.services import conversation
from bot.services.conversation import Ask
from bot.services.reminders import rearm
from bot.store import people
from bot.store import reminders as reminders_store
from bot.store import sessions as sessions_store
from bot.store.db import Database, writes_here
from bot.store.people import Person
from bot.store.reminders import Reminder
from bot.store.sessions import Plan
from bot.timezones import zone_from_name


async def greet(db: Database, user_id: int, language_code: str | None, now: datetime) -> Person:
    """/start: the person (created on first contact, never reset); ask for a zone if none."""
    async with db.transaction() as conn:
        person = await people.ensure(conn, user_id, language_code, now)
        if person.zone is None:
            await conversation.ask_in(conn, user_id, Ask.ZONE, now)
    return person


async def ask_zone(db: Database, user_id: int, language_code: str | None, now: datetime) -> Person:
    """/timezone alone: the person, now waiting for their zone."""
    async with db.transaction() as conn:
        person = await people.ensure(conn, user_id, language_code, now)
        await conversation.ask_in(conn, user_id, Ask.ZONE, now)
    return person


@dataclass(frozen=True)
class ZoneSet:
    first_zone: bool  # the person had none before (onboarding)
    has_reminders: bool
    # A planned session keeps its moment when the zone changes (a session online stays when it
    # is); the person is told where it now falls on their clock. None without a plan or a change.
    session: Plan | None = None


async def set_zone(
    db: Database, user_id: int, language_code: str | None, zone: str, now: datetime
) -> ZoneSet:
    """Set the zone, answering the zone question if it was open. Reminder times keep their
    wall-clock meaning: 20:00 stays 20:00 there."""
    zone_from_name(zone)  # refuses a zone name that does not exist (BadInput), before any write
    async with db.transaction() as conn:
        before = await people.ensure(conn, user_id, language_code, now)
        await people.set_zone(conn, user_id, zone, now)
        await conversation.replied(conn, user_id, Ask.ZONE)
        await conversation.replied(conn, user_id, Ask.CITY)
        await rearm(conn, user_id, now)
        has_reminders = bool(await reminders_store.for_person(conn, user_id))
        moved = before.zone is not None and before.zone != zone
        session = await sessions_store.get_plan(conn, user_id) if moved else None
    return ZoneSet(first_zone=before.zone is None, has_reminders=has_reminders, session=session)


async def settings(
    db: Database, user_id: int, language_code: str | None, now: datetime
) -> tuple[Person, list[Reminder]]:
    """Everything /settings shows: the person and their reminders."""
    async with db.transaction() as conn:
        person = await people.ensure(conn, user_id, language_code, now)
        return person, await reminders_store.for_person(conn, user_id)


async def toggle_mood_with_prompts(
    db: Database, user_id: int, language_code: str | None, now: datetime
) -> bool:
    """Switch the mood scale under prompts on or off; returns the new setting."""
    async with db.transaction() as conn:
        person = await people.ensure(conn, user_id, language_code, now)
        await people.set_mood_with_prompts(conn, user_id, not person.mood_with_prompts, now)
    return not person.mood_with_prompts


# The person as the update being handled last read them (see person()).
_SEEN: ContextVar[tuple[object, asyncio.Task[Any] | None, Database, int, int, Person | None] | None] = (
    ContextVar("between_person_seen", default=None)
)


async def person(db: Database, user_id: int) -> Person | None:
    """The person, or None if they never talked to Between.

    Read once per update: the language, the access checks and the journey an update goes
    through each ask for the person, and the first read (bot/handlers/language.py, before
    anything else runs) serves the later ones, in the same task and the same update
    (bot/scope.py), until that task writes anything. Outside an update every call reads.
    Writes count in the task that makes them (``store/db.writes_here``): an update that wrote
    through a task of its own (none does) would have to read the person itself.
    """
    scope = current_update.get()
    seen = _SEEN.get()
    task = asyncio.current_task() if scope is not None else None
    if (
        seen is not None
        and scope is not None
        and seen[0] is scope
        and seen[1] is task
        and seen[2] is db
        and seen[3] == user_id
        and seen[4] == writes_here()
    ):
        return seen[5]
    async with db.read() as conn:
        found = await people.get(conn, user_id)
    if scope is not None:
        _SEEN.set((scope, task, db, user_id, writes_here(), found))
    return found


async def local_today(db: Database, user_id: int, now: datetime) -> date:
    """Today's date on the person's wall clock; a kind refusal when they have no zone yet."""
    found = await person(db, user_id)
    if found is None or found.zone is None:
        raise BadInput("zone_first")
    return now.astimezone(zone_from_name(found.zone)).date()
