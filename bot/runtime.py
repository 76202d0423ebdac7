"""A running Between: the database, the Application and the intake, started and stopped together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import BetweenApp, build_application, register_commands
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dispatch import Dispatcher, DispatchTimer
from bot.intake import Intake
from bot.store.db import Database
from bot.store.migrate import migrate

log = logging.getLogger(__name__)


class Runtime:
    """Everything a running bot holds. Build with :func:`running`."""

    def __init__(self, settings: Settings, db: Database, app: BetweenApp, clock: Clock) -> None:
        self.settings = settings
        self.db = db
        self.app = app
        self.clock = clock
        self.intake = Intake(app, db, clock, poll_timeout=settings.poll_timeout)
        resources = app.bot_data["resources"]
        self.dispatcher = Dispatcher(
            app,
            db,
            clock,
            resources.renderer,
            resources.catalogue,
            grace=settings.grace,
            recap_lead=settings.recap_lead,
        )
        self.timer: DispatchTimer | None = None

    async def start_timer(self) -> None:
        """Wake the dispatcher by the wall clock (not used by tests, which move a fake clock).

        The first tick runs at once: it sends what came due while the bot was down (within the
        grace window) and records older ones as missed.
        """
        self.timer = DispatchTimer(self.dispatcher, self.app.job_queue)
        self.app.bot_data["resources"].wake = self.timer.wake
        await self.dispatcher.tick()
        await self.timer.arm()

    async def poll(self, stop: asyncio.Event) -> None:
        """Long-poll Telegram until ``stop`` is set."""
        await self.app.bot.delete_webhook(drop_pending_updates=False)
        await self.intake.poll(stop)

    def stop_timer(self) -> None:
        """Stop waking the dispatcher."""
        if self.timer is not None:
            self.timer.cancel()


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
                runtime.stop_timer()
            finally:
                await app.stop()
    finally:
        await db.close()
