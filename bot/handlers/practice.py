"""Practice between sessions: /practice and its buttons, /experiment and its questions, and
"Didn't get to it" under a question that comes back to a practice (bot/services/practice.py)."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.common import AnyApplication, button, command, user_id
from bot.services import conversation
from bot.services import practice as service
from bot.services.conversation import Ask
from bot.views.buttons import Action, Press
from bot.views.practice import practice_list, sure_buttons, when_buttons
from bot.views.replies import drop_buttons, reply


def add_handlers(app: AnyApplication) -> None:
    """Register /practice, /experiment and their buttons."""
    app.add_handler(command("practice", practice_command))
    app.add_handler(command("experiment", experiment_command))
    app.add_handler(
        button(practice_button, Action.PRACTICE_DONE, Action.PRACTICE_LET_GO, Action.PRACTICE_ADD)
    )
    app.add_handler(button(not_yet_button, Action.PRACTICE_NOT_YET))
    app.add_handler(button(sure_button, Action.EXPERIMENT_SURE))
    app.add_handler(button(when_button, Action.EXPERIMENT_WHEN))


def _words(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    return message.text.partition(" ")[2].strip() if message.text else ""


async def practice_command(update: Update, context: BetweenContext) -> None:
    """/practice lists what the person is practising; /practice TEXT adds one."""
    owner = user_id(update)
    words = _words(update)
    now = context.clock.now()
    if words:
        if len(words) > service.MAX_TEXT:
            # Too long for a practice, but written: kept as a note, never lost.
            from bot.handlers.answering import keep_words

            await keep_words(update, context)
            error = BadInput("practice_too_long", limit=service.MAX_TEXT)
            await reply(
                update, context.renderer.bad_input(error) + " " + context.renderer.line("kept_as_note")
            )
            return
        added = await service.add(context.db, owner, words, now)
        await reply(update, context.renderer.line("practice_added", text=added.text))
        return
    text, markup = practice_list(context.renderer, owner, await service.open_ones(context.db, owner))
    await reply(update, text, markup)


async def practice_answer(update: Update, context: BetweenContext) -> None:
    """The message after "+ Add one": the practice."""
    message = update.effective_message
    assert message is not None and message.text is not None
    added = await service.add(context.db, user_id(update), message.text, context.clock.now(), answered=True)
    await reply(update, context.renderer.line("practice_added", text=added.text))


async def practice_button(
    update: Update, context: BetweenContext, query: CallbackQuery, press: Press
) -> None:
    """Done / Let it go under /practice, or + Add one."""
    now = context.clock.now()
    renderer = context.renderer
    if press.action == Action.PRACTICE_ADD:
        await service.ask_for_one(context.db, press.owner, now)
        await query.answer()
        await reply(update, renderer.line("practice_ask"))
        return
    practice_id = press.number()
    state = "done" if press.action == Action.PRACTICE_DONE else "let_go"
    closed = practice_id is not None and await service.close(context.db, press.owner, practice_id, state, now)
    if not closed:
        await query.answer(renderer.line("button_stale"))
        return
    await query.answer(renderer.line("practice_marked_done" if state == "done" else "practice_marked_let_go"))
    text, markup = practice_list(renderer, press.owner, await service.open_ones(context.db, press.owner))
    await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)


async def not_yet_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """ "Didn't get to it" under a question that came back: a kind, valid answer."""
    delivery_id = press.number()
    kept = delivery_id is not None and await service.not_yet(
        context.db, press.owner, delivery_id, context.clock.now()
    )
    if not kept:
        await query.answer(context.renderer.line("button_stale"))
        return
    await query.answer()
    await drop_buttons(query)
    await reply(update, context.renderer.line("practice_not_yet_kept"))


# --- /experiment ---------------------------------------------------------------------------


async def experiment_command(update: Update, context: BetweenContext) -> None:
    """/experiment [what I will try]: asks what they will try, what they expect, how sure."""
    owner = user_id(update)
    asked, experiment_id = await service.start_experiment(
        context.db, owner, _words(update), context.clock.now()
    )
    renderer = context.renderer
    if asked == Ask.EXPERIMENT_SURE:  # a half-made experiment, continued where it stopped
        buttons = sure_buttons(renderer, owner, experiment_id)
        await reply(update, renderer.line("experiment_ask_sure"), buttons)
        return
    line = "experiment_ask_try" if asked == Ask.EXPERIMENT_TRY else "experiment_ask_expect"
    await reply(update, renderer.line(line))


async def experiment_answer(update: Update, context: BetweenContext) -> None:
    """A reply to one of the experiment's questions (raises BadInput when it cannot be read)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    owner = user_id(update)
    now = context.clock.now()
    ask = await conversation.pending_ask(context.db, owner, now)
    assert ask is not None
    renderer = context.renderer
    try:
        experiment = await service.experiment_reply(context.db, owner, ask, message.text, now)
    except BadInput as error:
        if ask != Ask.EXPERIMENT_SURE or error.code not in ("sure_unread", "sure_out_of_range"):
            raise
        # An answer to "how sure" that is not a number: the question stays open while its
        # buttons do, and the kind line says what works. The words are the answer attempt,
        # not a note.
        await conversation.still_asking(context.db, owner, Ask.EXPERIMENT_SURE, now)
        await reply(update, renderer.bad_input(error))
        return
    if ask == Ask.EXPERIMENT_TRY:
        await reply(update, renderer.line("experiment_ask_expect"))
    elif ask == Ask.EXPERIMENT_EXPECT:
        await reply(
            update, renderer.line("experiment_ask_sure"), sure_buttons(renderer, owner, experiment.id)
        )
    elif ask == Ask.EXPERIMENT_SURE:
        await reply(
            update, renderer.line("experiment_ask_when"), when_buttons(renderer, owner, experiment.id)
        )
    else:
        await reply(update, renderer.line("experiment_learned_kept"))


async def sure_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """A "how sure" button."""
    experiment_id, value = press.number(0), press.number(1)
    renderer = context.renderer
    experiment = None
    if experiment_id is not None and value is not None:
        experiment = await service.sure_button(
            context.db, press.owner, experiment_id, value, context.clock.now()
        )
    if experiment is None:
        await query.answer(renderer.line("button_stale"))
        return
    await query.answer()
    await drop_buttons(query)
    await reply(
        update, renderer.line("experiment_ask_when"), when_buttons(renderer, press.owner, experiment.id)
    )


async def when_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Tonight / tomorrow / with my next question."""
    experiment_id = press.number()
    choice = press.args[1] if len(press.args) == 2 else ""
    at = None
    if experiment_id is not None:
        at = await service.when_button(context.db, press.owner, experiment_id, choice, context.clock.now())
    if at is None:
        await query.answer(context.renderer.line("button_stale"))
        return
    await query.answer()
    await drop_buttons(query)
    await reply(update, context.renderer.line("experiment_when_set", choice=choice))
