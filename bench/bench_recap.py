"""Benchmark for the pre-session recap (bot/services/recap.py). Run by hand, not by pytest:

    python bench/bench_recap.py            # 1,000 other people with a year of history each
    python bench/bench_recap.py --quick    # 200 other people (a few seconds)

Goal: building the recap "since the last session" costs what is in the window, not the
person's whole history. Two people with the same last week (3 entries and a mood a day, weekly
sessions, a few items flagged) differ only in how much came before: one week against one year.
The ratio of their median build times must stay at or under 1.5, which holds only if every
recap query is served by an index (the query plans are printed and checked too). Render times
(Telegram parts, Markdown, HTML page) are reported for the week and for a whole year's window.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import create_schema, db_text, machine_line, table, verdict  # noqa: E402

from bot.parsing import RecapWindow  # noqa: E402
from bot.prompts import SPECIAL_THEMES, load_catalogue  # noqa: E402
from bot.render import Renderer  # noqa: E402
from bot.services import recap as service  # noqa: E402
from bot.store.db import Database  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ZONE_NAME = "Europe/Berlin"
WEEK_PERSON, YEAR_PERSON = 1, 2
FIRST_OTHER = 1_000_001
ANSWERS_PER_DAY, NOTES_PER_DAY = 2, 1
GOAL_RATIO = 1.5
LEAD = timedelta(hours=2)

TEXTS = (
    "I noticed I held my breath before the meeting, and let it go when I saw it.",
    "Hard morning. I tried the grounding exercise & it helped a little <3",
    "Said no to the extra shift. Felt guilty for an hour, then relieved.",
    "Walked without my phone; the light on the river was lovely.",
    "I want to talk about how I react when plans change at the last minute.",
)


def seed(path: Path, others: int, rng: random.Random) -> None:
    """Fill the database: the two measured people and ``others`` with a year each."""
    catalogue = load_catalogue()
    prompt_ids = [p.id for p in catalogue.prompts if p.theme not in SPECIAL_THEMES]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")  # seeding only
    stamp = db_text(NOW)
    ids = {"delivery": 0, "message": 0}
    people_rows, delivery_rows, entry_rows, mood_rows, held_rows = [], [], [], [], []

    def person(user_id: int, days: int) -> None:
        people_rows.append((user_id, "en", ZONE_NAME, stamp, stamp))
        last_session = NOW - timedelta(days=7)
        for week in range(days // 7):  # weekly sessions, the latest a week ago
            held_rows.append((user_id, db_text(last_session - timedelta(days=7 * week))))
        for day in range(days):
            base = NOW - timedelta(days=day + 1)
            for n in range(ANSWERS_PER_DAY):
                ids["delivery"] += 1
                ids["message"] += 1
                at = base + timedelta(hours=2 + 6 * n, minutes=rng.randrange(60))
                prompt = rng.choice(prompt_ids)
                sent = db_text(at)
                delivery_rows.append((ids["delivery"], user_id, "prompt", sent, prompt, "sent", sent, sent))
                bring = int(rng.random() < 0.1)
                discussed = db_text(last_session) if bring and at < last_session else None
                entry_rows.append(
                    (user_id, user_id, ids["message"], ids["delivery"], prompt, "text",
                     rng.choice(TEXTS), db_text(at + timedelta(minutes=3)), bring, discussed)
                )  # fmt: skip
            for _ in range(NOTES_PER_DAY):
                ids["message"] += 1
                at = base + timedelta(hours=14, minutes=rng.randrange(60))
                text = rng.choice(TEXTS)
                entry_rows.append(
                    (user_id, user_id, ids["message"], None, None, "text", text, db_text(at), 0, None)
                )
            mood_rows.append((user_id, rng.randint(1, 5), db_text(base + timedelta(hours=20))))

    person(WEEK_PERSON, 7)
    person(YEAR_PERSON, 365)
    for index in range(others):
        person(FIRST_OTHER + index, 365)
    with conn:
        conn.executemany(
            "INSERT INTO people (user_id, language_code, zone, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            people_rows,
        )
        conn.executemany(
            "INSERT INTO deliveries (id, user_id, kind, due_at, prompt_id, state, created_at, sent_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            delivery_rows,
        )
        conn.executemany(
            "INSERT INTO entries (user_id, chat_id, message_id, delivery_id, prompt_id, kind, text,"
            " written_at, bring, discussed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entry_rows,
        )
        conn.executemany("INSERT INTO moods (user_id, score, logged_at) VALUES (?, ?, ?)", mood_rows)
        conn.executemany("INSERT INTO sessions_held (user_id, happened_at) VALUES (?, ?)", held_rows)
    # No ANALYZE: Between never runs it, so the planner here sees what it sees in production.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"seeded {len(people_rows):,} people, {len(entry_rows):,} entries, {len(mood_rows):,} moods")


async def traced_plans(db: Database, build: Callable[[], Awaitable[Any]]) -> list[str]:
    """SQLite's plan for every statement one recap build runs (as traced, values bound)."""
    statements: list[str] = []
    raw = db._conn  # the bench looks under the hood on purpose: the real statements, as run
    await raw.set_trace_callback(statements.append)
    try:
        await build()
    finally:
        await raw.set_trace_callback(None)
    lines = []
    async with db.read() as conn:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            async with conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
                detail = " / ".join(row[3] for row in await cur.fetchall())
            lines.append(f"{' '.join(sql.split())[:90]}...\n      -> {detail}")
    return lines


async def timed(fn: Callable[[], Awaitable[Any]], reps: int) -> list[float]:
    """Wall times (seconds) of ``reps`` calls."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - started)
    return times


async def measure(path: Path, reps: int) -> dict[str, Any]:
    db = await Database.open(path)
    catalogue = load_catalogue()
    renderer = Renderer()
    zone = ZoneInfo(ZONE_NAME)

    def build(user_id: int, spec: RecapWindow | None = None) -> Callable[[], Awaitable[service.Recap]]:
        async def run() -> service.Recap:
            # As /recap does it: one transaction (a passed session would be marked held first).
            async with db.transaction() as conn:
                return await service.build(conn, catalogue, user_id, NOW, zone, spec, lead=LEAD)

        return run

    try:
        plans = await traced_plans(db, build(YEAR_PERSON))
        for user_id in (WEEK_PERSON, YEAR_PERSON):  # warm the page cache for both alike
            await timed(build(user_id), 20)
        week_times: list[float] = []
        year_times: list[float] = []
        for _ in range(reps // 10):  # interleaved, so drift on the machine hits both alike
            week_times += await timed(build(WEEK_PERSON), 10)
            year_times += await timed(build(YEAR_PERSON), 10)
        week = await build(WEEK_PERSON)()
        year = await build(YEAR_PERSON)()
        whole_year = await build(YEAR_PERSON, RecapWindow(duration=timedelta(days=365)))()
        render: dict[str, dict[str, float]] = {}
        for name, result in (("week", week), ("year window", whole_year)):
            render[name] = {
                "telegram": _render_time(lambda r=result: service.telegram_parts(renderer, r)),
                "markdown": _render_time(lambda r=result: service.markdown_file(renderer, r)),
                "html": _render_time(lambda r=result: service.html_file(renderer, r)),
                "items": len(result.items()),
                "parts": len(service.telegram_parts(renderer, result, max_parts=10_000)[0]),
            }
        whole_year_build = await timed(build(YEAR_PERSON, RecapWindow(duration=timedelta(days=365))), 5)
    finally:
        await db.close()
    assert len(week.items()) == len(year.items()), "both people should have the same last week"
    return {
        "week": statistics.median(week_times),
        "year": statistics.median(year_times),
        "week_p90": sorted(week_times)[int(len(week_times) * 0.9)],
        "year_p90": sorted(year_times)[int(len(year_times) * 0.9)],
        "items": len(week.items()),
        "render": render,
        "year_window_build": statistics.median(whole_year_build),
        "plans": plans,
    }


def _render_time(fn: Callable[[], Any], reps: int = 15) -> float:
    """Median wall time (seconds) of ``reps`` calls."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 other people instead of 1,000")
    parser.add_argument("--reps", type=int, default=300, help="builds per person (default 300)")
    args = parser.parse_args()
    others = 200 if args.quick else 1_000
    print("machine:", machine_line())
    with tempfile.TemporaryDirectory(prefix="between-bench-") as folder:
        path = Path(folder) / "recap.sqlite3"
        create_schema(path)
        started = time.perf_counter()
        seed(path, others, random.Random(20261123))
        print(f"seeding took {time.perf_counter() - started:.1f} s")
        figures = asyncio.run(measure(path, max(10, args.reps)))
    plans = figures["plans"]
    print("\nquery plans of one recap build (person with a year of history):")
    for line in plans:
        print("  " + line)
    # Every statement searches an index on user_id (a SCAN would read everyone's rows), and the
    # flagged-items query uses the partial index, so it never walks the person's whole history.
    indexed = bool(plans) and all("SCAN" not in line for line in plans)
    indexed = indexed and any("entries_bring" in line for line in plans)
    ms = 1000
    print(
        f"\nrecap since the last session: {figures['items']} items, {others:,} other people in the database"
    )
    print(
        table(
            [
                ["history", "median build", "p90 build"],
                ["1 week", f"{figures['week'] * ms:.2f} ms", f"{figures['week_p90'] * ms:.2f} ms"],
                ["1 year", f"{figures['year'] * ms:.2f} ms", f"{figures['year_p90'] * ms:.2f} ms"],
            ]
        )
    )
    ratio = figures["year"] / figures["week"]
    print(f"\nratio 1 year / 1 week: {ratio:.2f} (goal <= {GOAL_RATIO}): {verdict(ratio <= GOAL_RATIO)}")
    print(f"every recap query uses an index: {verdict(indexed)}")
    print(f"\nbuilding a whole year's window (/recap 365d): {figures['year_window_build'] * ms:.1f} ms")
    rows = [["render", "items", "Telegram parts", "Telegram HTML", "Markdown", "HTML page"]]
    for name, render in figures["render"].items():
        rows.append(
            [
                name,
                str(render["items"]),
                str(render["parts"]),
                f"{render['telegram'] * ms:.2f} ms",
                f"{render['markdown'] * ms:.2f} ms",
                f"{render['html'] * ms:.2f} ms",
            ]
        )
    print(table(rows))
    return 0 if ratio <= GOAL_RATIO and indexed else 1


if __name__ == "__main__":
    raise SystemExit(main())
