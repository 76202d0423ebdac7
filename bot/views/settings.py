"""/settings: everything in one place, with a button for each part."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.render import Renderer
from bot.store.people import Person
from bot.store.reminders import Reminder
from bot.store.wellbeing import Offers
from bot.timezones import describe_zone
from bot.views.buttons import Action, keyboard, pack
from bot.views.reminders import paused_until_view, reminder_view
from bot.views.wellbeing import settings_rows as wellbeing_rows


def settings_message(
    renderer: Renderer,
    person: Person,
    items: list[Reminder],
    now: datetime,
    *,
    wellbeing: Offers | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The zone, language, reminders, pause, the mood and wellbeing settings, with buttons to
    change each."""
    offers = wellbeing or Offers()
    owner = person.user_id
    paused = person.paused(now)
    rows = [
        [(renderer.label("settings_zone"), pack(Action.SETTINGS, owner, "zone")),
         (renderer.label("settings_reminders"), pack(Action.SETTINGS, owner, "remind"))],
        [(renderer.label("settings_resume" if paused else "settings_pause"),
          pack(Action.SETTINGS, owner, "resume" if paused else "pause")),
         (renderer.label("settings_language"), pack(Action.SETTINGS, owner, "language"))],
        [(renderer.label("settings_mood", on=person.mood_with_prompts),
          pack(Action.SETTINGS, owner, "mood"))],
        *wellbeing_rows(renderer, owner, offers),
    ]  # fmt: skip
    text = renderer.render(
        "settings.j2",
        zone=describe_zone(person.zone, now) if person.zone else None,
        reminders=[reminder_view(r) for r in items],
        paused=paused,
        mood_with_prompts=person.mood_with_prompts,
        paused_until=paused_until_view(person, now),
        wellbeing=offers,
    )
    return text, keyboard(rows)
