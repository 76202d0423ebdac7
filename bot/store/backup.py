"""Online backups: a consistent copy of the database while the bot keeps writing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path


async def backup(source: str | Path, target: str | Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's backup API; returns the page count.

    The backup API copies a consistent snapshot even while another connection writes (it
    restarts on change under WAL only for writes made through other connections, which it then
    includes), so the bot need not stop. Runs in a thread: it is blocking I/O.
    """
    return await asyncio.to_thread(_copy, Path(source), Path(target))


def _copy(source: Path, target: Path) -> int:
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    tmp = target.with_name(target.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()
    tmp.replace(target)  # the copy appears whole or not at all
    return pages
