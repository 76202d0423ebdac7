"""Checks that run before every other handler: private chats only, and who may use the bot."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BetweenContext
from bot.handlers.common import reply
from bot.services.reminders import rearm
from bot.store import people


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
    """With BETWEEN_ALLOWED_USERS set, anyone else gets one polite line and nothing is stored."""
    allowed = context.settings.allowed_users
    user = update.effective_user
    if allowed is None or (user is not None and user.id in allowed):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(context.renderer.line("not_allowed_plain"))
    elif update.message is not None:
        await reply(update, context.renderer.line("not_allowed"))
    raise ApplicationHandlerStop


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
