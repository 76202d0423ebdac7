"""Checks that run before every journey: private chats only, who may use the bot, and welcoming
back someone Telegram could not reach."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, language
from bot.services import access as service
from bot.services.access import Access
from bot.views.buttons import Action, is_action
from bot.views.replies import reply


def add_handlers(app: AnyApplication) -> None:
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
    and nothing is stored about them. Opening a valid invite link lets a person in.

    Someone taken off the list who has data here may still take it (/export) and erase it
    (/delete, and its confirmation buttons); anything else gets one line saying so, and what
    they send is not kept.
    """
    user = update.effective_user
    if user is None:
        return
    code = _invite_code(update)
    access = await service.check(
        context.db, context.settings, user.id, language(update), code, context.clock.now()
    )
    if access == Access.ALLOWED:
        return  # an invite just redeemed: /start greets them
    if access == Access.ENDED:
        if _takes_what_is_theirs(update, context):
            return
        line = "access_ended" if code is None else "access_ended_invite_invalid"
        await _refuse(update, context, line, "access_ended_plain")
    elif access == Access.INVALID_INVITE:
        await reply(update, context.renderer.line("invite_invalid"))
    else:
        await _refuse(update, context, "not_allowed", "not_allowed_plain")
    raise ApplicationHandlerStop


async def _refuse(update: Update, context: BetweenContext, line: str, plain: str) -> None:
    """One line for a new message, a short notice for a button; nothing for anything else."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.renderer.line(plain))
    elif update.message is not None:
        await reply(update, context.renderer.line(line))


# What someone whose access ended may still do: take what is theirs, or erase it.
DATA_RIGHTS_COMMANDS = frozenset({"export", "delete"})
DATA_RIGHTS_BUTTONS = (Action.DELETE_CONFIRM, Action.DELETE_CANCEL)


def _takes_what_is_theirs(update: Update, context: BetweenContext) -> bool:
    """Whether the update is /export, /delete or a press of the delete confirmation's buttons.

    A command is read as python-telegram-bot's CommandHandler reads it (a bot_command entity at
    the start, any case, "@name" only if it is this bot's), so what passes here is exactly what
    bot/handlers/data_rights.py handles, and nothing else can store what the person sent.
    """
    query = update.callback_query
    if query is not None:
        return is_action(query.data, *DATA_RIGHTS_BUTTONS)
    message = update.message  # a new message: an edited command is not a command
    if message is None or not message.text or not message.entities:
        return False
    entity = message.entities[0]
    if entity.type != MessageEntityType.BOT_COMMAND or entity.offset != 0:
        return False
    name, _, mention = message.parse_entity(entity)[1:].partition("@")
    if mention and mention.lower() != (context.bot.username or "").lower():
        return False
    return name.lower() in DATA_RIGHTS_COMMANDS


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
    if user is not None and await service.welcome_back(
        context.db, context.settings, user.id, context.clock.now()
    ):
        context.resources.wake()
