"""The composition root: builds the Application, wires every journey in one ordered list, and
starts and stops the database, the intake and the dispatcher together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BetweenContext, Resources
from bot.dispatch import Dispatcher, DispatchTimer
from bot.handlers import (
    access,
    answering,
    data_rights,
    fallback,
    language,
    mood,
    onboarding,
    pause,
    practice,
    prompt,
    recap,
    reminders,
    safety_plan,
    sessions,
    settings,
    wellbeing,
)
from bot.handlers.errors import on_error
from bot.i18n import available
from bot.intake import Intake
from bot.prompts import load_catalogue
from bot.ratelimit import TelegramRateLimiter
from bot.render import Renderer
from bot.safety import CrisisDetector, load_resources
from bot.store.db import Database
from bot.store.migrate import migrate
from bot.telegram_http import TelegramRequest
from bot.views.menu import MENU, menu_commands

log = logging.getLogger(__name__)

# Every journey, in the order its handlers are registered. Within a group python-telegram-bot
# runs the first handler that matches, so the order matters in two places: access runs first
# (in groups of its own), and fallback (unknown commands, unknown buttons) comes last. The
# answering journey takes every message that is not a new command, so it may stand anywhere
# after access. To add a command: a function in its journey's module, registered in that
# module's add_handlers, and its name in bot/views/menu.py (the command menu and /help).
JOURNEYS = (
    language,  # the person's language (first, so even a refusal is in it), /language
    access,  # private chats only, who may use the bot, welcome back
    onboarding,  # /start, /timezone, /help
    settings,  # /settings
    reminders,  # /remind
    pause,  # /pause, /resume
    prompt,  # /prompt, Later / Another question / Skip
    answering,  # messages, edits, /bring
    mood,  # /mood and the scale
    wellbeing,  # /wellbeing, the WHO-5 check-in and its offer
    sessions,  # /session
    practice,  # /practice, /experiment, "Didn't get to it"
    recap,  # /recap and its files
    safety_plan,  # /safetyplan and its buttons
    data_rights,  # /export, /delete
    fallback,  # unknown commands and buttons: last
)

BetweenApp = Application[Any, BetweenContext, Any, Any, Any, Any]


def build_application(settings: Settings, *, db: Database, clock: Clock) -> BetweenApp:
    """Build the python-telegram-bot Application with every handler and resource wired in.

    There is no Updater: bot/intake.py reads updates itself so that none is lost.
    """
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .base_file_url(settings.file_api_url)
        .updater(None)
        # A few kept-alive connections with a queue in front (bot/telegram_http.py).
        .request(TelegramRequest())
        # Within Telegram's limits, as Telegram counts them (bot/ratelimit.py).
        .rate_limiter(TelegramRateLimiter())
        .context_types(ContextTypes(context=BetweenContext))
        .build()
    )
    application.bot_data["resources"] = Resources(
        settings=settings,
        db=db,
        clock=clock,
        renderer=Renderer(language=settings.default_language),
        catalogue=load_catalogue(*([settings.prompts_dir] if settings.prompts_dir else [])),
        detector=CrisisDetector.default(),
        crisis_resources=load_resources(settings.crisis_resources),
    )
    for journey in JOURNEYS:
        journey.add_handlers(application)
    application.add_error_handler(on_error)
    return application


def registered_commands(app: BetweenApp) -> list[str]:
    """The commands that have a handler, in menu order."""
    names = {
        name
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    return [name for name in MENU if name in names]


async def register_commands(app: BetweenApp) -> None:
    """Publish the command menu (setMyCommands) and the bot's descriptions in every language
    Between speaks, for Telegram to show by each person's app language; without a language code,
    in the operator's default language."""
    default: Renderer = app.bot_data["resources"].renderer
    names = registered_commands(app)
    for code in ["", *(spoken for spoken in available() if len(spoken) == 2)]:
        renderer = default.speaking(code or None)
        await app.bot.set_my_commands(menu_commands(renderer, names), language_code=code or None)
        await app.bot.set_my_description(renderer.label("bot_description"), language_code=code or None)
        await app.bot.set_my_short_description(
            renderer.label("bot_short_description"), language_code=code or None
        )


class Runtime:
    """Everything a running bot holds: the database, the Application, the intake (updates in)
    and the dispatcher (prompts and recaps out). Build with :func:`running`."""

    def __init__(self, settings: Settings, db: Database, app: BetweenApp, clock: Clock) -> None:
        self.settings = settings
        self.db = db
        self.app = app
        self.clock = clock
        resources: Resources = app.bot_data["resources"]
        self.intake = Intake(app, db, clock, poll_timeout=settings.poll_timeout)
        self.dispatcher = Dispatcher(
            app,
            db,
            clock,
            resources.renderer,
            resources.catalogue,
            grace=settings.grace,
            recap_lead=settings.recap_lead,
            settings=settings,
        )
        self.timer = DispatchTimer(self.dispatcher, app.job_queue)

    async def start_timer(self) -> None:
        """Wake the dispatcher by the wall clock (not used by tests, which move a fake clock).

        The first tick runs at once: it sends what came due while the bot was down (within the
        grace window) and records older ones as missed. From then on a handler that changed a
        schedule wakes the dispatcher through ``Resources.wake``.
        """
        self.app.bot_data["resources"].wake = self.timer.wake
        await self.dispatcher.tick()
        await self.timer.arm()

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set."""
        await self.app.bot.delete_webhook(drop_pending_updates=False)
        await self.intake.poll(stop)


@asynccontextmanager
async def running(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Runtime]:
    """Open the database (migrating it), start the Application; stop and close on exit."""
    clock = clock or SystemClock()
    db = await Database.open(settings.db_path)
    try:
        applied = await migrate(db)
        if applied:
            log.info("database migrated to version %d", applied[-1])
        app = build_application(settings, db=db, clock=clock)
        async with app:  # initialize() / shutdown()
            await app.start()
            try:
                await register_commands(app)
                runtime = Runtime(settings, db, app, clock)
                yield runtime
                runtime.timer.cancel()
            finally:
                await app.stop()
    finally:
        await db.close()
