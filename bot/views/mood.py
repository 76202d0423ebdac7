"""The mood scale as buttons, and taking it away once a mood is noted."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup

from bot.mood import MOOD_SCORES
from bot.render import Renderer
from bot.views.buttons import Action, is_action, keyboard, pack
from bot.views.replies import drop_some_buttons


def mood_scale(renderer: Renderer, owner: int) -> InlineKeyboardMarkup:
    """/mood alone: the five steps, one per row, "very good" on top."""
    return keyboard(
        [[(renderer.label("mood", score=s), pack(Action.MOOD, owner, s))] for s in reversed(MOOD_SCORES)]
    )


async def drop_mood_scale(query: CallbackQuery) -> None:
    """Remove the mood scale; under a prompt, its other buttons (Later, Skip...) stay."""
    await drop_some_buttons(query, lambda data: is_action(data, Action.MOOD))
