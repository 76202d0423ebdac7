"""The language Between speaks with a person: found before anything else runs, and /language.

A person is spoken to in the language stored for them (the one they chose, else their Telegram
language from first contact); someone Between does not know yet in their Telegram language. Any
language Between does not speak gives the operator's default (BETWEEN_DEFAULT_LANGUAGE).
"""

from __future__ import annotations

import logging

from telegram import BotCommandScopeChat, CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import TypeHandler

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.i18n import available, language_named
from bot.services import language as service
from bot.services import onboarding
from bot.views.buttons import Action, Press
from bot.views.language import language_choices
from bot.views.menu import menu_commands
from bot.views.replies import drop_buttons, reply

log = logging.getLogger(__name__)

# Before access control (groups -4..-2): a refusal, too, is said in the person's language.
SPEAK_GROUP = -5


def add_handlers(app: AnyApplication) -> None:
    """Find the person's language for every update; register /language and its buttons."""
    app.add_handler(TypeHandler(Update, speak_their_language), group=SPEAK_GROUP)
    app.add_handler(command("language", language_command))
    app.add_handler(button(language_button, Action.LANGUAGE))


async def speak_their_language(update: Update, context: BetweenContext) -> None:
    """Everything said while handling this update is in the person's language."""
    user = update.effective_user
    if user is not None:
        # The update's one read of the person (bot/services/onboarding.py): access and the
        # journeys find it there.
        found = await onboarding.person(context.db, user.id)
        context.speak((found.language_code if found is not None else None) or user.language_code)


async def language_command(update: Update, context: BetweenContext) -> None:
    """/language alone: a button per language; /language de (or Deutsch, German): that one."""
    text = " ".join(context.args or [])
    if not text.strip():
        await reply(update, *language_choices(context.renderer, user_id(update)))
        return
    chosen = language_named(text)
    if chosen is None:
        raise BadInput("language_unknown", text=text.strip())
    await _choose(update, context, chosen)


async def language_button(
    update: Update, context: BetweenContext, query: CallbackQuery, press: Press
) -> None:
    """A language picked under /language."""
    chosen = press.args[0] if press.args else ""
    if chosen not in available():
        await query.answer(context.renderer.line("button_stale"))
        return
    await query.answer()
    await drop_buttons(query)
    await _choose(update, context, chosen)


async def _choose(update: Update, context: BetweenContext, chosen: str) -> None:
    owner = user_id(update)
    person = await service.choose(context.db, owner, language(update), chosen, context.clock.now())
    context.speak(chosen)
    await reply(update, context.renderer.line("language_set"))
    if person.zone is None:  # the question /start asked, again, in the language just chosen
        await reply(update, context.renderer.render("timezone_ask.j2", zone=None))
    # The command menu in this chat follows the choice, whatever language the app is set to.
    try:
        await context.bot.set_my_commands(menu_commands(context.renderer), scope=BotCommandScopeChat(owner))
    except TelegramError as error:  # the choice stands; the menu catches up at the next choice
        log.info("update %s: command menu not changed: %s", update.update_id, type(error).__name__)
