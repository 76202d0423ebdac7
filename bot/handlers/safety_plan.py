"""Journey 7, the safety plan: /safetyplan makes one step by step or shows it, its buttons edit a
step or erase it, and the one calm offer to make one after a crisis reply went to someone
without a plan (docs/safety-plan.md)."""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.handlers.safety import send_crisis_resources, suggests_crisis
from bot.outcome import current_outcome
from bot.services import erase
from bot.services import safety_plan as service
from bot.views import safety_plan as view
from bot.views.buttons import Action, Press
from bot.views.replies import drop_buttons, reply

log = logging.getLogger(__name__)


def add_handlers(app: AnyApplication) -> None:
    """Register /safetyplan and the plan's buttons."""
    app.add_handler(command("safetyplan", safetyplan_command))
    app.add_handler(button(next_button, Action.SAFETY_PLAN_NEXT))
    app.add_handler(button(edit_button, Action.SAFETY_PLAN_EDIT))
    app.add_handler(
        button(
            erase_button,
            Action.SAFETY_PLAN_ERASE,
            Action.SAFETY_PLAN_ERASE_CONFIRM,
            Action.SAFETY_PLAN_ERASE_CANCEL,
        )
    )
    app.add_handler(button(offer_button, Action.SAFETY_PLAN_MAKE, Action.SAFETY_PLAN_NOT_NOW))


async def safetyplan_command(update: Update, context: BetweenContext) -> None:
    """/safetyplan: the whole plan with its buttons, or (none yet) the first step."""
    await _start(update, context)


async def _start(update: Update, context: BetweenContext) -> None:
    owner = user_id(update)
    started, plan = await service.start(context.db, owner, context.clock.now(), language(update))
    if started is service.Start.SHOW:
        await _send(update, view.whole_plan(context.renderer, owner, plan.steps))
        return
    await reply(update, *view.ask_step(context.renderer, owner, 1, intro=True))


async def step_answer(update: Update, context: BetweenContext) -> None:
    """A message while a step is asked (answering.ASKS): kept in the plan, never as a note. Words
    that suggest crisis come here only at step 1 (warning signs): kept in the step too, and
    answered with the plan and resources; at any other step answering.py keeps them as a note."""
    message = update.effective_message
    assert message is not None and message.text is not None
    owner = user_id(update)
    writing = await service.write(context.db, owner, message.text, message.message_id, context.clock.now())
    if writing is None:  # the ask ended meanwhile; answering only calls this while it is open
        return
    if suggests_crisis(context, message.text):
        await send_crisis_resources(update, context)
    finishing = writing.editing or writing.step == service.STEPS[-1]
    await reply(update, *view.step_kept(context.renderer, owner, writing.step, finishing=finishing))


async def next_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Skip, Done with this step, Done, Keep it as it is: go on from the step the button is for."""
    step = press.number()
    if step is None:
        await query.answer(context.renderer.line("button_stale"))
        return
    owner = press.owner
    moved, asked = await service.move_on(context.db, owner, step, context.clock.now())
    if moved is service.Moved.STALE:
        await query.answer(context.renderer.line("button_stale"))
        return
    await query.answer()
    await drop_buttons(query)
    renderer = context.renderer
    if moved is service.Moved.NEXT:
        assert asked is not None
        await reply(update, *view.ask_step(renderer, owner, asked))
        return
    plan = await service.plan(context.db, owner)
    if not plan.exists:
        await reply(update, view.say(renderer, "finished_empty"))
        return
    before = view.say(renderer, "finished" if moved is service.Moved.FINISHED else "edited")
    await _send(update, view.whole_plan(renderer, owner, plan.steps, before=before))


async def edit_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """✎ under the plan: the next message(s) take the place of that step."""
    step = press.number()
    owner = press.owner
    if step is None or not await service.edit(context.db, owner, step, context.clock.now()):
        await query.answer(view.say(context.renderer, "no_plan"))
        return
    await query.answer()
    plan = await service.plan(context.db, owner)
    await _send(update, view.ask_edit(context.renderer, owner, step, plan.steps.get(step)))


async def erase_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Erase my plan, and its confirmation (Yes, erase it / No, keep it)."""
    renderer = context.renderer
    owner = press.owner
    if press.action is Action.SAFETY_PLAN_ERASE:
        plan = await service.plan(context.db, owner)
        if not plan.exists:
            await query.answer(view.say(renderer, "no_plan"))
            return
        await query.answer()
        await reply(update, *view.erase_confirm(renderer, owner, plan.version))
        return
    if press.action is Action.SAFETY_PLAN_ERASE_CANCEL:
        await query.answer()
        await drop_buttons(query)
        await reply(update, view.say(renderer, "erase_kept"))
        return
    version = press.args[0] if press.args else ""
    outcome = current_outcome.get()
    retried = outcome is not None and outcome.attempt > 1
    if not await service.erase(context.db, owner, version):
        left = await service.plan(context.db, owner) if retried else None
        if left is None or left.exists:
            await query.answer(view.say(renderer, "no_plan"))
            await drop_buttons(query)
            return
        # This press erased the plan on an earlier try, whose checkpoint a reader kept waiting.
    with contextlib.suppress(BadRequest):  # answered once: a press tried again cannot be
        await query.answer()
    with contextlib.suppress(BadRequest):
        await drop_buttons(query)
    await _until_gone(update, context, retried=retried)
    await reply(update, view.say(renderer, "erased"))


async def _until_gone(update: Update, context: BetweenContext, *, retried: bool) -> None:
    """Wait until the erased plan's words are gone from the database file and its WAL too (the
    checkpoint /delete waits for, services/erase.py), so "erased" is said only then. A reader
    elsewhere can only delay it: after a moment the person hears it is under way, after a few
    minutes honestly why it is not done, and the press is tried again (a passing fault) until
    the checkpoint goes through."""
    db, renderer = context.db, context.renderer
    if retried:  # they were told on the first try
        if not await erase.wipe(db, erase.RETRY_PATIENCE, report=False):
            raise erase.StillReading()
        return
    if not await erase.wipe(db, erase.NOTICE_AFTER, report=False):
        await reply(update, view.say(renderer, "erasing"))
        if not await erase.wipe(db, erase.PATIENCE - erase.NOTICE_AFTER):
            await reply(update, view.say(renderer, "erasing_slow"))
            raise erase.StillReading()


async def offer_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Under the later offer: Make my plan, or Not now."""
    await query.answer()
    await drop_buttons(query)
    if press.action is Action.SAFETY_PLAN_NOT_NOW:
        await reply(update, view.say(context.renderer, "offer_declined"))
        return
    await _start(update, context)


async def offer_if_due(update: Update, context: BetweenContext) -> None:
    """After an ordinary message: the one offer to make a plan, when it is due (services)."""
    owner = user_id(update)
    if await service.offer_due(context.db, owner, context.clock.now()):
        log.info("update %s: safety plan offered", update.update_id)
        await reply(update, *view.offer(context.renderer, owner))


async def _send(update: Update, messages: list[view.Message]) -> None:
    for text, markup in messages:
        await reply(update, text, markup)
