"""Webhook mode: Telegram POSTs each update; we answer 200 only after it is committed.

A deliberately small HTTP/1.1 endpoint on asyncio streams (one route, JSON bodies, keep-alive),
meant to sit behind a TLS-terminating reverse proxy as Telegram requires https. The handling is
the same as in polling mode: ``Intake.accept`` commits the update to the inbox (so a crash after
the 200 loses nothing), then ``Intake.drain`` handles it in the background. Until the commit
succeeds Telegram gets an error status and delivers the update again later.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from urllib.parse import urlsplit

from bot.app import Runtime
from bot.intake import ALLOWED_UPDATES

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # Telegram's updates are far smaller; refuse anything huge
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 413: "Too Large",
            500: "Internal Server Error"}  # fmt: skip


class WebhookServer:
    """Receives updates for one path, checking Telegram's secret token header."""

    def __init__(self, runtime: Runtime, path: str, secret: str) -> None:
        self.runtime = runtime
        self.path = path or "/"
        self.secret = secret
        self._server: asyncio.Server | None = None
        self._drains: set[asyncio.Task[None]] = set()

    async def start(self, host: str, port: int) -> int:
        """Listen; returns the port (useful when ``port`` is 0)."""
        self._server = await asyncio.start_server(self._connection, host, port)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening and let in-flight handling finish."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._drains:
            await asyncio.gather(*self._drains, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                method, target, headers, body = request
                status = await self._handle(method, target, headers, body)
                writer.write(f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Length: 0\r\n\r\n".encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    async def _handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> int:
        if method != "POST" or urlsplit(target).path != self.path:
            return 404
        given = headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return 403
        try:
            update = json.loads(body)
            update_id = int(update["update_id"])
        except (ValueError, KeyError, TypeError):
            return 400
        try:
            await self.runtime.intake.accept([update])
        except Exception:
            log.exception("update %s could not be stored; Telegram will deliver it again", update_id)
            return 500
        task = asyncio.get_running_loop().create_task(self.runtime.intake.drain())
        self._drains.add(task)
        task.add_done_callback(self._drains.discard)
        return 200


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line:
        return None
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length > MAX_BODY:
        raise ValueError("body too large")
    body = await reader.readexactly(length) if length else b""
    return method, target, headers, body


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
