"""Choosing the next prompt for a person and drawing the prompt message."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite
from telegram import InlineKeyboardMarkup

from bot.handlers.buttons import keyboard, pack
from bot.prompts import SESSION_QUESTIONS, Asked, Catalogue, Prompt, Situation, choose_prompt
from bot.render import Renderer
from bot.store import deliveries, sessions
from bot.timezones import zone_from_name

# How much history the chooser sees: enough to rotate themes fairly (it never repeats within 14).
HISTORY = timedelta(days=60)
# "The day before a session": the session is on the next local date. The question about what
# to bring is asked once in this stretch.
QUESTIONS_LOOKBACK = timedelta(hours=36)


async def situation_for(
    conn: aiosqlite.Connection, catalogue: Catalogue, user_id: int, now: datetime
) -> Situation:
    """Where the person stands relative to their sessions, for the next reminder's prompt.

    Right after a session (``practice_due``): ask what they want to practise. The day before
    one: ask once what they are bringing. Otherwise an ordinary prompt.
    """
    practice_due, zone_name, next_session = await sessions.standing(conn, user_id)
    if practice_due:
        return Situation.AFTER_SESSION
    if next_session is None or zone_name is None:
        return Situation.ORDINARY
    zone = zone_from_name(zone_name)
    if next_session.astimezone(zone).date() != now.astimezone(zone).date() + timedelta(days=1):
        return Situation.ORDINARY
    recent = await deliveries.recent_prompts(conn, user_id, now - QUESTIONS_LOOKBACK)
    asked = {catalogue.get(prompt_id).theme for prompt_id, _ in recent if catalogue.get(prompt_id)}  # type: ignore[union-attr]
    return Situation.ORDINARY if SESSION_QUESTIONS in asked else Situation.DAY_BEFORE_SESSION


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
    renderer: Renderer, prompt: Prompt, owner: int, delivery_id: int, *, with_mood: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of a prompt message (Later, Another question, Skip), and the
    one-tap mood scale under them when the person chose it in /settings."""
    text = renderer.render("prompt.j2", prompt=prompt, with_mood=with_mood)
    rows = [
        [
            (renderer.label("later"), pack("later", owner, delivery_id)),
            (renderer.label("another"), pack("another", owner, delivery_id)),
            (renderer.label("skip"), pack("skip", owner, delivery_id)),
        ]
    ]
    if with_mood:
        rows.append([(renderer.label("mood_word", score=s), pack("mood", owner, s)) for s in range(1, 6)])
    return text, keyboard(rows)
