"""The therapy schedule as the person sees it: the next session, and the buttons under it."""

from __future__ import annotations

from datetime import datetime, tzinfo

from telegram import InlineKeyboardMarkup

from bot.render import Renderer
from bot.services.recap import day_view
from bot.services.sessions import Outcome
from bot.store.sessions import Plan
from bot.views.buttons import Action, instant_code, keyboard, pack


def plan_view(plan: Plan, zone: tzinfo, now: datetime) -> dict[str, object]:
    """What templates need to show a plan."""
    return {"date": day_view(plan.next_at, zone, now.astimezone(zone).date()), "repeat": plan.repeat_days}


def outcome_text(renderer: Renderer, outcome: Outcome, zone: tzinfo, now: datetime) -> str:
    """The one line that answers a /session command or button."""
    if outcome.reply == "session_stopped":
        return renderer.line("session_stopped", had=outcome.had)
    if outcome.reply in ("session_none", "session_nothing_to_skip"):
        return renderer.line(outcome.reply)
    view = plan_view(outcome.plan, zone, now) if outcome.plan else None
    return renderer.line(outcome.reply, next=view)


def session_buttons(renderer: Renderer, owner: int, plan: Plan) -> InlineKeyboardMarkup:
    """Move, skip one (repeating plans), stop: each names the session it was shown for."""
    stamp = instant_code(plan.next_at)
    row = [(renderer.label("session_move"), pack(Action.SESSION_MOVE, owner, stamp))]
    if plan.repeat_days:
        row.append((renderer.label("session_skip"), pack(Action.SESSION_SKIP, owner, stamp)))
        row.append((renderer.label("session_stop"), pack(Action.SESSION_STOP, owner, stamp)))
    else:
        row.append((renderer.label("session_cancel"), pack(Action.SESSION_STOP, owner, stamp)))
    return keyboard([row])
