"""What is left after every journey had its turn: unknown commands and buttons no one knows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import BetweenContext
from bot.handlers.answering import keep_words
from bot.handlers.common import AnyApplication
from bot.views.replies import reply


def add_handlers(app: AnyApplication) -> None:
    """Register the catch-alls; they must come after every journey's handlers."""
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command))


async def unknown_command(update: Update, context: BetweenContext) -> None:
    """A command Between does not have: say so and point to /help. Words written after it
    ("/sigh today was hard") are kept as a note: nothing a person writes is lost."""
    message = update.message
    words = message.text.partition(" ")[2].strip() if message and message.text else ""
    text = context.renderer.line("unknown_command")
    if words:
        await keep_words(update, context)
        text += " " + context.renderer.line("kept_as_note")
    await reply(update, text)


async def stale_button(update: Update, context: BetweenContext) -> None:
    """A button Between no longer knows (an old message, or data that is not ours)."""
    query = update.callback_query
    assert query is not None
    await query.answer(context.renderer.line("button_stale"))
