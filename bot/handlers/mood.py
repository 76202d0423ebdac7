"""Journey 4, the mood check-in: /mood, /mood 4, and a tap on the scale."""

from __future__ import annotations

from datetime import UTC

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.mood import MOOD_SCORES
from bot.services import mood as service
from bot.views.buttons import Action, Press
from bot.views.mood import drop_mood_scale, mood_scale
from bot.views.replies import reply


def add_handlers(app: AnyApplication) -> None:
    """Register /mood and the scale's buttons (also those under a prompt)."""
    app.add_handler(command("mood", mood_command))
    app.add_handler(button(mood_button, Action.MOOD))


async def mood_command(update: Update, context: BetweenContext) -> None:
    """/mood offers the 1-5 scale; /mood 4 logs it at once."""
    args = context.args or []
    owner = user_id(update)
    message = update.effective_message
    assert message is not None
    if not args:
        await reply(update, context.renderer.line("mood_ask"), mood_scale(context.renderer, owner))
        return
    score = service.parse_mood(" ".join(args))
    now = context.clock.now()
    await service.log(
        context.db,
        owner,
        language(update),
        score,
        when=message.date.astimezone(UTC) if message.date else now,
        chat_id=message.chat_id,
        message_id=message.message_id,
        now=now,
    )
    await reply(update, context.renderer.line("mood_logged", score=score))


async def mood_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """A tap on the mood scale (one mood per scale message)."""
    scale = query.message
    now = context.clock.now()
    too_old = scale is None or not scale.date or now - scale.date > service.MOOD_BUTTON_LIFETIME
    score = press.number()
    if too_old or score not in MOOD_SCORES:
        await query.answer(context.renderer.line("button_stale"))
        return
    assert scale is not None and score is not None
    # Logged first (keyed on the scale's message, so a replay is harmless), then the scale goes.
    logged = await service.log(
        context.db,
        press.owner,
        language(update),
        score,
        when=now,
        chat_id=scale.chat.id,
        message_id=scale.message_id,
        now=now,
    )
    if logged:
        await query.answer()
        await reply(update, context.renderer.line("mood_logged", score=score))
    else:
        await query.answer(context.renderer.line("mood_already"))
    await drop_mood_scale(query)
