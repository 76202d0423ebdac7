"""How values are written to and read from SQLite columns.

Instants are stored as UTC text ``YYYY-MM-DD HH:MM:SS`` (SQLite's own datetime format): readable
in the sqlite3 shell, and ordered correctly by plain string comparison, so indexes work on them.
"""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%d %H:%M:%S"


def instant_to_db(instant: datetime) -> str:
    """An aware datetime as UTC text (seconds precision)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetimes are not stored: pass an aware UTC instant")
    return instant.astimezone(UTC).strftime(_FORMAT)


def instant_from_db(text: str | None) -> datetime | None:
    """UTC text back into an aware datetime (None stays None)."""
    if text is None:
        return None
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
