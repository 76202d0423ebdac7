"""How handling one update went, and what the intake does about it.

Three kinds of failure, each with its own fate (bot/intake.py acts on them):

- a passing fault (Telegram unreachable, its 5xx and 429, a locked or full database): the update
  stays in the inbox and is tried again, after a wait that doubles up to a minute, for as long
  as the bot runs. Never given up: the fault passes, or someone fixes the machine.
- the person cannot be reached (they blocked the bot): nothing more can be done for this update.
- anything else is a bug: the update is kept in the inbox, payload and all, the person hears once
  that it is saved, and the operator is told how many such updates wait.

The intake sets :data:`current_outcome` around each update; the one error handler
(bot/handlers/errors.py) fills it in.
"""

from __future__ import annotations

import contextvars
import sqlite3
import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

FIRST_RETRY = 1.0  # seconds before the first retry after a passing fault
LONGEST_RETRY = 60.0  # the wait doubles up to this, and stays there until the fault passes

# SQLite's primary result codes for a database another connection holds (BUSY, LOCKED) and for
# a full disk (FULL): all pass once the other writer commits or space is freed.
_PASSING_SQLITE_CODES = frozenset({5, 6, 13})
_PASSING_SQLITE_WORDS = ("database is locked", "database table is locked", "database or disk is full")


class Fate(Enum):
    """What becomes of an update whose handling failed."""

    RETRY = "retry"  # a passing fault: tried again later, in order
    UNREACHABLE = "unreachable"  # the person blocked the bot: nothing left to do
    KEEP = "keep"  # a bug: kept in the inbox with its payload, reported to the operator


@dataclass
class Outcome:
    """How processing one update went, filled in by the error handler (bot/handlers/errors.py)."""

    update_id: int
    attempt: int  # the try in this run, from 1 (a passing fault makes the next one)
    failed_before: int = 0  # earlier runs in which it failed with a bug (the person was told then)
    error: BaseException | None = None

    @property
    def fate(self) -> Fate | None:
        """What becomes of the update; None when it was handled."""
        return None if self.error is None else fate(self.error)


# The update being processed right now: the error handler runs inside process_update, in the
# same task, so it can report back without any shared mutable state.
current_outcome: contextvars.ContextVar[Outcome | None] = contextvars.ContextVar(
    "current_outcome", default=None
)


def fate(error: BaseException) -> Fate:
    """What the intake does with an update whose handling raised ``error``."""
    if is_transient(error):
        return Fate.RETRY
    if isinstance(error, Forbidden):
        return Fate.UNREACHABLE
    return Fate.KEEP


def is_transient(error: BaseException) -> bool:
    """A fault that passes by itself: the same update tried again later will go through."""
    if isinstance(error, BadRequest):
        return False  # python-telegram-bot makes it a NetworkError, but a 400 stays a 400
    if isinstance(error, NetworkError | RetryAfter):  # TimedOut and 5xx are NetworkErrors
        return True
    return _passing_sqlite(error)


def _passing_sqlite(error: BaseException) -> bool:
    """A locked or full database, also when it surfaces as the failed ROLLBACK after it: SQLite
    rolls a transaction back by itself on SQLITE_FULL, so the ROLLBACK that follows fails with
    "no transaction is active", and the full disk is that error's context."""
    if not isinstance(error, sqlite3.Error):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _PASSING_SQLITE_CODES:
        return True
    text = str(error).lower()
    if code is None and any(words in text for words in _PASSING_SQLITE_WORDS):
        return True  # raised by hand (tests), or by a driver that does not set the code
    if "no transaction is active" in text and error.__context__ is not error:
        return error.__context__ is not None and _passing_sqlite(error.__context__)
    return False


def retry_delay(error: BaseException | None, tries: int) -> float:
    """Seconds to wait before try ``tries + 1``: 1, 2, 4 ... up to a minute, and never less than
    Telegram asked for with a 429."""
    delay = min(FIRST_RETRY * 2 ** max(0, tries - 1), LONGEST_RETRY)
    if isinstance(error, RetryAfter):
        delay = max(delay, retry_seconds(error))
    return delay


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait, in seconds (whatever PTB's int/timedelta mode)."""
    with warnings.catch_warnings():  # PTB warns about its coming switch to timedelta
        warnings.simplefilter("ignore", DeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def describe(error: BaseException | None) -> str:
    """A fault's kind for the log: SQLite's own words or the exception's class, never data."""
    if isinstance(error, sqlite3.Error):
        context = error.__context__
        if "no transaction is active" in str(error) and isinstance(context, sqlite3.Error):
            error = context
        return str(error)
    return type(error).__name__ if error is not None else "unknown"
