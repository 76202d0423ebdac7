"""The SQLite connection: pragmas, one writer, short transactions.

Between keeps one aiosqlite connection per process. aiosqlite runs every statement on one
background thread, so the connection is the single writer the architecture asks for; an
``asyncio.Lock`` keeps two tasks from interleaving statements inside one transaction.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

# Why each pragma:
# - WAL: readers never block the writer, and a crash mid-write cannot corrupt the file.
# - synchronous=FULL: a commit is on disk before we go on (before Telegram is told we have an
#   update, before a prompt is sent). NORMAL may lose the last commits on a power cut; these are
#   people's words. (bench/bench_inbound.py measures what FULL costs: nothing measurable on the
#   machine the README names, where round trips to the database thread dominate.)
# - foreign_keys: erasing a person cascades to everything about them.
# - busy_timeout: `between backup` and other tools may hold a lock briefly.
# - secure_delete: deleted text is overwritten with zeros, not left in free pages.
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA secure_delete = ON",
)


# A checkpoint try waits this long for a writer or a reader to finish; meanwhile new writes
# wait for it, so it is kept short.
CHECKPOINT_WAIT = 0.05


class DatabaseUnavailable(Exception):
    """The database file cannot be opened or created; the message names the file and why."""


def _check_openable(path: Path) -> None:
    """Create the database file readable by its owner alone unless it exists, and refuse, with a
    reason an operator can act on, a path SQLite could not open (raises DatabaseUnavailable).

    SQLite would create the file 0644 (less the umask), and its -wal and -shm files copy the mode
    of the database file: creating it 0600 first keeps all three private.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.is_dir() or not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseUnavailable(f"cannot open the database {path}: {_reason(path, None)}") from None
        return
    except OSError as error:
        raise DatabaseUnavailable(f"cannot create the database {path}: {_reason(path, error)}") from None
    os.close(fd)


def _reason(path: Path, error: OSError | sqlite3.Error | None) -> str:
    """Why ``path`` cannot be opened, in words, from what the file system says about it."""
    parent = path.parent
    if not parent.is_dir():
        return f"the folder {parent} does not exist"
    if path.is_dir():
        return "that is a folder, not a file"
    if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied ({error.strerror})"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return "permission denied (the file must be readable and writable by this user)"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"permission denied (SQLite must be able to create files in {parent})"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error) if error is not None else "SQLite cannot open it"


class Database:
    """One open SQLite database. Use :meth:`transaction` for writes and :meth:`read` for reads."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, *, synchronous: str = "FULL") -> Database:
        """Open (creating if needed) the database at ``path`` with Between's pragmas.

        ``synchronous`` exists for the benchmark that measures what FULL costs; Between itself
        always opens with FULL.
        """
        if str(path) != ":memory:":
            _check_openable(Path(path))
        conn = aiosqlite.connect(str(path), isolation_level=None)
        connected = False
        try:
            await conn
            connected = True
            conn.row_factory = aiosqlite.Row
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            await conn.execute(f"PRAGMA synchronous = {synchronous}")
        except sqlite3.Error as error:
            if connected:
                await conn.close()
            else:  # aiosqlite stops its thread by itself; let it finish while our loop still runs
                thread = getattr(conn, "_thread", None)
                if thread is not None:
                    await asyncio.to_thread(thread.join, 5)
            if "not a database" in str(error):
                reason = "it is not an SQLite database"
            else:
                reason = _reason(Path(path), error)
            raise DatabaseUnavailable(f"cannot open the database {path}: {reason}") from None
        return cls(conn, str(path))

    async def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        async with self._lock:
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE): committed on success, rolled back on error."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Reads that never see another task's half-done write.

        Every transaction holds the lock from BEGIN to COMMIT, so while we hold it the one
        connection has no transaction open and each SELECT sees only committed data. (Reads that
        must agree with each other across statements belong in a transaction.)
        """
        async with self._lock:
            yield self._conn

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for one write statement, which SQLite commits on its own (atomic, no
        BEGIN/COMMIT round trips). Several statements that must land together need
        :meth:`transaction`."""
        async with self._lock:
            yield self._conn

    @asynccontextmanager
    async def raw(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection outside any transaction (migrations manage their own)."""
        async with self._lock:
            yield self._conn

    async def checkpoint(self, *, wait: float = CHECKPOINT_WAIT) -> bool:
        """Try once to copy the WAL into the main file and truncate it (after erasing, so no copy
        of the erased pages lingers in either file); True when that finished.

        It runs on a connection of its own, in a worker thread, waiting at most ``wait`` seconds
        for other connections: a TRUNCATE checkpoint waits for every reader (a running backup, a
        sqlite3 shell with a read open, an export) and keeps new writers out while it waits, so
        on the bot's one connection it would hold everyone's notes back for the whole busy
        timeout. A False means try again later (bot/services/erase.py does, with backoff).
        """
        if self.path == ":memory:":
            return True  # nothing on disk
        return await asyncio.to_thread(_checkpoint_once, self.path, wait)


def _checkpoint_once(path: str, wait: float) -> bool:
    """One TRUNCATE checkpoint from a fresh connection (call in a worker thread)."""
    try:
        conn = sqlite3.connect(path, timeout=wait, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # locked: another connection holds what it needs
        return False
    finally:
        conn.close()
    return row is not None and row[0] == 0


# Every statement is a round trip to aiosqlite's thread, and a cursor costs three (execute,
# fetch, close). These read a statement's rows in one, which is most of the cost of a query here.


async def fetch_one(conn: aiosqlite.Connection, sql: str, params: Any = ()) -> aiosqlite.Row | None:
    """The first row a statement returns (a SELECT, or a write with RETURNING), or None."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)  # type: ignore[arg-type]


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: Any = ()) -> list[aiosqlite.Row]:
    """Every row a statement returns."""
    return list(await conn.execute_fetchall(sql, params))  # type: ignore[arg-type]
