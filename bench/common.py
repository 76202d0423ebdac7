"""Shared pieces of the benchmarks: the machine line, seeding, child processes, statistics.

Every measured workload runs in a fresh child process (the same script, ``--child NAME``) so
that peak memory is that workload's alone and nothing warmed up by one run helps the next. The
local Bot API stand-in runs in the parent process: like Telegram, it is somebody else's server,
and its work does not compete with the bot for the interpreter lock.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TOKEN = "123456789:BENCH-token-for-between"
FIRST_USER_ID = 1_000_001  # user ids (and private chat ids) of seeded people count up from here
# A realistic spread of people's zones: both hemispheres, half-hour offsets, DST and none.
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Africa/Nairobi",
    "Australia/Sydney",
    "Pacific/Auckland",
)
ALL_DAYS_MASK = 127
# Reminders that must not come due during a benchmark are seeded at least this far ahead.
NOT_DUE_LEAD = timedelta(hours=1)
RESULT_PREFIX = "BENCH-RESULT "


# ---- the machine ----------------------------------------------------------------------------


def machine_line() -> str:
    """Cores, CPU model (from /proc/cpuinfo where there is one) and Python version."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {model}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), SQLite {sqlite3.sqlite_version}, {platform.system()}"
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# ---- seeding ----------------------------------------------------------------------------------


def db_text(instant: datetime) -> str:
    """An instant as the schema stores it: UTC text, seconds precision."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def user_id(index: int) -> int:
    """The user id of the ``index``-th seeded person (0-based)."""
    return FIRST_USER_ID + index


def create_schema(path: Path) -> None:
    """Create an empty database at ``path`` with the project's own open + migrate."""
    from bot.store.db import Database
    from bot.store.migrate import migrate

    async def make() -> None:
        db = await Database.open(path)
        try:
            await migrate(db)
        finally:
            await db.close()

    asyncio.run(make())


@functools.cache
def _next_due(zone: str, minute_of_day: int, after: datetime) -> datetime:
    from bot.schedule import ALL_DAYS, next_due

    at = time(minute_of_day // 60, minute_of_day % 60)
    return next_due(after, at, ALL_DAYS, ZoneInfo(zone))


@dataclass(frozen=True)
class Seeded:
    """What :func:`seed` put in the database."""

    people: int
    reminders: int
    due: int
    due_at: datetime | None


def seed(
    path: Path,
    *,
    people: int,
    reminders_per_person: int,
    due_people: int = 0,
    now: datetime,
    due_at: datetime | None = None,
    rng_seed: int = 20261123,
) -> Seeded:
    """Fill a migrated database directly with sqlite3 executemany.

    Every person gets a real IANA zone and ``reminders_per_person`` daily reminders (distinct
    wall-clock times, days mask 127) whose next_due is computed with the project's own
    ``next_due`` and lies at least :data:`NOT_DUE_LEAD` after ``now``. The first ``due_people``
    people instead have their first reminder due at ``due_at`` (default: ``now`` minus a minute,
    on the minute): its wall-clock time is what ``due_at`` reads in their zone, so the stored
    instant is a genuine occurrence.
    """
    rng = random.Random(rng_seed)
    stamp = db_text(now)
    if due_at is None:
        due_at = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    person_rows: list[tuple[Any, ...]] = []
    reminder_rows: list[tuple[Any, ...]] = []
    for index in range(people):
        uid = user_id(index)
        zone = ZONES[index % len(ZONES)]
        person_rows.append((uid, "en", zone, stamp, stamp))
        used: set[int] = set()
        if index < due_people:
            local = due_at.astimezone(ZoneInfo(zone))
            minute = local.hour * 60 + local.minute
            used.add(minute)
            reminder_rows.append((uid, f"{minute // 60:02d}:{minute % 60:02d}", db_text(due_at)))
        while len(used) < reminders_per_person:
            minute = rng.randrange(24 * 60)
            if minute in used:
                continue
            due = _next_due(zone, minute, now)
            if due - now < NOT_DUE_LEAD:
                continue  # would come due while the benchmark runs
            used.add(minute)
            reminder_rows.append((uid, f"{minute // 60:02d}:{minute % 60:02d}", db_text(due)))
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # seeding only: speed over durability
        with conn:
            conn.executemany(
                "INSERT INTO people (user_id, language_code, zone, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                person_rows,
            )
            conn.executemany(
                "INSERT INTO reminders (user_id, at, days, next_due, created_at)"
                f" VALUES (?, ?, {ALL_DAYS_MASK}, ?, '{stamp}')",
                reminder_rows,
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    _flush(path)
    return Seeded(people, len(reminder_rows), min(due_people, people), due_at if due_people else None)


def seeded_database(folder: Path, name: str, **kwargs: Any) -> tuple[Path, Seeded]:
    """A migrated database at ``folder/name`` filled by :func:`seed`."""
    path = folder / name
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    create_schema(path)
    return path, seed(path, **kwargs)


def copy_database(source: Path, target: Path) -> Path:
    """A fresh copy of a closed (checkpointed) database, for a run that changes it."""
    import shutil

    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    _flush(target)
    return target


def _flush(path: Path) -> None:
    """Push a file the benchmark just wrote to disk now.

    Otherwise its writeback lands inside a measured run: on ext4 the bot's first fsync (a commit
    with synchronous=FULL) can wait for a freshly copied 30 MiB file, and the run measures the
    benchmark's own set-up.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- child processes ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildResult:
    """What a child process reported, with its wall time seen from the parent."""

    data: dict[str, Any]
    wall: float
    stderr: str


def run_child(script: Path, name: str, args: dict[str, Any], *, timeout: float) -> ChildResult:
    """Run ``script --child name`` in a fresh interpreter and return its JSON result line."""
    import time as _time

    env = dict(os.environ)
    # python-telegram-bot's coming timedelta durations, as `between` opts in (bot/__main__.py).
    env.setdefault("PTB_TIMEDELTA", "1")
    started = _time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(script), "--child", name, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    wall = _time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"child {name} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return ChildResult(json.loads(line[len(RESULT_PREFIX) :]), wall, proc.stderr)
    raise RuntimeError(f"child {name} printed no result:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def report_result(data: dict[str, Any]) -> None:
    """Hand a child's result to the parent (one line on stdout)."""
    print(RESULT_PREFIX + json.dumps(data), flush=True)


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB.

    On Linux it is VmHWM from /proc/self/status: getrusage's ru_maxrss would do elsewhere, but on
    Linux it survives exec and so starts at the parent's peak (here, the parent that seeded a
    hundred thousand rows), which hides the child's own figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


# ---- statistics and printing ----------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    """The median of ``values``."""
    return statistics.median(list(values))


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` percentile (0..1) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def verdict(ok: bool) -> str:
    """A goal check as one word."""
    return "MET" if ok else "MISSED"


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows of cells as aligned text (the first row is the header)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
