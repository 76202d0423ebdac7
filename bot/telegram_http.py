"""How Between talks HTTP to Telegram: kept-alive connections, and a queue in front of them for
everything the rate limiter does not meter.

python-telegram-bot's default (``HTTPXRequest``) allows 256 connections. Between has many
requests in flight at once (every person's queue acknowledges on its own, and a group commit
releases several acknowledgements together), and httpcore's pool walks every connection it holds
(two system calls each) whenever a request starts or ends; past 20 connections it closes idle
ones and opens new ones. So:

- Requests that are not messages (the ✍ reactions, answers to button presses, ...) go through
  at most ``CONNECTIONS`` at a time; the rest wait their turn in an asyncio queue, in the order
  they came, where waiting costs nothing.
- Messages (sending, editing, copying, forwarding one) skip that queue: the rate limiter
  (bot/ratelimit.py) has already timed each one to keep within Telegram's 30 a second, and a
  queue after it would bunch them up again. Its own limits and the dispatcher's sends in flight
  bound them.
- The pool holds at most ``POOL`` connections, httpx's number of kept-alive ones, so it never
  closes a connection to open another.

Nothing is sent sooner or differently: a request only waits for a connection to be free.
Telegram's Bot API sets no cookies, so responses are not searched for them (httpx would build a
``urllib`` request and a cookie jar lookup for every response).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from telegram.request import HTTPXRequest

from bot.ratelimit import MESSAGE_METHODS

CONNECTIONS = 4  # requests other than messages in flight at once
POOL = 20  # connections to Telegram kept, at most (httpx keeps 20 alive)
POOL_TIMEOUT = 30.0  # seconds a request may wait for a connection (the queue makes it rare)


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing: the Bot API sets no cookies."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _CookielessClient(httpx.AsyncClient):
    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, value: Any) -> None:
        if value:
            raise ValueError("the Bot API uses no cookies")


_NO_COOKIES = _NoCookies()


def is_message(url: str) -> bool:
    """Whether a Bot API call sends, edits, copies or forwards a message (what the rate limiter
    meters), from its URL."""
    method = url.rsplit("/", 1)[-1]
    return method.startswith(MESSAGE_METHODS) and method != "sendChatAction"


class TelegramRequest(HTTPXRequest):
    """``HTTPXRequest`` with a bounded pool, and a first-come queue for what is not a message."""

    __slots__ = ("_turns",)

    def __init__(self, connections: int | None = None, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=POOL, pool_timeout=POOL_TIMEOUT, **kwargs)
        self._turns = asyncio.Semaphore(connections or CONNECTIONS)

    def _build_client(self) -> httpx.AsyncClient:
        return _CookielessClient(**self._client_kwargs)

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if is_message(url):
            return await super().do_request(url, *args, **kwargs)
        async with self._turns:
            return await super().do_request(url, *args, **kwargs)
