"""The SQLite connection: pragmas, one writer, short transactions that share their commits.

Between keeps one aiosqlite connection per process for writing and, beside it, one for reading.
aiosqlite runs every statement of a connection on one background thread, so the writer is the
single writer the architecture asks for; an ``asyncio.Lock`` keeps two tasks from interleaving
statements inside one transaction.

Group commit. Each write is still one transaction of its own (all of it or none of it), and the
caller goes on only once that transaction is on disk (``synchronous=FULL``). What changes is who
pays for the disk: transactions that arrive while another one runs share its SQLite transaction
and one COMMIT. The first opens it (BEGIN IMMEDIATE); each one that joins runs inside a SAVEPOINT,
so that an error undoes that transaction alone; the last of those that were already waiting for
the writer when the group opened commits for everybody, and every one of them learns then that it
is durable. In WAL mode a commit is one append to the log and one sync, so a group of thirty costs
what one did. A group thus holds what queued up while the commit before it ran: one or a few
transactions on a disk that syncs in a fraction of a millisecond, many on a slow one, where
sharing matters (twice the notes a second with a simulated 5 ms sync, bench/README.md). If the
COMMIT fails (a full disk), every transaction in the group fails with that error, exactly as each
would have failed alone, and its caller tries again. A group closes after ``GROUP_MEMBERS``
transactions or ``GROUP_SECONDS`` whatever is waiting, so nobody waits long for the disk.

Reads go to the reader connection: in WAL mode it reads while the writer writes, so a read never
holds up a transaction. A read waits for the writes that came before it to be durable (it sees
what it would have seen had it waited its turn for the writer, as reads did when they shared it)
and never sees what a group has not committed yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
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


# How many times the current task has taken the writer (see writes_here).
_WRITES: ContextVar[int] = ContextVar("between_writes", default=0)


def writes_here() -> int:
    """How many times the current task (its context) has taken the writer, for a transaction, a
    statement or a migration. A read made when the count was what it is now has seen every write
    of this task, so a caller may keep what it read for as long as the count stays the same."""
    return _WRITES.get()


GROUP_MEMBERS = 100  # transactions sharing one commit, at most
GROUP_SECONDS = 0.02  # a group commits this long after it opened, even with writes waiting


class _Group:
    """One SQLite transaction shared by the transactions that came while it was open."""

    def __init__(self, last: int) -> None:
        loop = asyncio.get_running_loop()
        self.last = last  # the newest ticket when it opened: it takes the writers waiting then
        self.committed: asyncio.Future[None] = loop.create_future()
        # Retrieved even if every member stopped waiting (no "exception never retrieved").
        self.committed.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.tickets: list[int] = []  # the transactions whose work it holds
        self.closes_at = loop.time() + GROUP_SECONDS

    def full(self) -> bool:
        return len(self.tickets) >= GROUP_MEMBERS or asyncio.get_running_loop().time() >= self.closes_at


class Database:
    """One open SQLite database. Use :meth:`transaction` for writes and :meth:`read` for reads."""

    def __init__(
        self, conn: aiosqlite.Connection, path: str, reader: aiosqlite.Connection | None = None
    ) -> None:
        self._conn = conn
        self._reader = reader  # None: reads share the writer (an in-memory database)
        self._lock = asyncio.Lock()  # the writer: one transaction's statements at a time
        self._waiting = 0  # tasks waiting for the writer
        self._group: _Group | None = None  # the open transaction, not committed yet
        # Every use of the writer takes a ticket, in the order the writer serves them. A read
        # waits until every write that came before it is finished (durable, or undone): it sees
        # what it would have seen had it waited its turn for the writer, as reads used to.
        self._tickets = 0  # tickets taken
        self._finished = 0  # every ticket up to this one is finished
        self._finished_early: set[int] = set()  # finished tickets past ``_finished``
        self._moved = asyncio.Event()  # replaced each time ``_finished`` moves
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
        reader: aiosqlite.Connection | None = None
        connected = False
        try:
            await conn
            connected = True
            conn.row_factory = aiosqlite.Row
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            await conn.execute(f"PRAGMA synchronous = {synchronous}")
            if str(path) != ":memory:":
                reader = await aiosqlite.connect(str(path), isolation_level=None)
                reader.row_factory = aiosqlite.Row
                for pragma in (*PRAGMAS, f"PRAGMA synchronous = {synchronous}"):
                    await reader.execute(pragma)  # the same settings, for whoever reads them
                await reader.execute("PRAGMA query_only = ON")  # reads only, by construction
        except sqlite3.Error as error:
            if reader is not None:
                await reader.close()
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
        return cls(conn, str(path), reader)

    async def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        if self._reader is not None:
            await self._reader.close()
        async with self._alone() as conn:
            await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            await conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed, durably, when the block ends; rolled back on error.

        It may share its COMMIT with transactions that came at the same time (see the module
        docstring): an error in the block undoes this one alone and is raised here; a failed
        COMMIT is raised in every transaction of the group.
        """
        ticket = await self._enter()
        group: _Group | None = None
        try:
            group = self._group or await self._begin()
            joined = bool(group.tickets)  # others' work is in the transaction: keep this apart
            if joined:
                await self._conn.execute("SAVEPOINT member")
            try:
                yield self._conn
                if joined:
                    await self._conn.execute("RELEASE member")
            except BaseException as error:
                await self._undo(group, error, joined)
                raise
            group.tickets.append(ticket)
        finally:
            self._leave(ticket, group)
        await asyncio.shield(group.committed)

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer for one write statement, durable when the block ends.

        A statement is atomic by itself, so it needs no BEGIN, COMMIT or SAVEPOINT of its own: it
        joins the open group, or runs alone (SQLite commits it) when nobody else is writing.
        Several statements that must land together need :meth:`transaction`.
        """
        ticket = await self._enter()
        group = self._group
        try:
            if group is None and self._waiting:
                group = await self._begin()  # others are about to write: they will join
            try:
                yield self._conn
            except BaseException as error:
                if group is not None and not self._conn.in_transaction:
                    self._settle(group, error)  # SQLite rolled the whole group back (a full disk)
                raise
            if group is not None:
                group.tickets.append(ticket)
        finally:
            self._leave(ticket, group)
        if group is not None:
            await asyncio.shield(group.committed)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Reads of committed data, on the reader connection.

        A read sees every write that came before it (it waits until they are durable) and
        nothing that is not committed; it never holds up a write. Reads that must agree with
        each other across statements belong in a transaction.
        """
        if self._reader is None:
            async with self._alone() as conn:
                yield conn
            return
        came_after = self._tickets
        while self._finished < came_after:
            await self._moved.wait()
        yield self._reader

    @asynccontextmanager
    async def raw(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection outside any transaction (migrations manage their own)."""
        async with self._alone() as conn:
            yield conn

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

    # ---- the group commit ------------------------------------------------------------------------

    async def _enter(self) -> int:
        """Wait for the writer; returns this use's ticket. A task that stops waiting may have
        been the one an open group was left for: then a task of its own commits the group."""
        self._tickets += 1
        ticket = self._tickets
        _WRITES.set(_WRITES.get() + 1)
        self._waiting += 1
        try:
            await self._lock.acquire()
        except BaseException:
            self._finish(ticket)
            if self._group is not None and self._waiting == 1:
                _spawn(self._flush())
            raise
        finally:
            self._waiting -= 1
        return ticket

    def _leave(self, ticket: int, group: _Group | None) -> None:
        """Let the next writer in. The open group is committed first (and the writer released
        once the COMMIT is done) by the last of the writers that were waiting when it opened, or
        earlier when nobody is waiting or the group is full. So a group holds what queued up
        during the commit before it: a few transactions on a fast disk, many on a slow one.
        ``ticket`` is finished now, or with its group's COMMIT when it joined one."""
        if group is None or ticket not in group.tickets:
            self._finish(ticket)
        group = self._group
        if group is not None and (
            not group.tickets or not self._waiting or ticket >= group.last or group.full()
        ):
            _spawn(self._commit()).add_done_callback(lambda _: self._lock.release())
        else:
            self._lock.release()  # a waiting writer joins the group; the last one commits it

    async def _begin(self) -> _Group:
        await self._conn.execute("BEGIN IMMEDIATE")
        self._group = _Group(self._tickets)
        return self._group

    async def _commit(self) -> None:
        """COMMIT the open group (with the writer held) and tell its members how it went."""
        group = self._group
        if group is None:
            return
        try:
            await self._conn.execute("COMMIT")
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                await self._conn.execute("ROLLBACK")  # if SQLite left it open
            self._settle(group, error)
            if not isinstance(error, Exception):
                raise
        else:
            self._settle(group, None)

    async def _undo(self, group: _Group, error: BaseException, joined: bool) -> None:
        """Undo a failed transaction: its savepoint, or the whole SQLite transaction when it was
        alone in it. If SQLite rolled everything back already (a full disk), the group fails."""
        if joined:
            try:
                await self._conn.execute("ROLLBACK TO member")
                await self._conn.execute("RELEASE member")
                return
            except sqlite3.Error:
                pass  # no such savepoint: the whole transaction is gone
        with contextlib.suppress(sqlite3.Error):  # "no transaction is active" after SQLITE_FULL
            await self._conn.execute("ROLLBACK")
        self._settle(group, error)

    def _settle(self, group: _Group, error: BaseException | None) -> None:
        """The group's transaction ended: committed (``error`` None) or gone. Its members learn
        which, and their tickets are finished."""
        if self._group is group:
            self._group = None
        if not group.committed.done():
            if error is None:
                group.committed.set_result(None)
            else:
                group.committed.set_exception(error)
        for ticket in group.tickets:
            self._finish(ticket)

    def _finish(self, ticket: int) -> None:
        self._finished_early.add(ticket)
        moved = False
        while self._finished + 1 in self._finished_early:
            self._finished += 1
            self._finished_early.remove(self._finished)
            moved = True
        if moved:
            self._moved.set()
            self._moved = asyncio.Event()

    async def _flush(self) -> None:
        async with self._alone():
            pass

    @asynccontextmanager
    async def _alone(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer with no transaction open: the open group is committed first."""
        ticket = await self._enter()
        try:
            if self._group is not None:
                await self._commit()
            yield self._conn
        finally:
            self._finish(ticket)
            self._lock.release()


def _spawn(coroutine: Any) -> asyncio.Task[Any]:
    return asyncio.get_running_loop().create_task(coroutine)


# Every statement is a round trip to aiosqlite's thread, and a cursor costs three (execute,
# fetch, close). These read a statement's rows in one, which is most of the cost of a query here.


async def fetch_one(conn: aiosqlite.Connection, sql: str, params: Any = ()) -> aiosqlite.Row | None:
    """The first row a statement returns (a SELECT, or a write with RETURNING), or None."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: Any = ()) -> list[aiosqlite.Row]:
    """Every row a statement returns."""
    return list(await conn.execute_fetchall(sql, params))


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
