"""Sending within Telegram's limits, as Telegram counts them.

Telegram allows about 30 messages a second overall and 20 a minute in one group, and answers
429 with the seconds to wait when a bot goes over. python-telegram-bot's AIORateLimiter meters
with a leaky bucket: with a bucket of ``c`` and a rate of ``r`` a second, one rolling second can
carry ``c + r`` sends, so staying at or under 30 in every second means ``c + r <= 30`` — and in
practice its timer wake-ups bring that down to about 27 a second (bench/bench_reminders.py,
scenario 4: 3,000 prompts took 111 s instead of 100). This limiter applies the rule itself: a
send may go when fewer than the limit went in the last window. It plugs into python-telegram-
bot's own extension point (``BaseRateLimiter``), and like AIORateLimiter it waits and retries
when Telegram still answers 429, holding every other message back meanwhile.

Only messages are metered (methods that send, edit, copy or forward one): answering a button
press or setting a reaction is not a message and should not wait behind a queue of reminders.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.intake import retry_seconds

log = logging.getLogger(__name__)

MESSAGE_METHODS = ("send", "edit", "copy", "forward")
_EPSILON = 1e-9


class RollingWindow:
    """At most ``limit`` acquisitions in any ``period`` seconds, first come first served, and
    at least ``min_gap`` seconds apart."""

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        min_gap: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.period = period
        self.min_gap = min_gap
        self._clock = clock
        self._sleep = sleep
        self._times: deque[float] = deque()
        self._turn = asyncio.Lock()  # one waiter at a time keeps the order fair

    async def acquire(self) -> None:
        """Wait until one more use fits in the window, and record it."""
        async with self._turn:
            while True:
                now = self._clock()
                # A nanosecond's tolerance: a wait computed to the float's last digit may end
                # a hair early, and waiting again for nothing would never end.
                while self._times and now - self._times[0] >= self.period - _EPSILON:
                    self._times.popleft()
                if self._times and now - self._times[-1] < self.min_gap - _EPSILON:
                    await self._sleep(self.min_gap - (now - self._times[-1]))
                elif len(self._times) < self.limit:
                    self._times.append(now)
                    return
                else:
                    await self._sleep(self.period - (now - self._times[0]))


class TelegramRateLimiter(BaseRateLimiter[int]):
    """Telegram's limits as rolling windows, with 429s retried after the time Telegram asks.

    ``margin`` widens each window a little: Telegram counts when requests arrive, and two
    requests sent a window apart may arrive slightly closer together. Sends are also spread at
    least half a window's share apart, so a window's worth does not leave (and arrive, jittered)
    in one burst; the window stays the limit that binds.
    """

    def __init__(
        self,
        *,
        overall: tuple[int, float] = (30, 1.0),
        per_group: tuple[int, float] = (20, 60.0),
        margin: float = 0.03,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._window = lambda limit, period: RollingWindow(
            limit, period + margin, min_gap=period / limit / 2, clock=clock, sleep=sleep
        )
        self._overall = self._window(*overall)
        self._per_group = per_group
        self._groups: dict[int | str, RollingWindow] = {}
        self._max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._hold_until = 0.0  # when Telegram's last "retry after" ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for room in the windows that apply, send, and retry a 429 after the time asked."""
        metered = (
            endpoint.startswith(MESSAGE_METHODS)
            and endpoint != "sendChatAction"
            and data.get("chat_id") is not None
        )
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        for attempt in range(retries + 1):
            if metered:
                await self._wait_out_hold()
                group = _group_of(data["chat_id"])
                if group is not None:
                    if group not in self._groups:
                        self._groups[group] = self._window(*self._per_group)
                    await self._groups[group].acquire()
                await self._overall.acquire()
                await self._wait_out_hold()  # a hold may have begun while this send queued
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_seconds(error) + 0.1
                if metered:  # every message waits it out, even if this one gives up now
                    log.info("Telegram asked to wait %.1f s; holding all messages", wait)
                    self._hold_until = max(self._hold_until, self._clock() + wait)
                if attempt == retries:
                    raise
                if not metered:  # other calls: only this one waits
                    await self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_out_hold(self) -> None:
        while (left := self._hold_until - self._clock()) > _EPSILON:
            await self._sleep(left)


def _group_of(chat_id: object) -> int | str | None:
    """The chat id if it is a group or channel (negative, or an @username), else None."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) and chat_id < 0 else None
