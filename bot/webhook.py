"""Webhook mode: Telegram POSTs each update; we answer 200 only after it is committed.

The endpoint is aiohttp's low-level HTTP server (one route, JSON bodies, keep-alive), meant to sit
behind a TLS-terminating reverse proxy as Telegram requires https. The handling is the same as in
polling mode: ``Intake.accept`` commits the update to the inbox (so a crash after the 200 loses
nothing), then ``Intake.drain`` handles it in the background. Until the commit succeeds Telegram
gets an error status and delivers the update again later.

The port is reachable by anyone who can reach the proxy, so nothing a stranger sends may cost more
than a bounded amount of memory, time or sockets (``Limits``): the request head is capped by
aiohttp's parser (line and header sizes, header count) and reading pauses once a connection has
sent ``max_head`` bytes without a request starting, every connection must send a complete request
head within ``idle_timeout`` of connecting or of its previous answer, the number of open
connections is capped (a new one displaces the connection that has waited longest for a request),
the secret header is checked before a byte of the body is read, and the body is read within
``body_timeout`` up to ``max_body`` bytes.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from bot.app import Runtime
from bot.intake import ALLOWED_UPDATES

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Limits:
    """What one client may cost. Telegram's requests are a few kilobytes with a handful of
    headers, sent at once; the defaults leave room for a reverse proxy's additions."""

    max_body: int = 1 << 20  # an update is a few kilobytes (files come by URL, not in the body)
    max_line_size: int = 8190  # the request line, e.g. "POST /between HTTP/1.1"
    max_field_size: int = 8190  # one header line
    max_headers: int = 32
    max_head: int = 64 << 10  # read between requests before reading pauses (a head is far smaller)
    idle_timeout: float = 10.0  # from connecting (or the previous answer) to a complete request head
    body_timeout: float = 10.0  # to receive the body once the head is in
    max_connections: int = 64  # Telegram opens up to 40 by default (setWebhook max_connections)
    backlog: int = 128  # connections the kernel queues before we accept them
    shutdown_timeout: float = 5.0  # on close, for requests in flight to finish


class _Connection(RequestHandler):
    """aiohttp's protocol for one connection, plus a read budget and quiet refusals.

    Between requests a connection may send ``max_head`` bytes; past that, reading pauses until a
    request starts (the bytes after its head are its body, which has its own limits). aiohttp
    refuses an oversized or malformed head within its first kilobytes but goes on reading what
    follows, and every read it cannot parse becomes another exception whose traceback holds that
    read's bytes (a quarter megabyte) until the next full garbage collection.
    """

    def __init__(self, manager: web.Server, *, max_head: int, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.max_head = max_head
        self.head_bytes = 0
        self.in_request = False
        self.held = False

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.in_request or self.transport is None:
            return
        self.head_bytes += len(data)
        if self.head_bytes > self.max_head:
            self.held = True
            self.transport.pause_reading()

    def request_started(self) -> None:
        self.in_request = True
        self.head_bytes = 0
        if self.held and self.transport is not None:
            self.held = False
            self.transport.resume_reading()

    def request_done(self) -> None:
        self.in_request = False

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if isinstance(exc, HttpProcessingError):
            exc.__traceback__ = None  # its frames hold the bytes that could not be parsed
        return super().handle_error(request, status, exc, message)

    def log_exception(self, *args: Any, **kw: Any) -> None:
        # Anyone can send a request that cannot be parsed; it is not worth a traceback each.
        if not isinstance(kw.get("exc_info"), HttpProcessingError):
            super().log_exception(*args, **kw)


class _Connections(web.Server):
    """aiohttp's low-level server, plus what it lacks: a deadline for a connection that is not
    in the middle of a request, and a cap on open connections.

    A connection is either waiting for a request (in ``_waiting``, oldest first, with a timer
    that closes it) or handling one. When a new connection takes the count over the cap, the one
    that has waited longest is closed: idle sockets cannot keep Telegram out, and a request being
    handled is never cut off for a newcomer (if every connection is busy, the newcomer goes).
    """

    def __init__(self, handler: Any, limits: Limits, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._limits = limits
        self._connection_args = kwargs
        self._open: set[_Connection] = set()
        self._waiting: dict[_Connection, asyncio.TimerHandle] = {}

    def __call__(self) -> _Connection:
        """A protocol for each accepted socket (the server is the asyncio protocol factory)."""
        loop = asyncio.get_running_loop()
        return _Connection(self, loop=loop, max_head=self._limits.max_head, **self._connection_args)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        assert isinstance(handler, _Connection)
        self._open.add(handler)
        self._wait(handler)
        if len(self._open) > self._limits.max_connections:
            self._close(next(iter(self._waiting)))

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        super().connection_lost(handler, exc)
        assert isinstance(handler, _Connection)
        self._open.discard(handler)
        self._stop_waiting(handler)

    @property
    def open_count(self) -> int:
        return len(self._open)

    def request_started(self, handler: _Connection) -> None:
        """A request is being handled on the connection (its body has its own deadline)."""
        self._stop_waiting(handler)
        handler.request_started()

    def request_done(self, handler: _Connection) -> None:
        handler.request_done()
        self._wait(handler)

    def _wait(self, handler: _Connection) -> None:
        """The connection waits for its next request: it has ``idle_timeout`` to send the head."""
        if handler not in self._open:
            return
        self._stop_waiting(handler)
        loop = asyncio.get_running_loop()
        self._waiting[handler] = loop.call_later(self._limits.idle_timeout, self._close, handler)

    def _stop_waiting(self, handler: _Connection) -> None:
        timer = self._waiting.pop(handler, None)
        if timer is not None:
            timer.cancel()

    def _close(self, handler: _Connection) -> None:
        self._stop_waiting(handler)
        self._open.discard(handler)
        handler.force_close()


class WebhookServer:
    """Receives updates for one path, checking Telegram's secret token header."""

    def __init__(self, runtime: Runtime, path: str, secret: str, limits: Limits | None = None) -> None:
        self.runtime = runtime
        self.path = path or "/"
        self.secret = secret.encode()
        self.limits = limits or Limits()
        self._server: _Connections | None = None
        self._runner: web.ServerRunner | None = None
        self._drains: set[asyncio.Task[None]] = set()

    @property
    def open_connections(self) -> int:
        return self._server.open_count if self._server is not None else 0

    async def start(self, host: str, port: int) -> int:
        """Listen; returns the port (useful when ``port`` is 0)."""
        limits = self.limits
        self._server = _Connections(
            self._request,
            limits,
            max_line_size=limits.max_line_size,
            max_field_size=limits.max_field_size,
            max_headers=limits.max_headers,
            # Our own timer closes idle connections, also one that never sends a request or that
            # trickles its head; aiohttp's keep-alive timer (between requests) agrees with it.
            keepalive_timeout=limits.idle_timeout,
            # After refusing a request, discard what is left of its body for at most this long.
            lingering_time=1.0,
            # Telegram does not compress; a compressed body would only be a way to inflate one.
            auto_decompress=False,
            access_log=None,  # one line per message received says when people write
        )
        self._runner = web.ServerRunner(self._server, shutdown_timeout=limits.shutdown_timeout)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, backlog=limits.backlog)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """Stop listening, close idle connections and let in-flight handling finish."""
        if self._runner is not None:
            await self._runner.cleanup()
        if self._drains:
            await asyncio.gather(*self._drains, return_exceptions=True)

    async def _request(self, request: web.BaseRequest) -> web.StreamResponse:
        assert self._server is not None
        connection = request.protocol
        assert isinstance(connection, _Connection)
        self._server.request_started(connection)
        try:
            return await self._answer(request)
        finally:
            self._server.request_done(connection)

    async def _answer(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.path != self.path:
            return _refuse(404)
        if request.method != "POST":
            return _refuse(405, {"Allow": "POST"})
        # Before the body: a stranger's request costs no more than its head.
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self.secret):
            return _refuse(403)
        length = request.content_length
        if length is not None and length > self.limits.max_body:
            return _refuse(413)
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                body = await _read_body(request, self.limits.max_body)
        except TimeoutError:
            return _refuse(408)
        if body is None:
            return _refuse(413)
        try:
            update = json.loads(body)
            update_id = int(update["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400)
        try:
            await self.runtime.intake.accept([update])
        except Exception:
            log.exception("update %s could not be stored; Telegram will deliver it again", update_id)
            return web.Response(status=500)
        task = asyncio.get_running_loop().create_task(self.runtime.intake.drain())
        self._drains.add(task)
        task.add_done_callback(self._drains.discard)
        return web.Response(status=200)


async def _read_body(request: web.BaseRequest, limit: int) -> bytes | None:
    """The whole body, or None once it passes ``limit`` bytes (also when it is sent chunked)."""
    body = bytearray()
    while chunk := await request.content.readany():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _refuse(status: int, headers: dict[str, str] | None = None) -> web.Response:
    """An error answer that also closes the connection (its body may be unread)."""
    response = web.Response(status=status, headers=headers)
    response.force_close()
    return response


async def serve_webhook(runtime: Runtime, stop: asyncio.Event) -> None:
    """Register the webhook with Telegram and serve until ``stop`` is set.

    The webhook stays registered on exit: while Between is down Telegram keeps the updates and
    retries, so nothing is lost across a restart.
    """
    settings = runtime.settings
    assert settings.webhook_url is not None
    secret = secrets.token_urlsafe(32)
    server = WebhookServer(runtime, urlsplit(settings.webhook_url).path, secret)
    port = await server.start(settings.webhook_listen, settings.webhook_port)
    await runtime.intake.drain(include_failed=True)  # left over from the previous run
    await runtime.app.bot.set_webhook(
        settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
    )
    log.info("webhook registered; listening on %s:%d", settings.webhook_listen, port)
    try:
        await stop.wait()
    finally:
        await server.close()
