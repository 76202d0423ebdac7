"""The composition root: builds the Application and wires every handler in one place."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram import Update

from bot.clock import Clock
from bot.config import Settings
from bot.context import BetweenContext, Resources
from bot.handlers import fallback, guards, messages, onboarding
from bot.handlers.errors import on_error
from bot.render import Renderer
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
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .base_file_url(settings.file_api_url)
        .updater(None)
        # Stay within Telegram's limits (30 messages/s overall, 20/min per group) and retry
        # a 429 after the time Telegram asks for.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .context_types(ContextTypes(context=BetweenContext))
        .build()
    )
    application.bot_data["resources"] = Resources(
        settings=settings, db=db, clock=clock, renderer=renderer
    )
    _add_handlers(application)
    return application


def _add_handlers(app: BetweenApp) -> None:
    # Group -2 and -1 run before everything and may stop an update: groups first (nothing from a
    # group chat is stored), then access control.
    app.add_handler(TypeHandler(Update, guards.private_only), group=-2)
    app.add_handler(TypeHandler(Update, guards.allowed_only), group=-1)

    # Commands.
    app.add_handler(CommandHandler("start", onboarding.start))
    app.add_handler(CommandHandler("timezone", onboarding.timezone))
    app.add_handler(CommandHandler("help", onboarding.help_command))
    app.add_handler(CommandHandler("settings", onboarding.settings_command))

    # Buttons. Each pattern names an action prefix from bot/handlers/buttons.py.
    app.add_handler(CallbackQueryHandler(onboarding.zone_button, pattern=r"^tz\??:"))
    app.add_handler(CallbackQueryHandler(fallback.stale_button))

    # Messages: anything a person writes. Unknown commands come last.
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command))
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE,
                       messages.on_message)
    )

    app.add_error_handler(on_error)  # type: ignore[arg-type]


async def register_commands(app: BetweenApp) -> None:
    """Publish the command menu (setMyCommands)."""
    renderer: Renderer = app.bot_data["resources"].renderer
    await app.bot.set_my_commands(
        [BotCommand(name, renderer.label(f"cmd_{name}")) for name in COMMANDS]
    )
