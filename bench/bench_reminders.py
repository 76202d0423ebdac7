"""Benchmarks for the reminder dispatcher (bot/dispatch.py). Run by hand, not by pytest:

    python bench/bench_reminders.py            # the full run (several minutes)
    python bench/bench_reminders.py --quick    # scaled down (about a minute)
    python bench/bench_reminders.py --smoke    # tiny sizes, every scenario once (seconds): it still runs
    python bench/bench_reminders.py --only 2   # one scenario (repeatable: --only 1 --only 3)

Each scenario prints its figures and a ratio against a baseline measured in the same run on the
same machine. See bench/README.md for what each scenario measures and its goal.

1. start-up: time to ready and peak memory with 100,000 people (2 reminders each) vs none.
2. claim cost: claiming 1,000 due reminders among 1,000 people vs among 100,000 people.
3. send throughput, rate limiter off: the dispatcher vs a bare python-telegram-bot send loop.
4. Telegram's 30 messages/s limit on: 3,000 prompts due at once, all delivered in time, once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# The bot of this checkout, not whichever one the interpreter has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (  # noqa: E402
    TOKEN,
    ZONES,
    ChildResult,
    copy_database,
    create_schema,
    db_text,
    load_average,
    machine_line,
    median,
    peak_rss_mib,
    percentile,
    report_result,
    run_child,
    seeded_database,
    table,
    user_id,
    verdict,
)

SCRIPT = Path(__file__).resolve()
TELEGRAM_RATE = 30  # messages per second, Telegram's overall limit for a bot


# ---- sizes ----------------------------------------------------------------------------------


def sizes(run: str) -> dict[str, int]:
    """How big each scenario is in a full, a --quick and a --smoke run."""
    if run == "smoke":
        # Too small for the figures to mean anything: it only shows every scenario still runs.
        return {
            "startup_people": 2_000,
            "startup_reps": 1,
            "claim_due": 200,
            "claim_small": 200,
            "claim_large": 2_000,
            "claim_reps": 1,
            "tick_reps": 1,
            "throughput": 300,
            "throughput_reps": 1,
            "flood": 60,
        }
    if run == "quick":
        return {
            "startup_people": 20_000,
            "startup_reps": 3,
            "claim_due": 1_000,
            "claim_small": 1_000,
            "claim_large": 20_000,
            "claim_reps": 3,
            "tick_reps": 1,
            "throughput": 2_000,
            "throughput_reps": 1,
            "flood": 300,
        }
    return {
        "startup_people": 100_000,
        "startup_reps": 5,
        "claim_due": 1_000,
        "claim_small": 1_000,
        "claim_large": 100_000,
        "claim_reps": 5,
        "tick_reps": 2,
        "throughput": 10_000,
        "throughput_reps": 2,
        "flood": 3_000,
    }


# ---- the stand-in (parent side) ----------------------------------------------------------------


@contextlib.contextmanager
def standin(users: int = 0, *, flood_limits: bool = False) -> Iterator[Any]:
    """A local Bot API stand-in in this process, with the first ``users`` seeded people."""
    from bot.localapi import LocalBotAPI

    with LocalBotAPI(TOKEN, flood_limits=flood_limits) as api:
        for index in range(users):
            api.add_user(user_id(index))
        yield api


def delivered_per_chat(api: Any, users: int) -> list[int]:
    """How many bot messages each seeded person's chat holds (public reading side)."""
    return [len(api.bot_messages(user_id(index))) for index in range(users)]


def send_moments(api: Any, chat_id: int) -> list[float]:
    """When the stand-in recorded each message sent to a chat (its clock: time.time()).

    Read from the stand-in's private per-chat record: its public readers only give whole-second
    dates, too coarse for lateness. Acceptable in a benchmark; revisit if localapi changes.
    """
    with api._cond:
        chat = api._chats.get(chat_id)
        return list(chat.send_times) if chat else []


def spread(values: list[float]) -> str:
    """Median (min..max) of timings in seconds, as milliseconds."""
    return f"{median(values) * 1000:8.1f} ms ({min(values) * 1000:.0f}..{max(values) * 1000:.0f})"


def time_ratio(new: list[float], base: list[float]) -> tuple[float, float]:
    """(ratio of medians, ratio of bests) of two sets of timings, ``new`` over ``base``.

    Other work on the machine only ever adds time, so the best of several runs is the steadier
    estimate of a cost; the verdicts use it, and the median ratio is printed beside it.
    """
    return median(new) / median(base), min(new) / min(base)


def stderr_note(results: list[ChildResult]) -> None:
    """Summarise what the children logged (warnings from the bot or the rate limiter)."""
    kinds: Counter[str] = Counter()
    for result in results:
        for line in result.stderr.splitlines():
            # Log messages start in column 0; tracebacks under them are indented or say so.
            if line.strip() and not line.startswith((" ", "Traceback", "telegram.", "The above", "During")):
                kinds[re.sub(r"\d+", "N", line.strip())[:100]] += 1
    for kind, count in kinds.most_common(3):
        print(f"    logged {count}x: {kind}")


# ---- scenario 1: start-up --------------------------------------------------------------------


def scenario_startup(work: Path, n: dict[str, int]) -> dict[str, Any]:
    """Start-up time and peak memory with many people vs an empty database."""
    people = n["startup_people"]
    print(f"\n[1] Start-up cost: {people:,} people x 2 reminders vs an empty database")
    now = datetime.now(UTC)
    started = time.perf_counter()
    big, seeded = seeded_database(work, "startup-big.sqlite3", people=people, reminders_per_person=2, now=now)
    empty = work / "startup-empty.sqlite3"
    create_schema(empty)
    print(
        f"    seeded {seeded.people:,} people, {seeded.reminders:,} reminders in "
        f"{time.perf_counter() - started:.1f} s ({big.stat().st_size / 2**20:.1f} MiB file)"
    )
    runs: dict[str, list[ChildResult]] = {"empty": [], "big": []}
    with standin() as api:
        for _ in range(n["startup_reps"]):
            for name, source in (("empty", empty), ("big", big)):  # alternate: drift hits both
                db = copy_database(source, work / f"run-{name}.sqlite3")
                runs[name].append(
                    run_child(SCRIPT, "startup", {"db": str(db), "api_url": api.base_url}, timeout=180)
                )
    for results in runs.values():
        for r in results:
            assert r.data["due_found"] == 0, "something was due at start-up; the seeding is wrong"

    def figures(name: str) -> dict[str, float]:
        results = runs[name]
        return {
            "ready": median(r.data["ready"] for r in results),
            "ready_best": min(r.data["ready"] for r in results),
            "tick": median(r.data["first_tick"] for r in results),
            "rss": median(r.data["rss_mib"] for r in results),
            "wall": median(r.wall for r in results),
        }

    e, b = figures("empty"), figures("big")
    rows = [["database", "ready: median (min..max)", "first tick", "peak RSS", "process wall"]]
    for label, name, f in (("empty", "empty", e), (f"{people:,} people", "big", b)):
        rows.append(
            [
                label,
                spread([r.data["ready"] for r in runs[name]]),
                f"{f['tick'] * 1000:.1f} ms",
                f"{f['rss']:.1f} MiB",
                f"{f['wall']:.2f} s",
            ]
        )
    print(table(rows))
    by_median, by_best = time_ratio(
        [r.data["ready"] for r in runs["big"]], [r.data["ready"] for r in runs["empty"]]
    )
    rss_ratio = b["rss"] / e["rss"]
    print(
        f"    start-up ratio {by_best:.2f}x best of {len(runs['big'])} ({by_median:.2f}x median)"
        f"   goal <= 1.2x   {verdict(by_best <= 1.2)}"
    )
    print(f"    peak memory ratio {rss_ratio:.2f}x   goal <= 1.2x   {verdict(rss_ratio <= 1.2)}")
    print(
        "    ready = open + migrate + build and start the Application + first tick (+ arming the\n"
        "    timer), in the process; process wall adds interpreter start and imports. Peak RSS is\n"
        "    VmHWM of a fresh process per run (interpreter and imports included)"
    )
    stderr_note(runs["empty"] + runs["big"])
    return {
        "people": people,
        "empty": e,
        "big": b,
        "time_ratio_best": by_best,
        "time_ratio_median": by_median,
        "rss_ratio": rss_ratio,
    }


async def child_startup(args: dict[str, Any]) -> dict[str, Any]:
    """Open, migrate, build and start, then the first tick: what `between run` does before polling."""
    from bot.app import running

    settings = _settings(args)
    started = time.perf_counter()
    async with running(settings) as runtime:
        opened = time.perf_counter()
        reports = _record_ticks(runtime.dispatcher)
        await runtime.start_timer()
        ready = time.perf_counter()
        due_found = sum(r.sent + r.missed + r.held + r.failed + r.retry_later for r in reports)
    return {
        "ready": ready - started,
        "open_to_started": opened - started,
        "first_tick": ready - opened,
        "due_found": due_found,
        "rss_mib": peak_rss_mib(),
    }


# ---- scenario 2: claim cost ------------------------------------------------------------------


def scenario_claim(work: Path, n: dict[str, int]) -> dict[str, Any]:
    """Claiming the same number of due reminders in a small and in a large table."""
    due, small_n, large_n = n["claim_due"], n["claim_small"], n["claim_large"]
    print(
        f"\n[2] Claim cost is O(due): {due:,} due reminders among {small_n:,} people vs among "
        f"{large_n:,} people (2 reminders each; {2 * large_n - due:,} not due)"
    )
    now = datetime.now(UTC).replace(microsecond=0)
    sources = {
        "small": seeded_database(
            work, "claim-small.sqlite3", people=small_n, reminders_per_person=2, due_people=due, now=now
        )[0],
        "large": seeded_database(
            work, "claim-large.sqlite3", people=large_n, reminders_per_person=2, due_people=due, now=now
        )[0],
    }
    runs: dict[tuple[str, str], list[ChildResult]] = {}
    for mode in ("claim", "tick"):
        for _ in range(n[f"{mode}_reps"]):
            for name, source in sources.items():  # alternate: drift hits both
                db = copy_database(source, work / f"run-claim-{name}.sqlite3")
                with standin(due) as api:
                    args = {"db": str(db), "api_url": api.base_url, "now": now.isoformat()}
                    result = run_child(SCRIPT, mode, {**args, "unthrottled": True}, timeout=300)
                    assert sum(delivered_per_chat(api, due)) == (due if mode == "tick" else 0)
                assert result.data["claimed"] == due, result.data
                runs.setdefault((mode, name), []).append(result)
    rows = [["step", f"{small_n:,} people", f"{large_n:,} people", "ratio: best (median)"]]
    ratios = {}
    for mode, label in (("claim", "claim only (Dispatcher._claim)"), ("tick", "whole tick with sends")):
        small = [r.data["seconds"] for r in runs[(mode, "small")]]
        large = [r.data["seconds"] for r in runs[(mode, "large")]]
        by_median, by_best = time_ratio(large, small)
        ratios[mode] = by_best
        ratios[f"{mode}_median"] = by_median
        rows.append([label, spread(small), spread(large), f"{by_best:.2f}x ({by_median:.2f}x)"])
    print(table(rows))
    lookup = median(r.data["first_zone_lookup"] for r in runs[("claim", "small")])
    print(f"    (not in the claim figures: the process's first zone lookup, {lookup * 1000:.0f} ms once)")
    print(
        f"    claim ratio {ratios['claim']:.2f}x best of {n['claim_reps']}   goal ~1.0 (<= 1.2x)   "
        f"{verdict(ratios['claim'] <= 1.2)}"
    )
    per_claim = min(r.data["seconds"] for r in runs[("claim", "large")]) / due
    print(f"    that is {per_claim * 1e6:.0f} us per claimed reminder (best run, large table)")
    print(
        "    claim only: the private Dispatcher._claim timed batch by batch (each batch marked sent,\n"
        "    untimed, between claims as a tick's sends would); whole tick: dispatcher.tick() sending\n"
        "    every prompt to the stand-in with flood limits and the rate limiter off"
    )
    stderr_note([r for results in runs.values() for r in results])
    return {
        "due": due,
        "small_people": small_n,
        "large_people": large_n,
        "claim_small": median(r.data["seconds"] for r in runs[("claim", "small")]),
        "claim_large": median(r.data["seconds"] for r in runs[("claim", "large")]),
        "claim_small_best": min(r.data["seconds"] for r in runs[("claim", "small")]),
        "claim_large_best": min(r.data["seconds"] for r in runs[("claim", "large")]),
        "tick_small": median(r.data["seconds"] for r in runs[("tick", "small")]),
        "tick_large": median(r.data["seconds"] for r in runs[("tick", "large")]),
        "ratios": ratios,
    }


async def child_claim(args: dict[str, Any]) -> dict[str, Any]:
    """Time only the claim step of a tick, batch by batch, with the sends left out."""
    from bot.app import running
    from bot.clock import FakeClock
    from bot.dispatch import TickReport
    from bot.timezones import zone_from_name

    clock = FakeClock(datetime.fromisoformat(args["now"]))
    now = clock.now()
    async with running(_settings(args), clock) as runtime:
        # The first zone lookup in a process lists every tzdata zone once (cached after): a
        # one-off, the same for both sizes, timed apart so the ratio shows the per-claim cost.
        started = time.perf_counter()
        for zone in ZONES:
            zone_from_name(zone)
        first_lookup = time.perf_counter() - started
        dispatcher, report = runtime.dispatcher, TickReport()
        served: set[int] = set()  # people given a prompt so far, carried from batch to batch as in tick()
        spent, claimed, batches = 0.0, 0, 0
        while True:
            started = time.perf_counter()
            # Private: the step under test, called as tick() calls it (leftovers on the first claim only).
            batch, more = await dispatcher._claim(now, report, served, leftovers=batches == 0)
            spent += time.perf_counter() - started
            if not batch and not more:
                break
            batches += 1
            claimed += len(batch)
            # What sending leaves behind (claims are marked sent as they go out).
            async with runtime.db.transaction() as conn:
                await conn.executemany(
                    "UPDATE deliveries SET state = 'sent', message_id = 0, sent_at = ? WHERE id = ?",
                    [(db_text(now), d.id) for d in batch],
                )
    return {
        "seconds": spent,
        "claimed": claimed,
        "batches": batches,
        "first_zone_lookup": first_lookup,
        "rss_mib": peak_rss_mib(),
    }


async def child_tick(args: dict[str, Any]) -> dict[str, Any]:
    """Time one whole tick (claims and sends) at a fake instant when the seeded reminders are due."""
    from bot.app import running
    from bot.clock import FakeClock

    if args.get("unthrottled"):
        _limiter_out_of_the_way()
    clock = FakeClock(datetime.fromisoformat(args["now"]))
    async with running(_settings(args), clock) as runtime:
        claiming = _time_claims(runtime.dispatcher)
        started = time.perf_counter()
        report = await runtime.dispatcher.tick()
        spent = time.perf_counter() - started
    return {
        "seconds": spent,
        "claim_seconds": sum(claiming),
        "claimed": report.sent + report.failed + report.retry_later,
        "sent": report.sent,
        "failed": report.failed,
        "retry_later": report.retry_later,
        "rss_mib": peak_rss_mib(),
    }


# ---- scenario 3: send throughput ----------------------------------------------------------------


def scenario_throughput(work: Path, n: dict[str, int]) -> dict[str, Any]:
    """Dispatcher sends per second vs a bare python-telegram-bot loop, rate limiter off."""
    count = n["throughput"]
    print(f"\n[3] Send throughput, rate limiter off: {count:,} due prompts (one per person)")
    now = datetime.now(UTC).replace(microsecond=0)
    source, _ = seeded_database(
        work, "throughput.sqlite3", people=count, reminders_per_person=1, due_people=count, now=now
    )
    runs: dict[str, list[ChildResult]] = {"bare": [], "dispatcher": []}
    for _ in range(n["throughput_reps"]):
        with standin(count) as api:
            runs["bare"].append(
                run_child(SCRIPT, "bare", {"api_url": api.base_url, "count": count}, timeout=600)
            )
            assert delivered_per_chat(api, count) == [1] * count
        with standin(count) as api:
            db = copy_database(source, work / "run-throughput.sqlite3")
            args = {"db": str(db), "api_url": api.base_url, "now": now.isoformat(), "unthrottled": True}
            result = run_child(SCRIPT, "tick", args, timeout=600)
            assert result.data["sent"] == count, result.data
            assert delivered_per_chat(api, count) == [1] * count
            runs["dispatcher"].append(result)
    bare = median(count / r.data["seconds"] for r in runs["bare"])
    dispatcher = median(count / r.data["seconds"] for r in runs["dispatcher"])
    by_median, by_best = time_ratio(
        [r.data["seconds"] for r in runs["bare"]], [r.data["seconds"] for r in runs["dispatcher"]]
    )
    rows = [["sender", "messages/s (median)", "seconds per run"]]
    for label, name, rate in (
        ("bare PTB loop (Bot.send_message, one at a time)", "bare", bare),
        ("dispatcher.tick() (claim, choose, render, send, record)", "dispatcher", dispatcher),
    ):
        rows.append([label, f"{rate:,.0f}", ", ".join(f"{r.data['seconds']:.1f}" for r in runs[name])])
    print(table(rows))
    claim_share = median(r.data["claim_seconds"] / r.data["seconds"] for r in runs["dispatcher"])
    print(
        f"    of the dispatcher's time, claiming took {claim_share:.0%} "
        "(the rest: choosing, rendering, sending, recording)"
    )
    ratio = by_best  # messages/s is count over seconds: the time ratio inverted
    print(
        f"    throughput ratio {by_best:.2f}x best of {n['throughput_reps']} ({by_median:.2f}x median)"
        f"   goal >= 0.8x   {verdict(ratio >= 0.8)}"
    )
    stderr_note(runs["bare"] + runs["dispatcher"])
    return {
        "count": count,
        "bare": bare,
        "dispatcher": dispatcher,
        "ratio": ratio,
        "ratio_median": by_median,
        "claim_share": claim_share,
    }


async def child_bare(args: dict[str, Any]) -> dict[str, Any]:
    """The baseline: a plain telegram.Bot sending the same prompt message in a loop."""
    from telegram import Bot

    from bot.prompts import load_catalogue
    from bot.render import Renderer
    from bot.views.prompt import prompt_message

    renderer, catalogue = Renderer(), load_catalogue()
    prompt = catalogue.prompts[0]  # one real prompt: same size, HTML and buttons as the bot's
    text, markup = prompt_message(renderer, prompt, user_id(0), 1)
    count = args["count"]
    async with Bot(TOKEN, base_url=args["api_url"]) as bot:
        started = time.perf_counter()
        for index in range(count):
            await bot.send_message(user_id(index), text, parse_mode="HTML", reply_markup=markup)
        spent = time.perf_counter() - started
    return {"seconds": spent, "sent": count, "rss_mib": peak_rss_mib()}


# ---- scenario 4: Telegram's limit on ----------------------------------------------------------


def scenario_flood(work: Path, n: dict[str, int]) -> dict[str, Any]:
    """Many prompts due at one instant, with the real rate limiter and Telegram's flood limit."""
    count = n["flood"]
    budget = 1.05 * count / TELEGRAM_RATE
    print(
        f"\n[4] Telegram's limit on: {count:,} prompts due at the same instant, "
        f"{TELEGRAM_RATE} msg/s, budget {budget:.1f} s"
    )
    now = datetime.now(UTC)
    source, _ = seeded_database(work, "flood.sqlite3", people=count, reminders_per_person=1, now=now)
    with standin(count, flood_limits=True) as api:
        args = {"db": str(source), "api_url": api.base_url, "count": count, "timeout": 2 * budget + 90}
        result = run_child(SCRIPT, "flood", args, timeout=2 * budget + 180)
        per_chat = delivered_per_chat(api, count)
        moments = [m for index in range(count) for m in send_moments(api, user_id(index))]
        refused = len(api.failures("sendMessage"))
        attempts = len(api.calls("sendMessage"))
    due_at = result.data["due_at"]
    lateness = sorted(m - due_at for m in moments)
    twice = sum(1 for c in per_chat if c > 1)
    missing = sum(1 for c in per_chat if c == 0)
    last = lateness[-1] if lateness else float("inf")
    in_time = missing == 0 and last <= budget
    print(
        f"    delivered {sum(per_chat):,} messages to {count - missing:,}/{count:,} people; "
        f"{twice} people got one twice; {missing} got none"
    )
    if lateness:
        print(
            f"    lateness (stand-in's record minus the due instant): p50 {percentile(lateness, 0.5):.2f} s, "
            f"p99 {percentile(lateness, 0.99):.2f} s, first {lateness[0]:.2f} s, last {last:.2f} s"
        )
        print(f"    achieved {len(lateness) / max(last, 1e-9):.1f} msg/s over the whole delivery")
        print(
            f"    (a perfect {TELEGRAM_RATE} msg/s sender: p50 {count / 2 / TELEGRAM_RATE:.2f} s, "
            f"p99 {0.99 * count / TELEGRAM_RATE:.2f} s, last {count / TELEGRAM_RATE:.2f} s)"
        )
    print(f"    sendMessage calls {attempts:,}, answered 429 by the stand-in: {refused:,}")
    ticks = result.data["ticks"]
    print(
        f"    ticks: {len(ticks)}; sent {sum(t['sent'] for t in ticks):,}, left for retry "
        f"{sum(t['retry_later'] for t in ticks):,}, failed {sum(t['failed'] for t in ticks):,}"
    )
    print(f"    all delivered within {budget:.1f} s, none twice   {verdict(in_time and twice == 0)}")
    stderr_note([result])
    return {
        "count": count,
        "budget": budget,
        "last": last,
        "p50": percentile(lateness, 0.5) if lateness else None,
        "p99": percentile(lateness, 0.99) if lateness else None,
        "first": lateness[0] if lateness else None,
        "twice": twice,
        "missing": missing,
        "refused": refused,
        "ok": in_time and twice == 0,
    }


async def child_flood(args: dict[str, Any]) -> dict[str, Any]:
    """Make every reminder due at the next whole second; let the real timer deliver them."""
    from zoneinfo import ZoneInfo

    from bot.app import running

    count, deadline = args["count"], time.time() + args["timeout"]
    async with running(_settings(args)) as runtime:
        reports = _record_ticks(runtime.dispatcher)
        # Due "now": the next whole second after the bot is up (next_due has seconds precision).
        due = datetime.fromtimestamp(int(time.time()) + 2, UTC)
        async with runtime.db.transaction() as conn:
            async with conn.execute(
                "SELECT r.id, p.zone FROM reminders AS r JOIN people AS p USING (user_id)"
            ) as cur:
                rows = await cur.fetchall()
            # The wall-clock time is what the due instant reads in the person's zone, so the
            # reminder is the same one as before, just due now.
            await conn.executemany(
                "UPDATE reminders SET next_due = ?, at = ? WHERE id = ?",
                [(db_text(due), due.astimezone(ZoneInfo(zone)).strftime("%H:%M"), rid) for rid, zone in rows],
            )
        await runtime.start_timer()  # the production path: tick now, then wake at the due instant
        sent = 0
        while time.time() < deadline:
            await asyncio.sleep(0.25)
            async with runtime.db.read() as conn:
                async with conn.execute("SELECT count(*) FROM deliveries WHERE state = 'sent'") as cur:
                    sent = (await cur.fetchone())[0]
            if sent >= count:
                break
        finished = time.time()
    return {
        "due_at": due.timestamp(),
        "finished": finished,
        "sent_in_db": sent,
        "ticks": [
            {"sent": r.sent, "retry_later": r.retry_later, "failed": r.failed, "missed": r.missed}
            for r in reports
        ],
        "rss_mib": peak_rss_mib(),
    }


# ---- child helpers ----------------------------------------------------------------------------


def _settings(args: dict[str, Any]) -> Any:
    from bot.config import Secret, Settings

    return Settings(token=Secret(TOKEN), api_url=args["api_url"], db_path=Path(args["db"]), poll_timeout=1)


def _record_ticks(dispatcher: Any) -> list[Any]:
    """Keep every TickReport the dispatcher returns (the timer calls tick() on its own)."""
    reports: list[Any] = []
    original = dispatcher.tick

    async def tick() -> Any:
        report = await original()
        reports.append(report)
        return report

    dispatcher.tick = tick
    return reports


def _time_claims(dispatcher: Any) -> list[float]:
    """Time each claim step of the ticks to come (the rest of a tick is sending)."""
    spent: list[float] = []
    original = dispatcher._claim

    async def claim(*args: Any, **options: Any) -> Any:  # whatever tick() passes, passed on
        started = time.perf_counter()
        try:
            return await original(*args, **options)
        finally:
            spent.append(time.perf_counter() - started)

    dispatcher._claim = claim
    return spent


def _limiter_out_of_the_way() -> None:
    """Build the Application with a rate limiter that never throttles.

    build_application() constructs TelegramRateLimiter() by name from bot.app; one whose
    windows hold a billion sends still runs every request through the limiter's code path but
    never waits.
    """
    import bot.app
    from bot.ratelimit import TelegramRateLimiter

    def unthrottled() -> TelegramRateLimiter:
        return TelegramRateLimiter(overall=(10**9, 1.0), per_group=(10**9, 60.0), max_retries=0)

    bot.app.TelegramRateLimiter = unthrottled  # type: ignore[assignment,misc]


CHILDREN = {
    "startup": child_startup,
    "claim": child_claim,
    "tick": child_tick,
    "bare": child_bare,
    "flood": child_flood,
}
SCENARIOS = {1: scenario_startup, 2: scenario_claim, 3: scenario_throughput, 4: scenario_flood}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen scenarios (all by default) and print their figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="scaled-down sizes (about a minute)")
    size.add_argument(
        "--smoke", action="store_true", help="tiny sizes, to check that every scenario still runs"
    )
    parser.add_argument(
        "--only", type=int, action="append", choices=sorted(SCENARIOS), help="run one scenario"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="?", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        report_result(asyncio.run(CHILDREN[options.child](json.loads(options.args))))
        return 0

    run = "smoke" if options.smoke else "quick" if options.quick else "full"
    n = sizes(run)
    print(f"Between reminder dispatcher benchmarks ({run} run)")
    if run == "smoke":
        print("(smoke run: the sizes are too small for the figures or verdicts to mean anything)")
    print(f"machine: {machine_line()}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average at start: {load_average()}")
    started = time.perf_counter()
    figures: dict[str, Any] = {"machine": machine_line(), "quick": options.quick, "run": run}
    with tempfile.TemporaryDirectory(prefix="between-bench-") as folder:
        for number in options.only or sorted(SCENARIOS):
            figures[str(number)] = SCENARIOS[number](Path(folder), n)
    print(
        f"\ntotal {timedelta(seconds=round(time.perf_counter() - started))}; "
        f"load average at the end: {load_average()} (above ~0.5 means something else was running)"
    )
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
