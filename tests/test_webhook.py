"""Webhook mode: an update POSTed by Telegram is committed before the 200, then handled."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bot.webhook import Limits, WebhookServer


async def test_webhook_stores_then_answers_and_handles(harness):
    server = WebhookServer(harness.runtime, "/hook", "s3cret")
    port = await server.start("127.0.0.1", 0)
    harness.api.add_user(1001)
    try:
        # The stand-in makes a realistic update; we deliver it the webhook way.
        update = harness.api.send_message(1001, "/start")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            wrong = await client.post("/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
            assert wrong.status_code == 403
            ok = await client.post(
                "/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert ok.status_code == 200
            # Committed before the 200: the inbox knows it.
            async with harness.runtime.db.read() as conn:
                async with conn.execute(
                    "SELECT count(*) FROM inbox WHERE update_id = ?", (update["update_id"],)
                ) as cur:
                    assert (await cur.fetchone())[0] == 1
            again = await client.post(
                "/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert again.status_code == 200
            bad = await client.post(
                "/hook", content=b"not json", headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert bad.status_code == 400
        greeting = await harness.api.wait_for_bot_message(1001)
        assert "Between" in greeting.visible
    finally:
        await server.close()
    # Delivered twice (or also polled): answered once.
    greetings = [m for m in harness.api.bot_messages(1001) if "I'm" in m.visible and "Between" in m.visible]
    assert len(greetings) == 1


# What a stranger who can reach the port can do: each costs bounded memory, time and sockets.

HOOK = "/hook"
SECRET = "s3cret"
FLOOD = 20 << 20  # bytes a flooding client offers


class Peer(asyncio.Protocol):
    """A raw client connection: keeps every byte the server sends, notices when it hangs up."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.closed = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    async def send(self, data: bytes) -> bool:
        """Write ``data`` once the socket takes more; False once the server has hung up."""
        await self._writable.wait()
        assert self.transport is not None
        if self.closed.is_set() or self.transport.is_closing():
            return False
        self.transport.write(data)
        return True

    async def hung_up(self, within: float) -> bool:
        try:
            await asyncio.wait_for(self.closed.wait(), within)
        except TimeoutError:
            return False
        return True

    @property
    def status(self) -> int | None:
        head = bytes(self.received).split(b"\r\n", 1)[0].split()
        return int(head[1]) if len(head) > 1 and head[0].startswith(b"HTTP/1.") else None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect(port: int) -> Peer:
    _, peer = await asyncio.get_running_loop().create_connection(Peer, "127.0.0.1", port)
    return peer


def rss() -> int:
    """This process's resident memory, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def head(length: int, secret: str = SECRET, path: str = HOOK) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


async def in_inbox(harness, update_id: int) -> bool:
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM inbox WHERE update_id = ?", (update_id,)) as cur:
            return (await cur.fetchone())[0] == 1


def unpolled(harness, user_id: int, text: str) -> dict:
    """A realistic update that only the webhook can bring in (polling never sees its id)."""
    harness.api.add_user(user_id)
    update = harness.api.send_message(user_id, text)
    return {**update, "update_id": update["update_id"] + 100_000}


@contextlib.asynccontextmanager
async def serving(harness, **limits):
    server = WebhookServer(harness.runtime, HOOK, SECRET, Limits(**limits))
    port = await server.start("127.0.0.1", 0)
    try:
        yield server, port
    finally:
        await server.close()


def one_long_header() -> Iterator[bytes]:
    chunk = b"a" * (64 << 10)
    yield b"X-Junk: "
    for _ in range(FLOOD // len(chunk)):
        yield chunk


def many_headers() -> Iterator[bytes]:
    value = b"a" * 1000
    for block in range(FLOOD // (64 * 1024)):
        yield b"".join(b"X-Junk-%d: %s\r\n" % (block * 64 + i, value) for i in range(64))


def pipelined() -> Iterator[bytes]:
    """Requests back to back, without waiting for answers."""
    request = b"GET /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    chunk = request * ((64 << 10) // len(request))
    yield b"\r\n"  # ends the head sent before the flood: a POST without the secret
    for _ in range(FLOOD // len(chunk)):
        yield chunk


@pytest.mark.parametrize(
    ("flood", "refusal"), [(one_long_header, {400, 431}), (many_headers, {400, 431}), (pipelined, {403})]
)
async def test_a_flood_is_refused_and_memory_stays_bounded(harness, caplog, flood, refusal):
    async with serving(harness) as (server, port):
        # Warm up: the first refusal allocates what any refusal needs.
        warm = await connect(port)
        await warm.send(b"POST /hook HTTP/1.1\r\nX-Junk: " + b"a" * 20_000 + b"\r\n\r\n")
        assert await warm.hung_up(within=5)
        before = peak = rss()
        peer = await connect(port)
        await peer.send(b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sent = 0
        for chunk in flood():
            if not await peer.send(chunk):
                break
            sent += len(chunk)
            peak = max(peak, rss())
        assert await peer.hung_up(within=5), "the connection stays open"
        after = rss()
    assert peer.status in refusal
    assert sent < FLOOD, "the server kept reading"
    grew = max(peak, after) - before
    assert grew < 4 << 20, f"memory grew by {grew >> 10} kB ({before >> 10} kB before, {sent} bytes sent)"
    # Anyone can send these: no traceback in the log for each.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_floods_side_by_side_stay_bounded(harness):
    """Many connections flooding at once, again and again: what each leaves behind is freed."""

    async def flood(peer: Peer) -> None:
        await peer.send(b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for chunk in one_long_header():
            if not await peer.send(chunk):
                break
        await peer.hung_up(within=10)

    async with serving(harness) as (_server, port):
        before = peak = rss()
        for _ in range(4):
            peers = [await connect(port) for _ in range(32)]
            await asyncio.gather(*(flood(peer) for peer in peers))
            assert {peer.status for peer in peers} <= {400, 431}
            peak = max(peak, rss())
    assert peak - before < 24 << 20, f"memory grew by {(peak - before) >> 10} kB"


async def test_idle_and_slow_connections_are_closed(harness):
    async with serving(harness, idle_timeout=0.5) as (_server, port):
        loop = asyncio.get_running_loop()
        started = loop.time()
        silent = await connect(port)
        assert await silent.hung_up(within=3)
        assert loop.time() - started >= 0.45
        # Trickling a header a byte at a time does not keep a connection open either.
        slow = await connect(port)
        await slow.send(b"POST /hook HTTP/1.1\r\nX-Slow: ")
        for _ in range(40):
            if not await slow.send(b"a"):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("a connection trickling its head stays open")
        # A connection kept alive after an answer gets the same time for its next request.
        kept = await connect(port)
        await kept.send(head(8) + b"not json")
        for _ in range(300):
            if kept.status is not None:
                break
            await asyncio.sleep(0.01)
        assert kept.status == 400
        assert not kept.closed.is_set()
        assert await kept.hung_up(within=3)


async def test_idle_connections_do_not_keep_an_update_out(harness):
    limit = 8
    update = unpolled(harness, 1001, "/start")
    async with serving(harness, max_connections=limit, idle_timeout=30) as (server, port):
        idle = [await connect(port) for _ in range(5 * limit)]
        for _ in range(300):  # until the server has taken them all in
            if sum(p.closed.is_set() for p in idle) >= 4 * limit:
                break
            await asyncio.sleep(0.01)
        assert server.open_connections <= limit
        # The longest waiting made room for the newer ones.
        assert all(p.closed.is_set() for p in idle[: 4 * limit])
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            ok = await client.post(HOOK, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert ok.status_code == 200
        assert await in_inbox(harness, update["update_id"])
        assert server.open_connections <= limit
        for peer in idle:
            peer.close()


async def test_a_wrong_secret_is_refused_before_the_body_is_read(harness):
    update = unpolled(harness, 1001, "hello")
    async with serving(harness) as (_server, port):
        # The head promises a large body and only the start of it comes: the answer does not wait.
        peer = await connect(port)
        await peer.send(head(500_000, secret="guess") + b'{"update_id": ')
        assert await peer.hung_up(within=3)
        assert peer.status == 403
        missing = await connect(port)
        await missing.send(head(2).replace(b"X-Telegram-Bot-Api-Secret-Token", b"X-Other") + b"{}")
        assert await missing.hung_up(within=3)
        assert missing.status == 403
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            wrong = await client.post(HOOK, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert wrong.status_code == 403
    assert not await in_inbox(harness, update["update_id"])


async def test_a_body_over_the_limit_is_refused(harness):
    limit = Limits().max_body
    async with serving(harness) as (_server, port):
        # Announced too large: refused from the head alone.
        peer = await connect(port)
        await peer.send(head(limit + 1))
        assert await peer.hung_up(within=3)
        assert peer.status == 413

        # Sent in chunks with no length announced: refused once it passes the limit.
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(limit // (64 << 10) + 2):
                yield b" " * (64 << 10)

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            chunked = await client.post(
                HOOK, content=chunks(), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert chunked.status_code == 413
            exact = await client.post(
                HOOK, content=b" " * limit, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert exact.status_code == 400  # within the limit: read, and found not to be JSON


async def test_no_200_until_the_update_is_stored(harness, monkeypatch):
    update = unpolled(harness, 1001, "hello")

    async def disk_full(payloads):
        raise OSError("disk full")

    monkeypatch.setattr(harness.runtime.intake, "accept", disk_full)
    async with serving(harness) as (_server, port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            failed = await client.post(HOOK, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert failed.status_code == 500  # Telegram delivers it again later


async def test_a_slow_body_times_out(harness):
    async with serving(harness, body_timeout=0.3) as (_server, port):
        peer = await connect(port)
        await peer.send(head(100) + b'{"update_id": ')
        assert await peer.hung_up(within=3)
        assert peer.status == 408


async def test_only_post_on_the_path(harness):
    async with serving(harness) as (_server, port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            assert (await client.get(HOOK, headers=secret)).status_code == 405
            assert (await client.post("/other", json={"update_id": 1}, headers=secret)).status_code == 404
            assert (await client.post(HOOK + "/x", json={"update_id": 1}, headers=secret)).status_code == 404
