"""`between invite`: make an invite link (single- or n-use, optionally expiring)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from telegram import Bot

from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings
from bot.store import invites
from bot.store.db import Database
from bot.store.migrate import migrate

# What can stand in a t.me link as a username: letters, digits and underscores.
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,64}")


async def make_invite(
    settings: Settings,
    *,
    uses: int = 1,
    days: int | None = None,
    bot_username: str | None = None,
    clock: Clock | None = None,
) -> str:
    """Store a fresh invite code and return the t.me link that carries it.

    The bot's username comes from Telegram (getMe, which needs the token) unless given. The code
    is random (96 bits), so links cannot be guessed. Raises ConfigError when there is neither a
    username nor a token to ask Telegram with.
    """
    if uses < 1:
        raise ValueError("an invite is good for at least one use")
    now = (clock or SystemClock()).now()
    if bot_username is not None:
        bot_username = bot_username.strip().removeprefix("@")
        if not _USERNAME.fullmatch(bot_username):
            raise ConfigError("--bot-username must be the bot's Telegram username, like between_bot")
    elif settings.token is None:
        raise ConfigError(
            "the invite link needs the bot's username: pass --bot-username NAME, or set"
            " TELEGRAM_BOT_TOKEN so that Between can ask Telegram for it"
        )
    else:
        bot = Bot(settings.token, base_url=settings.api_url)
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
