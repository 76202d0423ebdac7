"""Small helpers every journey's handlers share: replying and reading the person."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, Update

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
