"""`between backup`: a whole, private copy, even while another connection keeps writing."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from bot.store.backup import BackupTargetError, backup
from bot.store.db import Database, DatabaseUnavailable
from bot.store.migrate import migrate


def _busy_database(path: Path, rows: int) -> None:
    """A WAL database of ``rows`` rows of 1 KiB (about ``rows`` / 4 pages of 4 KiB)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, filler BLOB)")
    conn.executemany("INSERT INTO t (filler) VALUES (zeroblob(1024))", [()] * rows)
    conn.commit()
    conn.close()


class Writer(threading.Thread):
    """Commits one row after another through its own connection, as the bot does, until stopped."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.going = threading.Event()  # set after the first commits
        self.commits = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = OFF")  # as many commits as possible: the worst case
            while not self.stop.is_set():
                conn.execute("INSERT INTO t (filler) VALUES (zeroblob(1024))")
                self.commits += 1
                if self.commits == 50:
                    self.going.set()
            conn.close()
        except BaseException as error:  # reported by the test
            self.error = error


async def test_backup_finishes_while_another_connection_keeps_writing(tmp_path):
    source = tmp_path / "busy.sqlite3"
    _busy_database(source, rows=40_000)  # ~45 MB: thousands of pages, many steps of the old way
    writer = Writer(source)
    writer.start()
    try:
        # The writer is really writing before the backup starts.
        assert await asyncio.to_thread(writer.going.wait, 30)
        before = writer.commits
        started = time.monotonic()
        pages = await asyncio.wait_for(backup(source, tmp_path / "copy.sqlite3"), timeout=60)
        took = time.monotonic() - started
        during = writer.commits - before
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.error is None
    assert during > 0, "the writer wrote nothing while the backup ran: the test proves nothing"
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = copy.execute("SELECT count(*) FROM t").fetchone()[0]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()
    # One snapshot: everything from before the backup began, nothing half-written.
    assert 40_000 + before <= rows <= 40_000 + writer.commits
    assert pages > 10_000
    print(f"backup of {pages} pages took {took:.2f} s during {during} concurrent commits")


async def test_backup_is_readable_by_its_owner_alone_and_never_left_half_written(tmp_path):
    db = await Database.open(tmp_path / "between.sqlite3")
    await migrate(db)
    await db.close()
    target = tmp_path / "backup.sqlite3"
    (tmp_path / "backup.sqlite3.partial").write_bytes(b"left by a crash")
    (tmp_path / "backup.sqlite3.partial").chmod(0o644)
    await backup(tmp_path / "between.sqlite3", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not (tmp_path / "backup.sqlite3.partial").exists()


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("missing/dir/x.sqlite3", "missing/dir does not exist"),
        (".", "that is a folder"),
    ],
)
async def test_a_target_that_cannot_be_written_is_one_clear_error(tmp_path, where, reason):
    _busy_database(tmp_path / "db.sqlite3", rows=10)
    with pytest.raises(BackupTargetError) as refused:
        await backup(tmp_path / "db.sqlite3", tmp_path / where)
    assert reason in str(refused.value)
    assert str(tmp_path) in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]


async def test_a_missing_source_names_it(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="no database file there"):
        await backup(tmp_path / "none.sqlite3", tmp_path / "copy.sqlite3")
    assert not list(tmp_path.iterdir())


async def test_a_source_that_is_not_a_database_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database, but long enough to have a header " * 10)
    with pytest.raises(DatabaseUnavailable, match="not an SQLite database"):
        await backup(tmp_path / "notes.txt", tmp_path / "copy.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
