"""Where "now" comes from: injected wherever it matters, so tests move time, never sleep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class Clock(Protocol):
    """Anything that can tell the current instant."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)

    def now(self) -> datetime:
        """The instant the clock was last set or advanced to."""
        return self._now

    def advance(self, delta: timedelta | None = None, /, **kwargs: Any) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**kwargs)``; return the new now.

        Refuses to go backwards: a test that wants that says so with :meth:`set`.
        """
        step = (delta or timedelta(0)) + timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("advance() only moves forward; use set() to go back")
        self._now += step
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (an aware datetime in any zone)."""
        self._now = _as_utc(instant)


def _as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a clock works with aware datetimes")
    return instant.astimezone(UTC)
