"""Journey 5, the therapy schedule: /session and its buttons (move, skip one, stop)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.buttons import keyboard, pack
from bot.handlers.common import command, drop_buttons, own_press, reply, user_id
from bot.parsing import parse_session_args
from bot.services import sessions as service
from bot.services.recap import day_view
from bot.store import people
from bot.store.sessions import Plan
from bot.timezones import zone_from_name


def instant_code(instant: datetime) -> str:
    """An instant as short button data (Unix seconds in base 36)."""
    return _base36(int(instant.timestamp()))


def instant_from_code(code: str) -> datetime | None:
    """The instant :func:`instant_code` wrote; None for anything malformed."""
    try:
        return datetime.fromtimestamp(int(code, 36), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def plan_view(plan: Plan, zone: tzinfo, now: datetime) -> dict[str, object]:
    """What templates need to show a plan."""
    return {"date": day_view(plan.next_at, zone, now.astimezone(zone).date()), "repeat": plan.repeat_days}


async def session(update: Update, context: BetweenContext) -> None:
    """/session [DAY TIME [weekly | every 2 weeks | once] | done | skip | stop]."""
    owner = user_id(update)
    now = context.clock.now()
    lead = context.settings.recap_lead
    renderer = context.renderer
    markup = None
    async with context.db.transaction() as conn:
        person = await people.get(conn, owner)
        if person is None or person.zone is None:
            raise BadInput("session_zone_first")
        zone = zone_from_name(person.zone)
        spec = parse_session_args(context.args or [], local_now=now.astimezone(zone))
        if spec.action == "done":
            plan = await service.mark_session_held(conn, owner, now, lead=lead, now=now)
            text = renderer.line("session_held", next=plan_view(plan, zone, now) if plan else None)
        elif spec.action == "skip":
            skipped, plan = await service.skip_next(conn, owner, now, lead=lead)
            view = plan_view(plan, zone, now) if plan else None
            text = (
                renderer.line("session_skipped", next=view)
                if skipped
                else renderer.line("session_nothing_to_skip")
            )
        elif spec.action == "stop":
            text = renderer.line("session_stopped", had=await service.stop(conn, owner))
        elif spec.action == "set":
            plan = await service.set_plan(conn, owner, spec, now, lead=lead)
            text = renderer.line("session_set", next=plan_view(plan, zone, now))
        else:
            plan = await service.catch_up(conn, owner, now, lead=lead)
            if plan is None:
                text = renderer.line("session_none")
            else:
                text = renderer.line("session_next", next=plan_view(plan, zone, now))
                markup = _buttons(context, owner, plan)
    context.resources.wake()  # recap_due may have changed: the dispatcher looks again
    await reply(update, text, markup)


def _buttons(context: BetweenContext, owner: int, plan: Plan) -> InlineKeyboardMarkup:
    """Move, skip one (repeating plans), stop: each names the session it was shown for."""
    renderer = context.renderer
    stamp = instant_code(plan.next_at)
    row = [(renderer.label("session_move"), pack("ssmv", owner, stamp))]
    if plan.repeat_days:
        row.append((renderer.label("session_skip"), pack("ssskip", owner, stamp)))
        row.append((renderer.label("session_stop"), pack("ssstop", owner, stamp)))
    else:
        row.append((renderer.label("session_cancel"), pack("ssstop", owner, stamp)))
    return keyboard([row])


async def session_button(update: Update, context: BetweenContext) -> None:
    """A press under /session. A button shown for a session that has moved since does nothing."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    renderer = context.renderer
    shown_for = instant_from_code(press.args[0]) if press.args else None
    now = context.clock.now()
    lead = context.settings.recap_lead
    async with context.db.transaction() as conn:
        person = await people.get(conn, press.owner)
        plan = await service.catch_up(conn, press.owner, now, lead=lead)
        if person is None or person.zone is None or plan is None or plan.next_at != shown_for:
            text = None
        elif press.action == "ssskip":
            _, plan = await service.skip_next(conn, press.owner, now, lead=lead, expected=shown_for)
            zone = zone_from_name(person.zone)
            text = renderer.line("session_skipped", next=plan_view(plan, zone, now) if plan else None)
        elif press.action == "ssstop":
            text = renderer.line("session_stopped", had=await service.stop(conn, press.owner))
        else:
            zone = zone_from_name(person.zone)
            text = renderer.line("session_move_ask", next=plan_view(plan, zone, now))
    if text is None:
        await query.answer(renderer.line("button_stale"))
        return
    await query.answer()
    await drop_buttons(query)
    context.resources.wake()
    await reply(update, text)


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register /session and its buttons."""
    app.add_handler(command("session", session))
    app.add_handler(CallbackQueryHandler(session_button, pattern=r"^(ssmv|ssskip|ssstop):"))
