"""What every journey's handlers share: reading the person, and registering commands and buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BetweenContext
from bot.views.buttons import Action, Press, pattern, unpack

# What add_handlers registers on (the composition root builds it with Between's context type).
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
ButtonCallback = Callable[[Update, BetweenContext, CallbackQuery, Press], Awaitable[None]]


def user_id(update: Update) -> int:
    """The Telegram user id of whoever sent the update."""
    user = update.effective_user
    assert user is not None
    return user.id


def language(update: Update) -> str | None:
    """The person's Telegram language code, if Telegram sent one."""
    user = update.effective_user
    return user.language_code if user else None


def command(name: str, callback: Any) -> CommandHandler[Any, Any]:
    """A command handler for new messages only.

    python-telegram-bot also runs commands on *edited* messages by default: editing "/mood 4"
    to "/mood 2" would log a second mood. An edited command goes to bot/handlers/answering.py.
    """
    return CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)


def button(callback: ButtonCallback, *actions: Action) -> CallbackQueryHandler[Any, Any]:
    """A handler for presses of ``actions``, called only with a press that belongs to the presser.

    A press that is malformed or someone else's is answered with a short notice and changes
    nothing; ``callback`` never sees it.
    """

    @wraps(callback)
    async def checked(update: Update, context: BetweenContext) -> None:
        query = update.callback_query
        assert query is not None
        press = unpack(query.data)
        if press is None or press.owner != query.from_user.id:
            await query.answer(context.renderer.line("button_not_yours"))
            return
        await callback(update, context, query, press)

    return CallbackQueryHandler(checked, pattern=pattern(*actions))
