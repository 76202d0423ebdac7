"""Helpers for the intake's fault and fairness tests: fast waits, an outage, a note's fate."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from bot.localapi import LocalBotAPI
from bot.localapi.records import ApiError

TIME_SCALE = 0.02  # one second of the intake's waits passes in 20 ms


class FastWaits:
    """The intake's waits (retries, backoff) at ``TIME_SCALE`` of their length, recorded.

    Everything else runs in real time, so a fault that lasts ``n * TIME_SCALE`` real seconds
    lasts ``n`` seconds as the intake sees it.
    """

    def __init__(self, scale: float = TIME_SCALE) -> None:
        self.scale = scale
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(seconds * self.scale)


class OutageAPI(LocalBotAPI):
    """The stand-in, able to answer every call with 502 for a while, as during an outage.

    ``outage_on(method, seconds)`` starts the outage at the next call of ``method`` (that call
    fails too) and ends it ``seconds`` of real time later.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._trigger: tuple[str, float] | None = None
        self.outage: tuple[float, float] | None = None  # (start, end), time.monotonic()
        self.refused: list[tuple[str, float]] = []  # (method, when) answered 502

    def outage_on(self, method: str, seconds: float) -> None:
        self._trigger = (method, seconds)

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        now = time.monotonic()
        if self._trigger is not None and self._trigger[0] == method:
            self.outage = (now, now + self._trigger[1])
            self._trigger = None
        if self.outage is not None and self.outage[0] <= now < self.outage[1]:
            self.refused.append((method, now))
            raise ApiError(502, "Bad Gateway")
        return super()._dispatch(method, params)


def acknowledged(api: LocalBotAPI, update: dict[str, Any]) -> bool:
    """Whether the bot reacted to the message in ``update`` (its sign that a note is kept)."""
    message = update["message"]
    return bool(api.reactions(message["chat"]["id"], message["message_id"]))


async def inbox_rows(harness: Any) -> dict[int, tuple[str, bool]]:
    """Every inbox row: update id -> (state, whether it still holds its payload)."""
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT update_id, state, payload IS NOT NULL FROM inbox") as cur:
            return {row[0]: (row[1], bool(row[2])) for row in await cur.fetchall()}


async def entry_texts(harness: Any, user_id: int) -> list[str]:
    """A person's stored entries, in message order."""
    async with harness.runtime.db.read() as conn:
        async with conn.execute(
            "SELECT text FROM entries WHERE user_id = ? ORDER BY message_id", (user_id,)
        ) as cur:
            return [row[0] for row in await cur.fetchall()]


def full(message: str = "database or disk is full") -> sqlite3.OperationalError:
    return sqlite3.OperationalError(message)
