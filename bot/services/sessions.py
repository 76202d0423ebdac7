"""The rules for the therapy schedule: setting, moving, skipping and stopping the plan, and what
happens when a session takes place.

A plan is the next session's UTC instant plus its wall-clock time and repetition, so a repeating
session rolls forward in the person's zone with the reminder arithmetic (bot/schedule.py): a
weekly 17:00 stays 17:00 across daylight saving changes. Every change to a plan recomputes
``recap_due`` (when the automatic recap should go) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

import aiosqlite

from bot.config import Settings
from bot.errors import BadInput
from bot.parsing import ONCE, SessionSpec
from bot.schedule import local_instant
from bot.services import conversation
from bot.services.conversation import Ask
from bot.store import people, sessions
from bot.store.db import Database
from bot.store.sessions import Plan
from bot.timezones import zone_from_name

# The operator's default lead time (Settings.recap_lead), for callers that have no settings at
# hand; handlers pass context.settings.recap_lead.
DEFAULT_RECAP_LEAD: timedelta = Settings.__dataclass_fields__["recap_lead"].default  # type: ignore[assignment]
# A session marked held this close to the planned one is that planned session (it ran early or
# late), so the plan moves on; a planned session further away still stands.
SAME_SESSION = timedelta(hours=12)
# How many passed plans one call of sessions_passed handles (keeps a transaction short).
BATCH = 500


def recap_due_for(next_at: datetime, lead: timedelta, now: datetime) -> datetime | None:
    """When the automatic recap for a session at ``next_at`` should go; None if already past."""
    due = next_at - lead
    return due if due > now else None


def following(
    plan_next_at: datetime, local_time: time, repeat_days: int, zone: tzinfo, after: datetime
) -> datetime:
    """The first session of a repeating plan strictly after ``after``.

    Occurrences fall every ``repeat_days`` local days from the planned one, at ``local_time``
    on the wall clock (a time skipped by spring-forward happens at the end of the gap; a time
    that happens twice, at its first occurrence). Always later than ``plan_next_at``.
    """
    if repeat_days <= 0:
        raise ValueError("only a repeating session has a following one")
    base = plan_next_at.astimezone(zone).date()
    # Jump close to ``after`` at once: a plan left behind for months needs no long walk.
    steps = max(1, (after.astimezone(zone).date() - base).days // repeat_days)
    while True:
        candidate = local_instant(base + timedelta(days=steps * repeat_days), local_time, zone)
        if candidate > after and candidate > plan_next_at:
            return candidate
        steps += 1


async def _zone(conn: aiosqlite.Connection, user_id: int) -> tzinfo:
    person = await people.get(conn, user_id)
    # A plan is only ever made with a zone; UTC keeps a stray one moving rather than stuck.
    return zone_from_name(person.zone) if person and person.zone else UTC


async def mark_session_held(
    conn: aiosqlite.Connection,
    user_id: int,
    at: datetime,
    *,
    lead: timedelta = DEFAULT_RECAP_LEAD,
    now: datetime | None = None,
) -> Plan | None:
    """Record that a session happened at ``at``; returns the plan afterwards (None: none left).

    In the caller's transaction: inserts into sessions_held (the next recap window starts
    here; flagged items not yet discussed carry over), sets people.practice_due, and if the
    planned session is this one (within :data:`SAME_SESSION` of ``at``, or already passed)
    rolls a repeating plan forward to its first session after ``at`` and ``now``, or deletes
    a one-off plan. ``recap_due`` is recomputed against ``now`` (default ``at``).
    """
    now = now or at
    await sessions.add_held(conn, user_id, at)
    await sessions.set_practice_due(conn, user_id)
    plan = await sessions.get_plan(conn, user_id)
    if plan is None or plan.next_at > at + SAME_SESSION:
        return plan
    if plan.repeat_days == ONCE:
        await sessions.delete_plan(conn, user_id)
        return None
    zone = await _zone(conn, user_id)
    next_at = following(plan.next_at, plan.local_time, plan.repeat_days, zone, max(at, now))
    await sessions.move_plan(conn, user_id, next_at, recap_due_for(next_at, lead, now), now)
    return await sessions.get_plan(conn, user_id)


async def catch_up(
    conn: aiosqlite.Connection, user_id: int, now: datetime, *, lead: timedelta
) -> Plan | None:
    """The person's plan as of ``now``: a planned session whose time has passed counts as held.

    The dispatcher does this for everyone (:func:`sessions_passed`); doing it here too means a
    person never sees a session in the past as their "next" one, whatever the dispatcher is up to.
    """
    plan = await sessions.get_plan(conn, user_id)
    if plan is not None and plan.next_at <= now:
        plan = await mark_session_held(conn, user_id, plan.next_at, lead=lead, now=now)
    return plan


async def sessions_passed(
    conn: aiosqlite.Connection, now: datetime, *, lead: timedelta, limit: int = BATCH
) -> list[int]:
    """Mark every planned session whose time has come as held; returns those people's ids.

    For the dispatcher's wake-up: served by session_plans_next_at, so it costs what is due.
    """
    done = []
    for plan in await sessions.passed_plans(conn, now, limit):
        await mark_session_held(conn, plan.user_id, plan.next_at, lead=lead, now=now)
        done.append(plan.user_id)
    return done


async def set_plan(
    conn: aiosqlite.Connection, user_id: int, spec: SessionSpec, now: datetime, *, lead: timedelta
) -> Plan:
    """Set or move the next session from ``/session DAY TIME [repetition]``.

    Without a repetition in ``spec`` the current plan's stays (moving a weekly session keeps it
    weekly); without a current plan it happens once. Raises ``session_zone_first`` without a zone and
    ``session_past`` when the local time does not lie ahead.
    """
    assert spec.action == "set" and spec.day is not None and spec.at is not None
    person = await people.get(conn, user_id)
    if person is None or person.zone is None:
        raise BadInput("session_zone_first")
    zone = zone_from_name(person.zone)
    next_at = local_instant(spec.day, spec.at, zone)
    if next_at <= now:
        raise BadInput("session_past", date=spec.day.isoformat(), time=spec.at.strftime("%H:%M"))
    repeat = spec.repeat_days
    if repeat is None:
        current = await catch_up(conn, user_id, now, lead=lead)
        repeat = current.repeat_days if current else ONCE
    await sessions.put_plan(
        conn,
        user_id=user_id,
        next_at=next_at,
        local_time=spec.at,
        repeat_days=repeat,
        recap_due=recap_due_for(next_at, lead, now),
        now=now,
    )
    plan = await sessions.get_plan(conn, user_id)
    assert plan is not None
    return plan


async def skip_next(
    conn: aiosqlite.Connection,
    user_id: int,
    now: datetime,
    *,
    lead: timedelta,
    expected: datetime | None = None,
) -> tuple[bool, Plan | None]:
    """Skip the next session: a repeating plan moves on one step, a one-off plan goes.

    ``expected`` (from a button) must still be the planned instant, or nothing changes: the
    button was for a session that has moved since. Returns (skipped, the plan afterwards).
    """
    plan = await catch_up(conn, user_id, now, lead=lead)
    if plan is None or (expected is not None and plan.next_at != expected):
        return False, plan
    if plan.repeat_days == ONCE:
        await sessions.delete_plan(conn, user_id)
        return True, None
    zone = await _zone(conn, user_id)
    next_at = following(plan.next_at, plan.local_time, plan.repeat_days, zone, plan.next_at)
    await sessions.move_plan(conn, user_id, next_at, recap_due_for(next_at, lead, now), now)
    return True, await sessions.get_plan(conn, user_id)


async def stop(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Remove the plan (no session planned any more); False if there was none."""
    return await sessions.delete_plan(conn, user_id)


# --- What /session and its buttons do, each in one transaction ---------------------------


@dataclass(frozen=True)
class Outcome:
    """What a /session command or button did: the reply to give (``reply`` names a line in
    lines.j2), the plan it is about, and for a stop whether there was a plan."""

    reply: str
    plan: Plan | None
    had: bool = False


async def zone_for(db: Database, user_id: int) -> tzinfo:
    """The person's zone, which a session plan needs; a kind refusal when there is none yet."""
    async with db.read() as conn:
        person = await people.get(conn, user_id)
    if person is None or person.zone is None:
        raise BadInput("session_zone_first")
    return zone_from_name(person.zone)


async def apply_command(
    db: Database, user_id: int, spec: SessionSpec, now: datetime, *, lead: timedelta, answered: bool = False
) -> Outcome:
    """/session [DAY TIME [repeat] | done | skip | stop], or alone: the next session (and, when
    none is planned, Between asks for it). ``answered``: the spec answers that ask, or a Move."""
    async with db.transaction() as conn:
        if answered:
            await conversation.replied(conn, user_id, Ask.SESSION_TIME)
        if spec.action == "done":
            last = await sessions.last_held(conn, user_id, now)
            if last is not None and now - last < SAME_SESSION:
                # "/session done" again (a double tap, or the planned time already counted it):
                # the same session, so no second recap window and no second practice question.
                return Outcome("session_held", await sessions.get_plan(conn, user_id))
            return Outcome("session_held", await mark_session_held(conn, user_id, now, lead=lead, now=now))
        if spec.action == "skip":
            skipped, plan = await skip_next(conn, user_id, now, lead=lead)
            return Outcome("session_skipped" if skipped else "session_nothing_to_skip", plan)
        if spec.action == "stop":
            return Outcome("session_stopped", None, had=await stop(conn, user_id))
        if spec.action == "set":
            return Outcome("session_set", await set_plan(conn, user_id, spec, now, lead=lead))
        plan = await catch_up(conn, user_id, now, lead=lead)
        if plan is None:
            await conversation.ask_in(conn, user_id, Ask.SESSION_TIME, now)
            return Outcome("session_none", None)
        return Outcome("session_next", plan)


async def apply_button(
    db: Database, user_id: int, choice: str, shown_for: datetime | None, now: datetime, *, lead: timedelta
) -> Outcome | None:
    """Move, skip or stop the session a button was shown for; None if the plan changed since."""
    async with db.transaction() as conn:
        person = await people.get(conn, user_id)
        plan = await catch_up(conn, user_id, now, lead=lead)
        if person is None or person.zone is None or plan is None or plan.next_at != shown_for:
            return None
        if choice == "skip":
            _, plan = await skip_next(conn, user_id, now, lead=lead, expected=shown_for)
            return Outcome("session_skipped", plan)
        if choice == "stop":
            return Outcome("session_stopped", None, had=await stop(conn, user_id))
        await conversation.ask_in(conn, user_id, Ask.SESSION_TIME, now)
        return Outcome("session_move_ask", plan)
