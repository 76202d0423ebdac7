"""The SQLite connection: pragmas, one writer, short transactions.

Between keeps one aiosqlite connection per process. aiosqlite runs every statement on one
background thread, so the connection is the single writer the architecture asks for; an
``asyncio.Lock`` keeps two tasks from interleaving statements inside one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

# Why each pragma:
# - WAL: readers never block the writer, and a crash mid-write cannot corrupt the file.
# - synchronous=FULL: a commit is on disk before we tell Telegram we have an update. NORMAL
#   would be faster but may lose the last transactions on power loss; these are people's words.
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


class Database:
    """One open SQLite database. Use :meth:`transaction` for writes and :meth:`read` for reads."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, *, synchronous: str = "FULL") -> Database:
        """Open (creating if needed) the database at ``path`` with Between's pragmas."""
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            if pragma.startswith("PRAGMA synchronous"):
                pragma = f"PRAGMA synchronous = {synchronous}"
            await conn.execute(pragma)
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
        """A consistent read (BEGIN DEFERRED) that never sees another task's half-done write."""
        async with self._lock:
            await self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def raw(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection outside any transaction (migrations manage their own)."""
        async with self._lock:
            yield self._conn

    async def checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it (after erasing, so no copy lingers)."""
        async with self._lock:
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
