"""Journey 2, a break from questions: /pause, its buttons, "until which date?", and /resume."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, user_id
from bot.parsing import PauseSpec, parse_pause_args
from bot.services import onboarding
from bot.services import reminders as service
from bot.services.conversation import Ask
from bot.views.buttons import Action, Press
from bot.views.reminders import local_view, pause_choices
from bot.views.replies import drop_buttons, reply

PAUSE_CHOICES = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}


def add_handlers(app: AnyApplication) -> None:
    """Register /pause, /resume and the pause buttons."""
    app.add_handler(command("pause", pause))
    app.add_handler(command("resume", resume))
    app.add_handler(button(pause_button, Action.PAUSE))


async def pause(update: Update, context: BetweenContext) -> None:
    """/pause [3d | 2w | until DATE | forever]; alone, it offers buttons."""
    owner = user_id(update)
    today = await onboarding.local_today(context.db, owner, context.clock.now())
    spec = parse_pause_args(context.args or [], today=today, language=context.language)
    if spec is None:
        await reply(update, *pause_choices(context.renderer, owner))
        return
    await _pause_as(update, context, spec)


async def pause_date_answer(update: Update, context: BetweenContext) -> None:
    """A plain message answering "until which date?"."""
    message = update.effective_message
    assert message is not None and message.text is not None
    owner = user_id(update)
    today = await onboarding.local_today(context.db, owner, context.clock.now())
    spec = parse_pause_args(["until", message.text], today=today, language=context.language)
    assert spec is not None
    await _pause_as(update, context, spec, answered=True)


async def _pause_as(
    update: Update, context: BetweenContext, spec: PauseSpec, *, answered: bool = False
) -> None:
    if spec.indefinite:
        await _pause(update, context, answered=answered)
    else:
        await _pause(update, context, duration=spec.duration, until=spec.until, answered=answered)


async def _pause(
    update: Update,
    context: BetweenContext,
    *,
    duration: timedelta | None = None,
    until: date | None = None,
    answered: bool = False,
) -> None:
    end, zone = await service.pause(
        context.db, user_id(update), context.clock.now(), duration=duration, until=until, answered=answered
    )
    context.resources.wake()
    await reply(update, context.renderer.line("paused", until=local_view(end, zone) if end else None))


async def pause_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """A choice from the /pause buttons."""
    choice = press.args[0] if press.args else ""
    if choice in PAUSE_CHOICES:
        await query.answer()
        await drop_buttons(query)
        await _pause(update, context, duration=PAUSE_CHOICES[choice])
    elif choice == "open":
        await query.answer()
        await drop_buttons(query)
        await _pause(update, context)
    elif choice == "date":
        await service.ask(context.db, press.owner, Ask.PAUSE_DATE, context.clock.now())
        await query.answer()
        await reply(update, context.renderer.line("ask_pause_date"))
    else:
        await query.answer(context.renderer.line("button_stale"))


async def resume(update: Update, context: BetweenContext) -> None:
    """/resume: end a pause at once."""
    resumed = await service.resume(context.db, user_id(update), context.clock.now())
    context.resources.wake()
    await reply(update, context.renderer.line("resumed" if resumed else "not_paused"))
