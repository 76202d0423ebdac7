"""Who may use Between: the allowed list, invite links, and people Telegram could not reach."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from bot.config import Settings
from bot.services.reminders import rearm
from bot.store import invites, people
from bot.store.db import Database


class Access(Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    INVALID_INVITE = "invalid_invite"


async def check(
    db: Database,
    settings: Settings,
    user_id: int,
    language_code: str | None,
    invite_code: str | None,
    now: datetime,
) -> Access:
    """Whether this person may use the bot. A valid invite code (from "/start CODE") admits them."""
    if not settings.restricted:
        return Access.ALLOWED
    if settings.allowed_users is not None and user_id in settings.allowed_users:
        return Access.ALLOWED
    async with db.read() as conn:
        if await invites.is_admitted(conn, user_id):
            return Access.ALLOWED
    if invite_code is None:
        return Access.REFUSED
    async with db.transaction() as conn:
        if await invites.redeem(conn, invite_code, now):
            await invites.admit(conn, user_id, language_code, now)
            return Access.ALLOWED
    return Access.INVALID_INVITE


async def welcome_back(db: Database, user_id: int, now: datetime) -> bool:
    """Someone Telegram said we could not reach (403) wrote again: their reminders start again.

    Returns True when something changed (the dispatcher should look again).
    """
    async with db.read() as conn:
        person = await people.get(conn, user_id)
    if person is None or person.active:
        return False
    async with db.transaction() as conn:
        await people.set_active(conn, user_id, True, now)
        await rearm(conn, user_id, now)
    return True
