"""How Between talks HTTP to Telegram: a few kept-alive connections, and a queue in front of them.

python-telegram-bot's default (``HTTPXRequest``) allows 256 connections. Between has many
requests in flight at once (every person's queue acknowledges on its own, and a group commit
releases several acknowledgements together), and httpcore's pool walks every connection it holds
(two system calls each) whenever a request starts or ends; past 20 connections it closes idle
ones and opens new ones. So the calls that are not ``getUpdates`` go through ``CONNECTIONS``
kept-alive connections, and requests beyond that wait their turn in an asyncio queue, in the
order they came, where waiting costs nothing; httpcore's pool then never queues. The requests
are the same, and nothing is sent sooner or differently: a request only waits for a connection
to be free instead of waiting inside httpcore for one.

Telegram's Bot API sets no cookies, so responses are not searched for them (httpx would build a
``urllib`` request and a cookie jar lookup for every response).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from telegram.request import HTTPXRequest

CONNECTIONS = 4  # kept-alive connections to Telegram for everything but getUpdates
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


class TelegramRequest(HTTPXRequest):
    """``HTTPXRequest`` with ``connections`` connections and a first-come queue in front of them."""

    __slots__ = ("_turns",)

    def __init__(self, connections: int | None = None, **kwargs: Any) -> None:
        connections = connections or CONNECTIONS
        super().__init__(connection_pool_size=connections, pool_timeout=POOL_TIMEOUT, **kwargs)
        self._turns = asyncio.Semaphore(connections)

    def _build_client(self) -> httpx.AsyncClient:
        return _CookielessClient(**self._client_kwargs)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._turns:
            return await super().do_request(*args, **kwargs)
