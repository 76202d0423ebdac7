"""Who may use Between: the allowed list, invite links, and people Telegram could not reach.

Someone who may no longer use the bot (taken off BETWEEN_ALLOWED_USERS) but has data here keeps
what is theirs: /export and /delete still work for them, and nothing else does. The dispatcher
asks :func:`may_use` before every prompt and recap, so theirs stop too.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from bot.config import Settings
from bot.services import onboarding
from bot.services.reminders import rearm
from bot.store import invites, people
from bot.store.db import Database


class Access(Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"  # a stranger: nothing about them is stored
    INVALID_INVITE = "invalid_invite"  # a stranger with an invite that does not work
    # Has data here but may no longer use the bot: only /export and /delete (an invite that
    # does not work changes nothing about that).
    ENDED = "ended"


def may_use(settings: Settings, user_id: int, *, admitted: bool) -> bool:
    """The rule: an open bot, or the person is on the allowed list or came in through an invite
    (``admitted``, kept on their record)."""
    if not settings.restricted:
        return True
    return admitted or (settings.allowed_users is not None and user_id in settings.allowed_users)


async def check(
    db: Database,
    settings: Settings,
    user_id: int,
    language_code: str | None,
    invite_code: str | None,
    now: datetime,
) -> Access:
    """Whether this person may use the bot. A valid invite code (from "/start CODE") admits them."""
    if may_use(settings, user_id, admitted=False):
        return Access.ALLOWED
    person = await onboarding.person(db, user_id)
    if person is not None and person.admitted:
        return Access.ALLOWED
    if invite_code is not None:
        async with db.transaction() as conn:
            if await invites.redeem(conn, invite_code, now):
                await invites.admit(conn, user_id, language_code, now)
                # Someone whose access had ended: their reminders go on from now, no backlog.
                await rearm(conn, user_id, now)
                return Access.ALLOWED
    if person is not None:
        return Access.ENDED
    return Access.REFUSED if invite_code is None else Access.INVALID_INVITE


async def welcome_back(db: Database, settings: Settings, user_id: int, now: datetime) -> bool:
    """Someone Telegram said we could not reach (403) wrote again: their reminders start again
    (not for someone who may no longer use the bot: they are held either way).

    Returns True when something changed (the dispatcher should look again).
    """
    person = await onboarding.person(db, user_id)
    if person is None or person.active or not may_use(settings, user_id, admitted=person.admitted):
        return False
    async with db.transaction() as conn:
        await people.set_active(conn, user_id, True, now)
        await rearm(conn, user_id, now)
    return True
