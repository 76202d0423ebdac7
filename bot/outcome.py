"""How handling one update went: a passing fault (tried again) or a final one (the person hears).

The intake (bot/intake.py) sets :data:`current_outcome` around each update; the one error
handler (bot/handlers/errors.py) fills it in. Both read :func:`is_transient` from here.
"""

from __future__ import annotations

import contextvars
import sqlite3
from dataclasses import dataclass

from telegram.error import BadRequest, NetworkError, RetryAfter

MAX_ATTEMPTS = 5


@dataclass
class Outcome:
    """How processing one update went, filled in by the error handler (bot/handlers/errors.py)."""

    update_id: int
    attempt: int
    error: BaseException | None = None

    @property
    def final(self) -> bool:
        """True when this failure will not be retried: the person should hear about it."""
        return self.error is not None and (not is_transient(self.error) or self.attempt >= MAX_ATTEMPTS)


# The update being processed right now: the error handler runs inside process_update, in the
# same task, so it can report back without any shared mutable state.
current_outcome: contextvars.ContextVar[Outcome | None] = contextvars.ContextVar(
    "current_outcome", default=None
)


def is_transient(error: BaseException) -> bool:
    """A fault that may well pass if the same update is tried again a little later."""
    if isinstance(error, BadRequest):
        return False  # python-telegram-bot makes it a NetworkError, but a 400 stays a 400
    if isinstance(error, NetworkError | RetryAfter):  # TimedOut and 5xx are NetworkErrors
        return True
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
