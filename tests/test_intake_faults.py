"""Faults the intake waits out, giving nothing up: a full disk, a database another process holds,
a Telegram outage, a handler that keeps meeting a passing fault. And the one it does not wait
out: a bug, whose update is kept (never erased by a timer) and counted for the operator.

The intake's waits run at a fraction of their length (FastWaits), so a 45-second outage or a
minute's backoff takes well under a second here; the faults themselves are real or injected at
the store.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.intake import Intake
from bot.outcome import Fate, fate, is_transient, retry_delay
from bot.store import entries, inbox
from bot.store.db import Database
from tests.conftest import TOKEN
from tests.intake_support import (
    TIME_SCALE,
    FastWaits,
    OutageAPI,
    acknowledged,
    entry_texts,
    full,
    inbox_rows,
)
from tests.test_journey_reminders import onboarded


@pytest.fixture
def api(clock: Any) -> Iterator[OutageAPI]:
    """The stand-in, able to go down like Telegram during an outage (otherwise as usual)."""
    with OutageAPI(TOKEN, clock=lambda: clock.now().timestamp()) as server:
        yield server


def fast(harness: Any, scale: float = TIME_SCALE) -> FastWaits:
    waits = FastWaits(scale)
    harness.runtime.intake.sleep = waits.sleep
    return waits


def logged(caplog: pytest.LogCaptureFixture, words: str) -> int:
    return sum(words in record.getMessage() for record in caplog.records)


def count_commits(harness: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the intake's tries to commit a batch, and those that raised."""
    intake = harness.runtime.intake
    real_accept = intake.accept
    counts = {"tries": 0, "failed": 0}

    async def accept(payloads: list[dict[str, Any]]) -> int:
        counts["tries"] += 1
        try:
            return await real_accept(payloads)
        except Exception:
            counts["failed"] += 1
            raise

    monkeypatch.setattr(intake, "accept", accept)
    return counts


def apologies(person: Any) -> list[str]:
    return [m.visible for m in person.messages() if "went wrong" in (m.visible or "")]


async def test_a_full_disk_at_the_inbox_commit_holds_polling_and_loses_nothing(
    harness: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api = harness.api
    alex = await onboarded(harness)
    waits = fast(harness)
    disk = {"full": True, "refused": 0}
    real_accept = inbox.accept

    async def accept(conn: Any, rows: Any, now: Any) -> list[int]:
        if disk["full"]:
            disk["refused"] += 1
            raise full()
        return await real_accept(conn, rows, now)

    monkeypatch.setattr(inbox, "accept", accept)
    text = "written while the disk is full <3"
    update = api.send_message(1001, text)
    await api.wait_for(lambda: disk["refused"] >= 1, timeout=5, what="a refused commit")
    polls = len(api.calls("getUpdates"))
    await api.wait_for(lambda: disk["refused"] >= 6, timeout=5, what="six refused commits")
    # Polling waits at the commit: no further getUpdates, so Telegram was told of nothing.
    assert len(api.calls("getUpdates")) == polls
    assert api.confirmed_offset <= update["update_id"]
    assert update["update_id"] not in await inbox_rows(harness)
    assert not acknowledged(api, update)

    disk["full"] = False
    await api.wait_for(lambda: acknowledged(api, update), timeout=5, what="the note's acknowledgement")
    await harness.processed(update["update_id"])
    assert await entry_texts(harness, 1001) == [text]
    assert (await inbox_rows(harness))[update["update_id"]] == ("done", False)
    assert waits.waits[:6] == [1, 2, 4, 8, 16, 32]  # doubling, waited out without giving up
    assert logged(caplog, "Telegram keeps them meanwhile) failed (database or disk is full") >= 1
    assert text not in caplog.text and not apologies(alex)


async def test_a_really_full_database_is_waited_out_in_the_handler_and_at_the_commit(
    harness: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's own SQLITE_FULL (a page limit), which surfaces from our transactions as a failed
    ROLLBACK: SQLite rolled the transaction back by itself."""
    api = harness.api
    alex = await onboarded(harness)
    fast(harness)
    db: Database = harness.runtime.db
    # About 12 kB each (three bytes a character): more than any free space left in a page.
    texts = [f"long note {n}: " + "ございます、今日は" * 440 for n in range(3)]
    tries = {"store": 0}
    real_add, real_accept = entries.add, inbox.accept

    async def add(conn: Any, entry: Any) -> Any:
        tries["store"] += 1
        return await real_add(conn, entry)

    async def accept_then_fill_the_disk(conn: Any, rows: Any, now: Any) -> list[int]:
        new = await real_accept(conn, rows, now)
        (pages,) = next(iter(await conn.execute_fetchall("PRAGMA page_count")))
        await conn.execute(f"PRAGMA max_page_count = {pages}")
        return new

    async def limit(pages: int | None) -> None:
        async with db.raw() as conn:
            if pages is None:
                (pages,) = next(iter(await conn.execute_fetchall("PRAGMA page_count")))
            await conn.execute(f"PRAGMA max_page_count = {pages}")

    # The disk fills up just after the note was committed: storing it fails, and is retried.
    monkeypatch.setattr(entries, "add", add)
    monkeypatch.setattr(inbox, "accept", accept_then_fill_the_disk)
    first = api.send_message(1001, texts[0])
    await api.wait_for(lambda: tries["store"] >= 4, timeout=5, what="four tries to store the note")
    assert not acknowledged(api, first)
    assert (await inbox_rows(harness))[first["update_id"]] == ("pending", True)
    monkeypatch.setattr(inbox, "accept", real_accept)
    await limit(1073741823)
    await api.wait_for(lambda: acknowledged(api, first), timeout=5, what="the first note's acknowledgement")

    # The disk is full before the next notes arrive: the commit itself is retried.
    await limit(None)
    commits = count_commits(harness, monkeypatch)
    later = [api.send_message(1001, text) for text in texts[1:]]
    await api.wait_for(lambda: commits["failed"] >= 4, timeout=5, what="four refused commits")
    assert logged(caplog, "Telegram keeps them meanwhile) failed (database or disk is full") >= 1
    assert not any(acknowledged(api, u) for u in later)
    await limit(1073741823)
    await api.wait_for(lambda: all(acknowledged(api, u) for u in later), timeout=5, what="acks")

    assert await entry_texts(harness, 1001) == texts
    rows = await inbox_rows(harness)
    assert [rows[u["update_id"]] for u in [first, *later]] == [("done", False)] * 3
    assert not apologies(alex)


async def test_a_database_held_by_another_process_is_waited_out(
    harness: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another connection holds the write lock through several of the bot's busy timeouts (8 s
    against 5 s in production; 250 ms timeouts here, to keep the test short)."""
    api = harness.api
    await onboarded(harness)
    fast(harness)
    db: Database = harness.runtime.db
    async with db.raw() as conn:
        await conn.execute("PRAGMA busy_timeout = 250")
    commits = count_commits(harness, monkeypatch)
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        held_at = time.monotonic()
        update = api.send_message(1001, "written while a backup holds the database")
        await api.wait_for(lambda: commits["failed"] >= 4, timeout=10, what="four lock timeouts")
        assert logged(caplog, "Telegram keeps them meanwhile) failed (database is locked") >= 1
        assert api.confirmed_offset <= update["update_id"], "Telegram was told of an uncommitted update"
        assert not acknowledged(api, update)
    finally:
        other.execute("ROLLBACK")
        other.close()
    held = time.monotonic() - held_at
    await api.wait_for(lambda: acknowledged(api, update), timeout=5, what="the note's acknowledgement")
    await harness.processed(update["update_id"])
    assert await entry_texts(harness, 1001) == ["written while a backup holds the database"]
    print(f"lock held {held:.2f} s (busy timeout 0.25 s): polling waited, then stored and acknowledged")


async def test_passing_faults_in_a_handler_are_retried_until_they_pass(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight in a row, past the five tries after which an update used to be parked; a full disk
    was given up at once."""
    api = harness.api
    alex = await onboarded(harness)
    waits = fast(harness, scale=0.004)
    faults = [full(), full(), full(), *(full("database is locked") for _ in range(5))]
    real_add = entries.add

    async def add(conn: Any, entry: Any) -> Any:
        if faults:
            raise faults.pop(0)
        return await real_add(conn, entry)

    monkeypatch.setattr(entries, "add", add)
    update = api.send_message(1001, "a note that meets eight passing faults")
    await api.wait_for(lambda: acknowledged(api, update), timeout=5, what="the note's acknowledgement")
    await harness.processed(update["update_id"])
    assert await entry_texts(harness, 1001) == ["a note that meets eight passing faults"]
    assert waits.waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert (await inbox_rows(harness))[update["update_id"]] == ("done", False)
    assert not apologies(alex)


async def test_a_45_second_telegram_outage_gives_nothing_up(harness: Any) -> None:
    api: OutageAPI = harness.api
    alex = await onboarded(harness)
    bea = await onboarded(harness, user_id=1002)
    waits = fast(harness)
    api.outage_on("setMessageReaction", 45 * TIME_SCALE)  # begins as the first note is acknowledged
    first = api.send_message(1001, "the note Telegram went down on")
    await api.wait_for(lambda: api.outage is not None, timeout=5, what="the outage")
    during = [api.send_message(1001, "written during the outage"), api.send_message(1002, "me too")]
    everything = [first, *during]
    await api.wait_for(lambda: all(acknowledged(api, u) for u in everything), timeout=10, what="acks")
    assert api.outage is not None
    lag = (time.monotonic() - api.outage[1]) / TIME_SCALE
    await harness.processed(during[-1]["update_id"])

    assert await entry_texts(harness, 1001) == ["the note Telegram went down on", "written during the outage"]
    assert await entry_texts(harness, 1002) == ["me too"]
    rows = await inbox_rows(harness)
    assert all(rows[u["update_id"]] == ("done", False) for u in everything)
    assert not apologies(alex) and not apologies(bea)
    refused = [method for method, _ in api.refused]
    assert refused.count("getUpdates") >= 4 and refused.count("setMessageReaction") >= 4
    assert max(waits.waits) <= 60
    assert lag < 60, "back within the longest wait of the outage's end"
    print(
        f"45 s outage: {refused.count('getUpdates')} getUpdates and "
        f"{refused.count('setMessageReaction')} acknowledgements refused, waits {waits.waits}; "
        f"every note stored once and acknowledged {lag:.0f} s after Telegram came back"
    )


async def test_a_bug_keeps_the_update_and_the_operator_hears_of_it(
    harness: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api = harness.api
    alex = await onboarded(harness)
    runtime = harness.runtime
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    update = api.send_message(1001, "/help")
    await harness.processed(update["update_id"])
    update_id = update["update_id"]
    assert (await inbox_rows(harness))[update_id] == ("failed", True)
    (apology,) = apologies(alex)
    assert "saved what you sent" in apology and "no need to send it again" in apology

    # No timer erases it: eight days on, the report still counts it, payload and all.
    harness.clock.advance(days=8)
    caplog.clear()
    assert await runtime.intake.report_failed() == 1
    assert (await inbox_rows(harness))[update_id] == ("failed", True)
    assert logged(caplog, "1 update(s) failed with an error and wait in the inbox") == 1

    # Reminded every hour (here every 50 ms) while it waits.
    hourly = Intake(runtime.app, runtime.db, harness.clock)
    hourly.report_every = 0.05
    caplog.clear()
    await hourly.drain()
    await asyncio.sleep(0.3)
    await hourly.close()
    assert logged(caplog, "failed with an error and wait in the inbox") >= 3

    # At a start it is counted and tried again; failing again, the person is not told twice.
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    restarted = Intake(runtime.app, runtime.db, harness.clock)
    caplog.clear()
    await restarted.drain(include_failed=True)
    await restarted.close()
    assert logged(caplog, "1 update(s) failed with an error before; trying them again") == 1
    assert (await inbox_rows(harness))[update_id] == ("failed", True)
    assert len(apologies(alex)) == 1

    # Once the fault is gone, the next start handles it, and only then is its payload erased.
    fixed = Intake(runtime.app, runtime.db, harness.clock)
    await fixed.drain(include_failed=True)
    await fixed.close()
    assert (await inbox_rows(harness))[update_id] == ("done", False)
    assert "/remind" in alex.last().visible  # the /help it asked for
    assert "/help" not in caplog.text


def test_what_passes_and_what_does_not(tmp_path: Any) -> None:
    conn = sqlite3.connect(tmp_path / "full.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE t (x TEXT)")
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for _ in range(100):
            conn.execute("INSERT INTO t VALUES (?)", ("x" * 1000,))
    except sqlite3.OperationalError as error:
        disk_full: BaseException = error
        try:
            conn.execute("ROLLBACK")  # as Database.transaction does, but SQLite rolled back already
        except sqlite3.OperationalError as rollback:
            masked = rollback
    assert "no transaction is active" in str(masked) and masked.__context__ is disk_full
    for error in (disk_full, masked, full("database is locked"), NetworkError("Bad Gateway"),
                  TimedOut(), RetryAfter(15)):  # fmt: skip
        assert is_transient(error) and fate(error) is Fate.RETRY, error
    assert fate(BadRequest("Bad Request: message is too long")) is Fate.KEEP
    assert fate(sqlite3.IntegrityError("UNIQUE constraint failed")) is Fate.KEEP
    assert fate(sqlite3.OperationalError("cannot rollback - no transaction is active")) is Fate.KEEP
    assert fate(Forbidden("Forbidden: bot was blocked by the user")) is Fate.UNREACHABLE
    assert [retry_delay(None, n) for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert retry_delay(RetryAfter(15), 1) == 15
