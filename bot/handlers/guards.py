"""Checks that run before every other handler: private chats only, and who may use the bot."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BetweenContext
from bot.handlers.common import reply
from bot.services.reminders import rearm
from bot.store import invites, people


async def private_only(update: Update, context: BetweenContext) -> None:
    """In a group, answer a command with one line and store nothing; ignore everything else."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    message = update.effective_message
    if update.callback_query is not None:
        await update.callback_query.answer(context.renderer.line("private_only_plain"))
    elif message is not None and message.text and message.text.startswith("/"):
        await reply(update, context.renderer.line("private_only"))
    raise ApplicationHandlerStop


async def allowed_only(update: Update, context: BetweenContext) -> None:
    """When access is limited (a list of ids, or invite links), anyone else gets one polite line
    and nothing is stored about them. Opening a valid invite link lets a person in."""
    settings = context.settings
    user = update.effective_user
    if not settings.restricted or user is None:
        return
    if settings.allowed_users is not None and user.id in settings.allowed_users:
        return
    async with context.db.read() as conn:
        if await invites.is_admitted(conn, user.id):
            return
    code = _invite_code(update)
    if code is not None:
        now = context.clock.now()
        async with context.db.transaction() as conn:
            if await invites.redeem(conn, code, now):
                await invites.admit(conn, user.id, user.language_code, now)
                return  # let /start greet them
        await reply(update, context.renderer.line("invite_invalid"))
        raise ApplicationHandlerStop
    if update.callback_query is not None:
        await update.callback_query.answer(context.renderer.line("not_allowed_plain"))
    elif update.message is not None:
        await reply(update, context.renderer.line("not_allowed"))
    raise ApplicationHandlerStop


def _invite_code(update: Update) -> str | None:
    """The code in "/start CODE" (what an invite link sends), if this update is one."""
    message = update.message
    if message is None or not message.text:
        return None
    parts = message.text.split()
    if len(parts) == 2 and parts[0] == "/start" and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", parts[1]):
        return parts[1]
    return None


async def welcome_back(update: Update, context: BetweenContext) -> None:
    """Someone Telegram said we could not reach (403) wrote again: reminders start again."""
    user = update.effective_user
    if user is None:
        return
    async with context.db.read() as conn:
        person = await people.get(conn, user.id)
    if person is None or person.active:
        return
    now = context.clock.now()
    async with context.db.transaction() as conn:
        await people.set_active(conn, user.id, True, now)
        await rearm(conn, user.id, now)
    context.resources.wake()
