"""Inbound benchmark: how fast Between keeps what people write, against bots that keep less.

Scenario (issue "Answering"): 600 messages from 30 onboarded people arrive through the local
Bot API stand-in. Between stores each one durably (the inbox committed before Telegram is told
it arrived, the entry committed with ``synchronous=FULL`` before the person is told it is kept,
exactly once) and acknowledges it with a ✍ reaction. Measured in the same run, against the same
stand-in:

- a bare python-telegram-bot echo bot (the stock Updater, one reply per message, nothing
  stored);
- a typical journaling bot (the stock Updater, an aiosqlite ``INSERT`` and ``commit()`` per
  message with SQLite's defaults, one reply). The Updater confirms each batch to Telegram as
  soon as it asks for the next, before the handlers have stored anything: a crash loses what
  was in flight.

Goals: Between's messages per second >= 0.8x the echo bot's and >= 1.2x the typical bot's;
p99 latency <= 250 ms. Latency is measured at the stand-in, from the getUpdates answer that
delivered an update to the acknowledgement of that message (Between's reaction, the others'
reply). It also measures what durability costs: the same run with ``synchronous=NORMAL``.

    python bench/bench_inbound.py            # 3 interleaved rounds of each variant, 600 messages
    python bench/bench_inbound.py --quick    # 1 round, 300 messages (seconds; for CI)

Not a test: it prints figures (medians of the rounds). Beside messages/s it prints CPU time per
message: the whole process's (the bot and the stand-in, every thread) and the event loop's
thread alone (the bot's own work, which python-telegram-bot, httpx and the handlers share).
Both move less than messages/s when something else runs on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import TOKEN, load_average, machine_line  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Secret, Settings  # noqa: E402
from bot.localapi import LocalBotAPI  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.migrate import migrate  # noqa: E402

SCRIPT = Path(__file__).resolve()
PEOPLE = 30
FIRST_USER = 5_000_001
ECHO_GOAL = 0.8  # Between's messages/s against the echo bot's, at least
TYPICAL_GOAL = 1.2  # ... against the typical journaling bot's, at least
P99_GOAL_MS = 250.0


class TimedAPI(LocalBotAPI):
    """The stand-in, also noting when each message was delivered and when it was acknowledged.

    Both are taken at the HTTP entry point: a delivery when the getUpdates answer is ready to be
    written back, an acknowledgement when the reaction (Between) or reply (the baselines)
    arrives. A reply names no message, but both baselines answer one chat's messages in order,
    so the n-th reply in a chat acknowledges the n-th message.
    """

    def __init__(self, token: str, ack: str) -> None:
        super().__init__(token)
        self.ack = ack.lower()
        self._timing = threading.Lock()
        self.delivered: dict[tuple[int, int], float] = {}  # (chat, message) -> first delivery
        self.order: dict[int, list[int]] = defaultdict(list)  # chat -> its messages, delivered
        self.acked: dict[tuple[int, int], float] = {}
        self.replies: dict[int, int] = defaultdict(int)  # chat -> replies so far
        self.acks = 0

    def start(self) -> TimedAPI:
        """Serve, with a listen backlog like a real server's. The stand-in keeps Python's default
        of 5 pending connections: a bot that opens more at once (Between, acknowledging many
        people's notes side by side) would see the rest wait for TCP's one-second retry, which
        Telegram does not make anyone do. The baselines open one connection and never notice."""
        super().start()
        assert self._server is not None
        self._server.socket.listen(128)
        return self

    def _handle_http(
        self,
        target: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] | None = None,
    ) -> tuple[int, str, bytes]:
        method = urlsplit(target).path.rsplit("/", 1)[-1].lower()
        arrived = time.perf_counter()
        status, mime, payload = super()._handle_http(target, content_type, body, client_gone)
        if status != 200:
            return status, mime, payload
        if method == "getupdates":
            sent = time.perf_counter()
            with self._timing:
                for update in json.loads(payload)["result"]:
                    message = update.get("message")
                    if message is None:
                        continue
                    key = (message["chat"]["id"], message["message_id"])
                    if key not in self.delivered:
                        self.delivered[key] = sent
                        self.order[key[0]].append(key[1])
        elif method == self.ack:
            params = json.loads(body) if content_type.startswith("application/json") else None
            with self._timing:
                chat = int(_param(params, body, "chat_id"))
                if method == "setmessagereaction":
                    key = (chat, int(_param(params, body, "message_id")))
                else:
                    key = (chat, self.order[chat][self.replies[chat]])
                    self.replies[chat] += 1
                self.acked.setdefault(key, arrived)
                self.acks += 1
        return status, mime, payload

    def latencies_ms(self) -> list[float]:
        with self._timing:
            return sorted((self.acked[key] - self.delivered[key]) * 1000 for key in self.acked)

    async def until_acked(self, count: int, timeout: float = 600.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while self.acks < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.acks} of {count} messages acknowledged after {timeout} s")
            await asyncio.sleep(0.002)


def _param(params: dict[str, Any] | None, body: bytes, name: str) -> str:
    """A request parameter, from a JSON body or a form-encoded one."""
    if params is not None:
        return str(params[name])
    return parse_qs(body.decode())[name][0]


@dataclass(frozen=True)
class Round:
    rate: float  # messages per second
    cpu_ms: float  # process CPU time per message (bot and stand-in)
    loop_ms: float  # CPU time of the event loop's thread per message (the bot's own work)
    p50_ms: float
    p99_ms: float


async def seed_people(path: Path, people: int) -> None:
    """Onboarded people: a record with a zone (no reminders: every message is a free note)."""
    db = await Database.open(path)
    try:
        await migrate(db)
    finally:
        await db.close()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO people (user_id, zone, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(FIRST_USER + i, "Europe/Berlin", now, now) for i in range(people)],
        )


def queue_messages(api: LocalBotAPI, count: int) -> None:
    """Queue ``count`` messages round-robin from the people."""
    for n in range(count):
        api.send_message(FIRST_USER + n % PEOPLE, f"message {n}: today I noticed <3 & a<b ✍")


async def timed(api: TimedAPI, count: int, start: Callable[[], Awaitable[None]]) -> Round:
    """Queue the messages, let ``start`` set the bot going, and time until all are acknowledged."""
    started, cpu, loop = time.perf_counter(), time.process_time(), time.thread_time()
    queue_messages(api, count)
    await start()
    await api.until_acked(count)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    loop = time.thread_time() - loop
    return _round(api, count, elapsed, cpu, loop)


def _round(api: TimedAPI, count: int, elapsed: float, cpu: float, loop: float) -> Round:
    latencies = api.latencies_ms()
    assert len(latencies) == count, f"{len(latencies)} of {count} messages acknowledged"
    return Round(
        count / elapsed,
        cpu * 1000 / count,
        loop * 1000 / count,
        statistics.median(latencies),
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    )


def new_api(ack: str) -> TimedAPI:
    api = TimedAPI(TOKEN, ack)
    for i in range(PEOPLE):
        api.add_user(FIRST_USER + i)
    return api


# A bot: given the stand-in's URL, the number of messages and ``go``, it sets itself up, then
# calls ``go(start)``, which returns once every message is acknowledged; then it stops and checks
# what it stored.
Go = Callable[[Callable[[], Awaitable[None]]], Awaitable[None]]
Bot = Callable[[str, int, Go], Awaitable[None]]


async def between_bot(
    url: str, count: int, go: Go, synchronous: str = "FULL", *, limiter: bool = False
) -> None:
    """Between, as ``between run`` runs it, keeping and acknowledging every message.

    ``limiter`` False builds the Application with a rate limiter that never throttles, like
    the baselines (which have none): each does its own work at full speed. As shipped, the
    limiter meters messages at Telegram's 30/s; the acknowledging reactions are not messages.
    """
    import bot.app
    from bot.app import running
    from bot.ratelimit import TelegramRateLimiter

    shipped = bot.app.TelegramRateLimiter
    if not limiter:
        bot.app.TelegramRateLimiter = lambda: TelegramRateLimiter(  # type: ignore[assignment,misc]
            overall=(10**9, 1.0), per_group=(10**9, 60.0), max_retries=0
        )

    if synchronous != "FULL":
        # Benchmark-only switch: Between always opens with FULL (bot/store/db.py).
        original = Database.open.__func__  # type: ignore[attr-defined]

        async def open_with(cls, path, *, synchronous=synchronous):  # type: ignore[no-untyped-def]
            return await original(cls, path, synchronous=synchronous)

        Database.open = classmethod(open_with)  # type: ignore[method-assign,assignment]
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.sqlite3"
            await seed_people(db_path, PEOPLE)
            settings = Settings(token=Secret(TOKEN), api_url=url, db_path=db_path, poll_timeout=1)
            async with running(settings, SystemClock()) as runtime:
                stop = asyncio.Event()
                tasks: list[asyncio.Task[None]] = []

                async def start() -> None:
                    tasks.append(asyncio.create_task(runtime.poll(stop)))

                await go(start)
                stop.set()
                await asyncio.gather(*tasks)
            with sqlite3.connect(db_path) as conn:
                stored = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            assert stored == count, f"stored {stored} of {count}"
    finally:
        bot.app.TelegramRateLimiter = shipped  # type: ignore[misc]
        if synchronous != "FULL":
            Database.open = classmethod(original)  # type: ignore[method-assign,assignment]


async def updater_bot(url: str, count: int, go: Go, *, store: bool) -> None:
    """A bot as most are written: the stock Updater, one reply per message; with ``store``, an
    aiosqlite INSERT and commit per message first (SQLite's defaults: no pragmas)."""
    import aiosqlite
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    with tempfile.TemporaryDirectory() as folder:
        db = None
        if store:
            db = await aiosqlite.connect(Path(folder) / "journal.sqlite3")
            await db.execute(
                "CREATE TABLE entries (id INTEGER PRIMARY KEY, user_id INTEGER, chat_id INTEGER,"
                " message_id INTEGER, text TEXT, written_at TEXT)"
            )
            await db.commit()

        async def echo(update, _context):  # type: ignore[no-untyped-def]
            await update.message.reply_text(update.message.text)

        async def journal(update, _context):  # type: ignore[no-untyped-def]
            message = update.message
            await db.execute(
                "INSERT INTO entries (user_id, chat_id, message_id, text, written_at) VALUES (?, ?, ?, ?, ?)",
                (message.from_user.id, message.chat_id, message.message_id, message.text, str(message.date)),
            )
            await db.commit()
            await message.reply_text("Saved ✍")

        app = ApplicationBuilder().token(TOKEN).base_url(url).build()
        app.add_handler(MessageHandler(filters.TEXT, journal if store else echo))
        try:
            async with app:
                await app.start()

                async def start() -> None:
                    await app.updater.start_polling(timeout=1)  # type: ignore[union-attr]

                await go(start)
                await app.updater.stop()  # type: ignore[union-attr]
                await app.stop()
            if db is not None:
                async with db.execute("SELECT count(*) FROM entries") as cursor:
                    row = await cursor.fetchone()
                assert row is not None and row[0] == count, f"stored {row} of {count}"
        finally:
            if db is not None:
                await db.close()


VARIANTS: dict[str, tuple[str, str, Bot]] = {
    # name: (what it is, the method that acknowledges, the bot)
    "echo": (
        "bare PTB echo bot (nothing stored)",
        "sendMessage",
        lambda url, n, go: updater_bot(url, n, go, store=False),
    ),
    "typical": (
        "typical journaling bot (commit per message)",
        "sendMessage",
        lambda url, n, go: updater_bot(url, n, go, store=True),
    ),
    "between": ("Between, synchronous=FULL (as shipped)", "setMessageReaction", between_bot),
    "normal": (
        "Between, synchronous=NORMAL",
        "setMessageReaction",
        lambda url, n, go: between_bot(url, n, go, "NORMAL"),
    ),
    "limited": (
        "Between as shipped, rate limiter on",
        "setMessageReaction",
        lambda url, n, go: between_bot(url, n, go, limiter=True),
    ),
}


async def round_in_process(variant: str, count: int) -> Round:
    """One round with the stand-in in this process: its threads share the interpreter lock with
    the bot's."""
    _, ack, run_bot = VARIANTS[variant]
    results: list[Round] = []
    with new_api(ack) as api:

        async def go(start: Callable[[], Awaitable[None]]) -> None:
            results.append(await timed(api, count, start))

        await run_bot(api.base_url, count, go)
    return results[0]


async def round_in_child(variant: str, count: int) -> Round:
    """One round with the bot in a fresh interpreter of its own and the stand-in here, as
    Telegram is another machine (bench_reminders.py measures the same way). The bot's CPU time
    is its own process's, from the moment it starts polling to the last acknowledgement."""
    _, ack, _ = VARIANTS[variant]
    with new_api(ack) as api:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(SCRIPT),
            "--child",
            variant,
            api.base_url,
            str(count),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            line = await asyncio.wait_for(child.stdout.readline(), 120)
            assert line.strip() == b"ready", f"the {variant} bot did not start: {line!r}"
            started = time.perf_counter()
            queue_messages(api, count)
            child.stdin.write(b"go\n")
            await child.stdin.drain()
            await api.until_acked(count)
            elapsed = time.perf_counter() - started
            child.stdin.write(b"stop\n")
            await child.stdin.drain()
            used = json.loads(await asyncio.wait_for(child.stdout.readline(), 120))
            status = await asyncio.wait_for(child.wait(), 120)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        assert status == 0, f"the {variant} bot failed ({status})"
        return _round(api, count, elapsed, used["cpu"], used["loop"])


async def child_main(variant: str, url: str, count: int) -> None:
    """The bot's side of :func:`round_in_child`: ready, go, stop, over stdin and stdout."""

    async def line() -> str:
        return await asyncio.to_thread(sys.stdin.readline)

    async def go(start: Callable[[], Awaitable[None]]) -> None:
        print("ready", flush=True)
        assert (await line()).strip() == "go"
        cpu, loop = time.process_time(), time.thread_time()
        await start()
        assert (await line()).strip() == "stop"
        used = {"cpu": time.process_time() - cpu, "loop": time.thread_time() - loop}
        print(json.dumps(used), flush=True)

    await VARIANTS[variant][2](url, count, go)


def summary(rounds: list[Round]) -> Round:
    """Each figure's median over the rounds."""
    fields = Round.__dataclass_fields__
    return Round(*(statistics.median(getattr(r, field) for r in rounds) for field in fields))


async def main(quick: bool, variants: list[str], rounds: int | None, *, in_process: bool) -> None:
    count = 300 if quick else 600
    rounds = rounds or (1 if quick else 3)
    one_round = round_in_process if in_process else round_in_child
    print(f"machine: {machine_line()}; load average {load_average()}")
    print(f"{count} messages from {PEOPLE} people, {rounds} interleaved round(s) per variant, medians")
    if in_process:
        print("each bot in this process, beside the stand-in (they share the interpreter lock)\n")
    else:
        print("each bot in a process of its own, the stand-in in this one (as Telegram is elsewhere)\n")
    results: dict[str, list[Round]] = {name: [] for name in variants}
    for _ in range(rounds):  # interleaved, so a noisy moment hurts every variant alike
        for name in variants:
            results[name].append(await one_round(name, count))
    medians = {name: summary(results[name]) for name in variants}
    print(f"  {'variant':46} {'msg/s':>6} {'CPU':>5} {'loop':>5} {'p50 ms':>7} {'p99 ms':>7}  rounds (msg/s)")
    for name, figures in medians.items():
        each = " ".join(f"{r.rate:.0f}" for r in results[name])
        print(
            f"  {VARIANTS[name][0]:46} {figures.rate:6.0f} {figures.cpu_ms:5.2f} {figures.loop_ms:5.2f}"
            f" {figures.p50_ms:7.0f} {figures.p99_ms:7.0f}  {each}"
        )
    whose = "the process (bot and stand-in)" if in_process else "the bot's process"
    print(f"  (CPU: ms of CPU time per message, {whose}, every thread; loop: the event loop's thread alone)")
    if "between" not in medians:
        return
    between = medians["between"]
    print()
    for name, goal in (("echo", ECHO_GOAL), ("typical", TYPICAL_GOAL)):
        if name in medians:
            ratio = between.rate / medians[name].rate
            verdict = "met" if ratio >= goal else "MISSED"
            print(f"  Between / {name:8} {ratio:5.2f}x   (goal >= {goal:.1f}x: {verdict})")
    verdict = "met" if between.p99_ms <= P99_GOAL_MS else "MISSED"
    print(f"  Between p99 latency {between.p99_ms:.0f} ms (goal <= {P99_GOAL_MS:.0f} ms: {verdict})")
    if "normal" in medians:
        print(f"  FULL runs at {between.rate / medians['normal'].rate:.2f}x the throughput of NORMAL")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 300 messages")
    parser.add_argument(
        "--in-process", action="store_true", help="run the bots in this process, beside the stand-in"
    )
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "URL", "COUNT"), help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, help="rounds of each variant (default 3, 1 with --quick)")
    parser.add_argument(
        "--only", nargs="+", choices=list(VARIANTS), default=list(VARIANTS), help="variants to run"
    )
    arguments = parser.parse_args()
    if arguments.child:
        variant, url, count = arguments.child
        asyncio.run(child_main(variant, url, int(count)))
    else:
        asyncio.run(main(arguments.quick, arguments.only, arguments.rounds, in_process=arguments.in_process))
