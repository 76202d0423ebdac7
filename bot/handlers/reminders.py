"""Journey 2, reminders: /remind, its buttons, and the answer to "which time?"."""

from __future__ import annotations

from datetime import time

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, user_id
from bot.parsing import means_off, parse_clock_time, parse_remind_args
from bot.schedule import ALL_DAYS
from bot.services import reminders as service
from bot.services.conversation import Ask
from bot.views.buttons import Action, Press
from bot.views.reminders import reminder_list, reminder_view
from bot.views.replies import drop_buttons, reply


def add_handlers(app: AnyApplication) -> None:
    """Register /remind and the reminder buttons (also those offered after onboarding)."""
    app.add_handler(command("remind", remind))
    app.add_handler(
        button(
            reminder_button,
            Action.REMINDER_REMOVE,
            Action.REMINDER_ADD,
            Action.REMINDER_DEFAULT,
            Action.REMINDER_NOT_NOW,
        )
    )


async def remind(update: Update, context: BetweenContext) -> None:
    """/remind [times] [days] | off: add reminder times, remove them all, or list them."""
    args = context.args or []
    if not args:
        await _show(update, context)
        return
    if means_off(args, context.language):
        count = await service.remove_all(context.db, user_id(update))
        await reply(update, context.renderer.line("reminders_off", count=count))
        return
    await _add(update, context, parse_remind_args(args, language=context.language))


async def time_answer(update: Update, context: BetweenContext) -> None:
    """A plain message answering "which time?" after the Add button."""
    message = update.effective_message
    assert message is not None and message.text is not None
    times = parse_remind_args(message.text.split(), language=context.language)
    await _add(update, context, times, answered=True)


async def _add(
    update: Update,
    context: BetweenContext,
    times: list[tuple[time, frozenset[int]]],
    *,
    answered: bool = False,
) -> None:
    result = await service.add_times(
        context.db, user_id(update), times, context.clock.now(), answered=answered
    )
    context.resources.wake()
    await reply(
        update,
        context.renderer.render(
            "reminders_added.j2",
            added=[{"at": at.strftime("%H:%M"), "days": sorted(days)} for at, days in result.added],
            already=[{"at": at.strftime("%H:%M"), "days": sorted(d)} for at, d in result.already],
            reminders=[reminder_view(r) for r in result.all],
        ),
    )


async def _show(update: Update, context: BetweenContext) -> None:
    owner = user_id(update)
    person, items = await service.listing(context.db, owner)
    await reply(update, *reminder_list(context.renderer, owner, person, items, context.clock.now()))


async def reminder_button(
    update: Update, context: BetweenContext, query: CallbackQuery, press: Press
) -> None:
    """Remove one, add one, take a default time, or not now."""
    renderer = context.renderer
    if press.action == Action.REMINDER_REMOVE:
        number = press.number()
        removed = number is not None and await service.remove(context.db, press.owner, number)
        await query.answer(renderer.line("reminder_removed" if removed else "button_stale"))
        if removed:
            await drop_buttons(query)
            await _show(update, context)
    elif press.action == Action.REMINDER_ADD:
        await service.ask(context.db, press.owner, Ask.REMIND_TIME, context.clock.now())
        await query.answer()
        await reply(update, renderer.line("ask_reminder_time"))
    elif press.action == Action.REMINDER_DEFAULT:
        code = press.args[0] if press.args else ""
        if len(code) != 4 or press.number() is None:
            await query.answer(renderer.line("button_stale"))
            return
        at = parse_clock_time(code[:2] + ":" + code[2:])
        await query.answer()
        await drop_buttons(query)
        await _add(update, context, [(at, ALL_DAYS)])
    elif press.action == Action.REMINDER_NOT_NOW:
        await query.answer()
        await drop_buttons(query)
        await reply(update, renderer.line("reminders_not_now"))
