"""What every handler can reach: the resources, behind a typed CallbackContext."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.prompts import Catalogue
from bot.render import Renderer
from bot.safety import CrisisDetector
from bot.safety import Resources as CrisisResources
from bot.store.db import Database


@dataclass
class Resources:
    """Long-lived objects, built once by the composition root (bot/app.py)."""

    settings: Settings
    db: Database
    clock: Clock
    renderer: Renderer
    catalogue: Catalogue
    detector: CrisisDetector
    crisis_resources: CrisisResources
    # Asks the dispatcher to look again at what is due (after a schedule changed). Replaced by
    # the runtime once its timer runs; tests drive the dispatcher directly.
    wake: Callable[[], None] = field(default=lambda: None)


class BetweenContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with Between's resources as attributes, so a handler's needs are visible."""

    @property
    def resources(self) -> Resources:
        return self.bot_data["resources"]  # type: ignore[no-any-return]

    @property
    def db(self) -> Database:
        return self.resources.db

    @property
    def clock(self) -> Clock:
        return self.resources.clock

    @property
    def renderer(self) -> Renderer:
        return self.resources.renderer

    @property
    def settings(self) -> Settings:
        return self.resources.settings
