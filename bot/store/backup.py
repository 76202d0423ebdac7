"""Online backups: a consistent copy of the database while the bot keeps writing."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from pathlib import Path

from bot.store.db import DatabaseUnavailable


class BackupTargetError(Exception):
    """The backup cannot be written where it was asked for; the message names the place and why."""


async def backup(source: str | Path, target: str | Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's backup API; returns the page count.

    The copy is one snapshot: every page is copied in a single step, inside one read
    transaction. Under WAL the bot's writes go on meanwhile (a reader never blocks the writer)
    and are simply not in the copy. Copying in several smaller steps would let a write from
    another connection between two steps restart the copy from the first page, so on a busy
    database it might never finish. Runs in a thread: it is blocking I/O.

    Raises DatabaseUnavailable when ``source`` cannot be read, BackupTargetError when ``target``
    cannot be written. The copy is readable by its owner alone (it holds people's journals).
    """
    return await asyncio.to_thread(_copy, Path(source), Path(target))


def _copy(source: Path, target: Path) -> int:
    if not source.is_file():
        raise DatabaseUnavailable(f"cannot back up {source}: there is no database file there")
    if target.is_dir():
        raise BackupTargetError(f"cannot write the backup to {target}: that is a folder; name a file in it")
    tmp = target.with_name(target.name + ".partial")
    _create_private(tmp, target)
    try:
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"cannot back up {source}: {error}") from None
        try:
            dst = sqlite3.connect(tmp)
            try:
                try:
                    src.backup(dst, pages=-1)  # all pages in one step: see backup()
                except sqlite3.DatabaseError as error:
                    if "not a database" in str(error):
                        raise DatabaseUnavailable(
                            f"cannot back up {source}: it is not an SQLite database"
                        ) from None
                    if "disk" in str(error) or "full" in str(error):  # disk I/O error, disk is full
                        raise BackupTargetError(f"cannot write the backup to {target}: {error}") from None
                    raise
                dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
                pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
            finally:
                dst.close()
        finally:
            src.close()
        tmp.replace(target)  # the copy appears whole or not at all
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return pages


def _create_private(tmp: Path, target: Path) -> None:
    """Create the (empty) file the copy is written into, mode 0600, or say why it cannot be."""
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        if not target.parent.is_dir():
            reason = f"the folder {target.parent} does not exist"
        else:
            reason = error.strerror or str(error)
        raise BackupTargetError(f"cannot write the backup to {target}: {reason}") from None
    try:
        os.fchmod(fd, 0o600)  # an older .partial left by a crash keeps its mode otherwise
    finally:
        os.close(fd)
