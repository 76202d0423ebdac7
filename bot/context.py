"""What every handler can reach: the resources, behind a typed CallbackContext."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
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
    renderer: Renderer  # in the operator's default language; .speaking() gives the others
    catalogue: Catalogue
    detector: CrisisDetector
    crisis_resources: CrisisResources
    # Asks the dispatcher to look again at what is due (after a schedule changed). Replaced by
    # the runtime once its timer runs; tests drive the dispatcher directly.
    wake: Callable[[], None] = field(default=lambda: None)


# The language of the update being handled, as (update id, language): set before the journeys
# run (bot/handlers/language.py) and read by every context of that update, the error handler's
# too, which python-telegram-bot builds afresh but runs in the same task.
_SPEAKING: ContextVar[tuple[int, str] | None] = ContextVar("between_speaking", default=None)


class BetweenContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with Between's resources as attributes, so a handler's needs are visible."""

    _update_id: int | None = None
    _telegram_language: str | None = None

    @classmethod
    def from_update(cls, update: object, application: Any) -> BetweenContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._update_id = update.update_id
            user = update.effective_user
            context._telegram_language = user.language_code if user else None
        return context

    @property
    def resources(self) -> Resources:
        resources: Resources = self.bot_data["resources"]
        return resources

    @property
    def db(self) -> Database:
        return self.resources.db

    @property
    def clock(self) -> Clock:
        return self.resources.clock

    @property
    def language(self) -> str:
        """The language Between speaks with this person: the one stored for them, else their
        Telegram language if Between speaks it, else the operator's default."""
        speaking = _SPEAKING.get()
        if speaking is not None and speaking[0] == self._update_id:
            return speaking[1]
        return self.resources.renderer.speaking(self._telegram_language).language

    def speak(self, code: str | None) -> None:
        """Speak the language of ``code`` (``de-AT`` -> German) for the rest of this update."""
        if self._update_id is not None:
            _SPEAKING.set((self._update_id, self.resources.renderer.speaking(code).language))

    @property
    def renderer(self) -> Renderer:
        """The templates, in the person's language."""
        return self.resources.renderer.speaking(self.language)

    @property
    def catalogue(self) -> Catalogue:
        """The prompts, worded in the person's language (English where there is no wording)."""
        return self.resources.catalogue.speaking(self.language)

    @property
    def settings(self) -> Settings:
        return self.resources.settings
