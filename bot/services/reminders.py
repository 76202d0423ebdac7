"""The rules for reminders and pauses. Every change recomputes next_due in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

import aiosqlite

from bot.errors import BadInput
from bot.parsing import MAX_REMINDERS
from bot.schedule import first_due_from, next_due, pause_end_for_date, pause_end_for_duration
from bot.services import conversation
from bot.services.conversation import Ask
from bot.store import people, reminders
from bot.store.db import Database
from bot.store.people import Person
from bot.store.reminders import Reminder
from bot.timezones import zone_from_name


class Holder(Protocol):
    """What decides when a person's reminders fire: their zone and whether they are on hold.
    A Person has it, and so does the dispatcher's DueReminder (read in the same query)."""

    @property
    def zone(self) -> str | None: ...
    @property
    def active(self) -> bool: ...
    @property
    def paused_until(self) -> datetime | None: ...
    @property
    def paused_indefinitely(self) -> bool: ...


def fire_after(
    person: Holder,
    reminder: Reminder | tuple[time, frozenset[int]],
    now: datetime,
    *,
    since: datetime | None = None,
) -> datetime | None:
    """When a reminder should next fire for this person, or None while it must be held.

    Normally the first instant after ``now``. A pause ends at ``paused_until``, and a reminder
    due at that very instant is the first one it lets through, so while paused the search starts
    at the pause's end and includes it. ``since`` (at or before ``now``): the instant a pause
    ended, for the dispatcher, which ends it at that instant or a moment later; reminders due
    from then on stand, and the claim sends the latest within the grace window or records it as
    missed.
    """
    if person.zone is None or not person.active or person.paused_indefinitely:
        return None
    at, days = (reminder.at, reminder.days) if isinstance(reminder, Reminder) else reminder
    zone = zone_from_name(person.zone)
    if person.paused_until is not None and person.paused_until > now:
        return first_due_from(person.paused_until, at, days, zone)
    if since is not None:
        return first_due_from(since, at, days, zone)
    return next_due(now, at, days, zone)


async def rearm(
    conn: aiosqlite.Connection, user_id: int, now: datetime, *, since: datetime | None = None
) -> None:
    """Recompute every reminder of the person from their current zone, pause and state
    (``since``: the instant their pause ended; see :func:`fire_after`)."""
    person = await people.get(conn, user_id)
    if person is None:
        return
    for reminder in await reminders.for_person(conn, user_id):
        await reminders.set_next_due(conn, reminder.id, fire_after(person, reminder, now, since=since))


async def require_person_with_zone(conn: aiosqlite.Connection, user_id: int) -> Person:
    """The person, who must have a zone before reminders make sense."""
    person = await people.get(conn, user_id)
    if person is None or person.zone is None:
        raise BadInput("zone_first")
    return person


@dataclass(frozen=True)
class Added:
    added: list[tuple[time, frozenset[int]]]
    already: list[tuple[time, frozenset[int]]]
    all: list[Reminder]


async def ask(db: Database, user_id: int, what: Ask, now: datetime) -> None:
    """Ask for a reminder time or a pause date (the zone must be known first)."""
    async with db.transaction() as conn:
        await require_person_with_zone(conn, user_id)
        await conversation.ask_in(conn, user_id, what, now)


async def add_times(
    db: Database,
    user_id: int,
    times: list[tuple[time, frozenset[int]]],
    now: datetime,
    *,
    answered: bool = False,
) -> Added:
    """Add reminder times (duplicates of existing ones are noted, not added twice).

    ``answered``: the times answer the question "which time?", which is closed with them.
    """
    async with db.transaction() as conn:
        person = await require_person_with_zone(conn, user_id)
        if answered:
            await conversation.replied(conn, user_id, Ask.REMIND_TIME)
        existing = await reminders.for_person(conn, user_id)
        known = {(r.at, r.days) for r in existing}
        new = [t for t in times if t not in known]
        if len(existing) + len(new) > MAX_REMINDERS:
            raise BadInput("too_many_reminders", limit=MAX_REMINDERS, have=len(existing))
        for at, days in new:
            await reminders.add(conn, user_id, at, days, fire_after(person, (at, days), now), now)
        return Added(new, [t for t in times if t in known], await reminders.for_person(conn, user_id))


async def remove(db: Database, user_id: int, reminder_id: int) -> bool:
    """Remove one reminder of the person's; False if it was not theirs or already gone."""
    async with db.transaction() as conn:
        return await reminders.remove(conn, user_id, reminder_id)


async def remove_all(db: Database, user_id: int) -> int:
    """`/remind off`: remove every reminder; returns how many there were."""
    async with db.transaction() as conn:
        return await reminders.remove_all(conn, user_id)


async def listing(db: Database, user_id: int) -> tuple[Person | None, list[Reminder]]:
    """The person and their reminders."""
    async with db.read() as conn:
        return await people.get(conn, user_id), await reminders.for_person(conn, user_id)


async def pause(
    db: Database,
    user_id: int,
    now: datetime,
    *,
    duration: timedelta | None = None,
    until: date | None = None,
    answered: bool = False,
) -> tuple[datetime | None, str]:
    """Pause reminders for a duration, until a local date, or (neither) until /resume.

    Returns when the pause ends (None: open-ended) and the person's zone. ``answered``: the
    date answers "until which date?", which is closed with it.
    """
    async with db.transaction() as conn:
        person = await require_person_with_zone(conn, user_id)
        assert person.zone is not None
        if answered:
            await conversation.replied(conn, user_id, Ask.PAUSE_DATE)
        end: datetime | None = None
        if duration is not None:
            end = pause_end_for_duration(now, duration)
        elif until is not None:
            end = pause_end_for_date(until, zone_from_name(person.zone))
        await people.set_pause(conn, user_id, end, now)
        await rearm(conn, user_id, now)
    return end, person.zone


async def resume(db: Database, user_id: int, now: datetime) -> bool:
    """End a pause at once; False if there was none."""
    async with db.transaction() as conn:
        person = await people.get(conn, user_id)
        if person is None or not person.paused(now):
            return False
        await people.clear_pause(conn, user_id, now)
        await rearm(conn, user_id, now)
    return True
