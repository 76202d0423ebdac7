"""Reminders and pauses as the person sees them: the list with its buttons, the default offer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.render import Renderer
from bot.services.recap import day_view
from bot.store.people import Person
from bot.store.reminders import Reminder
from bot.timezones import zone_from_name
from bot.views.buttons import Action, keyboard, pack


def reminder_view(reminder: Reminder) -> dict[str, object]:
    """What templates need to show a reminder."""
    return {"id": reminder.id, "at": reminder.at.strftime("%H:%M"), "days": sorted(reminder.days)}


def local_view(instant: datetime, zone_name: str) -> dict[str, Any]:
    """An instant as the person's wall clock reads it, in the shape the date macros format in
    the person's language ("Thu 24 Dec, 00:00", "Do., 24. Dez., 00:00")."""
    return day_view(instant, zone_from_name(zone_name))


def paused_until_view(person: Person | None, now: datetime) -> dict[str, Any] | None:
    """When the person's pause ends, on their wall clock; None when not paused to a date."""
    if person is None or not person.zone or not person.paused_until or not person.paused(now):
        return None
    return local_view(person.paused_until, person.zone)


def reminder_list(
    renderer: Renderer, owner: int, person: Person | None, items: list[Reminder], now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """/remind alone: the reminders, a button to remove each, and one to add another."""
    rows = [
        [
            (
                renderer.label("remove_reminder", at=r.at.strftime("%H:%M"), days=sorted(r.days)),
                pack(Action.REMINDER_REMOVE, owner, r.id),
            )
        ]
        for r in items
    ]
    rows.append([(renderer.label("add_reminder"), pack(Action.REMINDER_ADD, owner))])
    paused_until = None
    if person is not None and person.zone and person.paused_until:
        paused_until = local_view(person.paused_until, person.zone)
    text = renderer.render(
        "reminders.j2",
        reminders=[reminder_view(r) for r in items],
        paused=bool(person and person.paused(now)),
        paused_until=paused_until,
    )
    return text, keyboard(rows)


def default_offer(renderer: Renderer, owner: int) -> tuple[str, InlineKeyboardMarkup]:
    """After onboarding: an evening reminder (20:00, 21:00, another time, not now)."""
    markup = keyboard(
        [
            [
                ("20:00", pack(Action.REMINDER_DEFAULT, owner, "2000")),
                ("21:00", pack(Action.REMINDER_DEFAULT, owner, "2100")),
            ],
            [
                (renderer.label("another_time"), pack(Action.REMINDER_ADD, owner)),
                (renderer.label("not_now"), pack(Action.REMINDER_NOT_NOW, owner)),
            ],
        ]
    )
    return renderer.line("offer_default_reminder"), markup


def pause_choices(renderer: Renderer, owner: int) -> tuple[str, InlineKeyboardMarkup]:
    """/pause alone: 1 day, 3 days, 1 week, until a date, until I resume."""
    markup = keyboard(
        [
            [
                (renderer.label("pause_1d"), pack(Action.PAUSE, owner, "1d")),
                (renderer.label("pause_3d"), pack(Action.PAUSE, owner, "3d")),
                (renderer.label("pause_7d"), pack(Action.PAUSE, owner, "7d")),
            ],
            [
                (renderer.label("pause_date"), pack(Action.PAUSE, owner, "date")),
                (renderer.label("pause_open"), pack(Action.PAUSE, owner, "open")),
            ],
        ]
    )
    return renderer.line("pause_ask"), markup
