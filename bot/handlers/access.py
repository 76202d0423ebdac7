"""Checks that run before every journey: private chats only, who may use the bot, and welcoming
back someone Telegram could not reach."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import BetweenContext
from bot.handlers.common import language
from bot.services import access as service
from bot.services.access import Access
from bot.views.replies import reply


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Groups -4..-2 run before everything, in order (one handler per group runs): group chats
    are refused first (nothing from a group is stored), then access control, then a person
    Telegram said we could not reach is marked reachable again."""
    app.add_handler(TypeHandler(Update, private_only), group=-4)
    app.add_handler(TypeHandler(Update, allowed_only), group=-3)
    app.add_handler(TypeHandler(Update, welcome_back), group=-2)


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
    user = update.effective_user
    if user is None:
        return
    access = await service.check(
        context.db, context.settings, user.id, language(update), _invite_code(update), context.clock.now()
    )
    if access == Access.ALLOWED:
        return  # an invite just redeemed: /start greets them
    if access == Access.INVALID_INVITE:
        await reply(update, context.renderer.line("invite_invalid"))
    elif update.callback_query is not None:
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
    if user is not None and await service.welcome_back(context.db, user.id, context.clock.now()):
        context.resources.wake()
