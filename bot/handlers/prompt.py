"""Journey 2/3, a question now: /prompt, and the buttons under every prompt (Later, Another, Skip)."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.services import prompting as service
from bot.views.buttons import Action, Press
from bot.views.practice import question_message
from bot.views.prompt import prompt_message, snooze_choices
from bot.views.replies import drop_buttons, reply


def add_handlers(app: AnyApplication) -> None:
    """Register /prompt and the buttons under prompts."""
    app.add_handler(command("prompt", prompt_now))
    app.add_handler(button(prompt_button, Action.LATER, Action.ANOTHER, Action.SKIP))
    app.add_handler(button(snooze_button, Action.SNOOZE))


async def prompt_now(update: Update, context: BetweenContext) -> None:
    """/prompt: a reflection question right now."""
    owner = user_id(update)
    question = await service.ask_now(
        context.db, context.catalogue, owner, language(update), context.clock.now()
    )
    text, markup = question_message(
        context.renderer,
        question.prompt,
        owner,
        question.delivery_id,
        with_mood=question.with_mood,
        words=question.words,
    )
    message = await reply(update, text, markup)
    await service.mark_sent(context.db, owner, question.delivery_id, message.message_id, context.clock.now())


async def prompt_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Later / Another question / Skip under a prompt."""
    now = context.clock.now()
    delivery = await service.live_delivery(context.db, press.owner, press.number(), now)
    renderer = context.renderer
    if delivery is None:
        await query.answer(renderer.line("button_stale"))
        return
    if press.action == Action.LATER:
        snooze_id = await service.later(context.db, delivery, now)
        context.resources.wake()
        await query.answer(renderer.line("snoozed_hour"))
        await query.edit_message_reply_markup(snooze_choices(renderer, press.owner, snooze_id))
    elif press.action == Action.ANOTHER:
        question = await service.another(context.db, context.catalogue, delivery, now)
        text, markup = prompt_message(
            renderer, question.prompt, press.owner, question.delivery_id, with_mood=question.with_mood
        )
        await query.answer()
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    else:
        await service.skip(context.db, delivery)
        await query.answer(renderer.line("skipped"))
        await drop_buttons(query)


async def snooze_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """The second tap after Later: 3 hours, or tomorrow morning, instead of one hour."""
    choice = press.args[1] if len(press.args) == 2 else ""
    moved = await service.snooze_longer(context.db, press.owner, press.number(), choice, context.clock.now())
    if not moved:
        await query.answer(context.renderer.line("button_stale"))
        return
    context.resources.wake()
    await query.answer(context.renderer.line("snoozed_morning" if choice == "am" else "snoozed_3h"))
    await drop_buttons(query)
