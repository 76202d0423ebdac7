"""A running Between: the database, the Application and the intake, started and stopped together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import BetweenApp, build_application, register_commands
from bot.clock import Clock, SystemClock
from bot.config import Settings
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
                yield Runtime(settings, db, app, clock)
            finally:
                await app.stop()
    finally:
        await db.close()
