"""/settings: everything in one place; each button opens that part exactly as its command would."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.handlers import language as language_journey
from bot.handlers import onboarding, pause, reminders
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.services import onboarding as service
from bot.services import wellbeing
from bot.views.buttons import Action, Press
from bot.views.replies import reply
from bot.views.settings import settings_message


def add_handlers(app: AnyApplication) -> None:
    """Register /settings and its buttons."""
    app.add_handler(command("settings", settings_command))
    app.add_handler(button(settings_button, Action.SETTINGS))


async def settings_command(update: Update, context: BetweenContext) -> None:
    """Zone, language, reminders, pause and the mood setting, with buttons to change them."""
    now = context.clock.now()
    person, items = await service.settings(context.db, user_id(update), language(update), now)
    offers = await wellbeing.offers(context.db, person.user_id)
    await reply(update, *settings_message(context.renderer, person, items, now, wellbeing=offers))


async def settings_button(
    update: Update, context: BetweenContext, query: CallbackQuery, press: Press
) -> None:
    """A button under /settings."""
    await query.answer()
    context.args = []
    choice = press.args[0] if press.args else ""
    if choice == "zone":
        await onboarding.timezone(update, context)
    elif choice == "remind":
        await reminders.remind(update, context)
    elif choice == "pause":
        await pause.pause(update, context)
    elif choice == "resume":
        await pause.resume(update, context)
    elif choice == "language":
        await language_journey.language_command(update, context)
    elif choice == "mood":
        await service.toggle_mood_with_prompts(context.db, press.owner, language(update), context.clock.now())
        await settings_command(update, context)
    elif choice in ("wb", "wbs"):
        which = "every" if choice == "wb" else "session"
        await wellbeing.toggle(context.db, press.owner, which, language(update), context.clock.now())
        await settings_command(update, context)
