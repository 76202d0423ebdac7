"""What is left after every journey had its turn: unknown commands and unexpected things."""

from __future__ import annotations

from telegram import Update

from bot.context import BetweenContext
from bot.handlers.common import reply


async def unknown_command(update: Update, context: BetweenContext) -> None:
    """A command Between does not have: say so and point to /help."""
    await reply(update, context.renderer.line("unknown_command"))


async def stale_button(update: Update, context: BetweenContext) -> None:
    """A button Between no longer knows (an old message, or data that is not ours)."""
    query = update.callback_query
    assert query is not None
    await query.answer(context.renderer.line("button_stale"))
