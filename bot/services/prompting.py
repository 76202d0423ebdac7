"""Choosing the next prompt for a person and drawing the prompt message."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite
from telegram import InlineKeyboardMarkup

from bot.handlers.buttons import keyboard, pack
from bot.prompts import Asked, Catalogue, Prompt, Situation, choose_prompt
from bot.render import Renderer
from bot.store import deliveries

# How much history the chooser sees: enough to rotate themes fairly (it never repeats within 14).
HISTORY = timedelta(days=60)


async def choose_for(
    conn: aiosqlite.Connection,
    catalogue: Catalogue,
    user_id: int,
    now: datetime,
    *,
    exclude: tuple[str, ...] = (),
    situation: Situation = Situation.ORDINARY,
) -> Prompt:
    """The next prompt for this person, from what they were asked recently."""
    history = []
    for prompt_id, sent_at in await deliveries.recent_prompts(conn, user_id, now - HISTORY):
        prompt = catalogue.get(prompt_id)
        if prompt is not None:  # an operator may have removed it since
            history.append(Asked(prompt.id, prompt.theme, sent_at))
    return choose_prompt(
        catalogue, history=history, now=now, seed=user_id, situation=situation, exclude=exclude
    )


def prompt_message(
    renderer: Renderer, prompt: Prompt, owner: int, delivery_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of a prompt message (Later, Another question, Skip)."""
    text = renderer.render("prompt.j2", prompt=prompt)
    markup = keyboard(
        [
            [
                (renderer.label("later"), pack("later", owner, delivery_id)),
                (renderer.label("another"), pack("another", owner, delivery_id)),
                (renderer.label("skip"), pack("skip", owner, delivery_id)),
            ]
        ]
    )
    return text, markup
