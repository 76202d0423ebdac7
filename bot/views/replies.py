"""Sending and editing messages the way every journey does: Telegram HTML, no link previews."""

from __future__ import annotations

from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.error import BadRequest

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send Telegram HTML to the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    return await chat.send_message(
        text, parse_mode="HTML", reply_markup=markup, link_preview_options=_NO_PREVIEW
    )


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove the buttons under the message a button was pressed on."""
    await _edit_markup(query, None)


def shown_markup(query: CallbackQuery) -> InlineKeyboardMarkup | None:
    """The keyboard under the message a button was pressed on (None: none, or Telegram sent the
    message as inaccessible, as it does for old ones)."""
    return query.message.reply_markup if isinstance(query.message, Message) else None


async def drop_some_buttons(query: CallbackQuery, drop: Callable[[str], bool]) -> None:
    """Remove the buttons whose data ``drop`` matches; the others stay (all gone: no keyboard)."""
    markup = shown_markup(query)
    rows = [
        [button for button in row if not drop(str(button.callback_data))]
        for row in (markup.inline_keyboard if markup else ())
    ]
    rows = [row for row in rows if row]
    await _edit_markup(query, InlineKeyboardMarkup(rows) if rows else None)


async def _edit_markup(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    # Already so (a second tap, a replay) is fine: Telegram's "message is not modified" is the
    # outcome we wanted, not an error.
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
