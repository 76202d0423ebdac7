"""Journey 5, the therapy schedule: /session and its buttons (move, skip one, stop)."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.common import AnyApplication, button, command, user_id
from bot.parsing import parse_session_args
from bot.services import sessions as service
from bot.views.buttons import Action, Press, instant_from_code
from bot.views.replies import drop_buttons, reply
from bot.views.sessions import outcome_text, session_buttons

_CHOICES = {Action.SESSION_MOVE: "move", Action.SESSION_SKIP: "skip", Action.SESSION_STOP: "stop"}


def add_handlers(app: AnyApplication) -> None:
    """Register /session and its buttons."""
    app.add_handler(command("session", session))
    app.add_handler(button(session_button, *_CHOICES))


async def session(update: Update, context: BetweenContext) -> None:
    """/session [DAY TIME [weekly | every 2 weeks | once] | done | skip | stop]."""
    owner = user_id(update)
    now = context.clock.now()
    zone = await service.zone_for(context.db, owner)
    spec = parse_session_args(context.args or [], local_now=now.astimezone(zone), language=context.language)
    outcome = await service.apply_command(context.db, owner, spec, now, lead=context.settings.recap_lead)
    context.resources.wake()  # recap_due may have changed: the dispatcher looks again
    markup = None
    if outcome.reply == "session_next" and outcome.plan is not None:
        markup = session_buttons(context.renderer, owner, outcome.plan)
    await reply(update, outcome_text(context.renderer, outcome, zone, now), markup)


async def time_answer(update: Update, context: BetweenContext) -> None:
    """A plain message answering "when is the next session?" (after Move, or when none is planned)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    owner = user_id(update)
    now = context.clock.now()
    zone = await service.zone_for(context.db, owner)
    spec = parse_session_args(message.text.split(), local_now=now.astimezone(zone), language=context.language)
    if spec.action != "set":
        raise BadInput("session_time_expected")
    outcome = await service.apply_command(
        context.db, owner, spec, now, lead=context.settings.recap_lead, answered=True
    )
    context.resources.wake()
    await reply(update, outcome_text(context.renderer, outcome, zone, now))


async def session_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """A press under /session. A button shown for a session that has moved since does nothing."""
    shown_for = instant_from_code(press.args[0]) if press.args else None
    now = context.clock.now()
    outcome = await service.apply_button(
        context.db, press.owner, _CHOICES[press.action], shown_for, now, lead=context.settings.recap_lead
    )
    if outcome is None:
        await query.answer(context.renderer.line("button_stale"))
        return
    zone = await service.zone_for(context.db, press.owner)
    await query.answer()
    await drop_buttons(query)
    context.resources.wake()
    await reply(update, outcome_text(context.renderer, outcome, zone, now))
