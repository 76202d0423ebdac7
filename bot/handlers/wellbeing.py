"""The WHO-5 wellbeing check-in: /wellbeing, an answer's button (or a typed answer), Start and
Not now under an offer, and Bring to session under a result (docs/wellbeing.md)."""

from __future__ import annotations

from datetime import UTC

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.services import journal
from bot.services import wellbeing as service
from bot.services.wellbeing import Result, Stale, Step
from bot.store.entries import NewEntry
from bot.views.buttons import Action, Press
from bot.views.replies import drop_buttons, reply
from bot.views.wellbeing import bring_text, item_message, item_text, result_message
from bot.who5 import ANSWERS


def add_handlers(app: AnyApplication) -> None:
    """Register /wellbeing and its buttons."""
    app.add_handler(command("wellbeing", wellbeing_command))
    app.add_handler(button(answer_button, Action.WELLBEING))
    app.add_handler(button(start_button, Action.WELLBEING_START))
    app.add_handler(button(not_now_button, Action.WELLBEING_NOT_NOW))
    app.add_handler(button(bring_button, Action.WELLBEING_BRING))


async def wellbeing_command(update: Update, context: BetweenContext) -> None:
    """/wellbeing: a new check-in, at its first item."""
    owner = user_id(update)
    step = await service.start(context.db, owner, language(update), context.clock.now())
    await reply(update, *item_message(context.renderer, owner, step))


async def start_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Start, under an offer."""
    await query.answer()
    await drop_buttons(query)
    step = await service.start(context.db, press.owner, language(update), context.clock.now())
    await reply(update, *item_message(context.renderer, press.owner, step))


async def not_now_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Not now, under an offer: nothing more is said or asked until the next offer."""
    await query.answer(context.renderer.line("wellbeing_not_now"))
    await drop_buttons(query)


async def answer_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """One of the six answers under an item (data: run, item, value)."""
    index, value = press.number(1), press.number(2)
    if len(press.args) != 3 or index is None or value not in ANSWERS:
        await query.answer(context.renderer.line("button_stale"))
        return
    assert value is not None
    outcome = await service.answer(
        context.db, press.owner, Step(press.args[0], index), value, context.clock.now()
    )
    if isinstance(outcome, Stale):
        await query.answer(context.renderer.line(f"wellbeing_{outcome.value}"))
        await drop_buttons(query)
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        await _show_answer(message, context, index, value)
    await _next(update, context, press.owner, outcome)


async def typed_answer(update: Update, context: BetweenContext) -> None:
    """A typed answer while a check-in waits for one (a digit 0-5, or an answer's words).
    Raises BadInput, before anything changes, for anything else."""
    message = update.effective_message
    assert message is not None and message.text is not None
    owner = user_id(update)
    value = service.read_answer(message.text, context.renderer.language)
    step = await service.current(context.db, owner)
    if step is None:  # it ended in the meantime
        await reply(update, context.renderer.line("wellbeing_left"))
        return
    outcome = await service.answer(context.db, owner, step, value, context.clock.now())
    if isinstance(outcome, Stale):
        await reply(update, context.renderer.line(f"wellbeing_{outcome.value}"))
        return
    await _next(update, context, owner, outcome)


async def _next(update: Update, context: BetweenContext, owner: int, outcome: Step | Result) -> None:
    if isinstance(outcome, Step):
        await reply(update, *item_message(context.renderer, owner, outcome))
    else:
        await reply(update, *result_message(context.renderer, owner, outcome))


async def _show_answer(message: Message, context: BetweenContext, index: int, value: int) -> None:
    """The item keeps the answer given under it; its buttons go."""
    try:
        await message.edit_text(item_text(context.renderer, index, value), parse_mode="HTML")
    except BadRequest as error:  # already so (a replay): what we wanted
        if "not modified" not in error.message.lower():
            raise


async def bring_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Bring to session, under a low or falling result: kept as an item for the next session
    (once: it is keyed on the result's message)."""
    message = query.message
    result = await service.result_of(context.db, press.owner, press.args[0]) if press.args else None
    if result is None or not isinstance(message, Message):
        await query.answer(context.renderer.line("button_stale"))
        return
    now = context.clock.now()
    await journal.keep(
        context.db,
        NewEntry(
            user_id=press.owner,
            chat_id=message.chat_id,
            message_id=message.message_id,
            kind="bring",
            text=bring_text(context.renderer, result),
            file_id=None,
            written_at=now.astimezone(UTC),
            bring=True,
        ),
        reply_to_message_id=None,
        language_code=language(update),
        now=now,
        link_to_prompt=False,
    )
    await query.answer(context.renderer.line("wellbeing_brought"))
    await drop_buttons(query)
