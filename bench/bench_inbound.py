"""Inbound benchmark: how fast Between keeps what people write, against a bare echo bot.

Scenario (issue "Answering"): 600 messages from 30 onboarded people arrive through the local
Bot API stand-in. Between stores each one durably (committed before it is confirmed to
Telegram) and acknowledges it. The baseline, measured in the same run against the same
stand-in, is a bare python-telegram-bot echo bot (the stock Updater, one reply per message,
nothing stored). Goal: Between's messages per second >= 0.8x the echo bot's.

It also measures what durability costs: Between commits with SQLite ``synchronous=FULL``
(bot/store/db.py); the same run with ``NORMAL`` shows the price of that choice.

    python bench/bench_inbound.py            # 3 rounds of each variant
    python bench/bench_inbound.py --quick    # 1 round, 300 messages

Not a test: it prints figures. The median of the rounds is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import TOKEN, machine_line  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Secret, Settings  # noqa: E402
from bot.localapi import LocalBotAPI  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.migrate import migrate  # noqa: E402

PEOPLE = 30
FIRST_USER = 5_000_001


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


def queue_messages(api: LocalBotAPI, count: int) -> int:
    """Queue ``count`` messages round-robin from the people; returns the last update id."""
    last = 0
    for n in range(count):
        user = FIRST_USER + n % PEOPLE
        update = api.send_message(user, f"message {n}: today I noticed <3 & a<b ✍")
        last = update["update_id"]
    return last


async def between_round(count: int, synchronous: str, *, limiter: bool = False) -> float:
    """Messages per second Between keeps and acknowledges.

    ``limiter`` False builds the Application with a rate limiter that never throttles, like
    the bare echo bot (which has none): both then do their own work at full speed. As shipped,
    the limiter meters messages at Telegram's 30/s; the acknowledging reactions are not messages.
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
        with tempfile.TemporaryDirectory() as folder, LocalBotAPI(TOKEN) as api:
            db_path = Path(folder) / "bench.sqlite3"
            await seed_people(db_path, PEOPLE)
            for i in range(PEOPLE):
                api.add_user(FIRST_USER + i)
            settings = Settings(token=Secret(TOKEN), api_url=api.base_url, db_path=db_path, poll_timeout=1)
            async with running(settings, SystemClock()) as runtime:
                stop = asyncio.Event()
                polling = asyncio.create_task(runtime.poll(stop))
                started = time.perf_counter()
                queue_messages(api, count)
                await api.wait_for(
                    lambda: len(api.calls("setMessageReaction")) >= count, timeout=600, what="acks"
                )
                elapsed = time.perf_counter() - started
                stop.set()
                await polling
            with sqlite3.connect(db_path) as conn:
                stored = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            assert stored == count, f"stored {stored} of {count}"
        return count / elapsed
    finally:
        bot.app.TelegramRateLimiter = shipped  # type: ignore[misc]
        if synchronous != "FULL":
            Database.open = classmethod(original)  # type: ignore[method-assign,assignment]


async def echo_round(count: int) -> float:
    """Messages per second a bare python-telegram-bot echo bot answers (the baseline)."""
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    with LocalBotAPI(TOKEN) as api:
        for i in range(PEOPLE):
            api.add_user(FIRST_USER + i)

        async def echo(update, _context):  # type: ignore[no-untyped-def]
            await update.message.reply_text(update.message.text)

        app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=1)  # type: ignore[union-attr]
            started = time.perf_counter()
            queue_messages(api, count)
            await api.wait_for(lambda: len(api.calls("sendMessage")) >= count, timeout=600, what="echoes")
            elapsed = time.perf_counter() - started
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
    return count / elapsed


async def main(quick: bool) -> None:
    count = 300 if quick else 600
    rounds = 1 if quick else 3
    print(f"machine: {machine_line()}")
    print(f"{count} messages from {PEOPLE} people, {rounds} round(s) per variant, median reported\n")
    results: dict[str, list[float]] = {"echo": [], "full": [], "normal": [], "shipped": []}
    for _ in range(rounds):  # interleaved, so a noisy moment hurts every variant alike
        results["echo"].append(await echo_round(count))
        results["full"].append(await between_round(count, "FULL"))
        results["normal"].append(await between_round(count, "NORMAL"))
        results["shipped"].append(await between_round(count, "FULL", limiter=True))
    echo, full, normal, shipped = (statistics.median(results[k]) for k in results)
    goal = "(goal >= 0.80x)"
    print("No rate limiter in either bot (each doing its own work at full speed):")
    print(f"  bare PTB echo bot (baseline)             {echo:6.0f} msg/s")
    print(f"  Between, synchronous=FULL (as shipped)   {full:6.0f} msg/s   ratio {full / echo:.2f}x  {goal}")
    print(f"  Between, synchronous=NORMAL              {normal:6.0f} msg/s   ratio {normal / echo:.2f}x")
    print(f"  FULL runs at {full / normal:.2f}x the throughput of NORMAL")
    print("As shipped (rate limiter on; reactions are not messages, so they are not metered):")
    print(f"  Between, synchronous=FULL                {shipped:6.0f} msg/s   ratio {shipped / echo:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 300 messages")
    asyncio.run(main(parser.parse_args().quick))
