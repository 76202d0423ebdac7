"""Logging set-up: levels, and a guard that keeps the bot token out of every line."""

from __future__ import annotations

import logging


class RedactToken(logging.Filter):
    """Replace the bot token wherever it appears in a record (URLs in library logs carry it)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = None
        return True


def configure(level: str, token: str | None) -> None:
    """Log to stderr at ``level``. Library loggers stay at INFO or above even when DEBUG is
    asked for: at DEBUG python-telegram-bot prints whole updates, and aiosqlite prints every
    statement with its parameters, and both hold what people wrote."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet = max(logging.getLevelName(level), logging.INFO)
    for name in ("telegram", "httpx", "httpcore", "apscheduler", "aiosqlite"):
        logging.getLogger(name).setLevel(quiet)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(max(quiet, logging.WARNING))
