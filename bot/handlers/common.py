"""Small helpers every journey's handlers share: replying and reading the person."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, filters

from bot.context import BetweenContext
from bot.handlers.buttons import Press, unpack

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send Telegram HTML to the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    return await chat.send_message(
        text, parse_mode="HTML", reply_markup=markup, link_preview_options=_NO_PREVIEW
    )


def user_id(update: Update) -> int:
    """The Telegram user id of whoever sent the update."""
    user = update.effective_user
    assert user is not None
    return user.id


def language(update: Update) -> str | None:
    """The person's Telegram language code, if Telegram sent one."""
    user = update.effective_user
    return user.language_code if user else None


async def own_press(update: Update, context: BetweenContext) -> Press | None:
    """Decode a button press and check it belongs to whoever pressed it.

    A press that is malformed or someone else's is answered with a short notice and None is
    returned: the caller changes nothing.
    """
    query = update.callback_query
    assert query is not None
    press = unpack(query.data)
    if press is None or press.owner != query.from_user.id:
        await query.answer(context.renderer.line("button_not_yours"))
        return None
    return press


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove the buttons under the message a button was pressed on.

    Already gone (a second tap, a replay) is fine: Telegram's "message is not modified" is the
    outcome we wanted, not an error.
    """
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


def command(name: str, callback: Any) -> CommandHandler[Any, Any]:
    """A command handler for new messages only.

    python-telegram-bot also runs commands on *edited* messages by default: editing "/mood 4"
    to "/mood 2" would log a second mood. An edited command goes to bot/handlers/messages.py.
    """
    return CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)
