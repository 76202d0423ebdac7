"""A reflection question as Telegram shows it: the text, its buttons, and the mood scale."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.mood import MOOD_SCORES
from bot.prompts import Prompt
from bot.render import Renderer
from bot.views.buttons import Action, keyboard, pack


def prompt_message(
    renderer: Renderer, prompt: Prompt, owner: int, delivery_id: int, *, with_mood: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of a prompt message (Later, Another question, Skip), and the
    one-tap mood scale under them when the person chose it in /settings."""
    text = renderer.render("prompt.j2", prompt=prompt, with_mood=with_mood)
    rows = [
        [
            (renderer.label("later"), pack(Action.LATER, owner, delivery_id)),
            (renderer.label("another"), pack(Action.ANOTHER, owner, delivery_id)),
            (renderer.label("skip"), pack(Action.SKIP, owner, delivery_id)),
        ]
    ]
    if with_mood:
        rows.append(
            [(renderer.label("mood_word", score=s), pack(Action.MOOD, owner, s)) for s in MOOD_SCORES]
        )
    return text, keyboard(rows)


def snooze_choices(renderer: Renderer, owner: int, snooze_id: int) -> InlineKeyboardMarkup:
    """After Later: in 3 hours, or tomorrow morning, instead of in an hour."""
    return keyboard(
        [
            [
                (renderer.label("later_3h"), pack(Action.SNOOZE, owner, snooze_id, "3h")),
                (renderer.label("later_morning"), pack(Action.SNOOZE, owner, snooze_id, "am")),
            ]
        ]
    )
