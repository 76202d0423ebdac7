"""The composition root: builds the Application and wires every handler in one place."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.clock import Clock
from bot.config import Settings
from bot.context import BetweenContext, Resources
from bot.handlers import (
    answers,
    data,
    fallback,
    guards,
    messages,
    onboarding,
    prompting,
    recap,
    reminders,
    sessions,
)
from bot.handlers.common import command
from bot.handlers.errors import on_error
from bot.prompts import load_catalogue
from bot.ratelimit import TelegramRateLimiter
from bot.render import Renderer
from bot.safety import CrisisDetector, load_resources
from bot.store.db import Database

log = logging.getLogger(__name__)

# The command menu, in the order people see it. Descriptions live in templates/labels.txt.j2.
COMMANDS = (
    "start", "help", "prompt", "remind", "pause", "resume", "timezone", "mood",
    "session", "recap", "bring", "export", "delete", "settings",
)  # fmt: skip

BetweenApp = Application[Any, BetweenContext, Any, Any, Any, Any]


def build_application(settings: Settings, *, db: Database, clock: Clock) -> BetweenApp:
    """Build the python-telegram-bot Application with every handler and resource wired in.

    There is no Updater: bot/intake.py reads updates itself so that none is lost.
    """
    renderer = Renderer()
    catalogue = load_catalogue(*([settings.prompts_dir] if settings.prompts_dir else []))
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .base_file_url(settings.file_api_url)
        .updater(None)
        # Within Telegram's limits, as Telegram counts them (bot/ratelimit.py).
        .rate_limiter(TelegramRateLimiter())
        .context_types(ContextTypes(context=BetweenContext))
        .build()
    )
    application.bot_data["resources"] = Resources(
        settings=settings,
        db=db,
        clock=clock,
        renderer=renderer,
        catalogue=catalogue,
        detector=CrisisDetector.default(),
        crisis_resources=load_resources(settings.crisis_resources),
    )
    _add_handlers(application)
    return application


def _add_handlers(app: BetweenApp) -> None:
    # Groups -3..-1 run before everything (one handler per group runs): group chats are refused
    # first (nothing from a group is stored), then access control, then a person Telegram said
    # we could not reach is marked reachable again.
    app.add_handler(TypeHandler(Update, guards.private_only), group=-3)
    app.add_handler(TypeHandler(Update, guards.allowed_only), group=-2)
    app.add_handler(TypeHandler(Update, guards.welcome_back), group=-1)

    # Commands.
    app.add_handler(command("start", onboarding.start))
    app.add_handler(command("timezone", onboarding.timezone))
    app.add_handler(command("help", onboarding.help_command))
    app.add_handler(command("settings", onboarding.settings_command))
    app.add_handler(command("remind", reminders.remind))
    app.add_handler(command("pause", reminders.pause))
    app.add_handler(command("resume", reminders.resume))
    app.add_handler(command("prompt", prompting.prompt_now))
    app.add_handler(command("bring", answers.bring_command))
    app.add_handler(command("mood", answers.mood_command))

    data.add_handlers(app)

    sessions.add_handlers(app)
    recap.add_handlers(app)

    # Buttons. Each pattern names an action prefix from bot/handlers/buttons.py.
    app.add_handler(CallbackQueryHandler(onboarding.zone_button, pattern=r"^tz\??:"))
    app.add_handler(CallbackQueryHandler(reminders.reminder_button, pattern=r"^(rm|rmadd|rmdef|rmno):"))
    app.add_handler(CallbackQueryHandler(reminders.pause_button, pattern=r"^pause:"))
    app.add_handler(CallbackQueryHandler(onboarding.settings_button, pattern=r"^set:"))
    app.add_handler(CallbackQueryHandler(prompting.prompt_button, pattern=r"^(later|another|skip):"))
    app.add_handler(CallbackQueryHandler(prompting.snooze_button, pattern=r"^snz:"))
    app.add_handler(CallbackQueryHandler(answers.bring_button, pattern=r"^bring:"))
    app.add_handler(CallbackQueryHandler(answers.mood_button, pattern=r"^mood:"))
    app.add_handler(CallbackQueryHandler(fallback.stale_button))

    # Messages: anything a person writes. Unknown commands come last.
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, fallback.unknown_command))
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE, messages.on_message)
    )

    app.add_error_handler(on_error)  # type: ignore[arg-type]


def registered_commands(app: BetweenApp) -> list[str]:
    """The commands that have a handler, in menu order."""
    names = {
        name
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    return [name for name in COMMANDS if name in names]


async def register_commands(app: BetweenApp) -> None:
    """Publish the command menu (setMyCommands): every command that has a handler."""
    renderer: Renderer = app.bot_data["resources"].renderer
    await app.bot.set_my_commands(
        [BotCommand(name, renderer.label(f"cmd_{name}")) for name in registered_commands(app)]
    )
