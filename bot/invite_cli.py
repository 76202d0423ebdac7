"""`between invite`: make an invite link (single- or n-use, optionally expiring)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from telegram import Bot

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.store import invites
from bot.store.db import Database
from bot.store.migrate import migrate


async def make_invite(
    settings: Settings,
    *,
    uses: int = 1,
    days: int | None = None,
    bot_username: str | None = None,
    clock: Clock | None = None,
) -> str:
    """Store a fresh invite code and return the t.me link that carries it.

    The bot's username comes from Telegram (getMe) unless given. The code is random (96 bits),
    so links cannot be guessed.
    """
    if uses < 1:
        raise ValueError("an invite is good for at least one use")
    now = (clock or SystemClock()).now()
    if bot_username is None:
        bot = Bot(settings.require_token(), base_url=settings.api_url)
        async with bot:
            bot_username = (await bot.get_me()).username
    code = secrets.token_urlsafe(12)
    expires: datetime | None = now + timedelta(days=days) if days else None
    db = await Database.open(settings.db_path)
    try:
        await migrate(db)
        async with db.transaction() as conn:
            await invites.add(conn, code, uses, expires, now)
    finally:
        await db.close()
    return f"https://t.me/{bot_username}?start={code}"
